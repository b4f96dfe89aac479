"""The front page: the lead story, the latest articles, a block per section, and the Most read box.

The Most read box lists the articles an editor names in ``data/mostread.yaml`` (a list
of source paths, such as ``politics/talks.md``, or URLs, such as ``/politics/talks/``),
in that order. An entry that names no published article is an error with its line:
a box that silently lost a story would go unnoticed on the busiest page of the site.
"""
from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any, Callable, Mapping

from ..errors import Problem
from ..frontmatter import shown
from ..model import Site
from ..inputs import CONTENT_DIR
from ..slugs import output_path
from .base import Kind, PageSpec, PlanInput, Unit, View


class Home(Unit):
    kinds = (Kind.HOME,)
    public = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        # the items are what the page shows: lead story, latest, each section's newest (keys may repeat)
        site, config = ask.site, ask.config
        lead = site.lead
        items: tuple[str, ...] = ()
        if lead is not None:
            latest = tuple(a.key for a in site.articles if a.key != lead.key)[: config.home_latest]
            blocks = tuple(k for s in site.sections for k in s.articles[: config.home_section_size])
            items = (lead.key, *latest, *blocks)
        return [PageSpec(Kind.HOME, ask.urls.home, output_path(ask.urls.home), "home.html", config.title, items=items,
                         picks=most_read(ask))]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        site, config = view.site, view.config
        lead = site.lead
        # islice, not a list of every article: a delta build's site loads articles as they are asked for
        latest = list(islice((a for a in site.articles if lead is None or a.key != lead.key), config.home_latest))
        return {"lead": lead, "latest": latest, "most_read": site.get(spec.picks),
                "blocks": [(s, site.get(s.articles[: config.home_section_size])) for s in site.sections if s.articles]}

    def lastmod(self, spec: PageSpec, site: Site, newest: Callable[[], datetime | None]) -> datetime | None:
        return newest()


MOST_READ = "mostread"  # data/mostread.yaml
MOST_READ_MAX = 20
_HINT = "write the article's source path under content/ (politics/talks.md) or its URL (/politics/talks/)"


def most_read(ask: PlanInput) -> tuple[str, ...]:
    """The keys of the articles ``data/mostread.yaml`` names, in its order; problems go to ``ask``.

    In a site of several editions, an entry may name an article of any of them; each
    edition's box shows its own translation of it, and leaves it out when it has none.
    The problems are the file's, found once (by the default edition's front page)."""
    file = ask.data.files.get(MOST_READ)
    if file is None or file.value is None:
        return ()
    site = ask.everything
    default_edition = not ask.lang or ask.lang == ask.config.editions[0].code
    problems: list[Problem] = ask.problems if default_edition else []
    if not isinstance(file.value, list):
        problems.append(Problem(file.path, 1, 0, "", "must be a list of articles", _HINT))
        return ()
    keys = _named(file, site, ask, problems)
    if ask.whole is not None:  # the edition's version of each
        edition = ask.site.by_key
        keys = [next((k for k in site.translations.get(key, (key,)) if k in edition), "") for key in keys]
        keys = list(dict.fromkeys(k for k in keys if k))
    if len(keys) > MOST_READ_MAX:
        problems.append(Problem(file.path, file.line(str(MOST_READ_MAX)), 0, "",
                                f"only the first {MOST_READ_MAX} articles are shown", "shorten the list", "warning"))
    return tuple(keys[:MOST_READ_MAX])


def _named(file: Any, site: Site, ask: PlanInput, problems: list[Problem]) -> list[str]:
    """The keys of the published articles the file's entries name, in its order."""
    by_url = {a.url: a.key for a in site.articles}
    base = ask.config.url("/").rstrip("/")
    home = ask.config.abs_url("/").rstrip("/")
    keys: list[str] = []
    for index, entry in enumerate(file.value):
        line = file.line(str(index))
        text = entry.strip() if isinstance(entry, str) else ""
        found = _find(text, site.by_key, by_url, (home, base)) if text else None
        if found is None:
            named = f'"{text}"' if text else "an empty entry" if isinstance(entry, str) else shown(entry)
            problems.append(Problem(file.path, line, 0, "", f"{named} is not a published article",
                                    _HINT + "; a draft or an article dated in the future is not published yet"))
        elif found in keys:
            problems.append(Problem(file.path, line, 0, "", f'"{text}" is listed twice', "keep it once", "warning"))
        else:
            keys.append(found)
    return keys


def _find(text: str, by_key: Mapping[str, Any], by_url: Mapping[str, str], prefixes: tuple[str, ...]) -> str | None:
    """The key of the article ``text`` names: a source path (with or without content/) or a URL."""
    for key in (text, f"{CONTENT_DIR}/{text}", f"{CONTENT_DIR}/{text.lstrip('/')}"):
        if key in by_key:
            return key
    url = text
    for prefix in prefixes:  # an absolute URL, or one with the site's base path
        if prefix and url.startswith(prefix + "/"):
            url = url[len(prefix):]
            break
    url = url.split("#", 1)[0].split("?", 1)[0]
    if url.startswith("/") and not url.endswith("/") and "." not in url.rsplit("/", 1)[-1]:
        url += "/"
    return by_url.get(url)
