"""Markdown bodies to HTML: one converter per process, summaries and reading time.

Python-Markdown instances are expensive to build and cheap to ``reset()``, so a
:class:`MarkupRenderer` is made once per process and reused. Bodies are never run
through Jinja: template tags (newsgen's shortcodes, and those written for other
generators: ``{% image %}``, ``{{ site.baseurl }}``) are read by ``shortcodes`` first.
"""
from __future__ import annotations

import hashlib
import html
import re
import sys
import xml.etree.ElementTree as etree
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .links import rewrite_urls
from .shortcodes import REF_SCHEME, TOKEN, Note, Shortcodes, templates_digest

WORDS_PER_MINUTE = 220
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese) are
# read by the character: about 500 a minute for Japanese and Chinese readers, so each character
# counts as this share of a word, and a translation's reading time stays close to its original's.
CHARACTERS_PER_MINUTE = 500
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                       "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_UNSPACED_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff65]")  # 。、「」 and full-width marks: not words


def word_count(text: str) -> int:
    """Words for reading time: spaced words, plus characters of unspaced scripts as their share of a word."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    spaced = _UNSPACED_PUNCTUATION.sub(" ", _UNSPACED.sub(" ", text))
    return len(spaced.split()) + round(unspaced * WORDS_PER_MINUTE / CHARACTERS_PER_MINUTE)
EXTENSIONS = ("extra", "toc", "sane_lists")
LINKS_VERSION = 6  # how newsgen rewrites links and expands shortcodes in bodies (and counts words): cached bodies of another version are rendered again
_PLACEHOLDER = re.compile(f"\x02[^\x03]*\x03|{TOKEN}\\d+{TOKEN}")  # Markdown's, and shortcodes' (no text)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A body as HTML plus what listings need from it."""

    html: str
    first_paragraph: str  # plain text, '' if the body has no text paragraph
    words: int
    notes: tuple[Note, ...] = ()  # what its template tags tell the editor (see shortcodes)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"')


def image_sources(body_html: str) -> tuple[str, ...]:
    """The ``src`` of every ``<img>`` in a rendered body (raw HTML images included), unescaped."""
    if "<" not in body_html:
        return ()
    found = (_SRC.search(tag) for tag in _IMG.findall(body_html))
    return tuple(html.unescape(src.group(1)) for src in found if src)


def with_base_path(base_path: str) -> Callable[[str, str, str], str]:
    """The rewrite (see ``links.rewrite_urls``) that puts the base path before a root-relative link."""
    def rewrite(tag: str, attribute: str, url: str) -> str:
        return base_path + url if url.startswith("/") and not url.startswith("//") else url
    return rewrite


class _SiteLinks(Treeprocessor):
    """Prefix root-relative links and images with the site's base path ('/news').

    An editor writes ``[story](/energy/tapi/)`` or ``<a href='/energy/tapi/'>``; on a
    site served under ``https://example.org/news/`` that link must become
    ``/news/energy/tapi/``. Markdown's own elements are in the tree; raw HTML waits in
    Markdown's stash, as text, until the end, and is rewritten there with an HTML
    parser (any quoting, ``srcset``, ``poster``). Also records the first paragraph's
    plain text for the default summary.
    """

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path
        self.first_paragraph = ""

    def run(self, root: etree.Element) -> None:
        self.first_paragraph = ""
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value and value.startswith("/") and not value.startswith("//") and self.base_path:
                    el.set(attr, self.base_path + value)
            if el.tag == "p" and not self.first_paragraph:
                text = _PLACEHOLDER.sub("", "".join(el.itertext()))
                self.first_paragraph = " ".join(text.split())
        if self.base_path:
            stash = self.md.htmlStash.rawHtmlBlocks
            for number, block in enumerate(stash):
                if isinstance(block, str):
                    stash[number] = rewrite_urls(block, with_base_path(self.base_path))


class _SiteLinksExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path
        self.processor: _SiteLinks | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        self.processor = _SiteLinks(md, self.base_path)
        # after inline patterns (priority 20) so that links exist; before prettify (10)
        md.treeprocessors.register(self.processor, "newsgen_site_links", 15)


def settings_key(base_path: str = "", shortcodes: tuple[tuple[str, str], ...] = ()) -> str:
    """What rendered Markdown depends on besides the body: cached bodies are kept under it.

    A function of its own so that a build with nothing to convert need not make a
    Markdown converter (about 40 ms with its extensions) to learn it.
    """
    return hashlib.sha256(repr((EXTENSIONS, LINKS_VERSION, base_path, markdown.__version__,
                                templates_digest(shortcodes))).encode()).hexdigest()[:16]


def _extensions() -> list[Extension]:
    """:data:`EXTENSIONS` as instances, "extra" as the seven it stands for, in its order.

    Python-Markdown finds an extension named by a string among every installed package's
    entry points, which takes longer than rendering the one body a rebuild after an edit
    renders; instances skip that search and make the same HTML."""
    from markdown.extensions.abbr import AbbrExtension
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.def_list import DefListExtension
    with _pygments_unseen():
        from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.md_in_html import MarkdownInHtmlExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension
    from markdown.extensions.toc import TocExtension

    assert EXTENSIONS == ("extra", "toc", "sane_lists"), "the instances below say the same"
    extra = [FencedCodeExtension(), FootnoteExtension(), AttrListExtension(), DefListExtension(), TableExtension(),
             AbbrExtension(), MarkdownInHtmlExtension()]
    return [*extra, TocExtension(slugify=slugify_unicode, permalink=False), SaneListExtension()]


@contextmanager
def _pygments_unseen() -> Iterator[None]:
    """Python-Markdown's fenced code imports its codehilite module, which imports Pygments
    where it is installed (pytest, IPython and rich bring it along): 25 ms through
    ``importlib.metadata``, a twentieth of an edit's build, although only the codehilite
    extension highlights with it, and newsgen does not register it (code blocks keep their
    ``language-*`` class for the theme). So Pygments is made to look absent meanwhile;
    codehilite alone, never used here, notices."""
    if "pygments" in sys.modules:  # imported already: nothing to spare
        yield
        return
    sys.modules["pygments"] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("pygments", False) is None:
            del sys.modules["pygments"]


class MarkupRenderer:
    """Renders Markdown bodies; build one per process and call :meth:`render` many times."""

    def __init__(self, base_path: str = "", shortcodes: tuple[tuple[str, str], ...] = ()) -> None:
        self._links = _SiteLinksExtension(base_path)
        self._shortcodes = Shortcodes(shortcodes)
        self._base_path = base_path
        self._md = markdown.Markdown(extensions=[*_extensions(), self._links], output_format="html")
        self.settings_key = settings_key(base_path, shortcodes)

    def render(self, body: str, front: Mapping[str, Any] | None = None) -> Rendered:
        """``body`` as HTML; ``front``, the article's front matter, is what ``{{% param %}}`` reads."""
        expanded = self._shortcodes.expand(body, front)
        html = self._md.reset().convert(expanded.text)
        if expanded.fragments:
            fragments = expanded.fragments
            if self._base_path:  # a shortcode's links are the site's, as a body's are
                fragments = tuple(rewrite_urls(f, with_base_path(self._base_path)) for f in fragments)
            html = self._shortcodes.insert(html, fragments)
        first = self._links.processor.first_paragraph if self._links.processor else ""
        if REF_SCHEME in first:  # a link by file written bare: its address is not known yet, and no summary's
            first = " ".join(re.sub(re.escape(REF_SCHEME) + r"\S*", "", first).split())
        return Rendered(html, first, word_count(_PLACEHOLDER.sub(" ", expanded.text)), expanded.notes)



def plain_summary(text: str, limit: int = 300) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.–—-")
    return cut + "…"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the control characters that XML 1.0 cannot carry (feeds, sitemaps)."""
    return _NOT_XML.sub("", text)


class CachedMarkup:
    """A :class:`MarkupRenderer` in front of a cache of rendered bodies.

    The cache is keyed by the body's hash plus the renderer's settings, so an edit to
    an article's front matter alone, or a change of site settings that leaves Markdown
    alone, reuses the HTML. ``fresh`` collects what was rendered, to be stored.
    """

    def __init__(self, renderer: MarkupRenderer, lookup: Callable[[str], Rendered | None]) -> None:
        self.renderer = renderer
        self.lookup = lookup
        self.fresh: dict[str, Rendered] = {}

    def key(self, body: str, front: Mapping[str, Any] | None = None) -> str:
        """The cache key of a body; with template tags, the front matter they may read is part of it."""
        read = repr(sorted((k, repr(v)) for k, v in front.items())) if front and "{" in body else ""
        return hashlib.blake2b((body + read).encode("utf-8", "surrogatepass") + self.renderer.settings_key.encode(),
                               digest_size=16).hexdigest()

    def render(self, body: str, front: Mapping[str, Any] | None = None) -> Rendered:
        key = self.key(body, front)
        found = self.fresh.get(key) or self.lookup(key)
        if found is None:
            found = self.renderer.render(body, front)
            self.fresh[key] = found
        return found
