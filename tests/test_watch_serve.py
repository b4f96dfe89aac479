"""Watch mode with a real observer on a real folder, and the preview server over real HTTP."""
from __future__ import annotations

import http.client
import os
import queue
import sys
import threading
from pathlib import Path

import pytest

from conftest import (NOW, Command, article, build_site, clean_build_of, files_of, http_get, serve_in_background,
                      wait_until)

from newsgen.build import BuildOptions
from newsgen.serve import ReloadHub, make_server
from newsgen.inputs import Input, classify
from newsgen.watch import SiteWatcher

TIMEOUT = 10.0


@pytest.fixture
def site(site_tree):
    return site_tree({"newsgen.yaml": "search: false\n",  # the tests about search make sites of their own
                      "content/politics/a.md": article("Alpha"),
                      "content/politics/b.md": article("Bravo", "2025-12-18"),
                      "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n"})


class Running:
    """A SiteWatcher on its own thread, with every build outcome queued for the test."""

    def __init__(self, site: Path, quiet: float = 0.1) -> None:
        self.outcomes: queue.Queue = queue.Queue()
        self.previews: list[tuple[list[str], int]] = []  # (URLs, builds finished before the preview)
        self.previewed: dict[str, str] = {}  # URL -> its page as it was when the preview was announced
        self.builds = 0
        self.site = site
        self.watcher = SiteWatcher(BuildOptions(site=site, now=NOW, jobs=1), self._built, quiet=quiet,
                                   on_preview=self._previewed)
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)

    def _previewed(self, urls: list[str]) -> None:
        self.previews.append((urls, self.builds))
        self.previewed.update((url, (self.site / "build" / url.strip("/") / "index.html").read_text()) for url in urls)

    def _built(self, result, error, batch) -> None:
        self.builds += 1
        self.outcomes.put((result, error, batch))

    def __enter__(self) -> "Running":
        self.thread.start()
        result, error, _ = self.next()
        assert error is None and result is not None  # the first build
        return self

    def next(self):
        return self.outcomes.get(timeout=TIMEOUT)

    def __exit__(self, *exc) -> None:
        self.watcher.stop()
        self.thread.join(timeout=TIMEOUT)
        assert not self.thread.is_alive()


def test_watch_rebuilds_after_edit_survives_errors_and_recovers(site):
    page = site / "build/politics/a/index.html"
    with Running(site) as run:
        (site / "content/politics/a.md").write_text(article("Alpha, edited"))
        result, error, batch = run.next()
        assert error is None and "Alpha, edited" in page.read_text()
        assert "content" in batch.paths

        good = page.read_bytes()
        (site / "content/politics/a.md").write_text("---\ntitle: [broken\n---\n")
        result, error, _ = run.next()
        assert result is None and "content/politics/a.md:2" in str(error)
        assert page.read_bytes() == good  # the last good output stays

        (site / "content/politics/a.md").write_text(article("Alpha, fixed"))
        result, error, _ = run.next()
        assert error is None and "Alpha, fixed" in page.read_text()

        (site / "content/politics/b.md").unlink()
        result, error, _ = run.next()
        assert error is None and not (site / "build/politics/b").exists()


def test_atomic_saves_and_bursts_are_one_rebuild(site):
    # a quiet period longer than any pause between the writes below, even on a loaded machine
    with Running(site, quiet=0.5) as run:
        # an editor's atomic save: write a temporary file, then rename it over the article
        temp = site / "content/politics/.a.md.swp"
        temp.write_text(article("Alpha, saved atomically"))
        os.replace(temp, site / "content/politics/a.md")
        for i in range(40):  # a burst, like a git checkout
            (site / f"content/politics/new-{i}.md").write_text(article(f"New {i}", "2025-12-01"))
        result, error, batch = run.next()
        assert error is None
        assert result.articles == 42
        assert "Alpha, saved atomically" in (site / "build/politics/a/index.html").read_text()
        with pytest.raises(queue.Empty):
            run.outcomes.get(timeout=0.5)  # no second rebuild for the same burst


def test_swap_and_backup_files_are_ignored(site):
    assert classify(site, str(site / "content/politics/.a.md.swp")) is None
    assert classify(site, str(site / "content/politics/a.md~")) is None
    assert classify(site, str(site / "build/index.html")) is None
    assert classify(site, str(site / "content/politics/a.md")) is Input.CONTENT
    assert classify(site, str(site / "templates/base.html")) is Input.TEMPLATES
    assert classify(site, str(site / "newsgen.yaml")) is Input.SETTINGS
    with Running(site) as run:
        (site / "content/politics/a.md~").write_text("backup")
        (site / "content/politics/#a.md#").write_text("emacs")
        with pytest.raises(queue.Empty):
            run.outcomes.get(timeout=0.8)  # a fixed wait on purpose: nothing is to happen, there is nothing to poll


@pytest.fixture
def server(site):
    out = build_site(site)[0]
    hub = ReloadHub()
    srv = make_server(out, "127.0.0.1", 0, "", hub)
    serve_in_background(srv)
    yield srv.server_address[1], hub, out
    hub.close()
    srv.shutdown()
    srv.server_close()


def test_server_serves_pages_with_the_reload_script_only_in_serve_mode(server):
    port, _, out = server
    status, body = http_get(port, "/politics/a/")
    assert status == 200 and "Alpha" in body and '<script src="/__newsgen/reload.js"></script>' in body
    assert "reload.js" not in (out / "politics/a/index.html").read_text()  # never in build output
    assert http_get(port, "/__newsgen/reload.js")[0] == 200
    assert http_get(port, "/css/site.css")[0] == 200


def test_server_answers_missing_pages_with_the_sites_404(server):
    port, _, _ = server
    status, body = http_get(port, "/no/such/page/")
    assert status == 404 and "Page not found" in body


@pytest.mark.parametrize("path", ["/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/politics/..%2f..%2f..%2fetc/passwd"])
def test_server_refuses_paths_outside_the_output(server, path):
    port, _, _ = server
    status, body = http_get(port, path)
    assert status == 404 and "root:" not in body


def test_server_binds_to_loopback_by_default():
    from newsgen.cli import serve_command
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_reload_event_arrives_after_a_rebuild(site):
    """The whole serve loop: watcher + server + event stream, edited on disk."""
    out = build_site(site)[0]
    hub = ReloadHub()
    srv = make_server(out, "127.0.0.1", 0, "", hub)
    serve_in_background(srv)
    watcher = SiteWatcher(BuildOptions(site=site, now=NOW, jobs=1),
                          lambda result, error, batch: result is not None and hub.reload(), quiet=0.1)
    thread = threading.Thread(target=watcher.run, kwargs={"first_build": False}, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=TIMEOUT)
        conn.request("GET", "/__newsgen/events")
        stream = conn.getresponse()
        assert stream.getheader("Content-Type") == "text/event-stream"
        assert stream.fp.readline() == b": connected\n"
        wait_until(lambda: observing(thread), TIMEOUT, "the watcher never started watching the site")
        (site / "content/politics/a.md").write_text(article("Alpha, live"))
        lines = [stream.fp.readline() for _ in range(3)]
        assert b"event: reload\n" in lines
        assert "Alpha, live" in (out / "politics/a/index.html").read_text()
        conn.close()
    finally:
        watcher.stop()
        thread.join(timeout=TIMEOUT)
        hub.close()
        srv.shutdown()
        srv.server_close()


def test_a_watch_rebuild_leaves_the_edit_searchable_when_it_reports_the_build(site_tree):
    """No background indexer: when the watcher reports a build, the search index already
    holds the edited words, and stopping the watcher has nothing left to wait for."""
    from newsgen.config import load_config
    from newsgen.search import live_records

    site = site_tree({"content/politics/a.md": article("Alpha", body="Nothing special."),
                      "content/politics/b.md": article("Bravo", "2025-12-18", body="Nothing either."),
                      "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n"})
    with Running(site) as run:
        (site / "content/politics/a.md").write_text(article("Alpha", body="The word zeugma appears now."))
        result, error, _ = run.next()
        assert error is None
        records = live_records(site / "build", load_config(site))["pagefind"]
        assert "zeugma" in records["/politics/a/"].content and "special" not in records["/politics/a/"].content
        assert "Nothing either" in records["/politics/b/"].content
    assert live_records(site / "build", load_config(site)) == live_records(clean_build_of(site), load_config(site))


# --- the preview of an edited article, ahead of the rebuild -------------------------------

def test_an_edited_articles_page_is_written_before_the_rebuild_and_the_rebuild_agrees(site):
    page = site / "build/politics/a/index.html"
    with Running(site) as run:
        (site / "content/politics/a.md").write_text(article("Alpha, retitled", body="A corrected first paragraph."))
        result, error, _ = run.next()
        assert error is None
        # the page was written first, while the watcher had finished only its first build
        assert run.previews == [(["/politics/a/"], 1)]
        assert "A corrected first paragraph." in run.previewed["/politics/a/"]
        assert "Alpha, retitled" in run.previewed["/politics/a/"]
        assert page.read_text() == run.previewed["/politics/a/"]  # the rebuild wrote the same page
    clean = clean_build_of(site)
    for url in ("politics/a/index.html", "politics/b/index.html", "index.html", "feed.xml"):
        assert (site / "build" / url).read_bytes() == (clean / url).read_bytes(), url


def test_an_edit_that_moves_the_article_is_not_previewed_only_rebuilt(site):
    with Running(site) as run:
        (site / "content/politics/a.md").write_text(article("Alpha", "2025-12-17T10:00:00+05:00"))
        result, error, _ = run.next()
        assert error is None and run.previews == []  # its neighbours change too: the rebuild does it all
        assert "17 December 2025" in (site / "build/politics/a/index.html").read_text()


def test_an_edit_with_a_problem_is_not_previewed_and_the_page_stays(site):
    page = site / "build/politics/a/index.html"
    with Running(site) as run:
        good = page.read_bytes()
        (site / "content/politics/a.md").write_text(article("Alpha", body="![chart](/images/missing.png)"))
        result, error, _ = run.next()
        assert result is None and "/images/missing.png does not exist" in str(error)
        assert run.previews == [] and page.read_bytes() == good
        # after a failed build nothing is previewed from the old site, even a harmless edit
        (site / "content/politics/b.md").write_text(article("Bravo", "2025-12-18", body="Harmless."))
        result, error, _ = run.next()
        assert result is None and run.previews == []
        (site / "content/politics/a.md").write_text(article("Alpha", body="Fixed."))
        result, error, _ = run.next()
        assert error is None and "Fixed." in page.read_text()


def _built_with_memory(site: Path):
    from newsgen.build import build
    from newsgen.loading import ArticleMemory
    memory = ArticleMemory()
    build(BuildOptions(site=site, now=NOW, jobs=1, memory=memory))
    return memory


@pytest.mark.parametrize("rebuild", ["newsgen build", "watch rebuild"])
def test_a_preview_never_outlives_a_rebuild_that_did_not_happen(site, rebuild):
    from newsgen.build import build
    from newsgen.preview import Preview
    memory = _built_with_memory(site)
    source = site / "content/politics/a.md"
    original = source.read_text()
    source.write_text(article("Alpha, previewed"))
    assert Preview(site, memory, NOW).write({str(source)}) == ["/politics/a/"]
    assert "Alpha, previewed" in (site / "build/politics/a/index.html").read_text()
    # the rebuild failed or was interrupted, or had not started, and the editor put the file back as it was
    source.write_text(original)
    result = build(BuildOptions(site=site, now=NOW, jobs=1, memory=memory if rebuild == "watch rebuild" else None))
    assert result.rendered > 0  # not taken for a build with nothing to do
    clean = clean_build_of(site)
    assert (site / "build/politics/a/index.html").read_bytes() == (clean / "politics/a/index.html").read_bytes()


def test_no_preview_once_an_article_has_come_due_since_the_last_build(site_tree):
    from datetime import timedelta
    from newsgen.preview import Preview
    site = site_tree({"content/politics/a.md": article("Alpha"),
                      "content/politics/soon.md": article("Soon", (NOW + timedelta(hours=1)).isoformat())})
    memory = _built_with_memory(site)
    (site / "content/politics/a.md").write_text(article("Alpha, edited"))
    paths = {str(site / "content/politics/a.md")}
    assert Preview(site, memory, NOW + timedelta(hours=2)).write(paths) == []  # "Soon" is now its neighbour
    assert Preview(site, memory, NOW).write(paths) == ["/politics/a/"]


def test_no_preview_when_the_batch_holds_anything_but_edited_articles(site):
    from newsgen.preview import Preview
    memory = _built_with_memory(site)
    (site / "content/politics/a.md").write_text(article("Alpha, edited"))
    (site / "content/politics/chart.png").write_bytes(b"not really a png")
    paths = {str(site / "content/politics/a.md"), str(site / "content/politics/chart.png")}
    assert Preview(site, memory, NOW).write(paths) == []
    gone = str(site / "content/politics/.a.md.tmp-123")  # an editor's temporary file, already renamed
    assert Preview(site, memory, NOW).write({str(site / "content/politics/a.md"), gone}) == ["/politics/a/"]


def test_articles_edited_together_are_previewed_together(site):
    from newsgen.preview import Preview
    memory = _built_with_memory(site)
    (site / "content/politics/a.md").write_text(article("Alpha, edited"))
    (site / "content/politics/b.md").write_text(article("Bravo, edited", "2025-12-18"))
    urls = Preview(site, memory, NOW).write({str(site / "content/politics/a.md"), str(site / "content/politics/b.md")})
    assert urls == ["/politics/a/", "/politics/b/"]
    # each page links its neighbour under the neighbour's new headline
    assert "Bravo, edited" in (site / "build/politics/a/index.html").read_text()
    assert "Alpha, edited" in (site / "build/politics/b/index.html").read_text()


def test_a_watch_rebuild_after_a_text_edit_is_a_delta_build_that_the_next_preview_builds_on(site):
    from newsgen.build import build
    from newsgen.preview import Preview
    memory = _built_with_memory(site)
    options = BuildOptions(site=site, now=NOW, jobs=1, memory=memory)
    preview = Preview(site, memory, NOW)
    alpha, bravo = site / "content/politics/a.md", site / "content/politics/b.md"
    alpha.write_text(article("Alpha, corrected"))
    assert preview.write({str(alpha)}) == ["/politics/a/"]
    result = build(options)
    assert result.delta and result.rendered < result.pages  # only the pages that show Alpha
    bravo.write_text(article("Bravo, corrected", "2025-12-18"))
    assert preview.write({str(bravo)}) == ["/politics/b/"]
    # the preview's model holds the headline the delta build took in, not the one before it
    assert "Alpha, corrected" in (site / "build/politics/b/index.html").read_text()
    assert build(options).delta
    assert files_of(site / "build") == files_of(clean_build_of(site))


def test_the_watch_command_reports_the_preview_then_the_rebuild(site):
    running = Command("watch", "-s", str(site))
    try:
        running.lines_until("built 2 articles", TIMEOUT)
        (site / "content/politics/a.md").write_text(article("Alpha", body="A corrected sentence."))
        assert running.lines_until("at once", TIMEOUT)[-1].strip() == "updated /politics/a/ at once; rebuilding the rest"
        assert "(1 content changed)" in running.lines_until("built 2 articles", TIMEOUT)[-1]
    finally:
        running.stop()


def test_watch_waits_for_another_build_of_the_site_and_keeps_the_edit(site):
    from newsgen.state import site_lock
    with Running(site) as run:
        with site_lock(site):  # a `newsgen build` in another terminal
            (site / "content/politics/a.md").write_text(article("Alpha", body="Written during the other build."))
            wait_until(lambda: waits_for_the_site_lock(run.thread), TIMEOUT, "the watcher never tried to rebuild")
            with pytest.raises(queue.Empty):
                run.outcomes.get_nowait()  # the watcher is waiting, not failing
        result, error, _ = run.next()
        assert error is None
        assert "Written during the other build." in (site / "build/politics/a/index.html").read_text()


def observing(thread: threading.Thread) -> bool:
    """Whether the watcher running on ``thread`` has started its observer (it watches the site)."""
    from watchdog.observers.api import BaseObserver
    return thread.is_alive() and any(isinstance(t, BaseObserver) and t.is_alive() for t in threading.enumerate())


def waits_for_the_site_lock(thread: threading.Thread) -> bool:
    """Whether ``thread`` is in a build that waits for the site's build lock (``state.site_lock``)."""
    frame = sys._current_frames().get(thread.ident)  # type: ignore[arg-type]
    stack = set()
    while frame is not None:
        stack.add((Path(frame.f_code.co_filename).name, frame.f_code.co_name))
        frame = frame.f_back
    return {("build.py", "build"), ("state.py", "site_lock")} <= stack


def test_the_site_a_first_build_loads_is_kept_out_of_the_collectors_way_even_when_nothing_was_rendered(site):
    """Watching a site that is up to date: the first build loads it all and renders nothing. The
    site it keeps in memory is frozen out of the collector's walks, or every later save would wait
    for a full collection over it (0.7 s at 100,000 articles)."""
    import gc

    from newsgen.watch import Batch

    build_site(site)
    results = []
    watcher = SiteWatcher(BuildOptions(site=site, now=NOW, jobs=1), lambda result, error, batch: results.append(result))
    gc.unfreeze()
    try:
        watcher.build_once(Batch({"site": {str(site)}}))
        assert results[-1].rendered == 0 and not results[-1].delta
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
