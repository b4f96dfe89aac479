"""Uploaded files the posts use: found in a copy of ``wp-content/uploads``, copied under ``static/``.

Files go to ``static/wp-content/uploads/<the same path>``, not into page bundles: the old
image addresses then keep working on the new site (other sites and feeds link to them), an
image that several posts show is copied once, and a post's folder does not change when a
later import brings its images. WordPress's resized copies (``photo-300x200.jpg``) are
used when present, else the original they were made from (newsgen makes its own sizes).

Paths come from the export, which is not trusted: a path with ``..``, a backslash or a
control character is never followed, the file must lie inside the uploads folder once links
are resolved, and nothing is written outside the site (:func:`copy_media`).
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import UsageError
from ..scaffold import refuse_links_out

UPLOADS = "/wp-content/uploads/"
_RESIZED = re.compile(r"-\d+x\d+(\.\w+)$")


@dataclass
class Media:
    """The uploads the posts use, and where each one was found (or that it was not)."""

    uploads: Path | None  # the --media folder, None without one
    found: dict[str, Path] = field(default_factory=dict)  # site path -> file in the uploads copy
    missing: dict[str, set[int]] = field(default_factory=dict)  # URL -> the posts that use it

    def relink(self, url: str, post_id: int) -> str:
        """The address a post should use for ``url``: the site's copy of an upload, else ``url``."""
        relative = upload_path(url)
        if relative is None:
            return url
        source = self._source(relative)
        if source is None:
            self.missing.setdefault(url.split("#")[0], set()).add(post_id)
            return url
        site_path = f"{UPLOADS}{_relative(source, self.uploads)}"
        self.found[site_path] = source
        return site_path

    def _source(self, relative: str) -> Path | None:
        if self.uploads is None:
            return None
        for candidate in (relative, _RESIZED.sub(r"\1", relative)):
            path = self.uploads / candidate
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if real.is_file() and real.is_relative_to(self.uploads.resolve()):
                return path
        return None


def _relative(path: Path, root: Path | None) -> str:
    assert root is not None
    return path.relative_to(root).as_posix()


def upload_path(url: str) -> str | None:
    """The path inside ``wp-content/uploads`` an address names ('2011/01/x.jpg'), None for anything
    else or for a path that could leave the folder."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    at = path.find(UPLOADS)
    if at >= 0:
        relative = path[at + len(UPLOADS):]
    elif parts.netloc.endswith(".files.wordpress.com"):  # WordPress.com keeps uploads at the host's root
        relative = path.lstrip("/")
    else:
        return None
    if (not relative or "\\" in relative or any(p in ("", ".", "..") for p in relative.split("/"))
            or re.search(r"[\x00-\x1f\x7f]", relative)):
        return None
    return relative


def copy_media(media: Media, site: Path, command: str) -> list[str]:
    """Copy each upload the posts use into the site (a file already there with the same size is
    kept); returns the site paths copied. A folder on the way that is a link out of the site is
    refused before anything is made in it."""
    copied: list[str] = []
    for site_path, source in sorted(media.found.items()):
        target = site / "static" / site_path.lstrip("/")
        refuse_links_out(site, target.parent, command)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            raise UsageError(f"{target} is a link; {command} copies only into plain files")
        if target.exists() and target.stat().st_size == source.stat().st_size:
            continue
        shutil.copyfile(source, target)
        os.utime(target)
        copied.append(site_path)
    return copied
