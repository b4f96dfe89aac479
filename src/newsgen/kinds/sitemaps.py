"""The sitemap (an index with parts past 50,000 URLs), the news sitemap and robots.txt (made by ``sitemaps``)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from .. import urls
from ..slugs import output_path
from .base import Kind, Maker, PageSpec, PlanInput, Unit

MAX_SITEMAP_URLS = 50_000  # per sitemap file (sitemaps.org)
NEWS_WINDOW = timedelta(days=2)  # Google News sitemaps: articles of the last two days...
NEWS_MAX = 1_000  # ...and at most this many


class Sitemaps(Unit):
    """Every public page planned before it, in one file or in parts under an index."""

    kinds = (Kind.SITEMAP, Kind.SITEMAP_INDEX)
    maker = Maker.SITEMAP
    ticker = False
    whole_site = True
    per_edition = False

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        from . import unit  # the registry, which imports this module

        public = sum(1 for s in ask.planned if unit(s.kind).listed(s, ask.site))
        parts = max(1, -(-public // MAX_SITEMAP_URLS))
        if parts == 1:
            return [PageSpec(Kind.SITEMAP, urls.SITEMAP, output_path(urls.SITEMAP), "")]
        return [PageSpec(Kind.SITEMAP_INDEX, urls.SITEMAP, output_path(urls.SITEMAP), "", pages=parts),
                *[PageSpec(Kind.SITEMAP, urls.sitemap_part(n), output_path(urls.sitemap_part(n)), "", page=n,
                           pages=parts) for n in range(1, parts + 1)]]


def news_items(ask: PlanInput) -> tuple[str, ...]:
    """The articles of the news sitemap: those of the last two days before the build's time, but
    copies whose original is elsewhere (``canonical_url:``, see ``Articles.listed``)."""
    since = ask.now - NEWS_WINDOW
    return tuple(a.key for a in ask.site.articles if since <= a.date <= ask.now and not a.canonical_url)[:NEWS_MAX]


class NewsSitemap(Unit):
    """Left out while no article is recent enough for it: a ``<urlset>`` without ``<url>``
    is invalid under the sitemaps.org schema."""

    kinds = (Kind.NEWS_SITEMAP,)
    maker = Maker.SITEMAP
    ticker = False
    per_edition = False

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        news = news_items(ask)
        if not news:
            return []
        return [PageSpec(Kind.NEWS_SITEMAP, urls.NEWS_SITEMAP, output_path(urls.NEWS_SITEMAP), "", items=news)]


class Robots(Unit):
    """robots.txt lists the sitemaps there are (its ``items`` are the news sitemap's articles);
    a site under a base path gets none, since crawlers read robots.txt at the root of the host only.
    An edition on a domain of its own gets one at the root of its host (its folder), naming the
    site's sitemaps: a sitemap may list another host's pages when that host's robots.txt names it."""

    kinds = (Kind.ROBOTS,)
    maker = Maker.SITEMAP
    ticker = False
    per_edition = False

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        items = news_items(ask)
        hosts = [l.prefix for l in ask.config.languages if l.host and not urlsplit(l.host).path.strip("/")]
        roots = ([] if ask.config.base_path else [""]) + hosts
        return [PageSpec(Kind.ROBOTS, root + urls.ROBOTS, output_path(root + urls.ROBOTS), "", items=items)
                for root in roots]
