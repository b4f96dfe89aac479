"""``newsgen theme eject`` and ``newsgen theme list``: a site's own copies of theme files.

A site uses the default theme wherever it has no file of its own: a file under the
site's ``templates/`` or ``static/`` replaces the theme's file of the same name, and
only that file. Ejecting copies chosen theme files into the site to be changed, and
records the theme version each came from in :data:`MANIFEST` (a dot-file: never listed
as a template, copied to the output or watched). ``newsgen check`` then lists what
later versions of the theme changed in those files, and points out copies that are
the same as the theme's (``newsgen init`` used to copy the whole theme), which only
keep the theme's fixes from reaching the site (:func:`override_warnings`).
"""
from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

import yaml

from .inputs import STATIC_DIR, TEMPLATES_DIR, is_ignored_name
from .errors import Problem, UsageError
from .scaffold import refuse_links_out
from .theme import THEME_VERSION, theme_changes_since, theme_root

MANIFEST = "templates/.ejected.yaml"
MANIFEST_HEADER = """\
# Files copied from newsgen's default theme by `newsgen theme eject`, with the version of the
# theme each came from. `newsgen check` lists what later versions of the theme changed in them;
# once a file has those changes, set its number to the installed theme's version.
"""
THEME_FOLDERS = (TEMPLATES_DIR, STATIC_DIR)


@dataclass(frozen=True, slots=True)
class ThemeFile:
    """A file of the default theme, as ``newsgen theme list`` shows it for a site."""

    name: str  # as eject takes it: "base.html", "partials/ticker.html", "static/css/site.css"
    path: str  # in the site and the theme: "templates/base.html"
    overridden: bool  # the site has a file of its own in its place
    ejected_from: int | None  # the theme version it was copied from, if recorded


def theme_files() -> dict[str, Path]:
    """Every file of the default theme, by its path in a site ('templates/base.html')."""
    root = theme_root()
    files: dict[str, Path] = {}
    for top in THEME_FOLDERS:
        for folder, folders, names in os.walk(root / top):
            folders[:] = sorted(f for f in folders if not is_ignored_name(f))
            for name in sorted(names):
                if not is_ignored_name(name):
                    path = Path(folder, name)
                    files[path.relative_to(root).as_posix()] = path
    return files


def shown_name(path: str) -> str:
    """A theme file as eject takes it: templates by their template name, static files by path."""
    return path.removeprefix("templates/")


def site_path(name: str) -> str:
    """The site path of a name given to eject: 'base.html' and 'templates/base.html' are
    'templates/base.html'; 'static/css/site.css' stays as it is."""
    cleaned = PurePosixPath(name.strip().replace("\\", "/")).as_posix().removeprefix("./")
    return cleaned if cleaned.startswith(tuple(f"{top}/" for top in THEME_FOLDERS)) else f"templates/{cleaned}"


def is_theme_itself(site: Path, top: str) -> bool:
    """True when the site's ``templates/`` (or ``static/``) is the default theme's own folder,
    as in the repository's example site."""
    return (site / top).resolve() == (theme_root() / top).resolve()


def read_manifest(site: Path) -> tuple[dict[str, int], list[Problem]]:
    """The recorded theme version of each ejected file, and warnings about entries that make no sense."""
    path = site / MANIFEST
    if not path.is_file():
        return {}, []
    hint = f"each line is a file and a theme version, e.g. templates/base.html: {THEME_VERSION}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        return {}, [Problem(MANIFEST, line, 0, "", "cannot be read as YAML", hint, "warning")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(MANIFEST, 0, 0, "", "is not a list of files and theme versions", hint, "warning")]
    entries: dict[str, int] = {}
    problems: list[Problem] = []
    for file, version in data.items():
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            problems.append(Problem(MANIFEST, 0, 0, str(file), f"{version!r} is not a theme version", hint, "warning"))
        else:
            entries[str(file)] = version
    return entries, problems


def write_manifest(site: Path, entries: dict[str, int]) -> None:
    """Write :data:`MANIFEST` whole, in a new file put in place of the old one."""
    body = yaml.safe_dump(dict(sorted(entries.items())), allow_unicode=True, default_flow_style=False, width=1000)
    _replace(site / MANIFEST, (MANIFEST_HEADER + body).encode("utf-8"))


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` as a new file renamed over it: never through a link, never half-written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def eject(site: Path, names: Sequence[str], force: bool = False) -> list[str]:
    """Copy the named theme files into the site and record their theme version; returns their
    site paths. Nothing is written unless every name is known and (without ``force``) new."""
    if not site.is_dir():
        raise UsageError(f"the site folder {site} does not exist")
    files = theme_files()
    wanted = list(dict.fromkeys(site_path(n) for n in names))
    unknown = [(name, path) for name, path in zip(names, map(site_path, names)) if path not in files]
    if unknown:
        raise UsageError("; ".join(_unknown(name, files) for name, _ in dict(unknown).items()))
    for top in sorted({p.split("/")[0] for p in wanted}):
        if is_theme_itself(site, top):
            raise UsageError(f"{site / top} is the default theme's own folder; change its files there")
    for path in [*wanted, MANIFEST]:
        refuse_links_out(site, (site / path).parent, "newsgen theme eject")
    for path in wanted:
        target = site / path
        if target.is_symlink():
            raise UsageError(f"{path} is a link (to {os.readlink(target)}); newsgen theme eject never writes "
                             "through a link: remove it first")
        if target.is_dir():
            raise UsageError(f"{path} is a folder in the site; remove or rename it first")
        if target.exists() and not force:
            raise UsageError(f"{path} already exists in the site; pass --force to replace it with the theme's "
                             "(your changes to it are lost)")
    manifest, problems = read_manifest(site)
    if problems:
        raise UsageError(f"{MANIFEST} cannot be read; fix or delete it", problems)
    for path in wanted:
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        refuse_links_out(site, target.parent, "newsgen theme eject")  # as it is now, made by mkdir or not
        _replace(target, files[path].read_bytes())
        manifest[path] = THEME_VERSION
    (site / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    refuse_links_out(site, (site / MANIFEST).parent, "newsgen theme eject")
    write_manifest(site, manifest)
    return wanted


def _unknown(name: str, files: dict[str, Path]) -> str:
    """The message for a name the theme has no file for, with the closest names it has."""
    names = [shown_name(p) for p in files]
    close = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close) if len(close) < 3 else f'{close[0]}, {close[1]} or {close[2]}'}? " \
        if close else ""
    return f'the default theme has no file "{name}" ({hint}newsgen theme list shows them all)'


def theme_listing(site: Path) -> list[ThemeFile]:
    """Every file of the default theme, and whether the site has its own in its place."""
    manifest = read_manifest(site)[0]
    return [ThemeFile(shown_name(path), path,
                      (site / path).is_file() and not is_theme_itself(site, path.split("/")[0]),
                      manifest.get(path))
            for path in theme_files()]


def override_warnings(site: Path) -> list[Problem]:
    """Warnings for ``newsgen check`` about the site's own copies of theme files: copied from an
    older version of the theme that has changed them since (with the changes), or the same as
    the theme's file while no eject recorded them (a leftover of an old ``newsgen init``)."""
    folders = [top for top in THEME_FOLDERS if (site / top).is_dir() and not is_theme_itself(site, top)]
    if not folders:
        return []
    manifest, problems = read_manifest(site)
    for path, theme_file in theme_files().items():
        own = site / path
        if path.split("/")[0] not in folders or not own.is_file():
            continue
        if path in manifest:
            version = manifest[path]
            if version > THEME_VERSION:
                problems.append(Problem(path, 0, 0, "", f"was copied from version {version} of the default theme, "
                                        f"newer than the installed one (version {THEME_VERSION})",
                                        "upgrade newsgen", "warning"))
                continue
            changes = theme_changes_since(version, path)
            if changes:
                listed = "; ".join(f"version {c.version}: {c.what}" for c in changes)
                problems.append(Problem(path, 0, 0, "", f"was copied from version {version} of the default theme; "
                                        f"the installed version {THEME_VERSION} has changed it since: {listed}",
                                        f"bring those changes into this copy, then set its version in {MANIFEST} "
                                        f"to {THEME_VERSION}; or delete it to use the theme's file", "warning"))
        elif own.read_bytes() == theme_file.read_bytes():
            problems.append(Problem(path, 0, 0, "", "is the same as the default theme's file, and keeps later "
                                    "fixes to the theme's file from reaching this site",
                                    f"delete it; newsgen theme eject {shown_name(path)} copies it again when you "
                                    "want to change it", "warning"))
    return problems
