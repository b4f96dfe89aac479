"""Hostile and careless input: an editor's message and exit status 1 or 2, never an internal error.

Each test writes a tiny site with one bad input beside good articles, runs the real
``newsgen`` command in a subprocess (exit status and printed lines are what an editor
sees), and checks that the output folder was not touched.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Command, SiteTree, article, build_site, http_get, serve_in_background, snapshot, wait_until

from newsgen.errors import ContentError

RATES = "base: USD\nupdated: 2025-12-19T09:00:00\nrates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n"
GOOD_SITE: dict[str, str | bytes] = {
    "newsgen.yaml": "title: Steppe Daily\ntimezone: Asia/Almaty\nsearch: false\n",
    "data/rates.yaml": RATES,
    "content/economy/gas-prices.md": article("Gas prices rise", tags=["energy"]),
    "content/politics/talks.md": article("Talks in Astana"),
}
TALKS = "content/politics/talks.md"


def newsgen(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Run the newsgen command; (exit status, the lines it printed on stdout and stderr)."""
    done = subprocess.run([sys.executable, "-m", "newsgen", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})
    return done.returncode, (done.stdout + done.stderr).splitlines()


def failed_build(site_tree: SiteTree, files: dict[str, str | bytes], status: int = 1,
                 env: dict[str, str] | None = None) -> list[str]:
    """The lines printed by a build of the good site (built once before) with ``files`` added;
    checks the exit status and that build/ stayed as it was."""
    site = site_tree(GOOD_SITE)
    output = build_site(site)[0]
    before = snapshot(output)
    site = site_tree(files)
    code, lines = newsgen("build", "-s", str(site), env=env)
    assert code == status, lines
    assert not any("Traceback" in line or "internal error" in line for line in lines), lines
    assert snapshot(output) == before
    return lines


# --- item 5: values that overflowed deep inside the build ----------------------------------------

@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_date_at_the_ends_of_the_calendar_is_an_editors_error(site_tree, date):
    assert failed_build(site_tree, {TALKS: article("Talks", date)}) == [
        f'{TALKS}:3: date: "{date}" is outside the years 1000 to 9000 (check the year: e.g. 2025-12-19)',
        "1 error in 1 file; the output folder was not changed"]


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_rates_update_at_the_ends_of_the_calendar_is_an_editors_error(site_tree, date):
    assert failed_build(site_tree, {"data/rates.yaml": RATES.replace("2025-12-19T09:00:00", date)}) == [
        f'data/rates.yaml:2: updated: "{date}" is outside the years 1000 to 9000 (check the year: e.g. 2025-12-19)',
        "1 error in 1 file; the output folder was not changed"]


HUGE = "9" * 5000
TOO_LONG = "this number has 5,000 digits; newsgen reads numbers of at most 100 digits " \
           '(if the value is text, put it in quotes: key: "...")'


def test_a_five_thousand_digit_number_in_front_matter_is_an_editors_error(site_tree):
    source = f"---\ntitle: Talks\ndate: 2025-12-19\nissue: {HUGE}\n---\nBody.\n"
    assert failed_build(site_tree, {TALKS: source}) == [
        f"{TALKS}:4:8: {TOO_LONG}", "1 error in 1 file; the output folder was not changed"]


def test_a_five_thousand_digit_number_in_the_rates_is_an_editors_error(site_tree):
    assert failed_build(site_tree, {"data/rates.yaml": RATES.replace("0.00193", HUGE)}) == [
        f"data/rates.yaml:4:23: {TOO_LONG}", "1 error in 1 file; the output folder was not changed"]


@pytest.mark.parametrize("settings, message", [
    (f"per_page: {HUGE}\n", f"newsgen.yaml:1:11: {TOO_LONG}"),
    ("home_latest: 99999999999999999999\n",
     "newsgen.yaml:1: home_latest: must be a whole number of at most 10,000, not 99999999999999999999 "
     "(e.g. 'home_latest: 20')"),
    ("permalink: /{section}/{slug}/}/\n",
     "newsgen.yaml:1: permalink: has a '{' or '}' that does not belong to a placeholder such as {slug} "
     "(e.g. /{section}/{slug}/ or /{year}/{month}/{day}/{slug}/)"),
], ids=["huge-number", "home_latest", "permalink-brace"])
def test_settings_that_overflowed_are_a_settings_error(site_tree, settings, message):
    lines = failed_build(site_tree, {"newsgen.yaml": settings}, status=2)
    assert lines[0] == message and lines[-1].startswith("error: the settings file")


def test_a_huge_source_date_epoch_is_a_usage_error_naming_the_variable(site_tree):
    assert failed_build(site_tree, {}, status=2, env={"SOURCE_DATE_EPOCH": "99999999999999999"}) == [
        "error: the environment variable SOURCE_DATE_EPOCH is 99999999999999999, which is after the year 9000; "
        "set it to a time in seconds since 1970 (e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)) or unset it"]


@pytest.mark.parametrize("template, line, message", [
    ("{% extends 'base.html' %}\n{% block main %}\n<p>{{ 1/0 }}</p>\n{% endblock %}\n", 3, "division by zero"),
    ("{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}\n\n{{ again(1) }}\n", 1,
     "the template calls itself without end (a macro, include or extends that never stops)"),
    ("{% set seen = {'a': 1} %}\n{% for key in seen %}\n{{ seen.update({'b': 2}) }}\n{% endfor %}\n", 2,
     "dictionary changed size during iteration"),
], ids=["division", "recursion", "dict-changed-in-its-loop"])
def test_a_template_that_fails_while_running_names_its_file_and_line(site_tree, template, line, message):
    lines = failed_build(site_tree, {"templates/article.html": template})
    assert lines == [f"templates/article.html:{line}: {message} (while rendering /economy/gas-prices/) "
                     "(fix the template)", "1 error in 1 file; the output folder was not changed"]


def test_a_page_that_fails_outside_any_template_names_its_url_and_source(site_tree):
    from dataclasses import replace

    from newsgen.kinds import Kind
    from newsgen.loading import load_site
    from newsgen.options import BuildOptions
    from newsgen.pages import SiteRenderer
    from newsgen.render import PageProblem

    site = Path(site_tree({"newsgen.yaml": "title: T\nsearch: false\n",
                           "content/politics/a.md": article("Alpha")}))
    loaded = load_site(BuildOptions(site=site))
    feed = next(s for s in loaded.specs if s.kind is Kind.RSS and s.url == "/politics/feed.xml")
    with pytest.raises(PageProblem) as caught:  # an article the model does not hold: newsgen's own mistake
        SiteRenderer(loaded, site).render(replace(feed, items=("content/politics/gone.md",)))
    assert caught.value.problem.format().startswith(
        "politics/feed.xml: the page /politics/feed.xml could not be made: KeyError: 'content/politics/gone.md' (in ")


LATIN1 = os.fsdecode(b"caf\xe9")


@pytest.mark.parametrize("name", [f"content/politics/{LATIN1}.md", f"static/{LATIN1}.css",
                                  f"static/{LATIN1}/site.css", f"content/politics/{LATIN1}.jpg"])
def test_a_file_name_that_is_not_utf8_is_reported_and_nothing_is_copied(site_tree, name):
    shown = name.replace(LATIN1, "caf\\xe9")
    where = shown if not shown.startswith("static/caf\\xe9/") else "static/caf\\xe9"
    expected = [f"{where}: the name is not UTF-8 text, so it cannot be part of a web address "
                "(rename it, e.g. with: convmv -f latin1 -t utf8 --notest FILE)",
                "1 error in 1 file; the output folder was not changed"]
    assert failed_build(site_tree, {name: article("Café")}) == expected
    site = Path(site_tree({}))
    code, lines = newsgen("check", "-s", str(site))
    assert (code, lines) == (1, [expected[0], "1 error in 1 file; nothing was written"])  # check writes nothing anyway
    for folder in (site / "build", site.parent):
        assert not [p for p in folder.rglob("*") if "\udce9" in p.name and not str(p).startswith(str(site / "content"))
                    and not str(p).startswith(str(site / "static"))]


def test_a_static_file_name_that_is_not_utf8_is_not_copied_by_a_clean_build(site_tree):
    site = site_tree({**GOOD_SITE, f"static/{LATIN1}.css": "body {}\n"})
    with pytest.raises(ContentError):
        build_site(site)
    assert not (site / "build").exists()


INTERRUPT_WHILE_LOADING = """
import builtins, os, runpy, signal, sys
plain_import = builtins.__import__
def interrupting_import(name, *args, **kwargs):
    if name == {module!r} and name not in sys.modules:
        os.kill(os.getpid(), signal.SIGINT)  # the editor's Ctrl-C, while the command's modules load
    return plain_import(name, *args, **kwargs)
builtins.__import__ = interrupting_import
sys.argv = ["newsgen", "build", "-s", {site!r}]
runpy.run_module("newsgen", run_name="__main__")
"""


@pytest.mark.parametrize("module", ["click", "yaml", "slugify"])
def test_ctrl_c_while_the_command_loads_prints_one_line_and_exits_130(site_tree, module):
    site = site_tree(GOOD_SITE)
    script = INTERRUPT_WHILE_LOADING.format(module=module, site=str(site))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "interrupted; nothing was done\n")
    assert not (site / "build").exists()


@pytest.mark.parametrize("command", [["watch"], ["serve", "--port", "0"]], ids=["watch", "serve"])
def test_watch_and_serve_report_bad_input_and_keep_running(site_tree, command):
    site = site_tree({**GOOD_SITE, "templates/notes.txt": "the site's own templates go here\n"})
    running = Command(*command, "-s", str(site))
    try:
        running.lines_until("(Ctrl-C to stop)" if command[0] == "serve" else "built 2 articles")
        bad_date = article("Talks", "0001-01-01T00:00:00+05:00")
        assert running.after(lambda: (site / TALKS).write_text(bad_date), "waiting for the next change")[-2:] == [
            f'{TALKS}:3: date: "0001-01-01T00:00:00+05:00" is outside the years 1000 to 9000 '
            "(check the year: e.g. 2025-12-19)",
            "error: build failed (1 content changed); the output folder was not changed; waiting for the next change"]
        (site / TALKS).write_text(article("Talks"))
        (site / "templates/article.html").write_text("<p>{{ 1/0 }}</p>\n")
        lines = running.lines_until("waiting for the next change")
        assert "templates/article.html:1: division by zero (while rendering /economy/gas-prices/) " \
               "(fix the template)" in lines
        (site / "templates/article.html").unlink()
        running.lines_until("built 2 articles")
        assert running.process.poll() is None
    finally:
        running.stop()
    assert not [line for line in running.lines.queue if "Traceback" in line or "internal error" in line]


# --- item 6 and 7: pages and static files never replace each other ------------------------------

NEVER_REPLACED = "(remove the address from redirect_from; a static file is never replaced)"


def test_a_redirect_may_not_replace_a_static_file(site_tree):
    source = "---\ntitle: Talks\ndate: 2025-12-19\nredirect_from: [/css/site.css, /favicon.svg]\n---\nBody.\n"
    assert failed_build(site_tree, {TALKS: source}) == [
        f"{TALKS}:4: redirect_from: the redirect page /css/site.css would replace the static file "
        f"static/css/site.css (the default theme's) {NEVER_REPLACED}",
        f"{TALKS}:4: redirect_from: the redirect page /favicon.svg would replace the static file "
        f"static/favicon.svg (the default theme's) {NEVER_REPLACED}",
        "2 errors in 1 file; the output folder was not changed"]


def test_an_article_page_may_not_replace_a_static_file(site_tree):
    assert failed_build(site_tree, {"static/politics/talks/index.html": "<p>by hand</p>\n"}) == [
        f"{TALKS}:1: this article's page /politics/talks/ would replace the static file "
        "static/politics/talks/index.html (give the article another slug:, or move the file)",
        "1 error in 1 file; the output folder was not changed"]


CLASHES = [
    ("static/politics", "static/politics: the section page /politics/ that newsgen makes needs a folder where this "
                        "file is (rename or move the file; newsgen never replaces a static file)"),
    ("static/robots.txt", "static/robots.txt: the robots.txt file /robots.txt that newsgen makes would replace this "
                          "file (rename or move the file; newsgen never replaces a static file)"),
    ("static/feed.xml/x.css", "static/feed.xml/x.css: this file needs a folder where the RSS feed /feed.xml that "
                              "newsgen makes is (rename or move the file; newsgen never replaces a static file)"),
]


@pytest.mark.parametrize("name, message", CLASHES, ids=["section", "robots", "feed"])
def test_a_static_file_in_the_place_of_a_page_fails_an_incremental_build_before_writing(site_tree, name, message):
    assert failed_build(site_tree, {name: "by hand\n"}) == [
        message, "1 error in 1 file; the output folder was not changed"]


@pytest.mark.parametrize("name, message", CLASHES, ids=["section", "robots", "feed"])
def test_a_static_file_in_the_place_of_a_page_fails_a_clean_build_before_writing(site_tree, name, message):
    site = site_tree({**GOOD_SITE, name: "by hand\n"})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert [p.format() for p in caught.value.problems] == [message]
    assert not (site / "build").exists()


# --- item 12: smaller holes ---------------------------------------------------------------------

def test_a_static_file_in_the_search_index_folder_is_an_error_when_search_is_on(site_tree):
    files = {"static/pagefind/pagefind.js": "// by hand\n"}
    site = site_tree({**GOOD_SITE, "newsgen.yaml": "title: Steppe Daily\n", **files})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert [p.format() for p in caught.value.problems] == [
        "static/pagefind/pagefind.js: the search index is written to /pagefind/, so this file would be lost and "
        "the search would not work (rename or move it out of pagefind/, or set search: false)"]
    site = site_tree({"newsgen.yaml": "title: Steppe Daily\nsearch: false\n"})
    output = build_site(site)[0]
    assert (output / "pagefind/pagefind.js").read_text() == "// by hand\n"


@pytest.mark.parametrize("settings, message", [
    ("permalink: /%2e%2e/{slug}/\n", "newsgen.yaml:1: permalink: must not contain '%': write the characters "
     "themselves, not percent-encoded ('%2e' is '.') (e.g. /{section}/{slug}/ or /{year}/{month}/{day}/{slug}/)"),
    ("language: <script>\n", "newsgen.yaml:1: language: '<script>' is not a language tag "
     "(write e.g. language: en, en-GB or kk)"),
    ("logo: 'javascript:alert(1)'\n", "newsgen.yaml:1: logo: 'javascript:alert(1)' is neither a web address nor "
     "a path on this site (write e.g. logo: /images/logo.png or logo: https://example.org/logo.png)"),
    ("logo: //evil.example/x.png\n", "newsgen.yaml:1: logo: '//evil.example/x.png' is neither a web address nor "
     "a path on this site (write e.g. logo: /images/logo.png or logo: https://example.org/logo.png)"),
], ids=["percent-permalink", "language", "javascript-logo", "scheme-relative-logo"])
def test_settings_that_were_accepted_silently_are_settings_errors(site_tree, settings, message):
    lines = failed_build(site_tree, {"newsgen.yaml": settings}, status=2)
    assert lines == [message, "error: the settings file has errors"]


@pytest.mark.parametrize("settings", ["language: en-GB\n", "language: sr-Latn-RS\n", "logo: /images/logo.png\n",
                                      "logo: https://example.org/logo.png\n"])
def test_usual_languages_and_logos_are_accepted(site_tree, settings):
    build_site(site_tree({**GOOD_SITE, "newsgen.yaml": settings + "search: false\n"}))


# --- item 8: an article with many tags ----------------------------------------------------------

def test_an_article_with_more_than_a_hundred_tags_is_an_editors_error(site_tree):
    source = article("Talks", tags=[f"tag {n}" for n in range(101)])
    assert failed_build(site_tree, {TALKS: source}) == [
        f"{TALKS}:4: tags: has 101 tags; an article may have at most 100 (keep the tags readers would follow; "
        "each tag makes pages and feeds that hold the article)",
        "1 error in 1 file; the output folder was not changed"]


def test_feeds_holding_the_same_article_share_its_entry(site_tree, monkeypatch):
    from feedgen.entry import FeedEntry

    made: list[int] = []
    categorised: list[int] = []
    plain_init, plain_category = FeedEntry.__init__, FeedEntry.category

    def counting_init(self: FeedEntry) -> None:
        made.append(1)
        plain_init(self)

    def counting_category(self: FeedEntry, *args: object, **kwargs: object) -> object:
        categorised.append(1)
        return plain_category(self, *args, **kwargs)

    monkeypatch.setattr(FeedEntry, "__init__", counting_init)
    monkeypatch.setattr(FeedEntry, "category", counting_category)
    tags = [f"tag {n}" for n in range(100)]
    site = site_tree({**GOOD_SITE, TALKS: article("Talks", tags=tags, authors=["Aida Bek"])})
    output = build_site(site, jobs=1)[0]
    # the article is in the site's, its section's, its author's and a hundred tags' feeds: 103 RSS and 103 Atom
    assert all("Talks" in (output / f"tags/tag-{n}/{name}").read_text()
               for n in (0, 99) for name in ("feed.xml", "atom.xml"))
    assert len(made) == 2 * 2  # one RSS and one Atom entry for each of the two articles
    assert len(categorised) == 2 * 2  # each entry's tags given to feedgen at once (it copies the list on each call)


# --- item 9: serve with long names and clients that go away -------------------------------------

@pytest.fixture
def serving(site_tree):
    """A preview server on a free port over a built site with one large file: (port, output)."""
    from newsgen.serve import ReloadHub, make_server

    site = site_tree({**GOOD_SITE, "static/big.bin": b"x" * 4_000_000})
    output = build_site(site)[0]
    server = make_server(output, "127.0.0.1", 0, "", ReloadHub())
    serve_in_background(server)
    yield server.server_address[1], output
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/" + "a" * 300 + "/", "/politics/" + "%C3%A9" * 130, "/" + "b" * 256 + ".css"])
def test_serve_answers_414_for_a_name_too_long_for_a_file(serving, capfd, path):
    port, _ = serving
    assert http_get(port, path)[0] == 414
    assert http_get(port, "/politics/talks/")[0] == 200
    assert capfd.readouterr().err == ""


def test_serve_says_nothing_when_a_client_goes_away_early(serving, capfd):
    import socket
    import struct
    import threading

    port, _ = serving
    for _ in range(3):
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert client.recv(1024).startswith(b"HTTP/1.0 200")  # the server is sending the file
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, as when a tab is closed during a download
    # the server's next write fails at once; its threads report that (or should not) before they end
    wait_until(lambda: not [t for t in threading.enumerate() if "process_request_thread" in t.name], 10,
               "the server's threads for the closed connections never ended")
    assert http_get(port, "/politics/talks/")[0] == 200
    assert capfd.readouterr().err == ""


# --- item 10: newsgen new never writes through a link ---------------------------------------------

def test_new_refuses_to_write_through_a_dangling_link(site_tree, tmp_path):
    site = site_tree(GOOD_SITE)
    outside = tmp_path / "outside/planted.md"
    outside.parent.mkdir()
    (site / "content/politics/talks-resume.md").symlink_to(outside)
    code, lines = newsgen("new", "Talks resume", "--section", "politics", "-s", str(site))
    assert (code, lines) == (2, [
        f"error: content/politics/talks-resume.md is a link (to {outside}); newsgen new writes only new, plain "
        "files, never through a link; choose another title or --slug"])
    assert not outside.exists()


def test_new_refuses_a_section_folder_that_links_out_of_the_site(site_tree, tmp_path):
    site = site_tree(GOOD_SITE)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site / "content/world").symlink_to(outside)
    code, lines = newsgen("new", "Talks resume", "--section", "world", "-s", str(site))
    assert (code, lines) == (2, [
        f"error: content/world is a link to {outside}, outside the site; newsgen new writes only inside the site "
        "folder (replace the link with a real folder)"])
    assert list(outside.iterdir()) == []


def test_new_writes_into_a_section_folder_linked_inside_the_site(site_tree):
    site = site_tree(GOOD_SITE)
    (site / "content/world").symlink_to(site / "content/politics")
    code, lines = newsgen("new", "Talks resume", "--section", "world", "-s", str(site))
    assert code == 0, lines
    assert (site / "content/politics/talks-resume.md").is_file()


def state_tables(site: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the build state, by table (the lock file and caches beside it aside)."""
    import sqlite3

    db = sqlite3.connect(site / ".newsgen/state.db")
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}
    finally:
        db.close()


@pytest.mark.parametrize("options", [[], ["--clean"]], ids=["build", "clean-build"])
def test_a_build_refused_for_bad_settings_leaves_the_build_state_as_it_was(site_tree, options):
    site = site_tree(GOOD_SITE)
    assert newsgen("build", "-s", str(site))[0] == 0
    before = state_tables(site)
    site_tree({"newsgen.yaml": "title: Steppe Daily\nper_page: many\nsearch: false\n"})
    assert newsgen("build", *options, "-s", str(site))[0] == 2
    assert newsgen("build", *options, "-s", str(site), env={"SOURCE_DATE_EPOCH": "9" * 20})[0] == 2
    assert state_tables(site) == before
    site_tree({"newsgen.yaml": GOOD_SITE["newsgen.yaml"]})
    code, lines = newsgen("build", "-s", str(site))
    assert code == 0 and len(lines) == 1 and " (0 rendered, 0 files written) " in lines[0], lines


def test_serve_started_with_bad_settings_reports_them_and_serves_once_they_are_fixed(site_tree):
    site = site_tree({**GOOD_SITE, "newsgen.yaml": "title: Steppe Daily\nper_page: many\nsearch: false\n"})
    running = Command("serve", "--port", "0", "-s", str(site))
    try:
        assert running.lines_until("waiting for the next change") == [
            "newsgen.yaml:2: per_page: must be a whole number of at least 1, not 'many' (e.g. 'per_page: 20')",
            "error: build failed; the output folder was not changed; waiting for the next change"]
        running.lines_until("(Ctrl-C to stop)")
        running.after(lambda: (site / "newsgen.yaml").write_text(GOOD_SITE["newsgen.yaml"]), "built 2 articles")
        assert running.process.poll() is None
    finally:
        running.stop()


# --- item 12: control characters in bodies, and messages that say something true -----------------

def test_control_characters_in_a_body_are_left_out_with_a_warning(site_tree):
    body = "First line.\n\nA pasted\x00 word and a bell\x07.\n"
    site = site_tree({**GOOD_SITE, TALKS: article("Talks", body=body)})
    output, result, _ = build_site(site)
    assert [p.format() for p in result.warnings] == [
        f"{TALKS}:7: warning: the text has 2 invisible control characters (U+0000 first); they are left out "
        "(delete them; such characters often come with text pasted from another program)"]
    assert "A pasted word and a bell." in (output / "politics/talks/index.html").read_text()
    assert not [p for p in output.rglob("*")  # pages, feeds, sitemaps (images hold such bytes, of course)
                if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
                and (b"\x00" in p.read_bytes() or b"\x07" in p.read_bytes())]


def test_list_items_of_other_kinds_are_named_for_what_they_are(site_tree):
    source = "---\ntitle: Talks\ndate: 2025-12-19\ntags: [a, ~, !!binary aGVsbG8=, !!set {x}]\n---\nBody.\n"
    hint = "(write each item as plain text: tags: [first, second])"
    assert failed_build(site_tree, {TALKS: source}) == [
        f"{TALKS}:4: tags: item 2 is empty, not text {hint}",
        f"{TALKS}:4: tags: item 3 is binary data, not text {hint}",
        f"{TALKS}:4: tags: item 4 is a YAML set, not text {hint}",
        "3 errors in 1 file; the output folder was not changed"]


def test_watch_reports_a_file_whose_name_is_not_utf8_when_it_appears(site_tree):
    site = site_tree({**GOOD_SITE, "static/site.css": "body {}\n"})
    running = Command("watch", "-s", str(site))
    try:
        running.lines_until("built 2 articles")
        lines = running.after(lambda: (site / f"static/{LATIN1}.css").write_text("body {}\n"),
                              "waiting for the next change")
        assert lines[-2:] == [
            "static/caf\\xe9.css: the name is not UTF-8 text, so it cannot be part of a web address "
            "(rename it, e.g. with: convmv -f latin1 -t utf8 --notest FILE)",
            "error: build failed (1 static changed); the output folder was not changed; waiting for the next change"]
    finally:
        running.stop()
