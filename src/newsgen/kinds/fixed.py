"""Pages that every site has once: the not-found page, the search page and the social card."""
from __future__ import annotations

from .. import urls
from ..slugs import output_path
from .base import Kind, Maker, PageSpec, PlanInput, Unit

CARD_SIZE = (1200, 630)  # what X and Facebook show large


class NotFound(Unit):
    kinds = (Kind.NOT_FOUND,)
    checked = True
    canonical = False
    worded_title = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        url = ask.urls.not_found
        return [PageSpec(Kind.NOT_FOUND, url, output_path(url), "404.html", "Page not found")]


class Card(Unit):
    """The site's image for link previews of pages without one of their own, drawn from its title."""

    kinds = (Kind.CARD,)
    maker = Maker.IMAGE
    ticker = False
    per_edition = False

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        return [PageSpec(Kind.CARD, urls.CARD, output_path(urls.CARD), "", ask.config.title)]


class Search(Unit):
    """The search page, when the site has search (its index is made by ``search``)."""

    kinds = (Kind.SEARCH,)
    worded_title = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        if not ask.config.search:
            return []
        return [PageSpec(Kind.SEARCH, ask.urls.search, output_path(ask.urls.search), "search.html", "Search")]
