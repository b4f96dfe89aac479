"""What search engines and link previews read: canonical URL, OpenGraph, Twitter card, JSON-LD.

Values are computed here as plain data; templates only print them. JSON-LD is
serialised with ``<``, ``>`` and ``&`` escaped as JSON unicode escapes, so that a
headline containing ``</script>`` cannot end the script element it sits in.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .config import Config
from .model import Article, Site
from .plan import PageSpec, feed_urls
from .slugs import resolve_file

_JSON_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A ``<link rel="alternate">`` to a feed."""

    url: str
    type: str
    title: str


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Everything a page's ``<head>`` says about it."""

    canonical: str
    description: str
    og: tuple[tuple[str, str], ...]
    twitter: tuple[tuple[str, str], ...]
    jsonld: tuple[str, ...]  # serialised, safe inside <script type="application/ld+json">
    feeds: tuple[FeedLink, ...]
    base_path: str = ""

    @property
    def head(self) -> Markup:
        """All of the above as ``<head>`` markup, built in Python: the same on every page kind,
        and a Jinja loop over thirty escaped attributes per page would cost more than the page."""
        e = html.escape
        lines = [f'<meta name="description" content="{e(self.description)}">',
                 f'<link rel="canonical" href="{e(self.canonical)}">']
        lines += [f'<meta property="{e(p)}" content="{e(c)}">' for p, c in self.og]
        lines += [f'<meta name="{e(n)}" content="{e(c)}">' for n, c in self.twitter]
        lines += [f'<link rel="alternate" type="{f.type}" title="{e(f.title)}" href="{e(self.base_path + f.url)}">'
                  for f in self.feeds]
        lines += [f'<script type="application/ld+json">{data}</script>' for data in self.jsonld]
        return Markup("\n".join(lines))


def json_for_script(data: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_UNSAFE[m.group(0)], text)


class MetaBuilder:
    """Builds :class:`PageMeta` for the pages of one site."""

    def __init__(self, site: Site, config: Config) -> None:
        self.site = site
        self.config = config
        self.sections = {s.key: s.name for s in site.sections}

    def abs_url(self, path: str) -> str:
        return self.config.abs_url(path)

    @staticmethod
    def lead_image(article: Article | None) -> str:
        """The lead image as a site path (or its absolute URL), '' when there is none."""
        if article is None or not article.image:
            return ""
        return resolve_file(article.image, article.key, "") or article.image

    def publisher(self) -> dict[str, Any]:
        return {"@type": "Organization", "name": self.config.publisher or self.config.title,
                "url": self.abs_url("/"), "logo": {"@type": "ImageObject", "url": self.abs_url(self.config.logo)}}

    def meta(self, spec: PageSpec) -> PageMeta:
        config = self.config
        canonical = self.abs_url(spec.url)
        article = self.site.by_key[spec.article] if spec.kind == "article" else None
        description = (article.summary if article else "") or config.description or config.title
        title = article.title if article else (spec.title or config.title)
        image = self.abs_url(self.lead_image(article) or config.logo)
        og: list[tuple[str, str]] = [
            ("og:type", "article" if article else "website"), ("og:title", title), ("og:description", description),
            ("og:url", canonical), ("og:image", image), ("og:site_name", config.title),
            ("og:locale", config.language.replace("-", "_")),
        ]
        if article:
            og += [("article:published_time", article.date.astimezone(config.zone).isoformat()),
                   ("article:modified_time", article.modified.astimezone(config.zone).isoformat()),
                   ("article:section", self.sections.get(article.section, article.section))]
            og += [("article:tag", t.name) for t in article.tags]
            og += [("article:author", self.abs_url(f"/authors/{a.slug}/")) for a in article.authors]
        twitter = [("twitter:card", "summary_large_image" if article and article.image else "summary"),
                   ("twitter:title", title), ("twitter:description", description), ("twitter:image", image)]
        if config.twitter:
            twitter.append(("twitter:site", config.twitter))
        return PageMeta(canonical, description, tuple(og), tuple(twitter), self._jsonld(spec, article, canonical),
                        self._feeds(spec), config.base_path)

    def _feeds(self, spec: PageSpec) -> tuple[FeedLink, ...]:
        """The site's feeds on every page; a section, tag or author page adds its own first."""
        links: list[FeedLink] = []
        if spec.kind in ("section", "tag", "author"):
            rss, atom = feed_urls(spec.first_url)
            links += [FeedLink(rss, "application/rss+xml", f"{self.config.title}: {spec.title} (RSS)"),
                      FeedLink(atom, "application/atom+xml", f"{self.config.title}: {spec.title} (Atom)")]
        rss, atom = feed_urls("/")
        links += [FeedLink(rss, "application/rss+xml", f"{self.config.title} (RSS)"),
                  FeedLink(atom, "application/atom+xml", f"{self.config.title} (Atom)")]
        return tuple(links)

    def _jsonld(self, spec: PageSpec, article: Article | None, canonical: str) -> tuple[str, ...]:
        config = self.config
        if spec.kind == "home":
            website = {"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                       "url": canonical, "inLanguage": config.language}
            if config.description:
                website["description"] = config.description
            return (json_for_script(website), json_for_script({"@context": "https://schema.org", **self.publisher()}))
        if article is None:
            return ()
        section = self.sections.get(article.section, article.section)
        news: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "datePublished": article.date.astimezone(config.zone).isoformat(),
            "dateModified": article.modified.astimezone(config.zone).isoformat(),
            "author": [{"@type": "Person", "name": a.name, "url": self.abs_url(f"/authors/{a.slug}/")}
                       for a in article.authors],
            "publisher": self.publisher(),
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "articleSection": section,
            "keywords": [t.name for t in article.tags],
            "inLanguage": config.language,
        }
        if self.lead_image(article):
            news["image"] = [self.abs_url(self.lead_image(article))]
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": config.title, "item": self.abs_url("/")},
            {"@type": "ListItem", "position": 2, "name": section, "item": self.abs_url(f"/{article.section}/")},
            {"@type": "ListItem", "position": 3, "name": article.title, "item": canonical},
        ]}
        return (json_for_script(news), json_for_script(crumbs))
