"""Dates as readers see them: an article dated without a time of day shows the day alone."""
from __future__ import annotations

import json

from lxml import html as lxml_html

from conftest import build_site, clean_build_of, files_of, read

SETTINGS = "title: Steppe Wire\ntimezone: Asia/Almaty\nsearch: false\n"
DAY_ONLY = "---\ntitle: Day only\ndate: 2015-03-02\nupdated: 2015-03-05\n---\nBody.\n"
TIMED = "---\ntitle: Timed\ndate: 2015-03-01T10:30:00+06:00\n---\nBody.\n"


def archive(site_tree, settings: str = SETTINGS):
    return site_tree({"newsgen.yaml": settings,
                      "content/blog/day-only.md": DAY_ONLY,
                      "content/blog/2015-02-27-from-the-name.md": "---\ntitle: From the name\n---\nBody.\n",
                      "content/blog/timed.md": TIMED})


def times(page: str) -> list[tuple[str, str]]:
    """Each <time> of a page's main part: (its datetime attribute, its text)."""
    tree = lxml_html.fromstring(page)
    return [(t.get("datetime"), " ".join(t.text_content().split())) for t in tree.xpath("//main//time")]


def test_an_article_dated_without_a_time_shows_the_day_alone_on_its_page(site_tree):
    out = build_site(archive(site_tree))[0]
    page = read(out, "/blog/day-only/")
    assert times(page) == [("2015-03-02", "2 March 2015"), ("2015-03-05", "5 March 2015")]
    assert "00:00" not in page.split("<main")[1]
    # an article with a time keeps it, in the site's zone
    assert times(read(out, "/blog/timed/"))[0] == ("2015-03-01T10:30:00+06:00", "1 March 2015, 10:30")


def test_a_time_with_fractions_of_a_second_is_a_valid_html_time_to_the_second(site_tree):
    site = site_tree({"newsgen.yaml": SETTINGS, "content/blog/x.md": "---\ntitle: X\ndate: 2015-01-07 10:00:00.123456 +05:30\n---\nB.\n"})
    # HTML's datetime takes at most three digits after the second; the page shows minutes anyway
    assert times(read(build_site(site)[0], "/blog/x/"))[0] == ("2015-01-07T10:30:00+06:00", "7 January 2015, 10:30")


def test_a_date_from_the_file_name_alone_shows_the_day_alone(site_tree):
    out = build_site(archive(site_tree))[0]
    assert times(read(out, "/blog/from-the-name/")) == [("2015-02-27", "27 February 2015")]


def test_cards_on_listings_and_the_front_page_carry_the_day_alone(site_tree):
    out = build_site(archive(site_tree))[0]
    assert ("2015-03-02", "2 March 2015") in times(read(out, "/blog/"))
    assert ("2015-03-01T10:30:00+06:00", "1 March 2015") in times(read(out, "/blog/"))
    home = times(read(out, "/"))
    assert home[0] == ("2015-03-02", "2 March 2015")  # the lead story
    assert not any(stamp.startswith("2015-03-02T") for stamp, _ in home)


def test_a_russian_site_shows_the_day_alone_in_russian(site_tree):
    out = build_site(archive(site_tree, SETTINGS + "language: ru\n"))[0]
    assert times(read(out, "/blog/day-only/"))[0] == ("2015-03-02", "2 марта 2015 г.")
    assert times(read(out, "/blog/timed/"))[0] == ("2015-03-01T10:30:00+06:00", "1 марта 2015 г., 10:30")


def test_structured_data_gives_the_day_alone(site_tree):
    out = build_site(archive(site_tree))[0]
    tree = lxml_html.fromstring(read(out, "/blog/day-only/"))
    [news] = [data for data in map(json.loads, tree.xpath("//script[@type='application/ld+json']/text()"))
              if data.get("@type") == "NewsArticle"]
    assert (news["datePublished"], news["dateModified"]) == ("2015-03-02", "2015-03-05")
    assert tree.xpath("//meta[@property='article:published_time']/@content") == ["2015-03-02"]


def test_feeds_keep_midnight_in_the_sites_zone(site_tree):
    out = build_site(archive(site_tree))[0]
    assert "<pubDate>Mon, 02 Mar 2015 00:00:00 +0600</pubDate>" in (out / "feed.xml").read_text()
    assert "<published>2015-03-02T00:00:00+06:00</published>" in (out / "atom.xml").read_text()


def test_giving_the_day_a_time_shows_it_after_an_incremental_build_as_after_a_clean_one(site_tree):
    site = archive(site_tree)
    build_site(site)
    # the same moment, now with a time of day written out
    (site / "content/blog/day-only.md").write_text(DAY_ONLY.replace("date: 2015-03-02", "date: 2015-03-02 00:00"))
    out = build_site(site)[0]
    assert times(read(out, "/blog/day-only/"))[0] == ("2015-03-02T00:00:00+06:00", "2 March 2015, 00:00")
    assert files_of(out) == files_of(clean_build_of(site))
