"""One build, from settings to an updated output folder; returns a :class:`BuildResult`.

Everything is read and checked before anything is written: settings, content, rates,
the page plan. Then only the pages whose inputs changed since the last build are
rendered (all of them on a clean build), on every core, into a staging folder beside
the output. Only when every page has rendered does the output change: a clean build
swaps the staging folder in; an incremental one moves the changed files in and
removes the stale ones. Content problems are collected across all files and raised
together as one ContentError; nothing is printed here.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from . import __version__
from .config import SETTINGS_FILE, Config, load_config
from .content import CONTENT_DIR, Source, find_sources, is_ignored_name, load_article, not_copied
from .dates import build_now
from .digests import PageDigests, digest, template_digests
from .errors import ContentError, Problem, sort_problems
from .feeds import FeedRenderer
from .markup import CachedMarkup, MarkupRenderer, Rendered
from .model import Article, Site, build_site
from .output import Staging, check_output_folder, commit_incremental, static_files
from .parallel import default_jobs, run_chunks, shared
from .plan import FEED_KINDS, NEWS_WINDOW, SITEMAP_KINDS, PageSpec, plan_site
from .render import PageRenderer, TemplateProblem, make_environment
from .report import Reporter
from .sitemaps import SitemapRenderer
from .state import BuildState, open_state
from .theme import theme_root
from .ticker import RATES_FILE, Rates, load_rates


@dataclass(frozen=True)
class BuildOptions:
    """What the editor asked for: where the site is, where it goes, what to include."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # defaults to the build clock (SOURCE_DATE_EPOCH aware)
    clean: bool = False  # ignore the build state: read and render everything
    jobs: int = 0  # worker processes; 0 means one per core
    use_state: bool = True  # False: neither read nor write .newsgen/ (newsgen check)

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site / "build"


@dataclass
class BuildResult:
    """What a build did: counts for the summary line, warnings, where the output is."""

    output: Path
    articles: int
    pages: int
    files: int  # files written (pages and static files)
    seconds: float
    rendered: int = 0  # pages rendered (the others were unchanged since the last build)
    parsed: int = 0  # articles read from source (the others came from the build state)
    removed: int = 0  # stale files deleted from the output
    incremental: bool = False
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
    fingerprints: dict[str, str] = field(default_factory=dict)  # article key -> digest of its inputs
    parsed: int = 0  # sources parsed (not taken from the build state)
    valid_until: float = float("inf")  # see _valid_until


@dataclass
class Scan:
    """The content folder read from disk: every source's bytes and their hashes."""

    sources: list[Source]
    problems: list[Problem]
    raw: dict[str, bytes]
    hashes: dict[str, str]


def scan_sources(site: Path) -> Scan:
    """Find and read every source; an unreadable file is a problem, not a crash."""
    sources, problems = find_sources(site)
    raw: dict[str, bytes] = {}
    hashes: dict[str, str] = {}
    for source in sources:
        try:
            with open(source.path, "rb") as file:
                data = file.read()
        except OSError as exc:
            problems.append(Problem(source.key, 0, 0, "", f"cannot be read: {exc.strerror}",
                                    "check the file's permissions"))
            continue
        raw[source.key] = data
        hashes[source.key] = hashlib.blake2b(data, digest_size=16).hexdigest()
    return Scan([s for s in sources if s.key in raw], problems, raw, hashes)


def load_site(options: BuildOptions, reporter: Reporter | None = None, state: BuildState | None = None,
              scan: Scan | None = None) -> LoadedSite:
    """Read settings, content and rates and plan every page; raise ContentError listing all problems."""
    reporter = reporter or Reporter()
    config = load_config(options.site)
    now = options.now or build_now()
    scan = scan or scan_sources(options.site)
    sources = scan.sources
    problems = list(config.warnings) + scan.problems
    results, fingerprints, parsed = _read_articles(scan, config, options, reporter, state)
    articles: list[Article] = []
    for source in sources:
        article, found = results[source.key]
        problems += found
        if article is not None:
            articles.append(article)
    rates, rate_problems = load_rates(options.site, config.zone)
    problems += rate_problems

    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.date > now and not options.future and not (a.draft and not options.drafts)]
    published = [a for a in articles if (options.drafts or not a.draft) and (options.future or a.date <= now)]
    site = build_site(published, config.sections, config.related_size)
    specs, plan_problems = plan_site(site, config, now)
    problems += plan_problems
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    return LoadedSite(config, site, rates, specs, sort_problems(problems), len(drafts), len(future), fingerprints,
                      parsed, _valid_until(articles, site, now))


def _valid_until(articles: list[Article], site: Site, now: datetime) -> float:
    """When the passing of time alone next changes the site (a future article comes due,
    an article leaves the news sitemap's window); a timestamp, or infinity."""
    moments = [a.date.timestamp() for a in articles if a.date > now]
    moments += [a.date.timestamp() + NEWS_WINDOW.total_seconds() for a in site.articles if a.date <= now]
    later = [m for m in moments if m > now.timestamp()]
    return min(later, default=float("inf"))


Result = tuple[Article | None, list[Problem]]
ARTICLE_FORMAT = "2"  # bump when Article's fields or pickling change: cached articles are then re-read


def _read_articles(scan: Scan, config: Config, options: BuildOptions, reporter: Reporter,
                   state: BuildState | None) -> tuple[dict[str, Result], dict[str, str], int]:
    """Every source as an article or problems: from the state cache when unchanged, else parsed."""
    markup = MarkupRenderer(config.base_path)
    settings = digest(ARTICLE_FORMAT, __version__, config.timezone, config.permalink, config.base_url,
                      markup.settings_key)
    cached = state.cached_articles() if state is not None else {}
    results: dict[str, Result] = {}
    sources, hashes = scan.sources, scan.hashes
    to_parse: list[tuple[Source, bytes]] = []
    reporter.start("reading", len(sources))
    for source in sources:
        raw = scan.raw[source.key]
        hit = cached.get(source.key)
        result = _unpickle(hit[2]) if hit is not None and hit[0] == hashes[source.key] and hit[1] == settings else None
        if result is not None:
            results[source.key] = result
            reporter.advance()
        else:
            to_parse.append((source, raw))
    handover = {"config": config, "parse": to_parse, "state_path": state.path if state else None}
    parsed = run_chunks(_parse_chunk, range(len(to_parse)), _jobs(options), handover, reporter.advance)
    reporter.finish()
    fresh_markdown: dict[str, Rendered] = {}
    rows = []
    for key, data, markdown in parsed:
        results[key] = pickle.loads(data)
        fresh_markdown.update(markdown)
        rows.append((key, hashes[key], settings, data))
    if state is not None and (rows or len(cached) != len(sources)):
        state.begin()
        state.store_articles(rows, keep=set(hashes))
        state.store_markdown(fresh_markdown.items(), limit=2 * len(sources) + 100)
        state.commit()
    return results, {key: digest(h, settings) for key, h in hashes.items()}, len(to_parse)


def _unpickle(data: bytes) -> Result | None:
    """A cached result, or None when the cache entry cannot be read (then the file is parsed again)."""
    try:
        result = pickle.loads(data)
    except Exception:  # noqa: BLE001 - any damage to a cache entry means: read the source again
        return None
    return result if isinstance(result, tuple) and len(result) == 2 else None


def _parse_chunk(indices: Sequence[int]) -> list[tuple[str, bytes, list[tuple[str, Rendered]]]]:
    """In a worker (or the parent): parse sources, rendering Markdown through the cache."""
    config: Config = shared("config")
    to_parse: list[tuple[Source, bytes]] = shared("parse")
    markup = _worker_markup(config, shared("state_path"))
    out = []
    for i in indices:
        source, raw = to_parse[i]
        markup.fresh = {}
        result = load_article(source, raw, config, markup)  # type: ignore[arg-type]
        out.append((source.key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), list(markup.fresh.items())))
    return out


def _worker_markup(config: Config, state_path: Path | None) -> CachedMarkup:
    """One Markdown converter per process (building one costs more than a page), with the cache."""
    from . import parallel

    cache_key = ("markup", config.base_path, str(state_path))
    markup = parallel._SHARED.get(cache_key)  # noqa: SLF001 - per-process memo next to the handover
    if markup is None:
        lookup = _markdown_lookup(state_path)
        markup = CachedMarkup(MarkupRenderer(config.base_path), lookup)
        parallel._SHARED[cache_key] = markup  # noqa: SLF001
    return markup


def _markdown_lookup(state_path: Path | None) -> Any:
    if state_path is None or not Path(state_path).exists():
        return lambda key: None
    db = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True, check_same_thread=False)

    def lookup(key: str) -> Rendered | None:
        try:
            row = db.execute("SELECT data FROM markdown WHERE body_hash = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return pickle.loads(row[0]) if row else None
    return lookup


def _jobs(options: BuildOptions) -> int:
    return options.jobs if options.jobs > 0 else default_jobs()


def template_dirs(site: Path) -> list[Path]:
    """Site templates first, then the default theme's."""
    dirs = [site / "templates", theme_root() / "templates"]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


def static_roots(site: Path) -> list[Path]:
    """Folders copied to the output as they are, later ones winning: the theme's static/,
    the site's content/ (images and files next to the articles) and the site's static/."""
    roots = [theme_root() / "static", site / CONTENT_DIR, site / "static"]
    return list(dict.fromkeys(r.resolve() for r in roots if r.is_dir()))



class SiteRenderer:
    """Renders any page of a loaded site: HTML through Jinja, feeds, sitemaps."""

    def __init__(self, loaded: LoadedSite, site_root: Path) -> None:
        dirs = template_dirs(site_root)
        self.env = make_environment(dirs)
        self.html = PageRenderer(loaded.site, loaded.config, loaded.rates, self.env, dirs, site_root)
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
    state, reason = open_state(options.site, str(output.resolve())) if options.use_state else (None, "")
    try:
        if reason:
            reporter.problem(Problem(".newsgen/state.db", 0, 0, "", reason, severity="warning"))
        if state is not None and options.clean:
            state.clear()
        options = replace(options, now=options.now or build_now())
        scan = scan_sources(options.site)
        snapshot = _snapshot(options, scan)
        if state is not None and output.is_dir():
            unchanged = _unchanged(state, snapshot, options, reporter, started)
            if unchanged is not None:
                return unchanged
        loaded = load_site(options, reporter, state, scan)
        for warning in loaded.warnings:
            reporter.problem(warning)
        result = _render_and_write(options, loaded, state, reporter, started)
        if state is not None:
            _remember(state, snapshot, loaded.valid_until, result)
        return result
    finally:
        if state is not None:
            state.close()


def _snapshot(options: BuildOptions, scan: Scan) -> str:
    """A digest of every input of a build; equal snapshots (within their time limit) mean equal sites."""
    site = options.site
    parts = [__version__, ARTICLE_FORMAT, repr((options.drafts, options.future)), str(options.output_dir.resolve())]
    for name in (SETTINGS_FILE, RATES_FILE):
        path = site / name
        parts.append(hashlib.blake2b(path.read_bytes()).hexdigest() if path.is_file() else "-")
    parts += (f"{s.key}:{scan.hashes[s.key]}" for s in scan.sources)
    parts += (p.format() for p in scan.problems)
    for folder in template_dirs(site):
        for relative, (path, _) in static_files([folder], is_ignored_name).items():
            parts.append(f"{folder}:{relative}:{hashlib.blake2b(path.read_bytes()).hexdigest()}")
    parts += (f"{rel}:{sig}" for rel, (_, sig) in static_files(static_roots(site), not_copied).items())
    return digest(*parts)


def _unchanged(state: BuildState, snapshot: str, options: BuildOptions, reporter: Reporter,
               started: float) -> BuildResult | None:
    """The last build's result when nothing it read has changed (and no article came due)."""
    if state.get_meta("snapshot") != snapshot or state.get_meta("dirty") != "0" or options.now is None:
        return None
    try:
        if options.now.timestamp() >= float(state.get_meta("valid_until") or "0"):
            return None
        last = json.loads(state.get_meta("result") or "")
        warnings = [Problem(**p) for p in last.pop("warnings")]
    except (ValueError, TypeError, KeyError):
        return None
    for warning in warnings:
        reporter.problem(warning)
    return BuildResult(output=options.output_dir, files=0, rendered=0, parsed=0, removed=0, incremental=True,
                       seconds=time.perf_counter() - started, warnings=warnings, **last)


def _remember(state: BuildState, snapshot: str, valid_until: float, result: BuildResult) -> None:
    summary = {"articles": result.articles, "pages": result.pages, "skipped_drafts": result.skipped_drafts,
               "skipped_future": result.skipped_future, "warnings": [asdict(w) for w in result.warnings]}
    state.begin()
    state.set_meta("snapshot", snapshot)
    state.set_meta("valid_until", repr(valid_until))
    state.set_meta("result", json.dumps(summary))
    state.commit()


def _render_and_write(options: BuildOptions, loaded: LoadedSite, state: BuildState | None, reporter: Reporter,
                      started: float) -> BuildResult:
    output = options.output_dir
    renderer = SiteRenderer(loaded, options.site)
    statics = static_files(static_roots(options.site), not_copied)
    statics_digest = digest(*(f"{rel}:{sig}" for rel, (_, sig) in sorted(statics.items())))
    digests = PageDigests(loaded.site, loaded.config, loaded.rates, loaded.fingerprints,
                          template_digests(renderer.env), statics_digest).all(loaded.specs)
    previous = state.outputs() if state is not None and output.is_dir() else {}
    incremental = bool(previous)
    out_text = str(output)
    todo = [i for i, spec in enumerate(loaded.specs)
            if not incremental or previous.get(spec.output, ("", ""))[0] != digests[i]
            or not os.path.isfile(os.path.join(out_text, spec.output))]

    staging = Staging(output)
    try:
        handover = {"renderer": renderer, "specs": loaded.specs, "staging": staging,
                    "previous": previous if incremental else {}, "output": output}
        reporter.start("rendering", len(todo))
        rendered = run_chunks(_render_chunk, todo, _jobs(options), handover, reporter.advance)
        reporter.finish()
        failures: dict[tuple[str, int, str], Problem] = {}
        for _, _, _, problem in rendered:
            if problem is not None:
                failures.setdefault((problem.path, problem.line, problem.message.split(" (while rendering")[0]), problem)
        if failures:
            raise ContentError(failures.values())
        hashes = {loaded.specs[i].output: (digests[i], h) for i, h, _, _ in rendered}
        outputs = {spec.output: hashes.get(spec.output) or (digests[i], previous[spec.output][1])
                   for i, spec in enumerate(loaded.specs)}
        written = sum(1 for _, _, wrote, _ in rendered if wrote)
        if state is not None:
            state.set_meta("dirty", "1")
        if incremental:
            copied, removed = commit_incremental(staging, output, set(outputs), set(previous), statics,
                                                 state.statics() if state is not None else {})
        else:
            copied, removed = staging.copy_statics(statics), 0
            staging.commit()
        if state is not None:
            state.begin()
            state.replace_outputs(outputs)
            state.replace_statics({rel: sig for rel, (_, sig) in statics.items()})
            state.set_meta("dirty", "0")
            state.commit()
    except BaseException:
        staging.abort()
        raise
    return BuildResult(
        output=output, articles=len(loaded.site.articles), pages=len(loaded.specs), files=written + copied,
        seconds=time.perf_counter() - started, rendered=len(todo), parsed=loaded.parsed, removed=removed,
        incremental=incremental,
        skipped_drafts=loaded.skipped_drafts, skipped_future=loaded.skipped_future, warnings=loaded.warnings,
    )


def _render_chunk(indices: Sequence[int]) -> list[tuple[int, str, bool, Problem | None]]:
    """In a worker (or the parent): render pages; write those whose bytes changed into staging."""
    renderer: SiteRenderer = shared("renderer")
    specs: list[PageSpec] = shared("specs")
    staging: Staging = shared("staging")
    previous: dict[str, tuple[str, str]] = shared("previous")
    output: Path = shared("output")
    out: list[tuple[int, str, bool, Problem | None]] = []
    for i in indices:
        spec = specs[i]
        try:
            data = renderer.render(spec)
        except TemplateProblem as exc:
            out.append((i, "", False, exc.problem))
            continue
        page_hash = hashlib.blake2b(data, digest_size=16).hexdigest()
        old = previous.get(spec.output)
        if old is not None and old[1] == page_hash and os.path.isfile(output / spec.output):
            out.append((i, page_hash, False, None))  # same bytes: leave the file and its mtime alone
            continue
        staging.write(spec.output, data)
        out.append((i, page_hash, True, None))
    return out
