"""Rendering pages in worker processes: any page kind to bytes, written only when changed.

Jinja, feedgen and lxml are imported here, not by ``build``, so that a rebuild with
nothing to do never pays for loading them.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

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


def render_chunk(indices: Sequence[int]) -> list[tuple[int, str, bool, Problem | None]]:
    """In a worker (or the parent): render pages; write those whose bytes changed into staging."""
    renderer: SiteRenderer = shared("renderer")
    specs: list[PageSpec] = shared("specs")
    staging: Staging = shared("staging")
    previous: dict[str, tuple[str, str]] = shared("previous")
    output: Path = shared("output")
    out: list[tuple[int, str, bool, Problem | None]] = []
    for i in indices:
        spec = specs[i]
        try:
            data = renderer.render(spec)
        except TemplateProblem as exc:
            out.append((i, "", False, exc.problem))
            continue
        page_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
        old = previous.get(spec.output)
        if old is not None and old[1] == page_hash and os.path.isfile(output / spec.output):
            out.append((i, page_hash, False, None))  # same bytes: leave the file and its mtime alone
            continue
        staging.write(spec.output, data)
        out.append((i, page_hash, True, None))
    return out
