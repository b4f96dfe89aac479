"""Article pages, and the redirect pages that keep an article's old addresses working."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from ..errors import Problem
from ..model import Site
from ..slugs import output_path
from .base import Kind, PageSpec, PlanInput, Unit, View


class Articles(Unit):
    kinds = (Kind.ARTICLE,)
    public = True

    def lastmod(self, spec: PageSpec, site: Site, newest: Callable[[], datetime | None]) -> datetime | None:
        return site.by_key[spec.article].modified

    def listed(self, spec: PageSpec, site: Site) -> bool:
        # a copy whose original is elsewhere (canonical_url:) is left out: search engines take a
        # sitemap's addresses as canonical ones, and Google asks for none whose canonical is another
        return not site.by_key[spec.article].canonical_url

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        site = ask.site
        specs = []
        for article in site.articles:
            related = site.related.get(article.key, ())
            neighbours = tuple(k for k in (site.previous.get(article.key), site.next.get(article.key)) if k)
            specs.append(PageSpec(Kind.ARTICLE, article.url, output_path(article.url), "article.html", article.title,
                                  article=article.key, items=neighbours + related))
        return specs

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        site = view.site
        article = site.by_key[spec.article]
        older, newer = site.previous.get(article.key), site.next.get(article.key)
        return {"article": article, "section": view.sections.get(article.section),
                "previous": site.by_key[older] if older else None, "next": site.by_key[newer] if newer else None,
                "related": site.get(site.related.get(article.key, ()))}


class Redirects(Unit):
    """A page per old URL in an article's ``redirect_from``. Planned last: an old URL that
    is the address of a real page is refused, and one equal to its own article skipped."""

    kinds = (Kind.REDIRECT,)
    checked = True
    per_edition = False  # one old address may redirect once, whichever edition claims it

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        taken = {s.output for s in ask.planned}
        specs: list[PageSpec] = []
        problems = ask.problems
        claimed: dict[str, str] = {}
        for article in sorted(ask.site.articles, key=lambda a: a.key):
            for old in article.redirect_from:
                out = output_path(old)
                if out == output_path(article.url):
                    problems.append(Problem(article.key, 1, 0, "redirect_from",
                                            f"{old} is this article's own address; nothing to redirect",
                                            "remove it from redirect_from", "warning"))
                elif out in taken:
                    problems.append(Problem(article.key, 1, 0, "redirect_from",
                                            f"{old} is the address of another page, so it cannot redirect here",
                                            "remove it from redirect_from"))
                elif out in claimed:
                    problems.append(Problem(article.key, 1, 0, "redirect_from",
                                            f"{old} already redirects to {claimed[out]}", "keep it in one article only"))
                else:
                    claimed[out] = article.key
                    specs.append(PageSpec(Kind.REDIRECT, old, out, "redirect.html", article.title,
                                          article=article.key, target=article.url,
                                          lang=article.lang if ask.config.multilingual else ""))
        return specs

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        return {"target": spec.target}
