"""The command's first and last moments: Ctrl-C while its modules load, and its exit.

Loading the command's modules takes a moment (Jinja, YAML, Markdown, click). Ctrl-C then
must not show a Python traceback, so until a command starts (``cli._run`` puts Python's
own handler back) Ctrl-C prints one line and exits with status 130. This module imports
nothing of newsgen's, so that the handler is in place before anything slow is loaded.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


def interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C before a command started: nothing was done, nothing to clean up."""
    try:
        sys.stderr.write("interrupted; nothing was done\n")
        sys.stderr.flush()
    finally:
        os._exit(EXIT_INTERRUPTED)  # not an exception: it could surface inside any import as a traceback


def quiet_interrupts_while_starting() -> None:
    """Install :func:`interrupted_while_starting` for Ctrl-C (main thread only)."""
    signal.signal(signal.SIGINT, interrupted_while_starting)


def normal_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt again, for the command to handle (if it was changed here)."""
    if signal.getsignal(signal.SIGINT) is interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def leave_without_sweeping() -> None:
    """Let the process end without Python's last sweep of its objects.

    A build runs with the cyclic collector paused (see ``parallel.collector_paused``), so what
    it made in cycles is still there when the command ends: after an edit of a
    100,000-article site, the delta plan and its skeleton, some 100 MB. At exit Python
    collects it and frees it object by object, 0.13-0.15 s of a 1.3 s edit here, for memory
    the operating system takes back at once. Frozen, the objects are out of that sweep;
    exit handlers still run, files are still flushed and closed."""
    gc.freeze()
