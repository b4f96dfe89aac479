"""Paginated listings of articles (a section, a tag, an author, a month of the archive) and
the pages that list the listings (the archive, all tags, all authors)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from .. import urls
from ..model import Site, Term
from ..slugs import output_path
from .base import Kind, PageSpec, PlanInput, Unit, View

LIST_TEMPLATE = "list.html"


@dataclass(frozen=True, slots=True)
class Pagination:
    """What a listing template needs to link pages: numbers and URLs, never arithmetic."""

    page: int
    pages: int
    previous_url: str
    next_url: str
    urls: tuple[tuple[int, str], ...]


def paginate(keys: tuple[str, ...], per_page: int) -> list[tuple[str, ...]]:
    """``keys`` in pages of ``per_page``; no articles still make one (empty) page."""
    if not keys:
        return [()]
    return [keys[i:i + per_page] for i in range(0, len(keys), per_page)]


def page_window(page: int, pages: int, around: int = 2) -> list[int]:
    """Page numbers worth a link: first, last, and a few either side of the current one.

    Linking every page from every page would make a 500-page tag quadratic to render.
    """
    return sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})


class Listing(Unit):
    """A listing's pages: ``listings`` gives (first URL, title, term, article keys) of each."""

    public = True

    def listings(self, site: Site, scheme: urls.SiteUrls) -> list[tuple[str, str, str, tuple[str, ...]]]:
        raise NotImplementedError

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        specs = []
        for first, title, term, keys in self.listings(ask.site, ask.urls):
            chunks = paginate(keys, ask.config.per_page)
            for number, chunk in enumerate(chunks, start=1):
                url = urls.listing_page(first, number)
                specs.append(PageSpec(self.kinds[0], url, output_path(url), LIST_TEMPLATE, title, items=chunk,
                                      term=term, page=number, pages=len(chunks), first_url=first))
        return specs

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        return {"articles": view.site.get(spec.items), "pagination": Pagination(
            page=spec.page, pages=spec.pages,
            previous_url=spec.page_url(spec.page - 1) if spec.page > 1 else "",
            next_url=spec.page_url(spec.page + 1) if spec.page < spec.pages else "",
            urls=tuple((n, spec.page_url(n)) for n in page_window(spec.page, spec.pages)))}


class Sections(Listing):
    kinds = (Kind.SECTION,)
    own_feeds = True

    def listings(self, site: Site, scheme: urls.SiteUrls) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(s.url, s.name, s.key, s.articles) for s in site.sections]


class Tags(Listing):
    kinds = (Kind.TAG,)
    own_feeds = True

    def listings(self, site: Site, scheme: urls.SiteUrls) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(term.url, term.name, slug, keys) for slug, (term, keys) in site.tags.items()]


class Authors(Listing):
    kinds = (Kind.AUTHOR,)
    own_feeds = True

    def listings(self, site: Site, scheme: urls.SiteUrls) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(term.url, term.name, slug, keys) for slug, (term, keys) in site.authors.items()]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        # the person (bio, photo, links): what data/authors.yaml or the byline's link says of them
        found = view.site.authors.get(spec.term)
        return {**super().context(spec, view), **({"author": found[0]} if found is not None else {})}


class Months(Listing):
    kinds = (Kind.ARCHIVE,)

    def listings(self, site: Site, scheme: urls.SiteUrls) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return [(scheme.month(year, month), f"{year:04d}-{month:02d}", f"{year:04d}/{month:02d}", keys)
                for (year, month), keys in site.months.items()]


class Index(Unit):
    """A page about the whole site: its lastmod is the site's newest change."""

    public = True
    whole_site = True

    def lastmod(self, spec: PageSpec, site: Site, newest: Callable[[], datetime | None]) -> datetime | None:
        return newest()


class ArchiveIndex(Index):
    kinds = (Kind.ARCHIVE_INDEX,)
    worded_title = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        url = ask.urls.archive
        return [PageSpec(Kind.ARCHIVE_INDEX, url, output_path(url), "archive.html", "Archive")]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        return {"months": [(y, m, len(keys), view.urls.month(y, m)) for (y, m), keys in view.site.months.items()]}


class TermsIndex(Index):
    """All tags, or all authors, each with the number of its articles."""

    worded_title = True

    def __init__(self, kind: Kind, url: Callable[[urls.SiteUrls], str], title: str,
                 terms: Callable[[Site], Mapping[str, tuple[Term, tuple[str, ...]]]]) -> None:
        self.kinds = (kind,)
        self.url, self.title, self.terms = url, title, terms

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        url = self.url(ask.urls)
        return [PageSpec(self.kinds[0], url, output_path(url), "terms.html", self.title)]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        return {"terms": [(term, len(keys), term.url) for term, keys in self.terms(view.site).values()]}


def tags_index() -> TermsIndex:
    return TermsIndex(Kind.TAGS_INDEX, lambda scheme: scheme.tags, "Tags", lambda site: site.tags)


def authors_index() -> TermsIndex:
    return TermsIndex(Kind.AUTHORS_INDEX, lambda scheme: scheme.authors, "Authors", lambda site: site.authors)
