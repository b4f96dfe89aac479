"""RSS 2.0 and Atom 1.0 feeds through feedgen, reproducible to the byte.

Every date comes from the content (a feed's ``lastBuildDate``/``updated`` is its
newest article's change; an empty feed takes the site's newest change, and only a
site without articles the build's time), so the same sources give the same bytes.
Bodies are made for readers that fetch nothing relative: every URL in them is
resolved against the article's own URL, and images point at the files the article
page shows. Each feed names the publisher as its author, so that an article without
a byline still makes a valid Atom entry (RFC 4287, 4.1.1). Entry ids are
the absolute permalinks, which survive a title edit. Works around feedgen 1.0's
traps: entries are appended in order; RSS authors go out as ``dc:creator`` (an
author without an e-mail is dropped otherwise); and since its Atom entry links lose
their ``rel``/``type``/``length`` (feedgen issues #135, #143), the Atom enclosure
is added to the entry's XML instead of through feedgen.

A feed is made of entries it mostly had last time: an edited article is in a dozen
feeds (the site's, its section's, each tag's and author's, in RSS and Atom) beside
fifty other articles each. So each feed keeps, in the build state, the XML of its
entries with a digest of everything each was made from (see :meth:`FeedRenderer.entry_digest`),
and is put together from those whose digest is unchanged and the few made again:
feedgen serializes a feed's head alone, and the entries go in before its closing tag,
exactly where lxml's pretty printing puts them. The bytes are those of the whole feed
made at once, so a clean build and an incremental one agree.
"""
from __future__ import annotations

import html
import marshal
import mimetypes
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import urljoin, urlsplit

import feedgen.version
import lxml
from feedgen.feed import FeedGenerator

from . import __version__, sealed
from .config import Config, config_digest
from .hashing import bytes_digest, digest
from .links import rewrite_urls
from .markup import xml_text
from .model import Article, Shelved, Site, unpack_body
from .kinds import Kind, PageSpec
from .state import FeedEntries

if TYPE_CHECKING:
    from .images import ImageInfo

# Part of every entry's digest: a change to how entries are made (below) changes it, so that
# no entry an older newsgen of the same version number made is taken for a new one.
ENTRY_FORMAT = "1"
# Where pretty-printed entries begin, and where the last one is followed by the feed's end.
ENTRY_START = {Kind.RSS: b"\n    <item>", Kind.ATOM: b"\n  <entry>"}
ENTRIES_END = {Kind.RSS: b"\n  </channel>", Kind.ATOM: b"\n</feed>"}
ATOM_ENTRY_END = b"\n  </entry>"
# The entries a process keeps for the feeds it makes next (about 13 MB): a full build makes all 158
# feeds of the benchmark's archive, 7,900 entries of about 6 KB, some 50 MB if all were held to its end.
ENTRIES_HELD = 2000
# Not every Python's mimetypes table knows these (webp arrived in 3.13); the OS table may be absent.
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml"}


def absolute_html(body: str, page_url: str, image_url: dict[str, str] | None = None,
                  relink: Callable[[str], str] | None = None) -> str:
    """Body HTML with every URL resolved against ``page_url`` (the article's absolute URL),
    as feed readers need: ``../x/``, ``#fn:1``, ``//host/`` and ``photo.jpg`` alike.

    ``image_url`` maps an ``<img src>`` as written to the absolute URL the article page
    shows for it (an image next to the article is served from ``/_img/``, not from
    where the editor's relative path would point). ``relink`` maps root-relative links first
    (``Config.relink``: an edition on a domain of its own).
    """
    images = image_url or {}
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def resolve(tag: str, attribute: str, url: str) -> str:
        if tag == "img" and attribute == "src" and url in images:
            return images[url]
        if relink is not None:
            url = relink(url)
        if url[:1] == "/" and url[1:2] != "/" and "/." not in url:  # the usual link: no dot segments to resolve
            return origin + url
        return urljoin(page_url, url)
    return rewrite_urls(body, resolve)


def byline(article: Article) -> str:
    """The article's authors as one line: 'Aida Bek', 'Aida Bek and Erlan', 'A, B and C'."""
    names = [a.name for a in article.authors]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# The date of the feeds of a site that has no article yet: fixed, so that the same sources give the
# same feeds, and late enough for feed checkers to find it plausible.
EMPTY_SITE_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


class FeedRenderer:
    """Renders the feed pages of one site (``PageSpec.kind`` 'rss' or 'atom')."""

    def __init__(self, site: Site, config: Config, files: Mapping[str, tuple[Path, str]],
                 last: FeedEntries | None = None) -> None:
        self.site = site
        self.config = config
        self.files = files  # the static files by output path (see loading.LoadedSite.statics)
        self.last = last  # what each feed was made of last time, and where it goes; None: every entry is made
        self.images: dict[str, ImageInfo] = {}  # site path -> sizes and variants, set by the build
        self._images: dict[str, tuple[str, str, int] | None] = {}
        # (article key, RSS or ATOM) -> (digest, XML) of the entries used last: an article is in several
        # feeds (the site's, its section's, each tag's and author's), and its entry is made once for them
        self._entries: OrderedDict[tuple[str, Kind], tuple[str, bytes]] = OrderedDict()
        self._digests: dict[tuple[str, Kind], str] = {}
        self._packed: dict[str, bytes] = {}  # bodies read for their digest, until the feed's entries are made
        self._records_read: dict[str, bytes] = {}  # output path -> its record as read, until the feed is made
        laid_out_by = (feedgen.version.version_str, getattr(lxml, "__version__", ""))
        self._identity = digest(ENTRY_FORMAT, __version__, *laid_out_by, config_digest(config))

    def abs_url(self, path: str) -> str:
        return self.config.abs_url(path)

    def render(self, spec: PageSpec) -> bytes:
        articles = self.site.get(spec.items)
        kind = spec.kind
        entries = self._entries_of(spec.output, articles, kind)
        # not compressed: a dozen feeds' records are read and written on every edit, 3 MB at 10,000
        # articles, and zlib took longer over them than the entries they spare take to make
        record = marshal.dumps([(article.key, made, xml) for article, (made, xml) in zip(articles, entries)])
        if record != self._records_read.pop(spec.output, b"") and self.last is not None:
            self.last.keep(spec.output, sealed.seal(record))  # the same entries: the state keeps its record
        head = self._head(spec, articles)
        end = head.rindex(ENTRIES_END[kind])
        return b"".join((head[:end], *(xml for _, xml in entries), head[end:]))

    def _entries_of(self, feed: str, articles: list[Article], kind: Kind) -> list[tuple[str, bytes]]:
        """(digest, XML) of each article's entry: this process's, else the feed's own of last
        time, else made now (all those of one feed in one go)."""
        last = self._last(feed)
        found: dict[str, tuple[str, bytes]] = {}
        missing = []
        for article in articles:
            wanted = self.entry_digest(article, kind)
            held = self._entries.get((article.key, kind))
            had = held if held is not None and held[0] == wanted else last.get(article.key)
            if had is not None and had[0] == wanted:
                found[article.key] = had
            else:
                missing.append(article)
        for article, xml in zip(missing, self._make(missing, kind)):
            found[article.key] = (self.entry_digest(article, kind), xml)
        self._packed.clear()
        for article in articles:
            self._entries[(article.key, kind)] = found[article.key]
            self._entries.move_to_end((article.key, kind))
        while len(self._entries) > ENTRIES_HELD:
            self._entries.popitem(last=False)
        return [found[article.key] for article in articles]

    def _last(self, feed: str) -> dict[str, tuple[str, bytes]]:
        """article key -> (digest, XML) of the feed's entries as the last build made them; a record
        that is not this user's, or cannot be read, is none."""
        record = self.last.of(feed) if self.last is not None else b""
        if not record:
            return {}
        try:
            data = sealed.unseal(record)
            entries = {key: (d, xml) for key, d, xml in marshal.loads(data)}
        except (sealed.Unsealed, ValueError, TypeError, EOFError):
            return {}
        self._records_read[feed] = data
        return entries

    def entry_digest(self, article: Article, kind: Kind) -> str:
        """A digest of everything an article's entry is made from: its fields, its body as the
        article page shows it, the images it points at, the settings and the versions of
        newsgen, feedgen and lxml (which lay the XML out)."""
        made = self._digests.get((article.key, kind))
        if made is None:
            body = article.packed_body
            packed = self._packed[article.key] = body.packed() if isinstance(body, Shelved) else body
            made = self._digests[(article.key, kind)] = digest(
                self._identity, kind, article.key, article.url, article.title, article.date.isoformat(),
                article.modified.isoformat(), article.summary, repr([(a.name, a.slug) for a in article.authors]),
                repr([t.name for t in article.tags]), repr(self.image(article)),
                repr(sorted(self._body_images(article).items())), bytes_digest(packed))
        return made

    def _head(self, spec: PageSpec, articles: list[Article]) -> bytes:
        """The feed without its entries."""
        config = self.config
        fg = _generator()
        fg.id(self.abs_url(spec.first_url))
        fg.title(xml_text(spec.title))
        fg.description(xml_text(config.description or config.title))
        fg.subtitle(xml_text(config.description or config.title))
        fg.language(config.language)
        fg.generator("newsgen")
        fg.link(href=self.abs_url(spec.url), rel="self",
                type="application/rss+xml" if spec.kind is Kind.RSS else "application/atom+xml")
        fg.link(href=self.abs_url(spec.first_url), rel="alternate")  # the last link() is the RSS channel link
        fg.author({"name": xml_text(config.publisher or config.title), "uri": self.abs_url("/")})
        newest = max((a.modified for a in articles), default=None) or self._empty_feed_date()
        fg.updated(newest)
        fg.lastBuildDate(newest)
        return bytes(fg.rss_str(pretty=True) if spec.kind is Kind.RSS else fg.atom_str(pretty=True))

    def _make(self, articles: list[Article], kind: Kind) -> list[bytes]:
        """The XML of each article's entry, as it stands in a pretty-printed feed: feedgen makes a
        feed of these entries alone (with the extensions every feed has, so that the entries
        use the prefixes the feed's root declares), cut at each entry's start."""
        if not articles:
            return []
        fg = _generator()
        fg.id("about:blank")
        fg.title("entries")
        fg.description("entries")
        fg.link(href="about:blank")
        fg.updated(EMPTY_SITE_DATE)
        for article in articles:
            self._entry(fg, article, kind)
        xml = bytes(fg.rss_str(pretty=True) if kind is Kind.RSS else fg.atom_str(pretty=True))
        start = ENTRY_START[kind]
        parts = xml[xml.index(start):xml.rindex(ENTRIES_END[kind])].split(start)[1:]
        if len(parts) != len(articles):  # never with lxml's layout; a loud failure rather than a wrong feed
            raise ValueError(f"feedgen laid out {len(parts)} entries for {len(articles)} articles")
        entries = [start + part for part in parts]
        if kind is Kind.ATOM:
            entries = [self._with_enclosure(xml, article) for xml, article in zip(entries, articles)]
        return entries

    def _entry(self, fg: FeedGenerator, article: Article, kind: Kind) -> None:
        url = self.abs_url(article.url)
        fe = fg.add_entry(order="append")
        fe.id(url)
        fe.guid(url, permalink=True)
        fe.title(xml_text(article.title))
        fe.link(href=url)
        fe.published(article.date)
        fe.updated(article.modified)
        summary = xml_text(article.summary or article.title)
        fe.description(html.escape(summary, quote=False))  # RSS readers take a description as HTML
        fe.summary(summary)  # Atom: type text
        fe.content(self._body(article), type="html")
        if kind is Kind.RSS and article.authors:
            # one dc:creator with the whole byline: readers such as newsboat show only the last of several
            fe.dc.dc_creator(xml_text(byline(article)))
        for author in article.authors if kind is Kind.ATOM else ():
            fe.author({"name": xml_text(author.name), "uri": self.abs_url(f"/authors/{author.slug}/")})
        if article.tags:  # one call: feedgen rebuilds the whole list on each one
            fe.category([{"term": xml_text(tag.name), "label": xml_text(tag.name)} for tag in article.tags])
        image = self.image(article)
        if image:
            image_url, mime, length = image
            fe.media.content(url=image_url, type=mime, medium="image", group=None)
            if kind is Kind.RSS:
                fe.enclosure(image_url, str(length), mime)

    def _with_enclosure(self, entry: bytes, article: Article) -> bytes:
        """An Atom entry with ``<link rel="enclosure">`` for the lead image (feedgen would make it
        an alternate link), last in the entry."""
        image = self.image(article)
        if not image or not entry.endswith(ATOM_ENTRY_END):
            return entry
        attributes = " ".join(f'{name}="{html.escape(value)}"' for name, value in
                              (("rel", "enclosure"), ("href", image[0]), ("type", image[1]), ("length", str(image[2]))))
        return entry[:-len(ATOM_ENTRY_END)] + f"\n    <link {attributes}/>".encode("utf-8") + ATOM_ENTRY_END

    def _empty_feed_date(self) -> datetime:
        """A date for a feed without entries: the site's newest change (never 1970, which
        feed checkers call implausible), or :data:`EMPTY_SITE_DATE` on a site without articles.

        Not the build's clock: a feed's bytes must follow from the sources alone, or an
        incremental build (which has no reason to render the feed again) and a clean one
        would differ, and every build of an empty site would change its feeds."""
        newest = max((a.modified for a in self.site.articles), default=EMPTY_SITE_DATE)
        return newest.astimezone(self.config.zone)

    def _body(self, article: Article) -> str:
        """The article's body with absolute links."""
        packed = self._packed.get(article.key)
        body = unpack_body(packed) if packed is not None else article.html  # read for its digest, or now
        return xml_text(absolute_html(body, self.abs_url(article.url), self._body_images(article),
                                      self.config.relink if self.config.hosted else None))

    def _body_images(self, article: Article) -> dict[str, str]:
        """Each body image as written -> the absolute URL the article page shows it at."""
        return {written: self.abs_url(path) for written in article.body_images
                if (path := self._body_image(written, article))}

    def _body_image(self, written: str, article: Article) -> str:
        """The URL the article page gives a body image (see ``images.responsive_body``): its
        largest variant when newsgen made some, else the file wherever it lies in the site;
        '' for an image that is not the site's."""
        path = article.site_file(written, self.config.base_path)
        if not path:
            return ""  # not the site's: resolved like any other URL
        info = self.images.get(path)
        return info.fallback if info is not None else path

    def image(self, article: Article) -> tuple[str, str, int] | None:
        """(absolute URL, MIME type, size in bytes) of the lead image, if the article has one."""
        if not article.image:
            return None
        if article.key not in self._images:
            self._images[article.key] = self._image(article)
        return self._images[article.key]

    def _image(self, article: Article) -> tuple[str, str, int] | None:
        suffix = Path(article.image.split("?")[0]).suffix.lower()
        mime = IMAGE_TYPES.get(suffix) or mimetypes.guess_type(article.image)[0] or "application/octet-stream"
        path = article.site_file(article.image)
        if not path:
            return article.image, mime, 0
        length = 0
        found = self.files.get(path.lstrip("/"))  # the site's own file, the theme's, or a bundle's
        if found is not None:
            try:
                length = found[0].stat().st_size
            except OSError:
                pass
        return self.abs_url(path), mime, length


def _generator() -> FeedGenerator:
    """A feedgen feed with the extensions every feed of newsgen has."""
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media", atom=True, rss=True)
    return fg
