"""Rendering pages in worker processes: any page kind to bytes, written only when changed.

Jinja, feedgen and lxml are imported here, not by ``build``, so that a rebuild with
nothing to do never pays for loading them.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from .errors import Problem
from .feeds import FeedRenderer
from .loading import LoadedSite
from .theme import static_roots, template_dirs
from .output import Staging
from .parallel import shared
from .plan import FEED_KINDS, SITEMAP_KINDS, PageSpec
from .render import PageRenderer, TemplateProblem, make_environment
from .sitemaps import SitemapRenderer


class SiteRenderer:
    """Renders any page of a loaded site: HTML through Jinja, feeds, sitemaps."""

    def __init__(self, loaded: LoadedSite, site_root: Path, template_cache: Path | None = None) -> None:
        dirs = template_dirs(site_root)
        self.env = make_environment(dirs, template_cache)
        self.html = PageRenderer(loaded.site, loaded.config, loaded.rates, self.env, dirs, site_root)
        self.feeds = FeedRenderer(loaded.site, loaded.config, static_roots(site_root))
        self.sitemaps = SitemapRenderer(loaded.site, loaded.config, loaded.specs)

    def render(self, spec: PageSpec) -> bytes:
        if spec.kind in FEED_KINDS:
            return self.feeds.render(spec)
        if spec.kind in SITEMAP_KINDS:
            return self.sitemaps.render(spec)
        return self.html.render(spec)


class PageOutcome(NamedTuple):
    """What became of one page in a worker: its bytes' hash, whether it was written, a problem."""

    index: int  # into the build's list of page specs
    hash: str  # of the page's bytes; '' when it failed
    wrote: bool  # False when the bytes were those already in the output
    problem: Problem | None = None
    spliced: bool = False  # made by putting the new ticker into the old page, not by rendering


def render_chunk(indices: Sequence[int]) -> list[PageOutcome]:
    """In a worker (or the parent): render pages; write those whose bytes changed into staging."""
    renderer: SiteRenderer = shared("renderer")
    specs: list[PageSpec] = shared("specs")
    staging: Staging = shared("staging")
    previous: dict[str, tuple[str, str]] = shared("previous")
    output: Path = shared("output")
    splice: dict[str, Any] | None = shared("splice")
    out: list[PageOutcome] = []
    for i in indices:
        spec = specs[i]
        data = _spliced(output, spec.output, previous, splice) if splice and i in splice["pages"] else None
        spliced = data is not None
        if data is None:
            try:
                data = renderer.render(spec)
            except TemplateProblem as exc:
                out.append(PageOutcome(i, "", False, exc.problem))
                continue
        page_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
        old = previous.get(spec.output)
        if old is not None and old[1] == page_hash and os.path.isfile(output / spec.output):
            out.append(PageOutcome(i, page_hash, False, None, spliced))  # same bytes: the file and its mtime stay
            continue
        staging.write(spec.output, data)
        out.append(PageOutcome(i, page_hash, True, None, spliced))
    return out


def _spliced(output: Path, relative: str, previous: dict[str, tuple[str, str]],
             splice: dict[str, Any]) -> bytes | None:
    """The page on disk with the new ticker in place of the old one; None to render it instead.

    Only a page whose bytes are those the last build recorded, and which holds the old
    ticker exactly once, is spliced: anything else is rendered as usual.
    """
    try:
        with open(output / relative, "rb") as file:
            old = file.read()
    except OSError:
        return None
    if hashlib.blake2b(old, digest_size=16).hexdigest() != previous.get(relative, ("", ""))[1]:
        return None
    if old.count(splice["old"]) != 1:
        return None
    return old.replace(splice["old"], splice["new"])
