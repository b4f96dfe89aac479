"""The command's first moments: Ctrl-C while its modules load.

Loading the command's modules takes a moment (Jinja, YAML, Markdown, click). Ctrl-C then
must not show a Python traceback, so until a command starts (``cli._run`` puts Python's
own handler back) Ctrl-C prints one line and exits with status 130. This module imports
nothing of newsgen's, so that the handler is in place before anything slow is loaded.
"""
from __future__ import annotations

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
