"""Whole builds of small sites: every page kind, as a reader sees it."""
from __future__ import annotations

from textwrap import dedent

import pytest

from conftest import article, build_site, read, search_setting, searchable, with_search
from linkcheck import broken_links

from newsgen.errors import ContentError

SETTINGS = """
    title: Steppe Times
    base_url: https://example.org/
    timezone: Asia/Almaty
    per_page: 2
    sections: {politics: Politics, economy: "Economy & Business", culture: Culture}
"""
RATES = """
    base: USD
    updated: 2025-12-19T09:00:00+05:00
    rates:
      - {code: KZT, rate: 0.00193, change: -0.004}
      - {code: UZS, rate: 0.0000778, change: 0}
"""


@pytest.fixture
def newsroom(site_tree, search):
    return site_tree({
        "newsgen.yaml": dedent(SETTINGS) + search_setting(search),
        "data/rates.yaml": RATES,
        "content/politics/talks.md": article("Talks in Astana", "2025-12-19T17:00:00+05:00",
                                             "First paragraph about the talks.\n\nSecond paragraph.",
                                             tags=["Kazakhstan", "diplomacy"], authors=["Aida Bek"], featured=True,
                                             image="/images/a.svg", image_caption="Astana at dusk", image_credit="BBC"),
        "content/politics/vote.md": article("Parliament votes", "2025-12-18T10:00:00+05:00",
                                            tags=["Kazakhstan"], author="Erlan Sadyk"),
        "content/politics/older.md": article("An older story", "2025-11-02T08:00:00+05:00", tags=["diplomacy"],
                                             updated="2025-11-03T09:30:00+05:00"),
        "content/economy/2025-12-10-grid.md": "---\ntitle: Grid money\ntags: [energy, Kazakhstan]\n---\nThe grid.\n",
        "content/economy/draft.md": article("Secret draft", draft=True),
        "content/economy/tomorrow.md": article("From the future", "2026-06-01T08:00:00+05:00"),
        "static/images/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })


def test_every_article_gets_its_page_with_one_h1(newsroom):
    out, result, _ = build_site(newsroom)
    for url, title in [("/politics/talks/", "Talks in Astana"), ("/politics/vote/", "Parliament votes"),
                       ("/economy/grid/", "Grid money")]:
        html = read(out, url)
        assert html.count("<h1") == 1
        assert f'<h1 class="story-title">{title}</h1>' in html
    assert result.articles == 4


def test_drafts_and_future_articles_are_left_out_unless_asked(newsroom):
    out, result, _ = build_site(newsroom)
    assert not (out / "economy/draft").exists() and not (out / "economy/tomorrow").exists()
    assert "Secret draft" not in read(out, "/economy/")
    assert (result.skipped_drafts, result.skipped_future) == (1, 1)
    out, result, _ = build_site(newsroom, drafts=True, future=True)
    assert (out / "economy/draft/index.html").is_file() and (out / "economy/tomorrow/index.html").is_file()
    assert result.articles == 6


def test_home_shows_featured_lead_then_latest_and_section_blocks(newsroom):
    html = read(build_site(newsroom)[0], "/")
    lead = html.split('class="lead-story"')[1].split("</section>")[0]
    assert "Talks in Astana" in lead and "Astana at dusk" in lead and "Photo: BBC" in lead
    latest = html.split('class="latest"')[1].split("</section>")[0]
    assert latest.index("Parliament votes") < latest.index("Grid money") < latest.index("An older story")
    assert "Talks in Astana" not in latest
    assert 'id="block-economy"' in html and "Economy &amp; Business" in html


def test_newest_article_leads_when_none_is_featured(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/old.md": article("Old", "2025-01-01"), "content/a/new.md": article("New", "2025-02-01")})
    html = read(build_site(site)[0], "/")
    assert "New" in html.split('class="lead-story"')[1].split("</section>")[0]


def test_article_page_has_byline_dates_tags_and_neighbours(newsroom):
    out = build_site(newsroom)[0]
    html = read(out, "/politics/vote/")
    assert '<a href="/authors/erlan-sadyk/" rel="author">Erlan Sadyk</a>' in html  # `author:` as one string
    assert 'datetime="2025-12-18T10:00:00+05:00"' in html
    assert 'href="/tags/kazakhstan/" rel="tag"' in html
    assert 'rel="next" href="/politics/talks/"' in html and 'rel="prev" href="/politics/older/"' in html
    older = read(out, "/politics/older/")
    assert "Updated <time" in older and 'datetime="2025-11-03T09:30:00+05:00"' in older


def test_related_articles_share_tags(newsroom):
    html = read(build_site(newsroom)[0], "/economy/grid/")
    related = html.split('class="related"')[1]
    assert "Talks in Astana" in related and "Parliament votes" in related  # both share Kazakhstan


def test_summary_defaults_to_first_paragraph_as_plain_text(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/x.md": article("X", body="**Bold** start with [a link](/a/).\n\nSecond.")})
    html = read(build_site(site)[0], "/a/x/")
    assert '<p class="story-summary">Bold start with a link.</p>' in html
    assert '<meta name="description" content="Bold start with a link.">' in html


def test_section_tag_author_and_archive_pages_list_newest_first(newsroom):
    out = build_site(newsroom)[0]
    politics = read(out, "/politics/")
    assert politics.index("Talks in Astana") < politics.index("Parliament votes")
    assert "An older story" in read(out, "/politics/page/2/")
    tag = read(out, "/tags/kazakhstan/")
    assert "Tag: Kazakhstan" in tag and tag.index("Talks in Astana") < tag.index("Parliament votes")
    assert "Grid money" in read(out, "/tags/kazakhstan/page/2/")
    assert "Articles by Aida Bek" in read(out, "/authors/aida-bek/")
    december = read(out, "/archive/2025/12/")
    assert "December 2025" in december and "An older story" not in december
    index = read(out, "/archive/")
    assert 'href="/archive/2025/12/"' in index and 'href="/archive/2025/11/"' in index
    assert (out / "404.html").is_file()


def test_empty_configured_section_still_has_its_page(newsroom):
    html = read(build_site(newsroom)[0], "/culture/")
    assert "No articles here yet." in html


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (3, 1), (4, 2), (7, 3)])
def test_pagination_edges(site_tree, count, pages):
    files = {"newsgen.yaml": "per_page: 3\nsections: [news]\nsearch: false\n"}
    for i in range(count):
        files[f"content/news/s{i}.md"] = article(f"Story {i}", f"2025-12-{i + 1:02d}")
    out = build_site(site_tree(files))[0]
    assert (out / "news/index.html").is_file()
    assert (out / f"news/page/{pages}/index.html").is_file() == (pages > 1)
    assert not (out / f"news/page/{pages + 1}").exists()
    shown = sum(read(out, f"/news/{'' if n == 1 else f'page/{n}/'}").count('class="card"') for n in range(1, pages + 1))
    assert shown == count
    if pages > 1:
        last = read(out, f"/news/page/{pages}/")
        assert f"Page {pages} of {pages}" in last and 'rel="next"' not in last and 'rel="prev"' in last


@with_search  # every page, the search page among them
def test_ticker_is_on_every_page_with_precise_rates(newsroom):
    out = build_site(newsroom)[0]
    pages = [p for p in out.rglob("*.html") if "refresh" not in p.read_text()]
    assert len(pages) > 15
    for page in pages:
        html = page.read_text()
        assert 'class="ticker"' in html, page
        assert "0.00007780" in html and "\u22120.00%" in html and "Rates updated" in html


@with_search  # every link, the search page's among them
def test_all_internal_links_resolve(newsroom):
    out = build_site(newsroom)[0]
    assert broken_links(out) == []


def test_base_url_with_a_path_prefixes_every_link(site_tree):
    site = site_tree({
        "newsgen.yaml": "base_url: https://example.org/news/\n",  # search on: its page and script under /news/ too
        "content/politics/a.md": article("A", body="See [b](/politics/b/) and ![x](/images/x.svg)", tags=["t"]),
        "content/politics/b.md": article("B", "2025-12-18"),
        "static/images/x.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    out = build_site(site)[0]
    html = read(out, "/politics/a/")
    assert 'href="/news/politics/b/"' in html and 'src="/news/images/x.svg"' in html
    assert 'href="/news/css/site.css"' in html
    assert broken_links(out, "/news") == []


def test_permalink_pattern_with_dates(site_tree):
    site = site_tree({"newsgen.yaml": "permalink: /{year}/{month}/{day}/{slug}/\ntimezone: Asia/Almaty\nsearch: false\n",
                      # 20:30 UTC on the 18th is already the 19th in Almaty
                      "content/politics/talks.md": article("Talks", "2025-12-18T20:30:00Z")})
    out = build_site(site)[0]
    assert (out / "2025/12/19/talks/index.html").is_file()


def test_naive_dates_are_in_the_site_timezone(site_tree):
    site = site_tree({"newsgen.yaml": "timezone: Asia/Tashkent\nsearch: false\n",
                      "content/a/x.md": article("X", "2025-12-19 09:15")})
    html = read(build_site(site)[0], "/a/x/")
    assert 'datetime="2025-12-19T09:15:00+05:00"' in html


def test_redirect_pages_point_to_the_new_url(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/x.md": article("X", redirect_from=["/old/x", "old-2.html"])})
    out = build_site(site)[0]
    html = (out / "old/x/index.html").read_text()
    assert 'content="0; url=/a/x/"' in html and 'rel="canonical" href="http://localhost:8000/a/x/"' in html
    assert (out / "old-2.html").is_file()


def test_an_article_keeps_an_address_of_its_own_from_permalink_or_hugos_url(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\npermalink: /{section}/{slug}/\n",
                      "content/blog/2015-05-21-TockingTime.md": article("T", permalink="/2015/05/21/tockingtime/"),
                      "content/blog/hugo.md": article("H", url="/old/hugo-post"),
                      "content/blog/dated.md": article("D", permalink="/{year}/{slug}.html"),
                      "content/blog/plain.md": article("P"),
                      "content/blog/index.md": article("Index", body="[T](/2015/05/21/tockingtime/) [D](/2025/dated.html)")})
    out, _, reporter = build_site(site)
    assert "T" in read(out, "/2015/05/21/tockingtime/")
    assert "H" in read(out, "/old/hugo-post/")
    assert "D" in (out / "2025/dated.html").read_text()
    assert (out / "blog/plain/index.html").is_file() and not (out / "blog/tockingtime").exists()
    listing = read(out, "/blog/")
    assert 'href="/2015/05/21/tockingtime/"' in listing and 'href="/2025/dated.html"' in listing
    assert not [p for p in reporter.problems if p.field in ("slug", "permalink")]  # an own address: no slug warning


@pytest.mark.parametrize("written, problem", [
    ("/{year}/{title}/", "'{title}' is not a placeholder"),
    ("/a/../b/", "must not contain '.' or '..' as a folder"),
    ("/a?b", "must not contain ':', '?', '#'"),
])
def test_an_own_permalink_that_is_not_an_address_is_an_error_with_its_line(site_tree, written, problem):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/blog/x.md": f"---\ntitle: X\ndate: 2025-12-19\npermalink: {written}\n---\nText\n"})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    [error] = [p for p in caught.value.problems if p.is_error]
    assert error.format().startswith(f"content/blog/x.md:4: permalink: {problem}")


@pytest.mark.parametrize("slugs, url", [("ascii", "/blog/we-are-hiring-2-0/"), ("keep", "/blog/We-Are-Hiring_2.0/"),
                                        ("native", "/blog/we-are-hiring-2-0/")])
def test_slug_styles_shape_the_address_from_the_file_name_and_never_cut_it(site_tree, slugs, url):
    long = "a-very-long-file-name-" * 6
    site = site_tree({"newsgen.yaml": f"search: false\nslugs: {slugs}\n",
                      "content/blog/We-Are-Hiring_2.0.md": article("W"),
                      f"content/blog/{long}.md": article("L")})
    out, _, reporter = build_site(site)
    assert "W" in read(out, url)
    assert (out / f"blog/{long.strip('-')}/index.html").is_file()  # 132 characters, as written
    assert not [p for p in reporter.problems if p.field == "slug"]  # the site chose its style: no warning


def test_a_site_without_a_slug_style_keeps_its_old_cut_addresses_and_is_told(site_tree):
    long = "-".join(["word"] * 30)  # 149 characters
    site = site_tree({"newsgen.yaml": "search: false\n", f"content/blog/{long}.md": article("L")})
    out, _, reporter = build_site(site)
    assert (out / f"blog/{long[:79]}/index.html").is_file()  # at a word boundary within 80, as before
    [told] = [p for p in reporter.problems if p.field == "slug"]
    assert f'uses "{long[:79]}" where the file name says "{long}"' in told.message


def test_two_addresses_that_differ_only_in_case_are_a_warning(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nslugs: keep\n",
                      "content/blog/Hello.md": article("Upper"), "content/blog/hello.md": article("Lower", "2025-12-18")})
    out, _, reporter = build_site(site)
    warned = sorted(p.format() for p in reporter.problems if "differs only in case" in p.message)
    assert warned == [
        "content/blog/Hello.md:1: warning: URL /blog/Hello/ differs only in case from /blog/hello/; on a disk that "
        "ignores case (macOS, Windows) one page replaces the other (give one of them another slug:)",
        "content/blog/hello.md:1: warning: URL /blog/hello/ differs only in case from /blog/Hello/; on a disk that "
        "ignores case (macOS, Windows) one page replaces the other (give one of them another slug:)"]
    assert "Upper" in read(out, "/blog/Hello/") and "Lower" in read(out, "/blog/hello/")  # this disk tells them apart


def test_extra_front_matter_reaches_templates(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\n",
        "content/a/x.md": article("X", kicker="Exclusive"),
        "templates/article.html": "{{ article.title }}|{{ article.extra.kicker }}\n",
    })
    assert read(build_site(site)[0], "/a/x/") == "X|Exclusive\n"


def test_titles_are_escaped_as_text(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/x.md": article("<script>alert(1)</script> & co", tags=["<b>"])})
    out = build_site(site)[0]
    for page in ("/a/x/", "/", "/a/", "/tags/b/"):
        html = read(out, page)
        assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in read(out, "/a/x/")


def test_cyrillic_titles_get_ascii_slugs_from_file_names(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/politics/Казахстан и Узбекистан.md": article("Казахстан и Узбекистан")})
    out = build_site(site)[0]
    assert "Казахстан и Узбекистан" in read(out, "/politics/kazakhstan-i-uzbekistan/")


def test_same_tag_in_two_spellings_is_one_tag_page(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n", "content/a/x.md": article("X", tags=["Kazakhstan"]),
                      "content/a/y.md": article("Y", "2025-12-18", tags=["kazakhstan"])})
    html = read(build_site(site)[0], "/tags/kazakhstan/")
    assert "X" in html and "Y" in html


@with_search  # every file, the search index among them
def test_output_is_the_same_for_the_same_sources(newsroom, tmp_path):
    """Byte for byte, but for the search index's bytes: Pagefind orders a filter's values as a
    hash map does, so two indexes of the same records differ in a few filter files; what they
    find is compared instead."""
    first = build_site(newsroom, output=tmp_path / "one")[0]
    second = build_site(newsroom, output=tmp_path / "two")[0]
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and "pagefind" not in p.parts)
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file() and "pagefind" not in p.parts)
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert searchable(first, newsroom) == searchable(second, newsroom)


def test_site_templates_override_the_theme(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nticker: true\n", "content/a/x.md": article("X"),
                      "templates/partials/ticker.html": "<p class=\"ticker\">custom ticker</p>\n"})
    assert "custom ticker" in read(build_site(site)[0], "/a/x/")


def test_monthly_archives_follow_the_site_timezone(site_tree):
    # 23:30 on 31 December in New York is already January in UTC, the site's zone
    site = site_tree({"newsgen.yaml": "search: false\n", "content/a/x.md": article("X", "2025-12-31T23:30:00-05:00")})
    out = build_site(site)[0]
    assert (out / "archive/2026/01/index.html").is_file() and not (out / "archive/2025/12").exists()


def test_lead_images_next_to_the_article_have_working_urls_everywhere(site_tree):
    site = site_tree({"newsgen.yaml": "base_url: https://example.org/\nsearch: false\n",
                      "content/politics/x.md": article("X", image="photo.svg"),
                      "content/politics/photo.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>'})
    out = build_site(site)[0]
    html = read(out, "/politics/x/")
    assert '<meta property="og:image" content="https://example.org/politics/photo.svg">' in html
    assert 'src="/politics/photo.svg"' in html
    feed = (out / "feed.xml").read_text()
    assert 'url="https://example.org/politics/photo.svg"' in feed and 'length="0"' not in feed


def test_c_cpp_and_csharp_are_three_tags_and_other_spellings_of_one_tag_are_named(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/tech/a.md": article("A", "2025-12-19", tags=["C", "C++", "C#", "Central Asia"]),
                      "content/tech/b.md": article("B", "2025-12-18", tags=["Central-Asia", "central  asia"])})
    out, _, reporter = build_site(site)
    assert {p.name for p in (out / "tags").iterdir() if p.is_dir()} == {"c", "c-plus-plus", "c-sharp", "central-asia"}
    assert "C++</h1>" in read(out, "/tags/c-plus-plus/") and "C#</h1>" in read(out, "/tags/c-sharp/")
    warnings = [p.format() for p in reporter.problems if p.field == "tags"]
    assert warnings == ['content/tech/b.md:5: warning: tags: "Central-Asia" and "Central Asia" make the same tag page, '
                        '/tags/central-asia/, shown as "Central Asia" (write "Central Asia" if they are one tag, '
                        'or give this one a name of its own)']


def test_an_article_that_moves_is_a_warning_in_build_and_check_until_a_redirect_keeps_its_old_address(site_tree):
    from newsgen.check import check_site
    from newsgen.options import BuildOptions
    site = site_tree({"newsgen.yaml": "search: false\n", "content/politics/talks.md": article("Talks")})
    out, _, reporter = build_site(site)
    assert not [p for p in reporter.problems if "earlier build" in p.message]
    source = site / "content/politics/talks.md"
    source.write_text(source.read_text().replace("title: Talks", "title: Talks\nslug: astana-talks"))
    expected = ["content/politics/talks.md: warning: slug: was at /politics/talks/ in an earlier build and is now at "
                "/politics/astana-talks/; readers and links that knew the old address find nothing (add "
                "'redirect_from: [/politics/talks/]' to keep it working)"]
    for _ in range(2):  # said again by every build, and by check, until it is fixed
        moved = [p.format() for p in build_site(site)[2].problems if "earlier build" in p.message]
        assert moved == expected
        assert [p.format() for p in check_site(BuildOptions(site=site)) if "earlier build" in p.message] == expected
    source.write_text(source.read_text().replace("slug: astana-talks", "slug: astana-talks\nredirect_from: [/politics/talks/]"))
    out, _, reporter = build_site(site)
    assert not [p for p in reporter.problems if "earlier build" in p.message]
    assert 'url=/politics/astana-talks/"' in read(out, "/politics/talks/")
