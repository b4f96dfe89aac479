"""Delta builds: an edit that moves no article, rendered without loading the rest of the site.

A full build (see ``build``) loads every article, even the unchanged ones it takes
from the build state, and makes the model, the page plan and every page's digest
before it renders anything: about a second at 10,000 articles. Yet an editor's usual
save (a corrected sentence, a new headline) changes only the pages that show that
article. So each full build leaves a :class:`Skeleton` in ``.newsgen/skeleton.pickle``:
the model's indexes (they hold article keys, not articles), the page plan, and for
each article its fingerprint and a digest of where it sits; the state records which
build it belongs to (:func:`record`). The next build takes the delta path when

- the last build is the one the skeleton belongs to, and its *frame* is the same:
  settings, rates, templates, static files, options and the list of sources, so only
  the bytes of some articles differ (at most ``MAX_EDITS`` of them);
- the clock has not moved past the skeleton's time limit (no article came due, none
  left the news sitemap's window) nor gone back before its build;
- each changed source is a published article that parses without a problem and sits
  where it did (``model.placement_text``: URL, date, section, tags, authors, images,
  flags, modification time), and the last build gave no warning about it;
- the output folder still holds a sample of the plan's pages.

Then every index of the site is the skeleton's, and the pages to render are exactly
those whose spec shows a changed article (``PageSpec.inputs``): the pages whose digest
the full path would find changed. They are rendered with a :class:`~newsgen.model.Site`
whose articles are loaded from the build state's article cache when asked for, and
written as an incremental build writes them. In every other case, and whenever a
cached article is not the version the skeleton was made from, :func:`plan_delta`
returns None before writing anything, and the caller runs the full build (which
leaves a new skeleton). The property-based invariant test holds delta builds, like
the other paths, to "equal to a clean build, byte for byte".
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, partial
from itertools import compress
from operator import ne
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, overload

from . import __version__, sealed
from .config import Config
from .digests import PageDigests, Pieces
from .hashing import digest
from .dates import Window
from .errors import Problem
from .inputs import signature as file_signature
from .bundles import place_resources
from .scan import Scan, Source
from .loading import LoadedSite, article_settings, parse_sources, people_of
from .parallel import jobs_for
from .options import BuildOptions
from .model import Article, Author, Section, Site, Term, placement_text
from .kinds import Kind, PageSpec, retitled
from .people import People
from .state import STATE_DIR, BuildState
from .references import has_references
from .targets import broken_links

FORMAT = "5"  # bump when what a skeleton means changes beyond the fields its classes show (see _layout)
# A file beside the state database, not a row in it: SQLite reads a 6 MB value (10,000
# articles) through a chain of overflow pages, several times slower than a file read.
SKELETON_FILE = "skeleton.pickle"
MAX_EDITS = 50  # more changed sources than this are read on every core by the full path
MAX_PAGES = 400  # likewise for pages to render (a delta build renders in one process)

_SPEC_FIELDS = tuple(f.name for f in fields(PageSpec))
_ARTICLE, _ITEMS, _PICKS = (_SPEC_FIELDS.index(name) for name in ("article", "items", "picks"))
DIGEST_SIZE = 16  # of each item of the skeleton file (see Items)
SAMPLE = 64  # pages of the output checked to exist before a delta build trusts it (see plan_delta)


class Stale(Exception):
    """A cached article is not the version the skeleton was made from, or the skeleton
    cannot be read: build the full way."""


@dataclass
class Skeleton:
    """The site's model and page plan as a delta build needs them, kept in ``SKELETON_FILE``.

    Everything here follows from the sources, the settings and the static files (the
    *model* digest of ``build._snapshot``) within a time limit: rates and templates
    change none of it, so a build that changes only those keeps the file (see :func:`record`).

    Read on every edit, the file's sealed header holds little more than numbers: at
    100,000 articles, the sources' keys and hashes as text and every index's article
    keys as strings made a 24 MB header, 0.17 s of each edit to authenticate, unpickle
    and compare. So the skeleton names its sources by a digest of their keys (the scan's,
    which lists the same sources: the frame holds them), holds every list of articles as
    positions in those keys, sorted (see :class:`Indexes`), and leaves the hashes of the
    sources behind the header with the entries and the pages' specs (see :class:`Items`),
    read only when the scan cannot tell what changed since (see :meth:`changed`). What
    the skeleton knows of each source (:class:`Entry`) is kept marshalled, one entry to a
    source, and read only for the sources a delta build asks about.

    A skeleton read from its file is :meth:`bound` to the scan's keys before it is used.
    """

    settings: str  # what the cached articles were read with (loading.article_settings)
    sources: str  # the digest of every source's key, sorted (scan.keys_digest)
    hashes: Sequence[bytes]  # one item: the hash of each source's bytes, one to a line, in key order
    entries: Sequence[bytes]  # each source's Entry, marshalled, in key order (see entry())
    indexes: Indexes  # the site's
    # Every page's PageSpec, each pickled on its own with its articles as positions in ``order``:
    # a delta build unpickles the few it renders (all thirteen thousand at 10,000 articles
    # would be most of the time it takes to load this).
    specs: Sequence[bytes]
    # a site of several editions: each one's indexes by language, and the translations of each article
    editions: dict[str, Indexes] = field(default_factory=dict)
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # each page bundle's folder -> its articles' URLs, where its files are served (see loading.bundle_urls)
    bundles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # sources delta builds read since the skeleton was written: key -> (hash, fingerprint), which
    # hold over the entries' (see _load_skeleton)
    edited: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._read: dict[str, Entry | None] = {}
        self._keys: list[str] = []

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def bound(self, keys: list[str], digest: str) -> Skeleton:
        """This skeleton with the sources' ``keys`` (sorted; ``digest`` is theirs, see
        ``scan.keys_digest``) its positions refer to; raises Stale unless they are the ones
        it was made from."""
        if digest != self.sources:
            raise Stale("the skeleton's sources are not the scan's")
        self._keys = keys
        return self

    @cached_property
    def order(self) -> Listed:
        """The published articles, newest first."""
        return self.indexes.order(self._keys)

    def site_indexes(self) -> tuple[Listed, BoundIndexes]:
        """The site's indexes, each list of articles as their keys (each read when asked for)."""
        return self.order, self.indexes.bound(self._keys)

    def edition_indexes(self, lang: str) -> tuple[Listed, BoundIndexes]:
        return self.editions[lang].order(self._keys), self.editions[lang].bound(self._keys)

    def entry(self, key: str) -> Entry | None:
        """What the skeleton knows of source ``key``; None for a source it does not know."""
        if key not in self._read:
            at = self._position(key)
            self._read[key] = None if at is None else self._entry(marshal.loads(self.entries[at]))
        return self._read[key]

    def _entry(self, packed: tuple[Any, ...]) -> Entry:
        fingerprint, placement, images, older, newer, related, shows = packed
        order = self.order
        return Entry(fingerprint, placement, images, order[older] if older >= 0 else None,
                     order[newer] if newer >= 0 else None,
                     tuple(order[i] for i in related) if related is not None else None, shows)

    def _position(self, key: str) -> int | None:
        return _position(self._keys, key)

    def changed(self, hashes: Mapping[str, str]) -> list[str]:
        """Of the sources, with their ``hashes`` now, those whose bytes are not the ones the
        skeleton (with the delta builds since) was made from: every hash compared, in C."""
        keys = self._keys
        try:
            known = self.hashes[0].decode().split("\n") if keys else []
        except (IndexError, UnicodeDecodeError) as exc:
            raise Stale("the skeleton's hashes cannot be read") from exc
        if len(known) != len(keys):
            raise Stale("the skeleton's hashes are not its sources'")
        for key, (source_hash, _) in self.edited.items():
            at = self._position(key)
            if at is not None:
                known[at] = source_hash
        return list(compress(keys, map(ne, known, map(hashes.__getitem__, keys))))


def _position(keys: list[str], key: str) -> int | None:
    """Where ``key`` is in the sorted ``keys``; None when it is not there."""
    at = bisect_left(keys, key)
    return at if at < len(keys) and keys[at] == key else None


def _positions(keys: Iterable[str], position: Mapping[str, int]) -> bytes:
    return array("I", map(position.__getitem__, keys)).tobytes()


class Listed(Sequence[str]):
    """A list of articles (keys, newest first) kept as their positions in the sorted sources,
    each key looked up when asked for: a delta build reaches a few hundred of 100,000, and
    making all of them into a tuple, and a set to tell who is in it, took 0.04-0.07 s."""

    def __init__(self, keys: list[str], positions: bytes, members: bytes | None = None) -> None:
        self._keys = keys
        self._at = array("I", positions)
        self._members = members  # a byte for each source, 1 for those in the list; None: look in the list

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(map(self._keys.__getitem__, self._at[index]))
        return self._keys[self._at[index]]

    def __len__(self) -> int:
        return len(self._at)

    def __iter__(self) -> Iterator[str]:
        return map(self._keys.__getitem__, self._at)

    def __contains__(self, key: object) -> bool:
        return self._listed_at(key) is not None

    def _listed_at(self, key: object) -> int | None:
        """Where ``key`` is among the sorted sources, if it is in this list."""
        at = _position(self._keys, key) if isinstance(key, str) else None
        if at is None:
            return None
        members = self._members
        return at if (members[at] == 1 if members is not None and at < len(members) else at in self._at) else None

    def __eq__(self, other: object) -> bool:  # as the tuple of keys it stands for
        return tuple(self) == (tuple(other) if isinstance(other, Listed) else other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def index(self, key: Any, start: int = 0, stop: int | None = None) -> int:
        at = self._listed_at(key)
        if at is None:
            raise ValueError(f"{key!r} is not listed")
        return self._at.index(at, start, len(self._at) if stop is None else stop)


def _keys_at(keys: list[str], positions: bytes) -> tuple[str, ...]:
    return tuple(map(keys.__getitem__, array("I", positions)))


@dataclass
class Indexes:
    """A site's or an edition's indexes as the skeleton keeps them: each list of articles as
    their positions in the sorted sources (4 bytes each, where a key unpickles as a string)."""

    articles: bytes  # newest first
    members: bytes  # a byte for each source: 1 for those among the articles (see Listed)
    sections: tuple[tuple[Section, bytes], ...]  # each section, without its articles, and its articles
    tags: dict[str, tuple[Term, bytes]]
    authors: dict[str, tuple[Author, bytes]]
    months: dict[tuple[int, int], bytes]

    @classmethod
    def of(cls, site: Site, position: Mapping[str, int]) -> Indexes:
        members = bytearray(len(position))
        for article in site.articles:
            members[position[article.key]] = 1
        return cls(articles=_positions((a.key for a in site.articles), position), members=bytes(members),
                   sections=tuple((replace(s, articles=()), _positions(s.articles, position)) for s in site.sections),
                   tags={slug: (term, _positions(keys, position)) for slug, (term, keys) in site.tags.items()},
                   authors={slug: (who, _positions(keys, position)) for slug, (who, keys) in site.authors.items()},
                   months={month: _positions(keys, position) for month, keys in site.months.items()})

    def order(self, keys: list[str]) -> Listed:
        return Listed(keys, self.articles, self.members)

    def bound(self, keys: list[str]) -> BoundIndexes:
        def listed(packed: tuple[Term, bytes]) -> tuple[Term, tuple[str, ...]]:
            return packed[0], _keys_at(keys, packed[1])
        return BoundIndexes(tuple(replace(section, articles=Listed(keys, at)) for section, at in self.sections),  # type: ignore[arg-type]
                            _Unpacked(self.tags, listed), _Unpacked(self.authors, listed),
                            _Unpacked(self.months, partial(_keys_at, keys)))


class BoundIndexes(NamedTuple):
    """:class:`Indexes` with their articles' keys, as ``model.Site`` holds them."""

    sections: tuple[Section, ...]
    tags: Mapping[str, tuple[Term, tuple[str, ...]]]
    authors: Mapping[str, tuple[Author, tuple[str, ...]]]
    months: Mapping[tuple[int, int], tuple[str, ...]]


class _Unpacked(Mapping[Any, Any]):
    """A read-only mapping whose values are unpacked when first asked for: a delta build
    looks at the few tags, authors and months of the articles it renders."""

    def __init__(self, packed: Mapping[Any, Any], unpack: Callable[[Any], Any]) -> None:
        self._packed = packed
        self._unpack = unpack
        self._done: dict[Any, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = self._done[key] = self._unpack(self._packed[key])
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self) -> Iterator[Any]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class Entry(NamedTuple):
    """What the skeleton knows of one source (kept with its articles as positions in ``Skeleton.order``)."""

    fingerprint: str | None  # see digests.PageDigests
    placement: str | None  # digest of model.placement_text; None for a source that is not a published article
    images: tuple[str, ...] | None  # its images' signatures, part of its fingerprint
    previous: str | None  # the older and newer articles in its section
    next: str | None
    related: tuple[str, ...] | None
    shows: bytes  # the indexes of the specs that show it, as array('I') bytes


class _EntryField(Mapping[str, Any]):
    """One field of the skeleton's entries as a read-only mapping, each entry read when asked
    (``Site.previous``, ``Site.related``...: a delta build looks at a few articles' only)."""

    def __init__(self, skeleton: Skeleton, name: str) -> None:
        self._skeleton = skeleton
        self._index = Entry._fields.index(name)

    def __getitem__(self, key: str) -> Any:
        entry = self._skeleton.entry(key)
        value = None if entry is None else entry[self._index]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:  # reads every entry: not on a delta build's way
        return (key for key in self._skeleton._keys if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Fingerprints(_EntryField):
    """Every source's fingerprint: the entries', those delta builds read since, and this build's edits."""

    def __init__(self, skeleton: Skeleton) -> None:
        super().__init__(skeleton, "fingerprint")
        self.edits: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        if key in self.edits:
            return self.edits[key]
        if key in self._skeleton.edited:
            return self._skeleton.edited[key][1]
        return str(super().__getitem__(key))


def record(state: BuildState, site_root: Path, loaded: LoadedSite, scan: Scan, snapshot: str, frame: str, model: str,
           pieces: Pieces) -> tuple[str, bool] | None:
    """What the state records about the skeleton after a full build that has just succeeded
    (a JSON text), and whether the skeleton file is new; None when it could not be written.

    The file is written again only when the model changed or time moved past its limit:
    after new rates or a template change it still holds, and only this record changes.
    """
    now = loaded.now or datetime.now(timezone.utc)
    last = SkeletonRecord.read(state)
    if (last is not None and last.model == model and Window(last.now, last.valid_until).holds(now)
            and last.file == _file_signature(site_root) and last.layout == f"{__version__}:{_layout()}"
            and last.settings == article_settings(loaded.config, loaded.people)):
        return replace(last, snapshot=snapshot, frame=frame, pieces=pieces, sources=scan.hashes_digest).text(), False
    token = _write(site_root, _skeleton_of(loaded, scan, state))
    if not token:
        return None
    return SkeletonRecord(snapshot=snapshot, frame=frame, model=model, pieces=pieces, token=token,
                          file=_file_signature(site_root), layout=f"{__version__}:{_layout()}",
                          settings=article_settings(loaded.config, loaded.people), now=now.timestamp(),
                          valid_until=loaded.valid_until, sources=scan.hashes_digest).text(), True


def _skeleton_of(loaded: LoadedSite, scan: Scan, state: BuildState) -> Skeleton:
    site = loaded.site
    statics = loaded.statics
    settings = article_settings(loaded.config, loaded.people)
    hashes = scan.hashes
    # the digests made when each article was parsed (see loading._parse_chunk); the others are made here
    made = {key: placement for key, (source_hash, made_with, placement) in state.placements().items()
            if source_hash == hashes.get(key) and made_with == settings}
    position = {a.key: i for i, a in enumerate(site.articles)}
    placement = {a.key: made.get(a.key) or digest(placement_text(a)) for a in site.articles}
    images = {key: tuple(statics[p.lstrip("/")][1] for p in paths) for key, paths in loaded.images.items()}
    shows = _shows(loaded.specs)
    previous, following, related = site.previous, site.next, site.related
    fingerprints = loaded.fingerprints
    keys = scan.keys
    source_at = {key: i for i, key in enumerate(keys)}

    def at(key: str | None) -> int:
        return -1 if key is None else position[key]
    return Skeleton(
        settings=settings, sources=scan.keys_digest, hashes=["\n".join(map(hashes.__getitem__, keys)).encode()],
        entries=[marshal.dumps((fingerprints.get(key), placement.get(key), images.get(key),
                                at(previous.get(key)), at(following.get(key)),
                                tuple(map(position.__getitem__, related[key])) if key in related else None,
                                shows.get(key, b"")))
                 for key in keys],
        indexes=Indexes.of(site, source_at),
        specs=[_packed(spec, position) for spec in loaded.specs],
        editions={lang: Indexes.of(e, source_at) for lang, e in site.editions.items()},
        translations=dict(site.translations), bundles=dict(loaded.bundles))


def _shows(specs: list[PageSpec]) -> dict[str, bytes]:
    found: dict[str, list[int]] = {}
    for index, spec in enumerate(specs):
        for key in spec.inputs:
            found.setdefault(key, []).append(index)
    return {key: array("I", indexes).tobytes() for key, indexes in found.items()}


def _packed(spec: PageSpec, position: dict[str, int]) -> bytes:
    values: list[Any] = [getattr(spec, name) for name in _SPEC_FIELDS]
    values[_ARTICLE] = position[spec.article] if spec.article else -1
    values[_ITEMS] = array("I", [position[k] for k in spec.items]).tobytes()
    values[_PICKS] = array("I", [position[k] for k in spec.picks]).tobytes()
    return pickle.dumps(tuple(values), protocol=pickle.HIGHEST_PROTOCOL)


def _spec(data: bytes, order: Sequence[str]) -> PageSpec:
    """A page's spec from the skeleton; raises Stale when it cannot be read (a damaged file)."""
    try:
        values = list(pickle.loads(data))
        values[_ARTICLE] = order[values[_ARTICLE]] if values[_ARTICLE] >= 0 else ""
        values[_ITEMS] = tuple(order[i] for i in array("I", values[_ITEMS]))
        values[_PICKS] = tuple(order[i] for i in array("I", values[_PICKS]))
        return PageSpec(*values)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with the file, the full build is right
        raise Stale("a page of the skeleton cannot be read") from exc


class Items(Sequence[bytes]):
    """A skeleton's entries or pages' specs as its file keeps them: one after another after
    the file's header, each read from the file when asked for.

    A delta build asks for a few dozen of them, of some 230,000 at 100,000 articles. So
    the header, which is sealed (see ``sealed``) and read whole, holds only where each item
    is and a digest of its bytes: an item read is trusted when its digest is the header's.
    Sealing and reading the whole 75 MB file took 0.2 s of every edit; the header is a
    fifth of it.
    """

    def __init__(self, places: bytes, digests: bytes) -> None:
        self._places = array("Q", places)  # where each item begins, and where the last one ends
        self._digests = digests  # each item's, DIGEST_SIZE bytes each
        self._file = ""  # where the items are, once the header is read (see _load_skeleton)
        self._start = 0

    @classmethod
    def of(cls, items: Sequence[bytes], start: int) -> Items:
        """The places and digests of ``items``, to be written one after another from ``start``."""
        places = array("Q", [start])
        for item in items:
            places.append(places[-1] + len(item))
        return cls(places.tobytes(), b"".join(hashlib.blake2b(item, digest_size=DIGEST_SIZE).digest()
                                               for item in items))

    def __reduce__(self) -> tuple[Any, ...]:
        return Items, (self._places.tobytes(), self._digests)

    def stored_in(self, path: str, start: int) -> None:
        self._file, self._start = path, start

    def __len__(self) -> int:
        return max(0, len(self._places) - 1)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        begin, end = self._places[index], self._places[index + 1]
        try:
            with open(self._file, "rb") as file:
                file.seek(self._start + begin)
                data = file.read(end - begin)
        except OSError as exc:
            raise Stale("the skeleton file cannot be read") from exc
        if hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest() != self._digests[
                index * DIGEST_SIZE:(index + 1) * DIGEST_SIZE]:
            raise Stale("the skeleton file is not the one its header describes")
        return data


_STORED_AS_ITEMS = ("hashes", "entries", "specs")  # the skeleton's fields kept behind its header


def write_file(path: Path, header: tuple[str, str, str, Skeleton]) -> None:
    """Write a skeleton file: its sealed header (layout, version, token and the skeleton with
    where its items are), then the items (see :class:`Items`)."""
    layout, version, token, skeleton = header
    parts = [list(getattr(skeleton, name)) for name in _STORED_AS_ITEMS]
    places: dict[str, Items] = {}
    start = 0
    for name, items in zip(_STORED_AS_ITEMS, parts):
        places[name] = Items.of(items, start)
        start += sum(map(len, items))
    sealed_header = sealed.dumps((layout, version, token, replace(skeleton, **places)))  # type: ignore[arg-type]
    with open(path, "wb") as file:
        file.write(len(sealed_header).to_bytes(8, "little"))
        file.write(sealed_header)
        for items in parts:
            for item in items:
                file.write(item)


def read_file(path: Path) -> tuple[str, str, str, Skeleton]:
    """A skeleton file's header, its items left in the file until asked for; raises
    ``sealed.Unsealed`` for a header this user's builds did not write, OSError or
    ValueError for a file that is not whole."""
    with open(path, "rb") as file:
        size = int.from_bytes(file.read(8), "little")
        if size > os.fstat(file.fileno()).st_size:
            raise ValueError("the skeleton file is cut short")
        header = sealed.loads(file.read(size))  # never unpickled unless sealed by us
    layout, version, token, skeleton = header
    if not isinstance(skeleton, Skeleton):
        raise ValueError("not a skeleton")
    for items in (getattr(skeleton, name, None) for name in _STORED_AS_ITEMS):
        if not isinstance(items, Items):
            raise ValueError("not a skeleton")
        items.stored_in(str(path), 8 + size)
    return layout, version, token, skeleton


def _write(site_root: Path, skeleton: Skeleton) -> str:
    """Write the skeleton file; its token, which the state records once the build is done, or ''."""
    token = os.urandom(16).hex()
    path = site_root / STATE_DIR / SKELETON_FILE
    temporary = path.with_name(f".{SKELETON_FILE}.{os.getpid()}")
    try:
        write_file(temporary, (_layout(), __version__, token, skeleton))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return ""
    return token


def _layout() -> str:
    """The skeleton's format: ``FORMAT`` and the fields of the classes it stores (specs are
    stored as tuples), so that a skeleton from a newsgen whose classes differ is never read."""
    classes = (Skeleton, Indexes, PageSpec, Section, Term, Author)
    return (f"{FORMAT}:" + "|".join(",".join(f.name for f in fields(cls)) for cls in classes)
            + "|" + ",".join(Entry._fields))


def _file_signature(site_root: Path) -> str:
    """The skeleton file's size, modification time and inode ('' when there is none): a file
    changed or replaced since its build is not kept by the next one."""
    try:
        info = os.stat(site_root / STATE_DIR / SKELETON_FILE)
    except OSError:
        return ""
    return file_signature(info)


@dataclass(frozen=True)
class SkeletonRecord:
    """The state's record of the skeleton file: the build it describes (its snapshot, frame
    and model digests, see ``build._snapshot``), the site-wide page digests, the file's
    token, signature and layout, the article settings, and its time limits; and the
    digest of the sources' hashes the output shows, which delta builds move on."""

    snapshot: str
    frame: str
    model: str
    pieces: Pieces
    token: str
    file: str
    layout: str
    settings: str
    now: float
    valid_until: float
    sources: str  # scan.hashes_digest of the last build that wrote the output (see Scan.changed_since)

    def text(self) -> str:
        return json.dumps({**{f.name: getattr(self, f.name) for f in fields(self)}, "pieces": self.pieces.to_json()})

    @classmethod
    def read(cls, state: BuildState) -> SkeletonRecord | None:
        """The record in the state; None when there is none, or it is not one this newsgen wrote."""
        try:
            data = json.loads(state.skeleton_record() or "")
            pieces = Pieces.from_json(data.pop("pieces"))
            texts = [data.pop(name) for name in ("snapshot", "frame", "model", "token", "file", "layout", "settings",
                                                 "sources")]
            times = [data.pop(name) for name in ("now", "valid_until")]
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if (pieces is None or data or not all(isinstance(t, str) and t for t in texts)
                or not all(isinstance(t, (int, float)) for t in times)):
            return None
        snapshot, frame, model, token, file, layout, settings, sources = texts
        return cls(snapshot=snapshot, frame=frame, model=model, pieces=pieces, token=token, file=file,
                   layout=layout, settings=settings, now=float(times[0]), valid_until=float(times[1]), sources=sources)


def _load_skeleton(state: BuildState, site_root: Path, token: str, scan: Scan) -> Skeleton | None:
    """The skeleton file with the state's ``token``, bound to the sources the ``scan`` found,
    with the changes delta builds made since; None unless it was made from those sources.

    The file is written before the state records its token, so a build stopped in
    between leaves a file that no state names: it is never read as the last build's.
    """
    try:
        version, made_by, found, skeleton = read_file(site_root / STATE_DIR / SKELETON_FILE)
        if (version, made_by, found) != (_layout(), __version__, token):
            return None
        skeleton = skeleton.bound(scan.keys, scan.keys_digest)
    except Exception:  # noqa: BLE001 - a missing or damaged skeleton only means: build the full way
        return None
    skeleton.edited = state.skeleton_sources()  # what delta builds read since
    return skeleton


class CachedArticles:
    """The site's articles as the skeleton knows them, loaded from the build state on demand.

    A cached article is taken only when it was read from the bytes the source has now
    (``hashes``, the scan's) with the skeleton's settings: the articles whose bytes
    changed since the skeleton (with the delta builds since) are the ``fresh`` ones, so
    every other is the version the skeleton was made from."""

    def __init__(self, state: BuildState, skeleton: Skeleton, fresh: dict[str, Article],
                 hashes: Mapping[str, str]) -> None:
        self.state = state
        self.hashes = hashes
        self.settings = skeleton.settings
        self.loaded: dict[str, Article] = dict(fresh)
        self.process = os.getpid()

    def load(self, keys: Iterator[str] | list[str] | set[str]) -> None:
        from .loading import _unpickle

        missing = sorted(k for k in set(keys) if k not in self.loaded)
        if missing and os.getpid() != self.process:  # a forked worker: the database connection is the parent's
            raise Stale(missing[0])
        rows = {k: (h, s, d) for k, h, s, d in self.state.cached_articles(missing)} if missing else {}
        for key in missing:
            row = rows.get(key)
            fits = row is not None and row[0] == self.hashes.get(key) and row[1] == self.settings
            result = _unpickle(row[2]) if row is not None and fits else None
            if result is None or result[0] is None:
                raise Stale(key)
            self.loaded[key] = result[0]

    def __getitem__(self, key: str) -> Article:
        if key not in self.loaded:
            self.load([key])
        return self.loaded[key]


class _ByKey(Mapping[str, Article]):
    """``Site.by_key`` over the skeleton's articles; for the whole site (not an edition), an
    article already loaded is in it (every one loaded is published) and needs no looking up."""

    def __init__(self, order: Listed, articles: CachedArticles, whole_site: bool) -> None:
        self._order = order
        self._articles = articles
        self._whole_site = whole_site

    def __getitem__(self, key: str) -> Article:
        if self._whole_site and key in self._articles.loaded:
            return self._articles.loaded[key]
        if key not in self._order:
            raise KeyError(key)
        return self._articles[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class _Newest(Sequence[Article]):
    """``Site.articles`` over the skeleton's articles: each is loaded when first reached."""

    def __init__(self, order: Listed, articles: CachedArticles) -> None:
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


@dataclass(frozen=True, kw_only=True)
class DeltaPlan:
    """A delta build ready to render: the pages, their digests, what they were, the new state rows."""

    loaded: LoadedSite  # with only the pages to render as its specs
    digests: list[str]
    previous: dict[str, tuple[str, str]]
    images: list[str]  # site paths of the images the pages show
    pages: int  # the site's pages in all
    warnings: list[Problem]  # the last build's, which are this one's (see _read_changed)
    edits: dict[str, tuple[str, str]]  # source -> (hash, fingerprint), for the state
    articles: dict[str, Article]  # source -> the article read from it, for watch mode's memory
    record: str  # the skeleton's record in the state after this build (see :func:`record`)


def plan_delta(options: BuildOptions, state: BuildState, scan: Scan, inputs: tuple[str, str, str],
               statics: dict[str, tuple[Path, str]]) -> DeltaPlan | None:
    """The delta build of this state of the sources, or None when it must be a full build.
    ``inputs`` (snapshot, frame and model digests) and ``statics`` are what ``build._snapshot``
    found.

    Reads (and caches in the state) the changed sources; writes nothing else.
    """
    snapshot, frame, model = inputs
    record = SkeletonRecord.read(state)
    last = state.last_build()
    if record is None or last is None or record.snapshot != last.snapshot or record.frame != frame:
        return None  # not the skeleton of the last build (one that stopped before recording it), or more than text changed
    # the clock is within both the skeleton's time limits and those of the last build, which
    # wrote the output: no article came due or left the news sitemap's window since, and the
    # clock did not go back
    if not (Window(record.now, record.valid_until) & last.window).holds(options.now):
        return None
    skeleton = _load_skeleton(state, options.site, record.token, scan)
    if skeleton is None:  # damaged, gone or another site's: the full build that follows writes it again
        return None
    # the sources whose bytes the output does not show: as the scan tells when it compared them
    # with the record of the sources the output shows (the usual edit), else hash by hash
    differ = scan.changed_since(record.sources)
    if differ is None:
        try:
            differ = skeleton.changed(scan.hashes)
        except Stale:
            return None
    # and those whose pages watch mode's preview wrote since: an edit undone before this
    # build would otherwise leave the previewed page (see state.mark_previewed)
    previewed = state.previewed()
    if any(key not in scan.hashes for key in previewed):
        return None  # a previewed source is gone
    changed = [Source(key, scan.path(key)) for key in sorted({*differ, *previewed})]
    if not changed or len(changed) > MAX_EDITS or any(_placement(skeleton, s.key) is None for s in changed):
        return None
    warnings = list(last.summary.warnings)
    from .data import load_data

    data, _ = load_data(options.site)  # unchanged since the last build (the frame holds it): so are its problems
    people, _ = people_of(data)
    read = _read_changed(options, state, scan, skeleton, changed, warnings, people)
    if read is None:
        return None
    config, fresh, edits = read
    if has_references(fresh.values()):
        return None  # a link to another article by its file waits for every article: the full path
    served = _OnDisk(options.output_dir)  # the last build's whole output: a delta build adds and removes no page
    if any(broken_links(a.site_links, served) for a in fresh.values()):
        return None  # a link that leads nowhere is a problem of the article, which the full path reports
    fingerprints = _Fingerprints(skeleton)
    fingerprints.edits.update((k, f) for k, (_, f) in edits.items())
    # no article moved, and the frame holds the files: the bundles' files are where the last build put them
    statics = place_resources(statics, options.site, skeleton.bundles)
    specs = _pages_showing(set(fresh), skeleton, options.output_dir, statics)
    if specs is None:
        return None
    articles = CachedArticles(state, skeleton, fresh, scan.hashes)
    needed = {k for spec in specs for k in spec.inputs}
    for spec in specs:
        if spec.kind is Kind.HOME and spec.items:  # Site.lead reads every article down to the lead story
            order = skeleton.edition_indexes(spec.lang)[0] if spec.lang in skeleton.editions else skeleton.order
            needed.update(order[:order.index(spec.items[0]) + 1])
    try:
        articles.load(needed)
    except Stale:
        return None
    if has_references(articles.loaded.values()):
        return None  # the state keeps articles as read, before their links by file got addresses: the full path
    # an article page and a redirect carry their article's headline, which this edit or an
    # earlier delta build may have changed since the skeleton was written
    specs = retitled(specs, lambda key: articles[key].title)
    older, newer, related = (_EntryField(skeleton, name) for name in ("previous", "next", "related"))
    editions = {lang: _site(*skeleton.edition_indexes(lang), articles, False, older, newer, related)
                for lang in skeleton.editions}
    site = _site(*skeleton.site_indexes(), articles, True, older, newer, related, MappingProxyType(editions),
                 MappingProxyType(skeleton.translations))
    from .images import image_refs
    from .ticker import load_rates

    rates, _ = load_rates(options.site, config.zone, config.ticker)  # its problems, if any, are among the last build's warnings
    data, _ = load_data(options.site)  # unchanged since the last build (the frame holds it): so are its problems
    images = sorted({path for key in articles.loaded for _, path in image_refs(articles.loaded[key], config.base_path)})
    loaded = LoadedSite(config=config, site=site, rates=rates, specs=specs, warnings=warnings,
                        skipped_drafts=last.summary.skipped_drafts, skipped_future=last.summary.skipped_future,
                        fingerprints=fingerprints, parsed=len(changed), valid_until=record.valid_until,
                        statics=statics, now=options.now, data=data, people=people,
                        bundles=skeleton.bundles)
    page_digests = PageDigests.restore(record.pieces, fingerprints)
    previous = state.outputs_of([spec.output for spec in specs])
    if len(previous) != len(specs):
        return None  # a page the last build did not record: the full path knows what to do
    return DeltaPlan(loaded=loaded, digests=[page_digests.page(spec, page_digests.urls) for spec in specs],
                     previous=previous, images=images, pages=len(skeleton.specs), warnings=warnings, edits=edits,
                     articles=fresh, record=replace(record, snapshot=snapshot, model=model,
                                                    sources=scan.hashes_digest).text())


def _site(order: Listed, indexes: BoundIndexes, articles: CachedArticles, whole_site: bool,
          *links: Mapping[str, Any]) -> Site:
    """A site (or an edition) over the skeleton's indexes, its articles loaded when reached."""
    return Site(_Newest(order, articles), _ByKey(order, articles, whole_site), *indexes, *links)  # type: ignore[arg-type]


def _read_changed(options: BuildOptions, state: BuildState, scan: Scan, skeleton: Skeleton, changed: list[Source],
                  warnings: list[Problem], people: People) -> tuple[Config, dict[str, Article], dict[str, tuple[str, str]]] | None:
    """Parse the changed sources, caching them in the state: the settings, the new articles and
    their (hash, fingerprint) for the state, or None unless each parses without a problem and
    sits where it did."""
    keys = {s.key for s in changed}
    if any(w.path in keys for w in warnings):  # its warnings must be found again, which the full path does
        return None
    config = options.config()
    settings = article_settings(config, people)
    if settings != skeleton.settings:
        return None
    hashes = {key: scan.hashes[key] for key in keys}  # parse_sources updates those saved again since the scan
    state.begin()
    try:
        results, placements, meanwhile = parse_sources(changed, config, people, settings, hashes, state,
                                                         jobs_for(options.jobs))
    finally:
        state.commit()  # what was read is true of the files, whatever becomes of this build
    if meanwhile:
        return None
    fresh: dict[str, Article] = {}
    edits: dict[str, tuple[str, str]] = {}
    for key in sorted(keys):
        article, problems = results[key]
        if article is None or problems or placements[key] != _placement(skeleton, key):
            return None
        fresh[key] = article
        fingerprint = digest(hashes[key], settings)
        images = _entry_of(skeleton, key).images
        if images is not None:
            fingerprint = digest(fingerprint, *images)
        edits[key] = (hashes[key], fingerprint)
    return config, fresh, edits


def _entry_of(skeleton: Skeleton, key: str) -> Entry:
    """The skeleton's entry for ``key``; raises Stale for a key it lacks, or an entry it cannot read."""
    try:
        entry = skeleton.entry(key)
    except (ValueError, TypeError, EOFError, LookupError) as exc:  # a skeleton that unpickles but is not whole
        raise Stale(f"the skeleton's entry for {key} cannot be read") from exc
    if entry is None:
        raise Stale(f"the skeleton has no entry for {key}")
    return entry


def _placement(skeleton: Skeleton, key: str) -> str | None:
    """Where the published article ``key`` sat (see ``model.placement_text``); None for any other source."""
    try:
        return _entry_of(skeleton, key).placement
    except Stale:
        return None


class _OnDisk:
    """The files of an output folder, asked one at a time (``in``) instead of listed."""

    def __init__(self, output: Path) -> None:
        self.output = output

    def __contains__(self, relative: object) -> bool:
        return isinstance(relative, str) and (self.output / relative).is_file()


def _pages_showing(keys: set[str], skeleton: Skeleton, output: Path,
                   statics: dict[str, tuple[Path, str]]) -> list[PageSpec] | None:
    """The specs of the pages that show any of ``keys``, in plan order; None when there are
    more than a delta build takes, the output folder is not whole, or the skeleton is damaged."""
    shown: set[int] = set()
    try:
        for key in keys:
            shown.update(array("I", _entry_of(skeleton, key).shows))
        if len(shown) > MAX_PAGES or not _output_looks_whole(output, skeleton.specs, skeleton.order, statics):
            return None
        return [_spec(skeleton.specs[i], skeleton.order) for i in sorted(shown)]
    except (Stale, IndexError, TypeError, ValueError):  # a skeleton that unpickles but is not whole
        return None


def _output_looks_whole(output: Path, specs: Sequence[bytes], order: Sequence[str], statics: Iterable[str]) -> bool:
    """True when every static file and pages spread over the whole plan are in the output folder.

    A delta build writes only the pages of the edited articles. A folder emptied or
    partly deleted by hand is found by this sample and gets a full build, which writes
    every missing file; a single page deleted by hand is written again by the next full
    build (``newsgen build --clean`` writes everything).
    """
    step = max(1, len(specs) // SAMPLE)
    out = str(output)
    if not all(os.path.isfile(os.path.join(out, relative)) for relative in statics):
        return False
    return all(os.path.isfile(os.path.join(out, _spec(spec, order).output)) for spec in (*specs[::step], *specs[-1:]))
