"""Watch mode's preview: the page of an edited article, written before the rebuild.

An editor who saves an article looks at that article's page. After the site's
first build a long-running process (``watch``, ``serve``) knows the whole site, so
when a save changes only what an article's own page shows (its text, headline,
summary, captions) and nothing that places it in the site (date, section, URL,
tags, authors, images, draft or featured), the page can be rendered at once from
the last build's model with the new article in place: the same bytes the full
rebuild writes for it, since nothing else on that page depends on the edit. The
rebuild then runs as usual and brings listings, feeds and sitemaps up to date.

Anything else (a new or deleted file, a template, settings, rates, a problem in
the file) goes straight to the rebuild, which reports and checks everything.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .content import Source, load_article
from .loading import ArticleMemory
from .markup import MarkupRenderer
from .model import Article
from .output import replace_page
from .plan import PageSpec
from .render import PageRenderer, TemplateProblem

# Fields that only the article's own page (and the cards of it elsewhere) show: a change to
# them leaves the site's indexes, every neighbour and every related list as they were.
PAGE_ONLY = frozenset({"title", "html", "summary", "reading_minutes", "updated", "image_alt", "image_caption",
                       "image_credit", "extra"})
_PLACEMENT = tuple(f.name for f in fields(Article) if f.name not in PAGE_ONLY)


@dataclass
class LastBuild:
    """What a successful build leaves for the preview: the loaded site and its page renderer."""

    loaded: Any  # LoadedSite
    renderer: Any  # SiteRenderer, whose Jinja environment and image sizes are reused
    output: Path


class Preview:
    """Renders edited articles' pages from the last build; see the module docstring."""

    def __init__(self, site_root: Path, memory: ArticleMemory) -> None:
        self.site_root = site_root
        self.memory = memory
        self._markup: MarkupRenderer | None = None
        self._markup_for = ""

    def write(self, paths: set[str]) -> list[str]:
        """Write the pages of the edited articles at ``paths`` that qualify; their URLs.

        Never raises for content: an article that cannot be previewed is simply left
        to the rebuild, which reports whatever is wrong with it.
        """
        last: LastBuild | None = self.memory.last
        if last is None or not paths:
            return []
        urls = []
        for path in sorted(paths):
            try:
                url = self._write_one(last, Path(path))
            except (OSError, ValueError, UnicodeError):
                url = None
            if url:
                urls.append(url)
        return urls

    def _write_one(self, last: LastBuild, path: Path) -> str | None:
        try:
            key = path.resolve().relative_to(self.site_root.resolve()).as_posix()
        except ValueError:
            return None
        loaded = last.loaded
        old = loaded.site.by_key.get(key)
        spec = _article_spec(loaded.specs, key)
        if old is None or spec is None:
            return None  # new, unpublished or unknown: the rebuild decides
        config = loaded.config
        if self._markup is None or self._markup_for != config.base_path:
            self._markup, self._markup_for = MarkupRenderer(config.base_path), config.base_path
        new, problems = load_article(Source(key, str(path)), path.read_bytes(), config, self._markup)
        if new is None or any(p.is_error for p in problems) or not same_placement(old, new):
            return None
        spec = replace(spec, title=new.title)  # as the plan would make it for the new version
        try:
            page = _renderer_with(last.renderer, loaded, new).render(spec)
        except TemplateProblem:
            return None
        replace_page(last.output, spec.output, page)
        return spec.url


def same_placement(old: Article, new: Article) -> bool:
    """True when ``new`` sits in the site exactly where ``old`` did (see ``PAGE_ONLY``)."""
    return all(getattr(old, name) == getattr(new, name) for name in _PLACEMENT)


def _article_spec(specs: list[PageSpec], key: str) -> PageSpec | None:
    return next((s for s in specs if s.kind == "article" and s.article == key), None)


def _renderer_with(renderer: Any, loaded: Any, article: Article) -> PageRenderer:
    """A page renderer for the last build's site with ``article`` in place of its old version."""
    site = loaded.site
    patched = replace(site, articles=tuple(article if a.key == article.key else a for a in site.articles),
                      by_key=MappingProxyType({**site.by_key, article.key: article}))
    html = renderer.html
    pages = PageRenderer(patched, loaded.config, loaded.rates, renderer.env, html.template_dirs, html.site_root)
    pages.images = html.images
    return pages


__all__ = ["LastBuild", "PAGE_ONLY", "Preview", "same_placement"]
