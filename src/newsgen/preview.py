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

import os
from datetime import datetime
from pathlib import Path

from .content import load_article
from .scan import Source
from .dates import build_now
from .errors import UsageError
from .loading import ArticleMemory, LastBuild, LoadedSite
from .markup import MarkupRenderer
from .model import Article, same_placement
from .output import replace_page
from .kinds import Kind, PageSpec, retitled
from .render import PageProblem, PageRenderer
from .references import has_references
from .state import mark_previewed, site_lock



class Preview:
    """Renders edited articles' pages from the last build; see the module docstring."""

    def __init__(self, site_root: Path, memory: ArticleMemory, now: datetime | None = None) -> None:
        self.site_root = site_root
        self.memory = memory
        self.now = now  # the builds' fixed clock, if they have one
        self._markup: MarkupRenderer | None = None
        self._markup_for: tuple[str, tuple[tuple[str, str], ...]] = ("", ())
        self._page_at: dict[str, int] = {}  # article key -> the position of its page in the plan

    def write(self, paths: set[str]) -> list[str]:
        """Write the pages of the edited articles at ``paths``, if they all qualify; their URLs
        (with the site's base path).

        All or nothing: the pages are rendered from one model holding every new version
        (so that each page shows the others' new titles), and any path that is not such
        an edit (a new file, an image, a deleted article, a problem, an article that
        moved) leaves the whole batch to the rebuild, which reports what is wrong.
        Never raises for content.
        """
        last: LastBuild | None = self.memory.last
        if last is None or not paths:
            return []
        if not last.loaded.window.holds(self.now or build_now()):
            return []  # an article came due since the last build: its neighbours are not the model's
        try:
            edited = self._edited(last, paths)
            if not edited:
                return []
            rendered = []
            renderers: dict[str, PageRenderer] = {}
            for article in edited:
                lang = article.lang if last.loaded.config.multilingual else ""
                if lang not in renderers:
                    renderers[lang] = _renderer_with(last.pages[lang], last.loaded, edited)
                pages = renderers[lang]
                spec = self._article_page(last, article.key)
                if spec is None:
                    return []
                spec = retitled([spec], lambda key: article.title)[0]  # as the plan would make it for the new version
                rendered.append((spec, pages.render(spec)))
        except (OSError, ValueError, UnicodeError, PageProblem):
            return []
        try:
            with site_lock(self.site_root, wait=0):  # never beside another build of the site
                # the output will differ from what the state recorded: the next build must not trust it
                if not mark_previewed(self.site_root, [spec.output for spec, _ in rendered], [a.key for a in edited]):
                    return []
                for spec, page in rendered:
                    replace_page(last.output, spec.output, page)
        except (UsageError, OSError):
            return []
        return [last.loaded.config.url(spec.url) for spec, _ in rendered]  # as the site serves them

    def _article_page(self, last: LastBuild, key: str) -> PageSpec | None:
        """The spec of an article's page in the last build's plan, through an index of its
        position in the plan.

        The index is kept from build to build and made again only when it fails: a delta
        build moves no page, and the spec found is checked to be this article's page. At
        100,000 articles (130,000 pages) making it takes a tenth of a second, which on
        every save was a third of the preview's time."""
        specs = last.loaded.specs
        at = self._page_at.get(key, -1)
        if not (0 <= at < len(specs) and specs[at].kind is Kind.ARTICLE and specs[at].article == key):
            self._page_at = {specs[i].article: i for i in reversed(range(len(specs)))
                             if specs[i].kind is Kind.ARTICLE}  # the first page of an article wins
            at = self._page_at.get(key, -1)
        return specs[at] if at >= 0 else None

    def _edited(self, last: LastBuild, paths: set[str]) -> list[Article]:
        """The new version of every article at ``paths``; [] unless all qualify (see :meth:`write`)."""
        loaded = last.loaded
        config = loaded.config
        if self._markup is None or self._markup_for != (config.base_path, config.shortcodes):
            self._markup = MarkupRenderer(config.base_path, config.shortcodes)
            self._markup_for = (config.base_path, config.shortcodes)
        root = self.site_root.resolve()
        edited = []
        for path in sorted(paths):
            try:
                key = Path(path).resolve().relative_to(root).as_posix()
            except ValueError:
                return []
            old = loaded.site.by_key.get(key)
            if old is None:
                if os.path.lexists(path):
                    return []  # new, unpublished, or not an article: the rebuild decides
                continue  # a temporary file of an editor's save, already gone
            new, problems = load_article(Source(key, path), Path(path).read_bytes(), config, self._markup,
                                         loaded.people)
            if new is None or any(p.is_error for p in problems) or not same_placement(old, new) or has_references([new]):
                return []  # (a link to another article by its file waits for the rebuild, which reads them all)
            edited.append(new)
        return edited


def _renderer_with(last: PageRenderer, loaded: LoadedSite, articles: list[Article]) -> PageRenderer:
    """A page renderer for the last build's site with ``articles`` in place of their old versions."""
    patched = loaded.site.with_versions({a.key: a for a in articles})
    pages = PageRenderer(patched, loaded.config, loaded.rates, last.env, last.template_dirs, last.site_root, loaded.data,
                         last.lang, last.alternates)
    pages.images, pages.files, pages.meta.files = last.images, last.files, last.meta.files
    return pages


__all__ = ["Preview"]
