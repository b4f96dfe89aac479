"""What search engines and link previews read: canonical URL, OpenGraph, Twitter card, JSON-LD.

Values are computed here as plain data; templates only print them. JSON-LD is
serialised with ``<``, ``>`` and ``&`` escaped as JSON unicode escapes, so that a
headline containing ``</script>`` cannot end the script element it sits in.

Link previews need a raster image (X and Facebook show no SVG): a page without a
lead image shows the site's card, a PNG newsgen draws from the title (see
``urls.CARD``), with its size and a text for screen readers.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from markupsafe import Markup

from .config import Config
from .dates import iso_moment
from .images import is_served_image
from .model import Article, Author, Site
from . import urls
from .kinds import Kind, PageSpec, unit
from .kinds.fixed import CARD_SIZE

if TYPE_CHECKING:
    from .images import ImageInfo

# OpenGraph wants language_TERRITORY; for a bare language, the territory where most of its readers are.
_LOCALE_TERRITORY = {"en": "US", "ar": "AR", "be": "BY", "cs": "CZ", "da": "DK", "el": "GR", "et": "EE", "fa": "IR",
                     "he": "IL", "hi": "IN", "hy": "AM", "ja": "JP", "ka": "GE", "kk": "KZ", "ko": "KR", "ky": "KG",
                     "ms": "MY", "nb": "NO", "sr": "RS", "sv": "SE", "tg": "TJ", "tk": "TM", "uk": "UA", "uz": "UZ",
                     "vi": "VN", "zh": "CN"}
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
    feeds: tuple[FeedLink, ...]  # with their links as the page gives them (Config.url)
    languages: tuple[tuple[str, str], ...] = ()  # (hreflang, absolute URL) of each edition's version

    @property
    def head(self) -> Markup:
        """All of the above as ``<head>`` markup, built in Python: the same on every page kind,
        and a Jinja loop over thirty escaped attributes per page would cost more than the page."""
        e = html.escape
        lines = [f'<meta name="description" content="{e(self.description)}">']
        if self.canonical:  # the 404 page is served at any address, and names none
            lines.append(f'<link rel="canonical" href="{e(self.canonical)}">')
        lines += [f'<meta property="{e(p)}" content="{e(c)}">' for p, c in self.og]
        lines += [f'<meta name="{e(n)}" content="{e(c)}">' for n, c in self.twitter]
        lines += [f'<link rel="alternate" type="{f.type}" title="{e(f.title)}" href="{e(f.url)}">'
                  for f in self.feeds]
        lines += [f'<link rel="alternate" hreflang="{e(code)}" href="{e(url)}">' for code, url in self.languages]
        lines += [f'<script type="application/ld+json">{data}</script>' for data in self.jsonld]
        return Markup("\n".join(lines))


def og_locale(language: str) -> str:
    """The site's language as OpenGraph's locale: 'en-GB' -> 'en_GB', 'en' -> 'en_US', 'ru' -> 'ru_RU'."""
    parts = language.replace("_", "-").split("-")
    lang = parts[0].lower()
    territory = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return f"{lang}_{territory or _LOCALE_TERRITORY.get(lang, lang.upper())}"


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
        self.urls = config.edition(config.language).urls
        self.files: Mapping[str, object] | None = None  # the site's files (output paths), set by the build

    def abs_url(self, path: str) -> str:
        return self.config.abs_url(path)

    def lead_image(self, article: Article | None) -> str:
        """The lead image as a site path (or its absolute URL), '' when there is none or its file
        is missing (see ``files``)."""
        if article is None or not article.image:
            return ""
        path = article.site_file(article.image)
        if not is_served_image(path, self.files):
            return ""  # a migrated archive's missing image: the site's card instead of a broken preview
        return path or article.image

    def organisation(self) -> dict[str, Any]:
        return {"@type": "Organization", "name": self.config.publisher or self.config.title,
                "url": self.abs_url(self.urls.home)}

    def person(self, author: Author) -> dict[str, Any]:
        """An author in JSON-LD: ``url`` is the author page on this site (it lists what they wrote
        here, and its address never moves); their own site and profiles elsewhere are ``sameAs``."""
        person: dict[str, Any] = {"@type": "Person", "name": author.name, "url": self.abs_url(author.url)}
        if author.same_as:
            person["sameAs"] = list(author.same_as)
        if author.photo:
            person["image"] = self.abs_url(author.photo)
        return person

    def publisher(self) -> dict[str, Any]:
        return {**self.organisation(), "logo": {"@type": "ImageObject", "url": self.abs_url(self.config.logo)}}

    def card_image(self, article: Article | None,
                   images: Mapping[str, ImageInfo]) -> tuple[str, int, int, str]:
        """(absolute URL, width, height, text) of the image a link preview shows: the lead
        image (its size when newsgen knows it), else the site's card."""
        lead = self.lead_image(article)
        if article is not None and lead:
            info = images.get(lead)
            width, height = (info.width, info.height) if info is not None else (0, 0)
            return self.abs_url(lead), width, height, article.image_alt or article.image_caption or article.title
        return self.abs_url(urls.CARD), *CARD_SIZE, self.config.title

    def meta(self, spec: PageSpec, images: Mapping[str, ImageInfo] | None = None,
             languages: tuple[tuple[str, str], ...] = ()) -> PageMeta:
        """The page's head; ``languages``: (hreflang, site path) of each edition's version of it."""
        config = self.config
        article = self.site.by_key[spec.article] if spec.kind is Kind.ARTICLE else None
        canonical = self.canonical(spec, article)
        description = (article.summary if article else "") or config.description or config.title
        title = article.title if article else (spec.title or config.title)
        image, width, height, alt = self.card_image(article, images or {})
        og: list[tuple[str, str]] = [
            ("og:type", "article" if article else "website"), ("og:title", title), ("og:description", description),
            ("og:url", canonical or self.abs_url(spec.url)), ("og:image", image),
        ]
        if width and height:
            og += [("og:image:width", str(width)), ("og:image:height", str(height))]
        og += [("og:image:alt", alt), ("og:site_name", config.title), ("og:locale", og_locale(config.language))]
        og += [("og:locale:alternate", og_locale(code)) for code, _ in languages
               if code not in ("x-default", config.language)]
        if article:
            og += [("article:published_time", iso_moment(article.date, config.zone, article.date_only)),
                   ("article:modified_time", iso_moment(article.modified, config.zone, article.modified_date_only)),
                   ("article:section", self.sections.get(article.section, article.section))]
            og += [("article:tag", t.name) for t in article.tags]
            og += [("article:author", self.abs_url(a.url)) for a in article.authors]
        twitter = [("twitter:card", "summary_large_image" if article and article.image else "summary"),
                   ("twitter:title", title), ("twitter:description", description), ("twitter:image", image),
                   ("twitter:image:alt", alt)]
        if config.twitter:
            twitter.append(("twitter:site", config.twitter))
        return PageMeta(canonical, description, tuple(og), tuple(twitter), self._jsonld(spec, article, canonical, image),
                        self._feeds(spec),
                        tuple((code, self.abs_url(url)) for code, url in languages))

    def canonical(self, spec: PageSpec, article: Article | None) -> str:
        """The page's canonical address: its own, or the original's for an article that is a copy
        (``canonical_url:``), so that search engines credit the original; '' for the 404 page."""
        if article is not None and article.canonical_url:
            return article.canonical_url
        return self.abs_url(spec.url) if unit(spec.kind).canonical else ""

    def _feeds(self, spec: PageSpec) -> tuple[FeedLink, ...]:
        """The site's feeds on every page; a section, tag or author page adds its own first."""
        links: list[FeedLink] = []
        url = self.config.url
        if unit(spec.kind).own_feeds:
            rss, atom = map(url, urls.feeds(spec.first_url))
            links += [FeedLink(rss, "application/rss+xml", f"{self.config.title}: {spec.title} (RSS)"),
                      FeedLink(atom, "application/atom+xml", f"{self.config.title}: {spec.title} (Atom)")]
        rss, atom = map(url, urls.feeds(self.urls.home))
        links += [FeedLink(rss, "application/rss+xml", f"{self.config.title} (RSS)"),
                  FeedLink(atom, "application/atom+xml", f"{self.config.title} (Atom)")]
        return tuple(links)

    def _jsonld(self, spec: PageSpec, article: Article | None, canonical: str, image: str) -> tuple[str, ...]:
        config = self.config
        if spec.kind is Kind.HOME:
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
            "datePublished": iso_moment(article.date, config.zone, article.date_only),
            "dateModified": iso_moment(article.modified, config.zone, article.modified_date_only),
            # no byline: the publisher is the author (Google wants one; an empty list says nothing)
            "author": [self.person(a) for a in article.authors] or [self.organisation()],
            "image": [image],  # the lead image, else the site's card: Google shows no article without one
            "publisher": self.publisher(),
            "url": canonical,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "articleSection": section,
            "keywords": [t.name for t in article.tags],
            "inLanguage": config.language,
        }
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": config.title, "item": self.abs_url(self.urls.home)},
            {"@type": "ListItem", "position": 2, "name": section, "item": self.abs_url(article.section_url)},
            {"@type": "ListItem", "position": 3, "name": article.title, "item": self.abs_url(spec.url)},
        ]}
        return (json_for_script(news), json_for_script(crumbs))
