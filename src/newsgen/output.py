"""The only module that writes the output folder, and only once every page has rendered.

A clean build writes into a staging folder beside the output (same file system, so
the swap is two renames) and replaces the output only when every page has been
written. An incremental build holds its changed pages (:class:`PendingPages`) and
writes them into the output only when all of them rendered. A failed build leaves
the published output exactly as it was. Every path is checked to stay inside the
output folder.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .errors import Interrupted, UsageError
from .hashing import bytes_digest
from .state import STATE_DIR, boot_id, in_use
from .inputs import CONTENT_DIR, FOLDERS, SOURCE_SUFFIXES, is_ignored_name, signature as file_signature
from .scan import Scan
from .theme import static_roots


def flat_name(relative: str) -> str:
    """The file name of an output path in a flat spill folder (see :class:`PendingPages`)."""
    return hashlib.blake2b(relative.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _is_relative_inside(relative: str) -> bool:
    """True for 'a/b/index.html'; False for absolute paths, '..', backslashes, NUL."""
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return False
    return all(part not in ("", ".", "..") for part in relative.split("/"))


def _checked(relative: str) -> str:
    """``relative`` itself, or a refusal when it would lead out of the output folder."""
    if not _is_relative_inside(relative):
        raise UsageError(f"refusing to write {relative!r}: it is outside the output folder")
    return relative


def page_hash(data: bytes) -> str:
    """The hash by which the build state knows a page's bytes."""
    return bytes_digest(data)


def splice(page: bytes, expected_hash: str, old: bytes, new: bytes) -> bytes | None:
    """``page`` with ``new`` in place of ``old``, if its hash is ``expected_hash`` and ``old``
    occurs exactly once; None otherwise (the page must then be rendered)."""
    if page_hash(page) != expected_hash or page.count(old) != 1:
        return None
    return page.replace(old, new)


MEMORY_BUDGET = 128 * 2**20  # bytes of changed pages an incremental build holds before spilling to disk


class PendingPages:
    """The changed pages of an incremental build, held until every page has rendered.

    In memory up to :data:`MEMORY_BUDGET` bytes, the rest spilled into a flat folder beside the
    output (one file per page, named by a hash of its path, so no folders are made).
    Why memory first: making thousands of files is slow and erratic on journalled file
    systems (13,000 files took 0.4 to 5 s here from one run to the next).

    A page made by swapping the ticker (:func:`splice`) is not held at all: it is
    spliced again from the page on disk when it is written, so a rates change of a
    large site, which touches every page, holds next to nothing. The file's signature
    when it was first spliced tells whether it still holds the bytes checked then.
    """

    def __init__(self, output: Path, work: Path, tickers: Mapping[str, tuple[bytes, bytes]] | None = None) -> None:
        self.output = output.absolute()
        self.work = work  # where the spill folder goes (see work_folder)
        self.budget = MEMORY_BUDGET
        self.held = 0
        self.tickers = tickers or {}  # edition -> (old, new) HTML of its ticker, for spliced pages
        self._pages: dict[str, bytes] = {}
        self._spliced: dict[str, tuple[str, str]] = {}  # relative -> (signature when checked, edition)
        self._spill: Path | None = None

    def keep_spliced(self, relative: str, signature: str, edition: str = "") -> None:
        """A page of ``edition`` to be spliced, when written, from the file on disk with this signature."""
        _checked(relative)
        self._spliced[relative] = (signature, edition)

    def keep(self, relative: str, data: bytes) -> None:
        _checked(relative)
        if self.held + len(data) <= self.budget:
            self._pages[relative] = data
            self.held += len(data)
            return
        if self._spill is None:
            self._spill = self.work / work_name(self.output, "staging")
            if self._spill.exists():
                shutil.rmtree(self._spill)
            self._spill.mkdir(parents=True)
        with open(self._spill / flat_name(relative), "wb") as file:
            file.write(data)

    def take(self, relative: str) -> bytes | None:
        """A kept page's bytes (forgotten here once taken); None for a page to be spliced
        whose file has changed on disk since it was checked."""
        spliced = self._spliced.pop(relative, None)
        if spliced is not None and spliced[1] in self.tickers:
            signature, edition = spliced
            old, new = self.tickers[edition]
            try:
                with open(os.path.join(self.output, relative), "rb") as file:
                    if file_signature(os.fstat(file.fileno())) != signature:
                        return None
                    page = file.read()
            except OSError:
                return None
            return page.replace(old, new) if page.count(old) == 1 else None
        data = self._pages.pop(relative, None)
        if data is not None:
            self.held -= len(data)
            return data
        if self._spill is None:
            raise KeyError(relative)
        with open(self._spill / flat_name(relative), "rb") as file:
            return file.read()

    def discard(self) -> None:
        self._pages.clear()
        self._spliced.clear()
        self.held = 0
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None


class Staging:
    """A folder that becomes the output folder on :meth:`commit`, or vanishes on :meth:`abort`.

    A clean build stages the whole site as a tree here and swaps it in; workers write
    into it directly. (An incremental build holds its changed pages in
    :class:`PendingPages` instead.)
    """

    def __init__(self, output: Path, work: Path) -> None:
        self.output = output.absolute()
        self.work = work
        self.path = work / work_name(self.output, "staging")
        self.old: Path | None = None  # the replaced output, once committed, until clear_old()
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self._folders: set[str] = set()

    def target(self, relative: str) -> Path:
        """The staging path for ``relative``, refusing anything that would leave the folder."""
        return self.path / _checked(relative)

    def write(self, relative: str, data: bytes) -> None:
        path = self.target(relative)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        with open(path, "wb") as file:
            file.write(data)

    def mark(self) -> None:
        """Write the marker that lets later builds replace this folder."""
        (self.path / MARKER).write_text(MARKER_TEXT)

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
        """Make the staging folder the output folder; :meth:`clear_old` removes the old one.

        Where the system can swap two folders in one step (Linux's ``RENAME_EXCHANGE``)
        the output folder is never missing, even for a build killed mid-swap. Elsewhere
        it is two renames, and a build killed between them leaves the old output as
        ``.build.old-PID``, which the next build puts back (see :func:`clear_leftovers`).
        """
        if self.output.exists() and _exchange(str(self.path), str(self.output)):
            self.old = self.path  # the old output, now under the staging name
            return
        old = self.work / work_name(self.output, "old")
        if old.exists():
            shutil.rmtree(old)
        if self.output.exists():
            os.replace(self.output, old)
            self.old = old
        os.replace(self.path, self.output)

    def clear_old(self) -> None:
        """Remove the replaced output (a whole site: it may take a while, so it comes last)."""
        if self.old is not None:
            shutil.rmtree(self.old, ignore_errors=True)
            self.old = None

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def _exchange(first: str, second: str) -> bool:
    """Swap two existing paths in one step; False where the system or file system cannot."""
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux with glibc 2.28 or newer
        return False
    return bool(renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0)


def work_folder(output: Path, site: Path) -> Path:
    """Where builds of ``output`` keep their temporary folders (see :func:`work_name`).

    The site's ``.newsgen/`` when it is on the output's file system (a folder is renamed
    into place, which needs that), so that the ``.newsgen/`` line of a site's
    ``.gitignore`` covers them; beside the output folder otherwise.
    """
    state = site / STATE_DIR
    beside = output.absolute().parent
    try:
        if state.is_dir() and os.stat(state).st_dev == os.stat(beside).st_dev:
            return state
    except OSError:
        pass
    return beside


def work_name(output: Path, kind: str) -> str:
    """The name of this process's temporary folder of ``kind`` for ``output``:
    ``.build.staging-PID`` (a clean build's new site, an incremental build's pages that
    did not fit in memory) and ``.build.old-PID`` (the site being replaced). Versions
    before the segmented search index also made ``.build.search-PID-…`` folders."""
    return f".{output.absolute().name}.{kind}-{os.getpid()}"


def clear_leftovers(output: Path, work: Path) -> list[str]:
    """Remove what killed builds left in ``work`` or beside ``output``; returns the names removed.

    Called with the site's build lock held, so no other build of this output is
    writing a staging or old folder: any found is a killed build's. A search folder
    may belong to a watcher indexing in the background, outside the lock, and is left
    while it is in use (``state.in_use``). An ``old`` folder with no output
    folder is the published site of a build killed between its two renames (see
    :meth:`Staging.commit`): it is put back instead.
    """
    output = output.absolute()
    prefix = f".{output.name}."
    removed = []
    for folder in dict.fromkeys((work, output.parent)):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            kind = entry.name[len(prefix):].partition("-")[0] if entry.name.startswith(prefix) else ""
            if kind not in ("staging", "old", "search") or not entry.is_dir(follow_symlinks=False):
                continue
            if kind == "search" and in_use(Path(entry.path)):
                continue
            if kind == "old" and not os.path.lexists(output) and (Path(entry.path) / MARKER).is_file():
                os.replace(entry.path, output)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


MARKER = ".newsgen-output"  # in every output folder: replacing a folder that has it loses nothing
MARKER_TEXT = "This folder is written by newsgen; a build replaces it.\n"


def replace_page(output: Path, relative: str, data: bytes) -> None:
    """Put one page into an existing output folder at once (written beside it, then renamed over it).

    Used by watch mode's preview of an edited article, ahead of the full rebuild that
    follows; a reader of the page sees the old bytes or the new, never half a file.
    """
    _rename_into_place(os.path.join(output, _checked(relative)), data)


def _rename_into_place(dest: str, data: bytes | Path) -> None:
    """Write ``data`` (bytes, or a file to copy with its modification time) beside ``dest``,
    then rename it over ``dest``, making its folder if need be.

    The temporary file is created anew (an existing one, or a link of that name, is
    never written through), and removed when anything fails.
    """
    folder, name = os.path.split(dest)
    temporary = os.path.join(folder, f".{name}.newsgen-{os.getpid()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        os.unlink(temporary)  # left by a build that was killed (a folder of that name: os.open says so)
    except OSError:
        pass
    try:
        fd = os.open(temporary, flags, 0o666)
    except FileNotFoundError:  # a new page in a new folder: folders are made only then
        os.makedirs(folder, exist_ok=True)
        fd = os.open(temporary, flags, 0o666)
    try:
        with open(fd, "wb") as file:
            if isinstance(data, Path):
                with open(data, "rb") as source:
                    shutil.copyfileobj(source, file)
            else:
                file.write(data)
        if isinstance(data, Path):
            shutil.copystat(data, temporary)
        os.replace(temporary, dest)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


@contextmanager
def interrupts_held(outcome: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C held back until the block ends, then raised as ``errors.Interrupted(outcome())``:
    the block changed the output, and the message says how.

    Why: an incremental build writes its changed files (and removes stale ones), and
    the state records them, usually in well under a second; an interruption in between
    would leave the folder part old, part new, and the next build would have to write
    every page again. A clean build's swap and its record are held likewise. Only the
    main thread receives signals, so elsewhere (a build started from another thread)
    this does nothing.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if caught:
        raise Interrupted(outcome())


def check_output_folder(output: Path, site: Path) -> None:
    """Refuse output folders whose replacement would destroy the site or other work.

    A clean build replaces the output folder as a whole, so a folder that exists must
    be empty, or carry the marker newsgen writes into every output.
    """
    out = output.resolve()
    root = site.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"the output folder {output} contains the site itself; choose a folder such as build/")
    for name in (*FOLDERS, ".git", ".newsgen"):
        if out == root / name or (root / name) in out.parents:
            raise UsageError(f"the output folder {output} is inside the site's {name}/ folder; choose build/")
    if out.is_dir() and ((out / "newsgen.yaml").exists() or (out / ".git").exists() or (out / "content").is_dir()):
        raise UsageError(f"the output folder {output} holds a site or a repository; newsgen will not replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {output} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise UsageError(f"the output folder {output} holds files newsgen did not write; newsgen will not replace it "
                         "(empty it, or choose another folder)")


def statics_of(site: Path, scan: Scan) -> dict[str, tuple[Path, str]]:
    """Every static file by output path -> (file, signature): the theme's ``static/``, then
    ``content/`` (from the scan: not walked again), then the site's ``static/``, later ones
    winning."""
    content = (site / CONTENT_DIR).resolve()
    found: dict[str, tuple[Path, str]] = {}
    for root in static_roots(site):
        found.update(scan.files if root == content else static_files([root], not_copied))
    return dict(sorted(found.items()))


def not_copied(name: str) -> bool:
    """Files never copied to the output as they are: editor swap files and Markdown sources."""
    return is_ignored_name(name) or name.endswith(SOURCE_SUFFIXES)


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
                files[prefix + entry.name] = (Path(entry.path), file_signature(info))
    return dict(sorted(files.items()))


def commit_incremental(pending: PendingPages, output: Path, written: list[str], outputs: set[str],
                       old_outputs: set[str], statics: dict[str, tuple[Path, str]],
                       old_statics: dict[str, str]) -> tuple[int, int, list[str]]:
    """Put the changed pages into the output, refresh changed static files, delete stale files.

    Called only after every page rendered, so a failed build never reaches here.
    Returns (static files copied, files removed, pages left alone because they changed
    on disk while the site was built; the caller has them rendered next time).
    """
    out_text = str(output)
    copies = [(rel, source) for rel, (source, signature) in sorted(statics.items()) if rel not in outputs and (
        old_statics.get(rel) != signature or rel in old_outputs or not os.path.isfile(os.path.join(out_text, rel)))]
    _refuse_folder_links(output, [*written, *(rel for rel, _ in copies)])  # before anything is written
    left: list[str] = []
    for relative in written:
        dest = os.path.join(out_text, relative)
        data = pending.take(relative)
        if data is None:
            left.append(relative)
        elif not _write_over(dest, data):
            _rename_into_place(dest, data)
    pending.discard()
    for relative, source in copies:  # a page of the same name wins over a static file, as in a clean build
        _rename_into_place(os.path.join(out_text, relative), source)
    marker = os.path.join(out_text, MARKER)
    if not os.path.isfile(marker):  # a folder emptied by hand: later builds may still replace it
        _rename_into_place(marker, MARKER_TEXT.encode())
    keep = outputs | set(statics)
    removed = 0
    for relative in sorted((old_outputs | set(old_statics)) - keep):
        path = output / relative
        if path.is_file() and output.resolve() in path.resolve().parents:
            path.unlink()
            removed += 1
            _prune_empty_folders(path.parent, output)
    return len(copies), removed, left


def _refuse_folder_links(output: Path, relatives: list[str]) -> None:
    """Raise before writing when a folder on the way to a file is a link leading out of the output.

    A clean build never makes links; one found here was made by hand (``build/media ->
    /srv/media``), and writing through it would write outside the output folder. One
    ``lstat`` per folder, so this costs little even when every page is written.
    """
    checked: set[str] = set()
    root = os.path.realpath(output)
    for relative in relatives:
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in checked:
                continue
            checked.add(folder)
            path = os.path.join(output, folder)
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                break  # made as a real folder when the file is written
            if stat.S_ISLNK(info.st_mode):
                if not os.path.realpath(path).startswith(root + os.sep):
                    raise UsageError(f"{path} is a link to {os.path.realpath(path)}, outside the output folder, "
                                     "and newsgen writes only inside it; remove the link, or build with --clean")
            elif not stat.S_ISDIR(info.st_mode):
                raise UsageError(f"{path} is a file where newsgen needs a folder; remove it, or build with --clean")


# Linux: where a restart can be told (state.boot_id), so pages that never reached the disk are found;
# elsewhere (macOS, the BSDs, Windows) pages are renamed into place
_IN_PLACE = hasattr(os, "pwrite") and hasattr(os, "O_NOFOLLOW") and hasattr(os, "posix_fallocate") and bool(boot_id())


def _write_over(dest: str, data: bytes) -> bool:
    """Overwrite an existing page with ``data`` in place; False when it must be renamed over instead.

    Why not always rename: on ext4 (and XFS) replacing a file by renaming over it, or
    truncating it to zero, makes the kernel write its data out at once (``auto_da_alloc``),
    about 0.15 ms a file here; writing the new bytes over the old ones costs a tenth of that, which is most of a rates change that touches every page.

    Safeguards: the space for a longer page is allocated before a byte changes, so on
    file systems that overwrite in place (ext4, XFS) a full disk stops the build with the
    old page whole; a link is never followed (``O_NOFOLLOW``, and folders are checked by
    :func:`_refuse_folder_links`); a file with other hard links (a snapshot made with
    ``cp -al`` or ``rsync --link-dest``) is replaced, never changed.

    A page that shrinks is written together with spaces over the rest of the old page,
    then cut to its length: until the cut it reads as the new page followed by blank
    space (harmless after ``</html>``, an XML root element, JSON or text), never as the
    new bytes followed by the old page's tail, and a build killed between the two
    leaves it so. A shrinking page of another kind (an image) is renamed into place.

    What is given up: a reader that opens the page during those microseconds (a web
    server serving the folder while it is rebuilt, a search indexer), or a build killed
    during them, may see part new, part old, as with Hugo and Pelican, which truncate
    and rewrite; and on copy-on-write file systems (btrfs, ZFS) a disk that fills up
    during the write can leave a page cut short. Either way the state is marked
    unfinished first, and the next build writes every page again.
    """
    if not _IN_PLACE:
        return False
    try:
        fd = os.open(dest, os.O_RDWR | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # a new page, a link, a folder in the way: renamed into place instead
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return False
        size = len(data)
        if size < info.st_size:
            if not dest.endswith(_BLANK_TAIL_OK):
                return False  # renamed into place: no moment shows the old tail after the new bytes
            data = data + b" " * (info.st_size - size)  # the old tail blanked out, then cut (see above)
        if len(data) > info.st_size:
            try:
                os.posix_fallocate(fd, 0, len(data))
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise  # renaming a whole new file over it would need even more space
                return False  # a file system that cannot allocate in advance
        view = memoryview(data)
        done = 0
        while done < len(data):
            done += os.pwrite(fd, view[done:], done)
        if size < len(data):
            os.ftruncate(fd, size)
        return True
    finally:
        os.close(fd)


# Pages whose meaning trailing spaces do not change (after </html>, after an XML root element, after
# JSON or text): a shrinking one is written over in place, its old tail blanked out before it is cut.
_BLANK_TAIL_OK = (".html", ".xml", ".json", ".txt")


def _prune_empty_folders(folder: Path, output: Path) -> None:
    while folder != output and output in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def remove_folder(output: Path, name: str) -> None:
    """Remove the folder ``name`` of the output (a link in its place is left to the next clean build)."""
    folder = output / name
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
