"""The first read of an export: what is in it, and where each post will live in the site.

A post links to posts after it, its featured image is an attachment that may come later in
the file, and a malformed file must be refused before anything is written, so the export is
read twice: this first pass keeps no bodies, only what the second needs, which stays small
for any archive: per post its title, date, slug, section and old addresses; per attachment
its URL and words. :func:`place_item` decides, from an item alone, what it is (article,
page, skipped) and where an article goes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from ..errors import Problem, warning
from ..slugs import slugify
from .body import Attachment, plain_text
from .wxr import ExportAuthor, ExportCategory, Item, SiteInfo

PUBLISHED, SCHEDULED, DRAFT = "published", "scheduled", "draft"
STATUSES = {"publish": PUBLISHED, "future": SCHEDULED, "draft": DRAFT, "pending": DRAFT, "private": DRAFT}
SKIPPED_STATUSES = ("trash", "auto-draft", "inherit")
DEFAULT_SECTION = "uncategorized"
_WP_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$")
IMAGE_ALT = "_wp_attachment_image_alt"
PRIMARY_CATEGORY = "_yoast_wpseo_primary_category"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an imported post lives in the site, decided from its item alone."""

    post_id: int
    title: str
    date: datetime  # with WordPress's offset
    updated: datetime | None
    slug: str  # as WordPress had it, percent-decoded
    section: str  # a newsgen section key
    status: str  # PUBLISHED, SCHEDULED or DRAFT
    old_paths: tuple[str, ...]  # old addresses as paths of the old site ('/2011/01/x/', '/?p=1')


@dataclass
class Archive:
    """What the first pass keeps (see the module's docstring)."""

    site: SiteInfo | None = None
    authors: dict[str, ExportAuthor] = field(default_factory=dict)  # by login
    categories: dict[str, ExportCategory] = field(default_factory=dict)  # by nicename
    tags: dict[str, ExportCategory] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    attached: dict[int, list[int]] = field(default_factory=dict)  # post id -> its image attachments
    placements: dict[int, Placement] = field(default_factory=dict)
    pages: list[tuple[int, str, str]] = field(default_factory=list)  # (id, title, link) of pages
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (post type, status) -> items
    problems: list[Problem] = field(default_factory=list)
    repaired_cdata: bool = False

    def count(self, kind: str, status: str) -> None:
        self.counts[kind, status] = self.counts.get((kind, status), 0) + 1

    @property
    def base_path(self) -> str:
        """The old site's path ('/path' for https://host/path), '' at a host's root."""
        site = self.site
        base = (site.base_blog_url or site.link or site.base_site_url) if site else ""
        return urlsplit(base).path.rstrip("/")

    @property
    def hosts(self) -> frozenset[str]:
        """The old site's host names, lowercase, without 'www.'."""
        site = self.site
        urls = (site.link, site.base_site_url, site.base_blog_url) if site else ()
        return frozenset(_host(u) for u in urls if _host(u))


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower().rsplit("@", 1)[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def wp_datetime(text: str) -> datetime | None:
    """WordPress's 'YYYY-MM-DD HH:MM:SS' as a naive datetime; None for '0000-00-00 00:00:00' or junk."""
    match = _WP_DATE.match(text.strip())
    if not match or match.group(1) == "0000":
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def moment(local: str, gmt: str, zone: tzinfo) -> datetime | None:
    """A WordPress time with its offset: the local time, offset by its distance from the GMT one;
    the local time in the site's ``zone`` when the GMT one is zero (drafts); None without either."""
    here, there = wp_datetime(local), wp_datetime(gmt)
    if there is not None:
        offset = timedelta(minutes=round((here - there).total_seconds() / 60)) if here else timedelta(0)
        if abs(offset) >= timedelta(hours=24):
            offset = timedelta(0)
        return there.replace(tzinfo=timezone.utc).astimezone(timezone(offset))
    if here is not None:
        return here.replace(tzinfo=zone)
    return None


def add_to_archive(archive: Archive, item: Item, export_name: str, zone: tzinfo) -> None:
    """Note ``item`` in the archive: count it, and keep what the second pass needs of it."""
    kind = item.post_type
    if kind == "attachment":
        archive.count(kind, "inherit")
        alt = item.meta_value(IMAGE_ALT)
        archive.attachments[item.post_id] = Attachment(item.post_id, item.attachment_url or item.guid,
                                                       item.title or "", alt, plain_text(item.excerpt), item.parent)
        if item.parent and re.search(r"\.(jpe?g|png|gif|webp|svg|avif)$", item.attachment_url, re.I):
            archive.attached.setdefault(item.parent, []).append(item.post_id)
        return
    status = item.status
    archive.count(kind, status)
    if kind != "post" or status in SKIPPED_STATUSES or status not in STATUSES:
        if kind == "page" and status not in SKIPPED_STATUSES:
            archive.pages.append((item.post_id, (item.title or "").strip() or f"page {item.post_id}", item.link))
        return
    if item.post_id == 0 or item.post_id in archive.placements:
        archive.problems.append(_unidentified(item, export_name))
        return
    archive.placements[item.post_id] = place_item(archive, item, export_name, zone)


def _unidentified(item: Item, export_name: str) -> Problem:
    """Why a post without an id of its own is skipped: its id is what ties the article to it when a newer
    export is imported, so two posts under one id would overwrite each other's article."""
    title = " ".join((item.title or "").split()) or "untitled"
    message = (f'post "{title}" has another post\'s id ({item.post_id})' if item.post_id
               else f'post "{title}" has no <wp:post_id>')
    return warning(export_name, item.line, "wp:post_id", f"{message}; it was not imported",
                   "export the site again from WordPress (Tools → Export)")


def place_item(archive: Archive, item: Item, export_name: str, zone: tzinfo) -> Placement:
    """Where a post goes: title, date, slug, section and status, with a warning for each made up."""
    problems = archive.problems
    date = moment(item.post_date, item.post_date_gmt, zone)
    if date is None:
        date, source = _made_up_date(item, zone)
        problems.append(warning(export_name, item.line, "wp:post_date",
                                f"post {item.post_id} has no date; it is dated {source}",
                                "set the date in the imported article's front matter"))
    updated = moment(item.post_modified, item.post_modified_gmt, zone)
    if updated is not None and updated <= date:
        updated = None
    title = " ".join((item.title or "").split())
    if not title:
        title = (_words(unquote(item.post_name).replace("-", " ")).capitalize() or _words(plain_text(item.content))
                 or f"Untitled post {item.post_id}")
        problems.append(warning(export_name, item.line, "title", f"post {item.post_id} has no title; "
                                f'it is titled "{title}"', "set the title in the imported article's front matter"))
    slug = safe_slug(unquote(item.post_name)) or slugify(title) or f"post-{item.post_id}"
    return Placement(item.post_id, title, date, updated, slug, section_of(archive, item), STATUSES[item.status],
                     old_paths(archive, item, date, slug))


def _made_up_date(item: Item, zone: tzinfo) -> tuple[datetime, str]:
    """A date for a post without ``wp:post_date`` (every article needs one), and what it was taken from
    for the warning: the feed's ``pubDate``, else the last change, else the epoch, so that it sorts
    first and is noticed."""
    published = _rfc822(item.pub_date)
    if published is not None:
        return published, "by its publication date in the feed"
    modified = moment(item.post_modified, item.post_modified_gmt, zone)
    if modified is not None:
        return modified, "by its last change"
    return datetime(1970, 1, 1, tzinfo=timezone.utc), "1970-01-01, since nothing in it gives a date"


def _words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _rfc822(text: str) -> datetime | None:
    try:
        found = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None
    return found if found is not None and found.year >= 1000 and found.tzinfo is not None else None


def safe_slug(text: str) -> str:
    """A WordPress slug as one safe path segment: no '/', '\\', control characters or dot-only names."""
    text = re.sub(r"[/\\\x00-\x1f\x7f]+", "-", text).strip(" -")
    return "" if set(text) <= {"."} else text


def section_key(nicename: str) -> str:
    """A category's nicename (percent-encoded for Cyrillic names) as a newsgen section key."""
    return slugify(unquote(nicename)) or ""


def section_of(archive: Archive, item: Item) -> str:
    """The post's section: its Yoast primary category where it names one of the post's, else its first."""
    categories = [t.nicename for t in item.terms if t.domain == "category" and t.nicename]
    primary_id = item.meta_value(PRIMARY_CATEGORY).strip()
    if primary_id.isdigit():
        chosen = next((c.nicename for c in archive.categories.values() if c.term_id == int(primary_id)), "")
        if chosen in categories:
            categories.insert(0, chosen)
    return next((key for key in map(section_key, categories) if key), DEFAULT_SECTION)


def tags_of(archive: Archive, item: Item, section: str) -> list[str]:
    """The post's other categories and its tags by name, each once, in the export's order."""
    tags: list[str] = []
    for term in item.terms:
        if term.domain == "category" and (section_key(term.nicename) or slugify(term.name)) == section:
            continue
        if term.domain in ("category", "post_tag"):
            name = " ".join(term.name.split()) or unquote(term.nicename)
            if name and name not in tags:
                tags.append(name)
    return tags


def old_path(archive: Archive, url: str) -> str:
    """A URL of the old site as a path inside it ('/2011/01/x/', '/?p=1'), '' for another site's."""
    parts = urlsplit(url)
    if parts.netloc and _host(url) not in archive.hosts:
        return ""
    if not parts.netloc and not url.startswith("/"):
        return ""
    path = unquote(parts.path) or "/"
    base = archive.base_path
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):] or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def old_paths(archive: Archive, item: Item, date: datetime, slug: str) -> tuple[str, ...]:
    """Every address a reader may have kept for the post: its link, ``/?p=ID``, and WordPress's
    date-and-name form (its default 'pretty' structure)."""
    found = [old_path(archive, item.link), f"/?p={item.post_id}",
             f"/{date.year:04d}/{date.month:02d}/{date.day:02d}/{slug}/"]
    if item.guid and "?p=" not in item.guid:
        found.append(old_path(archive, item.guid))
    unique: list[str] = []
    for path in found:
        if path and path != "/" and path not in unique:
            unique.append(path)
    return tuple(unique)
