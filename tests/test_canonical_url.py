"""`canonical_url:` in front matter: a cross-post's page names its original as canonical, in the
head and in JSON-LD, and the sitemaps leave it out."""
from __future__ import annotations

import json
import shutil

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import NOW, SHARED_CORPUS, article, build_site, clean_build_of, files_of, read
from newsgen.build import BuildOptions
from newsgen.check import check_site
from newsgen.errors import ContentError

SETTINGS = "title: Steppe Wire\nbase_url: https://news.example.org/\nsearch: false\n"
ORIGINAL = "https://dyladan.me/histograms/2023/05/03/histograms-vs-summaries/"
RECENT = NOW.strftime("%Y-%m-%dT08:00:00+00:00")  # within the news sitemap's two days


def newsroom(site_tree, **more: str):
    return site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/cross.md": article("Cross-post", RECENT, canonical_url=ORIGINAL),
                      "content/politics/own.md": article("Our own", RECENT),
                      **more})


def head(out, url: str):
    return lxml_html.fromstring(read(out, url))


def jsonld(out, url: str, kind: str) -> dict:
    found = [json.loads(s) for s in head(out, url).xpath("//script[@type='application/ld+json']/text()")]
    return next(data for data in found if data.get("@type") == kind)


def sitemap_urls(out, name: str) -> list[str]:
    tree = etree.fromstring((out / name).read_bytes())
    return tree.xpath("//s:url/s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})


def test_a_cross_post_names_its_original_as_canonical_in_the_head_and_json_ld(site_tree):
    out = build_site(newsroom(site_tree))[0]
    page = head(out, "/politics/cross/")
    assert page.xpath("//link[@rel='canonical']/@href") == [ORIGINAL]
    assert page.xpath("//meta[@property='og:url']/@content") == [ORIGINAL]
    news = jsonld(out, "/politics/cross/", "NewsArticle")
    assert news["url"] == ORIGINAL and news["mainEntityOfPage"]["@id"] == ORIGINAL
    # the breadcrumbs are this site's pages, the copy among them
    crumbs = jsonld(out, "/politics/cross/", "BreadcrumbList")["itemListElement"]
    assert crumbs[-1]["item"] == "https://news.example.org/politics/cross/"


def test_an_article_of_its_own_stays_its_own_canonical(site_tree):
    out = build_site(newsroom(site_tree))[0]
    own = "https://news.example.org/politics/own/"
    assert head(out, "/politics/own/").xpath("//link[@rel='canonical']/@href") == [own]
    assert jsonld(out, "/politics/own/", "NewsArticle")["url"] == own


def test_a_cross_post_is_left_out_of_the_sitemap_and_the_news_sitemap(site_tree):
    out = build_site(newsroom(site_tree))[0]
    for name in ("sitemap.xml", "news-sitemap.xml"):
        listed = sitemap_urls(out, name)
        assert "https://news.example.org/politics/own/" in listed
        assert not [url for url in listed if "cross" in url]
    assert (out / "politics/cross/index.html").is_file()  # still published, and in its listings
    assert "/politics/cross/" in read(out, "/politics/")


def test_a_canonical_url_that_is_not_an_absolute_address_is_a_problem_with_its_line(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": "---\ntitle: A\ndate: 2025-12-19\ncanonical_url: /politics/b/\n---\nText.\n"})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.format().startswith('content/politics/a.md:4: canonical_url: "/politics/b/" is not an absolute '
                                       "web address (write the original's full address")


def test_a_misspelt_canonical_url_is_a_warning_with_the_field_it_looks_like(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": article("A", canonical_ulr=ORIGINAL)})
    warnings = [p.format() for p in build_site(site)[1].warnings]
    assert any(w.startswith("content/politics/a.md:4: warning: canonical_ulr:") and "canonical_url" in w
               for w in warnings)


def test_check_passes_on_a_site_with_cross_posts(site_tree):
    assert [p for p in check_site(BuildOptions(site=newsroom(site_tree), now=NOW)) if p.is_error] == []


def test_setting_and_removing_canonical_url_rebuilds_as_a_clean_build_does(site_tree):
    site = newsroom(site_tree)
    build_site(site)
    (site / "content/politics/own.md").write_text(article("Our own", RECENT, canonical_url=ORIGINAL + "2/"))
    (site / "content/politics/cross.md").write_text(article("Cross-post", RECENT))
    out = build_site(site)[0]
    assert "https://news.example.org/politics/cross/" in sitemap_urls(out, "sitemap.xml")
    assert files_of(out) == files_of(clean_build_of(site))


OTEL = SHARED_CORPUS / "opentelemetry-blog" / "content" / "en" / "blog"


@pytest.mark.skipif(not OTEL.is_dir(), reason="the OpenTelemetry blog corpus is in ../shared/corpus, absent here")
def test_an_opentelemetry_cross_post_names_the_authors_blog_as_canonical(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS + "missing_images: warning\nbroken_links: warning\n"})  # the post alone
    target = site / "content/blog/histograms-vs-summaries.md"
    target.parent.mkdir(parents=True)
    shutil.copyfile(OTEL / "2023/histograms-vs-summaries/index.md", target)
    out = build_site(site)[0]
    assert head(out, "/blog/histograms-vs-summaries/").xpath("//link[@rel='canonical']/@href") == [ORIGINAL]
    assert not [url for url in sitemap_urls(out, "sitemap.xml") if "histograms" in url]
