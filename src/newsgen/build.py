"""One build, from settings to a swapped-in output folder; returns a :class:`BuildResult`.

Everything is read and checked before anything is written: settings, content,
rates, the page plan. Only then are pages rendered into a staging folder, which
replaces the output folder when every page has been written. Content problems are
collected across all files and raised together as one ContentError; nothing is
printed here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .config import Config, load_config
from .content import Source, find_sources, is_ignored_name, load_article
from .dates import build_now
from .errors import ContentError, Problem, sort_problems
from .markup import MarkupRenderer
from .model import Article, Site, build_site
from .output import Staging, check_output_folder
from .feeds import FeedRenderer
from .plan import FEED_KINDS, SITEMAP_KINDS, PageSpec, plan_site
from .render import PageRenderer, TemplateProblem, make_environment
from .sitemaps import SitemapRenderer
from .report import Reporter
from .theme import theme_root
from .ticker import Rates, load_rates


@dataclass(frozen=True)
class BuildOptions:
    """What the editor asked for: where the site is, where it goes, what to include."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # defaults to the build clock (SOURCE_DATE_EPOCH aware)

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site / "build"


@dataclass
class BuildResult:
    """What a build did: counts for the summary line, warnings, where the output is."""

    output: Path
    articles: int
    pages: int
    files: int
    seconds: float
    skipped_drafts: int = 0
    skipped_future: int = 0
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class LoadedSite:
    """A site read and checked, ready to render: the result of :func:`load_site`."""

    config: Config
    site: Site
    rates: Rates
    specs: list[PageSpec]
    warnings: list[Problem]
    skipped_drafts: int
    skipped_future: int


def load_site(options: BuildOptions, reporter: Reporter | None = None) -> LoadedSite:
    """Read settings, content and rates and plan every page; raise ContentError listing all problems."""
    reporter = reporter or Reporter()
    config = load_config(options.site)
    now = options.now or build_now()
    sources, problems = find_sources(options.site)
    problems = list(config.warnings) + problems
    markup = MarkupRenderer(config.base_path)
    articles: list[Article] = []
    reporter.start("reading", len(sources))
    for source in sources:
        article, found = _load(source, config, markup)
        problems += found
        if article is not None:
            articles.append(article)
        reporter.advance()
    reporter.finish()
    rates, rate_problems = load_rates(options.site, config.zone)
    problems += rate_problems

    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.date > now and not options.future and not (a.draft and not options.drafts)]
    published = [a for a in articles if (options.drafts or not a.draft) and (options.future or a.date <= now)]
    site = build_site(published, config.sections, config.related_size)
    specs, plan_problems = plan_site(site, config, now)
    problems += plan_problems
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ContentError(problems)
    return LoadedSite(config, site, rates, specs, sort_problems(problems), len(drafts), len(future))


def _load(source: Source, config: Config, markup: MarkupRenderer) -> tuple[Article | None, list[Problem]]:
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return None, [Problem(source.key, 0, 0, "", f"cannot be read: {exc.strerror}", "check the file's permissions")]
    return load_article(source, raw, config, markup)


def template_dirs(site: Path) -> list[Path]:
    """Site templates first, then the default theme's."""
    dirs = [site / "templates", theme_root() / "templates"]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


def static_roots(site: Path) -> list[Path]:
    """The theme's static folder, then the site's (whose files win), without repeats."""
    roots = [theme_root() / "static", site / "static"]
    return list(dict.fromkeys(r.resolve() for r in roots if r.is_dir()))


class SiteRenderer:
    """Renders any page of a loaded site: HTML through Jinja, feeds, sitemaps."""

    def __init__(self, loaded: LoadedSite, site_root: Path) -> None:
        dirs = template_dirs(site_root)
        self.html = PageRenderer(loaded.site, loaded.config, loaded.rates, make_environment(dirs), dirs, site_root)
        self.feeds = FeedRenderer(loaded.site, loaded.config, static_roots(site_root))
        self.sitemaps = SitemapRenderer(loaded.site, loaded.config, loaded.specs)

    def render(self, spec: PageSpec) -> bytes:
        if spec.kind in FEED_KINDS:
            return self.feeds.render(spec)
        if spec.kind in SITEMAP_KINDS:
            return self.sitemaps.render(spec)
        return self.html.render(spec)


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Build the site into its output folder, or raise and leave the output untouched."""
    started = time.perf_counter()
    reporter = reporter or Reporter()
    output = options.output_dir
    check_output_folder(output, options.site)
    loaded = load_site(options, reporter)
    for warning in loaded.warnings:
        reporter.problem(warning)
    pages = SiteRenderer(loaded, options.site)

    staging = Staging(output)
    try:
        failures: dict[tuple[str, int, str], Problem] = {}
        reporter.start("rendering", len(loaded.specs))
        for spec in loaded.specs:
            try:
                staging.write(spec.output, pages.render(spec))
            except TemplateProblem as exc:
                p = exc.problem
                failures.setdefault((p.path, p.line, p.message.split(" (while rendering")[0]), p)
                if len(failures) >= 20:
                    break
            reporter.advance()
        reporter.finish()
        if failures:
            raise ContentError(failures.values())
        for root in static_roots(options.site):
            staging.copy_tree(root, is_ignored_name)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return BuildResult(
        output=output, articles=len(loaded.site.articles), pages=len(loaded.specs), files=staging.files,
        seconds=time.perf_counter() - started, skipped_drafts=loaded.skipped_drafts,
        skipped_future=loaded.skipped_future, warnings=loaded.warnings,
    )
