"""Authors as people: data/authors.yaml names a handle's person (bylines, author pages, feeds,
JSON-LD), and a byline written as Markdown links gives one author per person."""
from __future__ import annotations

import json
import shutil

import pytest
from lxml import html as lxml_html

from conftest import SHARED_CORPUS, article, build_site, clean_build_of, files_of, read
from newsgen.errors import ContentError

SETTINGS = "title: Steppe Wire\nbase_url: https://news.example.org/\nsearch: false\n"
PEOPLE = """\
melody:
  name: Melody Kramer
  url: https://melody.example.com/
  bio: Writes about how teams learn.
  photo: /images/melody.jpg
  links:
    GitHub: https://github.com/melodykramer
    Mastodon: https://mastodon.social/@melody
"""


def newsroom(site_tree, **more: str):
    return site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": article("Alpha", authors=["melody", "kate"]),
                      "content/economy/b.md": article("Bravo", "2025-12-18T10:00:00+05:00", authors=["kate"]),
                      **more})


def page(out, url: str):
    return lxml_html.fromstring(read(out, url))


def news_article(out, url: str) -> dict:
    found = [json.loads(s) for s in page(out, url).xpath("//script[@type='application/ld+json']/text()")]
    return next(data for data in found if data.get("@type") == "NewsArticle")


def byline(out, url: str) -> list[str]:
    return page(out, url).xpath("//p[@class='byline']/a/text()")


def test_a_handle_authors_yaml_names_shows_the_persons_name_on_the_article_and_in_feeds(site_tree):
    out = build_site(newsroom(site_tree, **{"data/authors.yaml": PEOPLE}))[0]
    assert byline(out, "/politics/a/") == ["Melody Kramer", "kate"]
    assert page(out, "/politics/a/").xpath("//p[@class='byline']/a/@href") == ["/authors/melody/", "/authors/kate/"]
    assert "Melody Kramer" in page(out, "/").xpath("string(//p[@class='card-meta'])")
    assert "<dc:creator>Melody Kramer and kate</dc:creator>" in read(out, "/feed.xml")
    assert "<title>Steppe Wire: Melody Kramer</title>" in read(out, "/authors/melody/feed.xml")


def test_the_author_page_keeps_the_handles_address_and_shows_the_person(site_tree):
    out = build_site(newsroom(site_tree, **{"data/authors.yaml": PEOPLE}))[0]
    about = page(out, "/authors/melody/")
    assert about.xpath("string(//h1)") == "Articles by Melody Kramer"
    assert about.xpath("string(//p[@class='author-bio'])") == "Writes about how teams learn."
    assert about.xpath("//img[@class='author-photo']/@src") == ["/images/melody.jpg"]
    assert about.xpath("//ul[@class='author-links']//a/@href") == [
        "https://melody.example.com/", "https://github.com/melodykramer", "https://mastodon.social/@melody"]
    assert about.xpath("//ul[@class='author-links']//a/text()") == ["Website", "GitHub", "Mastodon"]
    assert page(out, "/authors/").xpath("//a[@href='/authors/melody/']/text()") == ["Melody Kramer"]


def test_json_ld_names_the_author_as_a_person_with_their_profiles(site_tree):
    out = build_site(newsroom(site_tree, **{"data/authors.yaml": PEOPLE}))[0]
    melody, kate = news_article(out, "/politics/a/")["author"]
    assert melody == {"@type": "Person", "name": "Melody Kramer", "url": "https://news.example.org/authors/melody/",
                      "sameAs": ["https://melody.example.com/", "https://github.com/melodykramer",
                                 "https://mastodon.social/@melody"],
                      "image": "https://news.example.org/images/melody.jpg"}
    assert kate == {"@type": "Person", "name": "kate", "url": "https://news.example.org/authors/kate/"}


def test_an_author_nobody_describes_is_shown_as_written(site_tree):
    out = build_site(newsroom(site_tree))[0]
    assert byline(out, "/politics/a/") == ["melody", "kate"]
    about = page(out, "/authors/kate/")
    assert about.xpath("string(//h1)") == "Articles by kate"
    assert not about.xpath("//div[@class='author-about']")


def test_a_handle_matches_by_its_slug(site_tree):
    site = newsroom(site_tree, **{"data/authors.yaml": "Kate:\n  name: Kate Garklavs\n"})
    out = build_site(site)[0]
    assert byline(out, "/economy/b/") == ["Kate Garklavs"]


def test_a_byline_of_markdown_links_gives_one_author_per_person(site_tree):
    byline_text = ("[Jane Doe](https://github.com/jdoe) (Company, Inc), [John\n  Roe](https://github.com/jroe) "
                   "(Other) and Fei Han")
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": f"---\ntitle: Alpha\ndate: 2025-12-19\nauthor: >-\n  {byline_text}\n---\nText.\n",
                      "content/politics/b.md": article("Bravo", "2025-12-18", author="[Jane Doe](https://github.com/jdoe)")})
    out = build_site(site)[0]
    assert byline(out, "/politics/a/") == ["Jane Doe", "John Roe", "Fei Han"]
    assert sorted(p.name for p in (out / "authors").iterdir() if p.is_dir()) == ["fei-han", "jane-doe", "john-roe"]
    assert page(out, "/authors/jane-doe/").xpath("//ul[@class='author-links']//a/@href") == ["https://github.com/jdoe"]
    assert len(page(out, "/authors/jane-doe/").xpath("//div[@class='list']/*")) == 2
    jane, john, fei = news_article(out, "/politics/a/")["author"]
    assert jane["sameAs"] == ["https://github.com/jdoe"] and john["sameAs"] == ["https://github.com/jroe"]
    assert "sameAs" not in fei
    assert "](" not in read(out, "/politics/a/") and "Company" not in read(out, "/politics/a/")


def test_a_plain_byline_stays_one_author(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": article("Alpha", author="OpenTelemetry Governance and Technical Committees")})
    out = build_site(site)[0]
    assert byline(out, "/politics/a/") == ["OpenTelemetry Governance and Technical Committees"]


OTEL = SHARED_CORPUS / "opentelemetry-blog" / "content" / "en" / "blog"


@pytest.mark.skipif(not OTEL.is_dir(), reason="the OpenTelemetry blog corpus is in ../shared/corpus, absent here")
def test_the_opentelemetry_blogs_bylines_give_their_people(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS + "missing_images: warning\nbroken_links: warning\n"})  # the posts alone
    for name, slug in (("2023/cloud-foundry.md", "cloud-foundry"), ("2022/apisix/index.md", "apisix")):
        target = site / "content/blog" / f"{slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(OTEL / name, target)
    out = build_site(site)[0]
    # "[Matthew Kocher](https://github.com/mkocher) (VMware) and [Carson\n  Long](https://github.com/ctlong) (VMware)"
    assert byline(out, "/blog/cloud-foundry/") == ["Matthew Kocher", "Carson Long"]
    assert news_article(out, "/blog/cloud-foundry/")["author"][1]["sameAs"] == ["https://github.com/ctlong"]
    # "[Haochao Zhuang](https://github.com/dmsolr), Fei Han": the second person has no link
    assert byline(out, "/blog/apisix/") == ["Haochao Zhuang", "Fei Han"]
    assert sorted(p.name for p in (out / "authors").iterdir() if p.is_dir()) == [
        "carson-long", "fei-han", "haochao-zhuang", "matthew-kocher"]


def test_a_bad_authors_yaml_is_a_problem_with_its_line(site_tree):
    site = newsroom(site_tree, **{"data/authors.yaml": (
        "melody:\n"
        "  name: [Melody, Kramer]\n"
        "  url: melody.example.com\n"
        "  nmae: Melody\n"
        "kate:\n"
        "  links:\n"
        "    - https://github.com/kate\n"
        "    - not an address\n")})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    shown = [p.format() for p in caught.value.problems]
    assert "data/authors.yaml:2: melody.name: must be text, not a list (write it on one line: name: ...)" in shown
    assert any(s.startswith("data/authors.yaml:3: melody.url: 'melody.example.com' is not an absolute web address")
               for s in shown)
    assert any(s.startswith("data/authors.yaml:4: warning: melody.nmae: is not something newsgen knows")
               and "did you mean 'name'?" in s for s in shown)
    assert any(s.startswith("data/authors.yaml:8: kate.links: 'not an address' is not an absolute web address")
               for s in shown)


def test_authors_yaml_that_is_not_a_mapping_is_a_problem(site_tree):
    site = newsroom(site_tree, **{"data/authors.yaml": "- melody\n- kate\n"})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert any(p.format().startswith("data/authors.yaml:1: must map each author's handle to their details")
               for p in caught.value.problems)


def test_editing_authors_yaml_rebuilds_what_shows_the_author_as_a_clean_build_does(site_tree):
    site = newsroom(site_tree, **{"data/authors.yaml": PEOPLE})
    build_site(site)
    (site / "data/authors.yaml").write_text(PEOPLE.replace("Melody Kramer", "Melody K.").replace(
        "Writes about how teams learn.", "Edits.") + "kate: {name: Kate Garklavs}\n")
    out, result, _ = build_site(site)
    assert result.incremental
    assert byline(out, "/politics/a/") == ["Melody K.", "Kate Garklavs"]
    assert files_of(out) == files_of(clean_build_of(site))
    (site / "data/authors.yaml").unlink()
    out = build_site(site)[0]
    assert byline(out, "/politics/a/") == ["melody", "kate"]
    assert files_of(out) == files_of(clean_build_of(site))
