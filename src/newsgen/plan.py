"""Every output of a build as a :class:`PageSpec`: URL, file, template, articles, inputs.

The plan is plain data. Pagination, URL clashes, redirects, and later feeds,
incremental rebuilds and parallel rendering all ask it one question: which pages,
from which inputs. URL clashes are reported with every file involved.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable

from .config import Config
from .errors import Problem
from .model import Site
from .slugs import output_path


MAX_SITEMAP_URLS = 50_000  # per sitemap file (sitemaps.org)
NEWS_WINDOW = timedelta(days=2)  # Google News sitemaps: articles of the last two days...
NEWS_MAX = 1_000  # ...and at most this many
NEWS_SITEMAP_URL = "/news-sitemap.xml"
CARD_URL = "/social-card.png"  # the site's image for link previews of pages without their own
CARD_SIZE = (1200, 630)  # what X and Facebook show large
PUBLIC_KINDS = frozenset({"home", "article", "section", "tag", "author", "archive", "archive_index",
                          "tags_index", "authors_index"})
FEED_KINDS = ("rss", "atom")
SITEMAP_KINDS = frozenset({"sitemap", "sitemap_index", "news_sitemap", "robots"})


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to render. ``items`` are the article keys it lists, in order."""

    kind: str  # a PUBLIC_KIND, notfound, redirect, rss, atom, card (the social card image), or a SITEMAP_KIND
    url: str
    output: str
    template: str
    title: str = ""
    article: str = ""  # the article of an article page, or the target of a redirect
    items: tuple[str, ...] = ()
    term: str = ""  # section key, tag or author slug, 'YYYY/MM'
    page: int = 1
    pages: int = 1
    first_url: str = ""  # the URL of page 1 of this listing
    target: str = ""  # where a redirect page points

    def page_url(self, number: int) -> str:
        """The URL of page ``number`` of this listing: '/politics/', '/politics/page/2/'."""
        base = self.first_url or self.url
        return base if number <= 1 else f"{base}page/{number}/"

    @property
    def inputs(self) -> tuple[str, ...]:
        """The article keys whose content this page shows (for rebuild decisions)."""
        return tuple(dict.fromkeys(((self.article,) if self.article else ()) + self.items))


def paginate(keys: tuple[str, ...], per_page: int) -> list[tuple[str, ...]]:
    """``keys`` in pages of ``per_page``; no articles still make one (empty) page."""
    if not keys:
        return [()]
    return [keys[i:i + per_page] for i in range(0, len(keys), per_page)]


def _listing(kind: str, first_url: str, template: str, title: str, term: str,
             keys: tuple[str, ...], per_page: int) -> list[PageSpec]:
    chunks = paginate(keys, per_page)
    specs = []
    for number, chunk in enumerate(chunks, start=1):
        url = first_url if number == 1 else f"{first_url}page/{number}/"
        specs.append(PageSpec(kind, url, output_path(url), template, title, items=chunk, term=term,
                              page=number, pages=len(chunks), first_url=first_url))
    return specs


def plan_site(site: Site, config: Config, now: datetime) -> tuple[list[PageSpec], list[Problem]]:
    """All pages of the site, and the problems (URL clashes, bad redirects) found on the way.

    ``now`` (the build's time) only decides which articles the news sitemap holds.
    """
    per_page = config.per_page
    specs: list[PageSpec] = []
    home_items = _home_items(site, config)
    specs.append(PageSpec("home", "/", "index.html", "home.html", config.title, items=home_items))
    for article in site.articles:
        related = site.related.get(article.key, ())
        neighbours = tuple(k for k in (site.previous.get(article.key), site.next.get(article.key)) if k)
        specs.append(PageSpec("article", article.url, output_path(article.url), "article.html", article.title,
                              article=article.key, items=neighbours + related))
    for section in site.sections:
        specs += _listing("section", f"/{section.key}/", "list.html", section.name, section.key,
                          section.articles, per_page)
    for slug, (term, keys) in site.tags.items():
        specs += _listing("tag", f"/tags/{slug}/", "list.html", term.name, slug, keys, per_page)
    for slug, (term, keys) in site.authors.items():
        specs += _listing("author", f"/authors/{slug}/", "list.html", term.name, slug, keys, per_page)
    for (year, month), keys in site.months.items():
        specs += _listing("archive", f"/archive/{year:04d}/{month:02d}/", "list.html", f"{year:04d}-{month:02d}",
                          f"{year:04d}/{month:02d}", keys, per_page)
    specs.append(PageSpec("archive_index", "/archive/", "archive/index.html", "archive.html", "Archive"))
    specs.append(PageSpec("tags_index", "/tags/", "tags/index.html", "terms.html", "Tags"))
    specs.append(PageSpec("authors_index", "/authors/", "authors/index.html", "terms.html", "Authors"))
    specs.append(PageSpec("notfound", "/404.html", "404.html", "404.html", "Page not found"))
    specs.append(PageSpec("card", CARD_URL, CARD_URL.lstrip("/"), "", config.title))
    if config.search:
        specs.append(PageSpec("search", "/search/", "search/index.html", "search.html", "Search"))
    specs += _feeds(site, config)
    specs += _sitemaps(site, config, specs, now)

    problems = _clashes(site, specs)
    redirects, redirect_problems = _redirects(site, {s.output for s in specs})
    return specs + redirects, problems + redirect_problems


def feed_urls(page_url: str) -> tuple[str, str]:
    """The RSS and Atom feed URLs that belong to a listing page ('/politics/' -> '/politics/feed.xml')."""
    return f"{page_url}feed.xml", f"{page_url}atom.xml"


def _feeds(site: Site, config: Config) -> list[PageSpec]:
    """An RSS and an Atom feed for the site, each section, each tag and each author."""
    size = config.feed_size
    listings: list[tuple[str, str, tuple[str, ...]]] = [("/", config.title, tuple(a.key for a in site.articles[:size]))]
    listings += [(f"/{s.key}/", f"{config.title}: {s.name}", s.articles[:size]) for s in site.sections]
    listings += [(f"/tags/{slug}/", f"{config.title}: {term.name}", keys[:size]) for slug, (term, keys) in site.tags.items()]
    listings += [(f"/authors/{slug}/", f"{config.title}: {term.name}", keys[:size])
                 for slug, (term, keys) in site.authors.items()]
    specs = []
    for page_url, title, keys in listings:
        for kind, url in zip(FEED_KINDS, feed_urls(page_url)):
            specs.append(PageSpec(kind, url, output_path(url), "", title, items=keys, first_url=page_url))
    return specs


def _sitemaps(site: Site, config: Config, specs: list[PageSpec], now: datetime) -> list[PageSpec]:
    """The sitemap (an index with parts past 50,000 URLs), the news sitemap and robots.txt.

    The news sitemap is left out while no article is recent enough for it: a ``<urlset>``
    without ``<url>`` is invalid under the sitemaps.org schema. robots.txt lists the
    sitemaps there are (its ``items`` are the news sitemap's articles); a site under a
    base path gets none, since crawlers read robots.txt at the root of the host only.
    """
    public = sum(1 for s in specs if s.kind in PUBLIC_KINDS)
    parts = max(1, -(-public // MAX_SITEMAP_URLS))
    if parts == 1:
        maps = [PageSpec("sitemap", "/sitemap.xml", "sitemap.xml", "")]
    else:
        maps = [PageSpec("sitemap_index", "/sitemap.xml", "sitemap.xml", "", pages=parts)]
        maps += [PageSpec("sitemap", f"/sitemap-{n}.xml", f"sitemap-{n}.xml", "", page=n, pages=parts)
                 for n in range(1, parts + 1)]
    since = now - NEWS_WINDOW
    news = tuple(a.key for a in site.articles if since <= a.date <= now)[:NEWS_MAX]
    if news:
        maps.append(PageSpec("news_sitemap", NEWS_SITEMAP_URL, "news-sitemap.xml", "", items=news))
    if not config.base_path:
        maps.append(PageSpec("robots", "/robots.txt", "robots.txt", "", items=news))
    return maps


def _home_items(site: Site, config: Config) -> tuple[str, ...]:
    """Lead story first, then the latest, then each section's newest (keys may repeat)."""
    lead = site.lead
    if lead is None:
        return ()
    latest = tuple(a.key for a in site.articles if a.key != lead.key)[: config.home_latest]
    blocks = tuple(k for s in site.sections for k in s.articles[: config.home_section_size])
    return (lead.key, *latest, *blocks)


def _clashes(site: Site, specs: list[PageSpec]) -> list[Problem]:
    """One problem per file whose page would overwrite another page."""
    outputs = [spec.output for spec in specs]
    if len(set(outputs)) == len(outputs):
        return []  # the usual case, found without grouping thirteen thousand pages
    claims: dict[str, list[PageSpec]] = defaultdict(list)
    for spec in specs:
        claims[spec.output].append(spec)
    problems: list[Problem] = []
    for output, group in sorted(claims.items()):
        if len(group) < 2:
            continue
        files = sorted(s.article for s in group if s.article)
        generated = [s.url for s in group if not s.article]
        for spec in group:
            if not spec.article:
                continue
            others = [f for f in files if f != spec.article]
            others += [f"the {g} page newsgen makes" for g in generated]
            problems.append(Problem(spec.article, 1, 0, "", f"URL {spec.url} is also claimed by {', '.join(others)}",
                                    "give all but one of them another slug:, or use a permalink pattern with the date"))
    return problems


def _redirects(site: Site, taken: set[str]) -> tuple[list[PageSpec], list[Problem]]:
    """A redirect page per old URL; an old URL that is a real page is refused, one equal to its own article skipped."""
    specs: list[PageSpec] = []
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for article in sorted(site.articles, key=lambda a: a.key):
        for old in article.redirect_from:
            out = output_path(old)
            if out == output_path(article.url):
                problems.append(Problem(article.key, 1, 0, "redirect_from",
                                        f"{old} is this article's own address; nothing to redirect",
                                        "remove it from redirect_from", "warning"))
            elif out in taken:
                problems.append(Problem(article.key, 1, 0, "redirect_from",
                                        f"{old} is the address of another page, so it cannot redirect here",
                                        "remove it from redirect_from"))
            elif out in claimed:
                problems.append(Problem(article.key, 1, 0, "redirect_from",
                                        f"{old} already redirects to {claimed[out]}", "keep it in one article only"))
            else:
                claimed[out] = article.key
                specs.append(PageSpec("redirect", old, out, "redirect.html", article.title,
                                      article=article.key, target=article.url))
    return specs, problems


SEARCH_INDEX_FOLDER = "pagefind"  # where the search index goes (see search.py)
RESERVED_FOLDERS = {SEARCH_INDEX_FOLDER: "the search index"}  # folders the build fills itself


def static_clashes(specs: list[PageSpec], statics: Iterable[str], search: bool, show: Callable[[str], str],
                   line_of: Callable[[str, str], int]) -> list[Problem]:
    """One problem for each page or redirect that would replace a static file, or need its path as a
    folder (``static/politics`` and the section page ``politics/index.html``), and for each static
    file in a folder the build fills itself; none would otherwise be noticed before writing.

    ``statics`` are the static files' output paths; ``show(output path)`` names the file
    it comes from as messages do; ``line_of(article key, text)`` is the line of a source
    that holds ``text`` (0: unknown).
    """
    pages = {spec.output: spec for spec in specs}
    folders: dict[str, PageSpec] = {}  # every folder that holds a page -> a page in it, its index page first
    for output, spec in pages.items():
        parts = output.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in folders or output == f"{folder}/index.html":
                folders[folder] = spec
    problems: list[Problem] = []
    for relative in statics:
        shown = show(relative)
        top = relative.split("/", 1)[0]
        if search and top in RESERVED_FOLDERS:
            problems.append(Problem(shown, 0, 0, "", f"{RESERVED_FOLDERS[top]} is written to /{top}/, so this file "
                                    "would be lost and the search would not work",
                                    f"rename or move it out of {top}/, or set search: false"))
            continue
        page = pages.get(relative) or folders.get(relative)
        if page is None:
            parts = relative.split("/")
            page = next((pages[f] for f in ("/".join(parts[:d]) for d in range(1, len(parts))) if f in pages), None)
        if page is not None:
            problems.append(_static_clash(page, relative, shown, line_of))
    return problems


_PAGE_NAMES = {"rss": "RSS feed", "atom": "Atom feed", "notfound": "not-found page", "news_sitemap": "news sitemap",
               "sitemap_index": "sitemap index", "robots": "robots.txt file", "sitemap": "sitemap"}


def _static_clash(spec: PageSpec, relative: str, shown: str, line_of: Callable[[str, str], int]) -> Problem:
    """The problem of one page that would replace (or need the place of) the static file ``shown``."""
    same, needs_folder = relative == spec.output, spec.output.startswith(relative + "/")
    if spec.kind in ("redirect", "article"):
        page = f"the redirect page {spec.url}" if spec.kind == "redirect" else f"this article's page {spec.url}"
        if same:
            what = f"would replace the static file {shown}"
        elif needs_folder:
            what = f"needs a folder where the static file {shown} is"
        else:
            what = f"is a file where the static file {shown} needs a folder"
        if spec.kind == "redirect":
            return Problem(spec.article, line_of(spec.article, spec.url.rstrip("/") or spec.url) or 1, 0,
                           "redirect_from", f"{page} {what}",
                           "remove the address from redirect_from; a static file is never replaced")
        return Problem(spec.article, 1, 0, "", f"{page} {what}", "give the article another slug:, or move the file")
    name = _PAGE_NAMES.get(spec.kind, f"{spec.kind.replace('_', ' ')} page")
    page = f"the {name} {spec.url} that newsgen makes"
    if same:
        what = f"{page} would replace this file"
    elif needs_folder:
        what = f"{page} needs a folder where this file is"
    else:
        what = f"this file needs a folder where {page} is"
    return Problem(shown, 0, 0, "", what, "rename or move the file; newsgen never replaces a static file")
