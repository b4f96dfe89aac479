"""The site's search: each edition's articles in Pagefind bundles, kept up to date in
proportion to what changed.

Pagefind has no incremental mode: one bundle is made from all its records at once, in
time and memory that grow with them (about 3 ms and 200 KB a record here). So the index
is *segmented*, as a search engine keeps its index:

- **Archive segments** hold the articles in date order, ``Config.search_segment`` to a
  segment at most. A segment's bundle is never rewritten for an edit: an article edited
  or withdrawn is only listed as *dead* in it (by its Pagefind fragment id), and the
  search page skips dead results.
- **The recent segment** takes every new and edited article. It is the one bundle an
  edit rewrites, and it stays small: past ``recent_limit`` records it is *sealed*, merged
  into the newest archive segment if that has room, else made an archive segment of its
  own. An archive segment more than a quarter dead is *compacted* (made again from its
  live records). A clean build makes every segment afresh, in date order.
- Each segment is a Pagefind bundle in a folder of its own (named anew every time it is
  made, so no reader's browser mixes an old file with a new one); ``segments.json``
  lists them, newest first, with their dead ids and their date range, and is replaced
  in one step after the new bundles are written. The search page (``static/js/search.js``)
  queries the segments and merges their results: newest first by default, reading
  older segments only as the reader goes down the list.

Records are made from the model (title, summary, the body's text, date, section,
tags), not read back from the pages. A segment is made again from its own fragments
(Pagefind keeps each record's text, meta and filters), so an incremental build needs
only the articles that changed. What the index holds is kept in the build state
(``.newsgen/search.book``: each segment's articles with their record's digest); when it
does not match the output's ``segments.json``, the edition's index is made afresh.
"""
from __future__ import annotations

import gzip
import hashlib
import html
import json
import marshal
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config
from .errors import Problem
from .i18n import long_date
from .indexer import IndexRecord, Indexer, IndexerError, executable
from .sealed import Unsealed, seal, unseal
from .urls import SEARCH_INDEX

if TYPE_CHECKING:
    from .model import Article  # the type only: a build with nothing to do never loads the model

INDEX_FOLDER = SEARCH_INDEX.strip("/")  # under each edition's prefix: /pagefind/, /ru/pagefind/ (plan reserves it)
MANIFEST = "segments.json"
BOOK_FILE = "search.book"  # in the build state's folder
SEGMENTS_FOLDER = "search-segments"  # beside it: each segment's entries (see Segment)
_OLD_BOOK_FILE = "search.json"  # the book as JSON, before BOOK_FILE: removed when a book is written
FORMAT = 1  # of the manifest: bump when what it means changes
BOOK_FORMAT = 2  # of the book, likewise
DEAD_SHARE = 0.25  # an archive segment with more dead records than this share is made again
_KEPT = {"pagefind-entry.json", "pagefind-worker.js"}  # of the bundle's "pagefind-" files, those searches read


def recent_limit(segment: int) -> int:
    """Records the recent segment holds before it is sealed: a tenth of a segment (at least 10),
    so that an edit rewrites at most that many (about 0.15 s at 500 articles a segment)."""
    return max(10, segment // 10)


# ---------------------------------------------------------------------------------------------
# records: what the index holds of an article

_DROPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def body_text(body_html: str) -> str:
    """The text of a rendered body, as Pagefind keeps text: HTML-escaped, one space between words."""
    text = html.unescape(_TAG.sub(" ", _DROPPED.sub(" ", body_html)))
    return html.escape(" ".join(text.split()), quote=False)


def sort_key(article: Article) -> str:
    """The order of results by date, newest first when descending: the publication time in UTC,
    then the URL (so that two articles of the same minute have an order too)."""
    return article.date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") + " " + article.url


def article_record(article: Article, edition: Config) -> IndexRecord:
    """The record of ``article`` in its edition's index (``edition``: the settings as the article's
    edition reads them, ``Config.for_edition``)."""
    text = body_text(article.html)
    summary = html.escape(" ".join(article.summary.split()), quote=False)
    parts = [html.escape(" ".join(article.title.split()), quote=False)]
    if summary and summary.rstrip("…") not in text:
        parts.append(summary)
    parts.append(text)
    section = edition.section_name(article.section)
    meta = {"title": article.title, "date": long_date(article.date.astimezone(edition.zone), edition.language),
            "section": section, "key": sort_key(article)}
    filters = {"section": [section]}
    if article.tags:
        filters["tag"] = sorted({t.name for t in article.tags})
    return IndexRecord(edition.url(article.url), " ".join(parts), edition.language.lower(), meta, filters,
                       {"date": meta["key"]})


def record_digest(record: IndexRecord) -> str:
    return hashlib.blake2b(json.dumps([record.url, record.content, record.language, record.meta, record.filters,
                                       record.sort], ensure_ascii=False, sort_keys=True).encode(),
                           digest_size=12).hexdigest()


def edition_folder(config: Config, lang: str) -> str:
    """Where an edition's index lives in the output: 'pagefind', 'ru/pagefind'."""
    prefix = config.edition(lang).prefix.strip("/")
    return f"{prefix}/{INDEX_FOLDER}" if prefix else INDEX_FOLDER


def index_folders(config: Config) -> list[str]:
    """Every edition's index folder. A site in one language has one, at the root: said without
    its edition, whose name in its own language costs a no-op build a read of the locale data."""
    if not config.languages:
        return [INDEX_FOLDER]
    return [edition_folder(config, e.code) for e in config.editions]


# ---------------------------------------------------------------------------------------------
# the book: what each segment holds


class Segment:
    """One Pagefind bundle of an edition's index.

    Its entries (each record's URL, digest and fragment id) never change once the bundle is
    made, so they are kept in a file of their own under ``SEGMENTS_FOLDER``, written once and
    read only when a build asks for them: an edit reads the segment that holds its article,
    not the whole index's (100,000 articles' entries are 9 MB, which every edit read and
    wrote again when the book held them)."""

    def __init__(self, name: str, entries: dict[str, tuple[str, str]] | None = None, dead: Iterable[str] = (),
                 oldest: str = "", newest: str = "", *, size: int = 0, stored: Path | None = None) -> None:
        self.name = name  # its folder, made anew each time the bundle is
        # url -> (record digest, fragment id); None until read from ``stored`` (none stored: empty)
        self._entries = entries if entries is not None or stored is not None else {}
        self.dead = set(dead)  # fragment ids of records no longer live
        self.oldest, self.newest = oldest, newest  # sort keys of its oldest and newest records
        self.size = len(entries) if entries is not None else size
        self._stored = stored

    @property
    def entries(self) -> dict[str, tuple[str, str]]:
        if self._entries is None:
            self._entries = _read_entries(self._stored)
        return self._entries

    def live(self) -> dict[str, tuple[str, str]]:
        return {url: entry for url, entry in self.entries.items() if entry[1] not in self.dead}

    def copy(self) -> Segment:
        """The same segment with a set of dead ids of its own (the entries are never changed)."""
        return Segment(self.name, self._entries, self.dead, self.oldest, self.newest, size=self.size,
                       stored=self._stored)

    def may_hold(self, key: str) -> bool:
        """Whether a record with sort key ``key`` can be in this segment, by its date range."""
        return self.oldest <= key <= self.newest

    def head(self, entries_file: str) -> tuple[str, list[str], str, str, int, str]:
        return self.name, sorted(self.dead), self.oldest, self.newest, self.size, entries_file

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Segment) and (self.name, self.dead, self.oldest, self.newest, self.size) == (
            other.name, other.dead, other.oldest, other.newest, other.size)

    def __repr__(self) -> str:
        return f"Segment({self.name!r}, size={self.size}, dead={len(self.dead)})"


def _read_entries(path: Path | None) -> dict[str, tuple[str, str]]:
    """A segment's entries from their file; raises :class:`Stale` when it is gone or damaged
    (the next build then makes the index afresh)."""
    try:
        if path is None:
            raise OSError("no file")
        return dict(marshal.loads(unseal(path.read_bytes())))
    except (OSError, ValueError, EOFError, TypeError, Unsealed) as exc:
        raise Stale(f"the entries of a search segment cannot be read ({path})") from exc


@dataclass
class EditionIndex:
    archive: list[Segment] = field(default_factory=list)  # oldest first
    recent: Segment | None = None

    def segments(self) -> list[Segment]:
        return self.archive + ([self.recent] if self.recent is not None else [])


@dataclass
class Book:
    """The build state's record of every edition's index (see the module's docstring): kept in
    ``BOOK_FILE``, each segment's entries in ``SEGMENTS_FOLDER`` beside it. What each article's
    record was made from is in the build state's database (``BuildState.search_inputs``)."""

    generation: int = 0
    segment: int = 0  # the segment size it was made with
    editions: dict[str, EditionIndex] = field(default_factory=dict)  # by index folder
    counter: int = 0  # for new segment names

    @staticmethod
    def read(path: Path) -> Book | None:
        """The book kept at ``path``; None when there is none, or it is damaged, of another
        format, not sealed with this user's key, or a segment's entries file is gone (the
        index is then made afresh). ``marshal`` trusts its input, hence the seal."""
        try:
            form, generation, segment, counter, editions = marshal.loads(unseal(path.read_bytes()))
            if form != BOOK_FORMAT:
                return None
            folder = path.with_name(SEGMENTS_FOLDER)

            def segment_of(head: tuple[str, list[str], str, str, int, str]) -> Segment:
                name, dead, oldest, newest, size, stored = head
                if not (folder / stored).is_file():
                    raise ValueError(f"{stored} is gone")
                return Segment(name, None, dead, oldest, newest, size=size, stored=folder / stored)
            return Book(generation, segment, {name: EditionIndex([segment_of(s) for s in archive],
                                                                 segment_of(recent) if recent else None)
                                              for name, (archive, recent) in editions.items()}, counter)
        except (OSError, ValueError, EOFError, TypeError, AttributeError, Unsealed):
            return None

    def write(self, path: Path) -> None:
        """Write the book: the entries of segments new since it was read (each file once, its
        name its contents' digest), then the book itself in one step; then remove the
        entries of segments it no longer holds."""
        folder = path.with_name(SEGMENTS_FOLDER)
        folder.mkdir(parents=True, exist_ok=True)
        heads: dict[str, tuple[list[Any], Any]] = {}
        kept: set[str] = set()

        def head(segment: Segment) -> tuple[str, list[str], str, str, int, str]:
            if segment._stored is not None:
                stored = segment._stored.name
            else:  # named by a digest of its entries: a clean build names its segments from s1 again
                data = marshal.dumps(sorted(segment.entries.items()))
                stored = f"{segment.name}-{hashlib.blake2b(data, digest_size=12).hexdigest()}"
                if not (folder / stored).is_file():
                    temporary = folder / f".{stored}.new"
                    temporary.write_bytes(seal(data))
                    os.replace(temporary, folder / stored)
            kept.add(stored)
            return segment.head(stored)
        for name, index in self.editions.items():
            heads[name] = ([head(s) for s in index.archive], head(index.recent) if index.recent else None)
        temporary = path.with_name(path.name + ".new")
        temporary.write_bytes(seal(marshal.dumps((BOOK_FORMAT, self.generation, self.segment, self.counter, heads))))
        os.replace(temporary, path)
        path.with_name(_OLD_BOOK_FILE).unlink(missing_ok=True)
        for entry in os.scandir(folder):
            if entry.name not in kept:
                os.unlink(entry.path)


def index_ready(output: Path, config: Config, book: Book | None) -> bool:
    """True when every edition's index in ``output`` is the one ``book`` describes, so that it
    can be updated from the edited articles alone."""
    if book is None or book.segment != config.search_segment:
        return False
    for folder in index_folders(config):
        if (output / folder).is_symlink():
            return False
        manifest = read_manifest(output / folder)
        if folder not in book.editions or manifest is None or manifest.get("generation") != book.generation:
            return False
    return True


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# bringing the index up to date


class Records(Mapping[str, "IndexRecord"]):
    """An edition's records to add or replace, by URL, each made when it is read.

    A record holds its article's whole text: a clean build's records of 100,000 articles,
    made at once, held some 700 MB. Made when read, a clean build holds one segment's at
    a time (see ``_Maker.fresh``), and a record read twice is made twice: read each once.
    """

    def __init__(self) -> None:
        self._sources: dict[str, tuple[Article, Config]] = {}

    def add(self, url: str, article: Article, edition: Config) -> None:
        self._sources[url] = (article, edition)

    def __getitem__(self, url: str) -> IndexRecord:
        return article_record(*self._sources[url])

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def sort_key(self, url: str) -> str:
        """The sort key of the record of ``url`` (see :func:`sort_key`), without making the record."""
        return sort_key(self._sources[url][0])

    def in_date_order(self) -> list[str]:
        """The URLs, oldest first by the records' sort key (without making the records)."""
        return sorted(self._sources, key=lambda url: sort_key(self._sources[url][0]))


@dataclass
class Changes:
    """What one edition's index must take: records to add or replace, and, when ``present`` is
    known (a build that has every article), the URLs of every article the index must hold, so
    that the others leave it. An article present without a record is as it was."""

    records: Records  # url -> record
    present: frozenset[str] | None = None

    @property
    def complete(self) -> bool:
        return self.present is not None


def changes_of(articles: Iterable[Article], config: Config, complete: bool,
               unchanged: Callable[[Article], bool] | None = None) -> dict[str, Changes]:
    """Each edition's :class:`Changes` from ``articles``: all of them (``complete``) or the edited
    ones. A record is made for each article but those ``unchanged`` says are as they were (a
    record is the costly part: about 0.2 ms an article, most of it the body's text)."""
    folders: dict[str, tuple[Records, set[str]]] = (
        {folder: (Records(), set()) for folder in index_folders(config)} if complete else {})
    editions: dict[str, Config] = {}
    for article in articles:
        edition = editions.get(article.lang) or editions.setdefault(article.lang, config.for_edition(article.lang))
        records, present = folders.setdefault(edition_folder(config, article.lang), (Records(), set()))
        url = edition.url(article.url)
        present.add(url)
        if unchanged is None or not unchanged(article):
            records.add(url, article, edition)
    return {folder: Changes(records, frozenset(present) if complete else None)
            for folder, (records, present) in folders.items()}


def update_index(output: Path, config: Config, changes: Mapping[str, Changes], book: Book | None,
                 started: Indexer | None = None) -> Book:
    """Bring each edition's index in ``output`` up to ``changes``; returns the new book.
    ``started``: a Pagefind service the caller started early, used and closed here.

    ``book`` is the last build's record, None for a clean build. An edition whose index on
    disk is not the one the book describes (or a link made by hand in its place) is made
    afresh when its changes are complete (every article of the edition), else this raises
    :class:`Stale`. When nothing changes, nothing is written, and Pagefind is not started.
    Raises IndexerError when Pagefind is missing or fails.
    """
    segment = config.search_segment
    book = book if book is not None and book.segment == segment else None
    new = Book(generation=(book.generation if book else 0) + 1, segment=segment,
               counter=book.counter if book else 0)
    indexer: list[Indexer] = [started] if started is not None else []  # else started for a first bundle
    try:
        for folder in index_folders(config):
            target = output / folder
            if target.is_symlink():  # never written through: replaced by a folder, as a clean build would
                target.unlink()
            previous = book.editions.get(folder) if book is not None else None
            manifest = read_manifest(target)
            if book is None or manifest is None or manifest.get("generation") != book.generation:
                previous = None
            change = changes.get(folder)
            if previous is None and (change is None or change.present is None
                                     or len(change.records) < len(change.present)):
                raise Stale(folder)  # made afresh only from a record of every article
            if change is None:
                assert previous is not None
                new.editions[folder] = previous
                continue
            made = _Maker(indexer, target, new, segment)
            new.editions[folder] = made.fresh(change.records) if previous is None else made.update(previous, change)
    finally:
        for started in indexer:
            started.close()
    if book is not None and new.editions == book.editions:
        return book
    for folder, index in new.editions.items():
        _write_manifest(output / folder, index, new.generation)
        _remove_stale(output / folder, index)
    return new


class Stale(Exception):
    """The index on disk is not what the book says, and the changes at hand cannot make it
    afresh (a delta build has only the edited articles): the caller builds the full way."""


class _Maker:
    """Makes the segments of one edition's index in ``target``."""

    def __init__(self, indexer: list[Indexer], target: Path, book: Book, segment: int) -> None:
        self.indexer, self.target, self.book, self.segment = indexer, target, book, segment

    def fresh(self, records: Records) -> EditionIndex:
        """Every segment afresh, in date order: one segment's records made and held at a time."""
        ordered = records.in_date_order()
        archive = [self._make([records[url] for url in ordered[at:at + self.segment]])
                   for at in range(0, len(ordered), self.segment)]
        return EditionIndex(archive, None)

    def update(self, previous: EditionIndex, change: Changes) -> EditionIndex:
        archive = [s.copy() for s in previous.archive]
        recent_old = previous.recent
        # records the recent segment must hold: its live ones still current, plus every new or changed one
        holders = self._holders(archive, recent_old, change)
        pending: dict[str, IndexRecord | None] = {}  # url -> record to hold in the recent segment (None: from its bundle)
        recent_changed = False
        for url, record in change.records.items():  # each record made once
            held = holders.get(url)
            in_recent = recent_old is not None and url in recent_old.live()
            old_digest = (held.entries[url][0] if held is not None
                          else recent_old.entries[url][0] if in_recent and recent_old is not None else None)
            if old_digest == record_digest(record):
                continue
            if held is not None:
                held.dead.add(held.entries[url][1])
            pending[url] = record
            recent_changed = True
        gone: set[str] = set()
        if change.present is not None:
            gone = {url for url in holders if url not in change.present}
            for url in gone:
                holders[url].dead.add(holders[url].entries[url][1])
            if recent_old is not None:
                dropped = {url for url in recent_old.live() if url not in change.present}
                recent_changed = recent_changed or bool(dropped)
                gone |= dropped
        if recent_old is not None:
            for url in recent_old.live():
                if url not in pending and url not in gone:
                    pending[url] = None
        recent = recent_old
        if recent_changed:
            full = self._complete(pending, recent_old)
            recent = None
            if len(full) > recent_limit(self.segment):  # sealed: into the newest archive segment if it has room
                tail = archive[-1] if archive else None
                if tail is not None and len(tail.live()) + len(full) <= self.segment:
                    archive[-1] = self._make(self._records_of(tail) + full)
                else:  # in segments of at most the size, as a clean build's (new settings change every record)
                    full.sort(key=lambda r: r.sort["date"])
                    archive += [self._make(full[at:at + self.segment]) for at in range(0, len(full), self.segment)]
            elif full:
                recent = self._make(full)
        for at, seg in enumerate(archive):  # compaction; a segment with nothing live goes
            if seg.dead and len(seg.dead) > DEAD_SHARE * seg.size:
                live = self._records_of(seg)
                archive[at] = self._make(live) if live else Segment(seg.name)
        return EditionIndex([s for s in archive if s.size], recent)

    @staticmethod
    def _holders(archive: list[Segment], recent: Segment | None, change: Changes) -> Mapping[str, Segment]:
        """url -> the archive segment that holds it live: for every URL when the changes are
        complete, else for the URLs of the records they bring. Those are looked for in the
        segments whose date range can hold their sort key, which is where an article that
        kept its date is (a delta build's); every segment is read only for one found neither
        there nor in the recent segment."""
        if change.complete:
            return {url: seg for seg in archive for url in seg.live()}
        holders: dict[str, Segment] = {}
        in_recent = recent.live() if recent is not None else {}
        for url in change.records:
            if url in in_recent:
                continue
            key = change.records.sort_key(url)
            held = next((seg for seg in archive if seg.may_hold(key) and url in seg.live()), None)
            if held is None:
                held = next((seg for seg in archive if url in seg.live()), None)
            if held is not None:
                holders[url] = held
        return holders

    def _complete(self, pending: Mapping[str, IndexRecord | None], recent: Segment | None) -> list[IndexRecord]:
        """The records ``pending`` names, those without one read back from the recent segment's bundle."""
        kept = {url for url, record in pending.items() if record is None}
        found = {r.url: r for r in self._records_of(recent)} if kept and recent is not None else {}
        return [record if record is not None else found[url] for url, record in pending.items()
                if record is not None or url in found]

    def _records_of(self, segment: Segment | None) -> list[IndexRecord]:
        """The live records of ``segment``, read back from its bundle's fragments."""
        if segment is None:
            return []
        live = {entry[1] for entry in segment.live().values()}
        return [record for fragment, record in read_fragments(self.target / segment.name) if fragment in live]

    def _make(self, records: Sequence[IndexRecord]) -> Segment:
        self.book.counter += 1
        while (self.target / f"s{self.book.counter}").exists():  # a segment readers may be using: never overwritten
            self.book.counter += 1
        name = f"s{self.book.counter}"
        folder = self.target / name
        if not self.indexer:
            self.indexer.append(Indexer())
        self.indexer[0].write_bundle(records, folder)
        for file in os.listdir(folder):  # Pagefind's ready-made interfaces: the search page has its own
            if file.startswith("pagefind-") and file not in _KEPT:
                os.unlink(folder / file)
        ids = {record.url: fragment for fragment, record in read_fragments(folder)}
        keys = sorted(r.sort["date"] for r in records)
        return Segment(name, {r.url: (record_digest(r), ids[r.url]) for r in records}, set(),
                       keys[0] if keys else "", keys[-1] if keys else "")


def read_fragments(bundle: Path) -> list[tuple[str, IndexRecord]]:
    """Every record of a Pagefind bundle with its fragment id, as it was added (see ``body_text``:
    Pagefind keeps the text with single spaces, as the records give it)."""
    found = []
    try:
        names = sorted(os.listdir(bundle / "fragment"))
    except OSError:
        return []
    for name in names:
        if not name.endswith(".pf_fragment"):
            continue
        data = json.loads(gzip.decompress((bundle / "fragment" / name).read_bytes())[len(b"pagefind_dcd"):])
        fragment = name[:-len(".pf_fragment")]
        meta = {str(k): str(v) for k, v in data.get("meta", {}).items()}
        filters = {str(k): [str(v) for v in values] for k, values in data.get("filters", {}).items()}
        found.append((fragment, IndexRecord(str(data["url"]), str(data["content"]), fragment.split("_", 1)[0],
                                            meta, filters, {"date": meta.get("key", "")})))
    return found


def _write_manifest(target: Path, index: EditionIndex, generation: int) -> None:
    """``segments.json``, replaced in one step: the segments newest first, with what the page needs."""
    segments = sorted(index.segments(), key=lambda s: s.newest, reverse=True)
    data = {"format": FORMAT, "generation": generation,
            "segments": [{"path": f"{s.name}/", "newest": s.newest, "oldest": s.oldest, "dead": sorted(s.dead)}
                         for s in segments]}
    target.mkdir(parents=True, exist_ok=True)
    temporary = target / (MANIFEST + ".new")
    temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, target / MANIFEST)


def _remove_stale(target: Path, index: EditionIndex) -> None:
    """Remove the folders and files of segments the manifest no longer lists."""
    keep = {s.name for s in index.segments()} | {MANIFEST}
    for entry in os.scandir(target):
        if entry.name in keep:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def live_records(output: Path, config: Config) -> dict[str, dict[str, IndexRecord]]:
    """What each edition's search finds, read from the output: every record of its segments
    but the dead ones, by URL. Two outputs with equal live records answer every search
    with the same articles (see the property-based invariant test)."""
    found: dict[str, dict[str, IndexRecord]] = {}
    for folder in index_folders(config):
        manifest = read_manifest(output / folder) or {"segments": []}
        records: dict[str, IndexRecord] = {}
        for segment in manifest["segments"]:
            dead = set(segment["dead"])
            for fragment, record in read_fragments(output / folder / segment["path"]):
                if fragment not in dead:
                    assert record.url not in records, f"{record.url} is live in two segments"
                    records[record.url] = record
        found[folder] = records
    return found


def missing_indexer() -> Problem | None:
    """A warning when Pagefind is not installed (the pages are built; search is not)."""
    if executable() is not None:
        return None
    return Problem("newsgen.yaml", 0, 0, "search", "the search index was not built: Pagefind is not installed",
                   "pip install 'pagefind[bin]', or set search: false", "warning")


def failed(exc: IndexerError) -> Problem:
    return Problem("newsgen.yaml", 0, 0, "search", f"the search index could not be brought up to date: {exc}",
                   "build again; if it fails again, run newsgen build --clean", "warning")
