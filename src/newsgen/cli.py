"""The ``newsgen`` command: options, progress display, printing problems, exit codes.

Exit status: 0 success, 1 content problems, 2 usage or settings problems. An editor
never sees a Python traceback; ``--debug`` shows one for developers.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click
from tqdm import tqdm

from . import __version__
from .build import BuildOptions, build
from .check import check_site
from .errors import ContentError, NewsgenError, Problem, UsageError
from .report import Reporter
from .scaffold import init_site, new_article


class TerminalReporter(Reporter):
    """Progress bars on stderr (only for phases that take more than a moment) and warnings."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.bar: tqdm[Any] | None = None

    def start(self, stage: str, total: int) -> None:
        if not self.quiet:
            self.bar = tqdm(total=total, desc=stage, unit="page" if stage == "rendering" else "file",
                            delay=0.7, leave=False, file=sys.stderr, dynamic_ncols=True,
                            disable=None)  # None: no bar when stderr is not a terminal (CI logs)

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
        action()
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        errors = [p for p in exc.problems if p.is_error]
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
                   f"{exc.outcome}", err=True)
        if debug:
            traceback.print_exc()
        sys.exit(exc.exit_code)
    except NewsgenError as exc:
        for problem in getattr(exc, "problems", []):
            click.echo(problem.format(), err=True)
        click.echo(f"error: {exc}", err=True)
        if debug:
            traceback.print_exc()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; the output folder was not changed", err=True)
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


@main.command("build")
@_site_option
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: SITE/build).")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_debug_option
def build_command(site: Path, output: Path | None, drafts: bool, future: bool, quiet: bool, debug: bool) -> None:
    """Build the site into its output folder."""
    def action() -> None:
        if not site.is_dir():
            raise UsageError(f"the site folder {site} does not exist")
        result = build(BuildOptions(site=site, output=output, drafts=drafts, future=future), TerminalReporter(quiet))
        if not quiet:
            left_out = []
            if result.skipped_drafts:
                left_out.append(f"{result.skipped_drafts} draft{'s' if result.skipped_drafts != 1 else ''}")
            if result.skipped_future:
                left_out.append(f"{result.skipped_future} future")
            extra = f" ({', '.join(left_out)} left out)" if left_out else ""
            click.echo(f"built {result.articles} articles{extra}, {result.pages} pages, {result.files} files "
                       f"in {result.seconds:.2f} s -> {result.output}")
    _run(debug, action)


@main.command("check")
@_site_option
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.option("--future", is_flag=True, help="Check articles dated in the future too.")
@_debug_option
def check_command(site: Path, drafts: bool, future: bool, debug: bool) -> None:
    """Check content, settings, rates, templates and internal links; write nothing."""
    def action() -> None:
        if not site.is_dir():
            raise UsageError(f"the site folder {site} does not exist")
        warnings = check_site(BuildOptions(site=site, drafts=drafts, future=future), TerminalReporter(quiet=True))
        for problem in warnings:
            click.echo(problem.format(), err=True)
        click.echo(f"no problems found ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})")
    _run(debug, action)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Newsroom", show_default=True, help="The site's title.")
@_debug_option
def init_command(directory: Path, title: str, debug: bool) -> None:
    """Create a new site with example articles, rates and the default theme."""
    def action() -> None:
        files = init_site(directory, title)
        click.echo(f"created {len(files)} files in {directory}; now run: newsgen build -s {directory}")
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


if __name__ == "__main__":  # pragma: no cover
    main()
