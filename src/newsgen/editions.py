"""Which page of each other edition a page corresponds to: the language switcher's links and
the ``hreflang`` alternates of the page's head and of the sitemap.

An article's counterparts are its translations (articles of one ``translation_key``, see
``model.build_editions``). Any other page's is the page at the same address in the other
edition's tree (``/politics/`` and ``/ru/politics/``), when that edition has it. Where an
edition has no counterpart, the switcher goes to its front page, and no ``hreflang``
claims one: Google reads an ``hreflang`` link as "this page, translated".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .config import Config, Language
from .kinds import Kind, PageSpec, unit
from .model import Site


@dataclass(frozen=True, slots=True)
class Alternate:
    """One edition's version of a page: its language, its URL, and whether it is this page in
    that language (True) or only that edition's front page (False). ``current``: the page itself."""

    language: Language
    url: str
    same_page: bool
    current: bool = False


class Alternates:
    """The editions' versions of any page of a site; nothing for a site in one language."""

    def __init__(self, site: Site, config: Config, planned: Iterable[PageSpec]) -> None:
        self.site = site
        self.config = config
        self.languages = config.languages if config.multilingual else ()
        self.urls = {spec.url for spec in planned if spec.kind is not Kind.REDIRECT} if self.languages else set()

    def of(self, spec: PageSpec) -> tuple[Alternate, ...]:
        """Every edition's version of the page at ``spec``, in the order of the site's languages."""
        if not self.languages:
            return ()
        current = self.config.edition(spec.lang)
        translations: dict[str, str] = {}
        if spec.kind is Kind.ARTICLE:
            for key in self.site.translations.get(spec.article, (spec.article,)):
                article = self.site.by_key[key]
                translations.setdefault(article.lang, article.url)
        found = []
        for language in self.languages:
            if language.code == current.code:
                found.append(Alternate(language, spec.url, True, True))
            elif spec.kind is Kind.ARTICLE:
                url = translations.get(language.code)
                found.append(Alternate(language, url or language.urls.home, url is not None))
            else:
                url = language.prefix + spec.url[len(current.prefix):] if spec.url.startswith(current.prefix + "/") else ""
                found.append(Alternate(language, url if url in self.urls else language.urls.home, url in self.urls))
        return tuple(found)

    def hreflang(self, spec: PageSpec) -> tuple[tuple[str, str], ...]:
        """(hreflang, URL) pairs for a public page with counterparts: each edition's version,
        itself included, and ``x-default`` for the default language's; () otherwise."""
        if not self.languages or not unit(spec.kind).public:
            return ()
        versions = [a for a in self.of(spec) if a.same_page]
        if len(versions) < 2:
            return ()
        pairs = [(a.language.code, a.url) for a in versions]
        default = next((a.url for a in versions if a.language.code == self.languages[0].code), None)
        if default is not None:
            pairs.append(("x-default", default))
        return tuple(pairs)
