"""The site's URL scheme: every address newsgen makes, in one place.

An article's URL comes from the site's permalink pattern; every other page's URL
comes from the functions and constants here. The model (``Section.url``, a tag's or
author's ``url``), the plan, the renderers, SEO, feeds and templates read them from
here or from the model, and never put an address together themselves, so that a
change of scheme (a language prefix, an imported archive's old addresses) is made
once. All URLs are site paths ('/politics/'); ``config.url`` adds a base path and
``config.abs_url`` the host.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

HOME = "/"
ARCHIVE = "/archive/"
TAGS = "/tags/"
AUTHORS = "/authors/"
SEARCH = "/search/"
RATES = "/rates/"
NOT_FOUND = "/404.html"
SITEMAP = "/sitemap.xml"
NEWS_SITEMAP = "/news-sitemap.xml"
ROBOTS = "/robots.txt"
SEARCH_INDEX = "/pagefind/"  # each edition's search index (see search.py), under its prefix
CARD = "/social-card.png"  # the site's image for link previews of pages without their own
# the first segments of the pages above that are folders: no section may be called so
FOLDERS = frozenset(u.strip("/") for u in (ARCHIVE, TAGS, AUTHORS, SEARCH, RATES))


def expand_permalink(pattern: str, section: str, slug: str, date: datetime) -> str:
    """The article's URL path from the site's permalink pattern (always ends with '/')."""
    url = pattern.format(section=section, slug=slug, year=f"{date.year:04d}",
                         month=f"{date.month:02d}", day=f"{date.day:02d}")
    return url if url.endswith("/") else url + "/"


def expand_own_permalink(pattern: str, section: str, slug: str, date: datetime) -> str:
    """An article's own address from its front matter's ``permalink:`` (placeholders allowed):
    a folder, unless it names an HTML file as some Jekyll sites do ('/2015/talks.html')."""
    url = pattern.format(section=section, slug=slug, year=f"{date.year:04d}",
                         month=f"{date.month:02d}", day=f"{date.day:02d}")
    return url if url.endswith(("/", ".html", ".htm")) else url + "/"


def section(key: str) -> str:
    """'/politics/'"""
    return f"/{key}/"


def tag(slug: str) -> str:
    """'/tags/energy/'"""
    return f"{TAGS}{slug}/"


def author(slug: str) -> str:
    """'/authors/aida-abenova/'"""
    return f"{AUTHORS}{slug}/"


def month(year: int, number: int) -> str:
    """'/archive/2025/12/'"""
    return f"{ARCHIVE}{year:04d}/{number:02d}/"


def listing_page(first: str, number: int) -> str:
    """Page ``number`` of the listing whose first page is ``first``: '/politics/', '/politics/page/2/'."""
    return first if number <= 1 else f"{first}page/{number}/"


def feeds(listing: str) -> tuple[str, str]:
    """The RSS and Atom feed URLs of a listing ('/politics/' -> '/politics/feed.xml', '/politics/atom.xml')."""
    return f"{listing}feed.xml", f"{listing}atom.xml"


def sitemap_part(number: int) -> str:
    """'/sitemap-2.xml': a part of a sitemap too long for one file."""
    return f"/sitemap-{number}.xml"


@dataclass(frozen=True, slots=True)
class SiteUrls:
    """The addresses of one edition of the site (``prefix``: '' at the root, '/ru' for an
    edition under /ru/), as the kinds plan them and templates read them: ``url(urls.archive)``.
    The sitemaps, robots.txt and the social card are the whole site's, at the root."""

    prefix: str = ""

    @property
    def home(self) -> str:
        return self.prefix + HOME

    @property
    def archive(self) -> str:
        return self.prefix + ARCHIVE

    @property
    def tags(self) -> str:
        return self.prefix + TAGS

    @property
    def authors(self) -> str:
        return self.prefix + AUTHORS

    @property
    def search(self) -> str:
        return self.prefix + SEARCH

    @property
    def search_index(self) -> str:
        return self.prefix + SEARCH_INDEX

    @property
    def rates(self) -> str:
        return self.prefix + RATES

    @property
    def not_found(self) -> str:
        return self.prefix + NOT_FOUND

    @property
    def feed(self) -> str:
        return feeds(self.home)[0]

    @property
    def atom(self) -> str:
        return feeds(self.home)[1]

    def section(self, key: str) -> str:
        return self.prefix + section(key)

    def tag(self, slug: str) -> str:
        return self.prefix + tag(slug)

    def author(self, slug: str) -> str:
        return self.prefix + author(slug)

    def month(self, year: int, number: int) -> str:
        return self.prefix + month(year, number)
