"""Failed builds leave the published output alone; templates, settings and rates fail clearly."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import article, build_site, run_cli, snapshot

from newsgen.build import BuildOptions
from newsgen.check import check_site
from newsgen.errors import ContentError, UsageError
from newsgen.targets import site_links


@pytest.fixture
def published(site_tree):
    """A site built once: (site, its output's bytes)."""
    site = site_tree({"content/politics/a.md": article("A", tags=["x"]),
                      "content/politics/b.md": article("B", "2025-12-18"),
                      "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n"})
    out = build_site(site)[0]
    return site, snapshot(out)


def assert_unchanged(site: Path, before: dict[str, bytes]) -> None:
    assert snapshot(site / "build") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".build")] == []  # no staging left behind


def test_template_syntax_error_names_template_and_line(published):
    site, before = published
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert "templates/article.html:3: template syntax error: Expected an expression, got 'end of statement block' (fix the template)" in out
    assert "Traceback" not in out
    assert_unchanged(site, before)


def test_undefined_name_in_template_suggests_the_right_one(published):
    site, before = published
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text("<h1>{{ article.title }}</h1>\n<p>{{ artcle.summary }}</p>\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert "templates/article.html:2: 'artcle' is undefined (while rendering /politics/" in out
    assert "(did you mean 'article'?)" in out
    assert_unchanged(site, before)


def test_error_in_an_included_theme_partial_names_the_partial(published):
    site, before = published
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/ticker.html").write_text("ok\n{{ ticker.rates[0].nope() }}\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1 and "templates/partials/ticker.html:2:" in out
    assert_unchanged(site, before)


def test_missing_template_is_reported(published):
    site, before = published
    (site / "templates").mkdir()
    (site / "templates/home.html").write_text("{% include 'partials/nothing.html' %}\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1 and "the template 'partials/nothing.html' does not exist" in out
    assert_unchanged(site, before)


def test_content_error_leaves_previous_output_whole(published):
    site, before = published
    (site / "content/politics/b.md").write_text("---\ntitle: [unclosed\n---\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1 and out.rstrip().endswith("1 error in 1 file; the output folder was not changed")
    assert_unchanged(site, before)


def test_malformed_rates_fail_the_build_with_their_line(published):
    site, before = published
    (site / "data/rates.yaml").write_text("rates:\n  - {code: KZT, rate: '0,00193'}\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert "data/rates.yaml:2: KZT rate: '0,00193' is not a number (write the rate as a plain number" in out
    assert_unchanged(site, before)


@pytest.mark.parametrize("settings, message", [
    ("title: [broken\n", "newsgen.yaml:1:8: the '[' opened here is never closed"),
    ("per_page: many\n", "newsgen.yaml:1: per_page: must be a whole number of at least 1, not 'many'"),
    ("timezone: Mars/Olympus\n", "newsgen.yaml:1: timezone: 'Mars/Olympus' is not a time zone"),
    ("permalink: /{section}/\n", "newsgen.yaml:1: permalink: must contain {slug}"),
    ("permalink: /../{slug}/\n", "newsgen.yaml:1: permalink: must not contain '.' or '..' as a folder"),
    ("permalink: /{section}/./{slug}/\n", "newsgen.yaml:1: permalink: must not contain '.' or '..' as a folder"),
    ("base_url: example.org\n", "newsgen.yaml:1: base_url: 'example.org' is not an absolute web address"),
    # values of the wrong kind are named as an editor wrote them, never as Python shows them
    ("per_page: [20]\n", "newsgen.yaml:1: per_page: must be a whole number of at least 1, not a list"),
    ("timezone: [Asia/Almaty]\n", "newsgen.yaml:1: timezone: must be a time zone name"),
    ("search: yes please\n", "newsgen.yaml:1: search: must be true or false, not 'yes please'"),
    ("missing_images: {a: 1}\n", "newsgen.yaml:1: missing_images: must be error or warning, not a set of 'key: value' pairs"),
])
def test_broken_settings_exit_with_status_2(published, settings, message):
    site, before = published
    (site / "newsgen.yaml").write_text(settings)
    code, out = run_cli("build", "-s", str(site))
    assert code == 2, out
    assert message in out and "Traceback" not in out
    assert_unchanged(site, before)


def test_unknown_setting_warns_with_suggestion(published):
    site, _ = published
    (site / "newsgen.yaml").write_text("title: X\nperpage: 5\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 0
    assert "newsgen.yaml:2: warning: perpage: is not a setting newsgen knows; it is ignored (did you mean 'per_page'?)" in out


def test_debug_shows_a_traceback_for_developers(published):
    site, _ = published
    (site / "content/politics/b.md").write_text("---\ntitle: [unclosed\n---\n")
    assert "Traceback" in run_cli("build", "-s", str(site), "--debug")[1]


def test_check_reports_broken_body_link_at_its_line_and_writes_nothing(site_tree):
    site = site_tree({"content/politics/a.md": article("A", body="Fine.\n\nSee [gone](/politics/gone/) now."),
                      "content/politics/b.md": article("B", body="[a](/politics/a/) [x](/files/none.pdf)")})
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(site=site))
    messages = [p.format() for p in caught.value.problems]
    assert ("content/politics/a.md:7: the link /politics/gone/ leads to no page of the site (fix the address, or remove "
            "the link (an archive whose posts link to pages it no longer has builds with broken_links: warning))") in messages
    assert any(m.startswith("content/politics/b.md:5: the link /files/none.pdf") for m in messages)
    assert not (site / "build").exists()
    code, out = run_cli("check", "-s", str(site))
    assert code == 1 and out.rstrip().endswith("2 errors in 2 files; nothing was written")


def test_the_links_a_build_checks_are_a_bodys_links_into_the_site_each_once_without_its_images():
    body = ('<p><a href="/politics/a/">A</a> <a href="../b/">B</a> <a href="https://example.org/x">out</a> '
            '<a href="#notes">notes</a> <a href="/politics/a/">again</a> <img src="/images/map.png" alt="">'
            '<a href="/news/files/report.pdf">PDF</a></p>')
    # the page at /politics/c/ of a site served under /news
    assert site_links(body, "/politics/c/", "/news", ["/images/map.png"]) == (
        ("/politics/a/", "/politics/a/"), ("../b/", "/politics/b/"), ("/news/files/report.pdf", "/files/report.pdf"))


def test_check_on_every_core_reports_what_one_process_reports(site_tree):
    files = {f"content/{'politics' if i % 2 else 'economy'}/s{i}.md": article(
        f"Story {i}", f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}T10:00:00+05:00",
        body=f"Text.\n\nSee [more](/politics/gone-{i % 7}/) and [s](/economy/s0/)." if i % 5 == 0 else "Text.")
        for i in range(90)}
    site = site_tree(files)
    reports = []
    for jobs in (1, 2):
        with pytest.raises(ContentError) as caught:
            check_site(BuildOptions(site=site, jobs=jobs))
        reports.append([p.format() for p in caught.value.problems])
    assert reports[0] == reports[1]
    broken = [m for m in reports[0] if ":7: the link /politics/gone-" in m]
    assert len(broken) == 18 and len({m.split(":")[0] for m in broken}) == 18  # once each


def test_check_passes_a_good_site(site_tree):
    site = site_tree({"content/politics/a.md": article("A", body="[b](/politics/b/) [rel](../b/)"),
                      "content/politics/b.md": article("B", "2025-12-18")})
    code, out = run_cli("check", "-s", str(site))
    assert code == 0, out
    assert "no problems found" in out
    assert not (site / "build").exists()


def test_output_inside_content_is_refused(site_tree):
    site = site_tree({"content/politics/a.md": article("A")})
    with pytest.raises(UsageError):
        build_site(site, output=site / "content/out")
    assert sorted(p.name for p in (site / "content/politics").iterdir()) == ["a.md"]


def test_missing_image_is_a_content_error_naming_article_and_path(published):
    site, before = published
    (site / "content/politics/b.md").write_text(article("B", "2025-12-18", image="/images/lost.jpg",
                                                        body="![map](maps/region.png)"))
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert "content/politics/b.md:4: image: the image /images/lost.jpg does not exist" in out
    assert "content/politics/b.md:6: the image maps/region.png does not exist" in out
    assert_unchanged(site, before)


def test_a_folder_newsgen_did_not_write_is_never_replaced(site_tree, tmp_path):
    site = site_tree({"content/politics/a.md": article("A")})
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.docx").write_text("years of work")
    code, out = run_cli("build", "-s", str(site), "-o", str(documents))
    assert code == 2 and "holds files newsgen did not write" in out
    assert (documents / "thesis.docx").read_text() == "years of work"
    assert run_cli("build", "-s", str(site), "-o", str(site / ".newsgen"))[0] == 2
    # an output newsgen wrote carries its marker and may be replaced again
    assert run_cli("build", "-s", str(site), "-o", str(tmp_path / "public"))[0] == 0
    assert run_cli("build", "-s", str(site), "-o", str(tmp_path / "public"), "--clean")[0] == 0


def test_section_names_of_newsgen_pages_are_refused(site_tree):
    site = site_tree({"content/tags/a.md": article("A"), "content/politics/b.md": article("B", section="archive")})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert [p.format() for p in caught.value.problems if p.is_error] == [
        'content/politics/b.md:4: section: "archive" is the address of pages newsgen makes itself '
        "(use another section name (folder name or section:))",
        'content/tags/a.md:1: section: "tags" is the address of pages newsgen makes itself '
        "(use another section name (folder name or section:))"]
