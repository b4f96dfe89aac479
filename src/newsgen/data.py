"""Data files (``data/*.yaml``, ``*.json``): read once, with the line of every value, for templates.

Every file under ``data/`` but the rates (the ticker's typed input, see ``ticker``) is
available to templates as ``data.<name>`` (``data/mostread.yaml`` is ``data.mostread``;
``data/teams/2026.json`` is ``data.teams['2026']``), the way Hugo's ``site.Data`` and
Jekyll's ``site.data`` are. A page is rendered again when a data file its template
reads changes (see ``digests.template_digests``). Each file's lines are kept, so a unit
that reads a file (the front page's Most read box) can name the line of a bad entry.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import Problem
from .frontmatter import decode_source, parse_yaml_value
from .inputs import DATA_DIR, data_files


@dataclass(frozen=True)
class DataFile:
    """One data file: its site-relative path, its value, the line of each value ('0', 'teams.2')."""

    path: str
    value: Any
    lines: Mapping[str, int] = field(default_factory=dict)

    def line(self, at: str) -> int:
        """The line of the value at the dotted path ``at`` (the file's first line when unknown)."""
        return self.lines.get(at, 1)


@dataclass(frozen=True)
class SiteData:
    """Every data file of a site by name, and a digest of each file's bytes."""

    files: Mapping[str, DataFile] = field(default_factory=dict)
    hashes: Mapping[str, str] = field(default_factory=dict)

    def tree(self) -> dict[str, Any]:
        """The values as templates see them: names with folders become nested mappings."""
        root: dict[str, Any] = {}
        for name, file in self.files.items():
            *folders, last = name.split("/")
            node = root
            for folder in folders:
                child = node.setdefault(folder, {})
                if not isinstance(child, dict):  # a file and a folder of the same name: the folder wins
                    child = node[folder] = {}
                node = child
            if not isinstance(node.get(last), dict):
                node[last] = file.value
        return root


def load_data(site: Path) -> tuple[SiteData, list[Problem]]:
    """The site's data files; a file that cannot be read is a problem with its line."""
    files: dict[str, DataFile] = {}
    hashes: dict[str, str] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, path in data_files(site):
        shown = path.relative_to(site).as_posix()
        if name in seen:
            problems.append(Problem(shown, 0, 0, "", f"{seen[name]} has the same name, data.{name.replace('/', '.')}, "
                                    "and is the one templates get", "rename one of them", "warning"))
            continue
        seen[name] = shown
        raw = path.read_bytes()
        hashes[name] = hashlib.blake2b(raw, digest_size=16).hexdigest()
        text, problem = decode_source(raw, shown)
        if problem is not None or text is None:
            problems += [problem] if problem else []
            continue
        if path.suffix.lower() == ".json":
            try:
                files[name] = DataFile(shown, json.loads(text))
            except json.JSONDecodeError as exc:
                problems.append(Problem(shown, exc.lineno, exc.colno, "", f"the file is not valid JSON: {exc.msg}",
                                        "fix the JSON (a missing comma or quote?)"))
            except RecursionError:
                problems.append(Problem(shown, 1, 0, "", "the file is nested too deeply", "flatten the data"))
            continue
        value, lines, found = parse_yaml_value(text, shown)
        problems += found
        if not any(p.is_error for p in found):
            files[name] = DataFile(shown, value, lines)
    return SiteData(files, hashes), problems


__all__ = ["DATA_DIR", "DataFile", "SiteData", "load_data"]
