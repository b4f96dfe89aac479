"""The page kinds of a site, each known by one unit; the registry says which units there are.

Adding a kind is its unit (a module here), its template, and one line in ``UNITS``.
The order of ``UNITS`` is the order in which pages are planned: the sitemaps count
the public pages planned before them, and redirects come last because an old address
may not take a real page's place.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable

from .articles import Articles, Redirects
from .base import Kind, Maker, PageSpec, PlanInput, Unit, View
from .feeds import Feeds
from .fixed import Card, NotFound, Search
from .home import Home
from .rates import Rates
from .listings import ArchiveIndex, Authors, Months, Sections, Tags, authors_index, tags_index
from .sitemaps import NewsSitemap, Robots, Sitemaps

UNITS: tuple[Unit, ...] = (
    Home(),
    Articles(),
    Sections(),
    Tags(),
    Authors(),
    Months(),
    ArchiveIndex(),
    tags_index(),
    authors_index(),
    NotFound(),
    Card(),
    Search(),
    Rates(),
    Feeds(),
    Sitemaps(),
    NewsSitemap(),
    Robots(),
    Redirects(),
)

_BY_KIND: dict[str, Unit] = {kind: u for u in UNITS for kind in u.kinds}
assert set(_BY_KIND) == set(Kind), "every kind has exactly one unit"


def unit(kind: str) -> Unit:
    """The unit that knows pages of ``kind``."""
    return _BY_KIND[kind]


def retitled(specs: Iterable[PageSpec], titles: Callable[[str], str | None]) -> list[PageSpec]:
    """``specs`` with new headlines: an article page and a redirect carry their article's,
    which an edit may change without moving the article. ``titles(key)`` is the new
    headline of an edited article, None for one left as it was."""
    out = []
    for spec in specs:
        title = titles(spec.article) if spec.kind in _TITLED else None
        out.append(spec if title is None or title == spec.title else replace(spec, title=title))
    return out


_TITLED = frozenset({Kind.ARTICLE, Kind.REDIRECT})


__all__ = ["Kind", "Maker", "PageSpec", "PlanInput", "Unit", "View", "UNITS", "retitled", "unit"]
