"""Sources under ``content/`` into :class:`~newsgen.model.Article` values or problems.

Reading front matter (the files are found by ``scan``), checking every field with
the line it sits on, and rendering the body.
A broken file never stops the others: each yields an article or its problems.
"""
from __future__ import annotations

import difflib
import os
import posixpath
import re
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable
from zoneinfo import ZoneInfo

from .config import Config, Language, check_permalink
from .dates import DATE_HINT, RANGE_HINT, is_date_only, read_datetime
from .bundles import bundle_place
from .errors import Problem, warning
from .frontmatter import parse_document
from .markup import MarkupRenderer, image_sources, plain_summary
from .model import Article, Term, pack_body
from .people import NOBODY, People
from .scan import Source
from .shortcodes import REF_SCHEME
from .targets import site_links
from . import urls
from .slugs import (MAX_SLUG_BYTES, article_slug, is_safe_url, is_web_address, normalise_url, slug_as_written,
                    slugify, split_dated_name, tag_slug)

ALIASES = {"author": "authors", "excerpt": "summary", "description": "summary", "lastmod": "updated",
           "aliases": "redirect_from", "language": "lang", "translationKey": "translation_key", "url": "permalink"}
FIELDS = ("title", "date", "section", "slug", "permalink", "tags", "authors", "summary", "image", "image_alt",
          "image_caption", "image_credit", "updated", "draft", "featured", "redirect_from", "lang", "translation_key",
          "canonical_url")
_SECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_TAGS = 100  # each tag adds a listing and two feeds holding the whole article
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never valid in HTML text or in XML feeds


def load_article(source: Source, raw: bytes, config: Config, renderer: MarkupRenderer,
                 people: People = NOBODY) -> tuple[Article | None, list[Problem]]:
    """One source file as an article, or ``None`` and every problem found in it; its authors
    as ``people`` (``data/authors.yaml``) describes them."""
    doc, problems = parse_document(raw, source.key)
    if doc is None:
        return None, problems
    problems = list(doc.warnings)
    fields = _Fields(source.key, doc.data, doc.lines, problems)
    zone = config.zone

    title = fields.text("title", required=True)
    lang, place = _language(source.key, fields, config)  # place: the key without its language
    bundled = bundle_place(place)  # a page bundle's index.md reads as a file named after its folder
    place = bundled or place
    edition = config.edition(lang)
    if edition.timezone:
        zone = ZoneInfo(edition.timezone)
    file_date, stem = split_dated_name(Path(place).stem)
    date = fields.date("date", zone)
    date_only = is_date_only(fields.data.get("date"))
    if date is None and fields.is_blank("date"):  # 'date:' left empty counts as no date
        date = _date_from_name(fields, file_date, stem, zone)
        date_only = True  # a file name gives a day alone
    updated = fields.date("updated", zone)

    section = _section(place, fields)
    own_permalink = _own_permalink(fields)
    slug = _slug(fields, stem, config, edition, own_permalink is not None)
    tags = _terms(fields.text_list("tags"), tag_slug, edition.urls.tag)
    if len(tags) > MAX_TAGS:
        problems.append(Problem(source.key, fields.line("tags"), 0, fields.source_key.get("tags", "tags"),
                                f"has {len(tags):,} tags; an article may have at most {MAX_TAGS}",
                                "keep the tags readers would follow; each tag makes pages and feeds "
                                "that hold the article"))
    authors = people.authors(fields.text_list("authors"), edition.urls.author)
    draft = fields.flag("draft")
    featured = fields.flag("featured")
    redirects = _redirects(fields, edition.prefix)
    canonical_url = _canonical_url(fields)
    extra = {k: v for k, v in doc.data.items() if k not in FIELDS and k not in ALIASES}
    for key in extra:
        close = difflib.get_close_matches(key, (*FIELDS, *ALIASES), n=1, cutoff=0.75)
        if close:
            problems.append(Problem(source.key, doc.lines.get(key, 0), 0, key,
                                    "is not a field newsgen knows; it is kept for templates as article.extra",
                                    f"did you mean '{close[0]}'?", "warning"))

    if any(p.is_error for p in problems) or title is None or date is None or section is None:
        return None, problems

    if own_permalink is None:
        url = edition.prefix + urls.expand_permalink(config.permalink, section, slug, date.astimezone(zone))
    else:
        url = _prefixed(urls.expand_own_permalink(own_permalink, section, slug, date.astimezone(zone)), edition.prefix)
    if not is_safe_url(url):  # a slug such as '..' (never cut or changed by 'slugs: keep')
        problems.append(Problem(source.key, fields.line("slug"), 0, "slug", f'makes the address "{url}", which would '
                                "leave the site's folder", "set slug: with letters or digits, e.g. slug: talks-in-astana"))
        return None, problems
    aliases = tuple(_beside(url, old) if relative else old for old, relative in redirects)
    rendered = renderer.render(_visible_body(doc.body, doc.body_line, source.key, problems), doc.data)
    problems.extend(Problem(source.key, doc.body_line + note.line, 0, note.field, note.message, note.hint, note.severity)
                    for note in rendered.notes)
    if any(note.severity == "error" for note in rendered.notes):
        return None, problems
    summary = fields.text("summary") or plain_summary(rendered.first_paragraph)
    images = image_sources(rendered.html)
    article = Article(
        key=source.key, title=title, date=date, section=section, slug=slug, url=url,
        packed_body=pack_body(rendered.html), summary=summary, tags=tags, authors=authors, updated=updated,
        image=fields.text("image") or "", image_alt=fields.text("image_alt") or "",
        image_caption=fields.text("image_caption") or "", image_credit=fields.text("image_credit") or "",
        draft=draft, featured=featured, redirect_from=aliases,
        reading_minutes=rendered.reading_minutes, body_images=images,
        site_links=site_links(rendered.html, url, config.base_path, images),
        lang=lang, translation_key=fields.text("translation_key") or place, bundle=bundled is not None,
        section_url=edition.urls.section(section), date_only=date_only,
        updated_date_only=is_date_only(fields.data.get("updated")), canonical_url=canonical_url,
        refers=REF_SCHEME in rendered.html, extra=MappingProxyType(extra),
    )
    return article, problems




def _slug(fields: _Fields, stem: str, config: Config, edition: Language, addressed: bool) -> str:
    """The article's slug from ``slug:`` or its file name, in the edition's style (see ``slugs``).

    A site that has not chosen a style gets ascii slugs, and a warning wherever that gives
    another address than the name as written would (as Jekyll and Eleventy keep it): an
    archive moved in would otherwise lose its URLs without a word. ``addressed``: the
    article's own ``permalink:`` decides its address, so its slug is not an address."""
    written = fields.text("slug") or stem
    chosen = edition.slugs or config.slugs
    slug = article_slug(written, chosen or "ascii", cut=not chosen)  # unchosen: as before styles, so nothing moves
    line = fields.line("slug") if "slug" in fields.source_key else 0
    if not slug:
        fields.problems.append(Problem(fields.path, line, 0, "slug",
                                       f'"{written}" leaves nothing usable in a web address',
                                       "set slug: with letters or digits, e.g. slug: talks-in-astana"))
    elif len(slug.encode()) > MAX_SLUG_BYTES:
        fields.problems.append(Problem(fields.path, line, 0, "slug",
                                       f"is {len(slug.encode())} bytes long; a folder name in the output may have "
                                       f"at most {MAX_SLUG_BYTES}", "set a shorter slug:, e.g. the first words"))
    elif not (chosen or addressed) and slug != (kept := slug_as_written(written)):
        fields.problems.append(warning(
            fields.path, line, "slug", f'the address uses "{slug}" where the {"slug" if line else "file name"} says '
            f'"{kept}", which Jekyll and Eleventy would have kept',
            "keep the archive's addresses with 'slugs: keep' in newsgen.yaml, or choose 'slugs: ascii' for lowercase "
            "ASCII ones without this warning and add redirect_from: for the old ones"))
    return slug


def _own_permalink(fields: _Fields) -> str | None:
    """The article's own address (``permalink:``, or Hugo's ``url:``), checked; None when it has none.

    Jekyll, Eleventy and Hugo let a post keep an address of its own: an archive needs it."""
    given = fields.text("permalink")
    if given is None:
        return None
    pattern = given.strip() if given.strip().startswith("/") else "/" + given.strip()
    problem = check_permalink(pattern, own=True)
    if problem:
        field = fields.source_key.get("permalink", "permalink")
        fields.problems.append(Problem(fields.path, fields.line("permalink"), 0, field, problem,
                                       f"write the address the article had, e.g. {field}: /2015/05/21/tockingtime/"))
        return None
    return pattern


def _prefixed(url: str, prefix: str) -> str:
    """An address under the edition's prefix, unless it is written with it."""
    if not prefix or url == prefix + "/" or url.startswith(prefix + "/"):
        return url
    return prefix + url


def _visible_body(body: str, first_line: int, path: str, problems: list[Problem]) -> str:
    """The body without invisible control characters (NUL, pasted escape codes), with a warning
    at the line of the first one; pages and feeds could not show them."""
    found = _CONTROL.search(body)
    if found is None:
        return body
    count = len(_CONTROL.findall(body))
    what = "an invisible control character" if count == 1 else f"{count} invisible control characters"
    problems.append(warning(path, first_line + body.count("\n", 0, found.start()), "",
                            f"the text has {what} (U+{ord(found.group()):04X} first); they are left out",
                            "delete them; such characters often come with text pasted from another program"))
    return _CONTROL.sub("", body)


def _date_from_name(fields: _Fields, file_date: str | None, stem: str, zone: Any) -> datetime | None:
    """The date a file name starts with (2025-12-19-talks.md), when front matter has none."""
    if file_date is None:
        written = "date" in fields.source_key
        todo = "write a date after 'date:'," if written else "add a line"
        fields.problems.append(Problem(
            fields.path, fields.line("date") if written else 1, 0, "date", "is empty" if written else "is missing",
            f"{todo} such as 'date: 2025-12-19' or 'date: 2025-12-19T10:00:00+05:00', "
            f"or start the file name with the date: 2025-12-19-{stem}.md"))
        return None
    date, wrong = read_datetime(file_date, zone)
    if date is None:
        fields.problems.append(Problem(fields.path, 0, 0, "date",
                                       f'the file name starts with "{file_date}", which is {wrong}',
                                       "rename the file, or add a line 'date: 2025-12-19' to the front matter"))
    return date


def _language(key: str, fields: _Fields, config: Config) -> tuple[str, str]:
    """The article's language and its key without the language, which is the translation key
    of an article unless front matter gives one (``translation_key:``).

    The language comes from front matter (``lang:``), else from a language folder
    (``content/ru/politics/x.md``) or a language suffix (``content/politics/x.ru.md``), else it
    is the site's default. Both layouts are common: Hugo's sites use either.
    """
    parts = list(Path(key).parts)  # ['content', 'ru', 'politics', 'x.md']
    found = config.language_of_folder(parts[1]) if len(parts) >= 3 else ""
    if found:
        del parts[1]
    stem, suffix = os.path.splitext(parts[-1])
    name, dot, code = stem.rpartition(".")
    suffixed = config.language_of_folder(code) if dot and name else ""
    if suffixed:
        found = found or suffixed
        parts[-1] = name + suffix
    place = "/".join(parts)
    given = fields.text("lang")
    if given is None:
        return found or config.language, place
    if config.multilingual:
        for language in config.languages:
            if language.code.lower() == given.lower():
                return language.code, place
        fields.problems.append(Problem(fields.path, fields.line("lang"), 0, fields.source_key.get("lang", "lang"),
                                       f'"{given}" is not one of the site\'s languages',
                                       "use one of " + ", ".join(l.code for l in config.languages)
                                       + ", or add it to languages: in newsgen.yaml"))
    elif given.lower() != config.language.lower():
        fields.problems.append(warning(fields.path, fields.line("lang"), fields.source_key.get("lang", "lang"),
                                       f'the site is in one language ({config.language}), so this article is '
                                       f"published as {config.language}, not {given}",
                                       "list the site's editions under languages: in newsgen.yaml"))
    return found or config.language, place


def _beside(url: str, alias: str) -> str:
    """A relative alias (Hugo's ``aliases: [old-name]``) beside the article: '/blog/2024/x/' with
    'y' gives '/blog/2024/y/'."""
    return normalise_url(posixpath.normpath(posixpath.join(posixpath.dirname(url.rstrip("/")), alias)))


def _redirects(fields: _Fields, prefix: str) -> list[tuple[str, bool]]:
    """Old addresses of the article as site paths, and whether each is relative to the article
    (Hugo's ``aliases`` without a leading '/'); anything that could leave the site is refused.
    An edition's aliases are its own: under its prefix, so translations may repeat them."""
    redirects: list[tuple[str, bool]] = []
    hugo = fields.source_key.get("redirect_from") == "aliases"
    for i, old in enumerate(fields.text_list("redirect_from")):
        relative = hugo and not old.startswith("/")
        url = normalise_url(old)
        if prefix and not relative and url != prefix + "/" and not url.startswith(prefix + "/"):
            url = prefix + url
        if is_safe_url(url) and "//" not in url and ".." not in url.split("/"):  # '//host/': another site
            redirects.append((old if relative else url, relative))
        else:
            fields.problems.append(Problem(fields.path, fields.line(f"redirect_from.{i}", "redirect_from"), 0,
                                           fields.source_key.get("redirect_from", "redirect_from"),
                                           f'"{old}" is not a path on this site',
                                           "write old addresses like /news/2019/old-story/"))
    return redirects


def _canonical_url(fields: _Fields) -> str:
    """The address of the article's original (Hugo's ``canonical_url:`` on a cross-post), '' when
    it is this site's page; anything but an absolute http(s) address is a problem."""
    given = fields.text("canonical_url") or ""
    if given and not is_web_address(given):
        fields.problems.append(Problem(fields.path, fields.line("canonical_url"), 0, "canonical_url",
                                       f'"{given}" is not an absolute web address',
                                       "write the original's full address, e.g. "
                                       "canonical_url: https://medium.com/example/the-original-post; "
                                       "leave it out when this site's page is the original"))
        return ""
    return given


RESERVED_SECTIONS = urls.FOLDERS | {"pagefind", "_img", "css", "js"}  # the search index, image variants, the theme's files


def _section(key: str, fields: _Fields) -> str | None:
    """The article's section: from front matter, else its folder; never one of newsgen's own URLs."""
    section = _section_name(key, fields)
    if section in RESERVED_SECTIONS:
        line = fields.line("section") if "section" in fields.source_key else 1
        fields.problems.append(Problem(fields.path, line, 0, "section",
                                       f'"{section}" is the address of pages newsgen makes itself',
                                       "use another section name (folder name or section:)"))
        return None
    return section


def _section_name(key: str, fields: _Fields) -> str | None:
    given = fields.text("section")
    if given:
        section = slugify(given)
        if not section:
            fields.problems.append(Problem(fields.path, fields.line("section"), 0, "section",
                                           f'"{given}" cannot be a section name', "use a word such as politics"))
            return None
        return section
    parts = Path(key).parts  # ('content', 'politics', 'talks.md')
    if len(parts) < 3:
        fields.problems.append(Problem(fields.path, 1, 0, "section", "the article is in no section",
                                       "move it into a section folder (content/politics/) or add section: politics"))
        return None
    folder = parts[1]
    section = folder if _SECTION_KEY.match(folder) else slugify(folder)
    if not section:
        fields.problems.append(Problem(fields.path, 1, 0, "section", f'the folder name "{folder}" cannot be a section name',
                                       "rename the folder to a word such as politics, or add section: politics"))
        return None
    return section


def _terms(names: list[str], make_slug: Callable[[str], str], make_url: Callable[[str], str]) -> tuple[Term, ...]:
    """Tags as terms, without duplicates (by slug), in the order written."""
    seen: dict[str, Term] = {}
    for name in names:
        slug = make_slug(name)
        if slug and slug not in seen:
            seen[slug] = Term(name, slug, make_url(slug))
    return tuple(seen.values())


class _Fields:
    """Typed access to front matter, recording a problem (with its line) for each bad value."""

    def __init__(self, path: str, data: dict[str, Any], lines: dict[str, int], problems: list[Problem]) -> None:
        self.path = path
        self.lines = lines
        self.problems = problems
        self.data: dict[str, Any] = {}
        self.source_key: dict[str, str] = {}
        for key, value in data.items():
            name = ALIASES.get(key, key)
            if name in self.data:
                # 'summary' beats 'excerpt' beats 'description': the first one written wins
                continue
            self.data[name] = value
            self.source_key[name] = key

    def is_blank(self, name: str) -> bool:
        """True when ``name`` is missing, or written with nothing after the colon."""
        value = self.data.get(name)
        return value is None or (isinstance(value, str) and not value.strip())

    def line(self, name: str, fallback: str | None = None) -> int:
        return self.lines.get(self.source_key.get(name, name), self.lines.get(self.source_key.get(fallback or "", fallback or ""), 1))

    def _bad(self, name: str, message: str, hint: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.path, line or self.line(name), 0, self.source_key.get(name, name), message, hint))

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.data.get(name)
        if isinstance(value, str):
            # invisible control characters (a YAML "\e" escape) cannot go into feeds or sitemaps
            value = _CONTROL.sub("", value)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                line = self.line(name) if name in self.source_key else 1
                what = "is empty" if name in self.source_key else "is missing"
                self._bad(name, what, f"add a line '{name}: ...' to the front matter", line)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self._bad(name, f"must be text, not {_kind(value)}", f"write it on one line: {name}: ...")
            return None
        return str(value).strip()

    def text_list(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()] if name == "tags" else [value.strip()]
        if not isinstance(value, list):
            self._bad(name, f"must be a list, not {_kind(value)}", f"write {name}: [first, second]")
            return []
        items = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self._bad(name, f"item {i + 1} is {_kind(item)}, not text", f"write each item as plain text: {name}: [first, second]",
                          self.lines.get(f"{self.source_key[name]}.{i}"))
            elif str(item).strip():
                items.append(str(item).strip())
        return items

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self._bad(name, f"{_value_is(value)} not true or false", f"write {name}: true or {name}: false")
            return False
        return value

    def date(self, name: str, zone: Any) -> datetime | None:
        if self.is_blank(name):
            return None
        value = self.data[name]
        parsed, wrong = read_datetime(value, zone)
        if parsed is None:
            self._bad(name, f"{_value_is(value)} {wrong}", DATE_HINT if wrong == "not a date" else RANGE_HINT)
        return parsed


def _value_is(value: Any) -> str:
    """The start of a 'value is not ...' message: '"maybe" is' for text, 'is a list,' otherwise."""
    return f'"{value}" is' if isinstance(value, (str, int, float)) else f"is {_kind(value)},"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of key: value pairs"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a YAML set"
    return "a value of a kind newsgen does not read"


