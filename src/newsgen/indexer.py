"""Pagefind's indexer run as a service: records in, a search bundle out.

The ``pagefind`` package's binary has a service mode (``pagefind --service``): requests
are base64-encoded JSON messages, each followed by a comma, on its standard input, and
answers come back the same way on its standard output. The package's own Python client
(``pagefind.index.PagefindIndex``) waits a tenth of a second after every answer, so ten
thousand records would take seventeen minutes; this client writes every request from a
thread while it reads the answers as they come, and adds a thousand records in under a
second. The bundle's writing (Pagefind's own work, about 3 ms a record here) is most of
the cost, and its memory grows with the records of one bundle (about 200 KB each while
writing): ``search`` keeps bundles small for that reason.
"""
from __future__ import annotations

import base64
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .parallel import bound_command


class IndexerError(Exception):
    """Pagefind is missing, failed, or answered what this client does not understand."""


@dataclass(frozen=True, slots=True)
class IndexRecord:
    """One searchable article as Pagefind takes it: its link, its text, and what the search page
    shows (``meta``), narrows by (``filters``) and orders by (``sort``)."""

    url: str
    content: str
    language: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def executable() -> Path | None:
    """Pagefind's binary, found where ``pagefind.service.get_executable`` looks, in its order:
    ``PAGEFIND_BINARY_PATH``, the ``pagefind_bin_extended`` and ``pagefind_bin`` packages
    (which ``pagefind[bin]`` installs), then ``PATH``. None when there is none.

    Not by calling that function: importing ``pagefind.service`` loads asyncio and takes
    longer than the rest of a one-article rebuild's search update."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given is not None:
        return Path(given)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            for name in ("pagefind_extended", "pagefind", "pagefind_extended.exe", "pagefind.exe"):
                candidate = Path(folder) / name
                if candidate.is_file():
                    return candidate
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


ENTRY_FILE = "pagefind-entry.json"  # what a search reads first in a bundle
ENTRY_WAIT = 10.0  # seconds


def _await_entry(path: Path) -> None:
    """Return once the bundle's entry file is whole JSON; IndexerError after ``ENTRY_WAIT``.

    The service has answered that the files are written, yet on a busy machine a browser
    was once served this file empty right after the build: so the build does not end, and
    the segment is not named in the manifest, before the file reads as what it should be."""
    deadline = time.monotonic() + ENTRY_WAIT
    while True:
        try:
            json.loads(path.read_bytes())
            return
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                raise IndexerError(f"Pagefind did not finish writing {path.name}") from None
            time.sleep(0.01)


class Indexer:
    """One Pagefind service process, to make any number of bundles one after the other.

    Use as a context manager: the process ends with the block (and with the build: it is
    started bound to this process, see ``parallel.bound_command``).
    """

    def __init__(self) -> None:
        binary = executable()
        if binary is None:
            raise IndexerError("Pagefind is not installed")
        self._process = subprocess.Popen(bound_command([str(binary), "--service"]), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._buffer = bytearray()
        self._closed = False

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """End the service (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        process = self._process
        try:
            assert process.stdin is not None
            process.stdin.close()  # the service ends when its input does
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            assert process.stdout is not None
            process.stdout.close()

    def write_bundle(self, records: Sequence[IndexRecord], folder: Path) -> None:
        """A search bundle of ``records`` written into ``folder`` (made if missing)."""
        index = self._ask({"type": "NewIndex", "config": {}})["index_id"]

        def feed() -> None:
            try:
                for record in records:
                    self._send({"type": "AddRecord", "index_id": index, "url": record.url, "content": record.content,
                                "language": record.language, "meta": record.meta, "filters": record.filters,
                                "sort": record.sort})
                self._flush()
            except OSError:  # the process ended: reading its answers says how
                pass

        writer = threading.Thread(target=feed, name="pagefind-records", daemon=True)
        writer.start()
        try:
            for _ in records:
                self._answer("IndexedFile")
        finally:
            writer.join()
        self._ask({"type": "WriteFiles", "index_id": index, "output_path": str(folder)})
        self._ask({"type": "DeleteIndex", "index_id": index})
        _await_entry(folder / ENTRY_FILE)

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._send(payload)
        self._flush()
        return self._answer(None)

    def _send(self, payload: dict[str, Any]) -> None:
        self._next_id += 1
        message = json.dumps({"message_id": self._next_id, "payload": payload}).encode()
        self._stdin.write(base64.b64encode(message) + b",")

    def _flush(self) -> None:
        self._stdin.flush()

    @property
    def _stdin(self) -> IO[bytes]:
        assert self._process.stdin is not None
        return self._process.stdin

    def _answer(self, expected: str | None) -> dict[str, Any]:
        """The next answer's payload; raises IndexerError for an error or an unexpected answer."""
        raw = next(self._messages(), None)
        if raw is None:
            raise IndexerError(f"Pagefind ended (exit status {self._process.wait()})")
        try:
            payload: dict[str, Any] = json.loads(base64.b64decode(raw))["payload"]
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexerError(f"Pagefind answered something unreadable: {raw[:80]!r}") from exc
        if payload.get("type") == "Error":
            raise IndexerError(f"Pagefind: {payload.get('message', 'failed')}")
        if expected is not None and payload.get("type") != expected:
            raise IndexerError(f"Pagefind answered {payload.get('type')} where {expected} was expected")
        return payload

    def _messages(self) -> Iterator[bytes]:
        """The answers, one at a time (each ends with a comma; base64 has none)."""
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            end = self._buffer.find(b",")
            if end >= 0:
                message = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                yield message
                return
            chunk = stdout.read1(1 << 16)  # type: ignore[attr-defined]
            if not chunk:
                return
            self._buffer += chunk
