"""The article model: frozen articles and the indexes a news site needs, built once.

No disk, no Jinja, no Markdown: :func:`build_site` takes finished :class:`Article`
values and returns a :class:`Site` whose indexes (by section, tag, author, month;
previous/next; related) every later stage reads. Relations are by article key (the
source path), so the model pickles cheaply into worker processes and stays valid
for incremental builds.
"""
from __future__ import annotations

import zlib
from bisect import bisect_left
from collections import defaultdict
from operator import attrgetter
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Protocol

from . import urls
from .slugs import resolve_file

_KEY = attrgetter("key")


@dataclass(frozen=True, slots=True)
class Term:
    """A tag or an author: a display name, the slug of its page and that page's URL (see ``urls``)."""

    name: str
    slug: str
    url: str

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # plain constructor arguments unpickle several times faster than dataclass state
        return (_interned, (Term, self.name, self.slug, self.url))


@dataclass(frozen=True, slots=True)
class Author(Term):
    """An author: the name a byline shows, the slug and URL of the author page, and what is
    known of the person (from ``data/authors.yaml``, or the link of a byline written as
    ``[Name](https://...)``; see ``people``). The page's slug is always the one of the name
    written in front matter, so that naming a person in ``authors.yaml`` moves no address."""

    link: str = ""  # the person's own address (authors.yaml's url:, else the byline's link)
    bio: str = ""
    photo: str = ""  # a site path or an http(s) URL
    profiles: tuple[tuple[str, str], ...] = ()  # (label, URL) of the person's profiles elsewhere

    @property
    def same_as(self) -> tuple[str, ...]:
        """Every address of the person elsewhere, their own first (JSON-LD's ``sameAs``)."""
        return tuple(dict.fromkeys(u for u in (self.link, *(url for _, url in self.profiles)) if u))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_interned, (Author, self.name, self.slug, self.url, self.link, self.bio, self.photo, self.profiles))


_TERMS: dict[tuple[Any, ...], Term] = {}


def _interned(kind: type[Term], *values: Any) -> Term:
    """One object for each distinct tag or author, however many articles unpickled carry it.

    A newsroom's archive names a few hundred tags and people across 100,000 articles; as a
    copy per article they were about 40% of the model's memory without bodies (about 115 of
    279 MB at 100,000 articles). The table only grows with distinct values, which are few.
    """
    made = _TERMS.get((kind, *values))
    if made is None:
        made = _TERMS.setdefault((kind, *values), kind(*values))
    return made


def pack_body(html: str) -> bytes:
    """An article body as :class:`Article` keeps it: UTF-8, zlib-compressed (b'' when empty).

    Rendered bodies are most of an archive's memory (about 5 KB of text an article, which
    Python holds in up to four bytes a character); compressed they take about a third, and
    each is opened only where a page shows it (its own page, feeds, the search record).
    """
    return zlib.compress(html.encode("utf-8")) if html else b""


def unpack_body(packed: bytes) -> str:
    """The body :func:`pack_body` packed."""
    return zlib.decompress(packed).decode("utf-8") if packed else ""


class BodyShelf(Protocol):
    """Where bodies left out of memory are read back from (see :class:`Shelved`)."""

    def packed(self, key: str, source_hash: str) -> bytes:
        """The packed body (see :func:`pack_body`) of the article read from ``key`` at ``source_hash``."""


@dataclass(frozen=True, slots=True)
class Shelved:
    """An article's body left on a shelf (the build state) instead of in memory.

    Why: at 100,000 articles the packed bodies are 160 MB of a loaded site's 600, and a
    forked render worker ends up with its own copy of them (see ``parallel``). A body
    is read only where a page shows it (its article page, its feed entries, its search
    record), so a build that renders most pages reads each a few times, at some 50 µs
    a read. The source's hash names the version: the shelf never gives another one's.
    """

    shelf: BodyShelf
    key: str
    source_hash: str

    def packed(self) -> bytes:
        return self.shelf.packed(self.key, self.source_hash)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (bytes, (self.packed(),))  # a pickled article carries its body, never the shelf


@dataclass(frozen=True, slots=True)
class Article:
    """One published (or draft) article, validated. ``key`` is its source path."""

    key: str
    title: str
    date: datetime
    section: str
    slug: str
    url: str
    packed_body: bytes | Shelved  # the rendered body as pack_body keeps it, or shelved: read it as ``html``
    summary: str
    tags: tuple[Term, ...] = ()
    authors: tuple[Author, ...] = ()
    updated: datetime | None = None
    image: str = ""
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    draft: bool = False
    featured: bool = False
    redirect_from: tuple[str, ...] = ()
    reading_minutes: int = 1
    body_images: tuple[str, ...] = ()  # every <img src> of the body as written, read once when the body is rendered
    site_links: tuple[tuple[str, str], ...] = ()  # the body's links into the site (see targets.site_links)
    lang: str = ""  # the code of the article's language (see config.Language); '' in sites made before editions
    translation_key: str = ""  # equal for an article and its translations (see content._language)
    section_url: str = ""  # the URL of its section's page in its edition (see urls.section)
    # a day without a time of day was given (front matter or the file name): ``date`` is midnight in the
    # site's zone, which feeds keep, and pages show the day alone; likewise ``updated``
    date_only: bool = False
    updated_date_only: bool = False
    canonical_url: str = ""  # the original's address when the article is a copy (a cross-post); '' for its own page
    bundle: bool = False  # the index.md of a page bundle: its folder's other files are served beside its page
    refers: bool = False  # the body links to other articles by their files (see ``references``)
    extra: Mapping[str, Any] = field(default_factory=lambda: _NO_EXTRA)

    @property
    def html(self) -> str:
        """The rendered body (HTML), opened from :attr:`packed_body` at each read."""
        packed = self.packed_body
        return unpack_body(packed.packed() if isinstance(packed, Shelved) else packed)

    @property
    def modified(self) -> datetime:
        """When the article last changed: ``updated`` if set, else ``date``."""
        return self.updated or self.date

    @property
    def modified_date_only(self) -> bool:
        """Whether :attr:`modified` is a day without a time of day."""
        return self.updated_date_only if self.updated else self.date_only
    def site_file(self, written: str, base_path: str = "") -> str:
        """The site path of a file the article names (an image, a linked PDF), '' for external and
        data URLs: a relative path is beside the article's page in a page bundle, whose files
        are served there (see ``bundles``), else beside its source (see ``slugs.resolve_file``)."""
        return resolve_file(written, self.key, base_path, self.url if self.bundle else "")

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle, and positional arguments unpickle fastest
        # (the build state holds thousands of pickled articles).
        values = [getattr(self, f) for f in _ARTICLE_FIELDS]
        values[-1] = dict(self.extra)
        return (_rebuild_article, (tuple(values),))


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)
assert _ARTICLE_FIELDS[-1] == "extra"

# Fields that only the article's own page (and the cards of it elsewhere) show: a change to
# them leaves the site's indexes, every neighbour and every related list as they were.
# (Not canonical_url: the sitemaps leave out an article whose original is elsewhere.)
PAGE_ONLY = frozenset({"title", "packed_body", "site_links", "summary", "reading_minutes", "updated",
                       "updated_date_only", "image_alt", "image_caption", "image_credit", "extra"})
_PLACEMENT = tuple(f for f in _ARTICLE_FIELDS if f not in PAGE_ONLY)


def same_placement(old: Article, new: Article) -> bool:
    """True when ``new`` sits in the site exactly where ``old`` did (see ``PAGE_ONLY``): same
    URL, date, section, tags, authors, images, flags. Then the indexes built from ``old``
    (sections, tags, months, neighbours, related articles) hold for ``new`` too."""
    return all(getattr(old, name) == getattr(new, name) for name in _PLACEMENT)


def placement_text(article: Article) -> str:
    """Where ``article`` sits (see :func:`same_placement`) and when it last changed, as text.

    Equal texts mean equal values. The change time is in because the sitemap shows it for
    pages that never show the article (the front page's newest change). A delta build
    (see ``delta``) compares a digest of this with the last build's.
    """
    return repr(tuple(getattr(article, name) for name in _PLACEMENT) + (article.modified,))


_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})  # one for every article without extra fields (most)


def shelved(article: Article, shelf: BodyShelf, source_hash: str) -> Article:
    """``article`` with its body left on ``shelf``, where its source at ``source_hash`` put it
    (see :class:`Shelved`); as it was when it has no body or keeps none in memory."""
    if not isinstance(article.packed_body, bytes) or not article.packed_body:
        return article
    values = [getattr(article, f) for f in _ARTICLE_FIELDS]
    values[_BODY] = Shelved(shelf, article.key, source_hash)
    make: Callable[..., Article] = Article
    return make(*values)


_BODY = _ARTICLE_FIELDS.index("packed_body")


def _rebuild_article(values: tuple[Any, ...]) -> Article:
    make: Callable[..., Article] = Article  # positional, as pickled: the fields' order is the class's
    return make(*values[:-1], MappingProxyType(values[-1]) if values[-1] else _NO_EXTRA)


@dataclass(frozen=True, slots=True)
class Section:
    """A section: its key (folder name and URL segment), display name, articles newest first, page URL."""

    key: str
    name: str
    articles: tuple[str, ...]
    url: str


@dataclass(frozen=True, slots=True)
class Site:
    """Every published article and the indexes built from them (all newest first)."""

    articles: tuple[Article, ...]
    by_key: Mapping[str, Article]
    sections: tuple[Section, ...]
    tags: Mapping[str, tuple[Term, tuple[str, ...]]]  # tag slug -> (term, article keys)
    authors: Mapping[str, tuple[Author, tuple[str, ...]]]
    months: Mapping[tuple[int, int], tuple[str, ...]]  # (year, month) newest first
    previous: Mapping[str, str]  # key -> older article's key in the same section
    next: Mapping[str, str]  # key -> newer article's key in the same section
    related: Mapping[str, tuple[str, ...]]
    # a site of several languages: each edition's own Site (its articles and indexes), by language
    # code; the indexes above then hold every edition's (tags and authors keyed by URL)
    editions: Mapping[str, Site] = field(default_factory=lambda: MappingProxyType({}))
    # key -> the keys of the article and its translations, in the order of the site's languages
    translations: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, keys: Iterable[str]) -> list[Article]:
        """The articles for ``keys``, in the order given."""
        return [self.by_key[k] for k in keys]

    def edition(self, lang: str) -> Site:
        """The edition in language ``lang``: this site itself when it has one language."""
        return self.editions.get(lang, self)

    def with_versions(self, edited: Mapping[str, Article]) -> Site:
        """This site with new versions of some articles, which must not have moved (see
        :func:`same_placement`): the indexes, which hold keys, stay as they are.

        Watch mode's preview makes one on every save. At 100,000 articles, unpacking the key
        index through its read-only view took 50 ms per edition, and looking at every article
        (scattered over a gigabyte of memory) another 50 ms; both are avoided."""
        if not edited:
            return self
        editions = MappingProxyType({lang: site.with_versions({k: a for k, a in edited.items() if a.lang == lang})
                                     for lang, site in self.editions.items()})
        # each new version where the old one was, found by bisection: the articles are in
        # ``sort_key`` order, which a version that did not move keeps
        articles = list(self.articles)
        for key, article in edited.items():
            at = bisect_left(articles, sort_key(article), key=sort_key)
            if at < len(articles) and articles[at].key == key:
                articles[at] = article
            elif key in self.by_key:  # not where its version says it sat: look at every article
                articles = list(map(edited.get, map(_KEY, articles), articles))
                break
        by_key = self.by_key.copy() if isinstance(self.by_key, (dict, MappingProxyType)) else dict(self.by_key)
        by_key.update(edited)
        return Site(tuple(articles), MappingProxyType(by_key),
                    self.sections, self.tags, self.authors, self.months, self.previous, self.next, self.related,
                    editions, self.translations)

    @property
    def lead(self) -> Article | None:
        """The lead story: the newest featured article, else the newest article."""
        return next((a for a in self.articles if a.featured), self.articles[0] if self.articles else None)


def sort_key(article: Article) -> tuple[float, str]:
    """Newest first; ties broken by key so the order never depends on the file system."""
    return (-article.date.timestamp(), article.key)


def build_editions(articles: Iterable[Article], editions: Iterable[Edition], related_size: int = 4) -> Site:
    """A site of several languages: one :class:`Site` per edition, from the articles in its
    language (see ``Article.lang``), and the whole site over them, which links translations
    (articles of one ``translation_key``) across editions."""
    by_lang: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append(article)
    order = [e.lang for e in editions]
    built = {e.lang: build_site(by_lang.get(e.lang, ()), e.sections, related_size, e.zone, e.urls)
             for e in editions}
    everything = tuple(sorted((a for site in built.values() for a in site.articles), key=sort_key))
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in everything:
        groups[article.translation_key].append(article)
    rank = {lang: i for i, lang in enumerate(order)}
    translations: dict[str, tuple[str, ...]] = {}
    for group in groups.values():
        if len(group) > 1:
            keys = tuple(a.key for a in sorted(group, key=lambda a: (rank.get(a.lang, len(rank)), a.key)))
            translations.update((key, keys) for key in keys)
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    for site in built.values():
        for month, keys in site.months.items():
            months[month] += keys
    position = {a.key: i for i, a in enumerate(everything)}
    return Site(
        articles=everything,
        by_key=MappingProxyType({a.key: a for a in everything}),
        sections=tuple(s for site in built.values() for s in site.sections),
        tags=MappingProxyType({t.url: (t, keys) for site in built.values() for t, keys in site.tags.values()}),
        authors=MappingProxyType({t.url: (t, keys) for site in built.values() for t, keys in site.authors.values()}),
        months=MappingProxyType({m: tuple(sorted(k, key=position.__getitem__)) for m, k in sorted(months.items(), reverse=True)}),
        previous=MappingProxyType({k: v for site in built.values() for k, v in site.previous.items()}),
        next=MappingProxyType({k: v for site in built.values() for k, v in site.next.items()}),
        related=MappingProxyType({k: v for site in built.values() for k, v in site.related.items()}),
        editions=MappingProxyType(built),
        translations=MappingProxyType(translations),
    )


@dataclass(frozen=True, slots=True)
class Edition:
    """What the model needs of an edition (see ``config.Language``): its language, its
    sections' display names, the zone its months are counted in, its URL scheme."""

    lang: str
    sections: tuple[tuple[str, str], ...] = ()
    zone: tzinfo | None = None
    urls: urls.SiteUrls = urls.SiteUrls()


def build_site(articles: Iterable[Article], section_order: Iterable[tuple[str, str]] = (),
               related_size: int = 4, zone: tzinfo | None = None, scheme: urls.SiteUrls = urls.SiteUrls()) -> Site:
    """The :class:`Site` with all indexes; ``section_order`` is the settings' (key, name) list.

    Sections named in the settings come first in that order (even when empty); other
    sections follow alphabetically. Everything here is linear or n·log n in the
    number of articles: no index scans all articles per page.
    """
    ordered = tuple(sorted(articles, key=sort_key))
    by_key = MappingProxyType({a.key: a for a in ordered})

    section_keys: dict[str, list[str]] = defaultdict(list)
    tag_keys: dict[str, list[str]] = defaultdict(list)
    author_keys: dict[str, list[str]] = defaultdict(list)
    tag_terms: dict[str, Term] = {}
    author_terms: dict[str, Author] = {}
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    for a in ordered:
        section_keys[a.section].append(a.key)
        local = a.date.astimezone(zone) if zone else a.date  # the month the site's readers see
        months[(local.year, local.month)].append(a.key)
        for t in a.tags:
            tag_keys[t.slug].append(a.key)
            tag_terms.setdefault(t.slug, t)
        for p in a.authors:
            author_keys[p.slug].append(a.key)
            author_terms.setdefault(p.slug, p)

    names = dict(section_order)
    order = [k for k, _ in section_order] + sorted(k for k in section_keys if k not in names)
    sections = tuple(Section(k, names.get(k, k.replace("-", " ").capitalize()), tuple(section_keys.get(k, ())),
                             scheme.section(k)) for k in order)

    previous: dict[str, str] = {}
    newer: dict[str, str] = {}
    for keys in section_keys.values():
        for newer_key, older_key in zip(keys, keys[1:]):
            previous[newer_key] = older_key
            newer[older_key] = newer_key

    return Site(
        articles=ordered,
        by_key=by_key,
        sections=sections,
        tags=MappingProxyType({s: (tag_terms[s], tuple(k)) for s, k in sorted(tag_keys.items())}),
        authors=MappingProxyType({s: (author_terms[s], tuple(k)) for s, k in sorted(author_keys.items())}),
        months=MappingProxyType({m: tuple(k) for m, k in sorted(months.items(), reverse=True)}),
        previous=MappingProxyType(previous),
        next=MappingProxyType(newer),
        related=MappingProxyType(_related(ordered, tag_keys, related_size)),
    )


def _related(ordered: tuple[Article, ...], tag_keys: Mapping[str, list[str]], size: int,
             window: int = 8) -> dict[str, tuple[str, ...]]:
    """For each article, up to ``size`` others sharing the most tags, nearest in time first.

    Only the ``window`` articles on either side in each tag's timeline are candidates,
    which keeps this linear in the number of articles even for a tag on thousands of
    them (a newsroom's 'Kazakhstan'), where comparing all pairs would be quadratic.
    """
    if size <= 0:
        return {}
    position = {a.key: i for i, a in enumerate(ordered)}
    tag_positions = {slug: [position[k] for k in keys] for slug, keys in tag_keys.items()}
    # where each article sits in each of its tags' timelines, found once instead of by bisection
    index_in_tag = {slug: {j: n for n, j in enumerate(positions)} for slug, positions in tag_positions.items()}
    related: dict[str, tuple[str, ...]] = {}
    for i, article in enumerate(ordered):
        scores: dict[int, int] = {}
        for tag in article.tags:
            positions = tag_positions[tag.slug]
            at = index_in_tag[tag.slug][i]
            for j in positions[max(0, at - window): at + window + 1]:
                scores[j] = scores.get(j, 0) + 1
        scores.pop(i, None)
        if scores:
            # plain tuples sort several times faster than a key function
            best = sorted([(-score, j - i if j > i else i - j, j) for j, score in scores.items()])[:size]
            related[article.key] = tuple(ordered[j].key for _, _, j in best)
    return related
