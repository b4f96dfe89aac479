"""URLs in body HTML, found with an HTML parser and rewritten one start tag at a time.

Article bodies hold raw HTML as editors wrote it: attributes in double, single or no
quotes, ``srcset`` lists, ``poster``, entities in URLs. A regular expression over
``href="..."`` misses most of that, so the tags are read by the standard library's
HTML parser, and only a start tag with a URL to change is written again (its
attributes double-quoted and escaped); every other byte of the body stays as it was,
so pages that need no change keep their bytes.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Callable

# Attributes whose value is one URL (HTML's list, less the obsolete ones no body uses).
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "action", "formaction", "background", "longdesc",
                            "usemap", "data", "xlink:href"})
# Attributes whose value is a list of "URL [descriptor]" separated by commas.
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})

UrlMap = Callable[[str, str, str], str]  # (tag, attribute, URL) -> new URL


def rewrite_srcset(tag: str, name: str, value: str, change: UrlMap) -> str:
    """A ``srcset`` with each candidate's URL passed through ``change`` (descriptors kept)."""
    candidates = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            candidates.append(" ".join([change(tag, name, parts[0]), *parts[1:]]))
    return ", ".join(candidates)


class _TagRewriter(HTMLParser):
    def __init__(self, change: UrlMap) -> None:
        super().__init__(convert_charrefs=True)
        self.change = change
        self.edits: list[tuple[tuple[int, int], str, str]] = []  # (line, column), old tag text, new tag text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._rewrite(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._rewrite(tag, attrs, closed=True)

    def _rewrite(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        changed = False
        new_attrs: list[tuple[str, str | None]] = []
        for name, value in attrs:
            new: str | None
            if value is not None and name in URL_ATTRIBUTES:
                new = self.change(tag, name, value.strip())
                new = value if new == value.strip() else new
            elif value is not None and name in SRCSET_ATTRIBUTES:
                new = rewrite_srcset(tag, name, value, self.change)
                new = value if new == ", ".join(" ".join(c.split()) for c in value.split(",") if c.split()) else new
            else:
                new = value
            changed = changed or new != value
            new_attrs.append((name, new))
        if not changed:
            return
        text = "".join(f" {n}" if v is None else f' {n}="{html.escape(v)}"' for n, v in new_attrs)
        self.edits.append((self.getpos(), self.get_starttag_text() or "", f"<{tag}{text}{' /' if closed else ''}>"))


def rewrite_urls(body: str, change: UrlMap) -> str:
    """``body`` with every URL in its tags' attributes replaced by ``change(tag, attribute, url)``.

    ``change`` gets each URL unescaped and returns it unchanged to leave it alone; a
    tag none of whose URLs changed keeps its bytes.
    Text, comments, scripts and styles are never touched.
    """
    if "<" not in body:
        return body
    parser = _TagRewriter(change)
    parser.feed(body)
    parser.close()
    if not parser.edits:
        return body
    line_starts = [0]
    at = body.find("\n")
    while at >= 0:
        line_starts.append(at + 1)
        at = body.find("\n", at + 1)
    pieces: list[str] = []
    done = 0
    for (line, column), old, new in parser.edits:
        start = line_starts[line - 1] + column
        if body.startswith(old, start):
            pieces += [body[done:start], new]
            done = start + len(old)
    pieces.append(body[done:])
    return "".join(pieces)


def urls_in(body: str) -> list[str]:
    """Every URL in the tags of ``body`` (``srcset`` candidates one by one), in document order."""
    found: list[str] = []

    def note(tag: str, name: str, url: str) -> str:
        found.append(url)
        return url

    rewrite_urls(body, note)
    return found
