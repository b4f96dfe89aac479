"""Who wrote an article: the people of ``data/authors.yaml``, and bylines written as Markdown links.

Archives name their authors two ways. Jekyll's (the 18F blog) write a handle in front
matter (``authors: [melody]``) and keep the person in a data file; Hugo's (the
OpenTelemetry blog) write the person in the byline itself, as Markdown:
``author: '[Jane Doe](https://github.com/jdoe) (Company), [John Roe](https://github.com/jroe)'``.
Both become :class:`~newsgen.model.Author` values here, one per person:

- a byline with a Markdown link is split at commas, semicolons, ``&`` and ``and`` outside
  the brackets and parentheses; each link is a person with that name and address, text in
  parentheses (an affiliation) is left out, and a piece without a link is a person's name
  (``[Haochao Zhuang](...), Fei Han``). A byline without a link is one name, as before,
  so "Procter and Gamble" stays one author;
- ``data/authors.yaml`` maps a handle to a person (``name``, ``url``, ``bio``, ``photo``,
  ``links``); a handle matches the name written in front matter, or its slug. The author
  page keeps the slug of what front matter says, so naming a person moves no address.

Articles are made with the people (see ``content.load_article``), so the build state's
cached articles are read again when the file changes (``loading.article_settings``): a
byline is on nearly every page (cards, feeds, the author pages), and the file changes
rarely, so the simple rule (a new authors.yaml renders what shows any article again)
costs little and cannot leave a stale byline.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from .errors import Problem, warning
from .frontmatter import shown
from .model import Author
from .slugs import is_web_address, slugify

AUTHORS = "authors"  # data/authors.yaml (or .json): its name among the data files
PERSON_FIELDS = ("name", "url", "bio", "photo", "links")
_LINK = re.compile(r"\[([^\[\]]+)\]\(\s*<?([^()\s<>]+)>?\s*\)")
_AFFILIATION = re.compile(r"\([^()]*\)")
_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.IGNORECASE)
_PLACE = re.compile("\x00(\\d+)\x00")
_URL_HINT = "write an address that starts with https://, e.g. https://github.com/jdoe"


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of ``data/authors.yaml``; empty fields were not given."""

    name: str = ""
    url: str = ""
    bio: str = ""
    photo: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, URL)


@dataclass(frozen=True)
class People:
    """The people of ``data/authors.yaml`` by the slug of their handle (none when there is no file)."""

    by_slug: Mapping[str, Person] = field(default_factory=dict)

    def digest_text(self) -> str:
        """The entries as text: equal texts, equal bylines (part of ``loading.article_settings``)."""
        return repr(sorted(self.by_slug.items()))

    def authors(self, written: list[str], page_url: Callable[[str], str]) -> tuple[Author, ...]:
        """The authors of an article from what its front matter says (each item a handle, a
        name, or a byline of Markdown links), one per person, in the order written; a person
        named twice (by slug) is kept once. ``page_url(slug)`` is the author page's URL."""
        seen: dict[str, Author] = {}
        for item in written:
            for name, link in split_byline(item):
                slug = slugify(name)
                if slug and slug not in seen:
                    seen[slug] = self.author(name, link, slug, page_url(slug))
        return tuple(seen.values())

    def author(self, name: str, link: str, slug: str, page: str) -> Author:
        """The author named ``name`` (with the byline's ``link``), as ``authors.yaml`` describes them."""
        person = self.by_slug.get(slug)
        if person is None:
            return Author(name, slug, page, link)
        return Author(person.name or name, slug, page, person.url or link, person.bio, person.photo, person.links)


NOBODY = People()


def split_byline(text: str) -> list[tuple[str, str]]:
    """The people a byline names, as (name, link): one (text, '') unless it holds a Markdown link.

    ``[Jane Doe](https://github.com/jdoe) (Company) and [John Roe](https://x.org/jr)`` gives
    ('Jane Doe', 'https://github.com/jdoe') and ('John Roe', 'https://x.org/jr'). A link that
    is not an http(s) address gives the name alone.
    """
    if not _LINK.search(text):
        return [(text, "")]
    links: list[tuple[str, str]] = []

    def place(match: re.Match[str]) -> str:
        links.append((" ".join(match.group(1).split()), match.group(2)))
        return f"\x00{len(links) - 1}\x00"

    marked = _LINK.sub(place, text.strip().strip("\"'"))
    while _AFFILIATION.search(marked):  # innermost first: "(Company (Europe))"
        marked = _AFFILIATION.sub(" ", marked)
    people: list[tuple[str, str]] = []
    for piece in _SEPARATOR.split(marked):
        found = [links[int(i)] for i in _PLACE.findall(piece)]
        rest = " ".join(_PLACE.sub(" ", piece).split())
        if found:
            people += [(name, link if is_web_address(link) else "") for name, link in found]
        elif rest:
            people.append((rest, ""))
    return [(name, link) for name, link in people if name]


def read_people(path: str, value: Any, line: Callable[[str], int]) -> tuple[People, list[Problem]]:
    """The people of ``data/authors.yaml`` (``path`` as messages name it, its ``value``, and
    ``line(dotted path)``), and a problem with its line for each entry that cannot be used."""
    problems: list[Problem] = []
    if value is None:
        return NOBODY, problems
    if not isinstance(value, dict):
        problems.append(Problem(path, 1, 0, "", f"must map each author's handle to their details, not {shown(value)}",
                                "write e.g.  melody: {name: Melody Kramer, url: https://example.org/melody}"))
        return NOBODY, problems
    people: dict[str, Person] = {}
    handles: dict[str, str] = {}
    for handle, entry in value.items():
        where = str(handle)
        slug = slugify(where)
        if not slug:
            problems.append(Problem(path, line(where), 0, where, "this handle leaves nothing usable in a web address",
                                    "use the name or handle the articles' front matter gives, e.g. melody"))
            continue
        if slug in handles:
            problems.append(warning(path, line(where), where,
                                    f"names the same author as '{handles[slug]}' (both are /{slug}/); this one is used",
                                    "keep one entry for each person"))
        handles[slug] = where
        person = _person(path, where, entry, line, problems)
        if person is not None:
            people[slug] = person
    return People(people), problems


def _person(path: str, handle: str, entry: Any, line: Callable[[str], int], problems: list[Problem]) -> Person | None:
    if not isinstance(entry, dict):
        problems.append(Problem(path, line(handle), 0, handle, f"must be the author's details, not {shown(entry)}",
                                f"write e.g.  {handle}: {{name: Jane Doe, bio: ...}}"))
        return None
    texts: dict[str, str] = {}
    for key, item in entry.items():
        at = f"{handle}.{key}"
        name = str(key)
        if name not in PERSON_FIELDS:
            close = difflib.get_close_matches(name, PERSON_FIELDS, n=1, cutoff=0.6)
            problems.append(warning(path, line(at), at, "is not something newsgen knows about an author; it is left out",
                                    f"did you mean '{close[0]}'?" if close else "use " + ", ".join(PERSON_FIELDS)))
        elif name == "links":
            continue
        elif item is None or (isinstance(item, str) and not item.strip()):
            continue  # left empty: not given
        elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
            problems.append(Problem(path, line(at), 0, at, f"must be text, not {shown(item)}",
                                    f"write it on one line: {name}: ..."))
        else:
            texts[name] = " ".join(str(item).split())
    for name in ("url", "photo"):
        text = texts.get(name, "")
        if text and not is_web_address(text) and not (name == "photo" and text.startswith("/")):
            hint = ("write a file under static/ as /images/jdoe.jpg, or an address that starts with https://"
                    if name == "photo" else _URL_HINT)
            problems.append(Problem(path, line(f"{handle}.{name}"), 0, f"{handle}.{name}",
                                    f"'{text}' is not an absolute web address", hint))
            texts[name] = ""
    return Person(texts.get("name", ""), texts.get("url", ""), texts.get("bio", ""), texts.get("photo", ""),
                  _links(path, handle, entry.get("links"), line, problems))


def _links(path: str, handle: str, value: Any, line: Callable[[str], int],
           problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """The profiles of ``links:``: a list of addresses (each labelled by its host) or a mapping
    of label to address; a bad address is a problem with its line."""
    at = f"{handle}.links"
    if value is None:
        return ()
    items: list[tuple[str, str, Any]]  # (where, label, address); a list's labels are the addresses' hosts
    if isinstance(value, list):
        items = [(str(i), "", item) for i, item in enumerate(value)]
    elif isinstance(value, dict):
        items = [(str(label), str(label), item) for label, item in value.items()]
    else:
        problems.append(Problem(path, line(at), 0, at, f"must be a list of addresses, not {shown(value)}",
                                "write e.g.  links: [https://github.com/jdoe, https://mastodon.social/@jdoe]"))
        return ()
    links: list[tuple[str, str]] = []
    for key, label, item in items:
        text = item.strip() if isinstance(item, str) else ""
        if not is_web_address(text):
            shown_item = f"'{text}'" if text else shown(item)
            problems.append(Problem(path, line(f"{at}.{key}"), 0, at, f"{shown_item} is not an absolute web address",
                                    _URL_HINT))
            continue
        host = urlsplit(text).netloc
        links.append((label or (host[4:] if host.startswith("www.") else host), text))
    return tuple(links)
