#!/usr/bin/env python3
"""Build the same sites with an older newsgen and with this one, and compare the outputs file by file.

usage: python bench/same_output.py --against REF [--articles 2000] [--allow GLOB ...] [--keep DIR]

A change to how newsgen is built inside (a refactoring) must not change a byte of what
it builds. This script checks that on two sites: the bundled example (the sources of
REF's own example, so that both builds read the same files) and a synthetic corpus from
``../shared/bench/gen_corpus.py`` (``--articles`` of them). Each site is copied twice
and built once by each version, with ``SOURCE_DATE_EPOCH`` fixed so the build's "now"
is the same. REF is any git revision of this repository; its code is taken with
``git archive``, so the working tree is not touched.

Files that are meant to differ (a new page, say) are named with ``--allow`` globs over
output paths (``rates/index.html``); everything else must be equal. Exit status 0 when
the outputs are equal apart from allowed files, 1 otherwise, with the first lines of
each difference printed. Search indexes (``pagefind/``) are compared as well.
"""
from __future__ import annotations

import argparse
import difflib
import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"
EPOCH = "1767268800"  # 2026-01-01 12:00 UTC: after every example article, so none is in the future
EXAMPLE_INPUTS = ("content", "data", "newsgen.yaml")


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` of this repository, written to ``into``."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision],
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    archive_path = into.parent / f"{into.name}.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    archive_path.unlink()
    return into


def build(code: Path, site: Path) -> Path:
    """Build ``site`` (a fresh copy) with the newsgen whose sources are ``code``/src."""
    env = {**os.environ, "PYTHONPATH": str(code / "src"), "SOURCE_DATE_EPOCH": EPOCH}
    output = site / "build"
    done = subprocess.run([sys.executable, "-m", "newsgen", "build", "--site", str(site), "--quiet", "--clean"],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the build of {site} with {code} failed:\n{done.stdout}{done.stderr}")
    return output


def files(root: Path) -> dict[str, str]:
    """Output path -> BLAKE2b of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = hashlib.blake2b(path.read_bytes()).hexdigest()
    return found


def compare(name: str, old: Path, new: Path, allowed: list[str]) -> list[str]:
    """Lines describing every difference between two outputs that no ``allowed`` glob covers."""
    before, after = files(old), files(new)
    report = []
    for relative in sorted(before.keys() | after.keys()):
        if any(fnmatch.fnmatch(relative, glob) for glob in allowed):
            continue
        if relative not in after:
            report.append(f"{name}: {relative} is no longer made")
        elif relative not in before:
            report.append(f"{name}: {relative} is new")
        elif before[relative] != after[relative]:
            report.append(f"{name}: {relative} differs")
            try:
                a = (old / relative).read_text(encoding="utf-8").splitlines()
                b = (new / relative).read_text(encoding="utf-8").splitlines()
            except UnicodeDecodeError:
                continue
            diff = list(difflib.unified_diff(a, b, "before", "after", n=1, lineterm=""))
            report += [f"    {line[:200]}" for line in diff[2:14]]
    print(f"{name}: {len(before)} files before, {len(after)} after, "
          f"{sum(1 for r in report if not r.startswith('    '))} differences outside the allowed ones")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with (e.g. a commit or main)")
    parser.add_argument("--articles", type=int, default=2000, help="size of the synthetic site (0: example only)")
    parser.add_argument("--allow", action="append", default=[], help="glob of output paths allowed to differ")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="newsgen-same-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        reference = export(args.against, work / "reference")
        sites = {"example": work / "example"}
        for item in EXAMPLE_INPUTS:
            source = reference / item
            if source.is_dir():
                shutil.copytree(source, sites["example"] / item)
            elif source.is_file():
                sites["example"].mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, sites["example"] / item)
        if args.articles:
            if not GEN_CORPUS.is_file():
                raise SystemExit(f"{GEN_CORPUS} is missing: it comes with the shared benchmark material")
            sites["corpus"] = work / "corpus"
            subprocess.run([sys.executable, str(GEN_CORPUS), "--articles", str(args.articles), "--seed", "1",
                            "--out", str(sites["corpus"]), "--format", "newsgen"], check=True, capture_output=True)
        differences = []
        for name, site in sites.items():
            old_site, new_site = work / f"{name}-before", work / f"{name}-after"
            shutil.copytree(site, old_site)
            shutil.copytree(site, new_site)
            differences += compare(name, build(reference, old_site), build(REPO, new_site), args.allow)
        for line in differences:
            print(line)
        print("same output" if not differences else f"{sum(1 for d in differences if not d.startswith('    '))} "
              "differences")
        return 1 if differences else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
