"""What the site's files are on disk, looked at on every build: one walk of ``content/``.

A build of an archive of 100,000 articles that changes nothing should take well under
a second, and most of that second is spent here, in one ``stat`` per file (as git
does: a file edited in place changes no folder's time, so nothing cheaper is safe).
Around those calls this module does as little Python work per file as it can:

- one walk of ``content/`` finds the articles' sources and the other files beside them
  (images, a bundle's files: the static files that live under ``content/``); nothing
  else walks ``content/`` again. A folder of plain article files is taken in a few
  C-level passes (``map`` over the entries), not a Python loop per file;
- a file that comes, goes or is renamed does change its folder's times: a folder of
  plain article files whose signature is the one recorded when it was last listed
  (:data:`Folders`) is not listed again, its names taken from that record. Its files
  are still stat'ed one by one;
- the walk's result, every source's key and signature, is digested in one go
  (:meth:`Listing.digest`). When it is the digest of the last build's trusted record
  (:class:`Known`), nothing changed: no source is opened and the record itself, a
  few megabytes for 100,000 sources, is not even parsed;
- otherwise only the files whose signature changed are read and hashed, the way git's
  index does it. When the walk found the record's sources in the record's order (an
  edit in place), the signatures are compared column against column in C; only when
  files came, went or moved is the record made into dictionaries. The record lists
  every source found: one whose signature is too new to trust is kept with
  :data:`UNTRUSTED`, which no file has, so the next scan reads it again.

Nothing here imports the Markdown or template machinery: a build that turns out to
have nothing to do never loads it.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress
from operator import attrgetter, ne
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from .bundles import is_section_page
from .errors import Problem, warning
from .inputs import CONTENT_DIR, SOURCE_SUFFIXES, STATIC_DIR, TEMPLATES_DIR, is_ignored_name, is_utf8_name
from .inputs import signature as file_signature

RACY_SECONDS = 2  # a file changed this close to a scan may change again within one timestamp tick
# Past this many changed entries the record of the sources is written whole again, its log emptied.
LOG_LIMIT = 2000
# On Windows st_ctime is the creation time, so a same-size rewrite that keeps the modification
# time (some copy and unpacking tools) would keep its signature: every file is read there.
TRUST_SIGNATURES = os.name != "nt"

Signature = tuple[int, int, int, int]  # size, modification and change times in nanoseconds, inode
# What the record keeps for a source whose signature cannot be trusted: no file's, so the next scan
# reads it; kept rather than left out, so that the record lists the sources the walk finds
UNTRUSTED: Signature = (-1, 0, 0, 0)
_SIGNATURE: Callable[[os.stat_result], Signature] = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
# Folders of plain article files as the walk last listed them: path -> (the folder's signature
# then, its files' names one to a line), for folders that had not changed for RACY_SECONDS then
Folders = dict[str, tuple[Signature, str]]
# a signature's parts as columns of machine integers: a walk fills them from its stats in C
_FIELDS = tuple(attrgetter(name) for name in ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino"))
_TYPES = ("q", "q", "q", "Q")
_NAME = attrgetter("name")
Columns = tuple[array, array, array, array]  # type: ignore[type-arg]
_PLAIN_START = frozenset("._#~")  # a name starting so is hidden, ignored or Hugo's section page: not plain


class Source(NamedTuple):
    """A content file: its path relative to the site (``content/x/y.md``) and on disk.

    A named tuple: a big archive has 100,000 of them, made on every build that reads
    articles, and a tuple is made several times faster than a frozen dataclass.
    """

    key: str
    path: str  # on disk; a plain string for the same reason


def _columns(signatures: list[Signature] | None = None) -> Columns:
    parts = list(zip(*signatures)) if signatures else [(), (), (), ()]
    return (array(_TYPES[0], parts[0]), array(_TYPES[1], parts[1]), array(_TYPES[2], parts[2]),
            array(_TYPES[3], parts[3]))


def listing_digest(keys: list[str], columns: Columns, keys_hash: hashlib.blake2b | None = None) -> str:
    """The digest of sources and their signatures (as columns), in the order given: joins in C.

    The order is the walk's, not sorted: a folder lists its files in the same order while
    it does not change, and a build that finds nothing changed need not sort 100,000 keys.
    ``keys_hash``, when given, is :func:`hash_of_keys` of the same keys, taken before."""
    h = (keys_hash if keys_hash is not None else hash_of_keys(keys)).copy()
    for column in columns:
        h.update(column.tobytes())
    return h.hexdigest()


def hash_of_keys(keys: list[str]) -> hashlib.blake2b:
    """The hash object a listing's digest starts from: 100,000 keys are some 6 MB to join and
    hash, which an edit's scan would otherwise do twice (see Known.with_changes). Its digest
    is the keys' as a record names them (see :attr:`Known.record_keys`)."""
    return _text_hash("\n".join(keys))


def keys_digest(keys: list[str]) -> str:
    """The digest of the sources' keys, sorted: which sources there are."""
    return _text_digest("\n".join(keys))


def _text_digest(text: str) -> str:
    return _text_hash(text).hexdigest()


def _text_hash(text: str) -> hashlib.blake2b:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)


def _padded(values: Any, length: int) -> Any:
    """A record's or a log's values, with '' for the digests last that a newsgen whose records
    did not carry them left out."""
    if isinstance(values, tuple) and length - 2 <= len(values) < length:
        return (*values, *[""] * (length - len(values)))
    return values


def hashes_digest(keys: list[str], hashes: dict[str, str]) -> str:
    """The digest of the sources' hashes in key order: what a build's snapshot takes of their bytes."""
    return hashlib.blake2b("\n".join(map(hashes.__getitem__, keys)).encode(), digest_size=16).hexdigest()


class Known:
    """What the last scan could trust: each source's signature and the hash of its bytes.

    Kept in the build state in two parts: three digests (:attr:`listing`, of the keys and
    signatures in the walk's order; :attr:`keys_digest` and :attr:`hashes_digest`, of
    the sorted keys and of their hashes), read on every build, and the record itself
    (``data``: the keys and hashes as text, the signatures as columns of integers), read
    and parsed only when the listing differs, which a build that changes nothing never
    needs. Joins and splits in C either way: 100,000 sources take a few hundredths of a
    second, where as many rows or pickled tuples take tenths.
    """

    def __init__(self, listing: str, keys_digest: str, hashes_digest: str, data: bytes | Callable[[], bytes],
                 log: bytes | Callable[[], bytes] = b"") -> None:
        self.listing = listing
        self.keys_digest = keys_digest
        self.hashes_digest = hashes_digest
        self._data = data
        # the changes since the record in ``data`` was written whole (see :meth:`with_changes`): b'' for none
        self._log = log
        self.logged: array = array("I")  # type: ignore[type-arg]  # the positions the log changed
        self.record_keys = ""  # the digest of the keys of the record in ``data``, once read: what a log names
        # once read, the digest of the hashes in :attr:`columns` as they are, which the record and
        # its log each carry (the digests above may be newer or older: see state.set_known_sources);
        # '' when not known (a record from an older newsgen)
        self.record_hashes = ""

    @classmethod
    def of(cls, keys: list[str], signatures: list[Signature], hashes: dict[str, str],
           ordered: list[str] | None = None) -> Known:
        """The record of these sources, in the walk's order, to be kept for the next scan
        (``ordered``: the same keys sorted, when the caller has them)."""
        return cls.of_columns(keys, _columns(signatures), hashes, ordered)

    @classmethod
    def of_columns(cls, keys: list[str], columns: Columns, hashes: dict[str, str],
                   ordered: list[str] | None = None) -> Known:
        """:meth:`of`, with the signatures as columns (as a walk finds them)."""
        def data() -> bytes:  # made when the record is kept: a build without a state needs only the digests
            text = "\n".join(keys)
            return marshal.dumps((text, *(c.tobytes() for c in columns), "\n".join(map(hashes.__getitem__, keys)),
                                  of_hashes, _text_digest(text)))
        ordered = ordered if ordered is not None else sorted(keys)
        of_hashes = hashes_digest(ordered, hashes)
        return cls(listing_digest(keys, columns), keys_digest(ordered), of_hashes, data)

    @classmethod
    def with_changes(cls, base: Known, keys: list[str], columns: Columns, hashes: dict[str, str], ordered: list[str],
                     changed: Iterable[int], keys_hash: hashlib.blake2b | None = None) -> Known:
        """The record of these sources (those of ``base``, in its order) as ``base``'s record and a
        log of the entries that changed since it was written whole: after an edit, a few entries
        to write rather than 12 MB of 100,000 sources, with their seal and digests (0.1 s).

        Each entry of the log, like each of the record, holds on its own (a signature and the
        hash of the bytes it was taken with), so a log applied to another record of the same
        sources in the same order is never wrong, only less use."""
        positions = array("I", sorted(set(base.logged).union(changed)))
        if len(positions) > LOG_LIMIT:
            return cls.of_columns(keys, columns, hashes, ordered)

        def log() -> bytes:  # names the record it changes: its keys are the scan's (see same_sources)
            return marshal.dumps((base.record_keys, positions.tobytes(),
                                  *(array(c.typecode, map(c.__getitem__, positions)).tobytes() for c in columns),
                                  "\n".join(hashes[keys[at]] for at in positions), of_hashes))
        of_hashes = hashes_digest(ordered, hashes)
        made = cls(listing_digest(keys, columns, keys_hash), base.keys_digest, of_hashes, base._data, log)
        made.logged = positions
        return made

    def digests(self) -> str:
        """The three digests as the build state keeps them."""
        return f"{self.listing} {self.keys_digest} {self.hashes_digest}"

    @property
    def data(self) -> bytes:
        """The record as it was last written whole."""
        return self._data if isinstance(self._data, bytes) else self._data()

    @property
    def log(self) -> bytes:
        """The changes since (see :meth:`with_changes`); b'' for none."""
        return self._log if isinstance(self._log, bytes) else self._log()

    @property
    def whole(self) -> bool:
        """Whether the record is to be written whole (it has no log)."""
        return not self._log

    @cached_property
    def columns(self) -> tuple[str, Columns, list[str]] | None:
        """The record as it is kept: the keys joined by newlines, the signatures' columns and
        the hashes, in the walk's order; None when it is empty or cannot be read (every
        source is then read again, never trusted wrongly)."""
        try:
            keys_text, *parts, hashes_text, of_hashes, of_keys = _padded(marshal.loads(self.data), 8)
            if not keys_text:
                return None
            hashes = hashes_text.split("\n")
            columns = tuple(array(code, part) for code, part in zip(_TYPES, parts, strict=True))
            if not all(len(c) == len(hashes) for c in columns) or keys_text.count("\n") + 1 != len(hashes):
                raise ValueError("a damaged record of the sources")
        except (ValueError, TypeError, EOFError, AttributeError):
            return None
        # the digest of its keys, which the record carries (sealed with it), else taken now
        self.record_keys = of_keys if isinstance(of_keys, str) and of_keys else _text_digest(keys_text)
        self.record_hashes = of_hashes if isinstance(of_hashes, str) else ""
        self._apply_log(columns, hashes)  # type: ignore[arg-type]
        return keys_text, columns, hashes  # type: ignore[return-value]

    def _apply_log(self, columns: Columns, hashes: list[str]) -> None:
        """Bring the record's entries up to its log, when the log was made for the record's
        sources in its order; a log that cannot be read, or is another's, is left out (its
        sources are then read again, never trusted wrongly)."""
        if not self._log:
            return
        try:
            made_for, at, *parts, hashes_text, of_hashes = _padded(marshal.loads(self.log), 8)
            if made_for != self.record_keys:
                return
            positions = array("I", at)
            changes = [array(code, part) for code, part in zip(_TYPES, parts, strict=True)]
            changed_hashes = hashes_text.split("\n") if positions else []
            if (not all(len(c) == len(positions) for c in changes) or len(changed_hashes) != len(positions)
                    or (positions and positions[-1] >= len(hashes))):
                return
        except (ValueError, TypeError, EOFError, AttributeError):
            return
        for column, change in zip(columns, changes):
            for position, value in zip(positions, change):
                column[position] = value
        for position, value in zip(positions, changed_hashes):
            hashes[position] = value
        self.logged = positions
        self.record_hashes = of_hashes if isinstance(of_hashes, str) else ""

    @cached_property
    def _parsed(self) -> tuple[dict[str, Signature], dict[str, str]]:
        """The record as key -> signature and key -> hash (empty: see :attr:`columns`)."""
        if self.columns is None:
            return {}, {}
        keys_text, columns, hashes = self.columns
        keys = keys_text.split("\n")
        self.__dict__.pop("columns")  # handed over: 100,000 sources' are some 20 MB
        return dict(zip(keys, zip(*columns))), dict(zip(keys, hashes))

    @property
    def signatures(self) -> dict[str, Signature]:
        return self._parsed[0]

    @property
    def hashes(self) -> dict[str, str]:
        return self._parsed[1]

    def take(self) -> tuple[dict[str, Signature], dict[str, str]]:
        """The parsed record (signatures, hashes), handed over rather than kept here as well:
        100,000 sources' are some 45 MB, which a build would otherwise hold twice."""
        parsed = self._parsed
        del self.__dict__["_parsed"]
        return parsed

    def same_sources(self, listing: Listing) -> tuple[Columns, list[str]] | None:
        """The record's signature columns and hashes when it holds exactly the sources the walk
        found, in the same order (an edit in place moves no file); None otherwise."""
        record = self.columns  # its keys' digest compared, not its keys: the listing has hashed its own
        if record is None or self.record_keys != listing.keys_hash.hexdigest():
            return None
        return record[1], record[2]


@dataclass
class Listing:
    """What one walk of ``content/`` found (see :func:`walk_content`)."""

    keys: list[str]  # every source, in the order the walk found them (the same while no folder changes)
    columns: Columns  # their signatures, in the same order
    files: dict[str, tuple[Path, str]]  # the other files: path inside content/ -> (file, signature text)
    problems: list[Problem]
    folders: Folders = field(default_factory=dict)  # for the next walk (see walk_content)
    folders_changed: bool = False  # whether ``folders`` is not the record the walk was given

    def digest(self) -> str:
        return listing_digest(self.keys, self.columns, self.keys_hash)

    @cached_property
    def keys_hash(self) -> hashlib.blake2b:
        return hash_of_keys(self.keys)

    @property
    def signatures(self) -> list[Signature]:
        return list(zip(*self.columns))


@dataclass
class Scan:
    """The content folder as found on disk: every source's hash, and the other files in it.

    ``signatures`` holds each source's signature where it can be trusted next time
    (see :func:`scan_sources`). ``read`` names the sources whose bytes this scan read.
    The bytes are not kept: ten thousand articles are some 60 MB that every forked
    worker would carry along; the workers that parse a file read it again (from the
    operating system's cache). ``files`` are the files under ``content/`` that are not
    sources, by their path inside it, with their signature: they are copied to the
    output as static files are (see ``output.statics_of``).

    A scan that found nothing changed holds the last build's record (``unchanged``) and
    parses it only if asked for :attr:`hashes` (a build that goes on to read articles).
    """

    site: str
    found_keys: list[str]  # every readable source, in the walk's order
    problems: list[Problem]
    read: set[str]
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    found: dict[str, str] | None = None  # key -> hash, when the scan had to look (None: see ``unchanged``)
    trusted: dict[str, Signature] | None = None  # key -> signature it can trust next time, in the walk's order
    unchanged: Known | None = None  # the last build's record, when every source is as it recorded
    # the trusted signatures as the walk's keys and columns, when the scan compared them so (see
    # _rescan): made into ``trusted`` only if asked, for the next record needs them as columns
    trusted_columns: tuple[list[str], Columns] | None = None
    # the last build's record and the positions in it whose entries this scan changed, when it
    # found the record's sources in the record's order (see Known.with_changes)
    changes_to: tuple[Known, set[int], hashlib.blake2b] | None = None  # with the listing's hash_of_keys
    # when the scan compared every source with the last build's record (see _rescan), or found
    # the listing unchanged: the record's digest of the hashes, and the sources whose bytes differ
    edited_since: tuple[str, list[str]] | None = None
    # the folders of plain article files as the walk found them, and whether that is news (see walk_content)
    folders: Folders = field(default_factory=dict)
    folders_changed: bool = False
    _made: Known | None = field(default=None, init=False, repr=False)  # see known()

    @cached_property
    def keys(self) -> list[str]:
        """Every readable source, sorted."""
        return sorted(self.found_keys)

    @property
    def hashes(self) -> dict[str, str]:
        if self.found is None:
            self._take_record()
        assert self.found is not None
        return self.found

    @property
    def signatures(self) -> dict[str, Signature]:
        if self.trusted is None and self.trusted_columns is not None:
            keys, columns = self.trusted_columns
            self.trusted = {key: signature for key, signature in zip(keys, zip(*columns)) if signature != UNTRUSTED}
        if self.trusted is None:
            self._take_record()
        assert self.trusted is not None
        return self.trusted

    def _take_record(self) -> None:
        """The last build's record, now that a build needs it. A record that cannot be read
        whole (gone, damaged, sealed with another key) is a scan of every file instead: the
        sources are read and hashed again, and :meth:`known` has a record to keep."""
        assert self.unchanged is not None
        signatures, hashes = self.unchanged.take()
        if len(hashes) == len(self.found_keys) and all(key in hashes for key in self.found_keys):
            self.found, self.trusted = hashes, signatures
            return
        again = scan_sources(Path(self.site))
        self.found, self.trusted, self.read, self.unchanged = again.found, again.trusted, again.read, None
        self.problems += [problem for problem in again.problems if problem not in self.problems]
        if again.found_keys != self.found_keys:  # changed since the walk: the build goes on with what is there now
            self.found_keys = again.found_keys
            for name in ("keys", "sources"):
                self.__dict__.pop(name, None)

    @cached_property
    def keys_digest(self) -> str:
        """The digest of which sources there are (see :func:`keys_digest`)."""
        if self.unchanged is not None:
            return self.unchanged.keys_digest
        return self.known().keys_digest  # type: ignore[union-attr]  # the record holds the same sources

    @cached_property
    def hashes_digest(self) -> str:
        """The digest of every source's hash, in key order (see :func:`hashes_digest`)."""
        if self.unchanged is not None:
            return self.unchanged.hashes_digest
        return self.known().hashes_digest  # type: ignore[union-attr]

    @cached_property
    def sources(self) -> list[Source]:
        return [Source(key, self.path(key)) for key in self.keys]

    def changed_since(self, hashes_digest: str) -> list[str] | None:
        """The sources whose bytes changed since the sources had the hashes whose digest (see
        :func:`hashes_digest`) is ``hashes_digest``, sorted; None when this scan cannot tell,
        not having compared them with a record of exactly those.

        A delta build asks it of the sources its output shows: 100,000 hashes compared
        again took 0.06 s of every edit, and the record that makes it needless 3 MB of the
        skeleton's header (see ``delta.Skeleton``)."""
        if self.edited_since is None or self.edited_since[0] != hashes_digest:
            return None
        return sorted(self.edited_since[1])

    def path(self, key: str) -> str:
        """Where a source is on disk (its key is its path inside the site)."""
        return self._root + key

    @cached_property
    def _root(self) -> str:
        return os.path.join(self.site, "")

    def known(self) -> Known | None:
        """The record the next scan compares with, of every source found; None when this scan's
        is the last build's."""
        if self.unchanged is not None:
            return None
        if self._made is None:
            if self.trusted is None and self.trusted_columns is not None:
                keys, columns = self.trusted_columns
                if self.changes_to is not None:
                    base, changed, keys_hash = self.changes_to
                    self._made = Known.with_changes(base, keys, columns, self.hashes, self.keys, changed, keys_hash)
                else:
                    self._made = Known.of_columns(keys, columns, self.hashes, self.keys)
            else:
                trusted = self.signatures
                self._made = Known.of(self.found_keys, [trusted.get(key, UNTRUSTED) for key in self.found_keys],
                                      self.hashes, self.keys)
        return self._made

    def source_bytes(self, key: str) -> bytes:
        """A source's bytes, read now (b'' if it has gone since)."""
        try:
            with open(self.path(key), "rb") as file:
                return file.read()
        except OSError:
            return b""


def scan_sources(site: Path, known: Known | None = None, jobs: int = 1, folders: Folders | None = None) -> Scan:
    """Find every source and hash it; an unreadable file is a problem, not a crash.

    A file whose signature (size, modification and change times to the nanosecond,
    inode) is the one ``known`` from the last build is not read. A signature is only
    trusted when its file had not changed for ``RACY_SECONDS`` when it was taken and
    did not change while it was read: a file written again in the same timestamp tick,
    with the same size, would otherwise look unchanged. (A file system whose clock runs
    more than ``RACY_SECONDS`` behind this machine's weakens the first condition.)
    ``folders`` is the last walk's record of its folders (see :func:`walk_content`).
    """
    listing = walk_content(site, jobs, folders)
    scan = _compared(site, listing, known)
    scan.folders, scan.folders_changed = listing.folders, listing.folders_changed
    return scan


def _compared(site: Path, listing: Listing, known: Known | None) -> Scan:
    """:func:`scan_sources` once the walk is done."""
    problems = listing.problems + misnamed_files(site)
    if known is not None and listing.digest() == known.listing:  # as the last build left it: nothing to open
        return Scan(str(site), listing.keys, problems, set(), listing.files, unchanged=known,
                    edited_since=(known.hashes_digest, []))
    same = known.same_sources(listing) if known is not None and TRUST_SIGNATURES else None
    if same is not None:
        assert known is not None
        return _rescan(site, listing, problems, *same, known)
    remembered, remembered_hashes = (known.signatures, known.hashes) if known else ({}, {})
    current = dict(zip(listing.keys, listing.signatures))
    trusted = dict(current)  # in the walk's order, as the next walk finds them; less what cannot be trusted
    hashes = {key: remembered_hashes[key] for key in remembered_hashes.keys() & current.keys()}
    to_read = current.keys() - {key for key, signature in current.items() & remembered.items()}
    reading = _Reading(site, problems)
    for key in sorted(to_read):
        hashes.pop(key, None)
        found = reading.read(key)
        if found is None:
            del trusted[key]
            continue
        hashes[key], signature = found
        if signature is not None:
            trusted[key] = signature
        else:
            del trusted[key]
    read = reading.done
    found_keys = listing.keys if len(hashes) == len(current) else [k for k in listing.keys if k in hashes]
    return Scan(str(site), found_keys, problems, read, listing.files, hashes, trusted)


def _rescan(site: Path, listing: Listing, problems: list[Problem], old_columns: Columns, old_hashes: list[str],
            known: Known) -> Scan:
    """:func:`scan_sources` when the walk found the sources of the last record, in its order
    (the usual edit): the signatures compared column by column in C, and only the files
    whose signature differs read, as :func:`scan_sources` reads them.

    The general comparison makes a tuple and a set entry per source: at 100,000 sources
    that, and turning the record into dictionaries and back, took 0.6 s of an edit."""
    keys = listing.keys
    differ: set[int] = set()
    for old, new in zip(old_columns, listing.columns):
        differ.update(_differing(old, new))
    hashes = dict(zip(keys, old_hashes))
    columns = tuple(column[:] for column in listing.columns)
    unreadable: list[int] = []
    edited: list[str] = []
    reading = _Reading(site, problems)
    for at in sorted(differ):
        found = reading.read(keys[at])
        if found is None:
            del hashes[keys[at]]
            unreadable.append(at)
            continue
        if found[0] != old_hashes[at]:
            edited.append(keys[at])
        hashes[keys[at]], signature = found
        for column, value in zip(columns, signature or UNTRUSTED):
            column[at] = value
    read = reading.done
    found_keys = keys
    if unreadable:
        found_keys = list(keys)
        for at in reversed(unreadable):
            del found_keys[at]
            for column in columns:
                del column[at]
    return Scan(str(site), found_keys, problems, read, listing.files, hashes,
                trusted_columns=(found_keys, columns),  # type: ignore[arg-type]
                changes_to=None if unreadable else (known, differ, listing.keys_hash),
                edited_since=(known.record_hashes, edited) if known.record_hashes and not unreadable else None)


BLOCK = 2048  # signatures compared at once (see _differing)


def _differing(old: array, new: array) -> Iterator[int]:  # type: ignore[type-arg]
    """The positions at which two columns of signatures of the same length differ: block by
    block in C, then one by one in the few blocks that differ (an edit changes one of
    100,000 sources; comparing each pair took 0.07 s)."""
    for start in range(0, len(new), BLOCK):
        end = start + BLOCK
        if old[start:end] != new[start:end]:
            yield from compress(range(start, end), map(ne, old[start:end], new[start:end]))


class _Reading:
    """Sources read by one scan: each one's hash, and its signature if it can be trusted next time.

    A signature is only trusted when its file had not changed for ``RACY_SECONDS`` when it
    was taken and did not change while it was read (see :func:`scan_sources`)."""

    def __init__(self, site: Path, problems: list[Problem]) -> None:
        self.root = os.path.join(str(site), "")
        self.problems = problems
        self.settled_before = time.time_ns() - RACY_SECONDS * 1_000_000_000
        self.done: set[str] = set()

    def read(self, key: str) -> tuple[str, Signature | None] | None:
        """(hash, signature or None); None for a file that cannot be read, which is a problem."""
        path = self.root + key
        try:
            info = os.stat(path)
            with open(path, "rb") as file:
                data = file.read()
                after = os.fstat(file.fileno())
        except OSError as exc:
            self.problems.append(Problem(key, 0, 0, "", f"cannot be read: {exc.strerror}",
                                         "check the file's permissions"))
            return None
        self.done.add(key)
        before = _SIGNATURE(info)
        settled = max(info.st_mtime_ns, info.st_ctime_ns) < self.settled_before
        trusted = TRUST_SIGNATURES and _SIGNATURE(after) == before and settled
        return hashlib.blake2b(data, digest_size=16).hexdigest(), before if trusted else None


def walk_content(site: Path, jobs: int = 1, folders: Folders | None = None) -> Listing:
    """Every source under content/ with its signature, the other files, and what is wrong
    with the folder's names; on up to two processes when ``jobs`` allows (see :func:`_stat_sources`).

    Links inside the site are followed, each real folder once (a link to a parent folder
    would otherwise loop forever); a source that is a link out of the site is refused,
    another file that is one is left out, as in ``static/``.

    A folder in ``folders`` (the last walk's :attr:`Listing.folders`) whose signature is
    still the recorded one is not listed: its names are the record's. Only folders of
    plain article files, unchanged for ``RACY_SECONDS`` when listed, are recorded, so a
    file that came or went since (which changes the folder's modification and change
    times) is never missed: at 100,000 articles, listing them and sorting out the plain
    ones took 0.1-0.13 s of every build.
    """
    root = os.path.join(str(site), CONTENT_DIR)
    keys: list[str] = []
    files: dict[str, tuple[Path, str]] = {}
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return Listing(keys, _columns(), files, problems, folders_changed=bool(folders))
    walk = _Walk(site, os.path.realpath(site), os.path.realpath(root), keys, files, problems,
                 known_folders=folders if folders is not None and TRUST_SIGNATURES else {})
    walk.stack.append((root, f"{CONTENT_DIR}/"))
    walk.visited.add(walk.content_real)
    while walk.stack:
        folder, prefix = walk.stack.pop()
        try:
            walk.folder(folder, prefix)
        except OSError:
            continue
    columns, gone = _stat_sources(walk.batches, jobs)
    for at in reversed(gone):  # went between the folder's listing and its stat: left out
        del keys[at]
    return Listing(keys, columns, files, problems, walk.folders, walk.folders != (folders or {}))


# Past this many sources, a scan forks a second process to take half of their stats: a
# stat is a system call that Python cannot make cheaper, 100,000 of them about 0.3 s
# here, and the two halves take 0.15 s side by side (forking and handing back the
# signatures included).
SPLIT_STATS_AT = 20_000


# Sources to stat: a folder and names in it, each looked up through a descriptor of the
# folder (see _BY_DESCRIPTOR); or '' and whole paths
Batch = tuple[str, list[str]]


def _stat_sources(batches: list[Batch], jobs: int) -> tuple[Columns, list[int]]:
    """The signatures of the sources in ``batches`` as columns, less those gone since they
    were listed (whose positions are returned, in order).

    With ``jobs`` above one, on Linux, in a process without threads (forking one that
    has them is not safe), and past ``SPLIT_STATS_AT`` sources, a forked child takes
    the second half and hands its columns back through a pipe. If the child fails in
    any way, this process takes its half too."""
    count = sum(len(names) for _, names in batches)
    if (jobs < 2 or count < SPLIT_STATS_AT or not sys.platform.startswith("linux")
            or threading.active_count() > 1):
        return _stat_part(batches)
    half = count // 2
    mine, theirs = _split(batches, half)
    try:
        reading, writing = os.pipe()
        child = os.fork()
    except OSError:
        return _stat_part(batches)
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.close(reading)
            columns, gone = _stat_part(theirs)
            with open(writing, "wb") as pipe:
                pipe.write(marshal.dumps((gone, *(column.tobytes() for column in columns))))
        finally:
            os._exit(0)
    os.close(writing)
    columns, gone = _stat_part(mine)
    with open(reading, "rb") as pipe:
        handed = pipe.read()
    os.waitpid(child, 0)
    try:
        their_gone, *parts = marshal.loads(handed)
        their_columns = tuple(array(code, part) for code, part in zip(_TYPES, parts, strict=True))
        if any(len(column) + len(their_gone) != count - half for column in their_columns):
            raise ValueError("not the child's whole half")
    except (ValueError, TypeError, EOFError):
        their_columns, their_gone = _stat_part(theirs)
    for column, their_column in zip(columns, their_columns):
        column.extend(their_column)
    return columns, gone + [half + at for at in their_gone]


def _split(batches: list[Batch], at: int) -> tuple[list[Batch], list[Batch]]:
    """``batches`` cut in two after ``at`` sources."""
    first: list[Batch] = []
    for index, (folder, names) in enumerate(batches):
        if at <= len(names):
            first.append((folder, names[:at]))
            return first, [(folder, names[at:]), *batches[index + 1:]]
        first.append((folder, names))
        at -= len(names)
    return first, []


def _stat_part(batches: list[Batch]) -> tuple[Columns, list[int]]:
    """:func:`_stat_sources` in this process: each folder's names in a C-level pass unless one has gone."""
    columns = _columns()
    gone: list[int] = []
    done = 0
    for folder, names in batches:
        descriptor = None
        try:
            if folder and _BY_DESCRIPTOR:
                descriptor = os.open(folder, _DIRECTORY)
                stat: Callable[[str], os.stat_result] = partial(os.stat, dir_fd=descriptor)
            else:
                stat = os.stat if not folder else lambda name: os.stat(os.path.join(folder, name))
            try:
                stats = list(map(stat, names))
            except OSError:  # one went between the listing and its stat: leave it out
                stats = []
                for at, name in enumerate(names):
                    try:
                        stats.append(stat(name))
                    except OSError:
                        gone.append(done + at)
        except OSError:  # the folder itself went
            stats = []
            gone.extend(range(done, done + len(names)))
        finally:
            if descriptor is not None:
                os.close(descriptor)
        for column, part in zip(columns, _FIELDS):
            column.extend(map(part, stats))
        done += len(names)
    return columns, gone


# Where the system allows it, a folder's sources are stat'ed through a descriptor of it, so
# that each stat looks up one name rather than the whole path again: a tenth off the walk.
_BY_DESCRIPTOR = os.stat in os.supports_dir_fd
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


@dataclass
class _Walk:
    """One walk of content/ under way: what it has found so far, and where it is to go."""

    site: Path
    site_real: str
    content_real: str
    keys: list[str]
    files: dict[str, tuple[Path, str]]
    problems: list[Problem]
    batches: list[Batch] = field(default_factory=list)  # the sources, as ``keys``, to stat once the walk is done
    visited: set[str] = field(default_factory=set)
    stack: list[tuple[str, str]] = field(default_factory=list)
    known_folders: Folders = field(default_factory=dict)  # the last walk's record (see walk_content)
    folders: Folders = field(default_factory=dict)  # the next walk's, by prefix

    def folder(self, folder: str, prefix: str) -> None:
        """One folder: its plain article files in C-level passes (plain names of plain files,
        the common case), then the rest one by one. Sources are stat'ed once the walk is done."""
        known = self.known_folders.get(prefix)
        listed_at = time.time_ns()
        signature = _SIGNATURE(os.stat(folder))
        if known is not None and known[0] == signature:
            names = known[1].split("\n")
            self.keys.extend(map(prefix.__add__, names))
            self.batches.append((folder, names))
            self.folders[prefix] = known
            return
        with os.scandir(folder) as listed:
            entries = list(listed)
        plain = [e for e in entries if (name := e.name).endswith(SOURCE_SUFFIXES) and name[:1] not in _PLAIN_START
                 and name.isascii() and e.is_file(follow_symlinks=False)]
        names = list(map(_NAME, plain))
        self.keys.extend(map(prefix.__add__, names))
        self.batches.append((folder, names))
        settled = max(signature[1], signature[2]) < listed_at - RACY_SECONDS * 1_000_000_000
        if len(plain) == len(entries) and names and settled and TRUST_SIGNATURES:
            text = "\n".join(names)
            if text.count("\n") == len(names) - 1:  # no name holds a line break
                self.folders[prefix] = (signature, text)
        if len(plain) < len(entries):
            taken = set(map(_NAME, plain))
            for entry in entries:
                if entry.name not in taken:
                    self.other(entry, os.path.join(folder, entry.name), prefix)

    def other(self, entry: os.DirEntry[str], path: str, prefix: str) -> None:
        """An entry that is not a plain article file: a folder, a link, another file, a section
        page, a name to ignore or one that is not UTF-8."""
        name, site = entry.name, self.site
        if not name.isascii() and not is_utf8_name(name):
            self.problems.append(_misnamed(path, site))
            return
        if is_ignored_name(name):
            return
        try:
            link = entry.is_symlink()
            if entry.is_dir():
                real = os.path.realpath(path)
                if link and not _inside(real, self.site_real):
                    self.problems.append(_link_problem(Path(path), site))
                elif real not in self.visited:
                    self.visited.add(real)
                    self.stack.append((path, f"{prefix}{name}/"))
                return
            outside = link and not _inside(os.path.realpath(path), self.site_real)
            if not name.endswith(SOURCE_SUFFIXES):
                if not outside:
                    inside = prefix[len(CONTENT_DIR) + 1:] + name
                    self.files[inside] = (Path(self.content_real, inside), file_signature(entry.stat()))
                return
            if outside:
                self.problems.append(_link_problem(Path(path), site))
                return
            if is_section_page(name):
                self.problems.append(_section_page(prefix + name))
                return
        except OSError:
            return  # gone since the folder was listed, or a broken link
        self.keys.append(prefix + name)
        self.batches.append(("", [path]))


def shown_name(path: str) -> str:
    """A path with a name that is not UTF-8, as a message can show it: caf\\xe9.md."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def misnamed_files(site: Path) -> list[Problem]:
    """Files and folders under static/ and templates/ whose names are not UTF-8
    (:func:`scan_sources` reports those under content/): their URLs could not be written in a
    page, so the build stops and names them."""
    problems: list[Problem] = []
    for top in (STATIC_DIR, TEMPLATES_DIR):
        for folder, folders, files in os.walk(os.path.join(str(site), top)):
            problems += [_misnamed(os.path.join(folder, name), site) for name in [*folders, *files]
                         if not name.isascii() and not is_utf8_name(name)]
            folders[:] = [f for f in folders if f.isascii() or is_utf8_name(f)]
    return problems


def _misnamed(path: str, site: Path) -> Problem:
    relative = os.path.relpath(path, str(site)).replace(os.sep, "/")
    return Problem(shown_name(relative), 0, 0, "", "the name is not UTF-8 text, so it cannot be part of a web address",
                   "rename it, e.g. with: convmv -f latin1 -t utf8 --notest FILE")


def _section_page(key: str) -> Problem:
    """The warning for Hugo's page of a section (see ``bundles``), which is left out."""
    return warning(key, 0, "", "is a Hugo section page (the title and text of a list), not an article; "
                   "newsgen leaves it out and makes the section's page itself",
                   "name the section under sections: in newsgen.yaml, or delete the file")


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _link_problem(path: Path, site: Path) -> Problem:
    what = "folder" if path.is_dir() else "file"
    return Problem(path.relative_to(site).as_posix(), 0, 0, "",
                   f"this {what} is a link to something outside the site folder; newsgen does not follow it",
                   f"copy the {what} into the site instead of linking to it")
