"""The ``newsgen`` command: options, progress display, printing problems, exit codes.

Exit status: 0 success, 1 content problems, 2 usage or settings problems. An editor
never sees a Python traceback; ``--debug`` shows one for developers.
"""
from __future__ import annotations

import gc
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

import click

from . import __version__
from .build import BuildOptions, BuildResult, build
from .errors import ContentError, NewsgenError, Problem, UsageError
from .report import Reporter
from .scaffold import init_site, new_article
from .startup import normal_interrupts
from .config import load_config

if TYPE_CHECKING:
    from .watch import Batch


class TerminalReporter(Reporter):
    """Progress bars on stderr (only for phases that take more than a moment) and warnings."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.bar: Any = None

    def start(self, stage: str, total: int) -> None:
        # no bar when stderr is not a terminal (CI logs), and then not even tqdm's import (15 ms)
        if not self.quiet and total and sys.stderr.isatty():
            from tqdm import tqdm  # imported when needed: a no-op rebuild should start fast

            self.bar = tqdm(total=total, desc=stage, unit="page" if stage == "rendering" else "file",
                            delay=0.7, leave=False, file=sys.stderr, dynamic_ncols=True)

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def problem(self, problem: Problem) -> None:
        if not self.quiet:
            click.echo(problem.format(), err=True)


def _run(debug: bool, action: Callable[[], None]) -> None:
    """Run a command, turning newsgen's errors into messages and exit codes."""
    try:
        normal_interrupts()  # see startup.py
        action()
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        errors = [p for p in exc.problems if p.is_error]
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
                   f"{exc.outcome}", err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(exc.exit_code)
    except NewsgenError as exc:
        for problem in getattr(exc, "problems", []):
            click.echo(problem.format(), err=True)
        click.echo(f"error: {exc}", err=True)
        if debug:
            import traceback

            traceback.print_exc()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:  # newsgen.errors.Interrupted says what changed; a plain one, nothing
        click.echo(f"interrupted; {getattr(exc, 'outcome', 'the output folder is as it was')}", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in newsgen, not the editor's fault
        if debug:
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "this is a bug in newsgen; run again with --debug and report the traceback", err=True)
        sys.exit(3)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsgen")
def main() -> None:
    """newsgen: a static news-site generator (Markdown + YAML in, a news site out)."""


_site_option = click.option("-s", "--site", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                            show_default=True, help="The site folder (holding newsgen.yaml and content/).")
_debug_option = click.option("--debug", is_flag=True, help="Show Python tracebacks (for developers).")


def summary(result: BuildResult) -> str:
    """The one-line summary of a build."""
    left_out = []
    if result.skipped_drafts:
        left_out.append(f"{result.skipped_drafts} draft{'s' if result.skipped_drafts != 1 else ''}")
    if result.skipped_future:
        left_out.append(f"{result.skipped_future} future")
    extra = f" ({', '.join(left_out)} left out)" if left_out else ""
    work = f"{result.rendered} rendered, {result.files} files written"
    if result.spliced:
        work = f"{result.rendered} rendered, {result.spliced} with new rates, {result.files} files written"
    if result.removed:
        work += f", {result.removed} removed"
    return (f"built {result.articles} articles{extra}, {result.pages} pages ({work}) "
            f"in {result.seconds:.2f} s -> {result.output}")


def _options(site: Path, output: Path | None, drafts: bool, future: bool, clean: bool = False,
             jobs: int = 0) -> BuildOptions:
    if not site.is_dir():
        raise UsageError(f"the site folder {site} does not exist")
    if jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    return BuildOptions(site=site, output=output, drafts=drafts, future=future, clean=clean, jobs=jobs)


_output_option = click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
                              help="Output folder (default: SITE/build).")
_drafts_option = click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
_future_option = click.option("--future", is_flag=True, help="Include articles dated in the future.")


@main.command("build")
@_site_option
@_output_option
@_drafts_option
@_future_option
@click.option("--clean", is_flag=True, help="Ignore the build state in .newsgen/ and rebuild everything.")
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Worker processes (0: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_debug_option
def build_command(site: Path, output: Path | None, drafts: bool, future: bool, clean: bool, jobs: int,
                  quiet: bool, debug: bool) -> None:
    """Build the site into its output folder (only what changed since the last build)."""
    def action() -> None:
        # The process ends with the build: its garbage goes with it. With the collector back on
        # after the build (see parallel.collector_paused), its first run would walk everything the
        # build made, 50 ms of a one-article edit at 100,000 articles, for memory freed at exit anyway.
        gc.disable()
        result = build(_options(site, output, drafts, future, clean, jobs), TerminalReporter(quiet))
        if not quiet:
            click.echo(summary(result))
    _run(debug, action)


def _report_build(result: BuildResult | None, error: BaseException | None, batch: Batch) -> None:
    """Print what a watched rebuild did; problems are printed and the watching goes on."""
    changes = f" ({batch.describe()} changed)" if batch and "site" not in batch.paths else ""
    if error is not None:
        for problem in getattr(error, "problems", []):
            click.echo(problem.format(), err=True)
        if not isinstance(error, (NewsgenError, OSError)):  # a bug in newsgen, not the editor's fault
            click.echo(f"internal error: {type(error).__name__}: {error}{changes}; this is a bug in newsgen, please "
                       "report it; waiting for the next change", err=True)
            return
        click.echo(f"error: {error if not getattr(error, 'problems', None) else 'build failed'}{changes}; "
                   "the output folder was not changed; waiting for the next change", err=True)
    elif result is not None:
        click.echo(summary(result) + changes)


def _report_preview(urls: list[str]) -> None:
    click.echo(f"updated {', '.join(urls)} at once; rebuilding the rest")


@main.command("watch")
@_site_option
@_output_option
@_drafts_option
@_future_option
@_debug_option
def watch_command(site: Path, output: Path | None, drafts: bool, future: bool, debug: bool) -> None:
    """Build, then rebuild after every change to content, templates, static files, data or settings."""
    def action() -> None:
        from .watch import SiteWatcher

        watcher = SiteWatcher(_options(site, output, drafts, future), _report_build, TerminalReporter(quiet=True),
                              on_preview=_report_preview)
        click.echo(f"watching {site} (Ctrl-C to stop)")
        try:
            watcher.run()
        except KeyboardInterrupt:
            watcher.stop()
            click.echo("stopped")
    _run(debug, action)


@main.command("serve")
@_site_option
@_output_option
@_drafts_option
@_future_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@_debug_option
def serve_command(site: Path, output: Path | None, drafts: bool, future: bool, host: str, port: int,
                  debug: bool) -> None:
    """Build, serve the output on a local address and reload open pages after each rebuild."""
    def action() -> None:
        import threading

        from .serve import ReloadHub, make_server
        from .watch import Batch, SiteWatcher

        options = _options(site, output, drafts, future)
        hub = ReloadHub()
        try:  # settings the first build refuses are reported by it: serve, and wait for them to be fixed
            config = load_config(site)
        except UsageError:
            config = None
        base_path = config.base_path if config is not None else ""
        # an edition on a domain of its own is served from the next port, and built for that address
        hosted = [l for l in config.languages if l.host] if config is not None else []
        servers = []
        try:
            servers.append(make_server(options.output_dir, host, port, base_path, hub))
            for number, language in enumerate(hosted, start=1):
                path = urlsplit(language.host).path.rstrip("/")
                servers.append(make_server(options.output_dir / language.prefix.strip("/"), host,
                                           port + number if port else 0, path, hub))
        except OSError as exc:
            for server in servers:
                server.server_close()
            raise UsageError(f"cannot listen on {host}: {exc.strerror}") from None
        addresses = [f"http://{host}:{server.server_address[1]}" for server in servers]
        if hosted:  # links between the hosts must lead to the local ones, the site's own included
            options = replace(options, hosts=(("", f"{addresses[0]}{base_path}/"), *(
                (language.code, address + urlsplit(language.host).path.rstrip("/"))
                for language, address in zip(hosted, addresses[1:]))))

        def on_build(result: BuildResult | None, error: BaseException | None, batch: Batch) -> None:
            _report_build(result, error, batch)
            if result is not None:
                hub.reload()

        watcher = SiteWatcher(options, on_build, TerminalReporter(quiet=True), on_preview=lambda urls: hub.reload())
        watcher.build_once(Batch({"site": {str(site)}}))
        options.output_dir.mkdir(parents=True, exist_ok=True)
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        click.echo(f"serving {options.output_dir} at {addresses[0]}{base_path}/ (Ctrl-C to stop)")
        for language, (code, address) in zip(hosted, options.hosts[1:]):
            click.echo(f"  the {language.name} edition ({code}, {language.host}/) at {address}/")
        try:
            watcher.run(first_build=False)
        except KeyboardInterrupt:
            click.echo("stopped")
        finally:
            watcher.stop()
            hub.close()
            for server in servers:
                server.shutdown()
                server.server_close()
    _run(debug, action)


@main.command("check")
@_site_option
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.option("--future", is_flag=True, help="Check articles dated in the future too.")
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Worker processes (0: one per core).")
@_debug_option
def check_command(site: Path, drafts: bool, future: bool, jobs: int, debug: bool) -> None:
    """Check content, settings, rates, templates and internal links; write nothing."""
    def action() -> None:
        options = _options(site, None, drafts, future, jobs=jobs)
        from .check import check_site  # Jinja, feedgen and lxml: not for a build that has nothing to render

        warnings = check_site(options, TerminalReporter(quiet=True))
        for problem in warnings:
            click.echo(problem.format(), err=True)
        click.echo(f"no problems found ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})")
    _run(debug, action)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Newsroom", show_default=True, help="The site's title.")
@click.option("--ticker/--no-ticker", default=True, show_default=True,
              help="A currency ticker on every page and a Markets page, from example rates in data/rates.yaml "
                   "(--no-ticker: neither, for a site that is not a newsroom).")
@_debug_option
def init_command(directory: Path, title: str, ticker: bool, debug: bool) -> None:
    """Create a new site with example articles (and rates, unless --no-ticker), using the default theme."""
    def action() -> None:
        files = init_site(directory, title, ticker)
        click.echo(f"created {len(files)} files in {directory}; now run: newsgen build -s {directory}")
        click.echo("the site uses newsgen's default theme; to change one of its files, copy it into the site "
                   "with: newsgen theme eject NAME (newsgen theme list shows them)")
    _run(debug, action)


@main.group("theme")
def theme_group() -> None:
    """The default theme: list its files, copy some into a site to change them."""


@theme_group.command("list")
@_site_option
@_debug_option
def theme_list_command(site: Path, debug: bool) -> None:
    """List the default theme's files; * marks those the site has its own file for."""
    def action() -> None:
        from .eject import THEME_FOLDERS, is_theme_itself, theme_listing
        from .theme import THEME_VERSION, theme_root

        if not site.is_dir():
            raise UsageError(f"the site folder {site} does not exist")
        click.echo(f"default theme, version {THEME_VERSION}, in {theme_root()}")
        for file in theme_listing(site):
            note = ""
            if file.ejected_from is not None and file.overridden:
                note = f"  (copied from version {file.ejected_from})"
            click.echo(f"{'*' if file.overridden else ' '} {file.name}{note}")
        if any(is_theme_itself(site, top) for top in THEME_FOLDERS):
            click.echo(f"(the site {site} holds the theme itself)")
    _run(debug, action)


@theme_group.command("eject")
@click.argument("names", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Replace the site's own file with the theme's (its changes are lost).")
@_site_option
@_debug_option
def theme_eject_command(names: tuple[str, ...], force: bool, site: Path, debug: bool) -> None:
    """Copy theme files into the site to change them, e.g. base.html partials/ticker.html static/css/site.css.

    The site's copy is used instead of the theme's; newsgen check lists later changes to the theme's file.
    """
    def action() -> None:
        from .eject import MANIFEST, eject
        from .theme import THEME_VERSION

        for path in eject(site, names, force):
            click.echo(f"copied {path} from the default theme (version {THEME_VERSION})")
        click.echo(f"recorded in {MANIFEST}; the site now uses these copies instead of the theme's files")
    _run(debug, action)


@main.command("new")
@click.argument("title")
@click.option("--section", required=True, help="The section (folder under content/), e.g. economy.")
@click.option("--slug", default=None, help="The file name and URL part (default: from the title).")
@_site_option
@_debug_option
def new_command(title: str, section: str, slug: str | None, site: Path, debug: bool) -> None:
    """Create an article file with its front matter filled in (as a draft)."""
    def action() -> None:
        path = new_article(site, title, section, slug=slug)
        click.echo(f"created {path} (a draft: set draft: false to publish it)")
    _run(debug, action)


@main.group("import")
def import_group() -> None:
    """Bring an archive from another system into a site."""


@import_group.command("wordpress")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_site_option
@click.option("--media", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A copy of the old site's wp-content/uploads: the images the posts use are copied into the site.")
@click.option("--permalink", default="", help="WordPress's permalink structure, e.g. /%year%/%monthnum%/%postname%/ "
                                              "(default: read from the posts' addresses).")
@click.option("--keep-unknown-shortcodes", is_flag=True,
              help="Keep shortcodes newsgen cannot render as visible text (default: remove them and list them).")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what the import would do.")
@_debug_option
def import_wordpress_command(export: Path, site: Path, media: Path | None, permalink: str,
                             keep_unknown_shortcodes: bool, dry_run: bool, debug: bool) -> None:
    """Import a WordPress export (WXR, from Tools → Export) into the site, or into a new one.

    Posts become articles under content/<section>/; importing a newer export again updates the
    articles WordPress changed and leaves those edited in newsgen since (reported as conflicts).
    """
    def action() -> None:
        from .wordpress.importer import REPORT_FILE, ImportOptions, import_wordpress

        report = import_wordpress(ImportOptions(export, site, media, dry_run, permalink, keep_unknown_shortcodes),
                                  TerminalReporter())
        for problem in report.problems:
            click.echo(problem.format(), err=True)
        for line in report.summary_lines():
            click.echo(line)
        if dry_run:
            click.echo("dry run: nothing was written")
        else:
            click.echo(f"the whole report: {site / REPORT_FILE}; next: newsgen check -s {site}")
    _run(debug, action)


if __name__ == "__main__":  # pragma: no cover
    main()
