"""Slugs and the guarantee that a URL stays inside the output folder (the URL scheme is ``urls``).

Transliteration is python-slugify's job (with text-unidecode): "Казахстан и
Узбекистан" becomes ``kazakhstan-i-uzbekistan``, an address a reader can type.
An article's slug comes in one of three styles (the ``slugs:`` setting, per edition):

- ``ascii`` (the default): lowercase ASCII, since servers are case-sensitive and
  readers are not: a file ``2015-05-21-TockingTime.md`` gives ``/tockingtime/``;
- ``native``: lowercase, in the letters of the edition's script;
- ``keep``: as written, the way Jekyll and Eleventy make addresses from file names
  (case, ``_`` and ``.`` kept), so that a migrated archive keeps the URLs the world
  links to.

Article slugs are not cut once a site has chosen its style: the file name or ``slug:`` is
the editor's choice. A site that has not (``slugs:`` unset) keeps the cut at 80 characters
that came before the styles, so that no published address moves on upgrading; it is told of
each slug that differs from the name as written (see ``content._slug``). Tags and authors,
whose slugs come from free text, are cut at 80 characters.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from slugify import slugify as _slugify

_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")  # one-digit months and days, as Jekyll reads them


def slugify(text: str) -> str:
    """A lowercase ASCII slug of ``text``; '' when nothing typeable is left."""
    return str(_slugify(text, max_length=80, word_boundary=True))


def native_slug(text: str, limit: int | None = 80) -> str:
    """A lowercase slug that keeps the letters of any script ('Переговоры в Астане' ->
    'переговоры-в-астане'); '' when nothing is left. Links write it percent-encoded."""
    text = unicodedata.normalize("NFC", text).casefold()
    return "-".join(_NATIVE_WORD.findall(text))[:limit].strip("-")


_NATIVE_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script

SLUG_STYLES = ("ascii", "native", "keep")
# What Jekyll keeps of a name in its 'pretty' mode: letters, marks and digits of any script and the
# characters RFC 3986 allows in a path segment as they are; every other run becomes one '-'.
_NOT_KEPT = re.compile(r"[^\w._~!$&'()+,;=@-]+")
MAX_SLUG_BYTES = 255  # an article's slug is a folder name in the output: most file systems stop here


def slug_as_written(text: str) -> str:
    """``text`` as an address keeps it, as Jekyll reads a file name: 'We-Are-Hiring' stays,
    'a_b.c' stays, 'Q&A: part 2' -> 'Q&A-part-2'; '' when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    return _NOT_KEPT.sub("-", text).strip("-")


def article_slug(text: str, style: str, cut: bool = False) -> str:
    """The slug of an article whose file name or ``slug:`` is ``text``, in one of
    :data:`SLUG_STYLES`; with ``cut``, at most 80 characters as before the styles (see the
    module's docstring)."""
    if style == "keep":
        return slug_as_written(text)
    if style == "native":
        return native_slug(text, 80 if cut else None)
    return slugify(text) if cut else str(_slugify(text))


# Symbols after a word that make it another word: C, C++ and C# are three languages, F# and Disney+
# are not F and Disney. (A leading # is a hashtag: '#MeToo' stays 'metoo'.)
_MEANINGFUL_SYMBOLS = ((re.compile(r"(?<=\w)\+\+(?![\w+])"), " plus plus "), (re.compile(r"(?<=\w)\+(?![\w+])"), " plus "),
                       (re.compile(r"(?<=\w)#(?![\w#])"), " sharp "))


def tag_slug(name: str) -> str:
    """A tag's slug, with the symbols that tell tags apart spelt out: 'C++' -> 'c-plus-plus',
    'C#' -> 'c-sharp', so that C, C++ and C# get pages of their own instead of one /tags/c/."""
    for symbol, word in _MEANINGFUL_SYMBOLS:
        name = symbol.sub(word, name)
    return slugify(name)


def split_dated_name(stem: str) -> tuple[str | None, str]:
    """``2025-12-19-talks`` -> ('2025-12-19', 'talks'), ``2024-12-5-x`` -> ('2024-12-05', 'x'); other
    names -> (None, name)."""
    match = _DATE_PREFIX.match(stem)
    if match:
        year, month, day, rest = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", rest
    return None, stem


_UNSAFE_CHARS = re.compile(r"[\\:\x00-\x1f]")


def is_safe_url(url: str) -> bool:
    """True when a site path cannot name anything outside the output folder.

    Accepts only absolute paths ('/a/b/') made of plain segments: no '..' or '.',
    no backslashes, no empty segments ('//'), no drive letters or control characters.
    """
    if not url.startswith("/") or _UNSAFE_CHARS.search(url):
        return False
    inner = url[1:-1] if url.endswith("/") else url[1:]
    if not inner:
        return url == "/"
    return all(seg not in ("", ".", "..") for seg in inner.split("/"))


def output_path(url: str) -> str:
    """The file (relative to the output folder) that serves a site path.

    '/' -> 'index.html', '/politics/' -> 'politics/index.html', '/feed.xml' -> 'feed.xml'.
    Paths without an extension are treated as folders, so '/old-url' -> 'old-url/index.html'.
    """
    if not is_safe_url(url):
        raise ValueError(f"unsafe URL {url!r}")
    path = url.strip("/")
    if not path:
        return "index.html"
    if url.endswith("/") or "." not in path.rsplit("/", 1)[-1]:
        return f"{path}/index.html"
    return path


def normalise_url(url: str) -> str:
    """An editor's old URL ('old/path', '/old/path') as a site path ('/old/path/')."""
    url = url.strip()
    if not url.startswith("/"):
        url = "/" + url
    last = PurePosixPath(url).name
    if not url.endswith("/") and "." not in last:
        url += "/"
    return url


def site_path(path: str, base_path: str) -> str | None:
    """A root-relative path as the site sees it: '/news/politics/' -> '/politics/' under the
    base path '/news'; None when the path lies outside the base path (not this site's)."""
    if not base_path:
        return path
    if path != base_path and not path.startswith(base_path + "/"):
        return None
    return path[len(base_path):] or "/"


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


def resolve_file(src: str, source_key: str, base_path: str, folder: str = "") -> str:
    """The site path a file reference in an article names, or '' for external and data URLs.

    Root-relative paths are site paths (after the base path); other paths are relative
    to ``folder`` (a site path) when given, else to the article's source folder
    (``content/politics/``), whose files are copied to the same place under the output
    (``/politics/``). ``Article.site_file`` says which.
    """
    if _SCHEME.match(src):
        return ""
    path = src.split("#")[0].split("?")[0]
    if path.startswith("/"):
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path):]
        return posixpath.normpath(path)
    if folder:
        return posixpath.normpath(posixpath.join(folder, path))
    source_folder = posixpath.dirname(source_key)  # content/politics
    return posixpath.normpath("/" + posixpath.join(source_folder.partition("/")[2], path))


def is_web_address(text: str) -> bool:
    """True for an absolute http(s) address with a host (and no spaces): another site's page."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in text)
