"""RSS and Atom feeds of the whole site and of each section, tag and author (made by ``feeds``)."""
from __future__ import annotations

from .. import urls
from ..slugs import output_path
from .base import Kind, Maker, PageSpec, PlanInput, Unit


class Feeds(Unit):
    kinds = (Kind.RSS, Kind.ATOM)
    maker = Maker.FEED
    ticker = False
    statics = True  # enclosure lengths and body images' variants come from static files

    def placement(self, spec: PageSpec) -> bool:
        return not spec.items  # an empty feed is dated with the site's newest change

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        site, config = ask.site, ask.config
        size = config.feed_size
        listings: list[tuple[str, str, tuple[str, ...]]] = [
            (ask.urls.home, config.title, tuple(a.key for a in site.articles[:size]))]
        listings += [(s.url, f"{config.title}: {s.name}", s.articles[:size]) for s in site.sections]
        listings += [(term.url, f"{config.title}: {term.name}", keys[:size]) for term, keys in site.tags.values()]
        listings += [(term.url, f"{config.title}: {term.name}", keys[:size]) for term, keys in site.authors.values()]
        specs = []
        for listing, title, keys in listings:
            for kind, url in zip(self.kinds, urls.feeds(listing)):
                specs.append(PageSpec(kind, url, output_path(url), "", title, items=keys, first_url=listing))
        return specs
