"""Work spread over processes: reading sources and rendering pages on every core.

Markdown and Jinja hold the GIL, so threads would not help. Workers are forked
after the parent has loaded everything they need (the site, the renderers), so the
model is shared copy-on-write instead of pickled to each worker: the caller's *job*
(a typed record of what every chunk needs: the renderer, the page specs, ...) is kept
in ``_JOB`` by the parent just before the pool starts, and handed to the function with
each chunk, in the parent and in the forked children alike. Small jobs stay in the parent: a pool costs more than it
saves below a few dozen pages.
"""
from __future__ import annotations

import gc
import os
import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")
J = TypeVar("J")

MIN_PARALLEL = 64  # items below which a pool is not worth starting
_JOB: list[Any] = []  # the job of the running run_chunks, inherited by forked workers


def default_jobs() -> int:
    """All cores the process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def jobs_for(asked: int) -> int:
    """The processes a build may use: as many as ``asked`` for (``BuildOptions.jobs``), else one per core."""
    return asked if asked > 0 else default_jobs()


def run_chunks(function: Callable[[J, Sequence[T]], list[R]], items: Sequence[T], jobs: int, job: J,
               progress: Callable[[int], None] | None = None,
               consume: Callable[[list[R]], None] | None = None) -> list[R]:
    """``function(job, chunk)`` applied to chunks of ``items``, in order, on ``jobs`` processes.

    ``job`` reaches the workers by the fork, not by pickling (see the module's docstring).
    With ``consume``, each chunk's results go to it as they arrive and are not kept
    (nothing is returned): the parent then never holds every result at once.
    Falls back to the current process when ``jobs`` is 1, the job is small, or the
    platform cannot fork.
    """
    _JOB[:] = [job]
    results: list[R] = []

    def take(chunk: Sequence[T], result: list[R]) -> None:
        if consume is not None:
            consume(result)
        else:
            results.extend(result)
        if progress:
            progress(len(chunk))

    try:
        if jobs <= 1 or len(items) < MIN_PARALLEL or not _can_fork():
            for chunk in _chunks(items, max(1, len(items) // 20 or 1)):
                take(chunk, function(job, chunk))
            return results
        # several chunks per worker keep all cores busy when chunks differ in cost
        size = max(8, min(500, len(items) // (jobs * 8) or 1))
        _share_the_work(function, job, list(_chunks(items, size)), jobs, take)
        return results
    finally:
        _JOB.clear()


def _can_fork() -> bool:
    import multiprocessing  # here: a build that renders a handful of pages never loads it

    return "fork" in multiprocessing.get_all_start_methods()


def _share_the_work(function: Callable[[J, Sequence[T]], list[R]], job: J, chunks: list[Sequence[T]], jobs: int,
                    take: Callable[[Sequence[T], list[R]], None]) -> None:
    """Run ``chunks`` on ``jobs`` processes: the parent and ``jobs - 1`` forked workers.

    The parent works too instead of waiting: with two cores that is one forked copy of
    the site in memory instead of two. Each worker always has two chunks queued, so it
    never waits for the parent; results are taken in chunk order.

    Workers are forked afresh after every :data:`ITEMS_PER_FORK` items. Why: a forked
    worker shares the parent's memory only until it touches it (Python writes a
    reference count into every object it reads), so over a whole build of 100,000
    articles the worker came to hold its own copy of most of the site, 450 MB beside the
    parent's 640. A new fork starts sharing again, and takes along what the parent has
    rendered since (the cards of listings, see ``render``). The parent goes on with
    chunks of its own while the old workers finish theirs.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    release_free_memory()  # each forked worker starts with the parent's resident memory
    helpers = jobs - 1
    finished: dict[int, list[R]] = {}
    taken = submitted = 0

    def fork() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=helpers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(), parent_death_signal()))

    pool, given = fork(), 0  # given: items handed to this pool's workers
    try:
        pending: dict[Future[list[R]], int] = {}
        while taken < len(chunks):
            if given >= ITEMS_PER_FORK * helpers and not pending and submitted < len(chunks):
                # the old workers are done and work is left: new ones, forked from the parent as it is now
                pool.shutdown(wait=True)
                trim_free_memory()
                pool, given = fork(), 0
            while submitted < len(chunks) and len(pending) < 2 * helpers and given < ITEMS_PER_FORK * helpers:
                pending[pool.submit(_in_worker, function, chunks[submitted])] = submitted
                given += len(chunks[submitted])
                submitted += 1
            # the parent takes a chunk itself unless it is already far ahead of the oldest unfinished one
            if submitted < len(chunks) and len(finished) < 4 * jobs:
                finished[submitted] = function(job, chunks[submitted])
                submitted += 1
            elif pending:
                wait(pending, return_when=FIRST_COMPLETED)
            for future in [f for f in pending if f.done()]:
                finished[pending.pop(future)] = future.result()
            while taken in finished:
                take(chunks[taken], finished.pop(taken))
                taken += 1
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # a failure stops the queued chunks too
        raise
    pool.shutdown(wait=True)


ITEMS_PER_FORK = 10_000  # pages (or sources) a forked worker takes before a new one is forked in its place


def _in_worker(function: Callable[[Any, Sequence[T]], list[R]], chunk: Sequence[T]) -> list[R]:
    """In a forked worker: ``function`` with the job the fork brought along."""
    return function(_JOB[0], chunk)


def _start_worker(parent: int, bind: Callable[[], None]) -> None:
    """First thing in a forked worker: be bound to die with the parent (see :func:`parent_death_signal`)."""
    bind()
    if os.getppid() != parent:  # the parent died before the binding took: nobody waits for this worker
        os._exit(1)


def parent_death_signal() -> Callable[[], None]:
    """A function that, called in a forked worker, has the kernel kill it when its parent dies.

    Why: a forked worker outlives a parent killed with ``kill -9`` otherwise, still
    holding the parent's standard output (``newsgen build | tee log`` never ends) and
    any descriptor it inherited. Linux's ``PR_SET_PDEATHSIG`` does it in the kernel, so
    it holds whatever kills the parent. Elsewhere the function does nothing.
    """
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: no such call, children are not bound
        return _unbound
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    kill = int(signal.SIGKILL)

    def bind() -> None:
        if prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "the worker cannot be bound to its parent")
    return bind


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

# Run in a new Python: bind itself to the process that started it (argv[1]: that one's id), then
# become the command that follows. Binding there, not in a preexec_fn, keeps the forked child of a
# threaded parent (watch mode indexes on a thread) from running any Python before exec.
_BIND_AND_EXEC = """import os, sys
parent = int(sys.argv[1])
try:
    import ctypes
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl(%d, 9, 0, 0, 0)
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    os._exit(1)
os.execv(sys.argv[2], sys.argv[2:])
""" % _PR_SET_PDEATHSIG


def bound_command(argv: list[str]) -> list[str]:
    """``argv`` as a command that the kernel kills when this process dies (see
    :func:`parent_death_signal`), for a child started with ``subprocess``; it keeps
    its process id, its process group and its pipes."""
    import sys

    return [sys.executable, "-c", _BIND_AND_EXEC, str(os.getpid()), *argv]


def _unbound() -> None:
    return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (as it was, afterwards).

    Why: a build makes millions of objects that live until it ends (ten thousand
    articles, their indexes, the page plan), and the collector, started by every
    seven hundred new objects, walks them again and again: a fifth of a one-article
    rebuild's time at 10,000 articles went to it. A build makes little cyclic garbage,
    and freed objects are still freed at once by reference counting; workers forked
    during the build inherit the pause and end with it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_free_memory() -> None:
    """Give memory Python has freed back to the operating system (glibc keeps it otherwise).

    A forked worker starts with every page the parent has resident; after reading ten
    thousand articles the parent's heap holds a hundred megabytes or more of freed
    chunks (file bytes, pickles), which every worker would carry along for nothing.
    """
    gc.collect()
    trim_free_memory()


def trim_free_memory() -> None:
    """The C library's free memory back to the system, without a collection (which walks
    every object: a second at 100,000 articles)."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)  # the C library already loaded into this process
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to trim, nothing lost
        pass


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
