"""Feeds as feed readers see them: parsed by feedparser, structure checked with lxml."""
from __future__ import annotations

import marshal
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from conftest import article, build_site, clean_build_of

NS = {"atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/", "media": "http://search.yahoo.com/mrss/"}
HOSTILE = "Tom & Jerry <b>bold</b> \"quoted\" 'single' 🚀 Қазақстан </script>"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import write_tree
    site = write_tree(tmp_path_factory.mktemp("feeds"), {
        "newsgen.yaml": "title: Steppe Times\ndescription: News\nbase_url: https://example.org/news/\n"
                        "timezone: Asia/Almaty\nfeed_size: 3\nlanguage: ru\nsearch: false\n",
        "content/politics/a.md": article(HOSTILE, "2025-12-19T17:00:00+05:00",
                                         body=f"Body with {HOSTILE} and [a link](/politics/b/) ![pic](/images/p.png)",
                                         tags=["Kazakhstan", "diplomacy"], authors=["Aida Bek", "Erlan"],
                                         image="/images/p.png", updated="2025-12-20T08:00:00+05:00"),
        "content/politics/b.md": article("Second", "2025-12-19T03:00:00Z", tags=["Kazakhstan"], authors=["Aida Bek"]),
        "content/politics/c.md": article("Third", "2025-12-18T10:00:00-05:00"),
        "content/economy/d.md": article("Fourth", "2025-12-01"),
        "content/economy/draft.md": article("Draft", "2025-12-19", draft=True),
        "content/economy/future.md": article("Future", "2030-01-01"),
        "static/images/p.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    })
    return build_site(site)[0]


def parse(out: Path, name: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((out / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


FEEDS = ["feed.xml", "atom.xml", "politics/feed.xml", "politics/atom.xml", "economy/feed.xml",
         "tags/kazakhstan/feed.xml", "tags/kazakhstan/atom.xml", "authors/aida-bek/feed.xml", "authors/aida-bek/atom.xml"]


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_parses_cleanly(built, name):
    feed = parse(built, name)
    assert feed.version in ("rss20", "atom10")
    assert all(e.link.startswith("https://example.org/news/") for e in feed.entries)


def test_site_feed_has_newest_first_and_feed_size_entries(built):
    for name in ("feed.xml", "atom.xml"):
        titles = [e.title for e in parse(built, name).entries]
        assert titles == [HOSTILE, "Second", "Third"]  # feed_size: 3; drafts and the future never


def test_entry_links_resolve_to_built_pages(built):
    for name in FEEDS:
        for entry in parse(built, name).entries:
            path = entry.link.removeprefix("https://example.org/news/")
            assert (built / path / "index.html").is_file(), entry.link


def test_dates_keep_their_instant_across_timezones(built):
    entries = {e.title: e for e in parse(built, "feed.xml").entries}
    # 03:00 UTC is 08:00 in Almaty: the instant must survive, whatever the offset written
    assert datetime(*entries["Second"].published_parsed[:6], tzinfo=timezone.utc) == datetime(2025, 12, 19, 3, tzinfo=timezone.utc)
    assert datetime(*entries["Third"].published_parsed[:6], tzinfo=timezone.utc) == datetime(2025, 12, 18, 15, tzinfo=timezone.utc)
    atom = {e.title: e for e in parse(built, "atom.xml").entries}
    assert atom[HOSTILE].updated.startswith("2025-12-20T08:00:00+05:00")
    assert atom[HOSTILE].published.startswith("2025-12-19T17:00:00+05:00")


def test_special_characters_round_trip_in_titles_and_bodies(built):
    for name in ("feed.xml", "atom.xml"):
        entry = parse(built, name).entries[0]
        assert entry.title == HOSTILE
        body = entry.content[0].value
        assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in body or "Tom &amp; Jerry <b>bold</b>" in body
        assert "🚀 Қазақстан" in body


def test_bodies_have_absolute_links_and_images(built):
    body = parse(built, "feed.xml").entries[0].content[0].value
    assert 'href="https://example.org/news/politics/b/"' in body
    assert 'src="https://example.org/news/images/p.png"' in body


def test_rss_structure(built):
    root = etree.parse(str(built / "feed.xml")).getroot()
    channel = root.find("channel")
    for tag in ("title", "link", "description", "language", "lastBuildDate"):
        assert channel.findtext(tag), tag
    assert channel.findtext("language") == "ru"
    assert channel.findtext("link") == "https://example.org/news/"
    assert channel.findtext("lastBuildDate") == "Sat, 20 Dec 2025 08:00:00 +0500"  # newest change, not the clock
    self_link = channel.find("atom:link", NS)
    assert self_link.get("rel") == "self" and self_link.get("href") == "https://example.org/news/feed.xml"
    item = channel.find("item")
    assert item.findtext("guid") == "https://example.org/news/politics/a/"
    assert item.find("guid").get("isPermaLink") == "true"
    assert item.findtext("pubDate") and item.findtext("description") and item.findtext("content:encoded", namespaces=NS)
    # one dc:creator with the whole byline: readers such as newsboat show only the last of several
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Aida Bek and Erlan"]
    assert [c.text for c in item.findall("category")] == ["Kazakhstan", "diplomacy"]
    enclosure = item.find("enclosure")
    assert enclosure.attrib == {"url": "https://example.org/news/images/p.png", "length": "108", "type": "image/png"}
    assert item.find("media:content", NS).get("type") == "image/png"


def test_atom_structure_has_one_alternate_link_per_entry(built):
    root = etree.parse(str(built / "atom.xml")).getroot()
    for tag in ("atom:id", "atom:title", "atom:updated"):
        assert root.findtext(tag, namespaces=NS), tag
    assert root.findtext("atom:updated", namespaces=NS) == "2025-12-20T08:00:00+05:00"
    self_links = [l for l in root.findall("atom:link", NS) if l.get("rel") == "self"]
    assert [l.get("href") for l in self_links] == ["https://example.org/news/atom.xml"]
    for entry in root.findall("atom:entry", NS):
        links = entry.findall("atom:link", NS)
        alternates = [l for l in links if l.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1, etree.tostring(entry)
        for tag in ("atom:id", "atom:title", "atom:updated", "atom:published", "atom:content"):
            assert entry.find(tag, NS) is not None, tag
    first = root.find("atom:entry", NS)
    enclosure = [l for l in first.findall("atom:link", NS) if l.get("rel") == "enclosure"]
    assert [(l.get("href"), l.get("type"), l.get("length")) for l in enclosure] == [
        ("https://example.org/news/images/p.png", "image/png", "108")]
    assert [a.findtext("atom:name", namespaces=NS) for a in first.findall("atom:author", NS)] == ["Aida Bek", "Erlan"]
    assert first.find("atom:author/atom:uri", NS).text == "https://example.org/news/authors/aida-bek/"


def test_entry_id_survives_a_title_edit(site_tree, tmp_path):
    site = site_tree({"newsgen.yaml": "search: false\n", "content/a/x.md": article("Before")})
    before = feedparser.parse((build_site(site)[0] / "atom.xml").read_bytes()).entries[0].id
    (site / "content/a/x.md").write_text(article("After, corrected"))
    after = feedparser.parse((build_site(site)[0] / "atom.xml").read_bytes()).entries[0]
    assert after.title == "After, corrected" and after.id == before


def test_pages_announce_their_feeds(built):
    home = (built / "index.html").read_text()
    assert '<link rel="alternate" type="application/rss+xml" title="Steppe Times (RSS)" href="/news/feed.xml">' in home
    section = (built / "politics/index.html").read_text()
    assert 'href="/news/politics/feed.xml"' in section and 'href="/news/politics/atom.xml"' in section
    assert 'href="/news/feed.xml"' in section
    assert 'href="/news/tags/kazakhstan/feed.xml"' in (built / "tags/kazakhstan/index.html").read_text()
    assert 'href="/news/authors/aida-bek/atom.xml"' in (built / "authors/aida-bek/index.html").read_text()


# --- a site with every edge case that outside feed readers and checkers tripped on ---------------

def png(width: int, height: int) -> bytes:
    from io import BytesIO

    from PIL import Image
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


EDGE_BODY = """Intro with a<b & c.[^1] See <a href='../economy/d/'>single</a>, <a href=/politics/b/>unquoted</a>,
<a href="//cdn.example.com/x">protocol-relative</a> and [the note](#fn:1).

![p](photo.png)

<img src="/images/p.png" srcset="/images/p.png 1x, /images/p.png 2x" alt="s"> <video poster="/images/p.png" src="clip.mp4"></video>

[^1]: The footnote.
"""
EDGE = "https://example.org/news/"
EDGE_NOW = datetime(2025, 12, 20, 12, tzinfo=timezone.utc)  # "Edge" is in the news sitemap's two days


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """Base path, a regional language, a publisher, an empty section, an article with two authors,
    one with none, a plain-text summary with '<', raw HTML with every kind of URL, and an image
    next to its article."""
    from conftest import write_tree
    site = write_tree(tmp_path_factory.mktemp("edge"), {
        "newsgen.yaml": f"title: Steppe Times\npublisher: Steppe Media\nbase_url: {EDGE}\nlanguage: en-GB\n"
                        "timezone: Asia/Almaty\nsections: {politics: Politics, economy: Economy, culture: Culture}\n"
                        "search: false\nbroken_links: warning\n",  # its body's relative links lead nowhere on purpose
        "content/politics/a.md": article("Edge", "2025-12-19T17:00:00+05:00", body=EDGE_BODY, summary="a<b & c > d",
                                         tags=["Kazakhstan"], authors=["Aida Bek", "Erlan"], image="/images/p.png"),
        "content/politics/photo.png": png(900, 600),
        "content/politics/b.md": article("No byline", "2025-12-18T10:00:00+05:00",
                                         body='Text with a <a href="/economy/d/">raw link</a>.'),
        "content/economy/d.md": article("Third", "2025-12-01", updated="2025-12-20T09:00:00+05:00"),
        "static/images/p.png": png(1200, 800),
    })
    return build_site(site, now=EDGE_NOW)[0]


def feeds_of(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xml") if p.name in ("feed.xml", "atom.xml"))


def test_every_feed_of_a_site_with_every_edge_case_passes_the_feed_validators_rules(edge):
    from feedrules import feed_messages
    names = feeds_of(edge)
    assert "culture/atom.xml" in names and "authors/erlan/feed.xml" in names
    messages = {name: feed_messages((edge / name).read_bytes(), EDGE + name) for name in names}
    assert {name: found for name, found in messages.items() if found} == {}
    for name in names:
        assert not feedparser.parse((edge / name).read_bytes()).bozo, name


def test_the_sitemaps_of_the_edge_site_pass_the_official_schemas(edge):
    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas/all.xsd")))
    for name in ("sitemap.xml", "news-sitemap.xml"):
        schema.assertValid(etree.parse(str(edge / name)))
    news = etree.parse(str(edge / "news-sitemap.xml"))
    n = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert news.xpath("//n:name/text()", namespaces=n) == ["Steppe Media"]  # the publisher, not the title
    assert news.xpath("//n:language/text()", namespaces=n) == ["en"]  # en-GB, as Google's schema takes it
    assert not (edge / "robots.txt").exists()  # under /news/, where no crawler looks for it


def edge_entry(out: Path, name: str, title: str):
    return next(e for e in parse(out, name).entries if e.title == title)


def raw_body(out: Path, name: str, title: str) -> str:
    """An entry's body HTML as written in the feed (feedparser would drop attributes such as srcset)."""
    root = etree.parse(str(out / name)).getroot()
    if name.endswith("atom.xml"):
        entry = next(e for e in root.findall("atom:entry", NS) if e.findtext("atom:title", namespaces=NS) == title)
        return entry.findtext("atom:content", namespaces=NS)
    item = next(i for i in root.iter("item") if i.findtext("title") == title)
    return item.findtext("content:encoded", namespaces=NS)


def body_urls(body: str) -> dict[str, str]:
    """Link text or alt -> URL, and 'srcset', 'poster', 'video' for the one of each."""
    from lxml import html as lxml_html
    tree = lxml_html.fromstring(f"<div>{body}</div>")
    urls = {(a.text_content() or ""): a.get("href") for a in tree.iter("a")}
    urls.update({img.get("alt"): img.get("src") for img in tree.iter("img")})
    urls.update({f"srcset {img.get('alt')}": img.get("srcset") for img in tree.iter("img") if img.get("srcset")})
    urls.update({"poster": v.get("poster") for v in tree.iter("video")})
    urls.update({"video": v.get("src") for v in tree.iter("video")})
    return urls


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_feed_bodies_resolve_every_url_against_the_article(edge, name):
    urls = body_urls(raw_body(edge, name, "Edge"))
    article = EDGE + "politics/a/"
    assert urls["single"] == EDGE + "politics/economy/d/"  # '../economy/d/' from /news/politics/a/
    assert urls["unquoted"] == EDGE + "politics/b/"  # root-relative raw HTML, with the base path
    assert urls["protocol-relative"] == "https://cdn.example.com/x"  # the site's scheme
    assert urls["the note"] == article + "#fn:1" and urls["1"] == article + "#fn:1"
    assert urls["poster"] == EDGE + "images/p.png" and urls["video"] == article + "clip.mp4"
    assert urls["srcset s"] == f"{EDGE}images/p.png 1x, {EDGE}images/p.png 2x"
    assert all(u.startswith("https://") for u in urls.values()), urls


def test_an_image_next_to_its_article_is_the_file_the_article_page_shows(edge):
    from lxml import html as lxml_html
    page = lxml_html.fromstring((edge / "politics/a/index.html").read_bytes())
    shown = next(img.get("src") for img in page.iter("img") if img.get("alt") == "p")
    assert shown.startswith("/news/_img/photo-") and (edge / shown.removeprefix("/news/")).is_file()
    for name in ("feed.xml", "atom.xml"):
        assert body_urls(raw_body(edge, name, "Edge"))["p"] == "https://example.org" + shown


def test_atom_feeds_name_the_publisher_so_that_an_entry_without_byline_is_valid(edge):
    root = etree.parse(str(edge / "atom.xml")).getroot()
    assert [a.findtext("atom:name", namespaces=NS) for a in root.findall("atom:author", NS)] == ["Steppe Media"]
    entry = next(e for e in root.findall("atom:entry", NS) if e.findtext("atom:title", namespaces=NS) == "No byline")
    assert entry.find("atom:author", NS) is None  # the feed's author stands for it (RFC 4287, 4.1.1)


def test_an_empty_feed_is_dated_with_the_sites_newest_change(edge):
    assert parse(edge, "culture/feed.xml").entries == []
    assert etree.parse(str(edge / "culture/feed.xml")).findtext("channel/lastBuildDate") == "Sat, 20 Dec 2025 09:00:00 +0500"
    assert etree.parse(str(edge / "culture/atom.xml")).findtext("atom:updated", namespaces=NS) == "2025-12-20T09:00:00+05:00"


def test_the_feeds_of_a_site_without_articles_have_a_plausible_date_that_builds_do_not_change(site_tree):
    from datetime import timedelta

    from conftest import NOW
    site = site_tree({"newsgen.yaml": "search: false\n", "content/a/x.md": article("Draft", draft=True)})
    out = build_site(site)[0]
    first = {name: (out / name).read_bytes() for name in ("feed.xml", "atom.xml")}
    updated = datetime.fromisoformat(etree.parse(str(out / "atom.xml")).findtext("atom:updated", namespaces=NS))
    assert datetime(1990, 1, 1, tzinfo=updated.tzinfo) < updated <= NOW  # feed checkers call 1970 implausible
    assert parse(out, "feed.xml").feed.updated_parsed[:6] == updated.astimezone(NOW.tzinfo).timetuple()[:6]
    later = build_site(site, clean=True, now=NOW + timedelta(days=400))[0]  # the same sources a year on
    assert {name: (later / name).read_bytes() for name in first} == first


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_a_plain_text_summary_with_angle_brackets_survives_in_feed_readers(edge, name):
    from lxml import html as lxml_html
    summary = edge_entry(edge, name, "Edge").summary_detail
    # RSS readers take a description as HTML (feedparser says text/html); Atom says type text
    shown = lxml_html.fromstring(f"<p>{summary.value}</p>").text_content() if summary.type == "text/html" else summary.value
    assert shown == "a<b & c > d"


def test_an_rss_item_names_every_author_in_one_byline(edge):
    assert edge_entry(edge, "feed.xml", "Edge").author == "Aida Bek and Erlan"
    assert "author" not in edge_entry(edge, "feed.xml", "No byline")


def test_raw_html_links_in_bodies_get_the_base_path_on_the_page(edge):
    from lxml import html as lxml_html
    page = lxml_html.fromstring((edge / "politics/a/index.html").read_bytes())
    links = {a.text_content(): a.get("href") for a in page.iter("a")}
    assert links["unquoted"] == "/news/politics/b/"
    assert links["single"] == "../economy/d/"  # relative links are the reader's browser's to resolve
    video = next(page.iter("video"))
    assert video.get("poster") == "/news/images/p.png"


def test_an_empty_feed_follows_the_sites_newest_change_in_an_incremental_build(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nsections: {a: A, empty: Empty}\n",
                      "content/a/x.md": article("X", "2025-12-19T10:00:00+05:00")})
    build_site(site)
    (site / "content/a/x.md").write_text(article("X", "2025-12-19T10:00:00+05:00", updated="2025-12-21T10:00:00+05:00"))
    out, result, _ = build_site(site)
    assert not result.delta  # a new update date moves the article: a full incremental build
    assert etree.parse(str(out / "empty/atom.xml")).findtext("atom:updated", namespaces=NS) == "2025-12-21T05:00:00+00:00"


def _feed_record(site: Path, feed: str) -> list[tuple[str, str, bytes]]:
    from newsgen import sealed
    with sqlite3.connect(site / ".newsgen/state.db") as db:
        (data,) = db.execute("SELECT data FROM feed_entries WHERE path = ?", (feed,)).fetchone()
    return marshal.loads(sealed.unseal(data))


def _set_feed_record(site: Path, feed: str, data: bytes) -> None:
    with sqlite3.connect(site / ".newsgen/state.db") as db:
        db.execute("UPDATE feed_entries SET data = ? WHERE path = ?", (data, feed))


@pytest.fixture
def desk(site_tree):
    return site_tree({
        "newsgen.yaml": "search: false\nbase_url: https://example.org/\n",
        "content/politics/a.md": article("Talks", "2025-12-19T10:00:00+05:00", tags=["Kazakhstan"],
                                         authors=["Aida Bek"], image="/images/p.png", body="Text of [a](/politics/b/)."),
        "content/politics/b.md": article("Grid", "2025-12-18T10:00:00+05:00", tags=["Kazakhstan"]),
        "content/economy/c.md": article("Loan", "2025-12-17T10:00:00+05:00", tags=["Kazakhstan"]),
        "static/images/p.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    })


def test_an_edit_makes_only_the_edited_articles_feed_entries_and_takes_the_others_from_the_last_build(desk):
    build_site(desk)
    from newsgen import sealed
    assert [key for key, _, _ in _feed_record(desk, "tags/kazakhstan/atom.xml")] == [
        "content/politics/a.md", "content/politics/b.md", "content/economy/c.md"]
    # the entry the records keep for c is taken as it stands while c is unchanged
    for feed in ("atom.xml", "economy/atom.xml", "tags/kazakhstan/atom.xml"):
        planted = [(k, d, xml.replace(b"<title>Loan</title>", b"<title>Loan, as kept</title>"))
                   for k, d, xml in _feed_record(desk, feed)]
        _set_feed_record(desk, feed, sealed.seal(marshal.dumps(planted)))
    source = desk / "content/politics/a.md"
    source.write_text(source.read_text().replace("Text of", "Corrected text of"))
    out, result, _ = build_site(desk)
    assert result.delta
    titles = [e.title for e in feedparser.parse((out / "tags/kazakhstan/atom.xml").read_bytes()).entries]
    assert titles == ["Talks", "Grid", "Loan, as kept"]
    assert "Corrected text of" in feedparser.parse((out / "tags/kazakhstan/atom.xml").read_bytes()).entries[0].content[0].value
    # c changes: its entry is made again from its file
    (desk / "content/economy/c.md").write_text(article("Loan approved", "2025-12-17T10:00:00+05:00", tags=["Kazakhstan"]))
    out = build_site(desk)[0]
    assert [e.title for e in feedparser.parse((out / "tags/kazakhstan/atom.xml").read_bytes()).entries][2] == \
        "Loan approved"


def test_feeds_made_from_kept_entries_are_the_bytes_of_a_clean_build(desk):
    build_site(desk)
    for i, title in enumerate(["Talks again", "Talks, corrected"]):  # a delta build, then another on its records
        (desk / "content/politics/a.md").write_text(article(
            title, "2025-12-19T10:00:00+05:00", tags=["Kazakhstan"], authors=["Aida Bek"], image="/images/p.png",
            body=f"Text {i} of [a](/politics/b/)."))
        out, result, _ = build_site(desk)
        assert result.delta
    clean = clean_build_of(desk)
    for name in ("feed.xml", "atom.xml", "politics/feed.xml", "tags/kazakhstan/atom.xml", "authors/aida-bek/feed.xml"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    atom = etree.parse(str(out / "atom.xml")).getroot()
    first = atom.find("atom:entry", NS)
    assert [(l.get("rel"), l.get("length")) for l in first.findall("atom:link", NS)] == [(None, None), ("enclosure", "108")]


def test_a_feed_record_not_sealed_with_the_users_key_is_never_used(desk):
    build_site(desk)
    record = _feed_record(desk, "atom.xml")
    forged = [(k, d, xml.replace(b"<title>Grid</title>", b"<title>Forged</title>")) for k, d, xml in record]
    _set_feed_record(desk, "atom.xml", b"\0" * 32 + marshal.dumps(forged))  # a seal that is not the key's
    (desk / "content/politics/a.md").write_text(article("Talks resumed", "2025-12-19T10:00:00+05:00",
                                                        tags=["Kazakhstan"], authors=["Aida Bek"]))
    out = build_site(desk)[0]
    assert [e.title for e in feedparser.parse((out / "atom.xml").read_bytes()).entries] == ["Talks resumed", "Grid", "Loan"]
