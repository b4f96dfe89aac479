"""Reading a site: settings, sources, rates, the article model and the page plan.

Sources whose bytes and settings are unchanged since the last build come from the
build state (no YAML, no Markdown); the others are parsed on every core, Markdown
through a cache keyed by body hash. Everything is checked here, before anything is
written; every problem of every file is raised together as one ContentError.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import __version__, sealed
from .config import Config
from .bundles import bundle_folder, place_resources
from .output import statics_of
from .content import load_article
from .images import image_refs, is_served_image
from .dates import Window, build_now
from .data import SiteData, load_data
from .hashing import digest
from .errors import ContentError, Problem, sort_problems
from .frontmatter import body_line
from .markup import CachedMarkup, MarkupRenderer, Rendered, settings_key as markdown_settings
from .model import Article, Edition, Site, build_editions, build_site, placement_text, same_placement, shelved
from .parallel import jobs_for, run_chunks
from .people import AUTHORS, NOBODY, People, read_people
from .kinds import PageSpec, retitled
from .kinds.sitemaps import NEWS_WINDOW
from .plan import plan_site, static_clashes
from .options import ARTICLE_FORMAT, BuildOptions
from .report import Reporter
from .scan import Scan, Source, scan_sources
from .references import resolve_references
from .slugs import output_path, site_path
from .state import ArticleShelf, BuildState, read_addresses
from .targets import broken_links
from .theme import theme_root
from .ticker import Rates, load_rates

if TYPE_CHECKING:
    from .render import PageRenderer  # the type only: a build with nothing to render never loads Jinja


Result = tuple[Article | None, list[Problem]]


class ArticleMemory:
    """The articles of the last build, kept in memory by a long-running process (watch, serve).

    A rebuild then takes unchanged articles from here instead of unpickling them from the
    build state: after an editor's save, only the saved file is read and rendered again.
    """

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str, Result]] = {}
        self.last: LastBuild | None = None  # the last successful build (see LastBuild)
        self.loads = 0  # builds that loaded the site whole into this memory (see watch._collect)

    def remember(self, last: LastBuild) -> None:
        """Keep what a build that loaded the whole site left (the full path's)."""
        self.last = last
        self.loads += 1

    def take_edits(self, articles: dict[str, Article], edits: dict[str, tuple[str, str]], settings: str) -> None:
        """Bring the memory up to a delta build that rendered the new versions of ``articles``
        (which moved no article; ``edits``: source -> (hash, fingerprint)), as if it had
        been a full build: the same model and plan, with those versions in place and the
        titles their pages carry. Forgets the last build when it does not hold them all
        (another process built the site meanwhile): the next build then loads it whole."""
        last = self.last
        if last is None or any(key not in last.loaded.site.by_key for key in articles):
            self.last = None
            return
        for key, article in articles.items():
            self.entries[key] = (edits[key][0], settings, (article, []))
        loaded = last.loaded
        site, specs = _with_edits(loaded, articles)
        self.last = LastBuild(replace(loaded, site=site, specs=specs,
                                      fingerprints={**loaded.fingerprints, **{k: f for k, (_, f) in edits.items()}}),
                              last.pages, last.output)


def _with_edits(loaded: LoadedSite, edited: Mapping[str, Article]) -> tuple[Site, list[PageSpec]]:
    """The model and page plan of ``loaded`` with new versions of articles that moved none
    (see ``model.same_placement``): the indexes stay, and the pages carry the new titles."""
    return (loaded.site.with_versions(edited),
            retitled(loaded.specs, lambda key: edited[key].title if key in edited else None))


@dataclass(frozen=True)
class LastBuild:
    """What a successful build leaves in watch mode's memory: the loaded site (the next
    build reuses its plan when no article moved) and the renderers of its HTML pages, one
    per edition ('' for a site in one language), whose Jinja environments and image sizes
    the preview reuses (see ``preview``)."""

    loaded: LoadedSite
    pages: Mapping[str, PageRenderer]
    output: Path


@dataclass(frozen=True, kw_only=True)
class LoadedSite:
    """A site read and checked, ready to render: the result of :func:`load_site`."""

    config: Config
    site: Site
    rates: Rates
    specs: list[PageSpec]
    warnings: list[Problem]
    skipped_drafts: int
    skipped_future: int
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # article key -> digest of its inputs
    parsed: int = 0  # sources parsed (not taken from the build state)
    valid_until: float = float("inf")  # see _valid_until
    statics: dict[str, tuple[Path, str]] = field(default_factory=dict)  # output path -> (file, signature)
    images: dict[str, list[str]] = field(default_factory=dict)  # article key -> site paths of its images
    bundles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see bundle_urls
    changed_meanwhile: frozenset[str] = frozenset()  # sources saved again between the scan and their parse
    plan_problems: tuple[Problem, ...] = ()  # what planning the pages found (kept for watch mode's next build)
    now: datetime | None = None  # the build time the plan was made for
    data: SiteData = field(default_factory=SiteData)  # data/ files but the rates, for templates and units
    people: People = NOBODY  # data/authors.yaml, which the articles were read with

    @property
    def window(self) -> Window:
        """When this site stays as loaded (see ``dates.Window``)."""
        return Window(self.now.timestamp(), self.valid_until) if self.now is not None else Window()


def load_site(options: BuildOptions, reporter: Reporter | None = None, state: BuildState | None = None,
              scan: Scan | None = None) -> LoadedSite:
    """Read settings, content and rates and plan every page; raise ContentError listing all problems."""
    reporter = reporter or Reporter()
    config = options.config()
    now = options.now or build_now()
    scan = scan or scan_sources(options.site)
    sources = scan.sources
    problems = list(config.warnings) + scan.problems
    data, data_problems = load_data(options.site)
    people, people_problems = people_of(data)
    results, fingerprints, parsed, changed_meanwhile = _read_articles(scan, config, people, options, reporter, state)
    articles: list[Article] = []
    for source in sources:
        article, found = results[source.key]
        problems += found
        if article is not None:
            articles.append(article)
    rates, rate_problems = load_rates(options.site, config.zone, config.ticker)
    problems += rate_problems + data_problems + people_problems

    drafts = [a for a in articles if a.draft and not options.drafts]
    future = [a for a in articles if a.date > now and not options.future and not (a.draft and not options.drafts)]
    published = [a for a in articles if (options.drafts or not a.draft) and (options.future or a.date <= now)]
    # links to another article by its file: the address, now that every article is read
    published, referred, reference_problems = resolve_references(
        published, config.base_path, config.broken_links, lambda key, text: _line_of(scan.source_bytes(key), text))
    problems += reference_problems
    for key, addresses in referred.items():  # its pages change when an address it links to does
        fingerprints[key] = digest(fingerprints[key], *addresses)
    reused = _reuse_last_plan(options, config, now, published, data)
    if reused is not None:
        site, specs, plan_problems = reused
    else:
        site = make_site(published, config)
        specs, plan_problems = plan_site(site, config, now, data)
    problems += plan_problems + _tag_spellings(site, published, scan)
    bundles = bundle_urls(articles, published)
    statics = place_resources(statics_of(options.site, scan), options.site, bundles)
    problems += static_clashes(specs, statics, config.search,
                               lambda relative: _shown_static(statics[relative][0], options.site),
                               lambda key, text: _line_of(scan.source_bytes(key), text))
    images, image_problems = _images(published, statics, config.base_path, config.missing_images, scan)
    served = {spec.output for spec in specs} | statics.keys()
    problems += image_problems + _body_links(published, served, config, scan)
    former = state.addresses() if state is not None else read_addresses(options.site)
    problems += _moved(published, former, served)
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    for key, paths in images.items():  # an article's pages change when one of its images does
        fingerprints[key] = digest(fingerprints[key], *(statics[p.lstrip("/")][1] for p in paths))
    return LoadedSite(config=config, site=site, rates=rates, specs=specs, warnings=sort_problems(problems),
                      skipped_drafts=len(drafts), skipped_future=len(future), fingerprints=fingerprints,
                      parsed=parsed, valid_until=_valid_until(articles, site, now), statics=statics, images=images,
                      changed_meanwhile=frozenset(changed_meanwhile), plan_problems=tuple(plan_problems), now=now,
                      data=data, people=people, bundles=bundles)


def people_of(data: SiteData) -> tuple[People, list[Problem]]:
    """The people of ``data/authors.yaml`` (none without the file), and its problems."""
    file = data.files.get(AUTHORS)
    return read_people(file.path, file.value, file.line) if file is not None else (NOBODY, [])


def _reuse_last_plan(options: BuildOptions, config: Config, now: datetime, published: list[Article],
                     data: SiteData) -> tuple[Site, list[PageSpec], list[Problem]] | None:
    """The last build's model and page plan with the new versions of edited articles, when the
    edits moved no article (see ``model.same_placement``); None when they must be made anew.

    Watch mode keeps the last build in memory; after an editor's typical save (text,
    headline, summary) rebuilding the indexes, related articles and the plan of ten
    thousand articles would give the same result, so only the articles themselves, and
    the titles their pages carry, are replaced.
    """
    last = options.memory.last if options.memory is not None else None
    if last is None:
        return None
    before = last.loaded
    if before.data.hashes != data.hashes:
        return None  # a data file may name other articles (the front page's Most read)
    if before.config != config or not before.window.holds(now):
        return None  # other settings, or an article came due or left the news window, or the clock went back
    by_key = before.site.by_key
    if len(published) != len(by_key):
        return None
    edited: dict[str, Article] = {}
    for article in published:
        old = by_key.get(article.key)
        if old is None:
            return None
        if old is not article:
            if not same_placement(old, article):
                return None
            edited[article.key] = article
    if not edited:
        return before.site, before.specs, list(before.plan_problems)
    site, specs = _with_edits(before, edited)
    return site, specs, list(before.plan_problems)


def bundle_urls(articles: list[Article], published: list[Article]) -> dict[str, tuple[str, ...]]:
    """Each page bundle's folder (see ``bundles.bundle_folder``) -> the URLs of its published
    articles, where its files are served (none for a draft's: its files are not published)."""
    found: dict[str, list[str]] = {bundle_folder(a.key): [] for a in articles if a.bundle}
    for article in published:
        if article.bundle:
            found[bundle_folder(article.key)].append(article.url)
    return {folder: tuple(sorted(urls)) for folder, urls in sorted(found.items())}


def _images(articles: list[Article], statics: dict[str, tuple[Path, str]], base_path: str,
            severity: str, scan: Scan) -> tuple[dict[str, list[str]], list[Problem]]:
    """Each article's local images (site paths), and a problem for each one that is missing."""
    found: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for article in articles:
        for number, (written, path) in enumerate(image_refs(article, base_path)):
            if is_served_image(path, statics):
                found.setdefault(article.key, []).append(path)
                continue
            lead = number == 0 and written == article.image  # the front matter's image: the first ref
            raw = scan.source_bytes(article.key)
            start = 0 if lead else _offset_of_line(raw, body_line(raw))  # the body's, though the lead be the same
            # '/assets/x.png' may be written 'assets/x.png' (Eleventy's {% image %}, a site-root path)
            # and a body's {{ image | url }} is the front matter's value, so its line is the value's
            line = _line_of(raw, written, start) or _line_of(raw, written.lstrip("/"), start) or _line_of(raw, written)
            problems.append(Problem(article.key, line, 0, "image" if lead else "", f"the image {written} does not exist",
                                    "put the file under static/ (and write /images/name.jpg) or next to the article",
                                    severity))
    return found, problems


def _body_links(articles: list[Article], served: set[str], config: Config, scan: Scan) -> list[Problem]:
    """A problem for each link of an article's body that leads to no page or file of the site, as
    ``newsgen check`` reports it (see ``targets``): the build and the check give one verdict."""
    problems = []
    base = config.base_path
    for article in articles:
        for link in broken_links(article.site_links, served):
            written = site_path(link, base) or link  # as the editor wrote it, without the base path
            problems.append(Problem(article.key, _line_of(scan.source_bytes(article.key), written), 0, "",
                                    f"the link {written} leads to no page of the site",
                                    "fix the address, or remove the link (an archive whose posts link to pages it no "
                                    "longer has builds with broken_links: warning)", config.broken_links))
    return problems


def _moved(articles: list[Article], former: dict[str, str], served: set[str]) -> list[Problem]:
    """A warning for each address an article had in an earlier build, has no longer, and nothing
    serves now: readers and other sites' links that knew it would find nothing. ``redirect_from``
    keeps it, in one line; a clean build (``--clean``) forgets the old addresses."""
    by_key = {a.key: a for a in articles}
    problems = []
    for url, key in sorted(former.items()):
        article = by_key.get(key)
        if article is None or article.url == url or output_path(url) in served:
            continue
        problems.append(Problem(key, 0, 0, "slug", f"was at {url} in an earlier build and is now at {article.url}; "
                                "readers and links that knew the old address find nothing",
                                f"add 'redirect_from: [{url}]' to keep it working", "warning"))
    return problems


def make_site(published: list[Article], config: Config) -> Site:
    """The model of the published articles: one edition per language when the site has several."""
    if not config.multilingual:
        return build_site(published, config.sections, config.related_size, config.zone)
    editions = []
    for language in config.languages:
        seen = config.for_edition(language.code)
        editions.append(Edition(language.code, seen.sections, seen.zone, language.urls))
    return build_editions(published, editions, config.related_size)


def _tag_spellings(site: Site, articles: list[Article], scan: Scan) -> list[Problem]:
    """A warning for each spelling of a tag that shares its page with another spelling.

    'Central Asia' and 'Central-Asia' make one page, /tags/central-asia/, shown under the
    name of the newest article's spelling; an editor who meant two tags learns it here
    (the file and line of the first article with each other spelling). Spellings that
    differ in case or spaces alone are the same tag, and are merged without a word.
    """
    problems: list[Problem] = []
    warned: set[tuple[str, str]] = set()
    for article in articles:
        tags = site.edition(article.lang).tags
        for tag in article.tags:
            shown = tags[tag.slug][0].name if tag.slug in tags else tag.name
            spelling = " ".join(tag.name.casefold().split())
            if spelling == " ".join(shown.casefold().split()) or (tag.slug, spelling) in warned:
                continue
            warned.add((tag.slug, spelling))
            problems.append(Problem(article.key, _line_of(scan.source_bytes(article.key), tag.name), 0, "tags",
                                    f'"{tag.name}" and "{shown}" make the same tag page, {tag.url}, '
                                    f'shown as "{shown}"',
                                    f'write "{shown}" if they are one tag, or give this one a name of its own',
                                    "warning"))
    return problems


def _shown_static(path: Path, site: Path) -> str:
    """A static file as messages name it: relative to the site, or as the default theme's."""
    for root, suffix in ((site, ""), (theme_root(), " (the default theme's)")):
        try:
            return path.relative_to(root.resolve()).as_posix() + suffix
        except ValueError:
            continue
    return str(path)


def _line_of(raw: bytes, text: str, start: int = 0) -> int:
    """The first line of a source that mentions ``text`` (from byte ``start`` on); 0 when none does."""
    needle = text.encode("utf-8", "surrogatepass")
    at = raw.find(needle, start)
    return raw.count(b"\n", 0, at) + 1 if at >= 0 and needle else 0


def _offset_of_line(raw: bytes, line: int) -> int:
    """The byte where line ``line`` (counted from 1) of a source begins."""
    at = 0
    for _ in range(line - 1):
        at = raw.find(b"\n", at) + 1
        if at == 0:
            return len(raw)
    return at


def _valid_until(articles: list[Article], site: Site, now: datetime) -> float:
    """When the passing of time alone next changes the site (a future article comes due,
    an article leaves the news sitemap's window); a timestamp, or infinity."""
    moments = [a.date.timestamp() for a in articles if a.date > now]
    moments += [a.date.timestamp() + NEWS_WINDOW.total_seconds() for a in site.articles if a.date <= now]
    later = [m for m in moments if m >= now.timestamp()]  # one at this very second changes the site just after it
    return min(later, default=float("inf"))


def article_settings(config: Config, people: People) -> str:
    """What an article is read with besides its bytes; a cached article read with other settings is
    read again. The people of ``data/authors.yaml`` are in: the article holds its authors as they
    describe them (see ``people``)."""
    return digest(ARTICLE_FORMAT, __version__, config.timezone, config.permalink, config.slugs, config.base_url,
                  markdown_settings(config.base_path, config.shortcodes), config.language, repr(config.languages),
                  people.digest_text())


def _read_articles(scan: Scan, config: Config, people: People, options: BuildOptions, reporter: Reporter,
                   state: BuildState | None) -> tuple[dict[str, Result], dict[str, str], int, set[str]]:
    """Every source as an article or problems: from the state cache when unchanged, else parsed;
    also the fingerprints, the number parsed, and the sources saved again while being read."""
    settings = article_settings(config, people)
    results: dict[str, Result] = {}
    sources, hashes = scan.sources, scan.hashes
    remembered = options.memory.entries if options.memory is not None else {}
    for source in sources:
        kept = remembered.get(source.key)
        if kept is not None and kept[0] == hashes[source.key] and kept[1] == settings:
            results[source.key] = kept[2]
    missing = [s.key for s in sources if s.key not in results]
    reporter.start("reading", len(sources))
    reporter.advance(len(results))
    # a build's articles leave their bodies in the state, read back where a page shows them (see
    # model.Shelved); watch mode's memory keeps them, for it outlives the build and its state. The
    # shelf reads through connections of its own, which see the parsed articles once committed (below):
    # nothing reads a body before that
    shelf = ArticleShelf(state.path) if state is not None and options.memory is None else None
    if state is not None and missing:  # unpickled row by row (see BuildState.cached_articles)
        for key, source_hash, made_with, data in state.cached_articles(missing if results else None):
            if key not in results and source_hash == hashes.get(key) and made_with == settings:
                result = _unpickle(data)
                if result is not None:
                    results[key] = _shelved(result, shelf, source_hash)
                    reporter.advance()
    to_parse = [source for source in sources if source.key not in results]

    if state is not None:
        state.begin()
    try:
        parsed, _, changed_meanwhile = parse_sources(to_parse, config, people, settings, hashes, state,
                                                     jobs_for(options.jobs), reporter.advance, shelf)
        results.update(parsed)
        if state is not None and (to_parse or state.article_count() != len(sources)):
            state.keep_articles(set(hashes))
            state.prune_markdown(limit=2 * len(sources) + 100)
    finally:
        if state is not None and state.db.in_transaction:
            state.commit()  # what was read is true of the files, whatever becomes of this build
    reporter.finish()
    if options.memory is not None:
        options.memory.entries = {key: (hashes[key], settings, result) for key, result in results.items()}
    fingerprints = {key: digest(h, settings) for key, h in hashes.items()}
    return results, fingerprints, len(to_parse), changed_meanwhile


Parsed = tuple[str, str, bytes, list[tuple[str, bytes]], str]  # key, hash read, sealed article, sealed new bodies, placement


def parse_sources(to_parse: list[Source], config: Config, people: People, settings: str, hashes: dict[str, str],
                  state: BuildState | None, jobs: int, progress: Any = None,
                  shelf: ArticleShelf | None = None) -> tuple[dict[str, Result], dict[str, str], set[str]]:
    """Parse sources on ``jobs`` processes and cache what was read in the state (the caller
    holds the transaction); returns the results, the articles' placement digests, and the
    sources saved again since the scan, whose entries in ``hashes`` become the hash of the
    bytes parsed. With a ``shelf``, the articles leave their bodies in the state as they
    arrive: at 100,000 articles the parent would otherwise hold 160 MB of them at the end."""
    results: dict[str, Result] = {}
    placements: dict[str, str] = {}
    changed_meanwhile: set[str] = set()

    def consume(chunk: list[Parsed]) -> None:
        # stored as each chunk arrives: the parent never holds every pickle and body at once
        for key, read_hash, data, _, placement in chunk:
            result = sealed.loads(data)  # made by our own worker a moment ago
            results[key] = _shelved(result, shelf, read_hash)
            placements[key] = placement
            if read_hash != hashes[key]:  # saved again between the scan and the parse
                changed_meanwhile.add(key)
                hashes[key] = read_hash  # the article is what was parsed, and is cached as such
        if state is not None:
            state.store_articles((key, h, settings, data) for key, h, data, _, _ in chunk if h)
            state.store_placements((key, h, settings, placement) for key, h, _, _, placement in chunk if h and placement)
            state.store_markdown(item for _, _, _, markdown, _ in chunk for item in markdown)

    job = ParseJob(config, to_parse, state.path if state else None, people)
    sealed.ready()  # workers seal what they parse with the parent's key, never one of their own
    run_chunks(_parse_chunk, range(len(to_parse)), jobs, job, progress, consume)
    return results, placements, changed_meanwhile


def _shelved(result: Result, shelf: ArticleShelf | None, source_hash: str) -> Result:
    """``result`` with its article's body on ``shelf`` (as it is without a shelf, or an article)."""
    article, problems = result
    return (shelved(article, shelf, source_hash), problems) if article is not None and shelf is not None else result


def _unpickle(data: bytes) -> Result | None:
    """A cached result, or None when the cache entry cannot be read (then the file is parsed again)."""
    try:
        result = sealed.loads(data)
    except Exception:  # noqa: BLE001 - any damage to a cache entry means: read the source again
        return None
    return result if isinstance(result, tuple) and len(result) == 2 else None


@dataclass
class ParseJob:
    """What every chunk of sources to parse needs (see ``parallel.run_chunks``)."""

    config: Config
    sources: list[Source]
    state_path: Path | None
    people: People = NOBODY
    _markup: CachedMarkup | None = None  # one per process: each forked worker makes its own
    _process: int = 0  # the process that made _markup

    def markup(self) -> CachedMarkup:
        """One Markdown converter per process (building one costs more than a page), with the cache.

        A worker forked after the parent made its own (see ``parallel.ITEMS_PER_FORK``) makes
        another: the cache's database connection must not cross a fork."""
        if self._markup is None or self._process != os.getpid():
            self._markup = CachedMarkup(MarkupRenderer(self.config.base_path, self.config.shortcodes),
                                        _markdown_lookup(self.state_path))
            self._process = os.getpid()
        return self._markup


def _parse_chunk(job: ParseJob, indices: Sequence[int]) -> list[Parsed]:
    """In a worker (or the parent): parse sources, rendering Markdown through the cache.

    Each result carries the hash of the bytes actually parsed ('' when the file could
    not be read): a file saved again after the scan must be cached under its new hash.
    """
    config, to_parse, markup = job.config, job.sources, job.markup()
    out = []
    for i in indices:
        source = to_parse[i]
        markup.fresh = {}
        read_hash = ""
        try:
            with open(source.path, "rb") as file:  # read here, not in the parent: see scan_sources
                raw = file.read()
        except OSError as exc:
            result: Result = (None, [Problem(source.key, 0, 0, "", f"cannot be read: {exc.strerror}",
                                             "check the file's permissions")])
        else:
            read_hash = hashlib.blake2b(raw, digest_size=16).hexdigest()
            result = load_article(source, raw, config, markup, job.people)  # type: ignore[arg-type]
        placement = digest(placement_text(result[0])) if result[0] is not None else ""
        # sealed and compressed here, on every core, not in the parent that stores them
        out.append((source.key, read_hash, sealed.dumps(result, compress=True),
                    [(body, sealed.dumps(rendered, compress=True)) for body, rendered in markup.fresh.items()],
                    placement))
    return out


def _markdown_lookup(state_path: Path | None) -> Any:
    if state_path is None or not Path(state_path).exists():
        return lambda key: None
    db = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True, check_same_thread=False)

    def lookup(key: str) -> Rendered | None:
        try:
            row = db.execute("SELECT data FROM markdown WHERE body_hash = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        try:
            return sealed.loads(row[0]) if row else None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry: the body is rendered again
            return None
    return lookup
