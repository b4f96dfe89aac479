"""``newsgen.yaml`` into a frozen :class:`Config` with defaults.

Every key is optional. Unknown keys are warnings with a close match ("did you mean
'per_page'?"), wrong values are :class:`~newsgen.errors.UsageError` (exit status 2):
a broken settings file stops the build before anything is read.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Problem, UsageError
from .frontmatter import decode_source, parse_yaml, shown
from .inputs import SETTINGS_FILE

PLACEHOLDERS = ("section", "slug", "year", "month", "day")


@dataclass(frozen=True, slots=True)
class Config:
    """Site settings. Frozen: every stage reads the same values."""

    title: str = "newsgen site"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 20
    permalink: str = "/{section}/{slug}/"
    sections: tuple[tuple[str, str], ...] = ()  # (key, display name), in menu order
    home_latest: int = 12
    home_section_size: int = 4
    related_size: int = 4
    feed_size: int = 50
    publisher: str = ""  # the organisation in JSON-LD; default: the title
    logo: str = "/favicon.svg"  # the publisher's logo (a site path or an absolute URL)
    twitter: str = ""  # the site's @handle for Twitter cards
    search: bool = True  # build the Pagefind index and the search page
    missing_images: str = "error"  # or "warning": for archives migrated without their image files
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` without a trailing slash: '' or '/news'."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def origin(self) -> str:
        """Scheme and host of ``base_url``: 'https://example.org'."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str) -> str:
        """A site path as a link: with the base path ('/news/politics/'); other links unchanged."""
        return self.base_path + path if path.startswith("/") and not path.startswith("//") else path

    def abs_url(self, path: str) -> str:
        """A site path as an absolute URL ('https://example.org/news/politics/'); absolute URLs unchanged."""
        if path.startswith(("http://", "https://")):
            return path
        return self.origin + self.url(path)

    def section_name(self, key: str) -> str:
        """The display name of a section; unknown sections get their key, capitalised."""
        for known, name in self.sections:
            if known == key:
                return name
        return key.replace("-", " ").capitalize()


MAX_COUNT = 10_000  # articles a page or feed shows: more would make pages no reader loads
_INT_KEYS = {"per_page": 1, "home_latest": 0, "home_section_size": 0, "related_size": 0, "feed_size": 1}
_TEXT_KEYS = ("title", "description", "language", "publisher", "logo", "twitter")
KNOWN_KEYS = (*_TEXT_KEYS, "base_url", "timezone", "permalink", "sections", "search", "missing_images", *_INT_KEYS)


def load_config(site: Path) -> Config:
    """Read ``newsgen.yaml`` in ``site`` (a missing file means all defaults)."""
    path = site / SETTINGS_FILE
    if not path.is_file():
        return Config()
    text, problem = decode_source(path.read_bytes(), SETTINGS_FILE)
    if problem is not None or text is None:
        raise UsageError("the settings file cannot be read", [problem] if problem else [])
    if not text.strip():
        return Config()
    data, lines, problems = parse_yaml(text, SETTINGS_FILE, subject="the settings file")
    if data is None:
        raise UsageError("the settings file is not valid", problems)
    return config_from_mapping(data, lines, problems)


def config_from_mapping(data: dict[str, Any], lines: dict[str, int] | None = None,
                        warnings: list[Problem] | None = None) -> Config:
    """A :class:`Config` from already-parsed settings; raises UsageError listing every bad key."""
    lines = lines or {}
    warnings = list(warnings or [])
    errors: list[Problem] = []
    values: dict[str, Any] = {}

    def bad(key: str, message: str, hint: str) -> None:
        errors.append(Problem(SETTINGS_FILE, lines.get(key, 0), 0, key, message, hint))

    for key, value in data.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(KNOWN_KEYS)
            warnings.append(Problem(SETTINGS_FILE, lines.get(key, 0), 0, key,
                                    "is not a setting newsgen knows; it is ignored", hint, "warning"))
        elif key in _TEXT_KEYS:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                bad(key, "must be text", f"write e.g. '{key}: ...' on one line")
            elif key == "language" and not _LANGUAGE_TAG.match(str(value)):
                bad(key, f"{shown(value)} is not a language tag", "write e.g. language: en, en-GB or kk")
            elif key == "logo" and not _is_web_link(str(value)):
                bad(key, f"{shown(value)} is neither a web address nor a path on this site",
                    "write e.g. logo: /images/logo.png or logo: https://example.org/logo.png")
            else:
                values[key] = str(value)
        elif key in _INT_KEYS:
            low = _INT_KEYS[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                bad(key, f"must be a whole number of at least {low}, not {shown(value)}", f"e.g. '{key}: 20'")
            elif value > MAX_COUNT:
                bad(key, f"must be a whole number of at most {MAX_COUNT:,}, not {value}", f"e.g. '{key}: 20'")
            else:
                values[key] = value
        elif key == "missing_images":
            if value not in ("error", "warning"):
                bad(key, f"must be error or warning, not {shown(value)}", "missing_images: warning")
            else:
                values[key] = value
        elif key == "search":
            if not isinstance(value, bool):
                bad(key, f"must be true or false, not {shown(value)}", "search: true")
            else:
                values[key] = value
        elif key == "base_url":
            url = str(value)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                bad(key, f"'{url}' is not an absolute web address", "write e.g. https://example.org/ or https://example.org/news/")
            else:
                values[key] = url if url.endswith("/") else url + "/"
        elif key == "timezone":
            if not isinstance(value, str):
                bad(key, "must be a time zone name", "use an IANA name such as Asia/Almaty or Europe/London")
                continue
            try:
                ZoneInfo(value)
                values[key] = str(value)
            except (ZoneInfoNotFoundError, ValueError):
                bad(key, f"'{value}' is not a time zone", "use an IANA name such as Asia/Almaty or Europe/London")
        elif key == "permalink":
            problem = check_permalink(str(value))
            if problem:
                bad(key, problem, "e.g. /{section}/{slug}/ or /{year}/{month}/{day}/{slug}/")
            else:
                values[key] = str(value)
        elif key == "sections":
            parsed = _parse_sections(value)
            if parsed is None:
                bad(key, "must be a list of section keys (lowercase folder names), or of 'key: Display name' pairs",
                    "e.g. sections: {politics: Politics, economy: Economy}")
            else:
                values[key] = parsed
    if errors:
        raise UsageError("the settings file has errors", errors)
    return Config(**values, warnings=tuple(warnings))


# BCP 47 as pages, feeds and the search index need it: a language, then subtags (en-GB, sr-Latn, zh-Hant-TW)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _is_web_link(value: str) -> bool:
    """True for an http(s) address or a path on the site ('/images/logo.png'); never 'javascript:'."""
    if value.startswith("/") and not value.startswith("//"):
        return "\\" not in value and not any(ord(c) < 32 for c in value)
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_permalink(pattern: str) -> str:
    """What is wrong with a permalink pattern, or '' when it is usable."""
    names = re.findall(r"{([^{}]*)}", pattern)
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        return f"'{{{unknown[0]}}}' is not a placeholder (use {', '.join('{' + p + '}' for p in PLACEHOLDERS)})"
    if "{" in re.sub(r"{[^{}]*}", "", pattern) or "}" in re.sub(r"{[^{}]*}", "", pattern):
        return "has a '{' or '}' that does not belong to a placeholder such as {slug}"
    if "%" in pattern:
        return "must not contain '%': write the characters themselves, not percent-encoded ('%2e' is '.')"
    if "slug" not in names:
        return "must contain {slug} so that every article gets its own address"
    if not pattern.startswith("/"):
        return "must start with '/'"
    if any(part in (".", "..") for part in pattern.split("/")) or "\\" in pattern or "//" in pattern:
        return "must not contain '.' or '..' as a folder, '\\' or '//'"
    if any(c in pattern for c in ":?#") or any(ord(c) < 32 for c in pattern):
        return "must not contain ':', '?', '#' or control characters"
    return ""


_SECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _parse_sections(value: Any) -> tuple[tuple[str, str], ...] | None:
    items: list[tuple[str, str]] = []
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = []
        for item in value:
            if isinstance(item, dict) and len(item) == 1:
                pairs.extend(item.items())
            elif isinstance(item, (str, int)) and not isinstance(item, bool):
                pairs.append((item, None))
            else:
                return None
    else:
        return None
    for key, name in pairs:
        slug = str(key)
        if not _SECTION_KEY.match(slug) or (name is not None and not isinstance(name, (str, int))):
            return None
        items.append((slug, str(name) if name is not None else str(key).replace("-", " ").capitalize()))
    return tuple(items)
