"""``newsgen.yaml`` into a frozen :class:`Config` with defaults.

Every key is optional. Unknown keys are warnings with a close match ("did you mean
'per_page'?"), wrong values are :class:`~newsgen.errors.UsageError` (exit status 2):
a broken settings file stops the build before anything is read.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Problem, UsageError
from .frontmatter import decode_source, parse_yaml, shown
from .hashing import digest
from .inputs import RATES_FILE, SETTINGS_FILE
from .slugs import SLUG_STYLES, site_path
from .urls import SiteUrls

PLACEHOLDERS = ("section", "slug", "year", "month", "day")


@dataclass(frozen=True, slots=True)
class Language:
    """One edition of the site: its language (a BCP 47 tag), the name readers pick it by
    (in its own script), its writing direction, what it says differently from the
    site's settings, and where its pages live (``prefix``: '' at the root, or '/ru').

    An edition on a domain of its own (``host``: 'https://ru.example.org', or with a path,
    'https://example.kz/ru') keeps its prefix as the folder of the output its host serves
    (``build/ru/``, as Hugo does), and as the site path its pages have inside newsgen;
    ``Config.url`` turns those paths into links on its host."""

    code: str
    given_name: str = ""  # the name the settings give it; '' for its name in CLDR (see name)
    direction: str = "ltr"  # or "rtl"
    title: str = ""  # '' for the site's
    description: str = ""
    timezone: str = ""  # '' for the site's
    sections: tuple[tuple[str, str], ...] = ()  # (key, display name) in this language
    prefix: str = ""
    slugs: str = ""  # the style of its article slugs (see slugs.SLUG_STYLES); '' for the site's
    host: str = ""  # the base URL of an edition on a domain of its own, without a trailing slash; '' for none

    @property
    def name(self) -> str:
        """The name readers pick it by: the settings' own, else CLDR's in its own script.
        Asked for only where a page shows it (the switcher), so that a site in one language
        never loads babel's locale data (about 20 ms of every build that renders a page)."""
        return self.given_name or language_name(self.code)

    @property
    def urls(self) -> SiteUrls:
        """The edition's addresses (see ``urls``)."""
        return SiteUrls(self.prefix)


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
    # the style of article slugs (see slugs.py); '' is ascii, and a warning where an archive's file name
    # would have given another address: a site that says which style it wants is not told again
    slugs: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (key, display name), in menu order
    home_latest: int = 12
    home_section_size: int = 4
    related_size: int = 4
    feed_size: int = 50
    publisher: str = ""  # the organisation in JSON-LD; default: the title
    logo: str = "/favicon.svg"  # the publisher's logo (a site path or an absolute URL)
    twitter: str = ""  # the site's @handle for Twitter cards
    search: bool = True  # build the Pagefind index and the search page
    # the currency ticker on every page and the Markets page: the ``ticker:`` setting, else whether the
    # site has a rates file (see load_config): a blog migrated from Jekyll has none and wants neither
    ticker: bool = True
    # articles to a segment of the search index at most (see search.py): Pagefind's memory while it writes
    # one grows with it (about 200 MB at 500), and the search page reads more segments when it is smaller
    search_segment: int = 500
    missing_images: str = "error"  # or "warning": for archives migrated without their image files
    broken_links: str = "error"  # or "warning": for archives whose bodies link to pages they no longer have
    languages: tuple[Language, ...] = ()  # the editions, default first; () for a site in one language
    default_language_in_subdir: bool = False  # the default edition under its own prefix, as the others
    # the shortcode templates (name, Jinja source) bodies are rendered with: read with the settings
    # (BuildOptions.config), since an article's HTML depends on them as on the settings
    shortcodes: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def editions(self) -> tuple[Language, ...]:
        """Every edition, the default first; a site in one language has one, at the root."""
        return self.languages or (Language(self.language, "", language_direction(self.language)),)

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

    def edition(self, code: str) -> Language:
        """The edition in language ``code`` (the default one for '' or a language the site has not)."""
        for language in self.editions:
            if language.code == code:
                return language
        return self.editions[0]

    def for_edition(self, code: str) -> Config:
        """The settings as the edition in language ``code`` reads them: its language, and its own
        title, description, time zone and section names where it has them."""
        edition = self.edition(code)
        names = dict(self.sections)
        names.update(edition.sections)
        order = [k for k, _ in self.sections] + [k for k, _ in edition.sections if k not in dict(self.sections)]
        return replace(self, language=edition.code, title=edition.title or self.title,
                       description=edition.description or self.description,
                       timezone=edition.timezone or self.timezone, sections=tuple((k, names[k]) for k in order))

    def language_of_folder(self, name: str) -> str:
        """The language whose code is the folder or file-name part ``name`` ('ru', 'ja'); '' for none."""
        if not self.multilingual:
            return ""
        for language in self.languages:
            if language.code.lower() == name.lower():
                return language.code
        return ""

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
        """A site path as a link from a page of this edition (``language``): with the base path
        ('/news/politics/'), and percent-encoded where it is not ASCII (an edition's native
        slugs); other links unchanged. With editions on domains of their own, a path of such an
        edition is a path on its host from its own pages ('/ru/x/' -> '/x/'), and an absolute
        URL from every other page, as a link from its pages to the rest of the site is."""
        if not path.startswith("/") or path.startswith("//"):
            return path
        encoded = path if path.isascii() else quote(path, safe="/#?&=%+:@!$'()*,;~")
        hosted = _hosted(self.languages)
        if not hosted:
            return self.base_path + encoded
        here = hosted.get(self.language)
        for code, (prefix, host, host_path) in hosted.items():
            if encoded.startswith(prefix + "/"):
                rest = host_path + encoded[len(prefix):]
                return rest if code == self.language else host + rest
        return self.base_path + encoded if here is None else self.origin + self.base_path + encoded

    def abs_url(self, path: str) -> str:
        """A site path as an absolute URL ('https://example.org/news/politics/'); absolute URLs unchanged."""
        if path.startswith(("http://", "https://")):
            return path
        link = self.url(path)
        if link.startswith(("http://", "https://")):
            return link
        here = _hosted(self.languages).get(self.language)
        return (here[1] if here is not None else self.origin) + link

    def with_hosts(self, hosts: dict[str, str]) -> Config:
        """These settings with the editions in ``hosts`` (code -> base URL; '' for the site's
        ``base_url``) at other addresses: ``newsgen serve`` serves each edition on a domain of
        its own from a local port, and the rest of the site from another."""
        return replace(self, base_url=hosts.get("", self.base_url),
                       languages=tuple(replace(l, host=hosts[l.code].rstrip("/")) if l.code in hosts else l
                                       for l in self.languages))

    @property
    def hosted(self) -> bool:
        """True when some edition is on a domain of its own (see ``Language.host``)."""
        return bool(_hosted(self.languages))

    def relink(self, link: str) -> str:
        """A root-relative link as Markdown bodies carry it (with the base path, see ``markup``)
        as a link from this edition's pages: the same on a site without editions on domains
        of their own, else through :meth:`url`."""
        path = site_path(link, self.base_path) if link.startswith("/") and not link.startswith("//") else None
        return link if path is None else self.url(path)

    def site_path(self, link: str) -> str | None:
        """The site path a link on a page of this edition leads to ('/news/politics/' ->
        '/politics/'); None when it leads off the site. The inverse of :meth:`url` for the
        links it makes (percent-encoding aside)."""
        hosted = _hosted(self.languages)
        parts = urlsplit(link)
        here = None
        if parts.scheme or parts.netloc:
            for prefix, host, host_path in hosted.values():
                if link.startswith(host + host_path + "/"):
                    return prefix + link[len(host + host_path):]
            if not link.startswith(self.origin + "/"):
                return None
            link = link[len(self.origin):]  # on the site's own host
        elif not link.startswith("/") or link.startswith("//"):
            return None
        else:
            here = hosted.get(self.language)
        if here is not None:
            prefix, _, host_path = here
            inside = site_path(link, host_path)
            return None if inside is None else prefix + inside
        return site_path(link, self.base_path)

    def section_name(self, key: str) -> str:
        """The display name of a section; unknown sections get their key, capitalised."""
        for known, name in self.sections:
            if known == key:
                return name
        return key.replace("-", " ").capitalize()


MAX_COUNT = 10_000  # articles a page or feed shows: more would make pages no reader loads
_INT_KEYS = {"per_page": 1, "home_latest": 0, "home_section_size": 0, "related_size": 0, "feed_size": 1,
             "search_segment": 1}
_TEXT_KEYS = ("title", "description", "language", "publisher", "logo", "twitter")
KNOWN_KEYS = (*_TEXT_KEYS, "base_url", "timezone", "permalink", "slugs", "sections", "search", "ticker",
              "missing_images", "broken_links", "languages", "default_language_in_subdir", *_INT_KEYS)


@lru_cache(maxsize=8)
def _hosted(languages: tuple[Language, ...]) -> dict[str, tuple[str, str, str]]:
    """The editions on domains of their own: code -> (prefix, origin, path on the host)."""
    found = {}
    for language in languages:
        if language.host:
            parts = urlsplit(language.host)
            found[language.code] = (language.prefix, f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/"))
    return found


def load_config(site: Path) -> Config:
    """Read ``newsgen.yaml`` in ``site`` (a missing file means all defaults).

    The one default that is not a constant: without a ``ticker:`` setting, the site has a
    ticker when it has a rates file. Settings and the rates file's presence are then one
    value, which every page's digest, the plan and watch mode's reuse already compare.
    """
    path = site / SETTINGS_FILE
    config, data = Config(), {}
    if path.is_file():
        text, problem = decode_source(path.read_bytes(), SETTINGS_FILE)
        if problem is not None or text is None:
            raise UsageError("the settings file cannot be read", [problem] if problem else [])
        if text.strip():
            parsed, lines, problems = parse_yaml(text, SETTINGS_FILE, subject="the settings file")
            if parsed is None:
                raise UsageError("the settings file is not valid", problems)
            config, data = config_from_mapping(parsed, lines, problems), parsed
    return config if "ticker" in data else replace(config, ticker=(site / RATES_FILE).is_file())


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
        elif key == "slugs":
            if value not in SLUG_STYLES:
                bad(key, f"must be {', '.join(SLUG_STYLES[:-1])} or {SLUG_STYLES[-1]}, not {shown(value)}",
                    "slugs: keep keeps file names as written (case, '_', '.'), as Jekyll does")
            else:
                values[key] = value
        elif key in ("missing_images", "broken_links"):
            if value not in ("error", "warning"):
                bad(key, f"must be error or warning, not {shown(value)}", f"{key}: warning")
            else:
                values[key] = value
        elif key in ("search", "ticker", "default_language_in_subdir"):
            if not isinstance(value, bool):
                bad(key, f"must be true or false, not {shown(value)}", f"{key}: true")
            else:
                values[key] = value
        elif key == "languages":
            languages = _parse_languages(value, lambda message, hint: bad(key, message, hint))
            if languages is not None:
                values[key] = languages
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
    if "languages" in values and not errors:
        values.update(_editions(values, lambda message, hint: bad("languages", message, hint)))
    if errors:
        raise UsageError("the settings file has errors", errors)
    return Config(**values, warnings=tuple(warnings))


def config_digest(config: Config) -> str:
    """Every setting that can change output (warnings excluded)."""
    return digest(*(f"{f.name}={getattr(config, f.name)!r}" for f in fields(config) if f.name != "warnings"))


@lru_cache(maxsize=None)
def language_name(code: str) -> str:
    """The language's name in its own script, as a language switcher shows it: 'Русский', '日本語'."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


# Which languages are written right to left, as CLDR says (babel's ``Locale.character_order``;
# a test holds this to it for every locale babel knows): by the script subtag when the tag
# has one ('pa-Arab', 'ff-Adlm'), else by the language's usual script. Kept here rather than
# asked of babel, whose locale data takes longer to load than an edit takes to build.
RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})
RTL_LANGUAGES = frozenset({"apc", "ar", "ary", "bal", "bgn", "bqi", "brh", "ckb", "dv", "fa", "he", "ks", "lrc",
                           "mzn", "nqo", "ps", "rhg", "sd", "sdh", "skr", "syr", "trw", "ug", "ur", "yi"})


def language_direction(code: str) -> str:
    """'rtl' for a language written right to left (Arabic, Hebrew, Persian, Urdu), else 'ltr'."""
    language, *rest = code.lower().replace("_", "-").split("-")
    script = next((part for part in rest if len(part) == 4 and part.isalpha()), "")
    return "rtl" if (script in RTL_SCRIPTS if script else language in RTL_LANGUAGES) else "ltr"


_LANGUAGE_KEYS = ("name", "direction", "title", "description", "timezone", "sections", "base_url", "slugs")


def _parse_languages(value: Any, bad: Callable[[str, str], None]) -> tuple[Language, ...] | None:
    """The ``languages`` setting: a mapping of codes to their settings (or to a display name),
    or a list of codes or of such mappings with a ``code``. Prefixes are set later (see _editions)."""
    hint = "e.g. languages: {en: {name: English}, ru: {name: Русский, title: ...}}"
    if isinstance(value, dict):
        entries = [(code, settings) for code, settings in value.items()]
    elif isinstance(value, list):
        entries = []
        for item in value:
            if isinstance(item, str):
                entries.append((item, {}))
            elif isinstance(item, dict) and "code" in item:
                entries.append((item["code"], {k: v for k, v in item.items() if k != "code"}))
            else:
                bad("must list language codes, or their settings with a code", hint)
                return None
    else:
        bad("must be a list of language codes or a mapping of codes to their settings", hint)
        return None
    if not entries:
        bad("lists no language", hint)
        return None
    languages: list[Language] = []
    for code, settings in entries:
        code = str(code)
        if not _LANGUAGE_TAG.match(code):
            bad(f"{shown(code)} is not a language tag", "write codes such as en, ru, kk, uz-Latn or ja")
            return None
        if any(known.code.lower() == code.lower() for known in languages):
            bad(f"lists {code} twice", "keep one entry per language")
            return None
        if isinstance(settings, str):
            settings = {"name": settings}
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            bad(f"{code}: must be the language's settings (name, title, ...) or its name", hint)
            return None
        unknown = [k for k in settings if k not in _LANGUAGE_KEYS]
        if unknown:
            bad(f"{code}: {unknown[0]} is not a language setting", "known: " + ", ".join(_LANGUAGE_KEYS))
            return None
        texts = {k: settings[k] for k in ("name", "title", "description", "timezone", "base_url", "direction")
                 if k in settings}
        if any(not isinstance(v, (str, int, float)) or isinstance(v, bool) for v in texts.values()):
            bad(f"{code}: name, title, description, timezone, direction and base_url must be text", hint)
            return None
        direction = str(texts.get("direction", language_direction(code)))
        if direction not in ("ltr", "rtl"):
            bad(f"{code}: direction must be ltr or rtl, not {shown(direction)}", "direction: rtl")
            return None
        zone = str(texts.get("timezone", ""))
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                bad(f"{code}: '{zone}' is not a time zone", "use an IANA name such as Asia/Almaty")
                return None
        sections: tuple[tuple[str, str], ...] = ()
        if "sections" in settings:
            parsed = _parse_sections(settings["sections"])
            if parsed is None:
                bad(f"{code}: sections must map section keys to their names in this language",
                    "e.g. sections: {politics: Политика}")
                return None
            sections = parsed
        prefix = str(texts.get("base_url", ""))
        host = ""
        if prefix.startswith(("http://", "https://")):
            parts = urlsplit(prefix)
            if not parts.netloc or parts.query or parts.fragment or not re.fullmatch(
                    r"(?:/[A-Za-z0-9._~-]+)*/?", parts.path or "/"):
                bad(f"{code}: base_url {shown(prefix)} is not an address such as https://ru.example.org/", hint)
                return None
            host, prefix = prefix.rstrip("/"), ""
        elif prefix and not re.fullmatch(r"/(?:[A-Za-z0-9._~-]+/)+", prefix if prefix.endswith("/") else prefix + "/"):
            bad(f"{code}: base_url {shown(prefix)} is neither a path such as /ru/ nor an address such as "
                "https://ru.example.org/", "an edition lives under a path of the site or on a domain of its own")
            return None
        slugs = settings.get("slugs", "")
        if slugs not in ("", *SLUG_STYLES):
            bad(f"{code}: slugs must be {', '.join(SLUG_STYLES[:-1])} or {SLUG_STYLES[-1]}, not {shown(slugs)}",
                "slugs: native")
            return None
        languages.append(Language(code, str(texts.get("name") or ""), direction,
                                  str(texts.get("title", "")), str(texts.get("description", "")), zone, sections,
                                  prefix.rstrip("/"), slugs, host))
    return tuple(languages)


def _editions(values: dict[str, Any], bad: Callable[[str, str], None]) -> dict[str, Any]:
    """The default language first, and every edition's prefix: the default one at the root unless
    ``default_language_in_subdir``, the others under their base_url or '/<code>'."""
    languages: tuple[Language, ...] = values["languages"]
    default = values.get("language")
    if default is None or not any(l.code == default for l in languages):
        if default is not None and len(languages) > 1:
            bad(f"do not include the default language {default}", f"add {default} to languages, or set "
                f"language: to one of {', '.join(l.code for l in languages)}")
            return {}
        default = languages[0].code
    ordered = sorted(languages, key=lambda l: l.code != default)
    in_subdir = values.get("default_language_in_subdir", False)
    fixed = []
    for language in ordered:
        at_root = language.code == default and not in_subdir
        if language.host and language.code == default:
            bad(f"{language.code}: the default language's edition is at the site's base_url",
                "set base_url: at the top of the settings to its address, or give the other editions theirs")
            return {}
        fixed.append(replace(language, prefix="" if at_root else language.prefix or f"/{language.code.lower()}"))
    prefixes = [l.prefix for l in fixed]
    hosts = [l.host for l in fixed if l.host]
    if len(set(prefixes)) != len(prefixes) or len(set(hosts)) != len(hosts):
        bad("two editions share one base_url", "give each language its own path or address, e.g. /ru/ and /kk/")
        return {}
    return {"language": default, "languages": tuple(fixed)}


# BCP 47 as pages, feeds and the search index need it: a language, then subtags (en-GB, sr-Latn, zh-Hant-TW)
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _is_web_link(value: str) -> bool:
    """True for an http(s) address or a path on the site ('/images/logo.png'); never 'javascript:'."""
    if value.startswith("/") and not value.startswith("//"):
        return "\\" not in value and not any(ord(c) < 32 for c in value)
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_permalink(pattern: str, own: bool = False) -> str:
    """What is wrong with a permalink pattern, or '' when it is usable. An article's ``own``
    (its front matter's) may be a plain address, without {slug}."""
    names = re.findall(r"{([^{}]*)}", pattern)
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        return f"'{{{unknown[0]}}}' is not a placeholder (use {', '.join('{' + p + '}' for p in PLACEHOLDERS)})"
    if "{" in re.sub(r"{[^{}]*}", "", pattern) or "}" in re.sub(r"{[^{}]*}", "", pattern):
        return "has a '{' or '}' that does not belong to a placeholder such as {slug}"
    if "%" in pattern:
        return "must not contain '%': write the characters themselves, not percent-encoded ('%2e' is '.')"
    if "slug" not in names and not own:
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
