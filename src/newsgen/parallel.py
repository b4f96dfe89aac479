"""Work spread over processes: reading sources and rendering pages on every core.

Markdown and Jinja hold the GIL, so threads would not help. Workers are forked
after the parent has loaded everything they need (the site, the renderers), so the
model is shared copy-on-write instead of pickled to each worker; this module keeps
that hand-over in ``_SHARED``, set by the parent just before the pool starts and
read only by the children. Small jobs stay in the parent: a pool costs more than it
saves below a few dozen pages.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 64  # items below which a pool is not worth starting
_SHARED: dict[Any, Any] = {}


def default_jobs() -> int:
    """All cores the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def shared(name: str) -> Any:
    """In a worker: an object the parent handed over before forking."""
    return _SHARED[name]


def run_chunks(function: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int,
               handover: dict[str, Any], progress: Callable[[int], None] | None = None) -> list[R]:
    """``function`` applied to chunks of ``items``, in order, on ``jobs`` processes.

    ``handover`` objects are visible to ``function`` in the workers through :func:`shared`.
    Falls back to the current process when ``jobs`` is 1, the job is small, or the
    platform cannot fork.
    """
    _SHARED.clear()
    _SHARED.update(handover)
    try:
        if jobs <= 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
            results: list[R] = []
            for chunk in _chunks(items, max(1, len(items) // 20 or 1)):
                results += function(chunk)
                if progress:
                    progress(len(chunk))
            return results
        # several chunks per worker keep all cores busy when chunks differ in cost
        size = max(8, min(500, len(items) // (jobs * 8) or 1))
        chunks = list(_chunks(items, size))
        results = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for chunk, result in zip(chunks, pool.map(function, chunks)):
                results += result
                if progress:
                    progress(len(chunk))
        return results
    finally:
        _SHARED.clear()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
