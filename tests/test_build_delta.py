"""Delta builds: after edits that move no article, ``newsgen build`` renders only the pages
that show the edited articles, without loading the rest of the site, and its output is
still a clean build's, byte for byte. Any other change builds the full way."""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from conftest import NOW, article, build_site, changed, clean_build_of, files_of, mtimes, read, tick

from newsgen.errors import ContentError
from newsgen.loading import ArticleMemory

LEAD_DATE = "2025-12-31T10:00:00+05:00"  # inside the news sitemap's two days before NOW


@pytest.fixture
def newsroom(site_tree):
    site = site_tree({
        "newsgen.yaml": "title: Steppe Times\nper_page: 2\nsearch: false\n"
                        "sections: {politics: Politics, economy: Economy}\n",
        "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n",
        "content/politics/a.md": article("Alpha", LEAD_DATE, tags=["kz"], featured=True, image="/images/x.svg",
                                         redirect_from=["/old/alpha/"], authors=["Aigerim Bek"]),
        "content/politics/b.md": article("Bravo", "2025-12-18T10:00:00+05:00", tags=["kz"], summary="Bravo's summary."),
        "content/politics/c.md": article("Charlie", "2025-12-17T10:00:00+05:00", tags=["kz"]),
        "content/economy/d.md": article("Delta", "2025-11-01T10:00:00+05:00", tags=["trade"]),
        "content/economy/e.md": article("Echo", "2025-10-01T10:00:00+05:00", tags=["trade"]),
        "static/images/x.svg": "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'/>",
    })
    _, result, _ = build_site(site)
    assert not result.delta  # the first build is a full one, and leaves the skeleton
    return site


def edit(site: Path, key: str, old: str, new: str) -> None:
    path = site / key
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def same_as_clean_build(site: Path, **options: object) -> bool:
    return files_of(site / "build") == files_of(clean_build_of(site, **options))


def full_build_then_delta_builds_again(site: Path) -> None:
    """The build after a change builds the full way; the next text edit is a delta build again.
    Both are clean builds' equals."""
    _, result, _ = build_site(site)
    assert not result.delta and same_as_clean_build(site)
    edit(site, "content/economy/d.md", "Body text.", "Body text, later.")
    _, result, _ = build_site(site)
    assert result.delta and same_as_clean_build(site)


def change_skeleton_record(site: Path, **changes: object) -> None:
    """Change the build state's record of the skeleton, as a foreign tool or another build might."""
    db = sqlite3.connect(site / ".newsgen/state.db")
    record = json.loads(db.execute("SELECT value FROM meta WHERE key = 'skeleton'").fetchone()[0])
    db.execute("UPDATE meta SET value = ? WHERE key = 'skeleton'", (json.dumps({**record, **changes}),))
    db.commit()
    db.close()


def test_a_body_edit_renders_only_the_pages_that_show_the_article(newsroom):
    before = mtimes(newsroom / "build")
    tick()
    edit(newsroom, "content/politics/b.md", "Body text.", "Body text, with a corrected figure.")
    out, result, _ = build_site(newsroom)
    assert result.delta and result.parsed == 1
    assert "corrected figure" in read(out, "/politics/b/")
    assert "corrected figure" in (out / "feed.xml").read_text() and "corrected figure" in (out / "atom.xml").read_text()
    touched = changed(before, mtimes(out))
    assert "politics/b/index.html" in touched
    assert not touched & {"economy/d/index.html", "economy/index.html", "tags/trade/index.html", "sitemap.xml",
                          "archive/index.html", "images/x.svg"}
    clean = clean_build_of(newsroom)
    assert files_of(out) == files_of(clean)
    _, clean_result, _ = build_site(clean.parent)  # the summary counts the whole site, as a full build's does
    assert (result.articles, result.pages) == (clean_result.articles, clean_result.pages) == (5, clean_result.pages)


def test_a_new_headline_reaches_every_page_that_shows_the_article(newsroom):
    edit(newsroom, "content/politics/a.md", "title: Alpha", "title: Alpha, updated")
    out, result, _ = build_site(newsroom)
    assert result.delta
    for url in ("/", "/politics/a/", "/politics/", "/tags/kz/", "/authors/aigerim-bek/", "/politics/b/"):
        assert "Alpha, updated" in read(out, url), url
    assert "Alpha, updated" in read(out, "/old/alpha/")  # the redirect page carries the headline too
    for feed in ("feed.xml", "atom.xml", "politics/feed.xml", "tags/kz/atom.xml", "news-sitemap.xml"):
        assert "Alpha, updated" in (out / feed).read_text(), feed
    assert same_as_clean_build(newsroom)


def test_a_summary_and_extra_front_matter_edit_is_a_delta_build(newsroom):
    edit(newsroom, "content/politics/b.md", "summary: Bravo's summary.", "summary: A sharper summary.\nkicker: Exclusive")
    out, result, _ = build_site(newsroom)
    assert result.delta
    assert "A sharper summary." in read(out, "/politics/") and "A sharper summary." in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


CHANGES = {
    "date": lambda s: edit(s, "content/politics/b.md", "2025-12-18T10", "2025-12-16T10"),
    "tags": lambda s: edit(s, "content/politics/b.md", "- kz", "- kz\n- trade"),
    "updated": lambda s: edit(s, "content/politics/b.md", "title: Bravo", "title: Bravo\nupdated: 2025-12-20T10:00:00+05:00"),
    "featured": lambda s: edit(s, "content/politics/c.md", "title: Charlie", "title: Charlie\nfeatured: true"),
    "draft": lambda s: edit(s, "content/politics/b.md", "title: Bravo", "title: Bravo\ndraft: true"),
    "slug": lambda s: edit(s, "content/politics/b.md", "title: Bravo", "title: Bravo\nslug: bravo-two"),
    "new article": lambda s: (s / "content/economy/f.md").write_text(article("Foxtrot", "2025-12-01T10:00:00+05:00")),
    "deleted article": lambda s: (s / "content/economy/e.md").unlink(),
    "renamed article": lambda s: (s / "content/economy/e.md").rename(s / "content/economy/echo.md"),
    "template": lambda s: (edit(s, "content/politics/b.md", "Body text.", "New text."),
                           (s / "templates/partials").mkdir(parents=True),
                           (s / "templates/partials/ticker.html").write_text("<p class='ticker'>{{ ticker.base }}</p>\n")),
    "rates": lambda s: (edit(s, "content/politics/b.md", "Body text.", "New text."),
                        edit(s, "data/rates.yaml", "0.00193", "0.00195")),
    "settings": lambda s: (edit(s, "content/politics/b.md", "Body text.", "New text."),
                           edit(s, "newsgen.yaml", "per_page: 2", "per_page: 3")),
    "static file": lambda s: (edit(s, "content/politics/b.md", "Body text.", "New text."),
                              (s / "static/robots-note.txt").write_text("hello")),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_edits_that_move_an_article_or_change_more_than_articles_build_the_full_way(newsroom, change):
    tick()
    CHANGES[change](newsroom)
    full_build_then_delta_builds_again(newsroom)


def test_editing_a_draft_writes_no_page(newsroom):
    (newsroom / "content/politics/z.md").write_text(article("Zulu draft", "2025-12-20T10:00:00+05:00", draft=True))
    build_site(newsroom)
    before = mtimes(newsroom / "build")
    tick()
    edit(newsroom, "content/politics/z.md", "Body text.", "Still a draft.")
    out, result, _ = build_site(newsroom)
    assert not result.delta and result.files == 0 and result.skipped_drafts == 1
    assert mtimes(out) == before and "Zulu" not in read(out, "/politics/")


def test_consecutive_delta_builds_and_an_undo_stay_equal_to_clean_builds(newsroom):
    original = (newsroom / "content/politics/b.md").read_bytes()
    steps = [("content/politics/b.md", "Body text.", "First correction."),
             ("content/economy/d.md", "title: Delta", "title: Delta, revised"),
             ("content/politics/b.md", "First correction.", "Second correction.")]
    for key, old, new in steps:
        edit(newsroom, key, old, new)
        _, result, _ = build_site(newsroom)
        assert result.delta and same_as_clean_build(newsroom)
    (newsroom / "content/politics/b.md").write_bytes(original)  # the editor undoes both corrections
    out, result, _ = build_site(newsroom)
    assert result.delta and "correction" not in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_an_earlier_headline_edit_is_kept_when_a_neighbours_page_is_rendered_again(newsroom):
    edit(newsroom, "content/politics/b.md", "title: Bravo", "title: Bravo, renamed")
    build_site(newsroom)
    edit(newsroom, "content/politics/c.md", "Body text.", "New text.")  # b's page shows c, its neighbour
    out, result, _ = build_site(newsroom)
    assert result.delta
    assert "<title>Bravo, renamed" in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_new_rates_or_templates_keep_the_skeleton_and_the_next_edit_is_a_delta_build(newsroom):
    skeleton = newsroom / ".newsgen/skeleton.pickle"
    written = skeleton.stat().st_mtime_ns
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")  # a delta build first: it leaves its edits
    build_site(newsroom)
    edit(newsroom, "data/rates.yaml", "0.00193", "0.00195")
    _, result, _ = build_site(newsroom)
    assert not result.delta and result.spliced > 0
    (newsroom / "templates/partials").mkdir(parents=True)
    (newsroom / "templates/partials/ticker.html").write_text("<p class='ticker'>{{ ticker.base }}</p>\n")
    build_site(newsroom)
    assert skeleton.stat().st_mtime_ns == written  # 6 MB at 10,000 articles, not written again for new rates
    edit(newsroom, "content/politics/b.md", "New text.", "Newer text.")
    out, result, _ = build_site(newsroom)
    assert result.delta and "Newer text." in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_several_articles_edited_at_once_are_one_delta_build(newsroom):
    for key in ("content/politics/a.md", "content/politics/c.md", "content/economy/e.md"):
        edit(newsroom, key, "Body text.", "Body text after a git pull.")
    out, result, _ = build_site(newsroom)
    assert result.delta and result.parsed == 3
    assert same_as_clean_build(newsroom)


def test_more_edits_than_a_delta_build_takes_build_the_full_way(newsroom, monkeypatch):
    import newsgen.delta
    monkeypatch.setattr(newsgen.delta, "MAX_EDITS", 1)
    for key in ("content/politics/a.md", "content/politics/c.md"):
        edit(newsroom, key, "Body text.", "Body text after a git pull.")
    _, result, _ = build_site(newsroom)
    assert not result.delta and result.parsed == 2
    assert same_as_clean_build(newsroom)


def test_an_edit_after_a_watch_mode_build_is_a_delta_build_from_the_skeleton_it_left(newsroom):
    from newsgen.build import BuildOptions, build
    edit(newsroom, "content/politics/b.md", "title: Bravo", "title: Bravo in watch mode")
    memory = ArticleMemory()
    result = build(BuildOptions(site=newsroom, now=NOW, memory=memory))  # a full build fills the memory
    assert not result.delta
    edit(newsroom, "content/politics/c.md", "Body text.", "Body text, edited in watch mode.")
    result = build(BuildOptions(site=newsroom, now=NOW, memory=memory))
    assert result.delta and same_as_clean_build(newsroom)
    edit(newsroom, "content/politics/c.md", "edited in watch mode", "edited after watching")
    _, result, _ = build_site(newsroom)
    assert result.delta and same_as_clean_build(newsroom)


def test_a_failed_build_in_between_is_caught_up_by_the_next_delta_build(newsroom):
    source = newsroom / "content/politics/b.md"
    good = source.read_text()
    source.write_text(good.replace("title: Bravo", "title: [Bravo"))  # broken YAML
    with pytest.raises(ContentError):
        build_site(newsroom)
    source.write_text(good.replace("Body text.", "Fixed text."))
    out, result, _ = build_site(newsroom)
    assert result.delta and "Fixed text." in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_an_edit_saved_while_a_data_file_failed_the_build_reaches_its_pages_once_that_is_fixed(newsroom):
    """The failed build's scan recorded the edit, which no page shows yet: the next build,
    finding that article as recorded, must still render it."""
    edit(newsroom, "content/politics/c.md", "Body text.", "Charlie's new text.")
    people = newsroom / "data/authors.yaml"
    people.write_text("aigerim-bek: [name: Aigerim\n")  # broken YAML
    with pytest.raises(ContentError):
        build_site(newsroom)
    people.unlink()  # the data files as the output shows them; c untouched since the failed build
    out, result, _ = build_site(newsroom)
    assert result.delta and "Charlie's new text." in read(out, "/politics/c/")
    assert same_as_clean_build(newsroom)


def test_an_edit_reads_the_skeletons_hashes_of_the_sources_only_after_a_failed_build(newsroom):
    """The hashes of every source are kept behind the skeleton's header: a usual edit knows
    what changed from the scan, which compared the sources with the record of those the
    output shows. Damaged hashes are found (and a full build made) only when the scan's
    record is not that one, as after a failed build."""
    from newsgen import delta
    path = newsroom / ".newsgen/skeleton.pickle"
    header = delta.read_file(path)
    header[3].hashes = [b"junk"]
    delta.write_file(path, header)
    edit(newsroom, "content/economy/d.md", "Body text.", "Body text, later.")
    _, result, _ = build_site(newsroom)
    assert result.delta
    source = newsroom / "content/politics/b.md"
    good = source.read_text()
    source.write_text(good.replace("title: Bravo", "title: [Bravo"))
    with pytest.raises(ContentError):
        build_site(newsroom)
    source.write_text(good.replace("Body text.", "Fixed text."))
    _, result, _ = build_site(newsroom)
    assert not result.delta and same_as_clean_build(newsroom)


def test_a_cached_article_of_another_version_means_a_full_build(newsroom):
    db = sqlite3.connect(newsroom / ".newsgen/state.db")
    db.execute("UPDATE articles SET source_hash = 'other' WHERE key = 'content/politics/c.md'")  # b's neighbour
    db.commit()
    db.close()
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    _, result, _ = build_site(newsroom)
    assert not result.delta
    assert result.parsed == 1  # c, whose cached version could not be trusted (b was read before the delta gave up)
    assert same_as_clean_build(newsroom)


def damage_skeleton(site: Path, how: str) -> None:
    path = site / ".newsgen/skeleton.pickle"
    assert path.is_file()
    if how == "missing":
        path.unlink()
    elif how == "another build's":  # a file the state does not name, as after a build stopped while writing it
        change_skeleton_record(site, token="another")
    elif how == "record damaged":  # the state's record of it, say by a foreign tool
        change_skeleton_record(site, pieces={})
    elif how == "pages unreadable":  # a whole sealed file with the right header, but its pages will not unpickle
        from newsgen import delta
        header = delta.read_file(path)
        header[3].specs = [b"junk"] * len(header[3].specs)
        delta.write_file(path, header)
    elif how in ("entries unreadable", "entries missing"):  # sealed and whole, but what it knows of each source is not
        from newsgen import delta
        header = delta.read_file(path)
        header[3].entries = [b"junk"] * len(header[3].entries) if how == "entries unreadable" else []
        delta.write_file(path, header)
    elif how == "same size and time":  # damaged in place, with nothing in its signature to tell
        info = path.stat()
        data = path.read_bytes()
        with open(path, "r+b") as file:
            file.write(bytes(len(data) // 2))
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    else:
        path.write_bytes(path.read_bytes()[:100] if how == "cut short" else b"not a pickle")


@pytest.mark.parametrize("how", ["missing", "cut short", "garbage", "same size and time", "pages unreadable",
                                 "entries unreadable", "entries missing", "another build's", "record damaged"])
def test_a_damaged_or_unknown_skeleton_means_a_full_build_that_writes_a_new_one(newsroom, how):
    damage_skeleton(newsroom, how)
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    full_build_then_delta_builds_again(newsroom)


def test_the_clock_passing_the_skeletons_time_limit_means_a_full_build(newsroom):
    due = NOW + timedelta(hours=5)
    (newsroom / "content/economy/f.md").write_text(article("Foxtrot", due.isoformat()))
    _, result, _ = build_site(newsroom)
    assert result.skipped_future == 1
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    later = NOW + timedelta(hours=6)
    out, result, _ = build_site(newsroom, now=later)
    assert not result.delta and result.skipped_future == 0 and "Foxtrot" in read(out, "/economy/")
    assert same_as_clean_build(newsroom, now=later)


def test_a_clock_gone_back_before_the_last_build_means_a_full_build(newsroom):
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    earlier = datetime(2025, 12, 31, 3, 0, tzinfo=NOW.tzinfo)  # the lead story is not yet out
    out, result, _ = build_site(newsroom, now=earlier)
    assert not result.delta and "Alpha" not in read(out, "/")
    assert same_as_clean_build(newsroom, now=earlier)


def test_a_warning_about_the_edited_article_makes_the_build_full_and_is_still_reported(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\nmissing_images: warning\n",
        "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n",
        "content/energy/grid.md": article("Grid", image="/images/lost.jpg"),
        "content/energy/other.md": article("Other", "2025-12-18"),
    })
    build_site(site)
    edit(site, "content/energy/other.md", "Body text.", "New text.")
    _, result, reporter = build_site(site)
    assert result.delta
    assert [p.path for p in reporter.problems] == ["content/energy/grid.md"]  # the last build's warning, again
    edit(site, "content/energy/grid.md", "Body text.", "New text.")
    _, result, reporter = build_site(site)
    assert not result.delta
    assert [p.path for p in reporter.problems] == ["content/energy/grid.md"]
    assert same_as_clean_build(site)


def test_a_template_error_on_the_edited_article_is_reported_and_the_output_kept(newsroom):
    from newsgen.theme import theme_root
    page = (theme_root() / "templates/article.html").read_text()
    (newsroom / "templates").mkdir()
    assert "{% block main %}" in page
    (newsroom / "templates/article.html").write_text(page.replace("{% block main %}",
                                                                  "{% block main %}<p>{{ article.extra.kicker }}</p>", 1))
    for key in ("a", "b", "c"):
        edit(newsroom, f"content/politics/{key}.md", "title: ", "kicker: News\ntitle: ")
    for key in ("d", "e"):
        edit(newsroom, f"content/economy/{key}.md", "title: ", "kicker: News\ntitle: ")
    build_site(newsroom)
    before = files_of(newsroom / "build")
    edit(newsroom, "content/politics/b.md", "kicker: News\n", "")
    with pytest.raises(ContentError) as raised:
        build_site(newsroom)
    assert "templates/article.html" in str(raised.value) and "kicker" in str(raised.value)
    assert files_of(newsroom / "build") == before
    edit(newsroom, "content/politics/b.md", "title: ", "kicker: Analysis\ntitle: ")
    out, result, _ = build_site(newsroom)
    assert result.delta and "Analysis" in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_a_delta_build_shows_responsive_images_and_keeps_every_size_record(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\nper_page: 5\n",
        "content/energy/grid.md": article("Grid", image="/images/lead.jpg", body="Intro.\n\n![Station](station.png)"),
        "content/energy/other.md": article("Other", "2025-12-18", image="/images/other.jpg"),
        "content/politics/far.md": article("Far", "2025-11-18", image="/images/far.jpg"),
    })
    for name, colour in (("lead", "teal"), ("other", "navy"), ("far", "olive")):
        path = site / f"static/images/{name}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1400, 700), colour).save(path, format="JPEG")
    Image.new("RGB", (600, 400), "red").save(site / "content/energy/station.png", format="PNG")
    build_site(site)
    sizes = site / ".newsgen/images/sizes.json"
    records = json.loads(sizes.read_text())
    assert len(records) == 4
    edit(site, "content/energy/grid.md", "Intro.", "Intro, longer.")
    out, result, _ = build_site(site)
    assert result.delta
    assert "srcset" in read(out, "/energy/grid/") and "srcset" in read(out, "/energy/")  # the other card's too
    assert json.loads(sizes.read_text()) == records  # far.jpg, on no page it rendered, keeps its record
    assert same_as_clean_build(site)


def stale_skeleton(site: Path, monkeypatch: pytest.MonkeyPatch, why: str) -> None:
    """Make the skeleton unfit for the next build without changing the site's model."""
    import newsgen.delta
    import newsgen.loading
    if why == "damaged on disk":
        damage_skeleton(site, "garbage")
    elif why == "another newsgen":  # as after an upgrade
        monkeypatch.setattr(newsgen.delta, "FORMAT", newsgen.delta.FORMAT + "-next")
    else:  # a new Python-Markdown: the articles are read with other settings
        real = newsgen.loading.markdown_settings
        monkeypatch.setattr(newsgen.loading, "markdown_settings", lambda *settings: real(*settings) + "+upgraded")


@pytest.mark.parametrize("why", ["damaged on disk", "another newsgen", "new Markdown settings"])
def test_a_skeleton_that_no_longer_fits_is_written_again_by_a_build_for_new_rates(newsroom, monkeypatch, why):
    stale_skeleton(newsroom, monkeypatch, why)
    edit(newsroom, "data/rates.yaml", "0.00193", "0.00195")
    build_site(newsroom)  # nothing but rates: the skeleton would be kept, were it still fit
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    _, result, _ = build_site(newsroom)
    assert result.delta and same_as_clean_build(newsroom)


def test_an_output_folder_emptied_by_hand_is_written_whole_by_the_next_edit(newsroom):
    import shutil
    shutil.rmtree(newsroom / "build")
    (newsroom / "build").mkdir()
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    _, result, _ = build_site(newsroom)
    assert not result.delta
    assert same_as_clean_build(newsroom)
    edit(newsroom, "content/politics/b.md", "New text.", "Newer text.")  # and the folder is still newsgen's own
    _, result, _ = build_site(newsroom)
    assert result.delta and same_as_clean_build(newsroom)


def test_a_build_stopped_after_writing_pages_is_never_taken_for_the_last_one(newsroom, monkeypatch):
    import newsgen.build as build_module
    original = (newsroom / "content/politics/b.md").read_bytes()
    edit(newsroom, "content/politics/b.md", "title: Bravo", "title: Bravo, interrupted")

    def stopped(*args, **kwargs):  # Ctrl-C after the pages were written, before the build was recorded
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_remember", stopped)
    with pytest.raises(KeyboardInterrupt):
        build_site(newsroom)
    monkeypatch.undo()
    assert "Bravo, interrupted" in read(newsroom / "build", "/politics/b/")
    (newsroom / "content/politics/b.md").write_bytes(original)  # the editor takes the headline back
    out, result, _ = build_site(newsroom)
    assert "Bravo, interrupted" not in read(out, "/politics/b/")
    assert same_as_clean_build(newsroom)


def test_an_article_leaving_the_news_sitemap_at_the_build_second_is_gone_from_the_next_build(newsroom):
    lead = datetime.fromisoformat(LEAD_DATE)
    exactly = lead + timedelta(days=2)  # the last second the lead story is in the news sitemap
    build_site(newsroom, now=exactly)
    assert "Alpha" in (newsroom / "build/news-sitemap.xml").read_text()
    edit(newsroom, "content/economy/d.md", "Body text.", "New text.")
    later = exactly + timedelta(hours=1)
    out, _, _ = build_site(newsroom, now=later)
    assert not (out / "news-sitemap.xml").exists()  # no article is recent enough for one
    assert same_as_clean_build(newsroom, now=later)


def test_a_watch_build_at_a_later_time_is_not_taken_for_the_one_a_delta_build_continues(newsroom):
    from newsgen.build import BuildOptions, build
    later = NOW + timedelta(days=1)  # the lead story has left the news sitemap by then
    build(BuildOptions(site=newsroom, now=later, memory=ArticleMemory()))  # as `newsgen serve` would, a day on
    assert not (newsroom / "build/news-sitemap.xml").exists()  # no article is recent enough for one
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    out, result, _ = build_site(newsroom)  # back at NOW (SOURCE_DATE_EPOCH, say)
    assert not result.delta and "Alpha" in (out / "news-sitemap.xml").read_text()
    assert same_as_clean_build(newsroom)


def test_a_build_with_nothing_changed_after_a_later_one_is_still_built_for_its_own_time(newsroom):
    later = NOW + timedelta(days=1)
    build_site(newsroom, now=later)
    out, result, _ = build_site(newsroom)  # the clock back at NOW
    assert "Alpha" in (out / "news-sitemap.xml").read_text()
    assert same_as_clean_build(newsroom)


def test_a_static_file_deleted_by_hand_is_copied_again_by_the_next_edit(newsroom):
    (newsroom / "build/images/x.svg").unlink()
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    out, result, _ = build_site(newsroom)
    assert not result.delta and (out / "images/x.svg").is_file()
    assert same_as_clean_build(newsroom)


def test_a_forked_worker_never_reads_articles_through_the_parents_database_connection(newsroom):
    import multiprocessing
    from newsgen import delta
    from newsgen.scan import scan_sources
    from newsgen.state import open_state

    state, _ = open_state(newsroom, str((newsroom / "build").resolve()))
    scan = scan_sources(newsroom, state.known_sources())
    skeleton = delta._load_skeleton(state, newsroom, delta.SkeletonRecord.read(state).token, scan)
    articles = delta.CachedArticles(state, skeleton, {}, scan.hashes)
    articles.load(["content/politics/a.md"])  # in this process: from the database

    def child(results):
        try:
            articles["content/politics/c.md"]
            results.put("read")
        except delta.Stale:
            results.put("refused")

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    worker = context.Process(target=child, args=(results,))
    worker.start()
    worker.join(30)
    assert results.get(timeout=5) == "refused"
    assert articles["content/politics/a.md"].title == "Alpha"  # what was loaded before the fork is there
    state.close()


def test_an_article_that_came_due_under_a_watch_build_is_on_the_lists_of_the_delta_build_after_it(newsroom):
    from newsgen.build import BuildOptions, build
    due = NOW + timedelta(days=1)
    (newsroom / "content/politics/f.md").write_text(article("Foxtrot", due.isoformat(), tags=["kz"]))
    build_site(newsroom)  # the skeleton: Foxtrot still in the future
    later = NOW + timedelta(days=2)
    build(BuildOptions(site=newsroom, now=later, memory=ArticleMemory()))  # watch mode, after Foxtrot came due
    edit(newsroom, "content/politics/b.md", "Body text.", "New text.")
    out, result, _ = build_site(newsroom, now=later + timedelta(hours=1))  # from the watch build's skeleton
    assert result.delta and "Foxtrot" in read(out, "/politics/") and "Foxtrot" in read(out, "/tags/kz/")
    assert same_as_clean_build(newsroom, now=later + timedelta(hours=1))
