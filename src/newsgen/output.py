"""The only module that writes the output folder: staging, then an all-or-nothing swap.

A build writes into a staging folder beside the output (same file system, so the
swap is two renames) and replaces the output only when every page has been
written. A failed build removes its staging folder and leaves the published output
exactly as it was. Every path is checked to stay inside the staging folder.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from .errors import UsageError


class Staging:
    """A folder that becomes the output folder on :meth:`commit`, or vanishes on :meth:`abort`."""

    def __init__(self, output: Path) -> None:
        self.output = output.absolute()
        self.path = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.files = 0
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self._root = self.path.resolve()

    def target(self, relative: str) -> Path:
        """The staging path for ``relative``, refusing anything that would leave the folder."""
        path = (self.path / relative)
        resolved = path.resolve()
        if resolved == self._root or self._root not in resolved.parents:
            raise UsageError(f"refusing to write {relative!r}: it is outside the output folder")
        return path

    def write(self, relative: str, data: bytes) -> None:
        path = self.target(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1

    def copy_tree(self, source: Path, skip: Callable[[str], bool]) -> None:
        """Copy a folder of static files into the output root, keeping modification times.

        Links are copied as the files they point to, but only when those lie inside
        ``source``'s site; ``skip`` names files to leave out (editor swap files).
        """
        if not source.is_dir():
            return
        site_root = source.parent.resolve()
        for folder, dirs, files in os.walk(source):
            dirs[:] = sorted(d for d in dirs if not skip(d))
            for name in sorted(files):
                src = Path(folder) / name
                if skip(name):
                    continue
                if src.is_symlink() and site_root not in src.resolve().parents:
                    continue
                dest = self.target(src.relative_to(source).as_posix())
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
                self.files += 1

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


def check_output_folder(output: Path, site: Path) -> None:
    """Refuse output folders whose replacement would destroy the site or other work."""
    out = output.resolve()
    root = site.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {output} contains the site itself; choose a folder such as build/")
    for name in ("content", "templates", "static", "data", ".git"):
        if out == root / name or (root / name) in out.parents:
            raise UsageError(f"the output folder {output} is inside the site's {name}/ folder; choose build/")
    if out.is_dir() and ((out / "newsgen.yaml").exists() or (out / ".git").exists() or (out / "content").is_dir()):
        raise UsageError(f"the output folder {output} holds a site or a repository; newsgen will not replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {output} is a file, not a folder")
