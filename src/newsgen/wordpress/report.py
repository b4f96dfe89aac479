"""What an import did, for the editor: printed at the end and kept as ``import-report.md``.

One record, filled while importing, read twice: as Markdown for the file, and its first
lines as the summary the command prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem


@dataclass
class ImportReport:
    """Counts and lists of one import (paths are relative to the site)."""

    export: str
    site: str
    dry_run: bool = False
    created_site: bool = False
    permalink: str = ""
    permalink_source: str = ""  # 'the export', '--permalink', 'the site's settings', "newsgen's default"
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (post type, status) -> items
    written: list[str] = field(default_factory=list)  # new articles
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[tuple[str, int]] = field(default_factory=list)  # (file, post id) edited in newsgen since
    pages: list[tuple[int, str, str]] = field(default_factory=list)  # (id, title, old link)
    kept_html: dict[str, list[str]] = field(default_factory=dict)  # file -> what stayed HTML
    fallbacks: dict[str, str] = field(default_factory=dict)  # file -> why the body stayed HTML
    removed_shortcodes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # file -> (name, times)
    missing_media: dict[str, list[int]] = field(default_factory=dict)  # URL -> post ids
    media_copied: int = 0
    media_used: int = 0
    server_redirects: dict[str, str] = field(default_factory=dict)  # '/?p=1' -> new URL
    server_files: list[str] = field(default_factory=list)
    renamed: list[tuple[int, str]] = field(default_factory=list)  # (post id, new slug) to part clashing URLs
    problems: list[Problem] = field(default_factory=list)  # warnings about the export's items
    repaired_cdata: bool = False
    media_given: bool = False

    def count_of(self, status: str, kind: str = "post") -> int:
        return sum(n for (k, s), n in self.counts.items() if k == kind and s == status)

    def summary_lines(self) -> list[str]:
        """What the command prints: counts, then what needs the editor."""
        verb = "would write" if self.dry_run else "wrote"
        lines = [f"{verb} {len(self.written)} new and {len(self.updated)} updated articles "
                 f"({self.unchanged} unchanged, {len(self.conflicts)} conflicts) in {self.site}"]
        kinds = ", ".join(f"{n} {kind} ({status})" for (kind, status), n in sorted(self.counts.items()))
        lines.append(f"items in the export: {kinds or 'none'}")
        if self.pages:
            lines.append(f"{len(self.pages)} pages not imported (newsgen has no standalone pages): see the report")
        skipped = self.count_of("trash") + self.count_of("auto-draft")
        if skipped:
            lines.append(f"{skipped} trashed or automatic drafts skipped")
        if self.removed_shortcodes:
            lines.append(f"unknown shortcodes removed in {len(self.removed_shortcodes)} articles "
                         "(--keep-unknown-shortcodes keeps them as text)")
        if self.missing_media:
            how = "not found in --media" if self.media_given else "kept at their old addresses (no --media)"
            lines.append(f"{len(self.missing_media)} media files {how}")
        if self.server_redirects:
            lines.append(f"{len(self.server_redirects)} old addresses with a query string need the web server's "
                         f"rules: {', '.join(self.server_files) or 'see the report'}")
        for file, post_id in self.conflicts:
            lines.append(f"{file}: conflict: edited since the last import of post {post_id}; left as it is")
        return lines

    def markdown(self) -> str:
        """The whole report as Markdown (``import-report.md``)."""
        out = ["# WordPress import", "", f"- export: `{self.export}`", f"- site: `{self.site}`"
               + (" (made by this import)" if self.created_site else "")]
        if self.permalink:
            out.append(f"- permalink: `{self.permalink}` (from {self.permalink_source})")
        if self.repaired_cdata:
            out.append("- the export had `]]>` inside CDATA sections; it was read as WordPress's importer reads it")
        out += ["", "## Counts", "", "| kind | status | items |", "|---|---|---|"]
        out += [f"| {kind} | {status} | {n} |" for (kind, status), n in sorted(self.counts.items())]
        out += ["", f"New articles: {len(self.written)}; updated: {len(self.updated)}; unchanged: {self.unchanged}; "
                f"conflicts: {len(self.conflicts)}.", ""]
        out += _section("Conflicts (edited in newsgen since the last import; left as they are)",
                        [f"`{f}` (post {i})" for f, i in self.conflicts])
        out += _section("Pages not imported (newsgen has no standalone pages)",
                        [f"{title} (id {i}) {link}".strip() for i, title, link in self.pages])
        out += _section("Articles whose content needed a fallback",
                        [f"`{f}`: {why}" for f, why in sorted(self.fallbacks.items())]
                        + [f"`{f}`: kept as HTML: {', '.join(kinds)}" for f, kinds in sorted(self.kept_html.items())])
        out += _section("Unknown shortcodes removed",
                        [f"`{f}`: " + ", ".join(f"[{n}] ×{t}" for n, t in codes)
                         for f, codes in sorted(self.removed_shortcodes.items())])
        media_note = ("not found in the uploads folder given with --media; the articles keep their old addresses"
                      if self.media_given else "not copied (no --media); the articles keep their old addresses")
        out += _section(f"Media {media_note}",
                        [f"{url} (posts {', '.join(map(str, sorted(ids)))})"
                         for url, ids in sorted(self.missing_media.items())])
        out += _section("Old addresses only the web server can redirect (a query string cannot be a static page; "
                        f"rules in {', '.join(self.server_files) or 'no file (dry run)'})",
                        [f"`{old}` → `{new}`" for old, new in sorted(self.server_redirects.items())])
        out += _section("Slugs changed to part two posts at one address",
                        [f"post {i}: `{slug}`" for i, slug in self.renamed])
        out += _section("Warnings", [p.format() for p in self.problems])
        return "\n".join(out).rstrip() + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"## {title}", "", *(f"- {item}" for item in items), ""]
