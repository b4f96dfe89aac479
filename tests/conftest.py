"""Shared fixtures: small site trees written to a real temporary folder, and real builds."""
from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from newsgen.build import BuildOptions, BuildResult, build
from newsgen.report import RecordingReporter

REPO = Path(__file__).resolve().parent.parent
# A fixed 'now' well after every fixture date, so that no test depends on the clock.
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

SiteTree = Callable[[dict[str, str | bytes]], Path]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> dedented text, or raw bytes) under ``root``."""
    for relative, body in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def site_tree(tmp_path: Path) -> SiteTree:
    """A function writing a site (dict of path -> text) into a fresh folder, returning it."""
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "site", files)
    return make


def article(title: str, date: str = "2025-12-19T10:00:00+05:00", body: str = "Body text.", **fields: object) -> str:
    """A source file with front matter built from keyword arguments (YAML flow values)."""
    import yaml
    front = {"title": title, "date": date, **fields}
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{text}---\n{body}\n"


def build_site(site: Path, **options: object) -> tuple[Path, BuildResult, RecordingReporter]:
    """Build ``site`` into ``site/build`` with the fixed NOW; returns (output, result, reporter)."""
    reporter = RecordingReporter()
    opts = BuildOptions(site=site, now=options.pop("now", NOW), **options)  # type: ignore[arg-type]
    result = build(opts, reporter)
    return result.output, result, reporter


def read(output: Path, url: str) -> str:
    """The HTML served at a site URL ('/politics/' -> politics/index.html)."""
    from newsgen.slugs import output_path
    return (output / output_path(url)).read_text(encoding="utf-8")
