"""Splitting front matter from the body: file line numbers, encodings, and YAML an editor gets wrong.

Each source is written to a real file and read back as bytes, the way a build reads it.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import lines

from newsgen.frontmatter import Document, parse_document, parse_yaml
from newsgen.errors import Problem

PATH = "content/politics/talks.md"


def parse_file(tmp_path: Path, raw: bytes) -> tuple[Document | None, list[Problem]]:
    """Write ``raw`` to a file and parse what is read back."""
    source = tmp_path / "talks.md"
    source.write_bytes(raw)
    return parse_document(source.read_bytes(), PATH)


def messages(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


def test_key_lines_count_from_the_opening_fence(tmp_path: Path) -> None:
    doc, problems = parse_file(tmp_path, lines("---", "title: Talks", "tags:", "  - politics", "  - energy",
                                               "date: 2025-12-19", "---", "Body."))
    assert problems == [] and doc is not None
    assert (doc.lines["title"], doc.lines["tags"], doc.lines["tags.1"], doc.lines["date"]) == (2, 3, 5, 6)
    assert (doc.body, doc.body_line) == ("Body.\n", 8)


def test_dates_stay_text_for_the_article_to_check(tmp_path: Path) -> None:
    doc, _ = parse_file(tmp_path, lines("---", "title: Talks", "date: 2025-12-19", "---", "Body."))
    assert doc is not None and doc.data["date"] == "2025-12-19"


def test_byte_order_mark_and_crlf_keep_values_and_lines(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: Café\r\ndate: 2025-12-19\r\n---\r\nBody.\r\n".encode("utf-8")
    doc, problems = parse_file(tmp_path, raw)
    assert problems == [] and doc is not None
    assert (doc.data["title"], doc.lines["date"], doc.body) == ("Café", 3, "Body.\n")


def test_old_mac_line_ends_are_read_as_lines(tmp_path: Path) -> None:
    doc, problems = parse_file(tmp_path, b"---\rtitle: Talks\rdate: 2025-12-19\r---\rBody.\r")
    assert problems == [] and doc is not None
    assert (doc.data["title"], doc.lines["date"]) == ("Talks", 3)


def test_undecodable_byte_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    raw = lines("---", "title: Talks", "---", "Алматы и Астана").replace("Астана".encode(), b"Ast\xe9na")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:4:13: the file is not UTF-8 text: the character at line 4, column 13 (byte 0xE9) "
        "is in another encoding (save the file as UTF-8 in your editor, e.g. with 'Save with encoding')"]


def test_undecodable_byte_in_a_crlf_file_has_the_right_line(tmp_path: Path) -> None:
    raw = b"---\r\ntitle: Caf\xe9\r\n---\r\n"
    assert messages(parse_file(tmp_path, raw)[1])[0].startswith(f"{PATH}:2:11: the file is not UTF-8 text")


def test_control_character_in_front_matter_is_shown_where_it_is(tmp_path: Path) -> None:
    raw = lines("---", "title: Talks", "summary: Leaders\x07 met", "---", "Body.")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:3:17: the front matter contains an invisible control character (U+0007) "
        "(delete it; such characters often come with text pasted from another program)"]


def test_line_without_a_colon_is_shown_itself_not_the_next_one(tmp_path: Path) -> None:
    raw = lines("---", "title: Talks", "Leaders met in Astana", "date: 2025-12-19", "---")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:3:1: this line is not a 'key: value' line "
        "(write 'key: value', or indent the line to continue the value above)"]


def test_value_starting_with_a_reserved_character_asks_for_quotes(tmp_path: Path) -> None:
    raw = lines("---", "title: Talks", "image_credit: @steppe_photo", "---")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:3:15: a value cannot start with '@' (put the whole value in quotes: title: \"@...\")"]


def test_unclosed_brace_points_at_where_it_opens(tmp_path: Path) -> None:
    raw = lines("---", "title: Talks", "image: {src: talks.jpg", "date: 2025-12-19", "---")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:3:8: the '{{' opened here is never closed "
        "(close it with '}' on the same line: {name: Aida Bek, role: editor})"]


def test_alias_bomb_is_refused_fast_at_the_first_alias(tmp_path: Path) -> None:
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    doc, problems = parse_file(tmp_path, lines("---", "title: Talks", *rows, "---"))
    assert time.perf_counter() - started < 1.0
    assert doc is None
    assert messages(problems) == [
        f"{PATH}:4: YAML aliases (*name) are not allowed in the front matter "
        "(write the value out in full instead of referring to an &anchor)"]


def test_alias_to_an_undefined_anchor_is_refused(tmp_path: Path) -> None:
    assert messages(parse_file(tmp_path, lines("---", "title: Talks", "tags: *shared", "---"))[1]) == [
        f"{PATH}:3:7: YAML aliases and anchors (*name, &name) are not allowed in the front matter "
        "(write the value out in full)"]


def test_deeply_nested_value_does_not_crash(tmp_path: Path) -> None:
    depth = 990  # close to YAML's own limit of 1000, deeper than Python's default recursion limit allows here
    doc, problems = parse_file(tmp_path, lines("---", "title: " + "[" * depth + "x" + "]" * depth, "---"))
    assert problems == [] and doc is not None
    assert doc.lines["title." + ".".join(["0"] * depth)] == 2


@pytest.mark.parametrize("depth", [1000, 2000])
def test_nesting_beyond_the_yaml_limit_is_a_problem(tmp_path: Path, depth: int) -> None:
    # Whether or not the installed libyaml stops at 1,000 levels itself, the editor reads the same message.
    doc, problems = parse_file(tmp_path, lines("---", "title: " + "[" * depth + "x" + "]" * depth, "---"))
    assert doc is None
    [message] = messages(problems)
    assert message.startswith(f"{PATH}:2:")
    assert message.endswith("the front matter is not valid YAML: values nest more than 1000 levels deep "
                            "(a few levels are all newsgen reads: look for runaway '[' or '{' brackets)")


def test_a_key_that_is_a_list_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    deep_key = "? " + "[" * 300 + "]" * 300
    doc, problems = parse_file(tmp_path, lines("---", "title: Talks", deep_key, ": 1", "---"))
    assert doc is None
    assert messages(problems) == [
        f"{PATH}:3:3: the front matter has a key that is a list or a mapping "
        "(keys are plain names such as 'title:'; quote a key that starts with '[' or '{')"]


def test_nesting_limit_applies_to_block_style_too(tmp_path: Path) -> None:
    rows = [" " * level + "- " for level in range(0, 2 * 1001, 2)]
    doc, problems = parse_file(tmp_path, lines("---", "title: Talks", "extra:", *rows, "---"))
    assert doc is None
    assert "values nest more than 1000 levels deep" in messages(problems)[0]


def test_empty_front_matter_is_named(tmp_path: Path) -> None:
    assert messages(parse_file(tmp_path, lines("---", "---", "Body."))[1]) == [
        f"{PATH}:2: the front matter is empty "
        "(start the file with a line '---', then 'title: ...' and 'date: ...' lines, then '---')"]


def test_whole_yaml_files_are_called_the_file(tmp_path: Path) -> None:
    data, _, problems = parse_yaml("title: Steppe Daily\nsections:\n\t- politics\n", "newsgen.yaml")
    assert data is None
    assert messages(problems) == [
        "newsgen.yaml:3:1: the file contains a tab character "
        "(use spaces instead; YAML allows tabs only inside quoted text)"]


def test_duplicate_key_keeps_the_last_value_and_its_line(tmp_path: Path) -> None:
    doc, _ = parse_file(tmp_path, lines("---", "title: Talks", "date: 2025-12-19", "title: Talks in Astana", "---"))
    assert doc is not None
    assert (doc.data["title"], doc.lines["title"]) == ("Talks in Astana", 4)
    assert messages(list(doc.warnings)) == [
        f"{PATH}:4: warning: title: appears twice (also on line 2) (keep one of them; newsgen uses this last one)"]


def test_a_tab_after_a_value_at_the_end_of_a_line_is_a_warning_as_jekyll_reads_it(tmp_path: Path) -> None:
    # Ruby's YAML (Jekyll), js-yaml and libyaml read '- melody<TAB>' as 'melody'; PyYAML's own parser refuses it
    raw = lines("---", "title: Content debt\t", "authors:", "- melody\t\t", "- ann \t", "---")
    doc, problems = parse_file(tmp_path, raw)
    assert problems == [] and doc is not None
    assert (doc.data["title"], doc.data["authors"]) == ("Content debt", ["melody", "ann"])
    assert sorted(messages(list(doc.warnings))) == [
        f"{PATH}:{line}:{column}: warning: a tab after the value at the end of the line is ignored in the front "
        "matter (remove it; YAML parsers disagree about tabs there)" for line, column in ((2, 20), (4, 9), (5, 7))]


def test_a_tab_that_indents_is_still_refused(tmp_path: Path) -> None:
    raw = lines("---", "title: Content debt", "authors:", "\t- melody", "---")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:4:1: the front matter contains a tab character "
        "(use spaces instead; YAML allows tabs only inside quoted text)"]


def test_tabs_inside_quotes_block_text_and_comments_are_content(tmp_path: Path) -> None:
    raw = lines("---", 'title: "Talks\tin Astana"', "summary: |", "  Leaders\tmet.", "tags: [a]  # see\tbelow", "---")
    doc, problems = parse_file(tmp_path, raw)
    assert problems == [] and doc is not None
    assert (doc.data["title"], doc.data["summary"]) == ("Talks\tin Astana", "Leaders\tmet.\n")


# --- TOML front matter (between +++ lines, as Hugo writes it) ---------------------------------------

def test_toml_front_matter_gives_the_fields_and_lines_yaml_front_matter_gives(tmp_path: Path) -> None:
    yaml_doc, _ = parse_file(tmp_path, lines(
        "---", "title: Talks", "date: 2025-12-19", "tags:", "  - politics", "  - energy", "draft: false", "---", "Body."))
    toml_doc, problems = parse_file(tmp_path, lines(
        "+++", 'title = "Talks"', "date = 2025-12-19", "tags = [", '  "politics",', '  "energy",', "]",
        "draft = false", "+++", "Body."))
    assert problems == [] and yaml_doc is not None and toml_doc is not None
    assert toml_doc.data == yaml_doc.data == {"title": "Talks", "date": "2025-12-19", "tags": ["politics", "energy"],
                                              "draft": False}
    assert {k: toml_doc.lines[k] for k in ("title", "date", "tags", "draft")} == {
        "title": 2, "date": 3, "tags": 4, "draft": 8}
    assert (toml_doc.body, toml_doc.body_line) == ("Body.\n", 10)


def test_toml_dates_become_the_text_yaml_keeps_them_as(tmp_path: Path) -> None:
    doc, problems = parse_file(tmp_path, lines(
        "+++", 'title = "Talks"', "date = 2015-03-02T10:30:00+05:00", "updated = 2015-03-05T08:00:00Z",
        "local = 2015-03-04T09:15:00", "day = 2015-03-02", "+++"))
    assert problems == [] and doc is not None
    assert (doc.data["date"], doc.data["updated"], doc.data["local"], doc.data["day"]) == (
        "2015-03-02T10:30:00+05:00", "2015-03-05T08:00:00+00:00", "2015-03-04T09:15:00", "2015-03-02")


def test_lines_of_toml_keys_skip_multi_line_strings_and_follow_tables(tmp_path: Path) -> None:
    doc, problems = parse_file(tmp_path, lines(
        "+++", 'title = "Talks"', 'summary = """', "date = not a key here", '"""', "date = 2015-03-02",
        "[params]", 'author = "Ann"', "+++"))
    assert problems == [] and doc is not None
    assert (doc.lines["title"], doc.lines["summary"], doc.lines["date"], doc.lines["params"],
            doc.lines["params.author"]) == (2, 3, 6, 7, 8)
    assert doc.data["params"] == {"author": "Ann"}


def test_a_toml_syntax_error_is_reported_at_its_line_of_the_file(tmp_path: Path) -> None:
    raw = lines("+++", 'title = "Talks"', "date = 2015-03-02", "tags = [politics]", "+++", "Body.")
    assert messages(parse_file(tmp_path, raw)[1]) == [
        f"{PATH}:4:9: the front matter is not valid TOML: invalid value (write one 'key = value' per line, text in "
        "quotes: title = \"Talks in Astana\", date = 2015-03-02)"]


def test_unclosed_toml_front_matter_asks_for_its_fence(tmp_path: Path) -> None:
    assert messages(parse_file(tmp_path, lines("+++", 'title = "Talks"', "Body."))[1]) == [
        f"{PATH}:1: the front matter is never closed (add a line '+++' after the last front-matter line)"]


def test_a_hugo_post_with_toml_front_matter_builds_with_its_date_tags_and_alias(site_tree) -> None:
    from conftest import build_site, read

    site = site_tree({"newsgen.yaml": "search: false\ntimezone: Asia/Almaty\n",
                      "content/blog/post.md": lines("+++", 'title = "Hugo post"', "date = 2015-03-02",
                                                    'tags = ["Go", "tracing"]', 'aliases = ["/old/post/"]', "+++",
                                                    "Body of the post.")})
    out, result, _ = build_site(site)
    page = read(out, "/blog/post/")
    assert "<h1 class=\"story-title\">Hugo post</h1>" in page
    assert '<time datetime="2015-03-02">2 March 2015</time>' in page
    assert 'href="/tags/go/"' in page and 'href="/tags/tracing/"' in page
    assert (out / "old/post/index.html").is_file()


def test_a_bad_toml_date_is_reported_at_its_line(site_tree) -> None:
    from conftest import build_site
    from newsgen.errors import ContentError

    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/blog/post.md": lines("+++", 'title = "Hugo post"', "", 'date = "2015-13-45"', "+++")})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert [p.format() for p in caught.value.problems] == [
        'content/blog/post.md:4: date: "2015-13-45" is not a date (use 2025-12-19 or 2025-12-19T10:00:00+05:00)']
