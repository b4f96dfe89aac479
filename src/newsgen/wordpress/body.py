"""A WordPress post's content as clean Markdown for a newsgen article.

The steps, in the order WordPress itself applies them when it shows a post: block-editor
comments out; shortcodes and bare media URLs (``codes``); paragraphs for classic content
(``autop``); then links and media addresses rewritten (``relink``, the caller's rule) and
the HTML converted to Markdown.

The converter is markdownify, subclassed: it is MIT-licensed like newsgen (html2text is
GPL-3.0, which a MIT package cannot take on), built on BeautifulSoup, and every element's
conversion is a method, so the few things Markdown cannot say are kept as HTML by
overriding one method each: tables with merged cells or blocks in their cells, iframes
that are no known player, audio and video, figures whose caption has markup. What is kept
is cleaned to attributes that are valid HTML today (WordPress writes ``frameborder``,
``align``, inline styles). Known players become newsgen's shortcodes (``youtube``,
``vimeo``, ``tweet``), captions the ``figure`` shortcode, galleries the ``gallery`` one.

Text is data to newsgen: anything in it that newsgen would read as a template tag (``{{``,
``{%``) is wrapped in ``{% raw %}``, and Markdown's own marks are escaped, backslashes
first, so a post's text reaches the page exactly as it was written.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment
from markdownify import ATX, MarkdownConverter

from .autop import wpautop
from .codes import Shortcodes, expand_shortcodes, mark_bare_urls

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->\n?", re.S)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEMPLATE_TAG = re.compile(r"\{[{%]")
_LINE_START = re.compile(r"(^|\n)([ \t]*)(#|(?:[>+]|-+|=+|\d+[.)])(?=[ \t]|$))")
_MARKUP_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_YOUTUBE = re.compile(r"https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:[^#]*&)?v=|embed/|shorts/|v/)"
                      r"|youtu\.be/)([\w-]{6,})")
_VIMEO = re.compile(r"https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)")
_TWEET = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)")
_ALLOWED = {"href", "src", "alt", "title", "colspan", "rowspan", "scope", "headers", "controls", "poster", "allow",
            "allowfullscreen", "lang", "dir", "datetime", "cite", "width", "height", "type", "loading", "abbr"}
URL_ATTRIBUTES = ("href", "src", "poster")


@dataclass(frozen=True, slots=True)
class Attachment:
    """An uploaded file the export describes (a ``post_type`` attachment): its URL and words for it."""

    post_id: int
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    parent: int = 0


@dataclass(frozen=True)
class BodyContext:
    """What converting one body needs from the rest of the export."""

    attachments: Mapping[int, Attachment]
    attached: Mapping[int, tuple[int, ...]]  # post id -> its attached images, in ID order ([gallery] without ids)
    relink: Callable[[str], str]  # an address in a post -> the one it should have in the site
    keep_unknown: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    """A post's Markdown, and what the report should say about it."""

    markdown: str
    removed: tuple[tuple[str, int], ...] = ()  # unknown shortcodes removed: (name, times)
    kept_html: tuple[str, ...] = ()  # what Markdown could not say and was kept as HTML, once per kind
    fallback: str = ""  # why the whole body stayed HTML ('' when it converted)


def protect(text: str) -> str:
    """``text`` with each ``{{`` and ``{%`` kept from newsgen's template-tag reader."""
    return _TEMPLATE_TAG.sub(lambda m: "{% raw %}" + m.group(0) + "{% endraw %}", text)


def embed(url: str) -> str:
    """Newsgen's shortcode for a media URL (YouTube, Vimeo, a post on X), else a plain link."""
    if match := _YOUTUBE.match(url):
        return f"{{{{< youtube {match.group(1)} >}}}}"
    if match := _VIMEO.match(url):
        return f"{{{{< vimeo {match.group(1)} >}}}}"
    if match := _TWEET.match(url):
        return f'{{{{< tweet user="{match.group(1)}" id="{match.group(2)}" >}}}}'
    return f"<{url}>" if re.fullmatch(r"[^\s<>]+", url) else protect(html.escape(url))


def _escape_marker(match: re.Match[str]) -> str:
    """A Markdown block marker at a line's start as text: '# x' -> '\\# x', '1. x' -> '1\\. x'."""
    marker = match.group(3)
    marker = marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
    return match.group(1) + match.group(2) + marker


def _quoted(value: str) -> str:
    """A shortcode argument: double quotes unless the value has some, then single ones."""
    return f"'{value}'" if '"' in value else f'"{value}"'


def _clean(tag: Tag) -> Tag:
    """``tag`` and its descendants with only attributes valid in today's HTML (see the module's docstring)."""
    for element in [tag, *tag.find_all(True)]:
        for name in list(element.attrs):
            value = element.attrs[name]
            if name not in _ALLOWED or (name in ("width", "height") and not str(value).isdigit()):
                del element.attrs[name]
    return tag


class _Converter(MarkdownConverter):
    """markdownify with WordPress's embeds, figures and galleries, and HTML kept where Markdown falls short."""

    def __init__(self, context: BodyContext, post_id: int, kept: list[str]) -> None:
        super().__init__(heading_style=ATX, bullets="-", escape_underscores=True, escape_asterisks=True,
                         strip_document=None)
        self.context = context
        self.post_id = post_id
        self.kept = kept

    def escape(self, text: str, parent_tags: Any) -> str:
        if not text:
            return ""
        text = text.replace("\\", "\\\\").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")
        text = _MARKUP_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))
        text = _LINE_START.sub(_escape_marker, text)
        return protect(str(getattr(super(), "escape")(text, parent_tags)))  # (markdownify's stub lacks it)

    def _keep(self, el: Tag, kind: str, parent_tags: Any) -> str:
        if kind not in self.kept:
            self.kept.append(kind)
        markup = protect(str(_clean(el)))
        if "_inline" in parent_tags:
            return markup.replace("\n", " ")
        return "\n\n" + re.sub(r"\n\s*\n", "\n", markup) + "\n\n"

    def convert_div(self, el: Tag, text: str, parent_tags: Any) -> str:
        if el.has_attr("data-wp-embed"):
            return "\n\n" + embed(str(el["data-wp-embed"])) + "\n\n"
        if el.has_attr("data-wp-gallery"):
            return self._gallery(str(el["data-wp-gallery"]))
        return str(getattr(super(), "convert_div")(el, text, parent_tags))

    def _gallery(self, ids: str) -> str:
        chosen = [int(i) for i in re.findall(r"\d+", ids)] or list(self.context.attached.get(self.post_id, ()))
        images = [self.context.attachments[i] for i in chosen if i in self.context.attachments]
        if not images:
            return ""
        items = " ".join(_quoted(f"{self.context.relink(a.url)}|{a.alt or a.title}") for a in images)
        return f"\n\n{{{{< gallery {items} >}}}}\n\n"

    def convert_figure(self, el: Tag, text: str, parent_tags: Any) -> str:
        image = el.find("img")
        caption = el.find("figcaption")
        if image is None or el.find(["table", "blockquote", "video", "audio", "iframe"]) is not None:
            return "\n\n" + text.strip() + "\n\n"
        if caption is not None and caption.find(lambda t: t.name not in ("br",)) is not None:
            return self._keep(el, "figure with a formatted caption", parent_tags)
        link = image.parent.get("href", "") if image.parent is not None and image.parent.name == "a" else ""
        words = " ".join(caption.get_text(" ").split()) if caption is not None else ""
        if not words:
            return "\n\n" + str(self.convert_img(image, "", set())) + "\n\n"
        values = {"src": str(image.get("src", "")), "alt": str(image.get("alt", "")) or words, "caption": words,
                  "link": str(link)}
        if any("'" in v and '"' in v for v in values.values()):
            return self._keep(el, "figure with quotes of both kinds in its caption", parent_tags)
        args = " ".join(f"{key}={_quoted(value)}" for key, value in values.items() if value)
        return "\n\n{{< figure " + args + " >}}\n\n"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: Any) -> str:
        return "\n\n" + text.strip() + "\n\n"

    def convert_img(self, el: Tag, text: str, parent_tags: Any) -> str:
        alt = self.escape(str(el.get("alt", "") or ""), set()).replace("\n", " ")
        src = str(el.get("src", "") or "").replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        return f"![{alt}]({src})" if src else ""

    def convert_table(self, el: Tag, text: str, parent_tags: Any) -> str:
        cells = el.find_all(["td", "th"])
        merged = any(c.has_attr("rowspan") or c.has_attr("colspan") for c in cells)
        blocks = any(c.find(["p", "ul", "ol", "table", "pre", "blockquote", "br", "div", "h1", "h2", "h3", "h4"])
                     for c in cells)
        if merged or blocks or el.find("caption") is not None or "_inline" in parent_tags:
            return self._keep(el, "table that Markdown cannot hold", parent_tags)
        return str(getattr(super(), "convert_table")(el, text, parent_tags))

    def convert_iframe(self, el: Tag, text: str, parent_tags: Any) -> str:
        src = str(el.get("src", ""))
        shortcode = embed(src.split("?")[0] if "youtube" in src else src)
        if shortcode.startswith("{{<"):
            return "\n\n" + shortcode + "\n\n"
        return self._keep(el, "iframe", parent_tags)

    def convert_video(self, el: Tag, text: str, parent_tags: Any) -> str:
        return self._keep(el, el.name, parent_tags)

    convert_audio = convert_video
    convert_object = convert_video

    def convert_script(self, el: Tag, text: str, parent_tags: Any) -> str:
        return ""

    convert_noscript = convert_script
    convert_form = convert_script


def convert_body(content: str, post_id: int, context: BodyContext) -> Body:
    """The Markdown of a post's ``content`` (see the module's docstring)."""
    text = _CONTROL.sub("", content.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("<![CDATA[", "&lt;![CDATA[").replace("]]>", "]]&gt;")  # text, as WordPress stored it
    has_blocks = "<!-- wp:" in text
    text = _BLOCK_COMMENT.sub("", text)
    done = Shortcodes()
    text = mark_bare_urls(expand_shortcodes(text, context.keep_unknown, done))
    if not has_blocks:
        text = wpautop(text)
    removed = tuple(sorted(done.removed.items()))
    soup = BeautifulSoup(text, "lxml")  # lxml parses in C: a third of html.parser's time
    for element in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str) and value:
                element[name] = context.relink(value)
        for name in ("srcset", "sizes"):  # newsgen makes its own variants
            element.attrs.pop(name, None)
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):  # <!--more-->, <!--nextpage-->
        comment.extract()
    _relevel_headings(soup)
    kept: list[str] = []
    try:
        markdown = str(_Converter(context, post_id, kept).convert_soup(soup))
    except RecursionError:  # nesting deeper than the converter goes: the HTML itself is still a body
        return Body(protect(str(soup)), removed, (), "nested too deeply to convert; kept as HTML")
    markdown = re.sub(r"(?<! ) \n|[ \t]{3,}\n", "\n", markdown)  # two spaces are a line break
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip("\n")
    return Body(markdown + "\n" if markdown else "", removed, tuple(kept))


def _relevel_headings(soup: BeautifulSoup) -> None:
    """Headings from h2 down, none skipped: the page's headline is its only h1, and a reader of a
    screen reader moves by heading level (WordPress posts often jump from the title to h3)."""
    headings = soup.find_all(re.compile(r"^h[1-6]$"))
    levels = sorted({int(h.name[1]) for h in headings})
    previous = 1
    for heading in headings:
        level = min(2 + levels.index(int(heading.name[1])), previous + 1, 6)
        heading.name = f"h{level}"
        previous = level


def plain_text(fragment: str) -> str:
    """An excerpt or caption as one line of plain text (tags out, entities read, shortcodes out)."""
    done = Shortcodes()
    text = expand_shortcodes(_BLOCK_COMMENT.sub("", fragment), False, done)
    return " ".join(BeautifulSoup(text, "html.parser").get_text(" ").split())
