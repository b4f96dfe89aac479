"""WordPress's ``wpautop``: the paragraphs a classic post's blank lines meant.

Posts written in WordPress's classic editor are stored without ``<p>`` tags: WordPress adds
them at display time (``wpautop`` in ``wp-includes/formatting.php``), turning blank lines
into paragraphs and single line breaks into ``<br />``, and leaving block-level HTML alone.
No maintained Python package does this, and an approximation (split at blank lines) breaks
posts that mix lists, tables and text the way WordPress renders them, so this is a port of
the function's rules, in their order. Content of the block editor (it has ``<!-- wp:``
comments) carries its own ``<p>`` tags and is not passed through here, as in WordPress.
"""
from __future__ import annotations

import re

_ALL_BLOCKS = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
               r"blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|"
               r"nav|figure|figcaption|details|menu|summary)")
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.S | re.I)
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.I)
_BLOCK_OPEN = re.compile(r"(<" + _ALL_BLOCKS + r"[\s/>])", re.I)
_BLOCK_CLOSE = re.compile(r"(</" + _ALL_BLOCKS + r">)", re.I)
_HR = re.compile(r"(<hr\s*?/?>)", re.I)
_TAG = re.compile(r"<[^<>]*>")
_SPLIT = re.compile(r"\n\s*\n")
_NEWLINE_KEPT = re.compile(r"<(script|style|svg|math).*?</\1>", re.S | re.I)
_WPNL = " <!-- wpnl --> "


def wpautop(text: str) -> str:
    """``text`` with paragraphs and line breaks as WordPress displays a classic post; '' for blank text."""
    if not text.strip():
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}

    def keep_pre(match: re.Match[str]) -> str:
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = match.group(0)
        return name

    text = _PRE.sub(keep_pre, text)
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub(lambda m: "\n\n" + m.group(1), text)
    text = _BLOCK_CLOSE.sub(lambda m: m.group(1) + "\n\n", text)
    text = _HR.sub(lambda m: m.group(1) + "\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAG.sub(lambda m: m.group(0).replace("\n", _WPNL), text)  # line breaks inside tags are no paragraphs
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in _SPLIT.split(text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _ALL_BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + _ALL_BLOCKS + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + _ALL_BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = _NEWLINE_KEPT.sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(r"(</?" + _ALL_BLOCKS + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, block in pre_tags.items():
        text = text.replace(name, block)
    return text.replace(_WPNL, "\n").replace(_WPNL.strip(), "\n")
