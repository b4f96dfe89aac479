"""The full-text search index: Pagefind, run over the finished pages.

Pagefind (the PyPI package ``pagefind`` with its ``bin`` extra ships the binary) reads
the built HTML and writes a static index (into the staging folder of a clean build, else
into a folder of its own that ``output`` copies in as ``pagefind/``), which the search page
queries in the reader's browser; nothing runs on a server. Only article bodies are
indexed (the article template marks them with ``data-pagefind-body``), so listings
and indexes do not crowd the results.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager

from .errors import Problem
from .output import sync_folder
from .plan import SEARCH_INDEX_FOLDER
from .state import folder_in_use

INDEX_FOLDER = SEARCH_INDEX_FOLDER
TIMEOUT = 900  # seconds; 10,000 articles take about 20 here


def index_site(folder: Path, sync: bool = False, guard: Callable[[], ContextManager[bool]] | None = None,
               work: tuple[Path, str] | None = None) -> Problem | None:
    """Index the pages in ``folder``; a warning (never an error) when Pagefind is missing or fails.

    With ``sync``, the index is written in a folder of its own first (``work``: the
    folder to make it in and a prefix for its name; beside ``folder`` by default) and
    then copied in file by file, only where bytes differ, and stale index files are
    removed: an incremental build then touches no index file that did not change.
    ``guard``, if given, is held while the index is copied in, and says whether to copy
    it at all (watch mode indexes in the background, takes the site's build lock for that
    step, and copies nothing if a later build has made the index since).
    """
    if importlib.util.find_spec("pagefind") is None:
        return Problem("newsgen.yaml", 0, 0, "search", "the search index was not built: Pagefind is not installed",
                       "pip install 'pagefind[bin]', or set search: false", "warning")
    if not sync:
        return _run(folder, folder / INDEX_FOLDER)
    try:
        where, prefix = work or (folder.parent, f".{folder.name}.search-{os.getpid()}")
        with tempfile.TemporaryDirectory(dir=where, prefix=f"{prefix}-") as tmp, folder_in_use(Path(tmp)):
            problem = _run(folder, Path(tmp) / INDEX_FOLDER)
            if problem is None:
                with guard() if guard is not None else nullcontext(True) as wanted:
                    if wanted:
                        sync_folder(Path(tmp) / INDEX_FOLDER, folder / INDEX_FOLDER)
            return problem
    except OSError as exc:  # the site was moved or deleted meanwhile (watch mode indexes in the background)
        return Problem("newsgen.yaml", 0, 0, "search", f"the search index was not updated: {exc}",
                       "build again; the pages themselves are up to date", "warning")


def _run(folder: Path, index: Path) -> Problem | None:
    """Pagefind over ``folder`` into ``index``. The indexer stays in the build's process group
    (Ctrl-C reaches it), is waited for (and killed if the build is interrupted), and is
    killed by the kernel if the build is (see ``parallel.bound_command``)."""
    from .parallel import bound_command

    command = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(index), "--silent"]
    try:
        done = subprocess.run(bound_command(command), capture_output=True, text=True, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return Problem("newsgen.yaml", 0, 0, "search", f"the search index took longer than {TIMEOUT} s and was left as it was",
                       "run the build again, or set search: false", "warning")
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return Problem("newsgen.yaml", 0, 0, "search", "the search index could not be built"
                       + (f": {detail[-1]}" if detail else ""), "run newsgen build --debug and check Pagefind", "warning")
    return None
