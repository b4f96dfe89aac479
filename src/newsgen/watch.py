"""``newsgen watch``: the same build again after every batch of changes.

A watchdog observer follows ``content/``, ``templates/``, ``static/``, ``data/`` and
the settings file. Events are classified, editor swap and backup files ignored, and
bursts debounced: the build starts once nothing has changed for ``quiet`` seconds
(a ``git checkout`` of hundreds of files is one rebuild). Editors' atomic saves
arrive as a move from a temporary file onto the article; the move's destination
counts as changed. A failed build reports its problems and leaves the last good
output; the watcher keeps going and rebuilds when the file is fixed.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import BuildOptions, BuildResult, build
from .loading import ArticleMemory
from .inputs import FOLDERS, classify
from .errors import NewsgenError
from .parallel import collector_paused
from .preview import Preview
from .report import Reporter



@dataclass
class Batch:
    """What changed since the last build, by kind ('content', 'template', ...)."""

    paths: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, path: str) -> None:
        self.paths.setdefault(kind, set()).add(path)

    def __bool__(self) -> bool:
        return bool(self.paths)

    def describe(self) -> str:
        return ", ".join(f"{len(v)} {k}" for k, v in sorted(self.paths.items()))


class _Collector(FileSystemEventHandler):
    def __init__(self, site: Path, changed: Callable[[str, str], None]) -> None:
        self.site = site
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own timestamp; the file events inside it are what count
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for path in paths:
            if path:
                kind = classify(self.site, str(path))
                if kind is not None:
                    self.changed(kind.value, str(path))


def _collect(replaced: bool) -> None:
    """The garbage of a build, collected once it is over (builds pause the collector, see
    ``parallel.collector_paused``).

    The site in memory (at 100,000 articles some twenty million objects) is frozen out of
    the collector's reach after each build that made it anew: a full collection walks it all
    (most of a second at that size), and watch mode would otherwise do so after every save,
    delaying the next one's preview. The old site's cycles are collected first, then the
    new one frozen; a build that kept the site (a delta build, or one with nothing to do)
    collects only what it made (what a delta build replaced in the frozen site is freed by
    reference counting; a cycle among it would wait for the next full build's collection)."""
    if replaced:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    else:
        gc.collect()


class SiteWatcher:
    """Watches a site and rebuilds it; :meth:`run` blocks until :meth:`stop` (or Ctrl-C)."""

    def __init__(self, options: BuildOptions, on_build: Callable[[BuildResult | None, BaseException | None, Batch], None],
                 reporter: Reporter | None = None, quiet: float = 0.1,
                 on_preview: Callable[[list[str]], None] | None = None) -> None:
        # a watcher waits for another build of the site (a `newsgen build` in another terminal) however
        # long it takes, rather than drop the editor's change
        self.options = replace(options, memory=options.memory or ArticleMemory(),
                               lock_wait=float("inf"))
        self.on_build = on_build
        # an edited article's page is written first, from the last build (see preview.py)
        self.on_preview = on_preview
        self._preview = Preview(self.options.site, self.options.memory, self.options.now)  # type: ignore[arg-type]
        self.reporter = reporter
        self.quiet = quiet
        self._lock = threading.Lock()
        self._batch = Batch()
        self._last_event = 0.0
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._observer = Observer()
        self._scheduled: set[str] = set()

    def _changed(self, kind: str, path: str) -> None:
        with self._lock:
            self._batch.add(kind, path)
            self._last_event = time.monotonic()
        self._wake.set()

    def _schedule(self) -> None:
        """Watch the site folder itself (settings, new folders) and each watched folder in depth."""
        handler = _Collector(self.options.site, self._changed)
        site = self.options.site.resolve()
        if str(site) not in self._scheduled:
            self._observer.schedule(handler, str(site), recursive=False)
            self._scheduled.add(str(site))
        for name in FOLDERS:
            folder = site / name
            if folder.is_dir() and str(folder) not in self._scheduled:
                self._observer.schedule(handler, str(folder), recursive=True)
                self._scheduled.add(str(folder))

    def build_once(self, batch: Batch) -> None:
        if set(batch.paths) == {"content"}:
            with collector_paused():  # as a build does: no walk of the site in memory in the middle
                urls = self._preview.write(batch.paths["content"])
            if urls and self.on_preview is not None:
                self.on_preview(urls)
        result: BuildResult | None = None
        error: BaseException | None = None
        memory = self.options.memory
        assert memory is not None
        loads = memory.loads
        try:
            result = build(self.options, self.reporter)
        except (NewsgenError, OSError) as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - a bug in newsgen: reported, and the editor's watch goes on
            error = exc
        # the site in memory is new when the build loaded it (the full path does, even when it finds
        # nothing to render, as the first build of an up-to-date site does); a delta build or one
        # with nothing to do keeps it
        _collect(replaced=memory.loads != loads)  # before the summary: once printed, the next save is seen at once
        self.on_build(result, error, batch)

    def run(self, first_build: bool = True) -> None:
        """Build (unless told not to), then rebuild after every quiet batch of changes."""
        self._schedule()
        self._observer.start()
        try:
            if first_build:
                self.build_once(Batch({"site": {str(self.options.site)}}))
            while not self._stopped.is_set():
                self._wake.wait(0.5)
                self._wake.clear()
                with self._lock:
                    ready = bool(self._batch) and time.monotonic() - self._last_event >= self.quiet
                    batch, self._batch = (self._batch, Batch()) if ready else (Batch(), self._batch)
                if not ready:
                    if self._batch:
                        time.sleep(self.quiet / 2)
                        self._wake.set()
                    continue
                self._schedule()  # folders created since the start (a first templates/ folder)
                self.build_once(batch)
        finally:
            self._observer.stop()
            self._observer.join(timeout=5)
            gc.unfreeze()  # the site it kept is the collector's again (see _collect)

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
