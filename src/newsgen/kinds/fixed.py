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

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        return [PageSpec(Kind.NOT_FOUND, urls.NOT_FOUND, output_path(urls.NOT_FOUND), "404.html", "Page not found")]


class Card(Unit):
    """The site's image for link previews of pages without one of their own, drawn from its title."""

    kinds = (Kind.CARD,)
    maker = Maker.IMAGE
    ticker = False

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        return [PageSpec(Kind.CARD, urls.CARD, output_path(urls.CARD), "", ask.config.title)]


class Search(Unit):
    """The search page, when the site has search (its index is made by ``search``)."""

    kinds = (Kind.SEARCH,)

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        if not ask.config.search:
            return []
        return [PageSpec(Kind.SEARCH, urls.SEARCH, output_path(urls.SEARCH), "search.html", "Search")]
