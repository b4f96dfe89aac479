"""Links from one article to another by its file: Jekyll's ``{% post_url %}`` and ``{% link %}``,
Hugo's ``{{< ref >}}`` and ``{{< relref >}}``.

Such a link names the other article's source, not its address, so it survives a change of
permalink pattern; an archive moved in is full of them. While a body is read, ``shortcodes``
writes each as ``newsgen-ref:<target>`` (an article is read alone, and cannot know another's
address); once every article is read, :func:`resolve_references` puts the target's address in
its place, the translation in the article's own language first, or '#' and a problem naming the
file and line (as a broken link is one, under ``broken_links``).
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import replace
from typing import Callable, Iterable
from urllib.parse import unquote

from .bundles import BUNDLE_INDEX, SECTION_PAGE
from .errors import Problem
from .inputs import SOURCE_SUFFIXES
from .model import Article, pack_body
from .shortcodes import REF_SCHEME

_BUNDLE_PAGES = (f"/{BUNDLE_INDEX}", f"/{SECTION_PAGE}")  # a bundle's page answers to its folder's name
_REF = re.compile(re.escape(REF_SCHEME) + r"""([^"'\s<>]*)""")


def names_of(article: Article) -> set[str]:
    """The names a reference may give an article by: its path under content/ with or without the
    suffix ('blog/2015-02-25-hiring.md', 'blog/2015-02-25-hiring'), a page bundle's folder
    ('blog/2023/otel' for blog/2023/otel/index.md), and the last part alone ('2015-02-25-hiring',
    'otel'), each also without a language folder or suffix (a translation answers to its original's)."""
    names: set[str] = set()
    for key in {article.key, article.translation_key}:
        path = key.partition("/")[2]  # without content/
        names.add(path)
        stem = _without_suffix(path)
        if stem.endswith(_BUNDLE_PAGES):
            stem = stem.rsplit("/", 1)[0]
        names.update((stem, stem.rsplit("/", 1)[-1]))
    return names


def resolve_references(articles: list[Article], base_path: str, severity: str,
                       line_of: Callable[[str, str], int]) -> tuple[list[Article], dict[str, list[str]], list[Problem]]:
    """``articles`` with every reference replaced by the address it names (with the base path);
    the addresses each article's references resolved to (a page showing the article changes
    when one of them does); a problem for each reference that names no article, at its line."""
    referring = [a for a in articles if a.refers]
    if not referring:
        return articles, {}, []
    index: dict[str, list[Article]] = {}
    for article in articles:
        for name in names_of(article):
            index.setdefault(name, []).append(article)
    resolved: dict[str, Article] = {}
    targets: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for article in referring:
        found: list[str] = []

        def address(match: re.Match[str]) -> str:
            written = unquote(match.group(1))
            target = _lookup(written, article, index)
            if target is None:
                problems.append(Problem(article.key, line_of(article.key, written.partition("#")[0]), 0, "",
                                        f"the link to '{written}' names no article of the site",
                                        "write the other article's file as it is under content/ (2015-02-25-hiring, "
                                        "blog/2023/otel/index.md) or its address", severity))
                return "#"
            anchor = written.partition("#")[2]
            found.append(target.url)
            return html.escape(base_path + target.url + (f"#{anchor}" if anchor else ""))

        resolved[article.key] = replace(article, packed_body=pack_body(_REF.sub(address, article.html)))
        targets[article.key] = found
    return [resolved.get(a.key, a) for a in articles], targets, problems


def _lookup(written: str, article: Article, index: dict[str, list[Article]]) -> Article | None:
    """The article a reference names: relative to the referring article's folder first (Hugo's
    relref), then from content/; in the referring article's language when several answer."""
    name = written.partition("#")[0].strip()
    name = name.removeprefix("./").strip("/").removeprefix("_posts/")
    name = _without_suffix(name)
    if name.endswith(_BUNDLE_PAGES):
        name = name.rsplit("/", 1)[0]
    if not name:
        return None
    folder = posixpath.dirname(article.key.partition("/")[2])
    for candidate in (posixpath.normpath(posixpath.join(folder, name)), name):
        found = index.get(candidate, [])
        own = [a for a in found if a.lang == article.lang]
        if len(own) == 1:
            return own[0]
        if len(found) == 1:
            return found[0]
    return None


def has_references(articles: Iterable[Article]) -> bool:
    """Whether any of ``articles`` links to another by its file: such links wait for every article."""
    return any(a.refers for a in articles)


def _without_suffix(path: str) -> str:
    for suffix in SOURCE_SUFFIXES:
        if path.endswith(suffix):
            return path[:-len(suffix)]
    return path
