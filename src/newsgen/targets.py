"""Where a link on a page leads, and whether the site serves it: shared by the build, which checks
the links in article bodies, and ``newsgen check``, which checks every link of every page.

Both must give one verdict (the same problems, the same exit status), so the rules live here once.
"""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
import html as html_text
import re
from typing import Container, Iterable
from urllib.parse import unquote, urlsplit

from .slugs import is_safe_url, output_path, site_path


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name in ("href", "src") or (tag == "meta" and name == "content" and "url=" in value)):
                self.links.append(value.split("url=", 1)[1] if name == "content" else value)


def page_links(html: str) -> list[str]:
    """Every href/src of a page (and a meta refresh target), in document order."""
    parser = _LinkParser()
    parser.feed(html)
    return parser.links


def internal_target(link: str, page_url: str, base: str) -> str | None:
    """The site path a link points to, or None for external links, anchors and data URLs."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if not path.startswith("/"):
        folder = page_url if page_url.endswith("/") else page_url.rsplit("/", 1)[0] + "/"
        path = posixpath.normpath(posixpath.join(folder, path)) + ("/" if path.endswith("/") else "")
    else:
        inside = site_path(path, base)
        return path if inside is None else inside  # outside the base path: certainly not served here
    return path


def is_served(path: str, served: Container[str]) -> bool:
    """Whether the site serves a site path: a page (its output file) or a file as it is."""
    if not is_safe_url(path.replace("//", "/")):
        return False
    try:
        candidate = output_path(path)
    except ValueError:
        return False
    return candidate in served or path.lstrip("/") in served


# a start tag, quoted values and all (a '>' inside quotes does not end it), and its attributes one by one, so
# that text inside a value (alt="set href=/x") is never taken for an attribute: what page_links' parser reads
_TAG = re.compile(r"""<[a-zA-Z][\w:-]*((?:"[^"]*"|'[^']*'|[^'">])*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def body_links(html: str) -> list[str]:
    """Every href/src in an article's body: what :func:`page_links` finds there, at a fraction of
    its cost (a build reads every body; Markdown and editors write plain tags)."""
    found = []
    for attributes in _TAG.findall(html) if "<" in html else ():
        if not ("href" in attributes or "src" in attributes or "HREF" in attributes or "SRC" in attributes):
            continue
        for match in _ATTRIBUTE.finditer(attributes):
            if match.group(1).lower() in ("href", "src"):
                value = next((g for g in match.groups()[1:] if g is not None), None)
                if value:
                    found.append(html_text.unescape(value))
    return found


def site_links(html: str, page_url: str, base: str, images: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """The links of an article's body that lead into the site: each as written and as the site
    path it names, once, in order; its ``images`` are left to the image checks (they have a
    setting of their own). Read once, when the body is rendered (``Article.site_links``): a
    build checks every article's against the pages it makes, and reading every body again
    for it cost a full build 3.6 s at 10,000 articles."""
    skip = set(images)
    found: dict[str, str] = {}
    for link in body_links(html):
        if link in skip or link in found:
            continue
        target = internal_target(link, page_url, base)
        if target is not None:
            found[link] = target
    return tuple(found.items())


def broken_links(links: Iterable[tuple[str, str]], served: Container[str]) -> list[str]:
    """Of an article's ``site_links``, those that lead to no page or file of the site, as written."""
    return [written for written, target in links if not is_served(target, served)]
