"""Shared fixtures and helpers: small site trees written to a real temporary folder, real builds,
their files, waiting with a deadline, a preview server's pages, and the newsgen command."""
from __future__ import annotations

import queue
import shutil
import socketserver
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

import pytest

from newsgen.build import BuildOptions, BuildResult, build
from newsgen.report import RecordingReporter

REPO = Path(__file__).resolve().parent.parent
# real archives by people outside the project, beside it (see ../shared/corpus/*/SOURCE.md); tests that
# read them skip, saying so, where the folder is absent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
# A fixed 'now' well after every fixture date, so that no test depends on the clock.
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

SiteTree = Callable[[dict[str, str | bytes]], Path]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> dedented text, or raw bytes) under ``root``."""
    for relative, body in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def site_tree(tmp_path: Path) -> SiteTree:
    """A function writing a site (dict of path -> text) into a fresh folder, returning it."""
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "site", files)
    return make


def article(title: str, date: str = "2025-12-19T10:00:00+05:00", body: str = "Body text.", **fields: object) -> str:
    """A source file with front matter built from keyword arguments (YAML flow values)."""
    import yaml
    front = {"title": title, "date": date, **fields}
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{text}---\n{body}\n"


def build_site(site: Path, **options: object) -> tuple[Path, BuildResult, RecordingReporter]:
    """Build ``site`` into ``site/build`` with the fixed NOW; returns (output, result, reporter)."""
    reporter = RecordingReporter()
    opts = BuildOptions(site=site, now=options.pop("now", NOW), **options)  # type: ignore[arg-type]
    result = build(opts, reporter)
    return result.output, result, reporter


def lines(*text: str) -> bytes:
    """A source file from its lines: line 1 is the first argument."""
    return ("\n".join(text) + "\n").encode("utf-8")


def read(output: Path, url: str) -> str:
    """The HTML served at a site URL ('/politics/' -> politics/index.html)."""
    from newsgen.slugs import output_path
    return (output / output_path(url)).read_text(encoding="utf-8")


# --- the search index -----------------------------------------------------------------------------
# Pagefind runs in a process of its own and takes about a second even for a tiny site, so the
# sites of tests that are not about search say `search: false`. A module's site fixture takes the
# `search` fixture below; a test about search turns it on with `@with_search`.

@pytest.fixture
def search() -> bool:
    """Whether a module's site fixture builds the search index: off unless a test asks for it."""
    return False


with_search = pytest.mark.parametrize("search", [True], ids=["search"])


def search_setting(search: bool) -> str:
    """The settings line for ``search``, for a site fixture's newsgen.yaml."""
    return f"search: {'true' if search else 'false'}\n"


# --- files of a built site ------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def files_of(output: Path) -> dict[str, bytes]:
    """Every file of an output folder but the search index (Pagefind's files are its own business)."""
    return {relative: data for relative, data in snapshot(output).items() if "pagefind" not in relative.split("/")}


def searchable(output: Path, site: Path) -> dict[str, dict[str, object]]:
    """What each edition's search finds in ``output``: its live records (see ``search.live_records``).
    Segments make the index's bytes depend on the order of the edits; what it finds must not."""
    from newsgen.config import load_config
    from newsgen.search import live_records
    return live_records(output, load_config(site))  # type: ignore[return-value]


def mtimes(output: Path) -> dict[str, int]:
    """Every file under ``output``: relative path -> modification time in nanoseconds."""
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The files written or removed between two :func:`mtimes` readings."""
    return {k for k in after if before.get(k) != after[k]} | (set(before) - set(after))


def tick() -> None:
    """Make sure a rewritten file would get a later modification time on coarse clocks.

    A fixed sleep on purpose: nothing can be polled for, the point is that the clock moves on
    before the next write, so that an unchanged modification time means an unwritten file.
    """
    time.sleep(0.01)


def clean_build_of(site: Path, **options: object) -> Path:
    """The output of a clean build of ``site``'s sources, copied beside it (build state and output left out)."""
    copy = site.parent / f"{site.name}-clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", ".newsgen"))
    return build_site(copy, clean=True, **options)[0]


# --- waiting for something ------------------------------------------------------------------------

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 10.0,
               message: str | Callable[[], str] = "the condition never held", interval: float = 0.02) -> T:
    """Call ``condition`` until it returns a true value, and return that value; fail with
    ``message`` (or what it returns, if it is a function) once ``timeout`` seconds have passed.
    For waits on threads, servers, files and other processes, instead of a fixed sleep that is
    too long on a quiet machine and too short on a busy one."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message() if callable(message) else message} (waited {timeout:g} s)")
        time.sleep(interval)


# --- the preview server ----------------------------------------------------------------------------

def http_get(port: int, path: str, timeout: float = 10.0) -> tuple[int, str]:
    """GET ``path`` from a server on 127.0.0.1: (status, body as text)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def serve_in_background(server: socketserver.BaseServer) -> threading.Thread:
    """Run ``server.serve_forever()`` on a thread of its own. It looks for a shutdown request every
    50 ms rather than every half second, the time each ``server.shutdown()`` would otherwise take."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


# --- the newsgen command ----------------------------------------------------------------------------

def run_cli(*args: str) -> tuple[int, str]:
    """Run the newsgen command in this process (click's runner): (exit status, what it printed)."""
    from click.testing import CliRunner

    from newsgen.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


class Command:
    """A real ``newsgen`` process (``watch``, ``serve``), its printed lines read as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "newsgen", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        self.reader = threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in stdout],
                                       daemon=True)
        self.reader.start()

    def lines_until(self, text: str, timeout: float = 30.0) -> list[str]:
        """The lines printed up to the first one holding ``text``, that one included."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
            if text in seen[-1]:
                return seen
        raise AssertionError(f"no line with {text!r} in {seen}")

    def after(self, change: Callable[[], None], text: str) -> list[str]:
        """The lines up to one holding ``text`` after ``change``; made again every few seconds until
        then (the server starts watching just after it says that it serves)."""
        for _ in range(10):
            change()
            try:
                return self.lines_until(text, timeout=3.0)
            except (queue.Empty, AssertionError):
                continue
        raise AssertionError(f"no line with {text!r}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        self.process.stdout.close()  # type: ignore[union-attr]
