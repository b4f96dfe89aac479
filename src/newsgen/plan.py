"""Every output of a build as a :class:`PageSpec`: URL, file, template, articles, inputs.

The plan is plain data, made by the units of ``kinds`` in their registered order.
Incremental rebuilds and parallel rendering ask it one question: which pages, from
which inputs. Here too: the pages that would overwrite each other, and the static
files that pages would replace, reported with every file involved.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Callable, Iterable

from .config import Config
from .data import SiteData
from .errors import Problem
from .kinds import UNITS, Kind, PageSpec, PlanInput
from .model import Article, Site
from . import urls


def plan_site(site: Site, config: Config, now: datetime,
              data: SiteData | None = None) -> tuple[list[PageSpec], list[Problem]]:
    """All pages of the site, unit by unit (see ``kinds``), and the problems (URL clashes,
    bad redirects, a data file naming an article there is not) found on the way. ``now``
    (the build's time) only decides which articles the news sitemap holds."""
    ask = PlanInput(site, config, now, data or SiteData())
    editions = [PlanInput(site.edition(e.code), config.for_edition(e.code), now, ask.data, ask.planned, ask.problems,
                          e.code, e.urls, site) for e in config.languages] if config.multilingual else [ask]
    for each in UNITS:
        if not each.per_edition:
            ask.planned += each.plan(ask)
            continue
        for edition in editions:
            specs = each.plan(edition)
            ask.planned += [replace(s, lang=edition.lang) for s in specs] if edition.lang else specs
    problems = _clashes(site, [s for s in ask.planned if s.kind is not Kind.REDIRECT], config)  # redirects never clash
    if config.multilingual:
        return with_versions(ask.planned, site, config), problems + ask.problems
    return ask.planned, problems + ask.problems


def with_versions(specs: list[PageSpec], site: Site, config: Config) -> list[PageSpec]:
    """The specs with the versions of each page in the editions that have it (see ``PageSpec.versions``).

    An article's versions are its translations (see ``model.build_editions``); any other
    edition page's are the pages at the same address in the other editions' trees
    (``/politics/`` and ``/ru/politics/``). Worked out once, here, so that a page's digest
    holds them: a translation that appears or goes renders its counterparts again.
    """
    prefixes = {language.code: language.prefix for language in config.languages}
    planned = {spec.url for spec in specs if spec.lang and spec.kind is not Kind.REDIRECT}
    out = []
    for spec in specs:
        if not spec.lang or spec.kind is Kind.REDIRECT:
            out.append(spec)
            continue
        if spec.kind is Kind.ARTICLE:
            versions = tuple((site.by_key[k].lang, site.by_key[k].url)
                             for k in site.translations.get(spec.article, (spec.article,)))
        else:
            own = prefixes[spec.lang]
            rest = spec.url[len(own):] if spec.url.startswith(own + "/") else None
            versions = tuple((code, prefix + rest) for code, prefix in prefixes.items()
                             if rest is not None and prefix + rest in planned)
        out.append(replace(spec, versions=versions) if len(versions) > 1 else spec)
    return out


NAMED = 3  # the other files a clash names before "and N more"


def _clashes(site: Site, specs: list[PageSpec], config: Config) -> list[Problem]:
    """One problem per file whose page would overwrite another page, naming a few of the others
    (an archive may have dozens of articles on one address) and what would tell them apart."""
    outputs = [spec.output for spec in specs]
    if len(set(outputs)) == len(outputs):  # the usual case, found without grouping thirteen thousand pages
        return _case_clashes(specs) if len({o.casefold() for o in outputs}) < len(outputs) else []
    claims: dict[str, list[PageSpec]] = defaultdict(list)
    for spec in specs:
        claims[spec.output].append(spec)
    problems: list[Problem] = []
    for output, group in sorted(claims.items()):
        if len(group) < 2:
            continue
        files = sorted(s.article for s in group if s.article)
        generated = [f"the {s.url} page newsgen makes" for s in group if not s.article]
        hint = _clash_hint([site.by_key[f] for f in files if f in site.by_key], bool(generated), config)
        for spec in group:
            if not spec.article:
                continue
            others = generated + [f for f in files if f != spec.article]
            problems.append(Problem(spec.article, 1, 0, "", f"URL {spec.url} is also claimed by {_named(others)}", hint))
    return problems


def _case_clashes(specs: list[PageSpec]) -> list[Problem]:
    """A warning per article whose address differs from another only in case ('/blog/Hello/' and
    '/blog/hello/', as slugs: keep or an own permalink may make): the web tells them apart, but on
    a disk that does not (macOS's, Windows's) one page replaces the other."""
    by_folded: dict[str, list[PageSpec]] = defaultdict(list)
    for spec in specs:
        by_folded[spec.output.casefold()].append(spec)
    problems: list[Problem] = []
    for group in by_folded.values():
        if len(group) < 2:
            continue
        for spec in group:
            if spec.article:
                others = [o.url for o in group if o is not spec]
                problems.append(Problem(spec.article, 1, 0, "", f"URL {spec.url} differs only in case from "
                                        f"{_named(others)}; on a disk that ignores case (macOS, Windows) one page "
                                        "replaces the other", "give one of them another slug:", "warning"))
    return problems


def _named(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 9 more'."""
    if len(names) > NAMED + 1:
        return f"{', '.join(names[:NAMED])} and {len(names) - NAMED} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _clash_hint(articles: list[Article], generated: bool, config: Config) -> str:
    """What would give the articles of one clash addresses of their own: another slug, or a
    permalink pattern with a part that differs between them (the year, month, day, section)."""
    if generated:
        return "give the article another slug:; the address is one that newsgen needs for its own page"
    pattern = config.permalink
    if "{slug}" not in pattern:
        return f'put {{slug}} into the permalink pattern (permalink: "{pattern}" in newsgen.yaml)'
    slugs = {a.slug for a in articles}
    shared = f"they share the slug '{next(iter(slugs))}'" if len(slugs) == 1 else "their addresses are the same"
    parts = _telling_apart(articles, config)
    if not parts:
        return f"{shared}: set slug: in all but one of them"
    new = pattern.replace("{slug}", "/".join(f"{{{p}}}" for p in parts) + "/{slug}", 1)
    return f'{shared}: set slug: in all but one of them, or use permalink: "{new}" in newsgen.yaml'


def _telling_apart(articles: list[Article], config: Config) -> list[str]:
    """The fewest placeholders missing from the permalink pattern that give each article another
    address ([] when none would): the year, then the month and day, else the section."""
    pattern = config.permalink
    dates = [a.date.astimezone(config.for_edition(a.lang).zone if config.multilingual else config.zone)
             for a in articles]
    missing = [p for p in ("year", "month", "day") if f"{{{p}}}" not in pattern]
    for count in range(1, len(missing) + 1):
        parts = missing[:count]
        if len({tuple(getattr(d, p) for p in parts) for d in dates}) == len(articles):
            return parts
    if "{section}" not in pattern and len({a.section for a in articles}) == len(articles):
        return ["section"]
    return []


SEARCH_INDEX_FOLDER = urls.SEARCH_INDEX.strip("/")  # where each edition's search index goes (see search.py)
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


_PAGE_NAMES = {Kind.RSS: "RSS feed", Kind.ATOM: "Atom feed", Kind.NOT_FOUND: "not-found page",
               Kind.NEWS_SITEMAP: "news sitemap", Kind.SITEMAP_INDEX: "sitemap index", Kind.ROBOTS: "robots.txt file",
               Kind.SITEMAP: "sitemap"}


def _static_clash(spec: PageSpec, relative: str, shown: str, line_of: Callable[[str, str], int]) -> Problem:
    """The problem of one page that would replace (or need the place of) the static file ``shown``."""
    same, needs_folder = relative == spec.output, spec.output.startswith(relative + "/")
    if spec.kind in (Kind.REDIRECT, Kind.ARTICLE):
        page = f"the redirect page {spec.url}" if spec.kind is Kind.REDIRECT else f"this article's page {spec.url}"
        if same:
            what = f"would replace the static file {shown}"
        elif needs_folder:
            what = f"needs a folder where the static file {shown} is"
        else:
            what = f"is a file where the static file {shown} needs a folder"
        if spec.kind is Kind.REDIRECT:
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
