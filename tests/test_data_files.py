"""Data files under data/: data.<name> in templates, pages rebuilt when what they read changes,
and the front page's Most read box from data/mostread.yaml."""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

from conftest import article, build_site, read
from newsgen.errors import ContentError

SETTINGS = "title: Steppe Wire\nbase_url: https://news.example.org/\nsearch: false\n"


def newsroom(site_tree, **more: str):
    return site_tree({"newsgen.yaml": SETTINGS,
                      "content/politics/a.md": article("Alpha"),
                      "content/economy/b.md": article("Bravo", "2025-12-18T10:00:00+05:00"),
                      "content/energy/c.md": article("Charlie", "2025-12-17T10:00:00+05:00"),
                      **more})


def most_read(out) -> list[str]:
    page = lxml_html.fromstring(read(out, "/"))
    return page.xpath("//section[@class='most-read']//li/a/text()")


def problems(site) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_site(site)
    return [p.format() for p in caught.value.problems if p.is_error]


FOOTER = ("{% extends 'base.html' %}{% block main %}<p id='team'>{{ data.team.editor }}, "
          "{{ data.desk.hours.open }}, {{ data['phones'][1] }}</p>{% endblock %}\n")


def test_every_data_file_is_data_name_in_templates_yaml_json_and_folders(site_tree):
    site = newsroom(site_tree, **{"templates/404.html": FOOTER, "data/team.yaml": "editor: Aida Abenova\n",
                                  "data/phones.json": '["+7 700", "+7 701"]',
                                  "data/desk/hours.yaml": "open: '09:00'\n"})
    out = build_site(site)[0]
    assert "<p id='team'>Aida Abenova, 09:00, +7 701</p>" in read(out, "/404.html")


def test_a_page_is_rendered_again_when_a_data_file_it_reads_changes_and_only_then(site_tree):
    site = newsroom(site_tree, **{"templates/404.html": "{% extends 'base.html' %}{% block main %}"
                                  "<p id='team'>{{ data.team.editor }}</p>{% endblock %}\n",
                                  "data/team.yaml": "editor: Aida Abenova\n", "data/unread.yaml": "x: 1\n"})
    out = build_site(site)[0]
    (site / "data/unread.yaml").write_text("x: 2\n")
    result = build_site(site)[1]
    assert (result.rendered, result.files) == (0, 0)  # no template reads it
    (site / "data/team.yaml").write_text("editor: Timur Karimov\n")
    result = build_site(site)[1]
    assert result.rendered == 1 and "<p id='team'>Timur Karimov</p>" in read(out, "/404.html")


def test_a_bad_data_file_stops_the_build_with_its_line_and_keeps_the_site(site_tree):
    site = newsroom(site_tree, **{"data/team.yaml": "editor: Aida\n"})
    out = build_site(site)[0]
    (site / "data/team.yaml").write_text("editor: Aida\nphones: [one, two\n")
    assert problems(site)[0].startswith("data/team.yaml:2:9: the '[' opened here is never closed")
    (site / "data/team.yaml").unlink()
    (site / "data/team.json").write_text('{"editor": "Aida",\n "phones": [1 2]}')
    assert problems(site) == ["data/team.json:2:15: the file is not valid JSON: Expecting ',' delimiter "
                              "(fix the JSON (a missing comma or quote?))"]
    assert (out / "index.html").is_file()


def test_the_most_read_box_lists_the_named_articles_in_order_by_path_or_url(site_tree):
    site = newsroom(site_tree, **{"data/mostread.yaml": "- energy/c.md\n- /politics/a/\n"
                                  "- https://news.example.org/economy/b/\n"})
    out = build_site(site)[0]
    assert most_read(out) == ["Charlie", "Alpha", "Bravo"]


def test_the_most_read_box_shows_a_new_headline_and_a_new_order(site_tree):
    site = newsroom(site_tree, **{"data/mostread.yaml": "- energy/c.md\n- content/politics/a.md\n"})
    out = build_site(site)[0]
    (site / "content/energy/c.md").write_text(article("Charlie, updated", "2025-12-17T10:00:00+05:00"))
    build_site(site)
    assert most_read(out) == ["Charlie, updated", "Alpha"]
    (site / "data/mostread.yaml").write_text("- politics/a.md\n- energy/c.md\n")
    build_site(site)
    assert most_read(out) == ["Alpha", "Charlie, updated"]
    (site / "data/mostread.yaml").unlink()
    build_site(site)
    assert most_read(out) == [] and 'class="most-read"' not in read(out, "/")


def test_a_most_read_entry_that_is_no_published_article_is_an_error_with_its_line(site_tree):
    site = newsroom(site_tree, **{"data/mostread.yaml": "- energy/c.md\n- politics/gone.md\n- 42\n",
                                  "content/politics/d.md": article("Delta", draft=True)})
    hint = ("(write the article's source path under content/ (politics/talks.md) or its URL (/politics/talks/); "
            "a draft or an article dated in the future is not published yet)")
    assert problems(site) == [f'data/mostread.yaml:2: "politics/gone.md" is not a published article {hint}',
                              f"data/mostread.yaml:3: 42 is not a published article {hint}"]
    (site / "data/mostread.yaml").write_text("# most read first\n- politics/d.md\n")
    assert problems(site) == [f'data/mostread.yaml:2: "politics/d.md" is not a published article {hint}']
    (site / "data/mostread.yaml").write_text("energy: c.md\n")
    assert problems(site) == ["data/mostread.yaml:1: must be a list of articles (write the article's source path "
                              "under content/ (politics/talks.md) or its URL (/politics/talks/))"]


def test_two_data_files_of_one_name_give_a_warning_and_the_first_is_used(site_tree):
    site = newsroom(site_tree, **{"templates/404.html": "{% extends 'base.html' %}{% block main %}"
                                  "<p id='team'>{{ data.team.editor }}</p>{% endblock %}\n",
                                  "data/team.json": '{"editor": "Aida"}', "data/team.yaml": "editor: Timur\n"})
    out, result, _ = build_site(site)
    assert "<p id='team'>Aida</p>" in read(out, "/404.html")
    assert [p.format() for p in result.warnings if p.path.startswith("data/team")] == [
        "data/team.yaml: warning: data/team.json has the same name, data.team, and is the one templates get "
        "(rename one of them)"]
