"""The only module that writes the output folder: staging, then an all-or-nothing swap.

A build writes into a staging folder beside the output (same file system, so the
swap is two renames) and replaces the output only when every page has been
written. A failed build removes its staging folder and leaves the published output
exactly as it was. Every path is checked to stay inside the staging folder.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from .errors import UsageError


def flat_name(relative: str) -> str:
    """The staged file name of an output path in a flat staging folder."""
    return hashlib.blake2b(relative.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _is_relative_inside(relative: str) -> bool:
    """True for 'a/b/index.html'; False for absolute paths, '..', backslashes, NUL."""
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return False
    return all(part not in ("", ".", "..") for part in relative.split("/"))


class Staging:
    """A folder that becomes the output folder on :meth:`commit`, or vanishes on :meth:`abort`.

    A clean build stages the whole site as a tree and swaps it in. An incremental
    build stages only the changed pages, ``flat``: one file per page named by a hash
    of its path, so that staging costs no folder creation (on many file systems that,
    not the writing, dominates) and :func:`commit_incremental` moves each into place.
    """

    def __init__(self, output: Path, flat: bool = False) -> None:
        self.output = output.absolute()
        self.flat = flat
        self.path = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self._folders: set[str] = set()

    def target(self, relative: str) -> Path:
        """The staging path for ``relative``, refusing anything that would leave the folder."""
        if not _is_relative_inside(relative):
            raise UsageError(f"refusing to write {relative!r}: it is outside the output folder")
        if self.flat:
            return self.path / flat_name(relative)
        return self.path / relative

    def write(self, relative: str, data: bytes) -> None:
        path = self.target(relative)
        if not self.flat:
            folder = os.path.dirname(path)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
        with open(path, "wb") as file:
            file.write(data)

    def mark(self) -> None:
        """Write the marker that lets later builds replace this folder."""
        (self.path / MARKER).write_text("This folder is written by newsgen; a build replaces it.\n")

    def copy_statics(self, statics: dict[str, tuple[Path, str]]) -> int:
        """Copy static files into the staging folder, keeping modification times; pages win."""
        copied = 0
        for relative, (source, _) in sorted(statics.items()):
            dest = self.target(relative)
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
            copied += 1
        return copied

    def commit(self) -> None:
        """Make the staging folder the output folder; the old output is removed afterwards."""
        old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        if self.output.exists():
            os.replace(self.output, old)
        os.replace(self.path, self.output)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


MARKER = ".newsgen-output"  # in every output folder: replacing a folder that has it loses nothing


def replace_page(output: Path, relative: str, data: bytes) -> None:
    """Put one page into an existing output folder at once (written beside it, then renamed over it).

    Used by watch mode's preview of an edited article, ahead of the full rebuild that
    follows; a reader of the page sees the old bytes or the new, never half a file.
    """
    if not _is_relative_inside(relative):
        raise UsageError(f"refusing to write {relative!r}: it is outside the output folder")
    target = output / relative
    temporary = target.parent / f".{target.name}.newsgen-{os.getpid()}"
    temporary.write_bytes(data)
    os.replace(temporary, target)


def check_output_folder(output: Path, site: Path) -> None:
    """Refuse output folders whose replacement would destroy the site or other work.

    A clean build replaces the output folder as a whole, so a folder that exists must
    be empty, or carry the marker newsgen writes into every output.
    """
    out = output.resolve()
    root = site.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {output} contains the site itself; choose a folder such as build/")
    for name in ("content", "templates", "static", "data", ".git", ".newsgen"):
        if out == root / name or (root / name) in out.parents:
            raise UsageError(f"the output folder {output} is inside the site's {name}/ folder; choose build/")
    if out.is_dir() and ((out / "newsgen.yaml").exists() or (out / ".git").exists() or (out / "content").is_dir()):
        raise UsageError(f"the output folder {output} holds a site or a repository; newsgen will not replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {output} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UsageError(f"the output folder {output} holds files newsgen did not write; newsgen will not replace it "
                         "(empty it, or choose another folder)")


def static_files(roots: Iterable[Path], skip: Callable[[str], bool]) -> dict[str, tuple[Path, str]]:
    """Static files by output path -> (source, signature); later roots override earlier ones.

    The signature is size and modification time in nanoseconds: static files are copied
    with their modification time, so an unchanged source means an unchanged copy, and
    large images need not be read on every build. Links out of their site are skipped.
    ``os.scandir`` keeps this fast when a root is ``content/`` with thousands of articles.
    """
    files: dict[str, tuple[Path, str]] = {}
    for root in roots:
        site_root = os.path.realpath(root.parent)
        root_text = str(root)
        stack = [(root_text, "")]
        visited = {os.path.realpath(root_text)}
        while stack:
            folder, prefix = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if skip(entry.name):
                    continue
                if entry.is_dir():
                    real = os.path.realpath(entry.path)
                    if real not in visited and (real + os.sep).startswith(site_root + os.sep):
                        visited.add(real)
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if entry.is_symlink() and not os.path.realpath(entry.path).startswith(site_root + os.sep):
                    continue
                info = entry.stat()
                files[prefix + entry.name] = (Path(entry.path), f"{info.st_size}:{info.st_mtime_ns}")
    return dict(sorted(files.items()))


def commit_incremental(staging: Staging, output: Path, written: list[str], outputs: set[str], old_outputs: set[str],
                       statics: dict[str, tuple[Path, str]], old_statics: dict[str, str]) -> tuple[int, int]:
    """Move the staged pages into the output, refresh changed static files, delete stale files.

    Called only after every page rendered, so a failed build never reaches here.
    Returns (static files copied, files removed).
    """
    out_text = str(output)
    for relative in written:
        dest = os.path.join(out_text, relative)
        staged = staging.target(relative)
        try:
            os.replace(staged, dest)
        except FileNotFoundError:  # a new page in a new folder: folders are made only then
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(staged, dest)
    staging.abort()
    copied = 0
    for relative, (source, signature) in sorted(statics.items()):
        if relative in outputs:
            continue  # a page of the same name wins, as in a clean build
        target = output / relative
        if old_statics.get(relative) != signature or not target.is_file() or relative in old_outputs:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied += 1
    keep = outputs | set(statics)
    removed = 0
    for relative in sorted((old_outputs | set(old_statics)) - keep):
        path = output / relative
        if path.is_file() and output.resolve() in path.resolve().parents:
            path.unlink()
            removed += 1
            _prune_empty_folders(path.parent, output)
    return copied, removed


def _prune_empty_folders(folder: Path, output: Path) -> None:
    while folder != output and output in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
