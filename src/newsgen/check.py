"""``newsgen check``: validate everything and every internal link, writing nothing.

Settings, content, rates and the page plan are loaded exactly as a build loads
them; every page is then rendered in memory (so template errors surface), and each
internal link and image reference is resolved against the planned pages and the
static files. A broken link in an article body is reported against the article's
source file and the line where the link is written, by the loading both share (the
build checks bodies too, see ``targets``), so build and check give one verdict under
the same ``broken_links`` and ``missing_images`` settings. An image in a body is looked
for where the build looks for it (next to the article's source, for a relative
path), and on a site under a base path a root-relative link without it is reported
(a template that writes ``href="/energy/"`` instead of ``{{ url('/energy/') }}``).
The site's own copies of theme files are checked against the theme's changelog (see
``eject``): warnings, never errors.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import unquote, urlsplit

from .config import Config
from .eject import override_warnings
from .i18n import CATALOG_FOLDER, Word, is_english, template_words, untranslated
from .loading import load_site
from .options import BuildOptions
from .parallel import collector_paused, jobs_for, run_chunks
from .pages import SiteRenderer
from .errors import ContentError, Problem
from .kinds import Kind, PageSpec, unit
from .render import PageProblem
from .report import Reporter
from .slugs import site_path
from .targets import body_links, internal_target, is_served, page_links
from .theme import template_dirs

MISSES_BASE = "misses the base path"  # a link's verdict besides broken


def check_site(options: BuildOptions, reporter: Reporter | None = None) -> list[Problem]:
    """Every problem of the site, its templates and its internal links; nothing is written."""
    with collector_paused():  # as for a build: the whole site is loaded and every page rendered
        return _check_site(options, reporter)


def _check_site(options: BuildOptions, reporter: Reporter | None) -> list[Problem]:
    try:
        loaded = load_site(options, reporter)  # no state: raises ContentError with every content problem
    except ContentError as stopped:
        raise ContentError(stopped.problems, "nothing was written") from None
    served = {spec.output for spec in loaded.specs} | set(loaded.statics)
    base = loaded.config.base_path
    problems = list(loaded.warnings) + override_warnings(options.site) + untranslated_words(options.site, loaded.config)
    sources = {a.key: a for a in loaded.site.articles}
    seen: set[tuple[str, str]] = set()
    checked = [i for i, spec in enumerate(loaded.specs)  # feeds and sitemaps hold absolute URLs only
               if unit(spec.kind).public or unit(spec.kind).checked]
    job = CheckJob(SiteRenderer(loaded, options.site), loaded.specs, served, base,
                   loaded.config if loaded.config.hosted else None)
    # rendering and reading the links of every page is most of a check: on every core, results in page order
    for index, failure, broken in run_chunks(_check_chunk, checked, jobs_for(options.jobs), job):
        spec = loaded.specs[index]
        if failure is not None:
            if failure not in problems:
                problems.append(failure)
            continue
        for link, verdict in broken:
            owner = spec.article if spec.kind is Kind.ARTICLE else ""
            if (owner or spec.url, link) in seen:
                continue
            seen.add((owner or spec.url, link))
            if verdict == MISSES_BASE:
                where = (owner, _line_of(options.site / owner, link, base)) if owner in sources else (
                    f"templates/{spec.template}", 0)
                problems.append(Problem(where[0], where[1], 0, "",
                                        f"the link {link} on {spec.url} misses the base path {base}",
                                        f"write {{{{ url('{link}') }}}} in templates, or {base}{link}"))
            elif owner and owner in sources and link in body_links(sources[owner].html):
                continue  # the build's own check of bodies reported it (see loading._body_links): once is enough
            elif owner and owner in sources:
                line = _line_of(options.site / owner, link, base)
                problems.append(Problem(owner, line, 0, "", f"the link {link} leads to no page of the site",
                                        "fix the address, or remove the link"))
            elif not owner:
                problems.append(Problem(f"templates/{spec.template}", 0, 0, "",
                                        f"the link {link} on {spec.url} leads to no page of the site",
                                        "fix the template or add the missing file under static/"))
    if any(p.is_error for p in problems):
        raise ContentError(problems, "nothing was written")
    return problems


def untranslated_words(site: Path, config: Config) -> list[Problem]:
    """A warning per edition whose language lacks some of the templates' words (see ``i18n``):
    readers of that edition see them in English."""
    dirs = template_dirs(site)
    words: list[Word] | None = None
    problems = []
    for language in config.editions:
        if is_english(language.code):
            continue
        words = template_words(dirs) if words is None else words
        missing = untranslated(dirs, language.code, words)
        if not missing:
            continue
        shown = ", ".join(f'"{w}"' for w in missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        problems.append(Problem(f"templates/{CATALOG_FOLDER}/{language.code}.po", 0, 0, "",
                                f"{len(missing)} of the templates' {len(words)} words have no translation into "
                                f"{language.name} ({language.code}), so its pages show them in English: {shown}",
                                f"add them to templates/{CATALOG_FOLDER}/{language.code}.po (msgid \"...\" / msgstr "
                                f"\"...\"); see the theme's templates/{CATALOG_FOLDER}/ru.po", "warning"))
    return problems


@dataclass(frozen=True)
class CheckJob:
    """What every chunk of pages to check needs (see ``parallel.run_chunks``)."""

    renderer: SiteRenderer
    specs: list[PageSpec]
    served: set[str]  # every output path the build would write
    base: str  # the site's base path
    config: Config | None = None  # the site's settings, when an edition is on a domain of its own


def _check_chunk(job: CheckJob, indices: Sequence[int]) -> list[tuple[int, Problem | None, list[tuple[str, str]]]]:
    """In a worker (or the parent): render pages; (page, template problem, [(link, verdict)]) for
    the links that lead nowhere ('broken') or leave the site's base path (:data:`MISSES_BASE`)."""
    pages, specs, served, base = job.renderer, job.specs, job.served, job.base
    out: list[tuple[int, Problem | None, list[tuple[str, str]]]] = []
    for i in indices:
        spec = specs[i]
        try:
            html = pages.render(spec).decode("utf-8")
        except PageProblem as exc:
            out.append((i, exc.problem, []))
            continue
        # the build serves body images from where it finds them (next to the source, or in the
        # image variants), whatever the relative path says about the page's URL
        article = pages.html.whole.by_key[spec.article] if spec.kind is Kind.ARTICLE else None
        body_images = set(article.body_images) if article is not None else set()
        broken = []
        edition = job.config.for_edition(spec.lang) if job.config is not None else None
        for link in page_links(html):
            found = article.site_file(link, base) if article is not None and link in body_images else ""
            if edition is not None and (link.startswith("/") or urlsplit(link).netloc):
                # an edition on a domain of its own: root-relative links are on its host, and
                # links to the site's hosts are the site's (see Config.site_path)
                mapped = edition.site_path(link.split("#")[0].split("?")[0])
                if mapped is not None:
                    if not is_served(unquote(mapped), served):
                        broken.append((link, "broken"))
                    continue
            target = found or internal_target(link, spec.url, base)
            if base and link.startswith("/") and not link.startswith("//") and site_path(link, base) is None:
                broken.append((link, MISSES_BASE))
            elif target is not None and not is_served(target, served):
                broken.append((link, "broken"))
        out.append((i, None, broken))
    return out


def _line_of(source: Path, link: str, base: str) -> int:
    """The first line of ``source`` that mentions ``link`` (as written, without the base path)."""
    written = link[len(base):] if base and link.startswith(base + "/") else link
    try:
        for number, line in enumerate(source.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if written in line or link in line:
                return number
    except OSError:
        pass
    return 0
