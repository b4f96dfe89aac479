"""Where the default theme lives.

The repository's top-level ``templates/`` and ``static/`` are the default theme. A
wheel carries them as ``newsgen/theme/`` (see pyproject.toml), so ``newsgen init``
works after a plain ``pip install``; an editable install or a source checkout finds
them at the repository root instead.

A site uses the theme where it has no file of its own (:func:`template_dirs`,
:func:`static_roots`), so a newer newsgen's fixes to the theme reach every file the site
has not copied. The theme has a version number and a changelog (:data:`THEME_CHANGES`),
kept here rather than among the theme's files (Jinja would list a file in ``templates/``
as a template); ``newsgen check`` shows a site the changes to files it copied from an
older version (see ``eject``).
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .inputs import CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR

_PACKAGE = Path(__file__).resolve().parent

# Partials that templates reach through the memoising globals ``card()`` and ``ticker_html()``
# rather than through include/import, so every template depends on them.
CARD_PARTIAL = "partials/card.html"
TICKER_PARTIAL = "partials/ticker.html"
FRAGMENTS = (CARD_PARTIAL, TICKER_PARTIAL)

# Raise with every change to a file of the theme (under templates/ or static/), and say in
# THEME_CHANGES which files changed and how, one line each: sites that copied a file are shown them.
THEME_VERSION = 5


class ThemeChange(NamedTuple):
    """One line of the theme's changelog: in ``version``, ``file`` changed as ``what`` says."""

    version: int
    file: str  # as in a site: "templates/base.html", "static/css/site.css"; "*" for every file
    what: str


_BY_HAND = "addresses read from the model and urls (section.url, t.url, urls.archive), not put together by hand"

THEME_CHANGES: tuple[ThemeChange, ...] = (
    ThemeChange(1, "*", "the first numbered version of the theme"),
    ThemeChange(2, "templates/partials/ticker.html", "links to the Markets page (url(urls.rates))"),
    ThemeChange(2, "templates/base.html", f"the footer links to the Markets page; {_BY_HAND}"),
    ThemeChange(2, "templates/rates.html", "new: the Markets page"),
    ThemeChange(2, "static/css/site.css", "styles for the Markets table and the ticker's link"),
    *(ThemeChange(2, f"templates/{name}", _BY_HAND) for name in (
        "article.html", "home.html", "404.html", "search.html", "partials/card.html", "partials/byline.html")),
    ThemeChange(3, "templates/base.html", "<html dir>, and the language switcher of a site in several languages "
                "(alternates)"),
    ThemeChange(3, "templates/redirect.html", "<html dir>"),
    *(ThemeChange(3, f"templates/{name}", "its words said through _() and ngettext(), so each edition shows "
                  "them in its language (templates/i18n/)") for name in (
        "base.html", "article.html", "home.html", "list.html", "archive.html", "terms.html", "404.html", "search.html",
        "rates.html", "redirect.html", "partials/byline.html", "partials/pagination.html", "partials/ticker.html")),
    ThemeChange(3, "templates/i18n/ru.po", "new: the theme's words in Russian"),
    ThemeChange(3, "static/css/site.css", "styles for the language switcher"),
    ThemeChange(3, "templates/partials/ticker.html", "rates and changes through the number filter (the "
                "edition's decimal sign)"),
    ThemeChange(3, "templates/rates.html", "rates and changes through the number filter"),
    ThemeChange(4, "templates/search.html", "the search form of its own (section, order) over the segmented index "
                "(data-index: url(urls.search_index)); Pagefind's ready-made interface is gone"),
    ThemeChange(4, "static/js/search.js", "searches the index's segments (segments.json) and merges their "
                "results, newest first or by relevance"),
    ThemeChange(4, "static/css/site.css", "styles for the search form and its results"),
    ThemeChange(4, "templates/article.html", "no data-pagefind-body: the index is made from the articles, "
                "not read from the pages"),
    *(ThemeChange(5, f"templates/shortcodes/{name}.html", "new: the shortcode {{< " + name + " >}}") for name in (
        "figure", "image", "youtube", "vimeo", "tweet", "map", "pullquote", "gallery")),
    ThemeChange(5, "static/css/site.css", "styles for the shortcodes' embeds, pull quotes, figures and galleries"),
    *(ThemeChange(5, f"templates/{name}", "an article dated without a time of day shows the day alone "
                  "(iso(date_only=article.date_only), datetime(date_only=...)), not an invented 00:00")
      for name in ("article.html", "home.html", "partials/card.html")),
    *(ThemeChange(5, f"templates/{name}", "the lead image only where has_image(article): a missing image "
                  "(missing_images: warning) shows no empty box") for name in (
        "article.html", "home.html", "partials/card.html")),
    ThemeChange(5, "templates/base.html", "the footer links to the Markets page only on a site with a ticker "
                "({% if config.ticker %})"),
    ThemeChange(5, "templates/list.html", "an author page shows the person's photo, bio and links "
                "(author: from data/authors.yaml or the byline's link)"),
    ThemeChange(5, "templates/i18n/ru.po", "the word Website (an author's own site)"),
    ThemeChange(5, "static/css/site.css", "styles for an author page's photo, bio and links"),
)


def theme_changes_since(version: int, file: str) -> list[ThemeChange]:
    """The changelog's lines about ``file`` (site-relative) in versions after ``version``."""
    return [c for c in THEME_CHANGES if c.version > version and c.file in (file, "*")]


def theme_root() -> Path:
    """The folder holding the default theme's ``templates/`` and ``static/``."""
    packaged = _PACKAGE / "theme"
    if (packaged / TEMPLATES_DIR).is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent  # src/newsgen -> repository root
    if (checkout / TEMPLATES_DIR / "base.html").is_file():
        return checkout
    raise FileNotFoundError("the default theme is missing from this installation of newsgen")


def template_dirs(site: Path) -> list[Path]:
    """Site templates first, then the default theme's."""
    dirs = [site / TEMPLATES_DIR, theme_root() / TEMPLATES_DIR]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


SHORTCODES_DIR = "shortcodes"  # under templates/: one Jinja file per shortcode (see ``shortcodes``)


def shortcode_templates(site: Path) -> tuple[tuple[str, str], ...]:
    """Every shortcode template (name, source), the site's where it has one, else the theme's."""
    found: dict[str, str] = {}
    for folder in reversed(template_dirs(site)):
        shortcodes = folder / SHORTCODES_DIR
        for path in sorted(shortcodes.rglob("*.html")):  # 'blog/badge' for shortcodes/blog/badge.html, as in Hugo
            found[path.relative_to(shortcodes).with_suffix("").as_posix()] = path.read_text(encoding="utf-8",
                                                                                             errors="replace")
    return tuple(sorted(found.items()))


def static_roots(site: Path) -> list[Path]:
    """Folders copied to the output as they are, later ones winning: the theme's static/,
    the site's content/ (images and files next to the articles) and the site's static/."""
    roots = [theme_root() / STATIC_DIR, site / CONTENT_DIR, site / STATIC_DIR]
    return list(dict.fromkeys(r.resolve() for r in roots if r.is_dir()))
