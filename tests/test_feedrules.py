"""The feed checker of the tests (``feedrules``) catches what the W3C Feed Validator would.

A checker that passes everything would make the feed tests worthless: each case here is
a feed with one fault that readers or the validator trip over, and the message it must
give; the valid ones must give none.
"""
from __future__ import annotations

import pytest

from feedrules import feed_messages

URL = "https://example.org/feed.xml"
RSS_ITEM = ("<item><title>T</title><link>https://example.org/a/</link><description>{description}</description>"
            "<guid>https://example.org/a/</guid><pubDate>{date}</pubDate></item>")


def rss(item: str = "", self_href: str = URL, channel_date: str = "Fri, 19 Dec 2025 12:00:00 +0000") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>S</title><link>https://example.org/</link><description>D</description>"
            f'<atom:link href="{self_href}" rel="self" type="application/rss+xml"/>'
            f"<lastBuildDate>{channel_date}</lastBuildDate>{item}</channel></rss>").encode()


def atom(entry_author: str = "<author><name>A</name></author>", feed_author: str = "",
         content: str = "&lt;p&gt;x&lt;/p&gt;", updated: str = "2025-12-19T12:00:00Z") -> bytes:
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/</id>'
            f'<title>S</title><updated>{updated}</updated><link href="{URL}" rel="self"/>{feed_author}'
            f"<entry><id>https://example.org/a/</id><title>T</title><updated>{updated}</updated>"
            f'<link href="https://example.org/a/"/>{entry_author}<content type="html">{content}</content></entry>'
            f"</feed>").encode()


def names(data: bytes) -> list[str]:
    return [m.split(": ")[1] for m in feed_messages(data, URL)]


def test_valid_feeds_give_no_message():
    item = RSS_ITEM.format(description="Plain", date="Fri, 19 Dec 2025 12:00:00 +0000")
    assert feed_messages(rss(item), URL) == []
    assert feed_messages(atom(), URL) == []
    assert feed_messages(atom(entry_author="", feed_author="<author><name>P</name></author>"), URL) == []


@pytest.mark.parametrize("data, expected", [
    (atom(entry_author=""), "MissingAuthor"),
    (atom(content="&lt;img src='photo.jpg'&gt;"), "ContainsRelRef"),
    (atom(content="&lt;a href=../x/&gt;x&lt;/a&gt;"), "ContainsRelRef"),
    (atom(content='&lt;img srcset="/a.png 1x, https://e.org/b.png 2x"&gt;'), "ContainsRelRef"),
    (atom(updated="1970-01-01T00:00:00Z"), "ImplausibleDate"),
    (atom(updated="2025-12-19 12:00"), "InvalidRFC3339Date"),
    (rss(RSS_ITEM.format(description="&lt;a href='#fn:1'&gt;1&lt;/a&gt;", date="Fri, 19 Dec 2025 12:00:00 +0000")),
     "ContainsRelRef"),
    (rss(RSS_ITEM.format(description="x", date="Mon, 19 Dec 2025 12:00:00 +0000")), "IncorrectDOW"),
    (rss(RSS_ITEM.format(description="x", date="2025-12-19")), "InvalidRFC2822Date"),
    (rss(channel_date="Thu, 01 Jan 1970 00:00:00 +0000"), "ImplausibleDate"),
    (rss(self_href="https://example.org/other.xml"), "SelfDoesntMatchLocation"),
])
def test_each_fault_gives_the_validators_message(data, expected):
    assert expected in names(data)
