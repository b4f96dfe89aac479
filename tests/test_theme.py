"""The default theme as sites use it: `newsgen theme list` and `eject`, and what `newsgen check`
says about a site's own copies of theme files (copied from an older theme, or left unchanged)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, article, build_site, read

from newsgen.cli import main
from newsgen.theme import THEME_CHANGES, THEME_VERSION, theme_changes_since, theme_root

MANIFEST = "templates/.ejected.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    """A site made by `newsgen init`, without the search index (Pagefind) to keep builds quick."""
    site = tmp_path / "paper"
    assert run("init", str(site))[0] == 0
    with (site / "newsgen.yaml").open("a", encoding="utf-8") as settings:
        settings.write("search: false\n")
    return site


def warnings_of_check(site: Path) -> list[str]:
    code, out = run("check", "-s", str(site))
    assert code == 0, out
    return [line for line in out.splitlines() if ": warning: " in line]


def test_init_copies_no_theme_file_and_the_site_builds_with_the_theme(paper):
    assert not (paper / "templates").exists() and not (paper / "static").exists()
    output, result, _ = build_site(paper)
    assert result.articles == 2
    assert "KZT/USD" in read(output, "/")
    assert (output / "css/site.css").read_bytes() == (theme_root() / "static/css/site.css").read_bytes()
    assert warnings_of_check(paper) == []


def test_eject_copies_the_named_files_and_records_the_theme_version(paper):
    code, out = run("theme", "eject", "-s", str(paper), "base.html", "partials/ticker.html", "static/css/site.css")
    assert code == 0, out
    assert "copied templates/partials/ticker.html from the default theme" in out
    for path in ("templates/base.html", "templates/partials/ticker.html", "static/css/site.css"):
        assert (paper / path).read_bytes() == (theme_root() / path).read_bytes()
    assert yaml.safe_load((paper / MANIFEST).read_text()) == {
        "templates/base.html": THEME_VERSION, "templates/partials/ticker.html": THEME_VERSION,
        "static/css/site.css": THEME_VERSION}
    assert sorted(p.relative_to(paper).as_posix() for p in (paper / "templates").rglob("*") if p.is_file()) == [
        "templates/.ejected.yaml", "templates/base.html", "templates/partials/ticker.html"]

    code, out = run("theme", "list", "-s", str(paper))
    assert code == 0, out
    lines = out.splitlines()
    assert f"default theme, version {THEME_VERSION}, in {theme_root()}" == lines[0]
    assert f"* base.html  (copied from version {THEME_VERSION})" in lines
    assert f"* static/css/site.css  (copied from version {THEME_VERSION})" in lines
    assert "  article.html" in lines and "  static/js/site.js" in lines

    assert warnings_of_check(paper) == []  # copied from the installed version: nothing to say
    code, out = run("theme", "eject", "-s", str(paper), "templates/article.html")  # the path works too
    assert code == 0, out
    assert set(yaml.safe_load((paper / MANIFEST).read_text())) == {
        "templates/base.html", "templates/partials/ticker.html", "static/css/site.css", "templates/article.html"}


def test_the_record_is_no_template_no_static_file_and_no_change_to_watch(paper):
    from newsgen.digests import template_digests
    from newsgen.render import make_environment
    from newsgen.theme import template_dirs
    from newsgen.inputs import classify

    assert run("theme", "eject", "-s", str(paper), "base.html")[0] == 0
    (paper / "static").mkdir(exist_ok=True)
    names = set(template_digests(make_environment(template_dirs(paper))))
    assert "base.html" in names and not [n for n in names if ".ejected" in n]
    output = build_site(paper)[0]
    assert not list(output.rglob(".ejected*"))
    assert classify(paper, str(paper / MANIFEST)) is None


def test_eject_never_replaces_a_file_of_the_site_without_force(paper):
    assert run("theme", "eject", "-s", str(paper), "article.html")[0] == 0
    mine = paper / "templates/article.html"
    mine.write_text("{% extends 'base.html' %}{% block main %}mine{% endblock %}\n")
    code, out = run("theme", "eject", "-s", str(paper), "base.html", "article.html")
    assert code == 2
    assert "templates/article.html already exists in the site; pass --force to replace it" in out
    assert "mine" in mine.read_text() and not (paper / "templates/base.html").exists()  # nothing written

    code, out = run("theme", "eject", "-s", str(paper), "--force", "article.html")
    assert code == 0, out
    assert mine.read_bytes() == (theme_root() / "templates/article.html").read_bytes()


def test_eject_never_writes_through_a_link_out_of_the_site(paper, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (paper / "templates").symlink_to(tmp_path / "elsewhere")
    code, out = run("theme", "eject", "-s", str(paper), "partials/card.html")
    assert code == 2 and "templates is a link to " in out and "outside the site" in out
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_unknown_name_is_refused_with_the_closest_names(paper):
    code, out = run("theme", "eject", "-s", str(paper), "bse.html", "css/site.css")
    assert code == 2 and "Traceback" not in out
    assert 'the default theme has no file "bse.html" (did you mean base.html' in out
    assert 'no file "css/site.css" (did you mean static/css/site.css' in out
    assert "newsgen theme list shows them all" in out
    assert not (paper / "templates").exists() and not (paper / "static").exists()


def test_check_lists_the_theme_changes_since_an_older_ejected_version(paper):
    assert run("theme", "eject", "-s", str(paper), "base.html", "list.html", "partials/card.html")[0] == 0
    (paper / "templates/list.html").write_text(
        (paper / "templates/list.html").read_text().replace("<h1>", "<h1 class='ours'>"))
    record = yaml.safe_load((paper / MANIFEST).read_text())
    older = THEME_VERSION - 1  # as if ejected by the newsgen before this one
    record["templates/list.html"] = older
    (paper / MANIFEST).write_text(yaml.safe_dump(record))

    changes = theme_changes_since(older, "templates/list.html")
    assert changes  # the latest version changed the list page (author pages)
    [warning] = warnings_of_check(paper)
    assert warning.startswith(f"templates/list.html: warning: was copied from version {older} of the default "
                              f"theme; the installed version {THEME_VERSION} has changed it since: ")
    for change in changes:
        assert f"version {change.version}: {change.what}" in warning
    assert f"then set its version in {MANIFEST} to {THEME_VERSION}" in warning


def test_check_points_out_unchanged_copies_left_by_an_older_init(paper):
    for top in ("templates", "static"):  # what `newsgen init` used to do
        shutil.copytree(theme_root() / top, paper / top)
    (paper / "templates/home.html").write_text(
        (paper / "templates/home.html").read_text().replace("{% block main %}", "{% block main %}<p>ours</p>", 1))
    warned = warnings_of_check(paper)
    theme = sorted(p.relative_to(theme_root()).as_posix() for top in ("templates", "static")
                   for p in (theme_root() / top).rglob("*") if p.is_file())
    assert sorted(w.split(":")[0] for w in warned) == [p for p in theme if p != "templates/home.html"]
    assert ("templates/partials/ticker.html: warning: is the same as the default theme's file, and keeps later "
            "fixes to the theme's file from reaching this site (delete it; newsgen theme eject "
            "partials/ticker.html copies it again when you want to change it)") in warned
    assert ("static/css/site.css: warning: is the same as the default theme's file, and keeps later fixes to the "
            "theme's file from reaching this site (delete it; newsgen theme eject static/css/site.css copies it "
            "again when you want to change it)") in warned


def test_the_example_site_is_the_theme_itself(tmp_path):
    assert warnings_of_check(REPO) == []
    code, out = run("theme", "eject", "-s", str(REPO), "base.html")
    assert code == 2 and "is the default theme's own folder" in out
    assert not (REPO / MANIFEST).exists()


def test_a_site_file_wins_over_the_theme_file_by_file(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/politics/talks.md": article("Talks resume"),
                      "templates/article.html": "{% extends 'base.html' %}\n"
                                                "{% block main %}<p>our article page</p>{% endblock %}\n",
                      "static/css/site.css": "body { color: teal; }\n"})
    output = build_site(site)[0]
    page = read(output, "/politics/talks/")
    assert "<p>our article page</p>" in page and 'class="masthead"' in page  # the theme's base.html around it
    assert "Talks resume" in read(output, "/")  # the theme's home page
    assert (output / "css/site.css").read_text() == "body { color: teal; }\n"
    assert (output / "js/site.js").read_bytes() == (theme_root() / "static/js/site.js").read_bytes()


def test_the_theme_changelog_names_theme_files_up_to_the_theme_version():
    files = {p.relative_to(theme_root()).as_posix() for top in ("templates", "static")
             for p in (theme_root() / top).rglob("*") if p.is_file()}
    assert max(c.version for c in THEME_CHANGES) == THEME_VERSION
    assert [c.version for c in THEME_CHANGES] == sorted(c.version for c in THEME_CHANGES)
    assert all(c.file == "*" or c.file in files for c in THEME_CHANGES)
    assert all(c.what for c in THEME_CHANGES)
