"""Run the newsgen command, stopping it at a chosen phase so that a test can kill it there.

    python crash_harness.py PHASE MARKER newsgen-arguments...

At PHASE the process (or, for ``worker``, a forked render worker; for ``indexer``, the
search indexer itself) writes its process id to the file MARKER and waits, so that the
test kills a real process at a known moment, or sends it a signal and removes MARKER to
let it go on. PHASE ``none`` runs newsgen unchanged (for
kills at random moments). Nothing here changes what newsgen does up to that moment.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import wraps
from typing import Any, Callable

PARENT = os.getpid()


def main() -> None:
    phase, marker, *arguments = sys.argv[1:]
    # Ctrl-C as at a terminal: a test run started in the background (`cmd &`, nohup) hands its
    # children SIGINT ignored, and Python then never raises KeyboardInterrupt for it
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def stop_here() -> None:
        with open(marker, "w") as file:
            file.write(str(os.getpid()))
        deadline = time.monotonic() + 600
        while os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.02)

    stopped: list[bool] = []  # the phase is reached once; later calls go through

    def pause_before(owner: Any, name: str, when: Callable[[], bool] = lambda: True) -> None:
        original = getattr(owner, name)

        @wraps(original)
        def paused(*args: Any, **kwargs: Any) -> Any:
            if not stopped and when():
                stopped.append(True)
                stop_here()
            return original(*args, **kwargs)
        setattr(owner, name, paused)

    if phase == "worker":  # a forked render worker stops in its first chunk; the parent waits for it
        import newsgen.pages

        chunks: list[int] = []

        def first_in_worker() -> bool:
            chunks.append(1)
            return os.getpid() != PARENT and len(chunks) == 1
        pause_before(newsgen.pages, "render_chunk", first_in_worker)
    elif phase == "indexer":  # the search indexer (started as newsgen starts it) sleeps instead of indexing
        real_popen = subprocess.Popen

        class Popen(real_popen):  # type: ignore[misc, valid-type]
            def __init__(self, argv: list[str], *args: Any, **kwargs: Any) -> None:
                if "--service" in argv:  # [..., python, -c, bind, pid, pagefind, --service]: once bound, execs it
                    script = f"import os, time; open({marker!r}, 'w').write(str(os.getpid())); time.sleep(600)"
                    argv = [*argv[:-2], sys.executable, "-c", script]
                super().__init__(argv, *args, **kwargs)
        subprocess.Popen = Popen  # type: ignore[misc]
    elif phase == "swap":  # a clean build stops just before its staging folder becomes the output
        import newsgen.output

        pause_before(newsgen.output.Staging, "commit")
    elif phase == "write":  # an incremental build stops where a page may be torn, or else once its pages are written
        import newsgen.output

        pause_before(os, "ftruncate")  # cutting a page written over in place: its old tail still follows
        pause_before(newsgen.output.PendingPages, "discard")  # every changed page written, static files next
    elif phase == "between-pages":  # an incremental build stops after its first changed page is written
        import newsgen.output

        written: list[str] = []
        for name in ("_write_over", "_rename_into_place"):
            original = getattr(newsgen.output, name)

            def after(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
                if written:
                    stop_here()
                result = _original(*args, **kwargs)
                if result is not False:  # False: not written over in place, renamed into place next
                    written.append(str(args[0]))
                return result
            setattr(newsgen.output, name, after)
    elif phase != "none":
        raise SystemExit(f"unknown phase {phase}")

    from newsgen.cli import main as newsgen

    newsgen(arguments)


if __name__ == "__main__":
    main()
