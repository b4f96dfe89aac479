"""``newsgen import wordpress``: an export in, articles, media and a report out.

The steps: read the whole export once (``archive``: a broken or foreign file is refused
here, before anything is written); choose the permalink pattern and every post's address
(``addresses``); read the export again, converting each post (``body``) and writing its
file as it goes (``writer``), so that memory holds one post at a time; then the media, the
authors, the web server's redirect rules and the report. ``dry_run`` does all of it but the
writing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from ..config import load_config
from ..errors import ContentError, Problem, UsageError
from ..inputs import CONTENT_DIR, SETTINGS_FILE
from ..report import Reporter
from ..scaffold import refuse_links_out
from ..slugs import normalise_url, slugify
from .addresses import (SlugRule, Relinker, from_wordpress_structure, infer_pattern, new_url, redirects_for,
                        server_rules)
from .archive import DRAFT, Archive, Placement, add_to_archive, section_key, tags_of
from .body import BodyContext, convert_body, plain_text
from .media import Media, copy_media
from .report import ImportReport
from .writer import (Existing, article_path, article_text, authors_entries, find_imported, front_matter,
                     site_settings)
from .wxr import (BrokenExport, ExportAuthor, ExportCategory, Item, NotAnExport, Record, SiteInfo, is_cdata_damage,
                  read_export)

DEFAULT_PATTERN = "/{section}/{slug}/"
REPORT_FILE = "import-report.md"
_COMMAND = "newsgen import wordpress"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What to import where, and how."""

    export: Path
    site: Path
    media: Path | None = None
    dry_run: bool = False
    permalink: str = ""  # a WordPress permalink structure ('/%year%/%monthnum%/%postname%/'), '' to infer it
    keep_unknown_shortcodes: bool = False


@dataclass(frozen=True)
class _Site:
    """The site imported into, as far as the import needs it."""

    exists: bool
    zone: tzinfo
    pattern: str
    rule: SlugRule


def import_wordpress(options: ImportOptions, reporter: Reporter) -> ImportReport:
    """Import the export into the site (made when missing); returns what was done (or would be)."""
    export_name = str(options.export)
    if not options.export.is_file():
        raise UsageError(f"{export_name} is not a file; give the path of WordPress's export (Tools → Export)")
    if options.media is not None and not options.media.is_dir():
        raise UsageError(f"--media {options.media} is not a folder; give a copy of the old site's wp-content/uploads")
    site = _read_site(options.site)
    archive = _first_pass(options.export, export_name, site.zone, reporter)
    report = ImportReport(export_name, str(options.site), options.dry_run, created_site=not site.exists,
                          counts=dict(sorted(archive.counts.items())), pages=archive.pages,
                          problems=archive.problems, repaired_cdata=archive.repaired_cdata,
                          media_given=options.media is not None)
    pattern = _choose_pattern(options, site, archive, report)
    if not site.exists and not options.dry_run:
        _make_site(options.site, archive, pattern)
    urls = _addresses(archive, pattern, site, report)
    relinker = Relinker(archive, urls.by_old_path)
    media = Media(options.media.resolve() if options.media else None)
    content = options.site / CONTENT_DIR
    imported = find_imported(content) if site.exists else {}
    context_for = _body_context(archive, relinker, media, options.keep_unknown_shortcodes)
    reporter.start("importing", len(archive.placements))
    taken: set[Path] = {e.path for e in imported.values()}
    for item in _posts(options.export, archive):
        place = archive.placements[item.post_id]
        _import_post(options, archive, item, place, urls, context_for(item.post_id), media, imported, taken, report)
        reporter.advance()
    reporter.finish()
    report.missing_media = {url: sorted(ids) for url, ids in sorted(media.missing.items())}
    report.media_used = len(media.found)
    report.server_redirects = dict(sorted(urls.server.items()))
    if not options.dry_run:
        _write_extras(options.site, archive, media, report)
    return report


def _read_site(site: Path) -> _Site:
    settings = site / SETTINGS_FILE
    if settings.is_file():
        config = load_config(site)
        return _Site(True, config.zone, config.permalink, SlugRule(config.slugs or "ascii", not config.slugs))
    if site.exists() and (not site.is_dir() or any(p.name != ".git" for p in site.iterdir())):
        raise UsageError(f"{site} is not a newsgen site (no {SETTINGS_FILE}) and not empty; import into a site, "
                         "or name a new folder for the import to make one")
    return _Site(False, ZoneInfo("UTC"), DEFAULT_PATTERN, SlugRule("keep", False))


def _first_pass(export: Path, export_name: str, zone: tzinfo, reporter: Reporter) -> Archive:
    """Read the whole export into an :class:`Archive`; a broken or foreign file is refused."""
    size = export.stat().st_size
    for repair in (False, True):
        archive = Archive(repaired_cdata=repair)
        reporter.start("reading", size)
        try:
            for record in read_export(export, repair_cdata=repair):
                _note(archive, record, export_name, zone)
            return archive
        except BrokenExport as exc:
            if not repair and is_cdata_damage(exc):
                continue
            raise ContentError([Problem(export_name, exc.line, exc.column, "", f"is not well-formed XML: {exc}",
                                        "the file is damaged or cut short; export it again from WordPress "
                                        "(Tools → Export)")], "nothing was written") from None
        except NotAnExport as exc:
            raise ContentError([Problem(export_name, 0, 0, "", f"is not a WordPress export: {exc}",
                                        "export the site from WordPress with Tools → Export, All content")],
                               "nothing was written") from None
        finally:
            reporter.finish()
    raise AssertionError("unreachable")  # pragma: no cover


def _note(archive: Archive, record: Record, export_name: str, zone: tzinfo) -> None:
    if isinstance(record, SiteInfo):
        archive.site = record
    elif isinstance(record, ExportAuthor):
        archive.authors.setdefault(record.login, record)
    elif isinstance(record, ExportCategory):
        (archive.categories if record.kind == "category" else archive.tags).setdefault(record.nicename, record)
    else:
        add_to_archive(archive, record, export_name, zone)


def _posts(export: Path, archive: Archive) -> Iterator[Item]:
    """The second pass: each placed post's item, the first under its id (as the first pass placed it)."""
    seen: set[int] = set()
    for record in read_export(export, repair_cdata=archive.repaired_cdata):
        if (isinstance(record, Item) and record.post_type == "post" and record.post_id in archive.placements
                and record.post_id not in seen):
            seen.add(record.post_id)
            yield record


def _choose_pattern(options: ImportOptions, site: _Site, archive: Archive, report: ImportReport) -> str:
    if options.permalink:
        given = from_wordpress_structure(options.permalink)
        if site.exists and given != site.pattern:
            archive.problems.append(Problem(SETTINGS_FILE, 0, 0, "permalink",
                                            f"the site's permalink stays {site.pattern}; --permalink {given} was not "
                                            "applied to a site that has articles of its own", "set it in "
                                            f"{SETTINGS_FILE} yourself if every article should move", "warning"))
        else:
            report.permalink, report.permalink_source = given, "--permalink"
            return given
    if not site.exists:
        inferred = infer_pattern(archive.placements.values(), site.rule, site.zone)
        if inferred:
            report.permalink, report.permalink_source = inferred, "the posts' addresses in the export"
            return inferred
        report.permalink, report.permalink_source = DEFAULT_PATTERN, "newsgen's default (old addresses redirect)"
        return DEFAULT_PATTERN
    report.permalink, report.permalink_source = site.pattern, "the site's settings"
    return site.pattern


@dataclass
class _Urls:
    url: dict[int, str]  # post id -> new URL
    by_old_path: dict[str, str]  # old path ('/2011/01/x/', '/?p=1') -> new URL
    pages: dict[int, list[str]]  # post id -> its redirect_from
    server: dict[str, str]  # old address with a query -> new URL


def _addresses(archive: Archive, pattern: str, site: _Site, report: ImportReport) -> _Urls:
    """Every post's new URL (parting posts that would share one), its redirects, and the map for links."""
    urls = _Urls({}, {}, {}, {})
    owner: dict[str, int] = {}
    for post_id, place in sorted(archive.placements.items()):
        url = new_url(pattern, place, site.rule, site.zone)
        if url in owner:
            place = replace(place, slug=f"{place.slug}-{post_id}")
            archive.placements[post_id] = place
            report.renamed.append((post_id, place.slug))
            url = new_url(pattern, place, site.rule, site.zone)
        owner[url] = post_id
        urls.url[post_id] = url
        pages, server = redirects_for(place, url)
        urls.pages[post_id] = pages
        for path in server if place.status != DRAFT else ():  # a draft has no page to go to
            urls.server[path] = url
        for path in (*place.old_paths, *pages):
            urls.by_old_path.setdefault(path if "?" in path else normalise_url(path), url)
    for post_id, pages in urls.pages.items():  # an old address is one post's: another's own, else the first's
        urls.pages[post_id] = [p for p in pages if p not in owner and urls.by_old_path.get(p) == urls.url[post_id]]
    return urls


def _body_context(archive: Archive, relinker: Relinker, media: Media,
                  keep_unknown: bool) -> Callable[[int], BodyContext]:
    attached = MappingProxyType({k: tuple(sorted(v)) for k, v in archive.attached.items()})

    def context(post_id: int) -> BodyContext:
        def relink(url: str) -> str:
            return relinker.post_url(url) or media.relink(url, post_id)
        return BodyContext(archive.attachments, attached, relink, keep_unknown)
    return context


def _import_post(options: ImportOptions, archive: Archive, item: Item, place: Placement, urls: _Urls,
                 context: BodyContext, media: Media, imported: dict[int, Existing], taken: set[Path],
                 report: ImportReport) -> None:
    content = options.site / CONTENT_DIR
    body = convert_body(item.content, item.post_id, context)
    thumbnail = item.meta_value("_thumbnail_id").strip()
    attachment = archive.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
    image = context.relink(attachment.url) if attachment and attachment.url else ""
    creator = " ".join(item.creator.split())
    author = archive.authors.get(creator)
    authors = [author.display_name if author else creator] if creator else []
    fields = front_matter(place, tags_of(archive, item, place.section), authors, plain_text(item.excerpt), image,
                          attachment.alt if attachment else "", urls.pages[item.post_id])
    existing = imported.get(item.post_id)
    path = existing.path if existing else article_path(content, place, taken)
    taken.add(path)
    shown = path.relative_to(options.site).as_posix()
    text = article_text(fields, body.markdown, item.post_id)
    if body.fallback:
        report.fallbacks[shown] = body.fallback
    if body.kept_html:
        report.kept_html[shown] = list(body.kept_html)
    if body.removed:
        report.removed_shortcodes[shown] = list(body.removed)
    if existing is not None and existing.edited:
        report.conflicts.append((shown, item.post_id))
        return
    if existing is not None and existing.same_text(text):
        report.unchanged += 1
        return
    (report.updated if existing else report.written).append(shown)
    if not options.dry_run:
        _write(options.site, path, text)


def _write(site: Path, path: Path, text: str) -> None:
    """Write one file of the site, never through a link that leads out of it."""
    refuse_links_out(site, path.parent, _COMMAND)  # before making a folder, which could be made through it
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        raise UsageError(f"{path} is a link; {_COMMAND} writes only plain files")
    temporary = path.with_name(f".{path.name}.importing")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _make_site(site: Path, archive: Archive, pattern: str) -> None:
    info = archive.site
    sections = {section_key(c.nicename): c.name for c in archive.categories.values() if section_key(c.nicename)}
    used = {p.section for p in archive.placements.values()}
    link = (info.base_blog_url or info.link or info.base_site_url) if info else ""
    settings = site_settings(info.title if info else "", "", link.rstrip("/") + "/" if link else "",
                             _language(info.language if info else ""), pattern,
                             {k: v for k, v in sections.items() if k in used})
    site.mkdir(parents=True, exist_ok=True)
    _write(site, site / SETTINGS_FILE, settings)
    _write(site, site / ".gitignore", "/build/\n.newsgen/\n/.build.*/\n")
    (site / CONTENT_DIR).mkdir(exist_ok=True)


def _language(code: str) -> str:
    """The export's language as a BCP 47 tag newsgen takes ('en-US'), '' when it is none."""
    code = code.strip().replace("_", "-")
    return code if code and all(part.isalnum() for part in code.split("-")) else ""


def _write_extras(site: Path, archive: Archive, media: Media, report: ImportReport) -> None:
    """Media, authors, the web server's rules and the report, once every article is written."""
    report.media_copied = len(copy_media(media, site, _COMMAND)) if media.found else 0
    people = [(slugify(a.display_name), a.display_name) for a in archive.authors.values() if a.display_name]
    authors_file = site / "data" / "authors.yaml"
    existing = authors_file.read_text(encoding="utf-8") if authors_file.is_file() else ""
    added = authors_entries(existing, people)
    if added:
        separator = "" if not existing or existing.endswith("\n") else "\n"
        _write(site, authors_file, existing + separator + added)
    rules = server_rules(report.server_redirects, _base_path(site))
    for name, text in rules.items():
        _write_if_changed(site, site / name, text)
    report.server_files = sorted(rules)
    _write_if_changed(site, site / REPORT_FILE, report.markdown())


def _write_if_changed(site: Path, path: Path, text: str) -> None:
    """Write a file only when its text changes, so that importing again leaves its time alone (a
    backup or a sync then sees nothing to do)."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        _write(site, path, text)


def _base_path(site: Path) -> str:
    try:
        return load_config(site).base_path
    except UsageError:
        return ""
