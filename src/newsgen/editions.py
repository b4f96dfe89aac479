"""Which page of each other edition a page corresponds to, as the language switcher and the
``hreflang`` alternates of the page's head and of the sitemap show it.

The plan records each page's versions (``PageSpec.versions``, see ``plan.with_versions``):
an article's translations, or the page at the same address in another edition's tree.
Where an edition has no version of the page, the switcher goes to its front page, and
no ``hreflang`` claims one: Google reads an ``hreflang`` link as "this page, translated".
"""
from __future__ import annotations

from dataclasses import dataclass

from .config import Config, Language
from .kinds import PageSpec, unit


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

    def __init__(self, config: Config) -> None:
        self.config = config
        self.languages = config.languages if config.multilingual else ()

    def of(self, spec: PageSpec) -> tuple[Alternate, ...]:
        """Every edition's version of the page at ``spec``, in the order of the site's languages."""
        if not self.languages:
            return ()
        current = self.config.edition(spec.lang).code
        versions = dict(spec.versions)
        return tuple(Alternate(language, spec.url, True, True) if language.code == current else
                     Alternate(language, versions[language.code], True) if language.code in versions else
                     Alternate(language, language.urls.home, False)
                     for language in self.languages)

    def hreflang(self, spec: PageSpec) -> tuple[tuple[str, str], ...]:
        """(hreflang, URL) pairs for a public page with versions in other editions: each version,
        itself included, and ``x-default`` for the default language's; () otherwise."""
        if not self.languages or len(spec.versions) < 2 or not unit(spec.kind).public:
            return ()
        pairs = list(spec.versions)
        default = dict(spec.versions).get(self.languages[0].code)
        if default is not None:
            pairs.append(("x-default", default))
        return tuple(pairs)
