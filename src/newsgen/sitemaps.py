"""``sitemap.xml`` (sitemaps.org 0.9), the Google News sitemap and ``robots.txt``.

The sitemap lists every public page (no redirects, no 404 page, no feeds, no article that is
a copy of one elsewhere, see ``kinds.articles.Articles.listed``) with an
absolute URL and a ``lastmod`` taken from the content shown on it. Over 50,000
URLs, ``/sitemap.xml`` becomes a sitemap index of ``/sitemap-N.xml`` parts. The
news sitemap holds the articles of the two days before the build's time, at most
1,000, as Google News asks, and names the publisher (``publisher``, else the title)
and a language in the form Google's schema takes (``en-GB`` is ``en``).
"""
from __future__ import annotations

from datetime import datetime
from functools import cached_property
from html import escape as _escape

from .config import Config
from .editions import Alternates
from .markup import xml_text
from .model import Site
from . import urls
from .kinds import Kind, PageSpec, unit
from .kinds import sitemaps as rules

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"  # hreflang alternates of a URL (Google's sitemap extension)


def news_language(language: str) -> str:
    """The site's language as Google News sitemaps take it: an ISO 639 code of two or three
    letters, or ``zh-cn`` / ``zh-tw`` for Chinese ('en-GB' -> 'en', 'zh-Hant-TW' -> 'zh-tw')."""
    parts = language.lower().replace("_", "-").split("-")
    if parts[0] == "zh":
        traditional = any(p in ("hant", "tw", "hk", "mo") for p in parts[1:])
        return "zh-tw" if traditional else "zh-cn"
    return parts[0]


def escape(text: str) -> str:
    # html's escape, not xml.sax.saxutils' (the same three characters), which loads urllib and http
    return _escape(xml_text(text), quote=False)


class SitemapRenderer:
    """Renders sitemap, sitemap part, sitemap index, news sitemap and robots.txt specs."""

    def __init__(self, site: Site, config: Config, specs: list[PageSpec], alternates: Alternates | None = None) -> None:
        self.site = site
        self.config = config
        self.specs = specs
        self.alternates = alternates  # a site in several languages: each URL lists its translations

    @cached_property
    def public(self) -> list[PageSpec]:
        """The pages the sitemap lists (see ``Unit.listed``), found when a sitemap is made: a delta
        build loads only the articles its pages show."""
        return [s for s in self.specs if unit(s.kind).listed(s, self.site)]

    @cached_property
    def newest(self) -> datetime | None:
        """The newest change on the site, worked out only when a sitemap needs it: a delta
        build (see ``delta``) loads only the articles its pages show, and renders no sitemap
        but the news sitemap."""
        return max((a.modified for a in self.site.articles), default=None)

    def abs_url(self, path: str) -> str:
        return self.config.abs_url(path)

    def render(self, spec: PageSpec) -> bytes:
        size = rules.MAX_SITEMAP_URLS
        if spec.kind is Kind.SITEMAP:
            return self._urlset(self.public[(spec.page - 1) * size: spec.page * size])
        if spec.kind is Kind.SITEMAP_INDEX:
            return self._index(spec.pages)
        if spec.kind is Kind.NEWS_SITEMAP:
            return self._news(spec.items)
        if spec.kind is Kind.ROBOTS:
            news = f"Sitemap: {self.abs_url(urls.NEWS_SITEMAP)}\n" if spec.items else ""
            return f"User-agent: *\nAllow: /\n\nSitemap: {self.abs_url(urls.SITEMAP)}\n{news}".encode()
        raise ValueError(f"not a sitemap page: {spec.kind}")

    def lastmod(self, spec: PageSpec) -> datetime | None:
        """The newest change among the articles a page shows (the whole site's for indexes)."""
        return unit(spec.kind).lastmod(spec, self.site, lambda: self.newest)

    def _urlset(self, specs: list[PageSpec]) -> bytes:
        alternates = self.alternates
        xhtml = f' xmlns:xhtml="{XHTML_NS}"' if alternates is not None else ""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}"{xhtml}>']
        for spec in specs:
            links = "" if alternates is None else "".join(
                f'<xhtml:link rel="alternate" hreflang="{escape(code)}" href="{escape(self.abs_url(url))}"/>'
                for code, url in alternates.hreflang(spec))
            lines.append(f"  <url><loc>{escape(self.abs_url(spec.url))}</loc>{self._lastmod(spec)}{links}</url>")
        lines.append("</urlset>\n")
        return "\n".join(lines).encode()

    def _lastmod(self, spec: PageSpec) -> str:
        when = self.lastmod(spec)
        return f"<lastmod>{when.astimezone(self.config.zone).isoformat()}</lastmod>" if when else ""

    def _index(self, parts: int) -> bytes:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
        for number in range(1, parts + 1):
            lastmod = f"<lastmod>{self.newest.astimezone(self.config.zone).isoformat()}</lastmod>" if self.newest else ""
            lines.append(f"  <sitemap><loc>{escape(self.abs_url(urls.sitemap_part(number)))}</loc>{lastmod}</sitemap>")
        lines.append("</sitemapindex>\n")
        return "\n".join(lines).encode()

    def _news(self, keys: tuple[str, ...]) -> bytes:
        name = escape(self.config.publisher or self.config.title)
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">']
        for article in self.site.get(keys):
            language = escape(news_language(article.lang or self.config.language))
            lines += [
                f"  <url><loc>{escape(self.abs_url(article.url))}</loc>",
                f"    <news:news><news:publication><news:name>{name}</news:name>"
                f"<news:language>{language}</news:language></news:publication>",
                f"    <news:publication_date>{article.date.astimezone(self.config.zone).isoformat()}</news:publication_date>",
                f"    <news:title>{escape(article.title)}</news:title></news:news></url>",
            ]
        lines.append("</urlset>\n")
        return "\n".join(lines).encode()
