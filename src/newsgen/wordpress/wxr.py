"""A WordPress export (WXR 1.0, 1.1 or 1.2) read as a stream of typed records.

An export of a big archive can be a gigabyte of XML, so it is never held whole:
``lxml.etree.iterparse`` hands over one ``<item>`` at a time, which becomes an
:class:`Item` and is then cleared, with the siblings read before it, so that memory
stays bounded by the largest item. The namespaces differ by version
(``http://wordpress.org/export/1.0/`` … ``1.2/``); elements are matched by their local
name within any of them.

Two kinds of bad file are told apart, since an editor must do different things:
:class:`NotAnExport` (well-formed XML that is not WordPress's: another RSS feed, an
export without ``<wp:wxr_version>``, which WordPress's own importer refuses too) and
:class:`BrokenExport` (XML that is not well-formed, with lxml's line and column).

One damage is repaired rather than refused, as WordPress's own importer (its regular
expression parser) does: an unescaped ``]]>`` inside a CDATA section (a post that quotes
CDATA, written by an old exporter). :func:`read_export` is strict; the caller retries with
``repair_cdata=True`` only when lxml names that very error (:func:`is_cdata_damage`).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from lxml import etree

WP_NAMESPACE = "http://wordpress.org/export/"  # + "1.0/", "1.1/", "1.2/"
KNOWN_VERSIONS = ("1.0", "1.1", "1.2")
_CDATA_DAMAGE = "Sequence ']]>' not allowed in content"


class NotAnExport(Exception):
    """Well-formed XML that is not a WordPress export; the message says what it lacks."""


class BrokenExport(Exception):
    """XML that is not well-formed: lxml's message, line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Term:
    """A category, tag or other term an item is filed under (``<category domain nicename>``)."""

    domain: str  # 'category', 'post_tag', 'post_format', or a custom taxonomy
    nicename: str  # the term's slug, percent-encoded for non-ASCII names
    name: str


@dataclass(frozen=True, slots=True)
class ExportAuthor:
    """A ``<wp:author>`` record (WXR 1.1 and later): the login posts name, and the display name."""

    login: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True, slots=True)
class ExportCategory:
    """A ``<wp:category>`` or ``<wp:tag>`` record of the channel: slug, name and parent's slug."""

    kind: str  # 'category' or 'post_tag'
    term_id: int
    nicename: str
    name: str
    parent: str = ""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the channel says about the exported site; given once, before the first item."""

    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    language: str
    version: str


@dataclass(frozen=True, slots=True)
class Item:
    """One ``<item>``: a post, page, attachment, menu item or revision, as the export has it.

    Texts are as written (no unescaping of backslashes, no trimming of bodies); dates are
    WordPress's ``YYYY-MM-DD HH:MM:SS`` text, '' where missing. ``line`` is where the item
    starts in the export, for messages.
    """

    line: int
    post_id: int
    post_type: str
    status: str
    title: str | None  # None: no <title> element at all
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    post_name: str = ""
    parent: int = 0
    attachment_url: str = ""
    sticky: bool = False
    terms: tuple[Term, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()

    def meta_value(self, key: str) -> str:
        """The first post meta value under ``key``; '' when there is none."""
        return next((value for name, value in self.meta if name == key), "")


Record = Union[SiteInfo, ExportAuthor, ExportCategory, Item]


def is_cdata_damage(error: BrokenExport) -> bool:
    """Whether lxml stopped at an unescaped ']]>' inside CDATA (see the module's docstring)."""
    return _CDATA_DAMAGE in str(error)


def read_export(path: Path, repair_cdata: bool = False) -> Iterator[Record]:
    """The records of the export at ``path``, in file order: :class:`SiteInfo` first, then
    authors, categories and items as they come. Raises :class:`BrokenExport` or
    :class:`NotAnExport` (possibly after some records: callers read the whole file before
    acting on it)."""
    with open(path, "rb") as raw:
        yield from _records(_CdataRepair(raw) if repair_cdata else raw)


def _records(source: BinaryIO | io.RawIOBase) -> Iterator[Record]:
    parser = etree.iterparse(source, events=("start", "end"), resolve_entities=False, no_network=True,
                             huge_tree=True, remove_comments=True, load_dtd=False)
    names: dict[str, str] = {}  # lxml's '{namespace}local' -> 'wp:local' (see _name)
    channel: dict[str, str] = {}
    info_given = False
    depth = 0
    try:
        for event, elem in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(elem)
                continue
            depth -= 1
            name = names.get(elem.tag) or names.setdefault(elem.tag, _name(elem.tag))
            if depth == 2 and name in ("wp:author", "wp:category", "wp:tag"):  # (depth: of the parent)
                yield _channel_record(name, elem, names)
                _forget(elem)
            elif depth == 2 and name == "item":
                if not info_given:
                    yield _site_info(channel)
                    info_given = True
                yield _item(elem, names)
                _forget(elem)
            elif depth == 2 and name in ("title", "link", "language", "wp:wxr_version", "wp:base_site_url",
                                         "wp:base_blog_url"):
                channel[name] = (elem.text or "").strip()
                _forget(elem)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 0, 0)
        line, column = max(line, 1), max(column, 1)  # an empty file: where the first tag should be
        message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc).split(" (", 1)[0])
        raise BrokenExport(message, line, column) from None
    if not info_given:
        yield _site_info(channel)


def _check_root(elem: etree._Element) -> None:
    namespaces = [ns for ns in (elem.nsmap or {}).values() if ns and ns.startswith(WP_NAMESPACE)]
    if _name(elem.tag) != "rss" or not namespaces:
        raise NotAnExport("it is XML, but not a WordPress export (no <rss> with WordPress's export namespace)")


def _site_info(channel: dict[str, str]) -> SiteInfo:
    version = channel.get("wp:wxr_version", "")
    if not version:
        raise NotAnExport("it has no <wp:wxr_version>, so it is not a WordPress export file "
                          "(WordPress's own importer refuses it too)")
    return SiteInfo(channel.get("title", ""), channel.get("link", ""), channel.get("wp:base_site_url", ""),
                    channel.get("wp:base_blog_url", ""), channel.get("language", ""), version)


def _name(tag: object) -> str:
    """'wp:post_id' for any WXR version's namespace, 'content:encoded', 'excerpt:encoded', 'dc:creator';
    other elements by their local name."""
    if not isinstance(tag, str):
        return ""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    if namespace.startswith(WP_NAMESPACE):
        return f"excerpt:{local}" if namespace.endswith("/excerpt/") else f"wp:{local}"
    if namespace == "http://purl.org/rss/1.0/modules/content/":
        return f"content:{local}"
    if namespace == "http://purl.org/dc/elements/1.1/":
        return f"dc:{local}"
    return local


def _forget(elem: etree._Element) -> None:
    """Free an element read, and the siblings before it, so memory holds one item at a time."""
    elem.clear()
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _children(elem: etree._Element, names: dict[str, str]) -> Iterator[tuple[str, etree._Element]]:
    for child in elem:
        tag = child.tag
        if isinstance(tag, str):
            yield names.get(tag) or names.setdefault(tag, _name(tag)), child


def _channel_record(name: str, elem: etree._Element, names: dict[str, str]) -> Record:
    fields = {key: (child.text or "").strip() for key, child in _children(elem, names)}
    if name == "wp:author":
        login = fields.get("wp:author_login", "")
        return ExportAuthor(login, " ".join(fields.get("wp:author_display_name", "").split()) or login,
                            fields.get("wp:author_first_name", ""), fields.get("wp:author_last_name", ""))
    if name == "wp:category":
        return ExportCategory("category", _number(fields.get("wp:term_id", "")), fields.get("wp:category_nicename", ""), fields.get("wp:cat_name", ""),
                              fields.get("wp:category_parent", ""))
    return ExportCategory("post_tag", _number(fields.get("wp:term_id", "")), fields.get("wp:tag_slug", ""), fields.get("wp:tag_name", ""))


def _line(elem: etree._Element) -> int:
    line: object = elem.sourceline  # (lxml-stubs types it oddly)
    return line if isinstance(line, int) else 0


def _number(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def _item(elem: etree._Element, names: dict[str, str]) -> Item:
    texts: dict[str, str] = {}
    terms: list[Term] = []
    meta: list[tuple[str, str]] = []
    title: str | None = None
    for name, child in _children(elem, names):
        if name == "category":
            domain = child.get("domain", "category")
            terms.append(Term(domain, child.get("nicename", ""), child.text or ""))
        elif name == "wp:postmeta":
            pair = {key: grand.text or "" for key, grand in _children(child, names)}
            meta.append((pair.get("wp:meta_key", ""), pair.get("wp:meta_value", "")))
        elif name == "title":
            title = child.text or ""
        elif name not in texts:  # the first of each, as WordPress's parser takes it
            texts[name] = child.text or ""

    def text(key: str) -> str:
        return texts.get(key, "").strip()

    return Item(
        line=_line(elem), post_id=_number(text("wp:post_id")), post_type=text("wp:post_type") or "post",
        status=text("wp:status") or "publish", title=title, link=text("link"), guid=text("guid"),
        pub_date=text("pubDate"), creator=text("dc:creator") or text("wp:author"),
        content=texts.get("content:encoded", ""), excerpt=texts.get("excerpt:encoded", ""),
        post_date=text("wp:post_date"), post_date_gmt=text("wp:post_date_gmt"),
        post_modified=text("wp:post_modified"), post_modified_gmt=text("wp:post_modified_gmt"),
        post_name=text("wp:post_name"), parent=_number(text("wp:post_parent")),
        attachment_url=text("wp:attachment_url"), sticky=text("wp:is_sticky") == "1",
        terms=tuple(terms), meta=tuple(meta))


class _CdataRepair(io.RawIOBase):
    """The export's bytes with each ``]]>`` inside a CDATA section that does not end it escaped
    (``]]]]><![CDATA[>``), as WordPress's regular-expression parser reads such a file: a
    section ends at the ``]]>`` followed by an end tag or by the next section."""

    _OPEN = b"<![CDATA["
    _CLOSE = b"]]>"
    _LOOKAHEAD = len(b"]]><![CDATA[")

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self.raw = raw
        self.pending = b""
        self.out = b""
        self.in_cdata = False
        self.eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        while not self.out and not (self.eof and not self.pending):
            chunk = self.raw.read(1 << 16)
            self.eof = not chunk
            self.pending += chunk
            self.out += self._repair()
        size = min(len(buffer), len(self.out))
        buffer[:size] = self.out[:size]
        self.out = self.out[size:]
        return size

    def _repair(self) -> bytes:
        data, done, at = self.pending, [], 0
        while True:
            if not self.in_cdata:
                found = data.find(self._OPEN, at)
                if found < 0:
                    keep = 0 if self.eof else len(self._OPEN) - 1
                    cut = max(at, len(data) - keep)
                    done.append(data[at:cut])
                    at = cut
                    break
                done.append(data[at:found + len(self._OPEN)])
                at = found + len(self._OPEN)
                self.in_cdata = True
            else:
                found = data.find(self._CLOSE, at)
                if found < 0 or (not self.eof and len(data) - found < self._LOOKAHEAD):
                    cut = len(data) if self.eof and found < 0 else (found if found >= 0 else max(at, len(data) - 2))
                    done.append(data[at:cut])
                    at = cut
                    break
                after = data[found + 3:found + self._LOOKAHEAD]
                done.append(data[at:found])
                at = found + 3
                if after.startswith(b"</") or after.startswith(self._OPEN) or not after:
                    done.append(self._CLOSE)
                    self.in_cdata = False
                else:
                    done.append(b"]]]]><![CDATA[>")
        self.pending = data[at:]
        return b"".join(done)
