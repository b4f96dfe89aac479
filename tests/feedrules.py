"""The W3C Feed Validator's rules that matter for newsgen's feeds, written out as a checker.

The validator behind validator.w3.org/feed is on neither PyPI nor Debian, so it cannot
be installed here. These are its checks that a news site's RSS 2.0 and Atom feeds can
trip over (RFC 4287, the RSS 2.0 specification, RFC 822/3339 dates), each reported
under the name of the validator's own message, so that a failure reads like the online
service's: ``line N: MessageName: detail``. Feedparser, which the tests also run, checks
well-formedness the way readers do; this checks what readers assume.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_tz, mktime_tz

from lxml import etree
from lxml import html as lxml_html

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# attributes of HTML that hold URLs (srcset holds several, each followed by a size)
URL_ATTRIBUTES = ("href", "src", "poster", "cite", "action", "background", "longdesc", "usemap", "data")
OLDEST = datetime(1990, 1, 1, tzinfo=timezone.utc)  # the validator's ImplausibleDate bounds


def feed_messages(data: bytes, url: str) -> list[str]:
    """Every rule broken by the feed served at ``url``; [] for a feed the validator passes."""
    messages: list[str] = []

    def say(element: etree._Element | None, name: str, detail: str = "") -> None:
        line = element.sourceline if element is not None else 0
        messages.append(f"line {line}: {name}" + (f": {detail}" if detail else ""))

    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: XML parsing error: {exc.msg}"]
    if root.tag == "rss":
        _check_rss(root, url, say)
    elif root.tag == f"{{{ATOM}}}feed":
        _check_atom(root, url, say)
    else:
        say(root, "UnknownFeedType", root.tag)
    return messages


def _check_rss(root: etree._Element, url: str, say) -> None:  # noqa: ANN001
    if root.get("version") != "2.0":
        say(root, "InvalidVersion", str(root.get("version")))
    channel = root.find("channel")
    if channel is None:
        say(root, "MissingElement", "channel")
        return
    for name in ("title", "link", "description"):
        _one(channel, name, say, required=True)
    _full_link(channel.find("link"), say)
    for name in ("lastBuildDate", "pubDate"):
        _rfc822(channel.find(name), say)
    _self_link(channel, url, say, "MissingAtomSelfLink")
    guids = set()
    for item in channel.iter("item"):
        if item.find("title") is None and item.find("description") is None:
            say(item, "ItemMustContainTitleOrDescription")
        for name in ("title", "link", "description", "guid", "pubDate"):
            _one(item, name, say, required=False)
        _full_link(item.find("link"), say)
        guid = item.find("guid")
        if guid is not None:
            if guid.get("isPermaLink", "true") == "true" and not _absolute(guid.text or ""):
                say(guid, "InvalidHttpGUID", guid.text or "")
            if guid.text in guids:
                say(guid, "DuplicateItem", guid.text or "")
            guids.add(guid.text)
        _rfc822(item.find("pubDate"), say)
        author = item.find("author")
        if author is not None and not re.match(r"^[^@\s]+@[^@\s]+\.\w+", author.text or ""):
            say(author, "InvalidContact", author.text or "")  # RSS's author is an e-mail address
        for creator in item.findall(f"{{{DC}}}creator"):
            _not_blank(creator, say)
        for name in ("description", f"{{{CONTENT}}}encoded"):
            body = item.find(name)
            if body is not None and body.text:
                _no_relative_references(body, body.text, say)


def _check_atom(root: etree._Element, url: str, say) -> None:  # noqa: ANN001
    def atom(name: str) -> str:
        return f"{{{ATOM}}}{name}"

    for name in ("id", "title", "updated"):
        _one(root, atom(name), say, required=True)
    _iri(root.find(atom("id")), say)
    _rfc3339(root.find(atom("updated")), say)
    _self_link(root, url, say, "MissingSelf")
    feed_author = _authors(root, say)
    ids = set()
    for entry in root.iter(atom("entry")):
        for name in ("id", "title", "updated"):
            _one(entry, atom(name), say, required=True)
        _one(entry, atom("published"), say, required=False)
        _iri(entry.find(atom("id")), say)
        if entry.findtext(atom("id")) in ids:
            say(entry, "DuplicateEntries", entry.findtext(atom("id")) or "")
        ids.add(entry.findtext(atom("id")))
        _rfc3339(entry.find(atom("updated")), say)
        _rfc3339(entry.find(atom("published")), say)
        if not _authors(entry, say) and not feed_author:
            say(entry, "MissingAuthor", "an entry needs an author when its feed names none")
        links = entry.findall(atom("link"))
        content = entry.find(atom("content"))
        if content is None and not any(link.get("rel", "alternate") == "alternate" for link in links):
            say(entry, "MissingAlternateLink")
        for link in links:
            if not _absolute(link.get("href") or ""):
                say(link, "ContainsRelRef", link.get("href") or "")
        for name in ("content", "summary"):
            text = entry.find(atom(name))
            if text is not None and text.get("type") == "html" and text.text:
                _no_relative_references(text, text.text, say)


def _authors(parent: etree._Element, say) -> bool:  # noqa: ANN001
    found = False
    for author in parent.findall(f"{{{ATOM}}}author"):
        name = author.find(f"{{{ATOM}}}name")
        if name is None:
            say(author, "MissingElement", "name")
        else:
            _not_blank(name, say)
        uri = author.find(f"{{{ATOM}}}uri")
        if uri is not None and not _absolute(uri.text or ""):
            say(uri, "InvalidFullLink", uri.text or "")
        found = True
    return found


def _one(parent: etree._Element, name: str, say, required: bool) -> None:  # noqa: ANN001
    found = parent.findall(name)
    local = etree.QName(name).localname
    if not found and required:
        say(parent, "MissingElement", local)
    if len(found) > 1:
        say(found[1], "DuplicateElement", local)
    for element in found:
        _not_blank(element, say)


def _not_blank(element: etree._Element, say) -> None:  # noqa: ANN001
    if not (element.text or "").strip() and len(element) == 0:
        say(element, "NotBlank", etree.QName(element).localname)


def _absolute(reference: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", reference.strip()))


def _full_link(element: etree._Element | None, say) -> None:  # noqa: ANN001
    if element is not None and not re.match(r"^https?://[^/\s]+", (element.text or "").strip()):
        say(element, "InvalidFullLink", element.text or "")


def _iri(element: etree._Element | None, say) -> None:  # noqa: ANN001
    if element is not None and (not _absolute(element.text or "") or " " in (element.text or "").strip()):
        say(element, "InvalidIRI", element.text or "")


def _self_link(parent: etree._Element, url: str, say, missing: str) -> None:  # noqa: ANN001
    selves = [link for link in parent.findall(f"{{{ATOM}}}link") if link.get("rel") == "self"]
    if not selves:
        say(parent, missing)
    for link in selves:
        if link.get("href") != url:
            say(link, "SelfDoesntMatchLocation", f"{link.get('href')} is served at {url}")


def _plausible(element: etree._Element, moment: datetime, say) -> None:  # noqa: ANN001
    tomorrow = datetime.fromtimestamp(time.time(), timezone.utc) + timedelta(days=1)
    if not OLDEST <= moment <= tomorrow:
        say(element, "ImplausibleDate", element.text or "")


def _rfc822(element: etree._Element | None, say) -> None:  # noqa: ANN001
    if element is None:
        return
    text = (element.text or "").strip()
    parsed = parsedate_tz(text)
    if parsed is None or not re.match(r"^(\w{3}, )?\d{1,2} \w{3} \d{4} \d\d:\d\d(:\d\d)? ([+-]\d{4}|GMT|UT|Z)$", text):
        say(element, "InvalidRFC2822Date", text)
        return
    moment = datetime.fromtimestamp(mktime_tz(parsed), timezone.utc)
    if "," in text and datetime(*parsed[:3]).strftime("%a") != text[:3]:  # the date as written, in its own zone
        say(element, "IncorrectDOW", text[:3])
    _plausible(element, moment, say)


def _rfc3339(element: etree._Element | None, say) -> None:  # noqa: ANN001
    if element is None:
        return
    text = (element.text or "").strip()
    if not RFC3339.match(text):
        say(element, "InvalidRFC3339Date", text)
        return
    _plausible(element, datetime.fromisoformat(text.replace("Z", "+00:00")), say)


def _no_relative_references(element: etree._Element, markup: str, say) -> None:  # noqa: ANN001
    """HTML in a feed is read away from its page, so every URL in it must be absolute."""
    try:
        tree = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        references = [node.get(name) for name in URL_ATTRIBUTES if node.get(name) is not None]
        if node.get("srcset"):
            references += [part.split()[0] for part in node.get("srcset").split(",") if part.strip()]
        for reference in references:
            if not _absolute(reference):
                say(element, "ContainsRelRef", reference)
