"""Builds killed with ``kill -9`` or stopped with Ctrl-C: no process outlives them, the lock is
free, nothing of theirs is left beside the site, and the next build equals a clean one.

Each test runs the real ``newsgen`` command in a process of its own session (so every
process it starts can be found afterwards) through ``crash_harness.py``, which stops it at
a chosen phase; the test then kills the real process there.
"""
from __future__ import annotations

import fcntl
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import article, files_of, searchable, snapshot, wait_until

HARNESS = Path(__file__).with_name("crash_harness.py")
EPOCH = "1767268800"  # 2026-01-01 12:00 UTC: the same clock for every build of a test
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def site_files(count: int = 40) -> dict[str, str]:
    """A site large enough for the render pool to start (more than 64 pages), with search on."""
    sections = ("politics", "economy", "culture")
    files = {f"content/{sections[i % 3]}/story-{i}.md": article(
        f"Story {i}", f"2025-12-{1 + i % 28:02d}T{8 + i % 10:02d}:00:00+05:00",
        body=f"Paragraph about the steppe and item {i}.\n\n" + "More text. " * 40,
        tags=[f"tag{i % 5}", "region"], authors=[f"Writer {i % 4}"]) for i in range(count)}
    files["data/rates.yaml"] = "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n"
    return files


@pytest.fixture
def site(site_tree) -> Path:
    return site_tree(site_files())


def newsgen(site: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "newsgen.cli", *args, "-s", str(site)], env=ENV,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if check:
        assert done.returncode == 0, done.stderr
    return done


class Stopped:
    """``newsgen ARGS`` under the harness, in a session of its own, stopped at ``phase``."""

    def __init__(self, site: Path, phase: str, *args: str) -> None:
        self.marker = site.parent / f"marker-{phase}"
        self.marker.unlink(missing_ok=True)
        self.process = subprocess.Popen([sys.executable, str(HARNESS), phase, str(self.marker), *args, "-s", str(site)],
                                        env=ENV, start_new_session=True, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def reached(self, timeout: float = 120) -> int:
        """The process id written at the phase, once it is reached."""
        def written() -> int:
            text = self.marker.read_text() if self.marker.is_file() else ""
            if text:
                return int(text)
            if self.process.poll() is not None:
                raise AssertionError(f"newsgen ended before the phase: {self.process.communicate()}")
            return 0
        return wait_until(written, timeout, "the phase was not reached", interval=0.05)

    def printed(self, text: str, timeout: float = 120) -> None:
        """Wait until the command has printed ``text`` on its standard output (what it printed up
        to then is read here; :meth:`kill` returns what follows)."""
        stdout = self.process.stdout
        assert stdout is not None
        seen = bytearray()

        def found() -> bool:
            while select.select([stdout], [], [], 0)[0]:
                chunk = os.read(stdout.fileno(), 65536)  # unbuffered: communicate() reads the rest the same way
                if not chunk:
                    raise AssertionError(f"newsgen ended before printing {text!r}: {seen.decode()!r}")
                seen.extend(chunk)
            return text.encode() in seen
        wait_until(found, timeout, lambda: f"newsgen never printed {text!r}, only {seen.decode()!r}")

    def resume(self) -> None:
        """Let the process go on from the phase (after a signal sent there, say)."""
        self.marker.unlink()

    def kill(self, signum: int = signal.SIGKILL) -> tuple[str, str]:
        os.kill(self.process.pid, signum)
        out, err = self.process.communicate(timeout=60)
        return out, err


def session_processes(session: int) -> list[int]:
    """Processes still alive in a session (zombies, already dead, left out)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def assert_nothing_left(site: Path, session: int) -> None:
    """No process of the killed command runs a moment later, and the site's lock is free."""
    wait_until(lambda: not session_processes(session), 10,
               lambda: f"processes of the killed command still run: {session_processes(session)}", interval=0.05)
    with open(site / ".newsgen/build.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if anything still holds it


def assert_equals_clean_build(site: Path, tmp_path: Path) -> None:
    """The site's output equals, byte for byte, a clean build of the same sources elsewhere
    (its search index: what it finds, see ``searchable``); and nothing but the output and the
    state is left beside the site."""
    copy = tmp_path / f"clean-{time.monotonic_ns()}"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", ".newsgen", ".build.*"))
    newsgen(copy, "build", "--clean")
    assert files_of(site / "build") == files_of(copy / "build")
    assert searchable(site / "build", site) == searchable(copy / "build", copy)
    shutil.rmtree(copy)
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".newsgen"]
    assert leftovers(site) == []


def leftovers(site: Path) -> list[str]:
    """The temporary folders of builds (in .newsgen/, which .gitignore covers, or beside build/)."""
    return sorted(p.name for folder in (site, site / ".newsgen") for p in folder.iterdir()
                  if p.name.startswith(".build."))


def story(number: int) -> str:
    """The path of story ``number``, without ``content/`` or ``.md``: its page's URL."""
    return f"{('politics', 'economy', 'culture')[number % 3]}/story-{number}"


def edit(site: Path, number: int, words: str) -> None:
    path = site / f"content/{story(number)}.md"
    path.write_text(path.read_text().replace("Paragraph about", f"{words}. Paragraph about"))


def test_a_build_killed_while_a_worker_renders_leaves_no_worker_and_a_free_lock(site, tmp_path):
    stopped = Stopped(site, "worker", "build", "-j", "2")
    worker = stopped.reached()
    assert worker != stopped.process.pid
    stopped.kill()
    assert_nothing_left(site, stopped.process.pid)
    started = time.monotonic()
    newsgen(site, "build")
    assert time.monotonic() - started < 60  # not the 120 s a held lock makes a build wait
    assert_equals_clean_build(site, tmp_path)


def test_a_killed_build_never_holds_up_a_pipe_it_writes_to(site):
    """``newsgen build | tee log`` ends when newsgen is killed: no worker keeps the pipe open."""
    stopped = Stopped(site, "worker", "build", "-j", "2")
    stopped.reached()
    started = time.monotonic()
    stopped.kill()  # communicate() reads stdout and stderr to their end
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_a_build_killed_while_indexing_leaves_no_indexer_running(site, tmp_path):
    newsgen(site, "build")
    edit(site, 3, "Fresh words")
    stopped = Stopped(site, "indexer", "build")
    indexer = stopped.reached()
    stopped.kill()
    assert_nothing_left(site, stopped.process.pid)
    assert not Path(f"/proc/{indexer}").exists() or "Z" in Path(f"/proc/{indexer}/stat").read_text().split()[2]
    newsgen(site, "build")
    assert_equals_clean_build(site, tmp_path)


@pytest.mark.slow
def test_ctrl_c_while_indexing_says_the_pages_are_new_and_the_next_build_catches_the_index_up(site, tmp_path):
    newsgen(site, "build")
    edit(site, 4, "Zeugma")
    stopped = Stopped(site, "indexer", "build")
    stopped.reached()
    # a delta build starts the indexer before it renders (see build._early_indexer): interrupted
    # "while indexing" is once the pages are written and the build waits for the indexer
    page = site / f"build/{story(4)}/index.html"
    wait_until(lambda: "Zeugma" in page.read_text(), 60, "the edited page was never written")
    _, err = stopped.kill(signal.SIGINT)
    assert stopped.process.returncode == 130
    assert "interrupted; the pages are up to date but the search index is not; the next build updates it" in err
    assert "Traceback" not in err
    assert "Zeugma" in (site / f"build/{story(4)}/index.html").read_text()
    again = newsgen(site, "build")
    assert "0 rendered" in again.stdout  # the pages were written; only the index was behind
    assert_equals_clean_build(site, tmp_path)


def test_ctrl_c_before_anything_is_written_says_the_output_is_as_it_was(site):
    newsgen(site, "build")
    before = snapshot(site / "build")
    edit(site, 5, "Unwritten")
    stopped = Stopped(site, "worker", "build", "--clean", "-j", "2")  # enough pages for the render pool
    stopped.reached()
    os.killpg(stopped.process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    _, err = stopped.process.communicate(timeout=60)
    assert stopped.process.returncode == 130
    assert "interrupted; the output folder is as it was" in err
    assert snapshot(site / "build") == before


@pytest.mark.slow
def test_a_clean_build_killed_before_its_swap_leaves_the_published_site_and_no_staging_folder(site, tmp_path):
    newsgen(site, "build")
    before = snapshot(site / "build")
    edit(site, 6, "Swapped")
    stopped = Stopped(site, "swap", "build", "--clean")
    stopped.reached()
    stopped.kill()
    assert snapshot(site / "build") == before
    assert [name.split("-")[0] for name in leftovers(site)] == [".build.staging"]  # for the next build to clear
    newsgen(site, "build")
    assert_equals_clean_build(site, tmp_path)


def test_the_output_folder_is_never_missing_while_a_clean_build_swaps_it_in(site, monkeypatch):
    """Readers (a web server) always find the site: the swap is one step, not two renames."""
    import newsgen.output
    from conftest import build_site

    build_site(site)
    edit(site, 2, "Swapped in")
    real_replace = os.replace
    seen: list[bool] = []

    def replace(source, target):  # watches every rename the build makes for a moment without the output
        real_replace(source, target)
        seen.append((site / "build/index.html").is_file())
    monkeypatch.setattr(newsgen.output.os, "replace", replace)
    build_site(site, clean=True)
    assert all(seen)
    assert "Swapped in" in (site / f"build/{story(2)}/index.html").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("phase, args, said", [
    ("write", ("build",), "interrupted; the changed pages were written just before; the search index is behind "
                          "them, and the next build updates it"),
    ("swap", ("build", "--clean"), "interrupted; the new site was put in place just before"),
])
def test_ctrl_c_while_the_output_changes_waits_for_it_and_says_so(site, tmp_path, phase, args, said):
    newsgen(site, "build")
    edit(site, 8, "Held")
    stopped = Stopped(site, phase, *args)
    stopped.reached()
    os.kill(stopped.process.pid, signal.SIGINT)
    stopped.resume()
    _, err = stopped.process.communicate(timeout=60)
    assert stopped.process.returncode == 130
    assert said in err and "Traceback" not in err
    assert "Held" in (site / f"build/{story(8)}/index.html").read_text()
    newsgen(site, "build")
    assert_equals_clean_build(site, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["write", "between-pages"])
def test_a_page_written_over_by_a_killed_build_is_whole_old_or_whole_new(site, tmp_path, phase):
    newsgen(site, "build")
    before = snapshot(site / "build")
    # shorter and longer versions of one article: its page, the listings and the feeds change size both ways
    shorter = site / f"content/{story(0)}.md"
    shorter.write_text(shorter.read_text().replace("More text. " * 40, "Short now."))
    edit(site, 1, "Much longer words than before " * 5)
    copy = tmp_path / "after"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", ".newsgen"))
    after = snapshot(newsgen(copy, "build") and copy / "build")
    stopped = Stopped(site, phase, "build")
    stopped.reached()
    stopped.kill()
    now = snapshot(site / "build")
    for relative, data in now.items():
        new = after.get(relative)
        blanked = new is not None and data.startswith(new) and not data[len(new):].strip(b" ")
        assert data in (before.get(relative), new) or blanked, relative  # blank space is all a cut leaves
    newsgen(site, "build")
    assert_equals_clean_build(site, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_random_kills_of_clean_incremental_and_watch_builds_leave_a_site_the_next_build_makes_whole(
        site, tmp_path, seed):
    """Killed at random moments: no process left, the lock free, no folder left, and the next
    build equals a clean build byte for byte."""
    chance = random.Random(seed)
    newsgen(site, "build")
    for trial in range(3):
        edit(site, chance.randrange(40), f"Edit {seed}-{trial}")
        kind = chance.choice(["build --clean", "build", "watch"])
        stopped = Stopped(site, "none", *kind.split())
        time.sleep(chance.uniform(0.2, 2.5))  # a fixed wait on purpose: the kill comes at a moment nobody chose
        stopped.kill()
        assert_nothing_left(site, stopped.process.pid)
        newsgen(site, "build")
        assert_equals_clean_build(site, tmp_path)


def test_the_next_build_puts_back_a_site_left_between_two_renames_and_clears_what_killed_builds_left(site):
    from newsgen.state import folder_in_use

    newsgen(site, "build")
    work = site / ".newsgen"
    (site / "build").rename(work / ".build.old-41")  # a two-rename swap killed between its renames
    (work / ".build.staging-41/politics").mkdir(parents=True)
    (site / ".build.staging-7/politics").mkdir(parents=True)  # where an older newsgen left them
    dead = work / ".build.search-41-x1y2"
    (dead / "pagefind").mkdir(parents=True)
    (dead / ".in-use").touch()  # its indexer was killed: nobody holds the lock
    live = work / ".build.search-41-a1b2"  # the same process id, but a watcher still indexing in it
    live.mkdir()
    with folder_in_use(live):
        done = newsgen(site, "build")
        assert "0 rendered, 0 files written" in done.stdout  # the put-back site was already up to date
        assert leftovers(site) == [".build.search-41-a1b2"]


def test_a_new_sites_gitignore_covers_the_folders_of_killed_builds(tmp_path):
    subprocess.run([sys.executable, "-m", "newsgen.cli", "init", str(tmp_path / "paper")], check=True,
                   capture_output=True)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "paper", check=True)
    ignored = subprocess.run(["git", "check-ignore", "--no-index", ".build.staging-123/", ".build.old-9/",
                              ".build.search-9-abc/", "build/", ".newsgen/"], cwd=tmp_path / "paper",
                             capture_output=True, text=True)
    assert ignored.stdout.split() == [".build.staging-123/", ".build.old-9/", ".build.search-9-abc/", "build/",
                                      ".newsgen/"]
