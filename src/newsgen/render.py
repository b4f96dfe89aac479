"""Pages to bytes: the Jinja environment, filters, and one :class:`PageSpec` at a time.

Templates get the frozen model objects (they cannot change them), autoescaping is on
for every page, and undefined names fail loudly (``StrictUndefined``) so that a typo
in a template is an error with its file and line, never a silently empty page.
Article bodies are inserted as finished HTML and never compiled as templates.
"""
from __future__ import annotations

import difflib
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import jinja2
from markupsafe import Markup

from .config import Config
from .dates import iso_moment
from .data import SiteData
from .errors import Problem
from .model import Article, Section, Site
from .kinds import PageSpec, unit
from .theme import CARD_PARTIAL, TICKER_PARTIAL
from .links import rewrite_urls
from .images import ImageInfo, is_served_image, picture, responsive_body
from .seo import MetaBuilder
from .ticker import Rates
from .editions import Alternates
from .i18n import local_number, long_date, month_name, translations


class PageProblem(Exception):
    """A page could not be made; carries the :class:`Problem` that names where: the template's
    file and line for a template's mistake, else the page's URL and its source (see :func:`failure`)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem

    def __reduce__(self) -> tuple[type, tuple[Problem]]:
        return (type(self), (self.problem,))


def make_environment(template_dirs: list[Path], cache: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: site templates first, so a site overrides any theme file.

    With a ``cache`` folder, compiled templates are kept there between builds (Jinja
    checks each against its source), so a rebuild does not compile them again.
    """
    bytecode_cache = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["iso"] = lambda d, date_only=False: iso_moment(d, None, date_only) if d else ""
    env.filters["number"] = str  # each edition's renderer writes numbers in its language (see PageRenderer)
    return env


class PageRenderer:
    """Renders the pages of one site; build it once (per process) and call :meth:`render`."""

    def __init__(self, site: Site, config: Config, rates: Rates, env: jinja2.Environment,
                 template_dirs: list[Path], site_root: Path, data: SiteData | None = None, lang: str = "",
                 alternates: Alternates | None = None) -> None:
        """``site`` and ``config`` are the whole site's; with ``lang``, this renderer makes the pages
        of that edition, reading its articles and indexes and its own settings (see
        ``config.Config.for_edition``), and links the other editions' versions (``alternates``)."""
        self.lang = lang
        self.whole = site
        self.alternates = alternates
        if lang:
            site, config = site.edition(lang), config.for_edition(lang)
        self.edition = config.edition(lang or config.language)
        self.urls = self.edition.urls
        self.site = site
        self.config = config
        self.rates = rates
        self.data = data or SiteData()
        self.env = env
        self.template_dirs = template_dirs
        self.site_root = site_root
        self.sections: dict[str, Section] = {s.key: s for s in site.sections}
        self.meta = MetaBuilder(site, config)
        self.images: dict[str, ImageInfo] = {}  # site path -> sizes and variants, set by the build
        # the files the site serves (output paths), set by the build: an image that is not among them
        # (a migrated archive's, with missing_images: warning) is left out of pages rather than shown broken
        self.files: Mapping[str, object] | None = None
        zone = config.zone
        base_path = config.base_path

        url, abs_url = config.url, config.abs_url

        def local(d: datetime) -> datetime:
            return d.astimezone(zone)

        language = self.edition.code
        self.words = translations(template_dirs, language)
        env.install_gettext_translations(self.words, newstyle=True)  # type: ignore[attr-defined]

        def human_date(d: datetime) -> str:
            return long_date(local(d), language)

        def human_datetime(d: datetime, date_only: bool = False) -> str:
            """The date and the time of day; the date alone for a day given without a time
            (``date_only=article.date_only``), which would otherwise show an invented '00:00'."""
            return human_date(d) if date_only else f"{human_date(d)}, {local(d):%H:%M}"

        def iso(d: datetime | None, date_only: bool = False) -> str:
            """For <time datetime>: the moment in the site's zone, or the day alone ('2015-03-02')."""
            return iso_moment(d, zone, date_only) if d else ""

        env.filters.update(date=human_date, datetime=human_datetime, iso=iso)
        fragments: dict[tuple[Any, ...], Markup] = {}

        def ticker_html() -> Markup:
            """The ticker partial, rendered once per process: it is the same on every page.
            Nothing at all on a site without a ticker (``Config.ticker``), whatever the partial says."""
            if not config.ticker:
                return Markup("")
            if ("ticker",) not in fragments:
                fragments[("ticker",)] = Markup(env.get_template(TICKER_PARTIAL).render())
            return fragments[("ticker",)]

        def card(article: Article, heading: str = "h3", show_summary: bool = True, show_image: bool = False) -> Markup:
            """An article's teaser, rendered once per process and reused by every listing that shows it."""
            key = (article.key, heading, show_summary, show_image)
            if key not in fragments:
                macro = env.get_template(CARD_PARTIAL).module.card  # type: ignore[attr-defined]
                fragments[key] = Markup(macro(article, heading, show_summary, show_image))
            return fragments[key]

        def served(path: str) -> bool:
            return is_served_image(path, self.files)

        def has_image(article: Article) -> bool:
            """Whether the article has a lead image a reader can see: none, or a missing file, is no box."""
            return bool(article.image) and served(article.site_file(article.image))

        def lead_image(article: Article, sizes: str = "100vw", lazy: bool = False, alt: str | None = None) -> Markup:
            """The article's lead image, responsive when newsgen made variants of it; nothing when it is missing."""
            if not has_image(article):
                return Markup("")
            path = article.site_file(article.image)
            text = (article.image_alt or article.image_caption) if alt is None else alt
            return picture(self.images.get(path), path or article.image, text, sizes, lazy, url)

        def article_body(article: Article) -> Markup:
            body = responsive_body(article, self.images, base_path, url, served)
            if config.hosted:  # the body's site links, made for the site's host, as links from this edition
                return Markup(rewrite_urls(str(body), lambda tag, attribute, link: config.relink(link)))
            return body

        self.ticker_html = ticker_html  # the build splices it into old pages (see build._splice_plan)
        env.globals.update(
            url=url, abs_url=abs_url, urls=self.urls, edition=self.edition, data=self.data.tree(), config=config,
            ticker=rates, ticker_html=ticker_html, card=card,
            lead_image=lead_image, has_image=has_image, article_body=article_body,
            nav_sections=[s for s in site.sections if s.articles] or list(site.sections),
            section_name=lambda key: self.sections[key].name if key in self.sections else config.section_name(key),
            month_name=lambda m: month_name(int(m), language),
        )
        env.filters["number"] = lambda text: local_number(str(text), language)

    def render(self, spec: PageSpec) -> bytes:
        """The page's bytes; a failure raises :class:`PageProblem`."""
        try:
            context = self.context(spec)
        except Exception as exc:  # noqa: BLE001 - newsgen's own code, not a template: named by the page
            raise PageProblem(failure(spec, exc)) from exc
        try:
            template = self.env.get_template(spec.template)
            return template.render(context).encode("utf-8")
        except jinja2.TemplateNotFound as exc:
            raise PageProblem(Problem(f"templates/{spec.template}", 0, 0, "",
                                          f"the template '{exc.name}' does not exist",
                                          "restore it from the default theme (newsgen init) or fix the name")) from None
        except jinja2.TemplateSyntaxError as exc:
            raise PageProblem(Problem(self._display(exc.filename, exc.name), exc.lineno or 0, 0, "",
                                          f"template syntax error: {exc.message}", "fix the template")) from None
        except TEMPLATE_FAILURES as exc:
            raise PageProblem(self._runtime_problem(exc, context, spec)) from None

    def context(self, spec: PageSpec) -> dict[str, Any]:
        """What the page's template gets: the spec, its head's metadata, the other editions'
        versions of it (for the language switcher), and its unit's context."""
        others = self.alternates
        if unit(spec.kind).worded_title:
            spec = replace(spec, title=self.words.gettext(spec.title))
        return {"page": spec, "alternates": others.of(spec) if others is not None else (),
                "meta": self.meta.meta(spec, self.images, others.hreflang(spec) if others is not None else ()),
                **unit(spec.kind).context(spec, self)}

    def _display(self, filename: str | None, name: str | None) -> str:
        """A template's path as an editor sees it: relative to the site, else to the theme."""
        if filename:
            path = Path(filename)
            for root in (self.site_root, *[d.parent for d in self.template_dirs]):
                try:
                    return path.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    continue
        return f"templates/{name}" if name else "templates"

    def _runtime_problem(self, exc: Exception, context: dict[str, Any], spec: PageSpec) -> Problem:
        """The innermost template frame of a runtime error: its file and line."""
        file, line = f"templates/{spec.template}", 0
        import traceback

        for frame in traceback.extract_tb(sys.exc_info()[2]):
            if frame.filename and any(frame.filename.startswith(str(d)) for d in self.template_dirs):
                file, line = self._display(frame.filename, None), frame.lineno or 0
        message = template_error_message(exc)
        hint = "fix the template"
        if isinstance(exc, jinja2.UndefinedError) and message.startswith("'") and "' is undefined" in message:
            name = message.split("'")[1]
            known = list(context) + list(self.env.globals)
            close = difflib.get_close_matches(name, known, n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
        return Problem(file, line, 0, "", f"{message} (while rendering {spec.url})", hint)


# What a template that fails while it runs raises: Jinja's errors, and a template's own mistakes in
# expressions ({{ 1/0 }}, a macro that calls itself, a loop over a dict it changes), which still have
# its file and line. Only running out of memory is not the template's to answer for.
TEMPLATE_FAILURES = (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
                     RecursionError, RuntimeError, OSError, AssertionError)


def failure(spec: PageSpec, exc: BaseException) -> Problem:
    """A problem naming the page that could not be made, its source, and where in newsgen it failed.

    The source is the article of an article page or redirect, else the page's template; a
    feed or sitemap, which no template makes, is named by its URL alone.
    """
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (in {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    source = spec.article or (f"templates/{spec.template}" if spec.template else spec.url.lstrip("/"))
    return Problem(source, 0, 0, "", f"the page {spec.url} could not be made: {type(exc).__name__}: {exc}{where}",
                   "if this file looks right, it is a bug in newsgen: run again with --debug and report it")


def template_error_message(exc: BaseException) -> str:
    """What went wrong in a template, in words an editor can act on."""
    if isinstance(exc, RecursionError):
        return "the template calls itself without end (a macro, include or extends that never stops)"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc.message or exc)
    return str(exc) or type(exc).__name__
