"""The build state in ``.newsgen/state.db`` (SQLite): what the last build read and wrote.

These tables make incremental builds possible:

- ``articles``: per source file, the hash of its bytes, the settings it was read with,
  and the resulting article (or its problems), pickled; an unchanged file is not parsed
  again, and no Markdown is rendered again.
- ``placements``: per source file read, a digest of where its article sits
  (``model.placement_text``), with the hash and settings it was made for; delta builds
  compare it.
- ``markdown``: rendered bodies keyed by body hash plus Markdown settings, so that an
  edit to front matter alone, or to the settings, reuses the HTML.
- ``sources.bin`` beside the database, with three digests in ``meta``: each source
  file's size, times and inode with the hash of its bytes, so that the next scan reads
  only the files whose signature changed; one record (see ``scan.Known``) that a build
  which finds every file as its digests say never even reads. A file and not a row: a
  value of 10 MB (100,000 sources) goes through SQLite's overflow pages several times
  slower. (Older versions kept a row per file in the ``sources`` table.) An edit does
  not write it again: ``sources.log`` beside it holds the entries changed since it was
  written whole (see ``scan.Known.with_changes``).
- ``folders.bin`` beside the database: the folders of plain article files as the last
  walk listed them, so that the next walk lists only those whose times changed (see
  ``scan.walk_content``).
- ``outputs``: per output file, the digest of its inputs and the hash of the bytes
  written; a page whose inputs did not change is not rendered, a page whose bytes did
  not change is not written (its modification time stays).
- ``skeleton_sources``: the sources delta builds read since the last full build wrote
  its skeleton (``.newsgen/skeleton.pickle``; see ``delta``).
- ``feed_entries``: per feed in the output, the entries it was made of, each with a digest
  of what it was made from, so that a feed made again makes only the entries that changed
  (see ``feeds``).

A database that cannot be read, has another schema version, or was left marked
"dirty" by an interrupted build is discarded: the build falls back to a clean build
with a warning, never to a wrong site.
"""
from __future__ import annotations

import enum
import json
import marshal
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from . import sealed
from .scan import Folders, Known
from .dates import Window
from .errors import Problem, UsageError

SCHEMA_VERSION = "1"  # tables added since (placements, skeleton_sources) are unknown to older newsgens, which keep working
STATE_DIR = ".newsgen"
STATE_FILE = "state.db"
SOURCES_FILE = "sources.bin"  # the record of the sources (see scan.Known), beside the database
SOURCES_LOG = "sources.log"  # the changes to it since it was written whole
FOLDERS_FILE = "folders.bin"  # the folders of plain article files as the walk last listed them (see scan.Folders)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, source_hash TEXT NOT NULL, settings TEXT NOT NULL,
                                     data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS placements (key TEXT PRIMARY KEY, source_hash TEXT NOT NULL, settings TEXT NOT NULL,
                                       placement TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS markdown (body_hash TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, inputs TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statics (path TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, signature TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS skeleton_sources (key TEXT PRIMARY KEY, hash TEXT NOT NULL, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS addresses (url TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_inputs (key TEXT PRIMARY KEY, mark TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feed_entries (path TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


class Key(enum.StrEnum):
    """The keys of the ``meta`` table: a build's record is read and written only through
    :class:`BuildState`'s methods, never by key elsewhere."""

    SCHEMA = "schema"  # SCHEMA_VERSION of the tables
    IDENTITY = "identity"  # the output folder the outputs table describes
    SNAPSHOT = "snapshot"  # the digest of the inputs the output was made of ('' when unsure)
    BUILT_AT = "built_at"  # the last build's window (see dates.Window)
    VALID_UNTIL = "valid_until"
    RESULT = "result"  # the last build's Summary
    DIRTY = "dirty"  # "1" while a build changes the output
    BOOT = "boot"  # the boot of the machine the output was written on
    TICKER = "ticker"  # the TickerRecord of the pages
    SKELETON = "skeleton"  # delta's record of the skeleton file
    PREVIEWED = "previewed"  # the sources whose pages were written outside a build since the last one (JSON)
    SOURCES = "sources"  # the digests of the record of the sources (see scan.Known) in SOURCES_FILE


@dataclass(frozen=True)
class Summary:
    """The counts and warnings of a build, which a later build that changes nothing reports again."""

    articles: int
    pages: int
    skipped_drafts: int
    skipped_future: int
    warnings: tuple[Problem, ...]

    def to_json(self) -> dict[str, object]:
        return {"articles": self.articles, "pages": self.pages, "skipped_drafts": self.skipped_drafts,
                "skipped_future": self.skipped_future, "warnings": [asdict(w) for w in self.warnings]}

    @classmethod
    def from_json(cls, data: Any) -> Summary:
        """The summary :meth:`to_json` wrote; ValueError, TypeError or KeyError for anything else."""
        return cls(int(data["articles"]), int(data["pages"]), int(data["skipped_drafts"]),
                   int(data["skipped_future"]), tuple(Problem(**p) for p in data["warnings"]))


@dataclass(frozen=True)
class Outcome:
    """What a build made of which inputs: the next build with the same snapshot, inside the
    window, has nothing to do but report the summary again."""

    snapshot: str
    window: Window
    summary: Summary


@dataclass(frozen=True)
class TickerRecord:
    """The ticker's HTML the pages of each edition show ('' for a site in one language), and
    the digest of the rates it was made from, so a build with new rates can swap it in those
    pages instead of rendering them (see ``pages``)."""

    rates: str
    html: Mapping[str, str]


class StateError(Exception):
    """The state database is unusable; the caller rebuilds from scratch."""


class BuildState:
    """An open state database. Use :func:`open_state`; close with :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        # pages of 16 KB for a new database (an existing one keeps its own): compressed articles and
        # bodies of about 2 KB each left a third of 4 KB pages empty; a quarter less on disk
        self.db.execute("PRAGMA page_size=16384")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # the addresses articles have had ---------------------------------------------------------
    def addresses(self) -> dict[str, str]:
        """Every address an article still in the site has been published at: URL -> its key."""
        return dict(self.db.execute("SELECT url, key FROM addresses").fetchall())

    def remember_addresses(self, current: dict[str, str], known: dict[str, str]) -> None:
        """Add the articles' addresses of a finished build (URL -> key) to those ``known`` (what
        :meth:`addresses` gave when the build began); forget those of articles that are gone (a
        deleted article's old address is no longer its to keep)."""
        keys = set(current.values())
        self.db.execute("BEGIN")
        self.db.executemany("DELETE FROM addresses WHERE url = ?", [(u,) for u, k in known.items() if k not in keys])
        self.db.executemany("INSERT OR REPLACE INTO addresses (url, key) VALUES (?, ?)",
                            [(u, k) for u, k in current.items() if known.get(u) != k])
        self.db.execute("COMMIT")

    # the last build's record ----------------------------------------------------------------
    def _get(self, key: Key) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key.value,)).fetchone()
        return str(row[0]) if row else None

    def _set(self, key: Key, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key.value, value))

    def last_build(self) -> Outcome | None:
        """What the last build made of which inputs, as :meth:`remember` recorded it; None when
        nothing usable is recorded (a build that failed, stopped or changed the output since
        leaves no snapshot)."""
        snapshot = self._get(Key.SNAPSHOT)
        if not snapshot:
            return None
        try:
            window = Window(float(self._get(Key.BUILT_AT) or "inf"), float(self._get(Key.VALID_UNTIL) or "0"))
            summary = Summary.from_json(json.loads(self._get(Key.RESULT) or ""))
        except (ValueError, TypeError, KeyError):
            return None
        return Outcome(snapshot, window, summary)

    def remember(self, outcome: Outcome) -> None:
        """Record what a build made of which inputs (an empty snapshot: of inputs that changed
        during the build, so the next one looks again). Inside a transaction of the caller's."""
        self._set(Key.SNAPSHOT, outcome.snapshot)
        self._set(Key.BUILT_AT, repr(outcome.window.start))
        self._set(Key.VALID_UNTIL, repr(outcome.window.end))
        self._set(Key.RESULT, json.dumps(outcome.summary.to_json()))

    def start_writing(self) -> None:
        """Mark the output as being changed: until :meth:`finish_writing`, a build that stops
        leaves the state "dirty" (the next build writes everything) and no snapshot (no later
        build takes the output for the last one's)."""
        self._set(Key.DIRTY, "1")
        self._set(Key.SNAPSHOT, "")

    def finish_writing(self) -> None:
        """Mark the output as written whole on this boot of the machine."""
        self.db.execute("DELETE FROM meta WHERE key = ?", (Key.PREVIEWED.value,))
        self._set(Key.DIRTY, "0")
        self._set(Key.BOOT, boot_id())

    def written_whole(self) -> bool:
        """True when the last build that wrote the output finished writing it."""
        return self._get(Key.DIRTY) == "0"

    def restarted(self) -> bool:
        """True when the machine restarted since the last build wrote (see :func:`boot_id`)."""
        return self._get(Key.BOOT) != boot_id()

    def previewed(self) -> set[str]:
        """The sources whose pages were written outside a build since the last build that
        wrote the output (see :func:`mark_previewed`)."""
        return _previewed(self._get(Key.PREVIEWED))

    def ticker(self) -> TickerRecord | None:
        """The ticker the pages show, as the last build that rendered them recorded it."""
        try:
            last = json.loads(self._get(Key.TICKER) or "")
            html = last["html"]
            return TickerRecord(str(last["rates"]), {"": html} if isinstance(html, str) else
                                {str(lang): str(text) for lang, text in html.items()})
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def set_ticker(self, ticker: TickerRecord) -> None:
        self._set(Key.TICKER, json.dumps({"rates": ticker.rates, "html": dict(ticker.html)}))

    def skeleton_record(self) -> str | None:
        """The record of the skeleton file (its meaning is ``delta``'s; see ``delta.SkeletonRecord``)."""
        return self._get(Key.SKELETON)

    def set_skeleton_record(self, text: str) -> None:
        self._set(Key.SKELETON, text)

    # articles -----------------------------------------------------------------------------
    def cached_articles(self, keys: list[str] | None = None) -> Iterator[tuple[str, str, str, bytes]]:
        """(key, source hash, settings key, pickled result) of the given sources (all when None), a
        row at a time: a caller that unpickles each as it comes never holds every blob at once
        (at 100,000 articles, gathering them first held 260 MB of blobs above the articles kept)."""
        query = "SELECT key, source_hash, settings, data FROM articles"
        if keys is None:
            yield from self.db.execute(query)
            return
        yield from self._rows_where_in(query, "key", keys)

    def _rows_where_in(self, query: str, column: str, values: Iterable[str]) -> Iterator[Any]:
        """The rows of ``query`` whose ``column`` is one of ``values``, asked 500 at a time
        (SQLite limits the parameters of one statement)."""
        wanted = list(values)
        for at in range(0, len(wanted), 500):
            chunk = wanted[at:at + 500]
            yield from self.db.execute(f"{query} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)

    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def store_articles(self, rows: Iterable[tuple[str, str, str, bytes]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)", rows)

    def placements(self) -> dict[str, tuple[str, str, str]]:
        """key -> (source hash, settings key, placement digest) of every source read with a newsgen that makes them."""
        return {k: (h, s, p) for k, h, s, p in self.db.execute("SELECT key, source_hash, settings, placement FROM placements")}

    def store_placements(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO placements VALUES (?, ?, ?, ?)", rows)

    def keep_articles(self, keep: set[str]) -> None:
        """Forget the cached articles of sources that are gone."""
        stale = [k for (k,) in self.db.execute("SELECT key FROM articles") if k not in keep]
        self.db.executemany("DELETE FROM articles WHERE key = ?", [(k,) for k in stale])
        self.db.execute("DELETE FROM placements WHERE key NOT IN (SELECT key FROM articles)")

    # sources ------------------------------------------------------------------------------
    def known_sources(self) -> Known | None:
        """Each source's signature and hash as the last scan could trust them (see ``scan.Known``):
        the digests now, the record itself read only if the scan asks for it. None when none is kept."""
        digests = (self._get(Key.SOURCES) or "").split()
        if len(digests) != 3:
            return None
        listing, keys, hashes = digests
        return Known(listing, keys, hashes, self._sources_record, self._sources_log)

    def _sources_record(self) -> bytes:
        """The record's bytes, b'' when it is gone or not sealed with this user's key: ``marshal``
        must never read bytes from elsewhere (``.newsgen/`` can cross a trust boundary, see ``sealed``)."""
        return self._sealed_file(SOURCES_FILE)

    def _sources_log(self) -> bytes:
        """The changes to the record since it was written whole (see ``scan.Known.with_changes``)."""
        return self._sealed_file(SOURCES_LOG)

    def _sealed_file(self, name: str) -> bytes:
        try:
            return sealed.unseal(self.path.with_name(name).read_bytes())
        except (OSError, sealed.Unsealed):
            return b""

    def set_known_sources(self, known: Known) -> None:
        """Record what the next scan compares with: the record in its file (replaced whole), then
        its digests. Each entry of the record holds on its own (a signature and the hash of the
        bytes it was taken with), so a file newer than the digests is never wrong, only not used
        by a build that finds every source as the digests say. The ``sources`` table of older
        versions is emptied: such a version then reads every source once, never a stale row."""
        log = self.path.with_name(SOURCES_LOG)
        try:
            if known.whole:
                log.unlink(missing_ok=True)  # first: its entries hold on their own, but need not outlive their record
                self._write_sealed(SOURCES_FILE, known.data)
            else:  # the record stays as it was written whole; the changes since go beside it
                self._write_sealed(SOURCES_LOG, known.log)
        except OSError:
            return
        self._set(Key.SOURCES, known.digests())
        self.db.execute("DELETE FROM sources")

    def known_folders(self) -> Folders:
        """The last walk's record of the folders it listed (see ``scan.walk_content``); empty
        when there is none, or it is not sealed with this user's key or not whole."""
        data = self._sealed_file(FOLDERS_FILE)
        try:
            folders = marshal.loads(data) if data else {}
        except (ValueError, EOFError, TypeError):
            return {}
        if not isinstance(folders, dict) or not all(
                isinstance(prefix, str) and isinstance(entry, tuple) and len(entry) == 2
                and isinstance(entry[0], tuple) and len(entry[0]) == 4 and all(type(n) is int for n in entry[0])
                and isinstance(entry[1], str) for prefix, entry in folders.items()):
            return {}
        return folders

    def set_known_folders(self, folders: Folders) -> None:
        """Record the folders this walk listed, for the next one."""
        try:
            self._write_sealed(FOLDERS_FILE, marshal.dumps(folders))
        except OSError:
            pass

    def _write_sealed(self, name: str, data: bytes) -> None:
        path = self.path.with_name(name)
        temporary = path.with_name(f".{name}.{os.getpid()}")
        try:
            temporary.write_bytes(sealed.seal(data))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise

    # markdown -----------------------------------------------------------------------------
    def cached_markdown(self, body_hashes: Iterable[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for h, data in self._rows_where_in("SELECT body_hash, data FROM markdown", "body_hash", body_hashes):
            try:
                found[h] = sealed.loads(data)
            except Exception:  # noqa: BLE001 - a damaged or foreign entry: the body is rendered again
                continue
        return found

    def store_markdown(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Add rendered bodies, sealed (see ``sealed.dumps``) by the worker that rendered them
        (see :meth:`prune_markdown`)."""
        self.db.executemany("INSERT OR REPLACE INTO markdown VALUES (?, ?)", rows)

    def prune_markdown(self, limit: int) -> None:
        """Keep only the ``limit`` most recently stored bodies."""
        self.db.execute("DELETE FROM markdown WHERE rowid NOT IN "
                        "(SELECT rowid FROM markdown ORDER BY rowid DESC LIMIT ?)", (limit,))

    # outputs ------------------------------------------------------------------------------
    def outputs(self) -> dict[str, tuple[str, str]]:
        """output path -> (inputs digest, bytes hash) of the last successful build."""
        return {p: (i, h) for p, i, h in self.db.execute("SELECT path, inputs, hash FROM outputs")}

    def replace_outputs(self, rows: dict[str, tuple[str, str]], previous: dict[str, tuple[str, str]] | None = None) -> None:
        """Make the outputs table hold ``rows``; given the ``previous`` rows, only the differences are written
        (after a one-article edit that is a handful of rows, not one per page of the site)."""
        if previous is None:
            self.db.execute("DELETE FROM outputs")
            previous = {}
        else:
            gone = [(p,) for p in previous if p not in rows]
            self.db.executemany("DELETE FROM outputs WHERE path = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                            ((p, i, h) for p, (i, h) in rows.items() if previous.get(p) != (i, h)))

    def forget_feed_entries(self, keep: Iterable[str]) -> None:
        """Forget what the feeds no longer in the output (``keep``: its paths) were made of."""
        kept = set(keep)
        gone = [(p,) for (p,) in self.db.execute("SELECT path FROM feed_entries") if p not in kept]
        self.db.executemany("DELETE FROM feed_entries WHERE path = ?", gone)

    def outputs_of(self, paths: list[str]) -> dict[str, tuple[str, str]]:
        """:meth:`outputs` for the given paths only (those that have a row)."""
        return {p: (i, h) for p, i, h in self._rows_where_in("SELECT path, inputs, hash FROM outputs", "path", paths)}

    # the skeleton's changes (see delta.py) ------------------------------------------------------
    def skeleton_sources(self) -> dict[str, tuple[str, str]]:
        """source key -> (hash, fingerprint) of the sources delta builds read since the skeleton was written."""
        return {k: (h, f) for k, h, f in self.db.execute("SELECT key, hash, fingerprint FROM skeleton_sources")}

    def forget_skeleton_sources(self) -> None:
        self.db.execute("DELETE FROM skeleton_sources")

    def store_skeleton_sources(self, rows: dict[str, tuple[str, str]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO skeleton_sources VALUES (?, ?, ?)",
                            ((k, h, f) for k, (h, f) in rows.items()))

    def search_inputs(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """article key -> a digest of what its search record was made from (see ``build._search``),
        for ``keys`` or every article. Trusted only with the search book they were written with."""
        query = "SELECT key, mark FROM search_inputs"
        return dict(self.db.execute(query) if keys is None else self._rows_where_in(query, "key", keys))

    def set_search_inputs(self, marks: Mapping[str, str], forget: Iterable[str] | None = ()) -> None:
        """Record what the search records of these articles were made from, and forget those of
        ``forget`` (None: of every article not in ``marks``). Written before the search book is
        (see ``search.Book``)."""
        self.begin()
        if forget is None:
            self.db.execute("DELETE FROM search_inputs")
        else:
            self.db.executemany("DELETE FROM search_inputs WHERE key = ?", ((key,) for key in forget))
        self.db.executemany("INSERT OR REPLACE INTO search_inputs VALUES (?, ?)", marks.items())
        self.commit()

    def statics(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, hash FROM statics"))

    def replace_statics(self, rows: dict[str, str]) -> None:
        self.db.execute("DELETE FROM statics")
        self.db.executemany("INSERT INTO statics VALUES (?, ?)", rows.items())

    def begin(self) -> None:
        self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def recreate(self) -> None:
        """Drop every table and make them anew: the database had another schema."""
        tables = [name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            self.db.execute(f'DROP TABLE "{table}"')
        self.db.executescript(_SCHEMA)

    def clear(self) -> None:
        """Forget everything built, but not what this database is (schema and output folder)."""
        for table in ("articles", "markdown", "outputs", "statics", "sources", "placements", "skeleton_sources",
                      "search_inputs", "feed_entries"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("DELETE FROM meta WHERE key NOT IN (?, ?)", (Key.SCHEMA.value, Key.IDENTITY.value))
        try:
            self.path.with_name(FOLDERS_FILE).unlink(missing_ok=True)
        except OSError:
            pass


LOCK_FILE = "build.lock"
LOCK_WAIT = 120.0  # seconds a build waits for another build of the same site to finish


# Descriptors of the build locks this process holds. A forked child (a render worker) gets a
# copy of each, and an ``flock`` lasts while any copy is open: a child that outlived its
# parent would hold the site locked. So children close them at once (see ``_drop_locks``).
_LOCKS_HELD: set[int] = set()


class _StateReader:
    """A connection to the state for each process (a forked render worker too) and each
    thread: a connection must not cross a fork, nor be shared by the thread that feeds the
    search indexer. Read-only unless asked to write; so a reader sees committed rows only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self, writer: bool = False) -> sqlite3.Connection:
        local = self._local
        name = "writer" if writer else "reader"
        made = getattr(local, name, None)
        if made is None or made[0] != os.getpid():  # new in this thread, or inherited through a fork
            if writer:  # as the build's own connection: the database is in WAL mode, synced at checkpoints
                db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA synchronous=NORMAL")
            else:
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            made = (os.getpid(), db)
            setattr(local, name, made)
        connection: sqlite3.Connection = made[1]
        return connection


class ArticleShelf(_StateReader):
    """The bodies of the articles cached in the state, read back one at a time (see
    ``model.Shelved``): a build that holds its articles without their bodies reads each
    where a page shows it. It sees committed rows only, so a build shelves bodies once the
    articles it read are committed (see ``loading``).
    """

    def packed(self, key: str, source_hash: str) -> bytes:
        row = self._connection().execute("SELECT data FROM articles WHERE key = ? AND source_hash = ?",
                                         (key, source_hash)).fetchone()
        article = sealed.loads(row[0])[0] if row is not None else None
        body = getattr(article, "packed_body", None)
        if not isinstance(body, bytes):  # the state changed under the build: only another process can do that
            raise StateError(f"{key}: its body is no longer in the build state ({self.path}); build again")
        return body


class FeedEntries(_StateReader):
    """What each feed was made of by the last build that made it, as ``feeds`` recorded it,
    read back and written one feed at a time by the process that makes it.

    The process that makes a feed writes its record itself, through a connection of its own,
    rather than handing it to the parent with the page: a full build's records are some 50 MB,
    and in a chunk of pages from a forked worker they were held three times over (the worker's,
    the pickle's, the parent's), the peak of a 100,000-article build. A record holds whether or
    not its page is written, so it need not wait for the build's end; one that cannot be written
    (the database busy for seconds) is only a feed to make whole next time."""

    def of(self, feed: str) -> bytes:
        """The record of the feed at output path ``feed``; b'' for none."""
        try:
            row = self._connection().execute("SELECT data FROM feed_entries WHERE path = ?", (feed,)).fetchone()
        except sqlite3.Error:  # a state older than the table: nothing recorded
            return b""
        return bytes(row[0]) if row is not None else b""

    def keep(self, feed: str, record: bytes) -> None:
        """Record what the feed at output path ``feed`` was just made of."""
        try:
            self._connection(writer=True).execute("INSERT OR REPLACE INTO feed_entries VALUES (?, ?)", (feed, record))
        except sqlite3.Error:
            pass


def _drop_locks() -> None:
    """In a just-forked child: close the copies of the parent's lock descriptors (the
    parent's own stay open and locked)."""
    for fd in _LOCKS_HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _LOCKS_HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks)


def read_addresses(site: Path) -> dict[str, str]:
    """:meth:`BuildState.addresses` of a site's state, read without taking the site (``newsgen
    check`` writes nothing); none when the site has not been built."""
    path = site / STATE_DIR / STATE_FILE
    if not path.is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT url, key FROM addresses").fetchall())
        finally:
            db.close()
    except sqlite3.Error:  # an older state without the table, or one being replaced: nothing known
        return {}


@contextmanager
def site_lock(site: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the site's build lock: one build (or watch rebuild) of a site at a time.

    Two builds at once would interleave their writes to the build state and the output
    folder. A second build waits for the first (up to ``LOCK_WAIT`` seconds), then gives
    up with a message. The lock is the operating system's (``flock``), so it is released
    when a build is killed: no child process keeps it (forked children close their copy
    at once, and ``subprocess`` children inherit none). Where ``flock`` does not exist
    (Windows) or the file system refuses it (some network mounts), builds are not locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    folder = site / STATE_DIR
    folder.mkdir(exist_ok=True)
    with open(folder / LOCK_FILE, "a+b") as handle:
        fd = handle.fileno()
        _LOCKS_HELD.add(fd)
        try:
            deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
            locked = True
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise UsageError(f"another newsgen build of {site} is still running (wait for it to "
                                         "finish, or stop the watch or serve command using this site)") from None
                    time.sleep(0.1)
                except OSError:  # a file system without flock (some network mounts): build unlocked, as before
                    locked = False
                    break
            try:
                yield
            finally:
                if locked:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            _LOCKS_HELD.discard(fd)


IN_USE = ".in-use"  # a file in a temporary folder, locked while its owner works in it


@contextmanager
def folder_in_use(folder: Path) -> Iterator[None]:
    """Hold ``folder`` as in use (see :func:`in_use`) for the duration.

    Why a lock and not the owner's process id: in a container every run may have the
    same id, and the kernel releases a lock whatever ends its holder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(folder / IN_USE, "wb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def in_use(folder: Path) -> bool:
    """True while another process holds ``folder`` (see :func:`folder_in_use`), or if it was made a
    moment ago and its lock is not there yet."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: never taken for a leftover
        return True
    try:
        with open(folder / IN_USE, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime < 60
        except OSError:
            return False
    except OSError:
        return True


def _previewed(text: str | None) -> set[str]:
    """The record of previewed sources (see :func:`mark_previewed`); {''} when unreadable: no
    source has that key, so a delta build takes the full path."""
    try:
        return {str(key) for key in json.loads(text or "[]")}
    except (ValueError, TypeError):
        return {""}


def mark_previewed(site: Path, outputs: list[str], sources: list[str]) -> bool:
    """Record that the pages at ``outputs``, of the articles in ``sources``, are about to be
    written outside a build (watch mode's preview).

    Their rows lose their digest and hash, and the sources are recorded as previewed
    until a build writes the output again: so whatever becomes of the rebuild that
    follows (it may fail, be interrupted, or find the edit undone), no build takes the
    output for the last build's (see ``build._unchanged``), and a delta build renders the
    pages of those articles too. False when the state cannot be written: the caller must
    then not write the files.
    """
    try:
        with _outside_a_build(site) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("UPDATE outputs SET inputs = '', hash = '' WHERE path = ?", [(p,) for p in outputs])
            row = db.execute("SELECT value FROM meta WHERE key = ?", (Key.PREVIEWED.value,)).fetchone()
            earlier = _previewed(row[0] if row else None)
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       (Key.PREVIEWED.value, json.dumps(sorted(earlier | set(sources)))))
            db.execute("COMMIT")
    except (sqlite3.Error, FileNotFoundError):
        return False
    return True


@contextmanager
def _outside_a_build(site: Path) -> Iterator[sqlite3.Connection]:
    """A short connection to the site's state database, for a write or read between builds
    (watch mode's preview); FileNotFoundError when there is none yet."""
    path = site / STATE_DIR / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(path)
    db = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        yield db
    finally:
        db.close()


def boot_id() -> str:
    """This boot of the machine ('' where the system does not say, as on macOS and Windows).

    Pages are written over the old ones in place (see ``output._write_over``), and the
    kernel writes such changes to the disk up to half a minute later, in no particular
    order with this database's own writes: after a crash or power cut, the state may
    describe pages the disk never got. The first build after a restart (or after a
    version of newsgen that did not record the boot) therefore checks the pages' bytes
    instead of trusting the state, and copies the static files again.
    """
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def open_state(site: Path, identity: str) -> tuple[BuildState | None, str]:
    """The site's state database, or (None, reason) when it cannot be trusted.

    ``identity`` names what the outputs table describes (the output folder); a
    database made for another output folder, another schema version, or left dirty
    by an interrupted build is emptied. The reason is '' when the state is usable.
    """
    folder = site / STATE_DIR
    folder.mkdir(exist_ok=True)
    path = folder / STATE_FILE
    reason = ""
    try:
        state = BuildState(path)
        version = state._get(Key.SCHEMA)
        if version is not None and version != SCHEMA_VERSION:
            reason = f"the build state has another format ({version}); rebuilding everything"
        elif state._get(Key.DIRTY) == "1":
            reason = "the last build was interrupted; rebuilding everything"
        elif version is not None and state._get(Key.IDENTITY) != identity:
            reason = ""  # another output folder: keep the article cache, forget the outputs
            state.replace_outputs({})
            state.replace_statics({})
        if version is not None and version != SCHEMA_VERSION:
            state.recreate()
        elif reason:
            state.clear()
        if version != SCHEMA_VERSION or reason or state._get(Key.IDENTITY) != identity:
            state._set(Key.SCHEMA, SCHEMA_VERSION)  # written only when new: a build with nothing to do writes nothing
            state._set(Key.IDENTITY, identity)
        return state, reason
    except sqlite3.DatabaseError as exc:
        if "state" in locals():
            state.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            state = BuildState(path)
            state._set(Key.SCHEMA, SCHEMA_VERSION)
            state._set(Key.IDENTITY, identity)
            return state, f"the build state could not be read ({exc}); it was reset and everything is rebuilt"
        except sqlite3.DatabaseError:
            return None, "the build state cannot be written; building without it"
