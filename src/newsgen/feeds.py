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
is added to the finished XML instead of through feedgen.
"""
from __future__ import annotations

import html
import mimetypes
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import urljoin, urlsplit

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from .config import Config
from .links import rewrite_urls
from .markup import xml_text
from .model import Article, Site
from .kinds import Kind, PageSpec

if TYPE_CHECKING:
    from .images import ImageInfo

ATOM_NS = "http://www.w3.org/2005/Atom"
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

    def __init__(self, site: Site, config: Config, files: Mapping[str, tuple[Path, str]]) -> None:
        self.site = site
        self.config = config
        self.files = files  # the static files by output path (see loading.LoadedSite.statics)
        self.images: dict[str, ImageInfo] = {}  # site path -> sizes and variants, set by the build
        self._bodies: dict[str, str] = {}  # article key -> body for feeds (see _body)
        self._images: dict[str, tuple[str, str, int] | None] = {}
        self._entries: dict[tuple[str, str], FeedEntry] = {}  # (article key, RSS or ATOM) -> its entry

    def abs_url(self, path: str) -> str:
        return self.config.abs_url(path)

    def render(self, spec: PageSpec) -> bytes:
        articles = self.site.get(spec.items)
        feed = self._feed(spec, articles)
        if spec.kind is Kind.RSS:
            return bytes(feed.rss_str(pretty=True))
        return self._add_atom_enclosures(bytes(feed.atom_str(pretty=True)), articles)

    def _feed(self, spec: PageSpec, articles: list[Article]) -> FeedGenerator:
        config = self.config
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        fg.load_extension("media", atom=True, rss=True)
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
        for article in articles:
            self._entry(fg, article, spec.kind)
        return fg

    def _entry(self, fg: FeedGenerator, article: Article, kind: Kind) -> None:
        made = self._entries.get((article.key, kind))
        if made is not None:  # an article is in several feeds: its entry is made once per process
            fg.add_entry(made, order="append")
            return
        url = self.abs_url(article.url)
        fe = self._entries[(article.key, kind)] = fg.add_entry(order="append")
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

    def _empty_feed_date(self) -> datetime:
        """A date for a feed without entries: the site's newest change (never 1970, which
        feed checkers call implausible), or :data:`EMPTY_SITE_DATE` on a site without articles.

        Not the build's clock: a feed's bytes must follow from the sources alone, or an
        incremental build (which has no reason to render the feed again) and a clean one
        would differ, and every build of an empty site would change its feeds."""
        newest = max((a.modified for a in self.site.articles), default=EMPTY_SITE_DATE)
        return newest.astimezone(self.config.zone)

    def _body(self, article: Article) -> str:
        """The article's body with absolute links, made once per process: an article is in
        several feeds (the site's, its section's, each tag's and author's)."""
        body = self._bodies.get(article.key)
        if body is None:
            images = {written: self.abs_url(path) for written in article.body_images
                      if (path := self._body_image(written, article))}
            body = self._bodies[article.key] = xml_text(
                absolute_html(article.html, self.abs_url(article.url), images,
                              self.config.relink if self.config.hosted else None))
        return body

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

    def _add_atom_enclosures(self, xml: bytes, articles: list[Article]) -> bytes:
        """Add ``<link rel="enclosure">`` to Atom entries (feedgen would make it an alternate link)."""
        images = {self.abs_url(a.url): self.image(a) for a in articles if a.image}
        if not images:
            return xml
        root = etree.fromstring(xml)
        for entry in root.iter(f"{{{ATOM_NS}}}entry"):
            entry_id = entry.findtext(f"{{{ATOM_NS}}}id")
            image = images.get(entry_id or "")
            if image:
                link = etree.SubElement(entry, f"{{{ATOM_NS}}}link")
                link.set("rel", "enclosure")
                link.set("href", image[0])
                link.set("type", image[1])
                link.set("length", str(image[2]))
        return bytes(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
