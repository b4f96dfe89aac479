"""Old addresses and new ones: the permalink pattern, each post's URL, redirects, relinking.

Nothing a reader bookmarked may end in a 404. Where newsgen can reproduce WordPress's
permalink structure (``/%year%/%monthnum%/%postname%/`` is ``/{year}/{month}/{slug}/``) the
site uses it and the posts keep their addresses; any other old address of a post becomes a
``redirect_from`` entry, which newsgen serves as a redirect page. One kind cannot be a page:
an address with a query string (``/?p=123``, WordPress's plain permalinks and every post's
short link), since a static file is found by its path alone. Those go into rules for the web
server, written beside the site (:func:`server_rules`) and named in the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from typing import Iterable, Mapping
from urllib.parse import quote, urlsplit

from ..errors import UsageError
from ..slugs import article_slug, is_safe_url, normalise_url
from ..urls import expand_permalink
from .archive import Archive, Placement, old_path

PATTERNS = ("/{year}/{month}/{day}/{slug}/", "/{year}/{month}/{slug}/", "/{year}/{slug}/", "/{section}/{slug}/",
            "/{slug}/", "/archives/{year}/{month}/{slug}/", "/blog/{year}/{month}/{day}/{slug}/",
            "/blog/{slug}/", "/news/{slug}/")
_WP_TAGS = {"%year%": "{year}", "%monthnum%": "{month}", "%day%": "{day}", "%postname%": "{slug}",
            "%category%": "{section}"}


def from_wordpress_structure(structure: str) -> str:
    """WordPress's permalink structure ('/%year%/%monthnum%/%postname%/') as newsgen's pattern;
    UsageError for tags newsgen cannot make (``%post_id%``, ``%author%``, times of day)."""
    pattern = structure.strip()
    for tag, placeholder in _WP_TAGS.items():
        pattern = pattern.replace(tag, placeholder)
    left = re.findall(r"%[a-z_]+%", pattern)
    if left:
        raise UsageError(f"--permalink: newsgen cannot make addresses with {left[0]}; it knows "
                         f"{', '.join(_WP_TAGS)} (the old addresses will then redirect to the new ones)")
    if not pattern.startswith("/"):
        pattern = "/" + pattern
    if "{slug}" not in pattern:
        raise UsageError("--permalink must contain %postname%, so that every post gets its own address")
    return pattern if pattern.endswith("/") else pattern + "/"


@dataclass(frozen=True)
class SlugRule:
    """How the site makes a slug from an article's ``slug:`` (its ``slugs:`` setting, see content._slug)."""

    style: str
    cut: bool

    def slug(self, text: str) -> str:
        return article_slug(text, self.style, self.cut)


def new_url(pattern: str, place: Placement, rule: SlugRule, zone: tzinfo) -> str:
    """The address newsgen will give the imported post, as content.load_article makes it."""
    return expand_permalink(pattern, place.section, rule.slug(place.slug), place.date.astimezone(zone))


def infer_pattern(placements: Iterable[Placement], rule: SlugRule, zone: tzinfo) -> str:
    """The pattern of :data:`PATTERNS` that gives the most published posts their old address (at
    least half of them: the others then redirect), or '' when none does."""
    published = [p for p in placements if p.status == "published" and p.old_paths and "?" not in p.old_paths[0]]
    best, kept = "", 0
    for pattern in PATTERNS:
        matches = sum(new_url(pattern, p, rule, zone) == p.old_paths[0] for p in published)
        if matches > kept and matches * 2 >= len(published):
            best, kept = pattern, matches
    return best


def redirects_for(place: Placement, url: str) -> tuple[list[str], list[str]]:
    """The post's old paths that are not its new ``url``: (those a redirect page can serve, those
    with a query string, which only the web server can)."""
    pages: list[str] = []
    server: list[str] = []
    for path in place.old_paths:
        if "?" in path:
            server.append(path)
            continue
        old = normalise_url(path)
        if old != url and is_safe_url(old) and ".." not in old.split("/") and old not in pages:
            pages.append(old)
    return pages, server


class Relinker:
    """Rewrites links between the posts of the old site to their new addresses."""

    def __init__(self, archive: Archive, urls_by_old_path: Mapping[str, str]) -> None:
        self.archive = archive
        self.urls = urls_by_old_path

    def post_url(self, url: str) -> str:
        """The new address of a link to an imported post (keeping its #fragment); '' for any other link."""
        path = old_path(self.archive, url)
        if not path:
            return ""
        key = path if "?" in path else normalise_url(path)
        found = self.urls.get(key)
        if found is None:
            return ""
        fragment = urlsplit(url).fragment
        return found + (f"#{fragment}" if fragment else "")


def server_rules(moves: Mapping[str, str], base_path: str) -> dict[str, str]:
    """Redirect rules for addresses with a query string (``/?p=1`` -> its article): an nginx map and
    Apache rewrite rules, by file name; empty when there are none."""
    if not moves:
        return {}
    nginx = ["# Old WordPress addresses with a query string (/?p=123), which no static page can serve.",
             "# In nginx's http block:", "map $request_uri $wordpress_redirect {", "    default \"\";"]
    apache = ["# Old WordPress addresses with a query string (/?p=123), which no static page can serve.",
              "# In the site's .htaccess (mod_rewrite):", "RewriteEngine On"]
    for old, new in sorted(moves.items()):
        path, _, query = old.partition("?")
        path, query, target = _inert(base_path + path), _inert(query, "=&%+"), _inert(base_path + new)
        nginx.append(f"    \"{path}?{query}\" \"{target}\";")
        apache.append(f"RewriteCond %{{QUERY_STRING}} ^{re.escape(query)}$")
        apache.append(f"RewriteRule ^{re.escape(path.lstrip('/'))}$ {target.replace('%', chr(92) + '%')}? [R=301,L]")
    nginx += ["}", "# and in its server block:", "#     if ($wordpress_redirect) { return 301 $wordpress_redirect; }"]
    return {"wordpress-redirects.nginx.conf": "\n".join(nginx) + "\n",
            "wordpress-redirects.htaccess": "\n".join(apache) + "\n"}


def _inert(text: str, also_safe: str = "") -> str:
    """``text`` percent-encoded but for unreserved characters, '/' and ``also_safe``: the addresses come
    from the export, and a quote, ';', '$' or space in them would be read as the server's own syntax."""
    return quote(text, safe="/-._~" + also_safe)
