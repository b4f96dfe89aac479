"""A small internal-link checker for built sites, used by the tests.

Parses every HTML file with the standard library, collects href/src values that
point inside the site (root-relative, honouring a base path, or relative), and
reports the ones that no file in the output serves.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def page_url(output: Path, file: Path, base_path: str = "") -> str:
    rel = file.relative_to(output).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return f"{base_path}/{rel}"


def resolves(output: Path, path: str, base_path: str = "") -> bool:
    """True when a site path (with the base path) is served by a file in ``output``."""
    if base_path:
        if not path.startswith(base_path + "/"):
            return False
        path = path[len(base_path):]
    target = output / unquote(path).lstrip("/")
    if path.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def broken_links(output: Path, base_path: str = "") -> list[tuple[str, str]]:
    """(page, link) pairs whose internal link does not resolve inside ``output``."""
    broken = []
    for file in sorted(output.rglob("*.html")):
        parser = _Links()
        parser.feed(file.read_text(encoding="utf-8"))
        here = page_url(output, file, base_path)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")):
                continue
            path = parts.path
            if not path.startswith("/"):
                path = str(PurePosixPath(here if here.endswith("/") else here.rsplit("/", 1)[0] + "/") / path)
                if parts.path.endswith("/"):
                    path += "/"
            if not resolves(output, path, base_path):
                broken.append((file.relative_to(output).as_posix(), link))
    return broken
