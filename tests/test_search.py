"""The segmented search index, built by real Pagefind on a real disk.

What a reader notices: after any edits the search finds exactly what a clean build's
finds (the live records of every segment are compared with a clean build's), an edit
rewrites only the small recent segment, a withdrawn article is never a result, and
each edition searches its own language.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import article, build_site, clean_build_of, mtimes, write_tree
from newsgen.config import load_config
from newsgen.search import BOOK_FILE, SEGMENTS_FOLDER, body_text, live_records, recent_limit

pytestmark = pytest.mark.skipif(__import__("newsgen.indexer").indexer.executable() is None,
                                reason="Pagefind's binary (pagefind[bin]) is not installed")

SETTINGS = "title: T\nsections: [politics, economy]\nsearch_segment: 3\n"


def _site(tmp_path: Path, count: int = 8, settings: str = SETTINGS) -> Path:
    files: dict[str, str | bytes] = {"newsgen.yaml": settings}
    for n in range(count):
        section = "politics" if n % 2 else "economy"
        files[f"content/{section}/a{n}.md"] = article(f"Story {n}", f"2025-12-{n + 1:02d}T10:00:00+05:00",
                                                      body=f"Body of story {n} about word{n}.", tags=[f"t{n % 3}"])
    return write_tree(tmp_path / "site", files)


def _manifest(output: Path, folder: str = "pagefind") -> dict:
    return json.loads((output / folder / "segments.json").read_text())


def _records(output: Path, site: Path) -> dict:
    return live_records(output, load_config(site))


def test_a_clean_build_puts_articles_in_date_ordered_segments_of_the_set_size(tmp_path):
    site = _site(tmp_path)
    out, _, _ = build_site(site)
    segments = _manifest(out)["segments"]
    assert len(segments) == 3  # 8 articles, 3 to a segment
    assert [s["newest"] for s in segments] == sorted((s["newest"] for s in segments), reverse=True)
    assert all(s["dead"] == [] for s in segments)
    records = _records(out, site)["pagefind"]
    assert sorted(records) == sorted(f"/{'politics' if n % 2 else 'economy'}/a{n}/" for n in range(8))
    story = records["/politics/a1/"]
    assert story.meta["title"] == "Story 1" and story.meta["section"] == "Politics"
    assert story.meta["date"] == "2 December 2025"
    assert story.filters == {"section": ["Politics"], "tag": ["t1"]}
    assert story.content.startswith("Story 1 ") and "word1" in story.content


def test_an_edit_rewrites_only_the_recent_segment_and_marks_the_old_record_dead(tmp_path):
    site = _site(tmp_path, 8, SETTINGS.replace("search_segment: 3", "search_segment: 5"))  # one dead of 5: kept
    out, _, _ = build_site(site)
    before = _manifest(out)
    archive = {s["path"] for s in before["segments"]}
    times = {k: v for k, v in mtimes(out).items() if k.startswith("pagefind/") and not k.endswith("segments.json")}
    (site / "content/economy/a0.md").write_text(article("Story 0", "2025-12-01T10:00:00+05:00",
                                                        body="Now about zeugma.", tags=["t0"]))
    build_site(site)
    after = _manifest(out)
    new = [s for s in after["segments"] if s["path"] not in archive]
    assert len(new) == 1 and new[0]["newest"].endswith("/economy/a0/")  # the recent segment, holding the edit
    dead = [s for s in after["segments"] if s["dead"]]
    assert len(dead) == 1 and len(dead[0]["dead"]) == 1  # the old record, in the oldest segment
    assert {k: v for k, v in mtimes(out).items() if k in times} == times  # no archive file touched
    records = _records(out, site)["pagefind"]
    assert "zeugma" in records["/economy/a0/"].content and "word0" not in records["/economy/a0/"].content
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_an_edit_reads_the_entries_of_the_segment_holding_its_article_and_of_no_other(tmp_path):
    """What keeps an edit of a 100,000-article archive from reading the whole index's record:
    the other segments' entries are damaged here, and the edit never notices."""
    site = _site(tmp_path, 12)
    out, _, _ = build_site(site)
    # a4 is in the second oldest of four segments of three
    holder = sorted(_manifest(out)["segments"], key=lambda s: s["oldest"])[1]["path"].strip("/")
    stored = sorted((site / ".newsgen" / SEGMENTS_FOLDER).iterdir())
    assert len(stored) == 4 and sum(f.name.startswith(f"{holder}-") for f in stored) == 1
    for entries in stored:
        if not entries.name.startswith(f"{holder}-"):
            entries.write_bytes(b"damaged")
    (site / "content/economy/a4.md").write_text(article("Story 4", "2025-12-05T10:00:00+05:00",
                                                        body="Now about zeugma.", tags=["t1"]))
    out, result, reporter = build_site(site)
    assert result.delta and not result.warnings and not reporter.problems
    assert "zeugma" in _records(out, site)["pagefind"]["/economy/a4/"].content
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_after_edits_additions_and_withdrawals_the_index_finds_what_a_clean_builds_does(tmp_path):
    site = _site(tmp_path, 10)
    out, _, _ = build_site(site)
    (site / "content/politics/a1.md").write_text(article("Story one, retitled", "2025-12-02T10:00:00+05:00",
                                                         body="Changed body.", tags=["t1"]))
    (site / "content/economy/a2.md").unlink()
    (site / "content/economy/new.md").write_text(article("A new story", "2025-12-30T10:00:00+05:00", body="Fresh."))
    build_site(site)
    (site / "content/politics/a3.md").write_text(article("Story 3", "2025-12-04T10:00:00+05:00", body="Moved.",
                                                         section="economy"))
    (site / "content/politics/a3.md").rename(site / "content/economy/a3.md")
    build_site(site)
    records = _records(out, site)
    assert "/economy/a2/" not in records["pagefind"]
    assert records == _records(clean_build_of(site), site)


def test_the_recent_segment_is_sealed_into_an_archive_segment_past_its_limit(tmp_path):
    site = _site(tmp_path, 3, SETTINGS.replace("search_segment: 3", "search_segment: 20"))
    out, _, _ = build_site(site)
    assert len(_manifest(out)["segments"]) == 1
    limit = recent_limit(20)
    for n in range(limit + 1):  # one build each: the recent segment grows, then is sealed
        (site / f"content/politics/new{n}.md").write_text(article(f"New {n}", f"2025-12-2{n % 9}T10:00:00+05:00"))
        build_site(site)
    segments = _manifest(out)["segments"]
    assert len(segments) == 1  # sealed into the archive segment, which had room for all
    assert len(_records(out, site)["pagefind"]) == 3 + limit + 1
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_a_segment_mostly_dead_is_made_again_from_its_live_records(tmp_path):
    site = _site(tmp_path, 8)
    out, _, _ = build_site(site)
    oldest = _manifest(out)["segments"][-1]["path"]
    (site / "content/economy/a0.md").unlink()  # two of the oldest segment's three: past a quarter dead
    (site / "content/politics/a1.md").unlink()
    build_site(site)
    segments = _manifest(out)["segments"]
    assert oldest not in {s["path"] for s in segments} and all(not s["dead"] for s in segments)
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_each_edition_has_an_index_of_its_own_language(tmp_path):
    site = write_tree(tmp_path / "site", {
        "newsgen.yaml": "title: T\nlanguages:\n  en: English\n  ru: Русский\n",
        "content/politics/a.md": article("Talks", body="Peace talks in Astana."),
        "content/politics/a.ru.md": article("Переговоры", body="Мирные переговоры в Астане."),
    })
    out, _, _ = build_site(site)
    records = _records(out, site)
    assert list(records["pagefind"]) == ["/politics/a/"] and list(records["ru/pagefind"]) == ["/ru/politics/a/"]
    russian = records["ru/pagefind"]["/ru/politics/a/"]
    assert russian.language == "ru" and russian.meta["section"] == "Politics"
    assert "декабря 2025" in russian.meta["date"]
    (site / "content/politics/a.ru.md").write_text(article("Переговоры", body="Переговоры перенесены."))
    build_site(site)
    assert "перенесены" in _records(out, site)["ru/pagefind"]["/ru/politics/a/"].content
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_an_index_removed_by_hand_is_made_again_by_the_next_build(tmp_path):
    import shutil

    site = _site(tmp_path, 4)
    out, _, _ = build_site(site)
    shutil.rmtree(out / "pagefind")
    (site / "content/economy/a0.md").write_text(article("Story 0", "2025-12-01T10:00:00+05:00", body="Edited."))
    build_site(site)
    assert _records(out, site) == _records(clean_build_of(site), site)
    shutil.rmtree(out / "pagefind")
    build_site(site)  # nothing else changed: still made again
    assert _records(out, site) == _records(clean_build_of(site), site)


def test_turning_search_off_removes_every_editions_index_and_its_record(tmp_path):
    site = write_tree(tmp_path / "site", {
        "newsgen.yaml": "title: T\nlanguages:\n  en: English\n  ru: Русский\n",
        "content/politics/a.md": article("Talks"), "content/politics/a.ru.md": article("Переговоры")})
    out, _, _ = build_site(site)
    assert (out / "pagefind/segments.json").is_file() and (out / "ru/pagefind/segments.json").is_file()
    (site / "newsgen.yaml").write_text("title: T\nsearch: false\nlanguages:\n  en: English\n  ru: Русский\n")
    build_site(site)
    assert not (out / "pagefind").exists() and not (out / "ru/pagefind").exists()
    assert not (site / ".newsgen" / BOOK_FILE).exists()


@pytest.mark.parametrize("found", ["the book as written", "a book sealed with another key",
                                   "the JSON book of an older newsgen"])
def test_a_search_book_this_users_builds_did_not_write_is_not_read_and_the_index_is_made_afresh(tmp_path, found):
    """The book is read with ``marshal``, which trusts its input: one not sealed with this user's
    key (a planted file, a shared cache) is never read."""
    site = _site(tmp_path, 4)
    out, _, _ = build_site(site)
    segments = {s["path"] for s in _manifest(out)["segments"]}
    book = site / ".newsgen" / BOOK_FILE
    if found == "the book as written":
        pass
    elif found == "a book sealed with another key":
        book.write_bytes(b"\0" * 32 + book.read_bytes()[32:])
    else:
        book.unlink()
        (site / ".newsgen/search.json").write_text('{"format": 1, "generation": 1, "editions": {}}')
    (site / "content/economy/a0.md").write_text(article("Story 0", "2025-12-01T10:00:00+05:00", body="Saxaul."))
    build_site(site)
    records = _records(out, site)
    assert records == _records(clean_build_of(site), site)
    assert any("Saxaul" in str(record) for record in records["pagefind"].values())
    assert book.is_file() and not (site / ".newsgen/search.json").exists()
    kept = segments & {s["path"] for s in _manifest(out)["segments"]}
    assert bool(kept) == (found == "the book as written")  # updated in place, or made afresh


def test_the_indexed_text_is_the_body_without_markup_and_escaped_as_pagefind_keeps_it():
    assert body_text("<p>AT&amp;T <b>wins</b></p>\n<script>var x = 1;</script><p>a &lt;tag&gt;</p>") == \
        "AT&amp;T wins a &lt;tag&gt;"


def test_a_setting_the_records_show_brings_every_record_up_to_date(tmp_path):
    """Records are made again only for articles whose inputs changed, or for all when a setting
    they show did: here a section's name, in the filters and on every result."""
    site = _site(tmp_path, 24)  # 12 in politics: more than the recent segment takes (10)
    out, _, _ = build_site(site)
    (site / "newsgen.yaml").write_text(SETTINGS.replace("sections: [politics, economy]",
                                                        "sections: {politics: Politik, economy: Economy}"))
    build_site(site)
    records = _records(out, site)["pagefind"]
    assert {r.meta["section"] for url, r in records.items() if url.startswith("/politics/")} == {"Politik"}
    assert all(r.filters["section"] == [r.meta["section"]] for r in records.values())
    assert _records(out, site) == _records(clean_build_of(site), site)
    # every record made again goes into segments of the set size, as a clean build's: not one bundle
    # of the whole archive, which Pagefind would make in memory growing with it
    sizes = [len(list((out / "pagefind" / s["path"] / "fragment").iterdir())) for s in _manifest(out)["segments"]]
    assert sum(sizes) == 24 and max(sizes) <= 3


def test_the_state_keeps_what_each_indexed_record_was_made_from_through_additions_edits_and_deletions(tmp_path):
    """What spares a build remaking the records of articles that did not change: after each build
    the state holds a mark for every indexed article, new ones included, and none for a deleted one."""
    from newsgen.state import open_state

    site = _site(tmp_path, 6)
    out, _, _ = build_site(site)

    def marks() -> dict[str, str]:
        state, _ = open_state(site, str(out.resolve()))
        try:
            return state.search_inputs()
        finally:
            state.close()
    first = marks()
    assert sorted(first) == sorted(f"content/{'politics' if n % 2 else 'economy'}/a{n}.md" for n in range(6))
    (site / "content/politics/new.md").write_text(article("New", "2025-12-20T10:00:00+05:00", body="Fresh words."))
    (site / "content/economy/a0.md").unlink()
    (site / "content/economy/a2.md").write_text(article("Story 2", "2025-12-03T10:00:00+05:00", body="Edited."))
    build_site(site)
    after = marks()
    assert sorted(after) == sorted({*first, "content/politics/new.md"} - {"content/economy/a0.md"})
    assert after["content/economy/a2.md"] != first["content/economy/a2.md"]
    assert {k: v for k, v in after.items() if k not in ("content/economy/a2.md", "content/politics/new.md")} == {
        k: v for k, v in first.items() if k not in ("content/economy/a0.md", "content/economy/a2.md")}
    assert _records(out, site) == _records(clean_build_of(site), site)
