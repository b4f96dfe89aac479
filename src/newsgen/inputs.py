"""A build's inputs, declared once: what a site is made from and where each kind lives.

The watcher (which folders to follow, what a changed path is), the build's no-op and
delta checks (what to fingerprint), ``output``'s refusal to build into a site's own
folders, and the loading of data files all read :data:`INPUTS`. A new kind of input
is a line here; one left off would make a no-op build miss its changes, which is why
there is no second list anywhere.
"""
from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = "newsgen.yaml"
CONTENT_DIR = "content"  # a site's articles; other files in it are copied as they are
SOURCE_SUFFIXES = (".md", ".markdown")  # an article's file under content/
DATA_DIR = "data"
RATES_FILE = f"{DATA_DIR}/rates.yaml"  # the ticker's rates: a data file with a typed model of its own
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
DATA_SUFFIXES = (".yaml", ".yml", ".json")


def signature(info: os.stat_result) -> str:
    """A file's signature: size, times and inode. Any write to the file changes them (a
    change time cannot be set back), so an equal signature means an unchanged file, and
    the build need not read it. The one format for sources, static files, pages and the
    build's own files."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def is_ignored_name(name: str) -> bool:
    """Editor swap, backup and lock files, and hidden files: never content. Names that are
    not UTF-8 are left alone too: ``scan.misnamed_files`` reports them, and the build stops."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak"))
            or name == "4913"  # vim's write-test file
            or (not name.isascii() and not is_utf8_name(name)))


def is_utf8_name(name: str) -> bool:
    """False for a file name that is not UTF-8 on disk (Python holds its bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Input(enum.Enum):
    """The kinds of input; values are the words the watcher prints ("2 content changed")."""

    SETTINGS = "settings"
    CONTENT = "content"
    DATA = "data"
    TEMPLATES = "template"
    STATIC = "static"


@dataclass(frozen=True, slots=True)
class InputKind:
    """Where an input kind lives in a site (a file, or a folder of files)."""

    input: Input
    path: str  # relative to the site
    folder: bool


INPUTS: tuple[InputKind, ...] = (
    InputKind(Input.SETTINGS, SETTINGS_FILE, False),
    InputKind(Input.CONTENT, CONTENT_DIR, True),
    InputKind(Input.DATA, DATA_DIR, True),
    InputKind(Input.TEMPLATES, TEMPLATES_DIR, True),
    InputKind(Input.STATIC, STATIC_DIR, True),
)
FOLDERS = tuple(kind.path for kind in INPUTS if kind.folder)  # what the watcher follows


def classify(site: Path, path: str) -> Input | None:
    """The kind of input a changed ``path`` is; None for anything a build does not read."""
    try:
        relative = Path(path).resolve().relative_to(site.resolve())
    except (ValueError, OSError):
        return None
    parts = relative.parts
    if not parts or any(is_ignored_name(p) and is_utf8_name(p) for p in parts):
        return None  # a name that is not UTF-8 is a change to report (see scan.misnamed_files)
    for kind in INPUTS:
        if parts[0] == kind.path and (kind.folder or len(parts) == 1):
            return kind.input
    return None


def data_files(site: Path) -> list[tuple[str, Path]]:
    """The site's data files with their names, in path order, the rates excepted (the ticker's
    own typed input): ``data/mostread.yaml`` is 'mostread', ``data/teams/2026.json`` 'teams/2026'.
    Two files may have one name (``team.yaml``, ``team.json``): both are inputs, and
    ``data.load_data`` says which one is used."""
    root = site / DATA_DIR
    if not root.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if (path.suffix.lower() not in DATA_SUFFIXES or relative == RATES_FILE or not path.is_file()
                or any(is_ignored_name(p) for p in path.relative_to(root).parts)):
            continue
        found.append((path.relative_to(root).with_suffix("").as_posix(), path))
    return found
