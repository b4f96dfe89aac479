"""Delta builds: an edit that moves no article, rendered without loading the rest of the site.

A full build (see ``build``) loads every article, even the unchanged ones it takes
from the build state, and makes the model, the page plan and every page's digest
before it renders anything: about a second at 10,000 articles. Yet an editor's usual
save (a corrected sentence, a new headline) changes only the pages that show that
article. So each full build leaves a :class:`Skeleton` in the state: the model's
indexes (they hold article keys, not articles), the page plan, and for each article
its fingerprint and a digest of where it sits. The next build takes the delta path when

- its *frame* is the skeleton's: the settings, rates, templates, static files, options
  and the list of sources are the same, so only the bytes of some articles differ
  (at most ``MAX_EDITS`` of them);
- the clock has not moved past the skeleton's time limit (no article came due, none
  left the news sitemap's window) nor gone back before its build;
- each changed source is a published article that parses without a problem and sits
  where it did (``model.placement_text``: URL, date, section, tags, authors, images,
  flags, modification time), and the last build gave no warning about it.

Then every index of the site is the skeleton's, and the pages to render are exactly
those whose spec shows a changed article (``PageSpec.inputs``): the pages whose digest
the full path would find changed. They are rendered with a :class:`~newsgen.model.Site`
whose articles are loaded from the build state's article cache when asked for, and
written as an incremental build writes them. In every other case, and whenever a
cached article is not the version the skeleton was made from, :func:`delta_build`
returns None before writing anything, and the caller runs the full build (which
leaves a new skeleton). The property-based invariant test holds delta builds, like
the other paths, to "equal to a clean build, byte for byte".
"""
from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, overload

from . import __version__
from .config import load_config
from .digests import PageDigests, digest
from .errors import Problem
from .loading import BuildOptions, LoadedSite, Scan, article_settings, jobs_for, parse_sources
from .model import Article, Section, Site, Term, placement_text
from .plan import PageSpec
from .state import BuildState

FORMAT = "1"  # bump when the Skeleton's fields change: an older skeleton is then not used
MAX_EDITS = 50  # more changed sources than this are read on every core by the full path
MAX_PAGES = 400  # likewise for pages to render (a delta build renders in one process)

_SPEC_FIELDS = tuple(f.name for f in fields(PageSpec))
_ARTICLE, _ITEMS = _SPEC_FIELDS.index("article"), _SPEC_FIELDS.index("items")


@dataclass
class Skeleton:
    """What a delta build needs of the last full build, kept in the build state."""

    frame: str  # digest of the build's inputs but the sources' bytes (see build._snapshot)
    now: datetime  # the full build's time...
    valid_until: float  # ...and when the passing of time next changes the site (loading._valid_until)
    settings: str  # what the cached articles were read with (loading.article_settings)
    hashes: dict[str, str]  # every source -> hash of its bytes
    fingerprints: dict[str, str]  # every source -> fingerprint (see digests.PageDigests)
    image_signatures: dict[str, tuple[str, ...]]  # article -> its images' signatures, part of its fingerprint
    placement: dict[str, str]  # published article -> digest of model.placement_text
    order: tuple[str, ...]  # published articles, newest first
    sections: tuple[Section, ...]
    tags: dict[str, tuple[Term, tuple[str, ...]]]
    authors: dict[str, tuple[Term, tuple[str, ...]]]
    months: dict[tuple[int, int], tuple[str, ...]]
    previous: dict[str, str]
    next: dict[str, str]
    related: dict[str, tuple[str, ...]]
    specs: list[tuple[Any, ...]]  # every page's PageSpec as a tuple (they unpickle several times faster)
    pieces: dict[str, Any]  # digests.PageDigests.pieces


def make_skeleton(loaded: LoadedSite, scan: Scan, frame: str, pieces: dict[str, Any]) -> bytes:
    """The skeleton of a full build that has just succeeded, pickled for the build state."""
    site = loaded.site
    statics = loaded.statics
    skeleton = Skeleton(
        frame=frame, now=loaded.now or datetime.now(timezone.utc), valid_until=loaded.valid_until,
        settings=article_settings(loaded.config), hashes=dict(scan.hashes), fingerprints=dict(loaded.fingerprints),
        image_signatures={key: tuple(statics[p.lstrip("/")][1] for p in paths) for key, paths in loaded.images.items()},
        placement={a.key: digest(placement_text(a)) for a in site.articles}, order=tuple(a.key for a in site.articles),
        sections=site.sections, tags=dict(site.tags), authors=dict(site.authors), months=dict(site.months),
        previous=dict(site.previous), next=dict(site.next), related=dict(site.related),
        specs=[tuple(getattr(spec, name) for name in _SPEC_FIELDS) for spec in loaded.specs], pieces=pieces)
    return pickle.dumps((FORMAT, __version__, skeleton), protocol=pickle.HIGHEST_PROTOCOL)


def _load_skeleton(state: BuildState) -> Skeleton | None:
    data, edits = state.skeleton()
    if data is None:
        return None
    try:
        version, made_by, skeleton = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged skeleton only means: build the full way
        return None
    if version != FORMAT or made_by != __version__ or not isinstance(skeleton, Skeleton):
        return None
    for key, (source_hash, fingerprint) in edits.items():  # what delta builds read since
        skeleton.hashes[key] = source_hash
        skeleton.fingerprints[key] = fingerprint
    return skeleton


class Stale(Exception):
    """A cached article is not the version the skeleton was made from: build the full way."""


class CachedArticles:
    """The site's articles as the skeleton knows them, loaded from the build state on demand."""

    def __init__(self, state: BuildState, skeleton: Skeleton, fresh: dict[str, Article]) -> None:
        self.state = state
        self.hashes = skeleton.hashes
        self.settings = skeleton.settings
        self.loaded: dict[str, Article] = dict(fresh)

    def load(self, keys: Iterator[str] | list[str] | set[str]) -> None:
        from .loading import _unpickle

        missing = sorted(k for k in set(keys) if k not in self.loaded)
        rows = self.state.cached_articles(missing) if missing else {}
        for key in missing:
            row = rows.get(key)
            result = _unpickle(row[2]) if row and row[0] == self.hashes.get(key) and row[1] == self.settings else None
            if result is None or result[0] is None:
                raise Stale(key)
            self.loaded[key] = result[0]

    def __getitem__(self, key: str) -> Article:
        if key not in self.loaded:
            self.load([key])
        return self.loaded[key]


class _ByKey(Mapping[str, Article]):
    """``Site.by_key`` over the skeleton's articles."""

    def __init__(self, order: tuple[str, ...], articles: CachedArticles) -> None:
        self._order = order
        self._known = frozenset(order)
        self._articles = articles

    def __getitem__(self, key: str) -> Article:
        if key not in self._known:
            raise KeyError(key)
        return self._articles[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class _Newest(Sequence[Article]):
    """``Site.articles`` over the skeleton's articles: each is loaded when first reached."""

    def __init__(self, order: tuple[str, ...], articles: CachedArticles) -> None:
        self._order = order
        self._articles = articles

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Article, ...]: ...

    def __getitem__(self, index: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(index, slice):
            return tuple(self._articles[k] for k in self._order[index])
        return self._articles[self._order[index]]

    def __iter__(self) -> Iterator[Article]:
        return (self._articles[k] for k in self._order)

    def __len__(self) -> int:
        return len(self._order)


@dataclass
class DeltaPlan:
    """A delta build ready to render: the pages, their digests, what they were, the new state rows."""

    loaded: LoadedSite  # with only the pages to render as its specs
    digests: list[str]
    previous: dict[str, tuple[str, str]]
    images: list[str]  # site paths of the images the pages show
    pages: int  # the site's pages in all
    warnings: list[Problem]
    summary: dict[str, Any]  # the last build's counts (build._remember)
    edits: dict[str, tuple[str, str]]  # source -> (hash, fingerprint), for the state
    valid_until: float


def plan_delta(options: BuildOptions, state: BuildState, scan: Scan, frame: str,
               statics: dict[str, tuple[Path, str]]) -> DeltaPlan | None:
    """The delta build of this state of the sources, or None when it must be a full build.
    ``frame`` and ``statics`` are what ``build._snapshot`` found.

    Reads (and caches in the state) the changed sources; writes nothing else.
    """
    import json

    if state.get_meta("skeleton") != state.get_meta("snapshot") or not state.get_meta("skeleton"):
        return None  # the skeleton is not of the last build
    skeleton = _load_skeleton(state)
    now = options.now
    if skeleton is None or skeleton.frame != frame or now is None or not skeleton.now <= now:
        return None
    if now.timestamp() >= skeleton.valid_until:
        return None
    changed = [s for s in scan.sources if scan.hashes[s.key] != skeleton.hashes.get(s.key)]
    if not changed or len(changed) > MAX_EDITS or any(s.key not in skeleton.placement for s in changed):
        return None
    try:
        last = json.loads(state.get_meta("result") or "")
        warnings = [Problem(**p) for p in last.pop("warnings")]
    except (ValueError, TypeError, KeyError):
        return None
    keys = {s.key for s in changed}
    if any(w.path in keys for w in warnings):
        return None
    config = load_config(options.site)
    settings = article_settings(config)
    if settings != skeleton.settings:
        return None
    hashes = dict(scan.hashes)
    state.begin()
    try:
        results, meanwhile = parse_sources(changed, config, settings, hashes, state, jobs_for(options))
    finally:
        state.commit()  # what was read is true of the files, whatever becomes of this build
    if meanwhile:
        return None
    fresh: dict[str, Article] = {}
    edits: dict[str, tuple[str, str]] = {}
    for key in sorted(keys):
        article, problems = results[key]
        if article is None or problems or digest(placement_text(article)) != skeleton.placement[key]:
            return None
        fresh[key] = article
        fingerprint = digest(hashes[key], settings)
        if key in skeleton.image_signatures:
            fingerprint = digest(fingerprint, *skeleton.image_signatures[key])
        edits[key] = (hashes[key], fingerprint)
    skeleton.fingerprints.update((k, f) for k, (_, f) in edits.items())

    shown = [spec for spec in skeleton.specs if spec[_ARTICLE] in keys or not keys.isdisjoint(spec[_ITEMS])]
    if len(shown) > MAX_PAGES:
        return None
    specs = [PageSpec(*spec) for spec in shown]
    # an article page and a redirect carry their article's headline, which may be the edit
    specs = [PageSpec(*(fresh[s.article].title if name == "title" else getattr(s, name) for name in _SPEC_FIELDS))
             if s.article in fresh and s.kind in ("article", "redirect") else s for s in specs]
    articles = CachedArticles(state, skeleton, fresh)
    needed = {k for spec in specs for k in spec.inputs}
    for spec in specs:
        if spec.kind == "home" and spec.items:  # Site.lead reads every article down to the lead story
            needed.update(skeleton.order[:skeleton.order.index(spec.items[0]) + 1])
    try:
        articles.load(needed)
    except Stale:
        return None
    site = Site(_Newest(skeleton.order, articles), _ByKey(skeleton.order, articles),  # type: ignore[arg-type]
                skeleton.sections, MappingProxyType(skeleton.tags), MappingProxyType(skeleton.authors),
                MappingProxyType(skeleton.months), MappingProxyType(skeleton.previous),
                MappingProxyType(skeleton.next), MappingProxyType(skeleton.related))
    from .images import image_refs
    from .ticker import load_rates

    rates, _ = load_rates(options.site, config.zone)  # its problems, if any, are among the last build's warnings
    images = sorted({path for key in articles.loaded for _, path in image_refs(articles.loaded[key], config.base_path)})
    loaded = LoadedSite(config, site, rates, specs, warnings, last.get("skipped_drafts", 0),
                        last.get("skipped_future", 0), skeleton.fingerprints, len(changed), skeleton.valid_until,
                        statics, {}, frozenset(), (), now)
    page_digests = PageDigests.restore(skeleton.pieces, skeleton.fingerprints)
    previous = state.outputs_of([spec.output for spec in specs])
    if len(previous) != len(specs):
        return None  # a page the last build did not record: the full path knows what to do
    return DeltaPlan(loaded, [page_digests.page(spec, page_digests.urls) for spec in specs], previous, images,
                     len(skeleton.specs), warnings, last, edits, skeleton.valid_until)
