"""What the site's files are on disk, looked at on every build: one walk of ``content/``.

A build of an archive of 100,000 articles that changes nothing should take well under
a second, and most of that second is this module's. So it does the least Python work
per file it can:

- one walk of ``content/`` finds the articles' sources and the other files beside them
  (images, a bundle's files: the static files that live under ``content/``), each with
  its signature from one ``stat``; nothing else walks ``content/`` again;
- the last build's record of the sources (:class:`Known`) is three joined strings in
  the build state, split in C, not 100,000 rows or objects;
- when every signature is the one recorded, the whole comparison is one dictionary
  comparison, and no source is opened. Otherwise only the files whose signature
  changed are read and hashed, the way git's index does it.

Nothing here imports the Markdown or template machinery: a build that turns out to
have nothing to do never loads it.
"""
from __future__ import annotations

import hashlib
import os
import time
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from .bundles import is_section_page
from .errors import Problem, warning
from .inputs import CONTENT_DIR, SOURCE_SUFFIXES, STATIC_DIR, TEMPLATES_DIR, is_ignored_name, is_utf8_name
from .inputs import signature as file_signature

RACY_SECONDS = 2  # a file changed this close to a scan may change again within one timestamp tick
# On Windows st_ctime is the creation time, so a same-size rewrite that keeps the modification
# time (some copy and unpacking tools) would keep its signature: every file is read there.
TRUST_SIGNATURES = os.name != "nt"
_IGNORED_START = (".", "#", "~")  # is_ignored_name's test of a name's start; its end tests cannot match ".md"


class Source(NamedTuple):
    """A content file: its path relative to the site (``content/x/y.md``) and on disk.

    A named tuple: a big archive has 100,000 of them, made on every build that reads
    articles, and a tuple is made several times faster than a frozen dataclass.
    """

    key: str
    path: str  # on disk; a plain string for the same reason


@dataclass(frozen=True)
class Known:
    """What the last scan could trust: each source's signature and the hash of its bytes.

    Kept in the build state as three newline-joined strings (keys, signatures, hashes):
    reading it back is three splits and a ``zip``, a few hundredths of a second for
    100,000 sources, where as many rows or pickled objects take ten times as long.
    """

    signatures: dict[str, str] = field(default_factory=dict)  # key -> file signature (see inputs.signature)
    hashes: dict[str, str] = field(default_factory=dict)  # key -> hash of the bytes

    def to_bytes(self) -> bytes:
        keys = list(self.signatures)
        text = "\x00".join(("\n".join(keys), "\n".join(self.signatures[k] for k in keys),
                            "\n".join(self.hashes[k] for k in keys)))
        return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> Known:
        """The record :meth:`to_bytes` wrote; ValueError (or zlib.error) for anything else."""
        keys, signatures, hashes = zlib.decompress(data).decode("utf-8", "surrogatepass").split("\x00")
        if not keys:
            return cls()
        key_list = keys.split("\n")
        signature_list, hash_list = signatures.split("\n"), hashes.split("\n")
        if not len(key_list) == len(signature_list) == len(hash_list):
            raise ValueError("a damaged record of the sources")
        return cls(dict(zip(key_list, signature_list)), dict(zip(key_list, hash_list)))


@dataclass
class Scan:
    """The content folder as found on disk: every source's hash, and the other files in it.

    ``signatures`` holds each source's size, times and inode where they can be trusted
    next time (see :func:`scan_sources`). ``read`` names the sources whose bytes this
    scan read. The bytes are not kept: ten thousand articles are some 60 MB that every
    forked worker would carry along; the workers that parse a file read it again (from
    the operating system's cache). ``files`` are the files under ``content/`` that are
    not sources, by their path inside it, with their signature: they are copied to the
    output as static files are (see ``output.statics_of``).
    """

    keys: list[str]  # every readable source, sorted
    paths: dict[str, str]  # key -> path on disk
    problems: list[Problem]
    read: set[str]
    hashes: dict[str, str]
    signatures: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)

    @cached_property
    def sources(self) -> list[Source]:
        paths = self.paths
        return [Source(key, paths[key]) for key in self.keys]

    def known(self) -> Known:
        """The record the next scan compares with (see :class:`Known`)."""
        return Known(self.signatures, {k: self.hashes[k] for k in self.signatures})

    def source_bytes(self, key: str) -> bytes:
        """A source's bytes, read now (b'' if it has gone since)."""
        try:
            with open(self.paths.get(key, ""), "rb") as file:
                return file.read()
        except OSError:
            return b""


def scan_sources(site: Path, known: Known | None = None) -> Scan:
    """Find every source and hash it; an unreadable file is a problem, not a crash.

    A file whose signature (size, modification and change times to the nanosecond,
    inode) is the one ``known`` from the last build is not read. A signature is only
    trusted when its file had not changed for ``RACY_SECONDS`` when it was taken and
    did not change while it was read: a file written again in the same timestamp tick,
    with the same size, would otherwise look unchanged. (A file system whose clock runs
    more than ``RACY_SECONDS`` behind this machine's weakens the first condition.)
    """
    found, paths, files, problems = _walk(site)
    problems += misnamed_files(site)
    known = known or Known()
    if found == known.signatures:  # nothing changed since the last build: no file to open
        keys = sorted(found)
        return Scan(keys, paths, problems, set(), dict(known.hashes), dict(found), files)
    read: set[str] = set()
    hashes: dict[str, str] = {}
    signatures: dict[str, str] = {}
    settled_before = time.time_ns() - RACY_SECONDS * 1_000_000_000
    remembered_signatures, remembered_hashes = known.signatures, known.hashes
    for key, signature in found.items():
        if remembered_signatures.get(key) == signature:
            hashes[key] = remembered_hashes[key]
            signatures[key] = signature
            continue
        try:
            info = os.stat(paths[key])
            with open(paths[key], "rb") as file:
                data = file.read()
                after = os.fstat(file.fileno())
        except OSError as exc:
            problems.append(Problem(key, 0, 0, "", f"cannot be read: {exc.strerror}", "check the file's permissions"))
            continue
        read.add(key)
        hashes[key] = hashlib.blake2b(data, digest_size=16).hexdigest()
        unchanged_while_read = (after.st_size, after.st_mtime_ns, after.st_ctime_ns, after.st_ino) == (
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        if TRUST_SIGNATURES and unchanged_while_read and max(info.st_mtime_ns, info.st_ctime_ns) < settled_before:
            signatures[key] = file_signature(info)
    return Scan(sorted(hashes), paths, problems, read, hashes, signatures, files)


def _walk(site: Path) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[Path, str]], list[Problem]]:
    """Every source under content/ (key -> signature, key -> path), the other files (path
    inside content/ -> (file, signature)) and what is wrong with the folder's names.

    Links inside the site are followed, each real folder once (a link to a parent folder
    would otherwise loop forever); a source that is a link out of the site is refused,
    another file that is one is left out, as in ``static/``. Plain strings and
    ``os.scandir``: this loop runs once per file on every build.
    """
    root = os.path.join(str(site), CONTENT_DIR)
    signatures: dict[str, str] = {}
    paths: dict[str, str] = {}
    files: dict[str, tuple[Path, str]] = {}
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return signatures, paths, files, problems
    site_real = os.path.realpath(site)
    content_real = os.path.realpath(root)
    visited = {content_real}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name.endswith(SOURCE_SUFFIXES) and not name.startswith(_IGNORED_START) and name.isascii():
                    pass  # the common case, an article's file, tested first and cheaply
                elif not name.isascii() and not is_utf8_name(name):
                    problems.append(_misnamed(os.path.join(folder, name), site))
                    continue
                elif is_ignored_name(name):
                    continue
                try:
                    if entry.is_dir():
                        real = os.path.realpath(entry.path)
                        if entry.is_symlink() and not _inside(real, site_real):
                            problems.append(_link_problem(Path(entry.path), site))
                        elif real not in visited:
                            visited.add(real)
                            stack.append((entry.path, f"{prefix}{name}/"))
                        continue
                    outside = entry.is_symlink() and not _inside(os.path.realpath(entry.path), site_real)
                    if not name.endswith(SOURCE_SUFFIXES):
                        if not outside:
                            files[prefix + name] = (Path(content_real, prefix + name), file_signature(entry.stat()))
                        continue
                    if outside:
                        problems.append(_link_problem(Path(entry.path), site))
                        continue
                    if is_section_page(name):
                        problems.append(_section_page(f"{CONTENT_DIR}/{prefix}{name}"))
                        continue
                    info = entry.stat()
                except OSError:
                    continue  # gone since the folder was listed, or a broken link
                key = f"{CONTENT_DIR}/{prefix}{name}"
                signatures[key] = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
                paths[key] = entry.path
    return signatures, paths, files, problems


def shown_name(path: str) -> str:
    """A path with a name that is not UTF-8, as a message can show it: caf\\xe9.md."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def misnamed_files(site: Path) -> list[Problem]:
    """Files and folders under static/ and templates/ whose names are not UTF-8
    (:func:`scan_sources` reports those under content/): their URLs could not be written in a
    page, so the build stops and names them."""
    problems: list[Problem] = []
    for top in (STATIC_DIR, TEMPLATES_DIR):
        for folder, folders, files in os.walk(os.path.join(str(site), top)):
            problems += [_misnamed(os.path.join(folder, name), site) for name in [*folders, *files]
                         if not name.isascii() and not is_utf8_name(name)]
            folders[:] = [f for f in folders if f.isascii() or is_utf8_name(f)]
    return problems


def _misnamed(path: str, site: Path) -> Problem:
    relative = os.path.relpath(path, str(site)).replace(os.sep, "/")
    return Problem(shown_name(relative), 0, 0, "", "the name is not UTF-8 text, so it cannot be part of a web address",
                   "rename it, e.g. with: convmv -f latin1 -t utf8 --notest FILE")


def _section_page(key: str) -> Problem:
    """The warning for Hugo's page of a section (see ``bundles``), which is left out."""
    return warning(key, 0, "", "is a Hugo section page (the title and text of a list), not an article; "
                   "newsgen leaves it out and makes the section's page itself",
                   "name the section under sections: in newsgen.yaml, or delete the file")


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _link_problem(path: Path, site: Path) -> Problem:
    what = "folder" if path.is_dir() else "file"
    return Problem(path.relative_to(site).as_posix(), 0, 0, "",
                   f"this {what} is a link to something outside the site folder; newsgen does not follow it",
                   f"copy the {what} into the site instead of linking to it")
