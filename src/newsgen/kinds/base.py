"""What every page kind is made of: its name (:class:`Kind`), its pages (:class:`PageSpec`)
and the unit that knows it (:class:`Unit`).

A unit answers every question the build asks about its kind, in one place: which
pages the site has of it (``plan``), what its template is given (``context``), what
its pages depend on (the flags below, read by ``digests``), which feeds its pages
link to and when a page last changed (read by ``seo`` and ``sitemaps``). The build's
stages ask ``kinds.unit(spec.kind)`` and never test kind names themselves.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from .. import urls
from ..data import SiteData
from ..urls import SiteUrls

if TYPE_CHECKING:
    from ..config import Config
    from ..errors import Problem
    from ..model import Section, Site
    from ..ticker import Rates


class Kind(enum.StrEnum):
    """The kinds of page a site has. Values are the names digests and the build state record."""

    HOME = "home"
    ARTICLE = "article"
    SECTION = "section"
    TAG = "tag"
    AUTHOR = "author"
    ARCHIVE = "archive"  # one month of the archive
    ARCHIVE_INDEX = "archive_index"
    TAGS_INDEX = "tags_index"
    AUTHORS_INDEX = "authors_index"
    NOT_FOUND = "notfound"
    CARD = "card"  # the social card image
    SEARCH = "search"
    RATES = "rates"  # the Markets page: the ticker's rates in full
    RSS = "rss"
    ATOM = "atom"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap_index"
    NEWS_SITEMAP = "news_sitemap"
    ROBOTS = "robots"
    REDIRECT = "redirect"


class Maker(enum.Enum):
    """What turns a page's spec into bytes."""

    TEMPLATE = "template"  # Jinja, with the unit's context
    FEED = "feed"  # feedgen (see ``feeds``)
    SITEMAP = "sitemap"  # see ``sitemaps``
    IMAGE = "image"  # Pillow (the social card)


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render. ``items`` are the article keys it lists, in order."""

    kind: Kind
    url: str
    output: str
    template: str
    title: str = ""
    article: str = ""  # the article of an article page, or the target of a redirect
    items: tuple[str, ...] = ()
    term: str = ""  # section key, tag or author slug, 'YYYY/MM'
    page: int = 1
    pages: int = 1
    first_url: str = ""  # the URL of page 1 of this listing
    target: str = ""  # where a redirect page points
    picks: tuple[str, ...] = ()  # articles an editor picked for a box on the page (the front page's Most read)
    lang: str = ""  # the edition the page belongs to ('' in a site of one language; see config.Language)
    versions: tuple[tuple[str, str], ...] = ()  # (language, URL) of this page in each edition that has it

    def page_url(self, number: int) -> str:
        """The URL of page ``number`` of this listing: '/politics/', '/politics/page/2/'."""
        return urls.listing_page(self.first_url or self.url, number)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The article keys whose content this page shows (for rebuild decisions)."""
        return tuple(dict.fromkeys(((self.article,) if self.article else ()) + self.items + self.picks))


@dataclass
class PlanInput:
    """What units plan from: the site (an edition of it, for units planned per edition), its
    settings (as that edition reads them), the build's time, the pages planned before (the
    sitemaps count them), a list to put problems in, and the edition's language and URLs."""

    site: Site
    config: Config
    now: datetime
    data: SiteData = field(default_factory=SiteData)
    planned: list[PageSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lang: str = ""
    urls: SiteUrls = field(default_factory=SiteUrls)
    whole: Site | None = None  # the whole site, when ``site`` is one of its editions

    @property
    def everything(self) -> Site:
        """The whole site, every edition's articles."""
        return self.whole or self.site


class View(Protocol):
    """What a unit's ``context`` may read besides the spec: the renderer's view of the site."""

    @property
    def site(self) -> Site: ...
    @property
    def config(self) -> Config: ...
    @property
    def rates(self) -> Rates: ...
    @property
    def sections(self) -> Mapping[str, Section]: ...
    @property
    def data(self) -> SiteData: ...
    @property
    def urls(self) -> SiteUrls: ...


class Unit:
    """One or more page kinds and all that is known about them; subclasses set what differs.

    The flags say what a page's bytes depend on besides its spec, its template and the
    articles it lists (``digests`` reads them; a wrong flag is a stale page, which the
    property-based test of incremental builds catches).
    """

    kinds: tuple[Kind, ...] = ()
    maker = Maker.TEMPLATE
    public = False  # listed in the sitemap
    checked = False  # ``newsgen check`` follows its links (besides public pages)
    whole_site = False  # shows where every article is and when it changed (not their text)
    ticker = True  # shows the ticker (new rates alone can be spliced into it)
    rates = False  # shows the rates beyond the ticker: new rates mean rendering it again
    statics = False  # reads static files (feed enclosures' lengths, body images' variants)
    own_feeds = False  # its listing has an RSS and an Atom feed, linked from its head
    canonical = True  # has an address of its own (the 404 page is served at any)
    per_edition = True  # planned once per edition of a site in several languages (else once, for the whole site)
    worded_title = False  # its title is one of the theme's words ("Archive"), said in the page's language

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        """This unit's pages of the site."""
        raise NotImplementedError

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        """What the page's template gets besides ``page`` and ``meta``."""
        return {}

    def listed(self, spec: PageSpec, site: Site) -> bool:
        """Whether the sitemap lists the page (``site``: the whole site): every public page, unless
        its unit says otherwise."""
        return self.public

    def placement(self, spec: PageSpec) -> bool:
        """Whether the page depends on where every article is and when it changed."""
        return self.whole_site

    def lastmod(self, spec: PageSpec, site: Site, newest: Callable[[], datetime | None]) -> datetime | None:
        """When the page last changed, for the sitemap: by default its newest article's change.
        ``newest()`` is the newest change on the whole site (worked out only when asked)."""
        return max((site.by_key[k].modified for k in spec.items), default=None)
