"""Imported articles as files, and importing again without undoing an editor's work.

Each article records where it came from and what was written, in its own front matter:
``wordpress: {id: 123, hash: 1f2e…}``, the hash being of the file as written (with the hash
itself left out). The record travels with the file when an editor moves or renames it, and
it tells three cases apart when a newer export is imported:

- the file is as the importer wrote it: it is written again with the post's new text, or
  left alone when that text is the same (importing one export twice changes nothing);
- the file was edited in newsgen since (its text no longer has its hash): it is left alone
  and reported as a conflict;
- no file has the post's id: the post is new, and gets a file of its own.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..dates import iso_moment
from ..slugs import slug_as_written
from .archive import DRAFT, Placement

_RECORD = re.compile(r"^wordpress: \{id: (\d+), hash: ([0-9a-f]{16})\}$", re.M)
_UNHASHED = "0" * 16
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: a tenth of the pure-Python one's time


@dataclass(frozen=True, slots=True)
class Existing:
    """An article file an earlier import wrote for a post: where it is, and whether it was edited since."""

    path: Path
    digest: str  # of the whole file as it is (see same_text): not the text, so that memory stays small
    edited: bool

    def same_text(self, text: str) -> bool:
        """Whether ``text`` is what the file holds now."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest() == self.digest


def front_matter(place: Placement, tags: list[str], authors: list[str], summary: str, image: str,
                 image_alt: str, redirects: list[str]) -> dict[str, Any]:
    """The article's front matter fields, in the order an editor reads them."""
    fields: dict[str, Any] = {"title": place.title, "date": iso_moment(place.date)}
    if place.updated is not None:
        fields["updated"] = iso_moment(place.updated)
    fields["section"] = place.section
    fields["slug"] = place.slug
    if tags:
        fields["tags"] = tags
    if authors:
        fields["authors"] = authors
    if summary:
        fields["summary"] = summary
    if image:
        fields["image"] = image
        if image_alt:
            fields["image_alt"] = image_alt
    if place.status == DRAFT:
        fields["draft"] = True
    if redirects:
        fields["redirect_from"] = redirects
    return fields


def article_text(fields: dict[str, Any], body: str, post_id: int) -> str:
    """The file's text, ending with the import record (see the module's docstring)."""
    front = yaml.dump(fields, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False,
                      width=1000)
    text = f"---\n{front}wordpress: {{id: {post_id}, hash: {_UNHASHED}}}\n---\n{body}"
    return text.replace(f"hash: {_UNHASHED}}}", f"hash: {_digest(text)}}}", 1)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_existing(path: Path) -> tuple[int, Existing] | None:
    """The post id an article file was imported from, and whether it was edited since; None for a
    file no import wrote."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    end = text.find("\n---", 3)
    match = _RECORD.search(text, 0, end if end > 0 else len(text))
    if match is None:
        return None
    unhashed = text[:match.start(2)] + _UNHASHED + text[match.end(2):]
    whole = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return int(match.group(1)), Existing(path, whole, _digest(unhashed) != match.group(2))


def find_imported(content: Path) -> dict[int, Existing]:
    """Every article under ``content`` an import wrote, by post id (files are read only when they
    mention ``wordpress:`` near the top)."""
    found: dict[int, Existing] = {}
    for folder, folders, files in os.walk(content):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = Path(folder) / name
            read = read_existing(path)
            if read is not None:
                found.setdefault(read[0], read[1])
    return found


def article_path(content: Path, place: Placement, taken: set[Path]) -> Path:
    """A new file for the post: ``content/<section>/<date>-<slug>.md``, with the post id added when
    another file has the name; the slug's characters are kept only where a file name may hold them."""
    name = slug_as_written(place.slug).lstrip(".") or f"post-{place.post_id}"
    name = name.encode("utf-8")[:150].decode("utf-8", "ignore").rstrip("-.")
    stem = f"{place.date.strftime('%Y-%m-%d')}-{name}"
    path = content / place.section / f"{stem}.md"
    if path in taken or path.exists():
        path = content / place.section / f"{stem}-{place.post_id}.md"
    return path


def authors_entries(existing: str, people: Iterable[tuple[str, str]]) -> str:
    """Text to add to ``data/authors.yaml`` for the export's authors it does not describe yet
    (``people`` as (handle slug, display name)); '' when there are none."""
    known: set[str] = set()
    if existing.strip():
        try:
            loaded = yaml.safe_load(existing)
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            known = {str(k) for k in loaded}
    added = {slug: {"name": name} for slug, name in people if slug and slug not in known}
    if not added:
        return ""
    return yaml.safe_dump(added, allow_unicode=True, sort_keys=True, default_flow_style=False, width=1000)


def site_settings(title: str, description: str, base_url: str, language: str, permalink: str,
                  sections: dict[str, str]) -> str:
    """``newsgen.yaml`` for a site made by the import."""
    settings: dict[str, Any] = {"title": title or "Imported from WordPress"}
    if description:
        settings["description"] = description
    if base_url:
        settings["base_url"] = base_url
    if language:
        settings["language"] = language
    settings["timezone"] = "UTC"
    settings["permalink"] = permalink
    settings["slugs"] = "keep"
    settings["ticker"] = False
    settings["broken_links"] = "warning"
    if sections:
        settings["sections"] = dict(sorted(sections.items()))
    text = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return ("# Made by newsgen import wordpress. slugs: keep and this permalink keep WordPress's addresses;\n"
            "# timezone: the zone dates without an offset are in (the export does not say WordPress's).\n"
            "# broken_links: warning, since posts may link to pages of the old site that were not imported.\n"
            + text)
