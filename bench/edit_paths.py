#!/usr/bin/env python3
"""How long an edit that moves no article takes on each of newsgen's ways to show it.

usage: python bench/edit_paths.py SITE [--rounds 3]

SITE is a newsgen site that has been built once (e.g. the 10,000-article corpus that
``bench/run.py`` writes to ``bench/out/n10000/newsgen``). Each round appends a sentence
to one article and times, on a copy of the site's state:

- *full*: ``newsgen build`` with the delta path unavailable (its skeleton file removed,
  as after a crash or an upgrade): load, plan and render what changed;
- *delta*: ``newsgen build`` as it runs: the edited article's pages from the skeleton;
- *watch*: the build watch mode runs after a save, with the last build in memory: a
  delta build that brings the memory up to date;
- *watch-full*: the same with the delta path unavailable (as when new rates or a
  template came with the edit): the full path with the last plan reused from memory
  (see ``loading._reuse_last_plan``);
- *preview*: the edited page written from that memory before the rebuild (see ``preview``).

The figures are wall-clock seconds for the whole step, search index included when the
site's settings have search on (the default). They say whether each short way earns
its place: a short way that is not faster than the one it shortcuts should go.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from newsgen.build import BuildOptions, build
from newsgen.delta import SKELETON_FILE
from newsgen.loading import ArticleMemory
from newsgen.preview import Preview
from newsgen.state import STATE_DIR


def edit(source: Path, token: str) -> None:
    with open(source, "a", encoding="utf-8") as file:
        file.write(f"\nOne more sentence, {token}.\n")


def timed(step) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site: Path = args.site
    source = sorted((site / "content").rglob("*.md"))[len(list((site / "content").rglob("*.md"))) // 2]
    original = source.read_bytes()
    results: list = []  # type: ignore[type-arg]
    figures: dict[str, list[float]] = {"full": [], "delta": [], "watch": [], "watch-full": [], "preview": []}
    try:
        build(BuildOptions(site=site))  # the state and the skeleton as a user's last build left them
        for n in range(args.rounds):
            edit(source, f"full {n}")
            (site / STATE_DIR / SKELETON_FILE).unlink(missing_ok=True)
            figures["full"].append(timed(lambda: build(BuildOptions(site=site))))
            edit(source, f"delta {n}")  # the full build wrote the skeleton again
            results.clear()
            figures["delta"].append(timed(lambda: results.append(build(BuildOptions(site=site)))))
            if not results[0].delta:
                raise SystemExit("the build after the edit did not take the delta path")
        memory = ArticleMemory()
        build(BuildOptions(site=site, memory=memory))  # fills the memory, as watch mode's first build does
        preview = Preview(site, memory)
        for n in range(args.rounds):
            edit(source, f"watch {n}")
            figures["preview"].append(timed(lambda: preview.write({str(source)})))
            results.clear()
            figures["watch"].append(timed(lambda: results.append(build(BuildOptions(site=site, memory=memory)))))
            if not results[0].delta:
                raise SystemExit("watch mode's build after the edit did not take the delta path")
            edit(source, f"watch-full {n}")
            (site / STATE_DIR / SKELETON_FILE).unlink(missing_ok=True)
            figures["watch-full"].append(timed(lambda: build(BuildOptions(site=site, memory=memory))))
    finally:
        source.write_bytes(original)
        build(BuildOptions(site=site))
    for name, values in figures.items():
        print(f"{name:10} median {statistics.median(values):7.3f} s   rounds {', '.join(f'{v:.3f}' for v in values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
