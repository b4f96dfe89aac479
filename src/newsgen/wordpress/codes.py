"""WordPress's shortcodes and auto-embeds in a post's HTML, turned into HTML newsgen's converter reads.

WordPress runs ``[caption]``, ``[gallery]``, ``[embed]``, ``[video]`` and ``[audio]`` when it
shows a post, and turns a media URL alone on its line into the provider's player. A static
site has neither, so before the HTML becomes Markdown:

- ``[caption]`` becomes ``<figure>`` with ``<figcaption>`` (the block editor's own form,
  which ``body`` then reads one way for both);
- ``[gallery]`` becomes ``<div data-wp-gallery="id,id">`` with the attachments it shows (its
  ``ids``, else the images attached to the post, as WordPress picks them);
- ``[embed]``, ``[video]``, ``[audio]`` and a bare URL on its line become
  ``<div data-wp-embed="URL">``, which ``body`` turns into newsgen's ``youtube``, ``vimeo``
  or ``tweet`` shortcode, or a plain link;
- any other shortcode is one only when it looks like one (attributes, a closing tag, or
  ``[name /]``: ``[sic]`` is text); it is removed (a pair keeps the text between) and
  named in the report, or kept as text when asked.

``[[name]]`` is WordPress's way of writing a shortcode as text: it stays ``[name]``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

MEDIA = ("embed", "video", "audio")
KNOWN = ("caption", "wp_caption", "gallery", *MEDIA)
_OPEN = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])((?:[^\]\[\"']|\"[^\"]*\"|'[^']*')*?)(/?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)""")
_BARE_URL = re.compile(r"^[ \t]*(?:<p>)?[ \t]*(https?://[^\s<>\"]+)[ \t]*(?:</p>)?[ \t]*$", re.M)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>", re.I)


@dataclass
class Shortcodes:
    """What :func:`expand_shortcodes` did to one post: the unknown shortcodes it removed, by name."""

    removed: dict[str, int] = field(default_factory=dict)


def parse_attributes(text: str) -> dict[str, str]:
    """A shortcode's attributes as WordPress's ``shortcode_parse_atts`` reads them; positional ones
    are '0', '1', …"""
    found: dict[str, str] = {}
    position = 0
    for match in _ATTRIBUTE.finditer(html.unescape(text)):
        if match.group(1):
            found[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            found[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            found[match.group(5).lower()] = match.group(6)
        else:
            found[str(position)] = match.group(7) if match.group(7) is not None else match.group(8)
            position += 1
    return found


def expand_shortcodes(text: str, keep_unknown: bool, done: Shortcodes) -> str:
    """``text`` with WordPress's shortcodes replaced (see the module's docstring)."""
    out: list[str] = []
    at = 0
    while True:
        match = _OPEN.search(text, at)
        if match is None:
            out.append(text[at:])
            break
        escaped, name, attributes, self_closing, escaped_end = match.groups()
        lowered = name.lower()
        closing = -1 if self_closing or (escaped and escaped_end) else text.find(f"[/{name}]", match.end())
        looks_like_one = (lowered in KNOWN or closing >= 0 or bool(self_closing) or "=" in attributes)
        if not looks_like_one:
            out.append(text[at:match.start() + 1])
            at = match.start() + 1
            continue
        end = match.end() if closing < 0 else closing + len(name) + 3
        inner = "" if closing < 0 else text[match.end():closing]
        if escaped and escaped_end:  # [[gallery]] is the text [gallery]
            out.append(text[at:match.start()] + match.group(0)[1:-1])
            at = match.end()
            continue
        if escaped and closing >= 0 and text[end:end + 1] == "]":  # [[x]…[/x]] likewise
            out.append(text[at:match.start()] + text[match.start() + 1:end])
            at = end + 1
            continue
        out.append(text[at:match.start()] + escaped)
        at = end
        args = parse_attributes(attributes)
        if lowered in ("caption", "wp_caption"):
            out.append(_caption(args, expand_shortcodes(inner, keep_unknown, done)))
        elif lowered == "gallery":
            ids = args.get("ids") or args.get("include") or ""
            out.append(f'\n\n<div data-wp-gallery="{html.escape(ids)}"></div>\n\n')
        elif lowered in MEDIA:
            url = (inner.strip() if lowered == "embed" else "") or args.get("src") or args.get("url") or next(
                (value for key, value in args.items() if key in ("mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg",
                                                                 "wav", "flv", "wmv")), "")
            out.append(f'\n\n<div data-wp-embed="{html.escape(url)}"></div>\n\n' if url else "")
        elif keep_unknown:
            out.append(match.group(0)[len(escaped):] + (inner + f"[/{name}]" if closing >= 0 else ""))
        else:
            done.removed[lowered] = done.removed.get(lowered, 0) + 1
            out.append(expand_shortcodes(inner, keep_unknown, done))
    return "".join(out)


def _caption(args: dict[str, str], inner: str) -> str:
    """``[caption]<a><img></a> Text[/caption]`` as ``<figure>``: the image (with its link) and the
    caption, from the ``caption`` attribute of older posts or the text after the image."""
    image = _LINKED_IMG.search(inner) or _IMG.search(inner)
    if image is None:
        return inner
    caption = args.get("caption") or (inner[:image.start()] + inner[image.end():]).strip()
    label = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image.group(0)}{label}</figure>\n\n"


def mark_bare_urls(text: str) -> str:
    """Each URL alone on its line (WordPress's auto-embed) as an embed placeholder."""
    return _BARE_URL.sub(lambda m: f'\n<div data-wp-embed="{html.escape(m.group(1))}"></div>\n', text)
