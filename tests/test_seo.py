"""Sitemaps against their schema, robots.txt, and page metadata: canonical, OpenGraph, JSON-LD."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from conftest import article, build_site, write_tree

SCHEMAS = Path(__file__).parent / "schemas"  # see schemas/README.md
SM = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
NOW = datetime(2025, 12, 20, 12, 0, tzinfo=timezone.utc)
HOSTILE = 'Breaking </script><script>alert("x")</script> & more'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = write_tree(tmp_path_factory.mktemp("seo"), {
        "newsgen.yaml": "title: Steppe Times\ndescription: News from the steppe\nbase_url: https://example.org/\n"
                        "timezone: Asia/Almaty\nper_page: 1\nlogo: /images/logo.png\npublisher: Steppe Media\n",
        "content/politics/a.md": article(HOSTILE, "2025-12-20T10:00:00+05:00", summary="Sum & <mary>",
                                         tags=["Kazakhstan", "talks"], authors=["Aida Bek"], image="/images/p.png",
                                         updated="2025-12-20T12:00:00+05:00"),
        "content/politics/b.md": article("Yesterday", "2025-12-19T09:00:00+05:00"),
        "content/politics/c.md": article("Three days ago", "2025-12-17T09:00:00+05:00", redirect_from=["/old/c/"]),
        "static/images/p.png": b"\x89PNG\r\n\x1a\n",
    })
    return build_site(site, now=NOW)[0]


def schema(name: str = "all.xsd") -> etree.XMLSchema:
    """The sitemaps.org schema with the News elements (all.xsd), or siteindex.xsd (see schemas/README.md)."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def html_pages(out: Path) -> set[str]:
    """URLs of every public HTML page: all .html files except the 404 page and noindex pages
    (redirect stubs and the search page)."""
    urls = set()
    for page in out.rglob("*.html"):
        text = page.read_text()
        if page.name == "404.html" or '<meta name="robots" content="noindex">' in text:
            continue
        rel = page.relative_to(out).as_posix()
        urls.add("https://example.org/" + rel.removesuffix("index.html"))
    return urls


def test_sitemap_is_valid_and_lists_exactly_the_public_pages(built):
    doc = etree.parse(str(built / "sitemap.xml"))
    schema().assertValid(doc)
    locs = doc.xpath("//s:loc/text()", namespaces=SM)
    assert len(locs) == len(set(locs))
    assert set(locs) == html_pages(built)
    lastmod = doc.xpath("//s:url[s:loc='https://example.org/politics/a/']/s:lastmod/text()", namespaces=SM)
    assert lastmod == ["2025-12-20T12:00:00+05:00"]


def test_news_sitemap_holds_the_last_two_days_only(built):
    doc = etree.parse(str(built / "news-sitemap.xml"))
    schema().assertValid(doc)
    assert doc.xpath("//s:loc/text()", namespaces=SM) == ["https://example.org/politics/a/",
                                                          "https://example.org/politics/b/"]
    assert doc.xpath("//n:publication/n:name/text()", namespaces=SM) == ["Steppe Media"] * 2  # the publisher
    assert doc.xpath("//n:news/n:title/text()", namespaces=SM)[0] == HOSTILE
    assert doc.xpath("//n:publication_date/text()", namespaces=SM)[1] == "2025-12-19T09:00:00+05:00"


def test_schema_rejects_a_broken_sitemap():
    broken = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              b'<url><lastmod>yesterday</lastmod></url></urlset>')
    assert not schema().validate(broken)


def test_robots_names_both_sitemaps(built):
    robots = (built / "robots.txt").read_text()
    assert "Sitemap: https://example.org/sitemap.xml\n" in robots
    assert "Sitemap: https://example.org/news-sitemap.xml\n" in robots


def test_big_sites_get_a_sitemap_index(monkeypatch, site_tree):
    import newsgen.kinds.sitemaps
    monkeypatch.setattr(newsgen.kinds.sitemaps, "MAX_SITEMAP_URLS", 5)  # the planner and the renderer read it
    site = site_tree({"newsgen.yaml": "search: false\n",
                      **{f"content/a/s{i}.md": article(f"S{i}", f"2025-12-{i + 1:02d}") for i in range(8)}})
    out = build_site(site)[0]
    index = etree.parse(str(out / "sitemap.xml"))
    schema("siteindex.xsd").assertValid(index)
    parts = index.xpath("//s:sitemap/s:loc/text()", namespaces=SM)
    # 14 public pages: home, 8 articles, a section, a month, the archive, tag and author indexes
    assert parts == [f"http://localhost:8000/sitemap-{n}.xml" for n in (1, 2, 3)]
    locs = []
    for n in range(1, len(parts) + 1):
        part = etree.parse(str(out / f"sitemap-{n}.xml"))
        schema().assertValid(part)
        locs += part.xpath("//s:loc/text()", namespaces=SM)
        assert len(part.xpath("//s:url", namespaces=SM)) <= 5
    assert len(locs) == len(set(locs)) and "http://localhost:8000/a/s7/" in locs


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "content" in a:
            self.meta.append((a.get("property") or a.get("name") or "", a["content"]))
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.scripts[-1] += data


def head(out: Path, path: str) -> _Head:
    parser = _Head()
    parser.feed((out / path).read_text())
    return parser


def test_article_metadata_and_json_ld(built):
    h = head(built, "politics/a/index.html")
    meta = dict(h.meta)
    assert meta["description"] == "Sum & <mary>"
    assert meta["og:type"] == "article" and meta["og:title"] == HOSTILE
    assert meta["og:url"] == "https://example.org/politics/a/"
    assert meta["og:image"] == "https://example.org/images/p.png"
    assert meta["og:site_name"] == "Steppe Times"
    assert meta["article:published_time"] == "2025-12-20T10:00:00+05:00"
    assert meta["article:modified_time"] == "2025-12-20T12:00:00+05:00"
    assert meta["article:section"] == "Politics"
    assert [v for k, v in h.meta if k == "article:tag"] == ["Kazakhstan", "talks"]
    assert meta["twitter:card"] == "summary_large_image"
    assert [l["href"] for l in h.links if l.get("rel") == "canonical"] == ["https://example.org/politics/a/"]
    assert len(h.scripts) == 2  # the hostile title did not end the script element early
    news, crumbs = (json.loads(s) for s in h.scripts)
    assert news["@type"] == "NewsArticle" and news["headline"] == HOSTILE
    assert news["datePublished"] == "2025-12-20T10:00:00+05:00" and news["dateModified"] == "2025-12-20T12:00:00+05:00"
    assert news["author"] == [{"@type": "Person", "name": "Aida Bek", "url": "https://example.org/authors/aida-bek/"}]
    assert news["publisher"]["name"] == "Steppe Media"
    assert news["publisher"]["logo"]["url"] == "https://example.org/images/logo.png"
    assert news["image"] == ["https://example.org/images/p.png"]
    assert news["mainEntityOfPage"]["@id"] == "https://example.org/politics/a/"
    assert news["articleSection"] == "Politics" and news["keywords"] == ["Kazakhstan", "talks"]
    assert [i["item"] for i in crumbs["itemListElement"]] == [
        "https://example.org/", "https://example.org/politics/", "https://example.org/politics/a/"]


def test_home_has_website_and_organization(built):
    types = [json.loads(s)["@type"] for s in head(built, "index.html").scripts]
    assert types == ["WebSite", "Organization"]


def test_hostile_title_is_text_in_html_feeds_and_json_ld(built):
    html = (built / "politics/a/index.html").read_text()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    ld = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert all("</" not in block for block in ld)
    assert "\\u003c/script\\u003e" in ld[0]
    for feed in ("feed.xml", "atom.xml", "sitemap.xml", "news-sitemap.xml"):
        assert b'<script>alert' not in (built / feed).read_bytes()


def test_the_official_schema_rejects_an_empty_sitemap():
    assert not schema().validate(etree.fromstring(f'<urlset xmlns="{SM["s"]}" xmlns:news="{SM["n"]}"/>'.encode()))


def test_without_recent_articles_there_is_no_news_sitemap_and_robots_names_none(site_tree):
    site = site_tree({"newsgen.yaml": "base_url: https://example.org/\nsearch: false\n",
                      "content/a/old.md": article("Old", "2025-11-01T10:00:00+05:00")})
    out = build_site(site, now=NOW)[0]
    assert not (out / "news-sitemap.xml").exists()
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    schema().assertValid(etree.parse(str(out / "sitemap.xml")))


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "en"), ("en-GB", "en"), ("kk_KZ", "kk"), ("fil", "fil"), ("zh", "zh-cn"), ("zh-Hans", "zh-cn"),
    ("zh-TW", "zh-tw"), ("zh-Hant-HK", "zh-tw")])
def test_news_sitemap_language_is_one_google_news_accepts(language, expected):
    from newsgen.sitemaps import news_language
    assert news_language(language) == expected


def test_news_sitemap_of_a_site_in_a_regional_language_is_valid(site_tree):
    site = site_tree({"newsgen.yaml": "base_url: https://example.org/\nlanguage: en-GB\nsearch: false\n",
                      "content/a/new.md": article("New", "2025-12-20T10:00:00+05:00")})
    doc = etree.parse(str(build_site(site, now=NOW)[0] / "news-sitemap.xml"))
    schema().assertValid(doc)
    assert doc.xpath("//n:language/text()", namespaces=SM) == ["en"]
    assert doc.xpath("//n:name/text()", namespaces=SM) == ["newsgen site"]  # no publisher: the title


def test_a_site_under_a_base_path_writes_no_robots_txt(site_tree):
    # crawlers read robots.txt at the root of the host only: one at /news/robots.txt would be ignored
    site = site_tree({"newsgen.yaml": "base_url: https://example.org/news/\nsearch: false\n",
                      "content/a/new.md": article("New", "2025-12-20T10:00:00+05:00")})
    out = build_site(site, now=NOW)[0]
    assert not (out / "robots.txt").exists()
    assert (out / "sitemap.xml").is_file() and (out / "news-sitemap.xml").is_file()


def test_the_not_found_page_names_no_canonical_address(built):
    assert not [l for l in head(built, "404.html").links if l.get("rel") == "canonical"]


def test_a_page_without_lead_image_shows_the_sites_raster_card(built):
    from PIL import Image
    h = head(built, "politics/b/index.html")
    meta = dict(h.meta)
    assert meta["og:image"] == meta["twitter:image"] == "https://example.org/social-card.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == "Steppe Times"
    with Image.open(built / "social-card.png") as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))
    assert dict(head(built, "index.html").meta)["og:image"] == "https://example.org/social-card.png"


def test_the_card_of_a_site_titled_in_cyrillic_shows_its_letters(site_tree):
    """A Russian or Kazakh title is drawn in its letters, not as the boxes of a missing glyph."""
    from io import BytesIO

    from PIL import Image

    from newsgen.images import card_png

    def letters(title: str) -> bytes:
        with Image.open(BytesIO(card_png(title, (1200, 630)))) as card:
            return card.tobytes()
    assert letters("Таймс Азии") != letters("\ue000" * 5 + " " + "\ue000" * 4)  # unassigned: the missing glyph
    assert letters("Қазақстан Әлемі") != letters("\ue000" * 9 + " " + "\ue000" * 5)
    assert letters("Таймс Азии") != letters("Таймс Азии!")


def test_link_previews_carry_the_lead_images_size_and_text(site_tree):
    from io import BytesIO

    from PIL import Image
    picture = BytesIO()
    Image.new("RGB", (1000, 500), (0, 90, 160)).save(picture, "PNG")
    site = site_tree({"newsgen.yaml": "base_url: https://example.org/\nsearch: false\n",
                      "static/images/talks.png": picture.getvalue(),
                      "content/a/x.md": article("Talks", image="/images/talks.png", image_alt="Delegates in Astana")})
    meta = dict(head(build_site(site)[0], "a/x/index.html").meta)
    assert meta["og:image"] == "https://example.org/images/talks.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1000", "500")
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == "Delegates in Astana"


@pytest.mark.parametrize(("language", "locale"), [("en", "en_US"), ("en-GB", "en_GB"), ("ru", "ru_RU"),
                                                  ("kk", "kk_KZ"), ("pt_BR", "pt_BR")])
def test_og_locale_is_a_language_with_its_territory(language, locale):
    from newsgen.seo import og_locale
    assert og_locale(language) == locale


def test_json_ld_of_an_article_without_image_or_byline_has_both(built):
    news = json.loads(head(built, "politics/b/index.html").scripts[0])
    assert news["image"] == ["https://example.org/social-card.png"]
    assert news["author"] == [{"@type": "Organization", "name": "Steppe Media", "url": "https://example.org/"}]
