"""Incremental builds: only what an edit touches is rendered and written, and the result is a clean build's."""
from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (NOW, article, build_site, changed, clean_build_of, files_of, mtimes, read, search_setting,
                      searchable, tick, with_search)


@pytest.fixture
def newsroom(site_tree, search):
    site = site_tree({
        "newsgen.yaml": "title: Steppe Times\nper_page: 2\nsections: {politics: Politics, economy: Economy}\n"
                        + search_setting(search),
        "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n",
        "content/politics/a.md": article("Alpha", "2025-12-19T10:00:00+05:00", tags=["kz"]),
        "content/politics/b.md": article("Bravo", "2025-12-18T10:00:00+05:00", tags=["kz"]),
        "content/politics/c.md": article("Charlie", "2025-12-17T10:00:00+05:00"),
        "content/economy/d.md": article("Delta", "2025-11-01T10:00:00+05:00", tags=["trade"]),
        "content/economy/e.md": article("Echo", "2025-10-01T10:00:00+05:00", tags=["trade"]),
        "static/images/x.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    build_site(site)
    return site


def test_second_build_renders_and_writes_nothing(newsroom):
    before = mtimes(newsroom / "build")
    tick()
    _, result, _ = build_site(newsroom)
    assert (result.parsed, result.rendered, result.files, result.removed) == (0, 0, 0, 0)
    assert result.incremental
    assert mtimes(newsroom / "build") == before


def test_editing_an_article_rerenders_only_the_pages_that_show_it(newsroom):
    before = mtimes(newsroom / "build")
    tick()
    (newsroom / "content/economy/d.md").write_text(article("Delta, corrected", "2025-11-01T10:00:00+05:00", tags=["trade"]))
    out, result, _ = build_site(newsroom)
    assert result.parsed == 1
    touched = changed(before, mtimes(out))
    assert {"economy/d/index.html", "economy/e/index.html", "economy/index.html", "tags/trade/index.html",
            "index.html", "feed.xml", "economy/feed.xml", "archive/2025/11/index.html"} <= touched
    assert not touched & {"politics/a/index.html", "politics/index.html", "tags/kz/index.html", "css/site.css",
                          "archive/2025/10/index.html", "404.html", "robots.txt"}
    assert "Delta, corrected" in read(out, "/economy/e/")  # the neighbour's link text changed


def test_unchanged_bytes_are_not_written_even_when_rendered(newsroom):
    before = mtimes(newsroom / "build")
    tick()
    # a change in the front matter's formatting only: the page is rendered again, its bytes are equal
    source = newsroom / "content/politics/c.md"
    source.write_text(source.read_text().replace("title: Charlie", "title:    Charlie"))
    out, result, _ = build_site(newsroom)
    assert result.rendered > 0 and result.files == 0
    assert mtimes(out) == before


def test_template_change_rerenders_the_pages_that_use_it(newsroom):
    (newsroom / "templates").mkdir()
    (newsroom / "templates/404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Lost</h1>{% endblock %}\n")
    before = mtimes(newsroom / "build")
    tick()
    out, result, _ = build_site(newsroom)
    assert changed(before, mtimes(out)) == {"404.html"} and result.rendered == 1
    tick()
    # the ticker partial is included by base.html, which every HTML page extends
    (newsroom / "templates/partials").mkdir()
    (newsroom / "templates/partials/ticker.html").write_text('<p class="ticker">rates soon</p>\n')
    out, result, _ = build_site(newsroom)
    html_pages = {p for p in mtimes(out) if p.endswith(".html")}
    assert html_pages <= changed(before, mtimes(out))
    assert "feed.xml" not in changed(before, mtimes(out))


def test_rates_change_rerenders_every_page_but_no_markdown_feed_or_sitemap(newsroom):
    before = mtimes(newsroom / "build")
    tick()
    (newsroom / "data/rates.yaml").write_text("rates:\n  - {code: KZT, rate: 0.00195, change: 1.0}\n")
    out, result, _ = build_site(newsroom)
    assert result.parsed == 0
    html_pages = {p for p in mtimes(out) if p.endswith(".html") and not p.startswith("pagefind/")}
    assert html_pages <= changed(before, mtimes(out))
    # the ticker is on every page, feeds and sitemaps have none; the default theme lets the new
    # ticker be put into the old pages instead of rendering them again, but the Markets page,
    # whose table is the rates, is rendered
    assert (result.rendered, result.spliced) == (1, len(html_pages) - 1)
    assert "0.001950 USD" in read(out, "/rates/")
    assert "0.001950" in read(out, "/politics/a/")
    assert files_of(out) == files_of(clean_build_of(newsroom))


def test_settings_change_rebuilds_everything(newsroom):
    (newsroom / "newsgen.yaml").write_text("title: Steppe Herald\nper_page: 2\nsections: {politics: Politics, economy: Economy}\n")
    out, result, _ = build_site(newsroom)
    assert result.rendered == result.pages
    assert "Steppe Herald" in read(out, "/economy/e/")


def test_deleted_and_renamed_articles_leave_no_stale_files(newsroom):
    (newsroom / "content/economy/e.md").unlink()
    (newsroom / "content/politics/c.md").rename(newsroom / "content/politics/charlie.md")
    out, result, _ = build_site(newsroom)
    assert not (out / "economy/e").exists() and not (out / "politics/c").exists()
    assert (out / "politics/charlie/index.html").is_file()
    assert not (out / "archive/2025/10").exists()  # the month had only the deleted article
    assert result.removed >= 3


def test_deleted_static_file_is_removed(newsroom):
    (newsroom / "static/images/x.svg").unlink()
    out = build_site(newsroom)[0]
    assert not (out / "images").exists()  # the theme has no images of its own


def test_clean_flag_renders_everything(newsroom):
    _, result, _ = build_site(newsroom, clean=True)
    assert result.rendered == result.pages and result.parsed == 5


def test_corrupt_state_falls_back_to_a_clean_build_with_a_warning(newsroom):
    (newsroom / ".newsgen/state.db").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (newsroom / f".newsgen/state.db{suffix}").unlink(missing_ok=True)
    out, result, reporter = build_site(newsroom)
    assert result.rendered == result.pages
    assert any("build state" in p.message for p in reporter.problems)
    assert "Alpha" in read(out, "/politics/a/")


def test_interrupted_build_is_not_trusted(newsroom):
    db = sqlite3.connect(newsroom / ".newsgen/state.db")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'dirty'")
    db.commit()
    db.close()
    _, result, reporter = build_site(newsroom)
    assert result.rendered == result.pages
    assert any("interrupted" in p.message for p in reporter.problems)


def test_failed_incremental_build_changes_nothing(newsroom):
    before = {p: (newsroom / "build" / p).read_bytes() for p in mtimes(newsroom / "build")}
    (newsroom / "content/politics/a.md").write_text(article("Alpha 2", tags=["kz"]))
    (newsroom / "templates").mkdir()
    (newsroom / "templates/article.html").write_text("{{ nope.nothing }}\n")
    from newsgen.errors import ContentError
    with pytest.raises(ContentError):
        build_site(newsroom)
    assert {p: (newsroom / "build" / p).read_bytes() for p in mtimes(newsroom / "build")} == before
    (newsroom / "templates/article.html").unlink()
    out, result, _ = build_site(newsroom)  # fixed: the next build catches up
    assert "Alpha 2" in read(out, "/politics/a/")


def test_building_elsewhere_does_not_confuse_the_state(newsroom, tmp_path):
    out, result, _ = build_site(newsroom, output=tmp_path / "public")
    assert result.rendered == result.pages and (out / "politics/a/index.html").is_file()
    _, again, _ = build_site(newsroom, output=tmp_path / "public")
    assert again.rendered == 0


def test_clean_build_then_another_output_folder_trusts_nothing_stale(newsroom, tmp_path):
    build_site(newsroom, clean=True)
    out, result, _ = build_site(newsroom, output=tmp_path / "elsewhere")
    assert result.rendered == result.pages
    (out / "politics/a/index.html").write_text("STALE")
    build_site(newsroom, clean=True)  # the state now describes build/ again
    out, result, _ = build_site(newsroom, output=tmp_path / "elsewhere")
    assert "Alpha" in read(out, "/politics/a/")


@with_search
def test_turning_search_off_removes_the_index_as_a_clean_build_would(newsroom):
    (newsroom / "newsgen.yaml").write_text("title: Steppe Times\nper_page: 2\nsections: {politics: Politics, economy: Economy}\n")
    out = build_site(newsroom)[0]
    assert (out / "pagefind").is_dir() and (out / "search/index.html").is_file()
    (newsroom / "newsgen.yaml").write_text("title: Steppe Times\nper_page: 2\nsearch: false\n"
                                           "sections: {politics: Politics, economy: Economy}\n")
    out = build_site(newsroom)[0]
    assert not (out / "pagefind").exists() and not (out / "search").exists()


def test_a_page_never_hides_a_static_file(newsroom):
    """A redirect over a static file is refused (see test_hostile_input); the file stays in the output."""
    from newsgen.errors import ContentError

    (newsroom / "static/old").mkdir(parents=True)
    (newsroom / "static/old/index.html").write_text("<p>the old static page</p>")
    out = build_site(newsroom)[0]
    (newsroom / "content/politics/c.md").write_text(article("Charlie", "2025-12-17T10:00:00+05:00", redirect_from=["/old/"]))
    with pytest.raises(ContentError, match="the redirect page /old/ would replace the static file static/old/index.html"):
        build_site(newsroom)
    assert (out / "old/index.html").read_text() == "<p>the old static page</p>"
    (newsroom / "content/politics/c.md").write_text(article("Charlie", "2025-12-17T10:00:00+05:00"))
    out = build_site(newsroom)[0]
    assert (out / "old/index.html").read_text() == "<p>the old static page</p>"


def test_source_date_epoch_fixes_the_build_time(site_tree, monkeypatch):
    """Future articles and the news sitemap depend on the build's time: SOURCE_DATE_EPOCH pins it."""
    from newsgen.build import BuildOptions, build
    from newsgen.dates import build_now

    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/past.md": article("Past", "2025-12-18T12:00:00Z"),
                      "content/a/later.md": article("Later", "2025-12-21T12:00:00Z")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766232000")  # 2025-12-20T12:00:00Z
    assert build_now().isoformat() == "2025-12-20T12:00:00+00:00"
    result = build(BuildOptions(site=site, use_state=False))
    assert result.articles == 1 and result.skipped_future == 1
    news = (site / "build/news-sitemap.xml").read_text()
    assert "/a/past/" in news and "/a/later/" not in news
    first = (site / "build/news-sitemap.xml").read_bytes()
    build(BuildOptions(site=site, use_state=False))
    assert (site / "build/news-sitemap.xml").read_bytes() == first


# --- reading only what changed: file signatures --------------------------------------------

def test_files_unchanged_since_the_last_scan_are_not_read_again(newsroom, monkeypatch):
    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the files here were written a moment ago
    first = scan.scan_sources(newsroom)
    assert set(first.signatures) == set(first.hashes) and len(first.read) == 5
    record = first.known()
    opened: list[str] = []  # the record is read only when its digests do not match the files
    known = scan.Known(*record.digests().split(), lambda: opened.append("record") or record.data)

    again = scan.scan_sources(newsroom, known)
    assert again.read == set() and again.known() is None  # nothing read, nothing for the build to record again
    assert again.hashes_digest == first.hashes_digest and opened == []
    assert again.hashes == first.hashes and again.keys == first.keys

    source = newsroom / "content/politics/c.md"
    source.write_text(source.read_text().replace("Charlie", "Chablis"))  # same size, new bytes
    (newsroom / "content/politics/new.md").write_text("---\ntitle: New\ndate: 2025-01-01\n---\nText.\n")
    after = scan.scan_sources(newsroom, known)
    assert after.read == {"content/politics/c.md", "content/politics/new.md"}
    assert after.hashes["content/politics/c.md"] != first.hashes["content/politics/c.md"]
    assert after.keys == sorted([*first.keys, "content/politics/new.md"])


def test_a_scan_split_over_two_processes_finds_what_one_process_finds(newsroom, monkeypatch):
    from newsgen import scan
    monkeypatch.setattr(scan, "SPLIT_STATS_AT", 2)  # the newsroom's few sources split as 100,000 would
    (newsroom / "content/culture").mkdir(exist_ok=True)
    (newsroom / "content/culture/été.md").write_text(article("Été", "2025-12-01"))  # not a plain name: a batch alone
    (newsroom / "content/culture/plain.md").write_text(article("Plain", "2025-12-02"))
    one = scan.walk_content(newsroom, jobs=1)
    two = scan.walk_content(newsroom, jobs=2)
    assert len(one.keys) == 7 and "content/culture/été.md" in one.keys
    assert (two.keys, two.columns, two.files) == (one.keys, one.columns, one.files)  # in the same order
    assert one.columns[0].tolist() == [os.stat(newsroom / key).st_size for key in one.keys]
    assert scan.scan_sources(newsroom, jobs=2).hashes == scan.scan_sources(newsroom).hashes


def test_a_walk_takes_an_unchanged_folders_names_from_the_last_walks_record_and_lists_a_changed_one(
        newsroom, monkeypatch):
    """A file that comes, goes or is renamed changes its folder's times; one edited in place
    does not, but every source is stat'ed anyway. So a folder whose times are as the last
    walk recorded need not be listed again: the record's names are the folder's."""
    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the folders here were written a moment ago
    tick()
    first = scan.walk_content(newsroom)
    assert set(first.folders) == {"content/politics/", "content/economy/"}  # content/ holds folders: listed each time
    signature, names = first.folders["content/politics/"]
    planted = {**first.folders,
               "content/politics/": (signature, "\n".join(n for n in names.split("\n") if n != "c.md"))}
    unchanged = scan.walk_content(newsroom, folders=planted)
    assert "content/politics/c.md" not in unchanged.keys and "content/politics/b.md" in unchanged.keys
    assert not unchanged.folders_changed

    politics = newsroom / "content/politics"
    changes = [lambda: (politics / "new.md").write_text(article("New", "2025-12-19T11:00:00+05:00")),
               lambda: (politics / "b.md").rename(politics / "bb.md"),
               lambda: (politics / "a.md").unlink()]
    for change in changes:
        tick()
        change()
        again = scan.walk_content(newsroom, folders=planted)
        fresh = scan.walk_content(newsroom)
        assert again.keys == fresh.keys and again.folders_changed  # c.md among them: the folder was listed
        assert (again.columns, again.files) == (fresh.columns, fresh.files)


def test_a_folder_changed_moments_before_it_was_listed_is_listed_again_by_the_next_walk(newsroom):
    """Within one tick of a coarse clock, a file could come after the listing and leave the
    folder's times as they were: only a folder settled for RACY_SECONDS is recorded."""
    from newsgen import scan
    (newsroom / "content/politics/new.md").write_text(article("New", "2025-12-19T11:00:00+05:00"))
    assert "content/politics/" not in scan.walk_content(newsroom).folders


def test_articles_added_to_renamed_in_and_removed_from_settled_folders_are_built(newsroom, monkeypatch):
    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the folders here were written a moment ago
    tick()
    build_site(newsroom)  # records the folders, settled now
    record = newsroom / ".newsgen/folders.bin"
    kept = record.read_bytes()
    build_site(newsroom)
    assert record.read_bytes() == kept  # nothing came or went: not written again
    tick()
    (newsroom / "content/politics/new.md").write_text(article("Novel", "2025-12-19T11:00:00+05:00"))
    out, _, _ = build_site(newsroom)
    assert "Novel" in read(out, "/politics/new/")
    tick()
    (newsroom / "content/economy/d.md").rename(newsroom / "content/economy/delta.md")
    (newsroom / "content/politics/new.md").unlink()
    out, _, _ = build_site(newsroom)
    assert "Delta" in read(out, "/economy/delta/")
    assert not (out / "politics/new/index.html").exists() and not (out / "economy/d/index.html").exists()
    assert files_of(out) == files_of(clean_build_of(newsroom))


def test_a_record_of_the_folders_not_sealed_with_the_users_key_is_never_used(newsroom, monkeypatch):
    import marshal

    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)
    tick()
    build_site(newsroom)
    folders = scan.walk_content(newsroom).folders
    signature, _ = folders["content/politics/"]
    (newsroom / ".newsgen/folders.bin").write_bytes(
        bytes(32) + marshal.dumps({**folders, "content/politics/": (signature, "a.md")}))  # b and c hidden
    (newsroom / "content/politics/b.md").write_text(article("Bravo, again", "2025-12-18T10:00:00+05:00"))
    out, _, _ = build_site(newsroom)
    assert "Bravo, again" in read(out, "/politics/b/") and "Charlie" in read(out, "/politics/c/")


def _known_sources(site):
    from newsgen.state import BuildState
    state = BuildState(site / ".newsgen/state.db")
    try:
        return state.known_sources()
    finally:
        state.close()


def test_an_edit_logs_its_sources_entry_beside_the_record_which_is_written_whole_only_past_the_logs_limit(
        newsroom, monkeypatch):
    import hashlib

    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the files here were written a moment ago
    state_dir = newsroom / ".newsgen"
    record = (state_dir / "sources.bin").read_bytes()
    edited = newsroom / "content/politics/c.md"
    edited.write_text(edited.read_text().replace("Charlie", "Chablis"))
    assert "Chablis" in read(build_site(newsroom)[0], "/politics/c/")
    assert (state_dir / "sources.bin").read_bytes() == record and (state_dir / "sources.log").is_file()
    known = _known_sources(newsroom)
    assert known.hashes["content/politics/c.md"] == hashlib.blake2b(edited.read_bytes(), digest_size=16).hexdigest()
    assert known.signatures["content/politics/c.md"] == scan._SIGNATURE(edited.stat())
    (newsroom / "content/politics/new.md").write_text(article("New", "2025-12-19T11:00:00+05:00"))
    assert scan.scan_sources(newsroom, _known_sources(newsroom)).read == {"content/politics/new.md"}
    (newsroom / "content/politics/new.md").unlink()
    monkeypatch.setattr(scan, "LOG_LIMIT", 0)
    edited.write_text(edited.read_text().replace("Chablis", "Chardonnay"))
    assert "Chardonnay" in read(build_site(newsroom)[0], "/politics/c/")
    assert (state_dir / "sources.bin").read_bytes() != record and not (state_dir / "sources.log").exists()
    assert scan.scan_sources(newsroom, _known_sources(newsroom)).read == set()


def test_a_log_of_the_sources_made_for_another_record_is_left_out(newsroom, monkeypatch):
    import marshal
    from array import array

    from newsgen import scan, sealed
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)
    edited = newsroom / "content/politics/c.md"
    edited.write_text(edited.read_text().replace("Charlie", "Chablis"))
    build_site(newsroom)
    log = newsroom / ".newsgen/sources.log"
    _, positions, *columns, hashes = marshal.loads(sealed.unseal(log.read_bytes()))
    edited.write_text(edited.read_text().replace("Chablis", "Chardonnay"))
    # a log that says the file as it is now holds the bytes it held before: true of no file, and
    # made for other sources, so it is never applied
    at = array("I", positions).tolist().index(scan.walk_content(newsroom).keys.index("content/politics/c.md"))
    signature = scan._SIGNATURE(edited.stat())
    for column, value in zip(columns := [array(code, c) for code, c in zip(scan._TYPES, columns)], signature):
        column[at] = value
    log.write_bytes(sealed.seal(marshal.dumps(("0" * 32, positions, *(c.tobytes() for c in columns), hashes))))
    assert "Chardonnay" in read(build_site(newsroom)[0], "/politics/c/")


def test_an_edit_in_place_is_read_alone_and_again_until_its_signature_is_old_enough_to_trust(newsroom, monkeypatch):
    from newsgen import scan
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the files here were written a moment ago
    first = scan.scan_sources(newsroom)
    edited = "content/politics/c.md"
    source = newsroom / edited
    source.write_text(source.read_text().replace("Charlie", "Chablis"))  # the same files, in the same order
    monkeypatch.setattr(scan, "RACY_SECONDS", 3600)  # as if the scan came a moment after the save
    after = scan.scan_sources(newsroom, first.known())
    assert after.read == {edited}
    assert after.hashes[edited] != first.hashes[edited] and {**after.hashes, edited: ""} == {**first.hashes, edited: ""}
    assert set(after.signatures) == set(first.hashes) - {edited}
    assert (after.keys_digest, after.hashes_digest) == (lambda fresh: (fresh.keys_digest, fresh.hashes_digest))(
        scan.scan_sources(newsroom))  # the digests a scan without a record finds
    again = scan.scan_sources(newsroom, after.known())  # nothing changed, but that signature was not trusted
    assert again.read == {edited} and again.hashes == after.hashes
    monkeypatch.setattr(scan, "RACY_SECONDS", 0)
    settled = scan.scan_sources(newsroom, again.known())
    assert settled.read == {edited} and edited in settled.signatures
    assert scan.scan_sources(newsroom, settled.known()).read == set()


def test_a_build_with_nothing_to_do_loads_neither_markdown_nor_templates(newsroom):
    # what keeps such a build of 100,000 articles under a second: it is over before they are imported
    script = ("import sys\nfrom pathlib import Path\nfrom newsgen.build import BuildOptions, build\n"
              f"result = build(BuildOptions(site=Path({str(newsroom)!r})))\n"
              "heavy = ('markdown', 'jinja2', 'newsgen.loading', 'newsgen.model', 'newsgen.render')\n"
              "print(result.rendered, result.parsed, [m for m in heavy if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "0 0 []"


def test_an_edit_to_an_english_site_loads_neither_pygments_nor_babel(newsroom):
    # each is some 20 ms of an edit's build, and neither changes a byte of an English site's pages
    pytest.importorskip("pygments", reason="Pygments is not installed, so nothing could load it")
    build_site(newsroom)
    source = newsroom / "content/politics/a.md"
    source.write_text(source.read_text() + "\n```python\nprint('x')\n```\n")
    script = ("import sys\nfrom pathlib import Path\nfrom newsgen.build import BuildOptions, build\n"
              f"result = build(BuildOptions(site=Path({str(newsroom)!r})))\n"
              "print(result.parsed, [m for m in ('pygments', 'babel') if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "1 []"
    page = (newsroom / "build/politics/a/index.html").read_text()
    assert '<pre><code class="language-python">print(&#x27;x&#x27;)' in page or \
        """<pre><code class="language-python">print('x')""" in page


def test_a_loaded_site_reads_its_bodies_from_the_state_and_a_copy_carries_its_own(newsroom):
    from newsgen.loading import load_site
    from newsgen.model import Shelved
    from newsgen.options import BuildOptions
    from newsgen.state import StateError, open_state

    options = BuildOptions(site=newsroom, now=NOW)
    # b is read again from its file (the others come from the state's cache), on the worker's way
    (newsroom / "content/politics/b.md").write_text(article("Bravo", "2025-12-18T10:00:00+05:00",
                                                            body="Read again.", tags=["kz"]))
    in_memory = {a.key: a.html for a in load_site(options).site.articles}  # no state: bodies stay in memory
    assert "Body text." in in_memory["content/politics/a.md"]
    assert "Read again." in in_memory["content/politics/b.md"]
    state, _ = open_state(newsroom, str((newsroom / "build").resolve()))
    try:
        articles = load_site(options, state=state).site.articles
        assert all(isinstance(a.packed_body, Shelved) for a in articles)
        assert {a.key: a.html for a in articles} == in_memory
        alpha = next(a for a in articles if a.key == "content/politics/a.md")
        copy = pickle.loads(pickle.dumps(alpha))  # what goes to another process or into the state
        assert isinstance(copy.packed_body, bytes) and copy.html == in_memory["content/politics/a.md"]
        # the source is edited and built again: the shelf never hands the old article the new body
        (newsroom / "content/politics/a.md").write_text(article("Alpha", "2025-12-19T10:00:00+05:00",
                                                                body="Corrected.", tags=["kz"]))
        build_site(newsroom)
        with pytest.raises(StateError, match="politics/a.md"):
            alpha.html
    finally:
        state.close()


def test_a_file_changed_just_before_a_scan_is_read_again_next_time(newsroom):
    from newsgen import scan
    found = scan.scan_sources(newsroom)  # every file was written within RACY_SECONDS
    assert found.signatures == {}


def test_same_size_edit_right_after_a_build_is_built(newsroom):
    source = newsroom / "content/politics/c.md"
    source.write_text(source.read_text().replace("Charlie", "Chablis"))
    out, result, _ = build_site(newsroom)
    assert result.parsed == 1 and "Chablis" in read(out, "/politics/c/")


# --- new rates spliced into the old pages ----------------------------------------------------

NEW_RATES = "rates:\n  - {code: KZT, rate: 0.00195, change: 1.0}\n"


def test_a_template_that_reads_the_rates_itself_gets_its_pages_rendered(newsroom):
    base = (newsroom.parent / "theme-base.html")
    from newsgen.theme import theme_root
    base.write_text((theme_root() / "templates/base.html").read_text().replace(
        "<main id=\"main\">", "<main id=\"main\" data-base=\"{{ ticker.base }}{{ ticker.rates | length }}\">"))
    (newsroom / "templates").mkdir(exist_ok=True)
    (newsroom / "templates/base.html").write_text(base.read_text())
    build_site(newsroom)
    (newsroom / "data/rates.yaml").write_text(NEW_RATES + "  - {code: UZS, rate: 0.00008, change: 0.1}\n")
    out, result, _ = build_site(newsroom)
    assert result.spliced == 0 and result.rendered > 0
    assert 'data-base="USD2"' in read(out, "/politics/a/")
    assert files_of(out) == files_of(clean_build_of(newsroom))


def test_a_page_changed_by_hand_is_rendered_again_not_spliced(newsroom):
    page = newsroom / "build/politics/a/index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>edited by hand</p></main>"))
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    out, result, _ = build_site(newsroom)
    assert result.rendered == 2 and result.spliced > 0  # the page edited by hand and the Markets page
    assert files_of(out) == files_of(clean_build_of(newsroom))


@pytest.mark.parametrize("template, safe", [
    ("{{ ticker_html() }}<p>{{ page.title }}</p>", True),
    ("{{ ticker_html() | upper }}", False),
    ("{% set t = ticker_html %}{{ t() }}", False),
    ("{{ ticker.base }}{{ ticker_html() }}", False),
    ('{% include "partials/ticker.html" %}', False),
    ("{% include page.template_name %}", False),
    ("{% set tk %}{{ ticker_html() }}{% endset %}<div data-n=\"{{ tk | length }}\">{{ tk }}</div>", False),
    ("{% filter replace('KZT', 'T') %}{{ ticker_html() }}{% endfilter %}", False),
    ("{% macro shell() %}{{ ticker_html() }}{% endmacro %}{{ shell() }}", False),
])
def test_ticker_splicing_is_allowed_only_for_bare_ticker_html_calls(template, safe):
    import jinja2
    from newsgen.digests import ticker_templates
    from newsgen.theme import TICKER_PARTIAL
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": template, "page.html": '{% extends "base.html" %}', "redirect.html": "<p>moved</p>",
        TICKER_PARTIAL: "<ul>{% for r in ticker.rates %}<li>{{ r.code }}</li>{% endfor %}</ul>"}))
    showing = ticker_templates(env)
    if safe:
        assert showing == {"base.html", "page.html"}  # a page without the ticker is never spliced
    else:
        assert showing is None


def test_a_file_saved_while_the_build_reads_it_is_never_cached_under_its_old_hash(newsroom, monkeypatch):
    import newsgen.loading as loading_module
    source = newsroom / "content/politics/a.md"
    source.write_text(article("Alpha", "2025-12-19T10:00:00+05:00", body="Second version.", tags=["kz"]))
    second = source.read_bytes()
    real_parse = loading_module._parse_chunk

    def editor_saves_during_the_build(*args, **kwargs):  # after the scan, before the parse
        source.write_text(article("Alpha", "2025-12-19T10:00:00+05:00", body="Third version.", tags=["kz"]))
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(loading_module, "_parse_chunk", editor_saves_during_the_build)
    out, _, _ = build_site(newsroom)
    monkeypatch.setattr(loading_module, "_parse_chunk", real_parse)
    assert "Third version." in read(out, "/politics/a/")
    source.write_bytes(second)  # the editor undoes the last save
    out, _, _ = build_site(newsroom)
    assert "Second version." in read(out, "/politics/a/") and "Third version." not in read(out, "/politics/a/")


def test_a_second_build_of_the_same_site_waits_for_the_first(newsroom):
    from newsgen import state
    from newsgen.errors import UsageError
    with state.site_lock(newsroom):  # as a running build or watch rebuild holds it
        with pytest.raises(UsageError, match="another newsgen build of .* is still running"):
            build_site(newsroom, lock_wait=0.3)  # instead of the two minutes a build waits by default
    (newsroom / "content/politics/c.md").write_text(article("Charlie, later", "2025-12-17T10:00:00+05:00"))
    out, result, _ = build_site(newsroom)  # the lock is free again
    assert "Charlie, later" in read(out, "/politics/c/")


def test_watch_rebuilds_reuse_the_model_and_plan_only_for_edits_that_move_nothing(newsroom, monkeypatch):
    from newsgen import loading
    from newsgen.build import BuildOptions, build
    memory = loading.ArticleMemory()
    options = BuildOptions(site=newsroom, now=NOW, memory=memory)
    build(options)
    models_built = []
    real_build_site = loading.build_site
    monkeypatch.setattr(loading, "build_site", lambda *a, **k: models_built.append(1) or real_build_site(*a, **k))

    source = newsroom / "content/politics/b.md"
    source.write_text(article("Bravo, corrected", "2025-12-18T10:00:00+05:00", body="New text.", tags=["kz"]))
    build(options)
    assert models_built == []  # headline and text only: the last model and plan still hold
    assert files_of(newsroom / "build") == files_of(clean_build_of(newsroom))

    source.write_text(article("Bravo, corrected", "2025-12-16T10:00:00+05:00", body="New text.", tags=["kz"]))
    models_built.clear()
    build(options)
    assert models_built == [1]  # a new date moves it among its neighbours: everything is planned again
    assert files_of(newsroom / "build") == files_of(clean_build_of(newsroom))


def test_a_reused_plan_is_never_one_made_for_a_later_clock(site_tree):
    from datetime import datetime, timezone
    from newsgen import loading
    from newsgen.build import BuildOptions, build
    site = site_tree({"newsgen.yaml": "title: T\nsearch: false\n",
                      "content/politics/a.md": article("Alpha", "2025-12-30T10:00:00+00:00")})
    memory = loading.ArticleMemory()
    build(BuildOptions(site=site, now=datetime(2026, 1, 1, 12, tzinfo=timezone.utc), memory=memory))
    assert not (site / "build/news-sitemap.xml").exists()  # out of the 2-day window by then: no news sitemap
    (site / "content/politics/a.md").write_text(article("Alpha, retitled", "2025-12-30T10:00:00+00:00"))
    earlier = datetime(2025, 12, 30, 12, tzinfo=timezone.utc)  # the clock was set back
    build(BuildOptions(site=site, now=earlier, memory=memory))
    assert "Alpha, retitled" in (site / "build/news-sitemap.xml").read_text()
    assert files_of(site / "build") == files_of(clean_build_of(site, now=earlier))


# Writing into the output: changed pages are written over the old ones in place (see output._write_over).

def test_a_hard_linked_snapshot_of_the_output_is_never_changed_by_a_rebuild(newsroom, tmp_path):
    import os
    snapshot = tmp_path / "snapshot"  # as `cp -al build snapshot` or `rsync --link-dest` would make
    before = files_of(newsroom / "build")
    for relative in before:
        (snapshot / relative).parent.mkdir(parents=True, exist_ok=True)
        os.link(newsroom / "build" / relative, snapshot / relative)
    # a link where the page's temporary file will be made must not be written through either
    outside = tmp_path / "outside.txt"
    outside.write_text("not newsgen's")
    (newsroom / f"build/economy/d/.index.html.newsgen-{os.getpid()}").symlink_to(outside)
    (newsroom / "content/economy/d.md").write_text(article("Delta, corrected", "2025-11-01T10:00:00+05:00"))
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    (newsroom / "static/images/x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='2'/>")
    out, result, _ = build_site(newsroom)
    assert result.spliced > 0 and result.rendered > 0
    assert files_of(snapshot) == before
    assert outside.read_text() == "not newsgen's"
    assert b"width='2'" in (out / "images/x.svg").read_bytes()
    assert files_of(out) == files_of(clean_build_of(newsroom))


def test_a_folder_link_in_the_output_stops_the_build_before_anything_is_written(newsroom, tmp_path):
    import shutil
    elsewhere = tmp_path / "elsewhere"
    shutil.move(newsroom / "build/politics", elsewhere)
    (newsroom / "build/politics").symlink_to(elsewhere, target_is_directory=True)
    before = files_of(elsewhere)
    home = (newsroom / "build/index.html").read_bytes()
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    from newsgen.errors import UsageError
    with pytest.raises(UsageError, match="build/politics is a link to .*elsewhere, outside the output folder"):
        build_site(newsroom)
    assert files_of(elsewhere) == before and (newsroom / "build/index.html").read_bytes() == home
    out, _, _ = build_site(newsroom, clean=True)  # what the message suggests
    assert not (out / "politics").is_symlink() and "Alpha, corrected" in read(out, "/politics/a/")
    assert files_of(elsewhere) == before


@with_search
def test_new_rates_alone_leave_the_search_index_untouched(newsroom):
    index = {k: v for k, v in mtimes(newsroom / "build").items() if k.startswith("pagefind/")}
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    out, result, _ = build_site(newsroom)
    assert result.spliced > 0  # the index is made from the articles: the ticker is not in it
    assert {k: v for k, v in mtimes(out).items() if k.startswith("pagefind/")} == index
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    build_site(newsroom)
    assert "Alpha, corrected" in searchable(out, newsroom)["pagefind"]["/politics/a/"].meta["title"]


def test_a_link_planted_in_the_output_is_replaced_never_written_through(newsroom, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("not newsgen's")
    page = newsroom / "build/politics/a/index.html"
    page.unlink()
    page.symlink_to(outside)
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    out, _, _ = build_site(newsroom)
    assert outside.read_text() == "not newsgen's"
    assert not page.is_symlink() and "Alpha, corrected" in page.read_text()
    assert files_of(out) == files_of(clean_build_of(newsroom))


def test_changed_pages_beyond_the_memory_budget_go_through_disk_with_the_same_result(newsroom, monkeypatch):
    import newsgen.output
    monkeypatch.setattr(newsgen.output, "MEMORY_BUDGET", 3000)  # a page or so; the rest spills
    spilled = []
    flat_name = newsgen.output.flat_name
    monkeypatch.setattr(newsgen.output, "flat_name", lambda rel: spilled.append(rel) or flat_name(rel))
    (newsroom / "templates").mkdir(exist_ok=True)
    (newsroom / "templates/footer-note.html").write_text("<p>Printed in Almaty</p>")
    from newsgen.theme import theme_root
    base = (theme_root() / "templates/base.html").read_text()
    (newsroom / "templates/base.html").write_text(base.replace("</main>", '</main>{% include "footer-note.html" %}'))
    out, result, _ = build_site(newsroom)
    assert result.rendered > 10 and len(spilled) >= 2 * (result.rendered - 1)  # kept, then taken back
    assert "Printed in Almaty" in read(out, "/politics/a/")
    assert files_of(out) == files_of(clean_build_of(newsroom))
    assert [p.name for p in newsroom.iterdir() if ".staging" in p.name] == []


def test_a_page_changed_while_the_site_builds_is_left_alone_and_rendered_next_time(newsroom, monkeypatch):
    import newsgen.build
    page = newsroom / "build/politics/a/index.html"
    commit = newsgen.build.commit_incremental

    def hand_edit_during_the_build(*args, **kwargs):  # after the page was spliced, before it is written
        page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>by hand</p></main>"))
        return commit(*args, **kwargs)

    monkeypatch.setattr(newsgen.build, "commit_incremental", hand_edit_during_the_build)
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    out, result, reporter = build_site(newsroom)
    assert result.spliced > 0
    assert "<p>by hand</p>" in page.read_text()
    [warning] = [p for p in reporter.problems if "changed while the site was being built" in p.message]
    assert warning.severity == "warning" and warning.path.endswith("politics/a/index.html")
    monkeypatch.undo()
    out, result, _ = build_site(newsroom)
    assert result.rendered == 1
    assert files_of(out) == files_of(clean_build_of(newsroom))


@pytest.mark.parametrize("record", ["another boot", "none (an older newsgen)"])
def test_after_a_restart_pages_that_never_reached_the_disk_are_written_again(newsroom, record):
    import sqlite3
    page = newsroom / "build/politics/a/index.html"
    old_page = page.read_bytes()
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    build_site(newsroom)
    # a power cut: the state committed, but the page's new bytes were still in memory
    page.write_bytes(old_page)
    (newsroom / "build/images/x.svg").write_bytes(b"")  # and a static file came back empty
    with sqlite3.connect(newsroom / ".newsgen/state.db") as db:
        if record == "another boot":
            db.execute("UPDATE meta SET value = 'an-earlier-boot' WHERE key = 'boot'")
        else:
            db.execute("DELETE FROM meta WHERE key = 'boot'")
    out, result, _ = build_site(newsroom)
    assert result.rendered == 1 and "Alpha, corrected" in read(out, "/politics/a/")
    assert files_of(out) == files_of(clean_build_of(newsroom))
    page.write_bytes(old_page)  # on the same boot the state is trusted, as after any build
    assert build_site(newsroom)[1].rendered == 0


def test_a_file_where_a_folder_belongs_stops_the_build_with_what_to_do(newsroom):
    import shutil
    shutil.rmtree(newsroom / "build/politics/a")
    (newsroom / "build/politics/a").write_text("someone's notes")
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    from newsgen.errors import UsageError
    with pytest.raises(UsageError, match="build/politics/a is a file where newsgen needs a folder"):
        build_site(newsroom)
    out, _, _ = build_site(newsroom, clean=True)
    assert "Alpha, corrected" in read(out, "/politics/a/")


def test_a_full_disk_stops_the_build_and_the_next_build_writes_everything(newsroom, monkeypatch):
    import errno
    import os
    from newsgen.errors import OutputError

    def disk_full(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", disk_full)
    (newsroom / "content/politics/a.md").write_text(article("Alpha, with a much longer headline than before",
                                                            tags=["kz"], body="Body text. " * 50))
    with pytest.raises(OutputError, match="failed partway .No space left on device.*build again"):
        build_site(newsroom)
    monkeypatch.undo()
    out, result, reporter = build_site(newsroom)
    assert not result.incremental and "interrupted" in reporter.problems[0].message
    assert files_of(out) == files_of(clean_build_of(newsroom))


@pytest.mark.parametrize("where", ["cannot allocate in advance", "renames only (macOS, Windows)"])
def test_pages_written_without_in_place_writes_are_the_same(newsroom, monkeypatch, where):
    import errno
    import os
    import newsgen.output
    if where == "renames only (macOS, Windows)":
        monkeypatch.setattr(newsgen.output, "_IN_PLACE", False)
    else:
        def unsupported(fd, offset, length):
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        monkeypatch.setattr(os, "posix_fallocate", unsupported)
    inode = (newsroom / "build/politics/a/index.html").stat().st_ino
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected at length", tags=["kz"],
                                                            body="Body text. " * 50))
    (newsroom / "data/rates.yaml").write_text(NEW_RATES)
    out, result, _ = build_site(newsroom)
    assert result.spliced > 0
    assert (out / "politics/a/index.html").stat().st_ino != inode  # renamed over, not written in place
    assert files_of(out) == files_of(clean_build_of(newsroom))


@with_search
def test_an_index_folder_that_is_a_link_is_replaced_never_written_through(newsroom, tmp_path):
    import shutil
    elsewhere = tmp_path / "elsewhere"
    shutil.move(newsroom / "build/pagefind", elsewhere)
    (elsewhere / "keep.txt").write_text("not newsgen's")
    (newsroom / "build/pagefind").symlink_to(elsewhere, target_is_directory=True)
    before = files_of(elsewhere)
    (newsroom / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    out, _, _ = build_site(newsroom)
    assert files_of(elsewhere) == before
    assert not (out / "pagefind").is_symlink() and (out / "pagefind/segments.json").is_file()
    assert searchable(out, newsroom) == searchable(clean_build_of(newsroom), newsroom)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=40), st.integers(1, 7))
def test_a_digest_taken_in_batches_is_the_digest_taken_at_once(parts, batch):
    """Big digests (every article's placement, every page's URL) are taken a batch at a time to
    spare memory; their values must be those of one digest, which earlier builds recorded."""
    from newsgen.hashing import digest, digest_all
    assert digest_all(iter(parts), batch) == digest(*parts)
