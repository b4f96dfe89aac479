"""``newsgen serve``: a preview server over the output folder that reloads open tabs.

Standard-library HTTP on loopback (unless told otherwise), serving only files inside
the output folder, with the site's own ``404.html`` for missing pages. After each
successful rebuild the server sends a server-sent event; a small script, added to
HTML responses on the way out (never to the files on disk, so ``newsgen build``
output never contains it), reloads the tab.
"""
from __future__ import annotations

import posixpath
import sys
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .slugs import site_path

EVENTS_PATH = "/__newsgen/events"
RELOAD_PATH = "/__newsgen/reload.js"
RELOAD_SCRIPT = b"""// newsgen serve: reload this tab after each successful rebuild.
(function () {
  var source = new EventSource("/__newsgen/events");
  source.addEventListener("reload", function () { location.reload(); });
})();
"""
MAX_NAME_BYTES = 255  # the longest file name most file systems allow
RELOAD_TAG = f'<script src="{RELOAD_PATH}"></script>'.encode()


class ReloadHub:
    """Counts successful rebuilds and wakes the event streams waiting for the next one."""

    def __init__(self) -> None:
        self.generation = 0
        self.closed = False
        self._changed = threading.Condition()

    def reload(self) -> None:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return self.generation


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the output folder, maps the site's base path, injects the reload script."""

    server_version = "newsgen-serve"

    def __init__(self, *args: Any, root: Path, base_path: str, hub: ReloadHub, **kwargs: Any) -> None:
        self.root = root
        self.base_path = base_path
        self.hub = hub
        super().__init__(*args, directory=str(root), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
        pass  # a preview server that prints every request drowns the build messages

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            return self._events()
        if path == RELOAD_PATH:
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT)
        if any(len(segment.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for segment in unquote(path).split("/")):
            return self._send(HTTPStatus.REQUEST_URI_TOO_LONG, "text/plain; charset=utf-8",
                              b"A part of this address is too long to be a file name.\n")
        file = self._file_for(path)
        if file is None:
            return self._not_found()
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            file = file / "index.html"
            if not file.is_file():
                return self._not_found()
        try:
            data = file.read_bytes()
        except OSError:  # the output is being swapped by a rebuild right now
            return self._not_found()
        ctype = self.guess_type(str(file))
        if ctype == "text/html":
            data = _inject(data)
            ctype = "text/html; charset=utf-8"
        return self._send(HTTPStatus.OK, ctype, data)

    def do_HEAD(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == EVENTS_PATH:
            return self._send(HTTPStatus.OK, "text/event-stream", b"")
        self.do_GET()

    def _file_for(self, path: str) -> Path | None:
        """The file for a request path, or None when it is missing or outside the output folder."""
        inside = site_path(unquote(path), self.base_path)
        if inside is None:
            return None
        path = inside
        if "\x00" in path or "\\" in path:
            return None
        parts = [p for p in posixpath.normpath(path).split("/") if p]
        if any(p in ("..", ".") for p in parts) or ".." in path.split("/"):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            resolved = candidate.resolve()
        except OSError:
            return None
        root = self.root.resolve()
        if resolved != root and root not in resolved.parents:
            return None
        try:
            return candidate if candidate.exists() else None
        except OSError:  # a name the file system refuses (too long, say): not a file of the site
            return None

    def _not_found(self) -> None:
        page = self.root / "404.html"
        try:
            data = _inject(page.read_bytes())
        except OSError:
            data = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", data)

    def _send(self, status: HTTPStatus, ctype: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.hub.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.hub.closed:
                now = self.hub.wait(seen, timeout=15)
                if now != seen:
                    seen = now
                    self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:  # the tab went away
            pass


def _inject(html: bytes) -> bytes:
    """The page with the reload script before ``</body>`` (or at the end)."""
    at = html.rfind(b"</body>")
    return html[:at] + RELOAD_TAG + html[at:] if at >= 0 else html + RELOAD_TAG


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # the standard library's backlog is 5: a search page asking for several index segments at once
    # (each its script, WebAssembly and index files) on a busy machine found connections refused
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client went away early (a closed tab, a reload, an aborted download);
        anything else is printed as the standard library does."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipeError, ConnectionResetError, ...
            return
        super().handle_error(request, client_address)


def make_server(root: Path, host: str, port: int, base_path: str, hub: ReloadHub) -> PreviewServer:
    """A preview server bound to (host, port); port 0 picks a free one."""
    handler = partial(PreviewHandler, root=root, base_path=base_path, hub=hub)
    return PreviewServer((host, port), handler)
