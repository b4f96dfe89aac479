"""One build, from settings to an updated output folder; returns a :class:`BuildResult`.

Everything is read and checked before anything is written (``loading``). Then only
the pages whose inputs changed since the last build are rendered (all of them on a
clean build), on every core: a clean build into a staging folder beside the output,
an incremental one into memory. Only when every page has rendered does the output
change: a clean build swaps the staging folder in; an incremental one writes the
changed files and removes stale ones.
When no input changed at all, nothing is even loaded (nor are the modules that read
articles and render pages: they are imported where those paths begin). Nothing is printed here.
"""
from __future__ import annotations

import enum
import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from . import __version__
from .inputs import RATES_FILE, SETTINGS_FILE, data_files, is_ignored_name, signature as file_signature
from .dates import Window, build_now
from .hashing import digest, digest_all
from .errors import ContentError, Interrupted, OutputError, Problem, warning as make_warning
from .options import ARTICLE_FORMAT, BuildOptions
from .scan import Scan, scan_sources
from .theme import template_dirs
from .output import (PendingPages, Staging, check_output_folder, clear_leftovers, commit_incremental,
                     interrupts_held, page_hash, remove_folder, static_files, statics_of, work_folder)
from .parallel import collector_paused, jobs_for, run_chunks
from .report import Reporter
from .search import BOOK_FILE, MANIFEST, Book, index_folders, index_ready
from .state import STATE_DIR, BuildState, FeedEntries, Outcome, Summary, TickerRecord, open_state, site_lock

if TYPE_CHECKING:
    from .delta import DeltaPlan
    from .loading import LoadedSite
    from .model import Article
    from .digests import PageDigests, Pieces
    from .images import ImageInfo
    from .indexer import Indexer
    from .kinds import PageSpec
    from .pages import PageOutcome, SiteRenderer, SplicePlan
    from .render import PageRenderer

__all__ = ["BuildOptions", "BuildResult", "build"]


@dataclass
class BuildResult:
    """What a build did: counts for the summary line, warnings, where the output is."""

    output: Path
    articles: int
    pages: int
    files: int  # files written (pages and static files)
    seconds: float
    rendered: int = 0  # pages rendered (the others were unchanged since the last build, or spliced)
    spliced: int = 0  # pages brought up to date with new rates by swapping their ticker's HTML
    parsed: int = 0  # articles read from source (the others came from the build state)
    removed: int = 0  # stale files deleted from the output
    left_alone: int = 0  # pages not written because they changed on disk during the build (see output.py)
    incremental: bool = False
    delta: bool = False  # only the pages of edited articles were rendered, the rest of the site not loaded
    skipped_drafts: int = 0
    skipped_future: int = 0
    warnings: list[Problem] = field(default_factory=list)


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Build the site into its output folder, or raise and leave the output untouched."""
    with collector_paused():
        if not options.use_state:
            return _build(options, reporter)
        with site_lock(options.site, options.lock_wait):
            return _build(options, reporter)


def _build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    started = time.perf_counter()
    reporter = reporter or Reporter()
    output = options.output_dir
    check_output_folder(output, options.site)
    # bad settings or a bad clock stop the build before it touches the build state (a --clean build
    # would otherwise forget everything, and the next build render the whole site again)
    options.settings()
    options = replace(options, now=options.now or build_now())
    state, reason = open_state(options.site, str(output.resolve())) if options.use_state else (None, "")
    if state is not None:  # the site's lock is held: what killed builds left can go
        clear_leftovers(output, work_folder(output, options.site))
    try:
        if reason:
            reporter.problem(Problem(".newsgen/state.db", 0, 0, "", reason, severity="warning"))
        if state is not None and options.clean:
            state.clear()
        scan = scan_sources(options.site, state.known_sources() if state is not None else None, jobs_for(options.jobs),
                            state.known_folders() if state is not None else None)
        record = scan.known()
        if state is not None and record is not None:
            state.set_known_sources(record)  # true of the files whatever becomes of this build
        if state is not None and scan.folders_changed:
            state.set_known_folders(scan.folders)
        inputs = _snapshot(options, scan)
        # a restart since the last build: pages it wrote may not have reached the disk (see state.boot_id)
        restarted = state is not None and state.restarted()
        for path in choose_paths(options, state, restarted):
            if path is BuildPath.NO_OP and state is not None:
                result = _unchanged(state, inputs.snapshot, options, reporter, started)
            elif path is BuildPath.DELTA and state is not None:
                result = _delta(options, state, scan, inputs, reporter, started)
            else:
                result = _full(options, state, scan, inputs, reporter, started, verify=restarted)
            if result is not None:
                if state is not None and record is None and scan.unchanged is None:
                    fresh = scan.known()  # the last record could not be read: this build read every file
                    if fresh is not None:
                        state.set_known_sources(fresh)
                return result
        raise AssertionError("the full path always builds")  # pragma: no cover
    except BaseException:
        if options.memory is not None:
            options.memory.last = None  # no preview from a site that no longer builds (see preview.py)
        raise
    finally:
        if state is not None:
            state.close()


class BuildPath(enum.Enum):
    """The ways a build can go, cheapest first. Each but FULL may find, once it has looked,
    that it cannot be taken, and leaves the build to the next one."""

    NO_OP = "no-op"  # nothing the last build read has changed: its result stands (see _unchanged)
    DELTA = "delta"  # only the text of articles that did not move: their pages from the skeleton (see delta)
    FULL = "full"  # load, plan, and render what changed (everything after --clean or without a state)


def choose_paths(options: BuildOptions, state: BuildState | None, restarted: bool) -> tuple[BuildPath, ...]:
    """The paths this build may take, in the order to try them: the one place that decides.

    Only FULL without a state or an output to compare with, after a restart (pages the last
    build wrote may not have reached the disk), and while watch mode's memory is empty (a
    full build fills it; a delta build only updates it, see ``ArticleMemory.take_edits``).
    """
    memory = options.memory
    if (state is None or not options.output_dir.is_dir() or restarted
            or (memory is not None and (not memory.entries or memory.last is None))):
        return (BuildPath.FULL,)
    return (BuildPath.NO_OP, BuildPath.DELTA, BuildPath.FULL)


def _full(options: BuildOptions, state: BuildState | None, scan: Scan, inputs: Inputs, reporter: Reporter,
          started: float, verify: bool) -> BuildResult:
    """The full path: load and plan the whole site, render what changed, remember it, and keep
    the skeleton a later delta build starts from (and, in watch mode, the site in memory)."""
    from .loading import load_site  # Markdown and Jinja: only on the paths that read articles

    loaded = load_site(options, reporter, state, scan)
    for warning in loaded.warnings:
        reporter.problem(warning)
    result, pieces, pages = _render_and_write(options, loaded, state, reporter, started, verify=verify)
    if options.memory is not None:
        from .loading import LastBuild

        options.memory.remember(LastBuild(loaded, pages, options.output_dir))
    if state is not None:
        # a source saved during the build is newer than the snapshot: the next build must look again
        settled = not (loaded.changed_meanwhile or result.left_alone)
        skeleton = None
        if settled and pieces is not None:
            from .delta import record

            skeleton = record(state, options.site, loaded, scan, inputs.snapshot, inputs.frame, inputs.model, pieces)
        _remember(state, inputs.snapshot if settled else "", loaded.window, result, skeleton=skeleton)
        # so that an article that moves is told of: the addresses as the build found them (the site's lock
        # kept them so), and the new ones
        state.remember_addresses({a.url: a.key for a in loaded.site.articles}, state.addresses())
    return result


class Inputs(NamedTuple):
    """Digests of a build's inputs (see :func:`_snapshot`) and the static files found on the way."""

    snapshot: str
    frame: str
    model: str
    statics: dict[str, tuple[Path, str]]


def _snapshot(options: BuildOptions, scan: Scan) -> Inputs:
    """Digests of the inputs of a build, and the static files found on the way.

    - the *snapshot*, of every input: equal snapshots (within their time limit) mean equal sites;
    - the *frame*, of every input but the sources' bytes: equal frames mean that at most
      the text of some articles changed (see ``delta``);
    - the *model*, of every input but the rates and the templates: equal models mean the
      same articles, indexes and page plan (see ``delta.record``); whether there is a rates
      file is in it, for without a ``ticker:`` setting it decides whether the Markets page is.

    Every kind of input in ``inputs.INPUTS`` is in: settings, content (the scan), data
    files (each by its bytes: a data file may change the plan), templates, static files.
    """
    site = options.site
    settings = site / SETTINGS_FILE
    rates = site / RATES_FILE
    model_parts = [__version__, ARTICLE_FORMAT, repr((options.drafts, options.future, options.hosts)),
                   str(options.output_dir.resolve()),
                   hashlib.blake2b(settings.read_bytes()).hexdigest() if settings.is_file() else "-",
                   "rates" if rates.is_file() else "no rates",
                   *(p.format() for p in scan.problems)]
    statics = statics_of(site, scan)
    model_parts += (f"{rel}:{sig}" for rel, (_, sig) in statics.items())
    model_parts += (f"{name}:{hashlib.blake2b(path.read_bytes()).hexdigest()}" for name, path in data_files(site))
    frame_parts = [hashlib.blake2b(rates.read_bytes()).hexdigest() if rates.is_file() else "-"]
    for folder in template_dirs(site):
        for relative, (path, _) in static_files([folder], is_ignored_name).items():
            frame_parts.append(f"{folder}:{relative}:{hashlib.blake2b(path.read_bytes()).hexdigest()}")
    keys = scan.keys_digest
    frame = digest(*model_parts, *frame_parts, keys)
    return Inputs(digest(frame, scan.hashes_digest), frame, digest(*model_parts, keys, scan.hashes_digest), statics)


def _unchanged(state: BuildState, snapshot: str, options: BuildOptions, reporter: Reporter,
               started: float) -> BuildResult | None:
    """The last build's result when nothing it read has changed (and no article came due)."""
    last = state.last_build()
    if last is None or last.snapshot != snapshot or not state.written_whole():
        return None
    config = options.settings()
    if config.search and (not (options.site / STATE_DIR / BOOK_FILE).is_file() or not all(
            (options.output_dir / folder / MANIFEST).is_file() for folder in index_folders(config))):
        return None  # the search index is behind the pages, or gone (removed by hand?): this build makes it
    if state.previewed():
        return None  # pages written outside a build since (see state.mark_previewed)
    if not last.window.holds(options.now):
        return None  # time has changed the site since (or the clock went back past the last build)
    summary = last.summary
    for warning in summary.warnings:
        reporter.problem(warning)
    return BuildResult(output=options.output_dir, articles=summary.articles, pages=summary.pages, files=0,
                       rendered=0, parsed=0, removed=0, incremental=True, seconds=time.perf_counter() - started,
                       skipped_drafts=summary.skipped_drafts, skipped_future=summary.skipped_future,
                       warnings=list(summary.warnings))


def _remember(state: BuildState, snapshot: str, window: Window, result: BuildResult,
              skeleton: tuple[str, bool] | None = None, edits: dict[str, tuple[str, str]] | None = None) -> None:
    """Record what the build made of which inputs; with the ``skeleton`` record of this build
    (see ``delta.record``: whether its file is new) and the sources a delta build read, the
    next build can be a delta build."""
    summary = Summary(articles=result.articles, pages=result.pages, skipped_drafts=result.skipped_drafts,
                      skipped_future=result.skipped_future, warnings=tuple(result.warnings))
    state.begin()
    state.remember(Outcome(snapshot, window, summary))
    if snapshot and skeleton is not None:
        text, fresh = skeleton
        if fresh:
            state.forget_skeleton_sources()
        if edits:
            state.store_skeleton_sources(edits)
        state.set_skeleton_record(text)
    state.commit()


def _delta(options: BuildOptions, state: BuildState, scan: Scan, inputs: Inputs, reporter: Reporter,
           started: float) -> BuildResult | None:
    """The build as a delta build (see ``delta``), or None when it must be a full one."""
    from .delta import Stale, plan_delta
    from .loading import article_settings

    plan = plan_delta(options, state, scan, (inputs.snapshot, inputs.frame, inputs.model), inputs.statics)
    if plan is None:
        return None
    book = Book.read(options.site / STATE_DIR / BOOK_FILE) if plan.loaded.config.search else None
    if plan.loaded.config.search and not index_ready(options.output_dir, plan.loaded.config, book):
        return None  # the search index is not the one the state records: the full path makes it afresh
    # Pagefind takes 30-40 ms to answer its first message: started now, it is ready once the pages are
    indexer = _early_indexer() if book is not None else None
    try:
        result, _, _ = _render_and_write(options, plan.loaded, state, reporter, started, delta=plan,
                                         search_book=book, indexer=indexer)
    except Stale:  # an article the pages showed was not in the cache as the skeleton knew it; nothing was written
        return None
    finally:
        if indexer is not None:
            indexer.close()
    if options.memory is not None:
        options.memory.take_edits(plan.articles, plan.edits, article_settings(plan.loaded.config, plan.loaded.people))
    for warning in plan.warnings:
        reporter.problem(warning)
    result = replace(result, pages=plan.pages, delta=True)
    _remember(state, "" if result.left_alone else inputs.snapshot, plan.loaded.window, result,
              skeleton=(plan.record, False),
              edits=plan.edits)
    return result


def _early_indexer() -> Indexer | None:
    """A Pagefind service started ahead of the search update; None when it cannot start (the
    update then reports why)."""
    from .indexer import Indexer, IndexerError

    try:
        return Indexer()
    except (IndexerError, OSError):
        return None


def _prepare_images(options: BuildOptions, loaded: LoadedSite, state: BuildState | None,
                    trust_sizes: bool) -> tuple[dict[str, ImageInfo], dict[str, Path], list[Problem]]:
    """Image sizes and variants (made once per source, kept in .newsgen/images/); a clean
    build reads every image again instead of trusting the sizes recorded by signature."""
    from .images import prepare_images

    paths = {p for refs in loaded.images.values() for p in refs}
    if not paths or state is None:
        return {}, {}, []
    return prepare_images(paths, loaded.statics, options.site / STATE_DIR / "images", options.site, trust_sizes)


def _signature(path: Path) -> str:
    return file_signature(path.stat())


def _holds(path: Path, expected_hash: str) -> bool:
    """True when the file at ``path`` has the bytes whose hash is ``expected_hash``."""
    try:
        return page_hash(path.read_bytes()) == expected_hash
    except OSError:
        return False


def _shown(path: Path, site: Path) -> str:
    """A path as problems show it: relative to the site when inside it."""
    try:
        return path.absolute().relative_to(site.absolute()).as_posix()
    except ValueError:
        return str(path)


def _report(reporter: Reporter, problem: Problem | None) -> None:
    if problem is not None:
        reporter.problem(problem)


def _ticker_html(renderer: SiteRenderer) -> dict[str, str] | None:
    """The ticker's HTML as every page of each edition of this build shows it ('' for a site in
    one language); None if it cannot be rendered (the pages will then report the template's problem)."""
    from .render import TEMPLATE_FAILURES

    try:
        return {lang: str(pages.ticker_html()) for lang, pages in renderer.pages.items()}
    except TEMPLATE_FAILURES:
        return None


def _splice_plan(renderer: SiteRenderer, specs: list[PageSpec], state: BuildState | None,
                 previous: dict[str, tuple[str, str]], digests: list[str], todo: list[int],
                 ticker: dict[str, str] | None) -> SplicePlan | None:
    """Which pages to update by swapping the ticker's HTML instead of rendering them again.

    Those whose inputs changed in the rates alone, when the templates allow it (see
    ``digests.ticker_templates``) and the last build left its ticker in the state.
    The workers still check each old page (its bytes as recorded, the old ticker found
    exactly once) and render it when anything is off. None when nothing qualifies.
    """
    from .digests import split_inputs, ticker_templates
    from .pages import SplicePlan

    if state is None or ticker is None:
        return None
    last = state.ticker()
    if last is None or set(last.html) != set(ticker) or not all(html.strip() for html in last.html.values()):
        return None  # (each edition's ticker says its words in its own language: one old ticker for each)
    old_rates = last.rates
    pages = set()
    for i in todo:
        static, rates = split_inputs(digests[i])
        before_static, before_rates = split_inputs(previous.get(specs[i].output, ("", ""))[0])
        if rates and static == before_static and before_rates == old_rates != rates:
            pages.add(i)
    if not pages:
        return None  # the usual case: no new rates; the templates need not be read
    showing = ticker_templates(renderer.env)
    if showing is None:
        return None
    pages = {i for i in pages if specs[i].template in showing}
    if not pages:
        return None
    return SplicePlan(frozenset(pages), {lang: (last.html[lang].encode("utf-8"), html.encode("utf-8"))
                                         for lang, html in ticker.items()})


def _record_outputs(state: BuildState | None, outputs: dict[str, tuple[str, str]],
                    previous: dict[str, tuple[str, str]] | None, statics: dict[str, tuple[Path, str]],
                    delta: DeltaPlan | None, ticker: dict[str, str] | None, page_digests: PageDigests | None) -> None:
    """Record the pages and static files now in the output, and mark the build finished."""
    if state is None:
        return
    state.begin()
    state.replace_outputs(outputs, previous)
    if delta is None:
        state.forget_feed_entries(keep=outputs)
        state.replace_statics({rel: sig for rel, (_, sig) in statics.items()})
    if ticker is not None and page_digests is not None:
        state.set_ticker(TickerRecord(page_digests.rates_digest, ticker))
    state.finish_writing()
    state.commit()


class Changes(NamedTuple):
    """What a build has to render: each page's digest of its inputs, what the output held
    (empty on a clean build), the static files, and the pages whose inputs changed."""

    previous: dict[str, tuple[str, str]]  # output path -> (digest, hash) as recorded by the last build
    digests: list[str]  # per page of the plan
    statics: dict[str, tuple[Path, str]]  # output path -> (file, signature); {} on a delta build
    page_digests: PageDigests | None  # None on a delta build, which restores its digests
    todo: list[int]  # the pages to render, by position in the plan


class Written(NamedTuple):
    """What writing the rendered pages did to the output (see :func:`_write_changed`, :func:`_swap_in`)."""

    written: int  # files written, pages and static files
    spliced: int
    removed: int
    left: list[str]  # pages left as they were, changed on disk during the build


def _render_and_write(options: BuildOptions, loaded: LoadedSite, state: BuildState | None, reporter: Reporter,
                      started: float, verify: bool = False, delta: DeltaPlan | None = None,
                      search_book: Book | None = None,
                      indexer: Indexer | None = None) -> tuple[BuildResult, Pieces | None, dict[str, PageRenderer]]:
    """Render the pages whose inputs changed and write those whose bytes did; returns the
    result, from a full build the site-wide digests a skeleton keeps (see ``delta``), and
    the renderers of HTML pages by edition (for watch mode's memory).
    A ``delta`` build's ``loaded.specs`` are only the pages it renders: static files and
    the other pages stay as they are."""
    from .pages import SiteRenderer

    output = options.output_dir
    # compiled templates depend on newsgen's Jinja settings too, which may change between versions
    template_cache = options.site / STATE_DIR / f"templates-{__version__}" if state is not None else None
    renderer = SiteRenderer(loaded, options.site, template_cache,
                            FeedEntries(state.path) if state is not None else None)
    changes = _changes(options, loaded, state, renderer, reporter, verify, delta)
    incremental = bool(changes.previous)
    assert incremental or delta is None
    ticker = _ticker_html(renderer)
    splice = (_splice_plan(renderer, loaded.specs, state, changes.previous, changes.digests, changes.todo, ticker)
              if incremental else None)
    work = work_folder(output, options.site)
    staging = Staging(output, work) if not incremental else None
    pending = PendingPages(output, work, tickers=splice.tickers if splice else None)
    try:
        rendered = _render(options, loaded, renderer, changes, staging, pending, splice, reporter)
        outputs = _outputs(loaded, changes, rendered)

        def record() -> None:
            _record_outputs(state, outputs, changes.previous if incremental else None, changes.statics,
                            delta, ticker, changes.page_digests)

        if incremental:
            done = _write_changed(options, loaded, state, pending, rendered, outputs, changes, verify, delta,
                                  reporter, record, search_book, indexer)
        else:
            assert staging is not None
            done = _swap_in(options, loaded, state, staging, rendered, changes.statics, reporter, record)
    except BaseException:
        if staging is not None:
            staging.abort()
        pending.discard()
        raise
    return BuildResult(
        output=output, articles=len(loaded.site.articles), pages=len(loaded.specs), files=done.written,
        seconds=time.perf_counter() - started, rendered=len(changes.todo) - done.spliced, spliced=done.spliced,
        parsed=loaded.parsed, removed=done.removed, left_alone=len(done.left), incremental=incremental,
        skipped_drafts=loaded.skipped_drafts, skipped_future=loaded.skipped_future,
        warnings=loaded.warnings,
    ), changes.page_digests.pieces() if changes.page_digests is not None else None, renderer.pages


def _changes(options: BuildOptions, loaded: LoadedSite, state: BuildState | None, renderer: SiteRenderer,
             reporter: Reporter, verify: bool, delta: DeltaPlan | None) -> Changes:
    """Each page's digest and the pages whose digest is not the one recorded for the file in
    the output (all of them on a clean build). Prepares the images the pages show on the
    way, and gives the renderers their sizes."""
    from .digests import PageDigests, template_digests  # Jinja: only when pages are rendered

    output = options.output_dir
    page_digests = None
    if delta is None:
        previous = state.outputs() if state is not None and output.is_dir() else {}
        if verify:  # pages whose bytes are not those recorded are rendered again
            previous = {rel: seen if _holds(output / rel, seen[1]) else ("", "") for rel, seen in previous.items()}
        infos, variants, image_problems = _prepare_images(options, loaded, state, trust_sizes=bool(previous))
        statics = {**loaded.statics, **{rel: (path, _signature(path)) for rel, path in variants.items()}}
        statics_digest = digest_all(f"{rel}:{sig}" for rel, (_, sig) in sorted(statics.items()))
        page_digests = PageDigests(loaded.site, loaded.config, loaded.rates, loaded.fingerprints,
                                   template_digests(renderer.env, loaded.data.hashes), statics_digest)
        digests = page_digests.all(loaded.specs)
    else:  # the static files are as the last build left them (see delta.plan_delta)
        from .images import prepare_images

        previous, digests, statics, infos, image_problems = delta.previous, delta.digests, {}, {}, []
        if delta.images:
            infos, _, image_problems = prepare_images(delta.images, delta.loaded.statics,
                                                      options.site / STATE_DIR / "images", options.site, some=True)
    for problem in image_problems:
        reporter.problem(problem)
    renderer.set_images(infos)
    out_text = str(output)
    todo = [i for i, spec in enumerate(loaded.specs)
            if not previous or previous.get(spec.output, ("", ""))[0] != digests[i]
            or not os.path.isfile(os.path.join(out_text, spec.output))]
    return Changes(previous, digests, statics, page_digests, todo)


def _render(options: BuildOptions, loaded: LoadedSite, renderer: SiteRenderer, changes: Changes,
            staging: Staging | None, pending: PendingPages, splice: SplicePlan | None,
            reporter: Reporter) -> list[PageOutcome]:
    """Render the pages to do on every core: a clean build's into ``staging``, an incremental
    one's held in ``pending``. Raises every page's problem together."""
    from .pages import RenderJob, render_chunk

    rendered: list[PageOutcome] = []

    def keep(outcomes: list[PageOutcome]) -> None:
        for outcome in outcomes:
            relative = loaded.specs[outcome.page].output
            if outcome.data is not None:
                pending.keep(relative, outcome.data)
                outcome = outcome._replace(data=None)
            elif outcome.spliced and outcome.wrote:
                pending.keep_spliced(relative, outcome.signature, loaded.specs[outcome.page].lang)
            rendered.append(outcome)

    job = RenderJob(renderer, loaded.specs, options.output_dir, staging, changes.previous, splice)
    reporter.start("rendering", len(changes.todo))
    run_chunks(render_chunk, changes.todo, jobs_for(options.jobs), job, reporter.advance, consume=keep)
    reporter.finish()
    failures: dict[tuple[str, int, str], Problem] = {}
    for outcome in rendered:
        failure = outcome.problem
        if failure is not None:
            failures.setdefault((failure.path, failure.line, failure.message.split(" (while rendering")[0]), failure)
    if failures:
        raise ContentError(failures.values())
    return rendered


def _outputs(loaded: LoadedSite, changes: Changes, rendered: list[PageOutcome]) -> dict[str, tuple[str, str]]:
    """Every page of the plan as the output will hold it: output path -> (digest, hash)."""
    hashes = {loaded.specs[o.page].output: (changes.digests[o.page], o.hash) for o in rendered}
    return {spec.output: hashes.get(spec.output) or (changes.digests[i], changes.previous[spec.output][1])
            for i, spec in enumerate(loaded.specs)}


def _write_changed(options: BuildOptions, loaded: LoadedSite, state: BuildState | None, pending: PendingPages,
                   rendered: list[PageOutcome], outputs: dict[str, tuple[str, str]], changes: Changes, verify: bool,
                   delta: DeltaPlan | None, reporter: Reporter, record: Callable[[], None],
                   search_book: Book | None, indexer: Indexer | None) -> Written:
    """An incremental build's write: the changed pages and static files, stale files removed,
    and the state's record of them, in one go (Ctrl-C waits for both, see interrupts_held);
    then the search index brought up to date from the state's record of it (a delta build
    has read it already: ``search_book``)."""
    output = options.output_dir
    search = loaded.config.search
    book = search_book if delta is not None else (
        Book.read(options.site / STATE_DIR / BOOK_FILE) if search and options.use_state else None)
    if options.use_state:  # until the index is updated: a build stopped meanwhile leaves it to the next one
        (options.site / STATE_DIR / BOOK_FILE).unlink(missing_ok=True)
    with interrupts_held(lambda: "the changed pages were written just before" + (
            "; the search index is behind them, and the next build updates it" if search else "")):
        if state is not None:  # until recorded below: a killed build makes the next one write all
            state.start_writing()
        changed_pages = [loaded.specs[o.page].output for o in rendered if o.wrote]
        # after a restart: all again; after a delta build's edits: none
        old_statics = state.statics() if state is not None and not verify and delta is None else {}
        try:
            copied, removed, left = commit_incremental(pending, output, changed_pages, set(outputs),
                                                       set(changes.previous), changes.statics, old_statics)
        except OSError as exc:  # the state stays marked unfinished: the next build writes everything again
            raise OutputError(f"writing {output} failed partway ({exc.strerror or exc}), so some of its "
                              "pages are new and some old; fix that (free some space?) and build again, "
                              "which writes them all") from exc
        for relative in left:  # changed on disk during the build (by hand?): rendered by the next build
            outputs[relative] = ("", "")
            reporter.problem(make_warning(_shown(output / relative, options.site), 0, "",
                                          "this page changed while the site was being built, so it was "
                                          "left as it is", "the next build renders it"))
        written = sum(1 for o in rendered if o.wrote) - len(left)
        spliced = sum(1 for o in rendered if o.spliced) - len(left)  # only spliced pages can be left
        record()
    articles = delta.articles.values() if delta is not None else loaded.site.articles
    try:  # after the pages: a Ctrl-C here leaves them written, and the index to the next build
        _search(options, state, output, loaded, articles, complete=delta is None, book=book, reporter=reporter,
                indexer=indexer)
    except KeyboardInterrupt:
        raise Interrupted("the pages are up to date but the search index is not; the next build "
                          "updates it") from None
    return Written(written + copied, spliced, removed, left)


def _swap_in(options: BuildOptions, loaded: LoadedSite, state: BuildState | None, staging: Staging,
             rendered: list[PageOutcome], statics: dict[str, tuple[Path, str]], reporter: Reporter,
             record: Callable[[], None]) -> Written:
    """A clean build's write: the static files and the search index into the staging folder
    (readers never see a half index), then the staging folder swapped in and recorded."""
    if state is not None:
        state.start_writing()
    staging.mark()
    copied = staging.copy_statics(statics)
    if options.use_state:  # until the new index is in place
        (options.site / STATE_DIR / BOOK_FILE).unlink(missing_ok=True)
    made = _search(options, state, staging.path, loaded, loaded.site.articles, complete=True, book=None,
                   reporter=reporter)
    try:
        with interrupts_held(lambda: "the new site was put in place just before"):
            staging.commit()
            if made is not None:
                _keep_book(options, state, made[0], made[1], complete=True, known=None)
            record()
    finally:
        staging.clear_old()  # after the swap and its record: a Ctrl-C need not wait for it
    return Written(sum(1 for o in rendered if o.wrote) + copied, 0, 0, [])


def _search(options: BuildOptions, state: BuildState | None, output: Path, loaded: LoadedSite,
            articles: Iterable[Article], complete: bool, book: Book | None, reporter: Reporter,
            indexer: Indexer | None = None) -> tuple[Book, dict[str, str]] | None:
    """Bring the search index in ``output`` up to ``articles`` (every article, or the edited
    ones of a delta build) from the one ``book`` describes (None: make it afresh), or remove
    it when the site has none (see ``search``). Returns the new book and what the articles'
    records were made from; an incremental build keeps them here, a clean build once its
    staging folder is in place (see :func:`_keep_book`).

    The caller removes the book from the state before the output changes, so a build
    stopped before the new one is written leaves the next build to make the index afresh.
    A failure is a warning: the pages are built, and the next build makes the index afresh.
    """
    from .indexer import IndexerError
    from .search import Stale, changes_of, failed, missing_indexer, update_index

    config = loaded.config
    if not config.search:
        if output == options.output_dir:  # as a clean build without search would have none
            for folder in index_folders(config):
                remove_folder(output, folder)
        return None
    problem = missing_indexer()
    if problem is not None:
        _report(reporter, problem)
        return None
    # each article's inputs and the settings, as its record was made from them: an article whose
    # inputs are the same needs no new record (new rates or a template need none at all)
    settings = digest(repr(replace(config, warnings=())))
    marks = {a.key: digest(settings, loaded.fingerprints[a.key]) for a in articles if a.key in loaded.fingerprints}
    if book is not None and not index_ready(output, config, book):
        book = None  # not the index on disk: made afresh, from a record of every article
    # what the state says the index's records were made from: only with the book it was written with
    known = state.search_inputs(None if complete else marks) if book is not None and state is not None else None
    unchanged = known or {}
    try:
        new = update_index(output, config, changes_of(articles, config, complete,
                                                      lambda a: a.key in marks and unchanged.get(a.key) == marks[a.key]),
                           book, indexer)
    except IndexerError as exc:
        _report(reporter, failed(exc))
        return None
    except Stale:
        _report(reporter, failed(IndexerError("it did not match the pages; the next build makes it afresh")))
        return None
    if output == options.output_dir:  # not a clean build's staging folder
        _keep_book(options, state, new, marks, complete, known)
    return new, marks


def _keep_book(options: BuildOptions, state: BuildState | None, book: Book, marks: dict[str, str],
               complete: bool, known: dict[str, str] | None) -> None:
    """Keep the search book and what its articles' records were made from (``marks``: of every
    article when ``complete``) for the next build: the marks first, so that a book is never
    read with marks older than its own. ``known``: what the state held for them (None: not
    read), so that only what changed is written (100,000 rows took 0.5 s of a full build)."""
    if not options.use_state or state is None:
        return
    if known is None:
        state.set_search_inputs(marks, None if complete else ())
    else:
        state.set_search_inputs({key: mark for key, mark in marks.items() if known.get(key) != mark},
                                known.keys() - marks.keys() if complete else ())
    book.write(options.site / STATE_DIR / BOOK_FILE)
