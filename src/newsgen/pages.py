"""Rendering pages in worker processes: any page kind to bytes, written only when changed.

Jinja, feedgen and lxml are imported here, not by ``build``, so that a rebuild with
nothing to do never pays for loading them.
"""
from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, NamedTuple, Sequence

from .editions import Alternates
from .errors import Problem
from .feeds import FeedRenderer
from .loading import LoadedSite
from .theme import template_dirs
from .inputs import signature as file_signature
from .output import Staging, page_hash, splice
from .kinds import Maker, PageSpec, unit
from .kinds.fixed import CARD_SIZE
from .render import PageProblem, PageRenderer, failure, make_environment
from .sitemaps import SitemapRenderer

if TYPE_CHECKING:
    from .images import ImageInfo
    from .state import FeedEntries


class SiteRenderer:
    """Renders any page of a loaded site: HTML through Jinja, feeds, sitemaps."""

    def __init__(self, loaded: LoadedSite, site_root: Path, template_cache: Path | None = None,
                 feed_entries: FeedEntries | None = None) -> None:
        dirs = template_dirs(site_root)
        config = loaded.config
        alternates = Alternates(config) if config.multilingual else None
        codes = [language.code for language in config.languages] if config.multilingual else [""]
        # an environment per edition: its globals (settings, URLs, words) are the edition's
        self.pages = {code: PageRenderer(loaded.site, config, loaded.rates, make_environment(dirs, template_cache),
                                         dirs, site_root, loaded.data, code, alternates) for code in codes}
        self.feed_makers = {code: FeedRenderer(loaded.site.edition(code), config.for_edition(code) if code else config,
                                               loaded.statics, feed_entries) for code in codes}
        for renderer in self.pages.values():  # an image missing from them is left out of every page
            renderer.files = renderer.meta.files = loaded.statics
        self.html = self.pages[codes[0]]  # the default edition's
        self.feeds = self.feed_makers[codes[0]]
        self.env = self.html.env
        self.sitemaps = SitemapRenderer(loaded.site, config, loaded.specs, alternates)

    @property
    def renderers(self) -> list[PageRenderer]:
        return list(self.pages.values())

    def set_images(self, images: dict[str, ImageInfo]) -> None:
        """The sizes and variants of the images the pages show (see ``images``), for every edition."""
        for renderer in self.pages.values():
            renderer.images = images
        for feeds in self.feed_makers.values():
            feeds.images = images

    def render(self, spec: PageSpec) -> bytes:
        """The page's bytes; any failure raises :class:`PageProblem` naming the page and its source."""
        maker = unit(spec.kind).maker
        if maker is Maker.TEMPLATE:
            return self.pages.get(spec.lang, self.html).render(spec)
        try:
            if maker is Maker.FEED:
                return self.feed_makers.get(spec.lang, self.feeds).render(spec)
            if maker is Maker.SITEMAP:
                return self.sitemaps.render(spec)
            from .images import card_png
            return card_png(spec.title, CARD_SIZE)
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - tied to its page, the build reports it as a problem
            raise PageProblem(failure(spec, exc)) from exc


class PageOutcome(NamedTuple):
    """What became of one page in a worker: its bytes' hash, whether it was written, a problem."""

    page: int  # the page's position in the build's list of page specs
    hash: str  # of the page's bytes; '' when it failed
    wrote: bool  # False when the bytes were those already in the output
    problem: Problem | None = None
    spliced: bool = False  # made by putting the new ticker into the old page, not by rendering
    data: bytes | None = None  # the new bytes, on an incremental build (a clean one writes them to staging)
    signature: str = ""  # of the file a spliced page was made from


@dataclass(frozen=True)
class SplicePlan:
    """The pages to bring up to date by swapping the old ticker's HTML for the new one (see
    ``build``): (old, new) for each edition ('' for a site in one language)."""

    pages: frozenset[int]
    tickers: Mapping[str, tuple[bytes, bytes]]


@dataclass(frozen=True)
class RenderJob:
    """What every chunk of pages to render needs (see ``parallel.run_chunks``)."""

    renderer: SiteRenderer
    specs: list[PageSpec]
    output: Path
    staging: Staging | None = None  # a clean build writes into it; an incremental one hands the bytes back
    previous: dict[str, tuple[str, str]] = field(default_factory=dict)  # output path -> (inputs, hash) last time
    splice: SplicePlan | None = None


def render_chunk(job: RenderJob, indices: Sequence[int]) -> list[PageOutcome]:
    """In a worker (or the parent): render pages; hand back, or stage, those whose bytes changed."""
    renderer, specs, staging, previous, output = job.renderer, job.specs, job.staging, job.previous, job.output
    splice_plan = job.splice
    out: list[PageOutcome] = []
    for i in indices:
        spec = specs[i]
        made = None
        if splice_plan is not None and i in splice_plan.pages and spec.lang in splice_plan.tickers:
            made = _spliced(output, spec.output, previous, splice_plan.tickers[spec.lang])
        spliced = made is not None
        data, signature = made if made is not None else (None, "")
        if data is None:
            try:
                data = renderer.render(spec)
            except PageProblem as exc:
                out.append(PageOutcome(i, "", False, exc.problem))
                continue
        new_hash = page_hash(data)
        old = previous.get(spec.output)
        if old is not None and old[1] == new_hash and os.path.isfile(output / spec.output):
            out.append(PageOutcome(i, new_hash, False, None, spliced))  # same bytes: the file and its mtime stay
        elif staging is not None:
            staging.write(spec.output, data)
            out.append(PageOutcome(i, new_hash, True, None, spliced))
        elif spliced:  # spliced again when written: the bytes need not travel, the file's signature does
            out.append(PageOutcome(i, new_hash, True, None, True, None, signature))
        else:
            out.append(PageOutcome(i, new_hash, True, None, False, data))
    return out


def _spliced(output: Path, relative: str, previous: dict[str, tuple[str, str]],
             ticker: tuple[bytes, bytes]) -> tuple[bytes, str] | None:
    """The page on disk with the new ticker in place of the old one, and the file's signature;
    None to render the page instead.

    Only a page whose bytes are those the last build recorded, and which holds the old
    ticker exactly once, is spliced: anything else is rendered as usual. The search index
    is made from the articles, not the pages, so new rates leave it alone.
    """
    try:
        with open(output / relative, "rb") as file:
            signature = file_signature(os.fstat(file.fileno()))
            old = file.read()
    except OSError:
        return None
    before, after = ticker
    data = splice(old, previous.get(relative, ("", ""))[1], before, after)
    if data is None:
        return None
    return data, signature
