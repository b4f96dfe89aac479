"""What an editor sees when an article is broken: one exact line per problem, and an untouched build/.

Each test writes a tiny site with one bad file next to a good one into a real folder,
builds it, and compares the messages as the CLI prints them (``Problem.format()``).
Lines count from the top of the file, the opening ``---`` fence being line 1; the
``lines()`` helper keeps that count visible in the test itself.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgen.cli import main
from newsgen.errors import ContentError

from conftest import SiteTree, article, build_site, lines, read, snapshot

RATES = """
    base: USD
    updated: 2025-12-19T09:00:00
    rates:
      - {code: KZT, rate: 0.00193, change: -0.004}
    """
GOOD_SITE: dict[str, str | bytes] = {
    "newsgen.yaml": "title: Steppe Daily\ntimezone: Asia/Almaty\nsearch: false\n",
    "data/rates.yaml": RATES,
    "content/economy/gas-prices.md": article("Gas prices rise", tags=["energy"]),
    "content/politics/talks.md": article("Talks in Astana", authors=["Aida Bek"]),
}
TALKS = "content/politics/talks.md"


def build_problems(site_tree: SiteTree, files: dict[str, str | bytes]) -> list[str]:
    """The build's problems, one formatted line each, for the good site with ``files`` added or replaced."""
    site = site_tree({**GOOD_SITE, **files})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    return [p.format() for p in caught.value.problems]


def build_warnings(site_tree: SiteTree, files: dict[str, str | bytes]) -> tuple[Path, list[str]]:
    """The output folder and the warnings of a build that succeeds."""
    output, result, reporter = build_site(site_tree({**GOOD_SITE, **files}))
    assert [p.format() for p in reporter.problems] == [p.format() for p in result.warnings]
    return output, [p.format() for p in result.warnings]


# --- YAML that cannot be read ------------------------------------------------------------------

def test_yaml_syntax_error_points_at_the_unclosed_bracket(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "tags: [politics, energy", "summary: Leaders met.", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4:7: the '[' opened here is never closed (close it with ']' on the same line: "
        "tags: [economy, energy])"]


def test_colon_inside_a_value_asks_for_quotes(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks: what next", "date: 2025-12-19", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:2:13: YAML cannot read the ': ' here "
        "(if it belongs to the value, put the whole value in quotes: title: \"Talks: what next\"; "
        "otherwise check the indentation)"]


def test_tab_character_is_named_with_its_line(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "tags:", "\t- politics", "date: 2025-12-19", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4:1: the front matter contains a tab character "
        "(use spaces instead; YAML allows tabs only inside quoted text)"]


def test_unterminated_quote_points_at_the_line_where_it_opens(site_tree: SiteTree) -> None:
    bad = lines("---", "date: 2025-12-19", 'title: "Talks in Astana', "section: politics", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:3:8: a quoted value is never closed (add the closing quote, or remove the opening one)"]


def test_front_matter_that_is_a_list_is_refused(site_tree: SiteTree) -> None:
    bad = lines("---", "- title: Talks", "- date: 2025-12-19", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:2: the front matter is a list, not a set of 'key: value' lines "
        "(write one 'key: value' per line, e.g. 'title: Talks in Astana')"]


def test_front_matter_that_is_plain_text_is_refused(site_tree: SiteTree) -> None:
    bad = lines("---", "Talks in Astana, 19 December", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:2: the front matter is plain text, not a set of 'key: value' lines "
        "(write one 'key: value' per line, e.g. 'title: Talks in Astana')"]


# --- fields with the wrong kind of value -------------------------------------------------------

def test_missing_title_is_reported_on_the_fence_line(site_tree: SiteTree) -> None:
    bad = lines("---", "date: 2025-12-19", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:1: title: is missing (add a line 'title: ...' to the front matter)"]


def test_title_that_is_a_mapping_must_be_text(site_tree: SiteTree) -> None:
    bad = lines("---", "date: 2025-12-19", "title:", "  en: Talks", "  ru: Переговоры", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:3: title: must be text, not a set of key: value pairs (write it on one line: title: ...)"]


def test_tags_that_are_a_mapping_must_be_a_list(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "tags: {politics: yes}", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4: tags: must be a list, not a set of key: value pairs (write tags: [first, second])"]


def test_tag_list_holding_a_mapping_names_the_line_of_the_bad_item(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "tags:", "  - politics", "  - name: energy", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:6: tags: item 2 is a set of key: value pairs, not text "
        "(write each item as plain text: tags: [first, second])"]


def test_authors_that_are_a_mapping_must_be_a_list(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "authors:", "  name: Aida Bek", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4: authors: must be a list, not a set of key: value pairs (write authors: [first, second])"]


def test_author_alias_is_named_as_written(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "author: [Aida Bek, [Timur]]", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4: author: item 2 is a list, not text (write each item as plain text: authors: [first, second])"]


def test_draft_must_be_true_or_false(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "draft: yes please", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f'{TALKS}:4: draft: "yes please" is not true or false (write draft: true or draft: false)']


def test_draft_that_is_a_list_is_described_in_words(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "draft: [yes]", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:4: draft: is a list, not true or false (write draft: true or draft: false)"]


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [
    ("2025-13-45", "2025-13-45"),
    ('"2025-13-45"', "2025-13-45"),
    ("2025-02-30", "2025-02-30"),
    ("'2025-02-30'", "2025-02-30"),
    ("2025-12-19T25:00:00+05:00", "2025-12-19T25:00:00+05:00"),
])
def test_impossible_date_is_reported_with_its_line(site_tree: SiteTree, written: str, shown: str) -> None:
    bad = lines("---", "title: Talks", f"date: {written}", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f'{TALKS}:3: date: "{shown}" is not a date (use 2025-12-19 or 2025-12-19T10:00:00+05:00)']


def test_date_that_is_a_list_is_described_in_words(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: [2025-12-19]", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:3: date: is a list, not a date (use 2025-12-19 or 2025-12-19T10:00:00+05:00)"]


def test_missing_date_suggests_a_line_or_a_dated_file_name(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:1: date: is missing (add a line such as 'date: 2025-12-19' or "
        "'date: 2025-12-19T10:00:00+05:00', or start the file name with the date: 2025-12-19-talks.md)"]


def test_empty_date_is_reported_on_its_line_not_dropped_silently(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date:", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:3: date: is empty (write a date after 'date:', such as 'date: 2025-12-19' or "
        "'date: 2025-12-19T10:00:00+05:00', or start the file name with the date: 2025-12-19-talks.md)"]


def test_dated_file_name_fills_an_empty_date(site_tree: SiteTree) -> None:
    site = site_tree({**GOOD_SITE, "content/politics/2025-12-19-talks-2.md":
                      lines("---", "title: Second talks", "date:", "---", "Leaders met again.")})
    output, _, _ = build_site(site)
    assert ">Second talks</h1>" in read(output, "/politics/talks-2/")


def test_folder_name_that_cannot_be_a_section_is_named(site_tree: SiteTree) -> None:
    files = {"content/---/talks.md": lines("---", "title: Talks", "date: 2025-12-19", "---", "Body.")}
    assert build_problems(site_tree, files) == [
        'content/---/talks.md:1: section: the folder name "---" cannot be a section name '
        "(rename the folder to a word such as politics, or add section: politics)"]


def test_dated_file_name_supplies_a_missing_date(site_tree: SiteTree) -> None:
    site = site_tree({**GOOD_SITE, TALKS: "", "content/politics/2025-12-19-talks.md":
                      lines("---", "title: Talks in Astana", "---", "Leaders met.")})
    (site / TALKS).unlink()
    output, _, _ = build_site(site)
    page = read(output, "/politics/talks/")
    assert "Talks in Astana" in page
    assert "2025-12-19" in page


def test_a_file_name_with_a_one_digit_day_gives_the_date_and_slug_jekyll_reads(site_tree: SiteTree) -> None:
    site = site_tree({**GOOD_SITE, "newsgen.yaml": "search: false\npermalink: /{year}/{month}/{day}/{slug}/\n",
                      "content/politics/2024-12-5-defaults.md": lines("---", "title: Defaults", "---", "Body.")})
    output, _, _ = build_site(site)
    assert "Defaults" in read(output, "/2024/12/05/defaults/")


def test_dated_file_name_that_is_not_a_date_is_named(site_tree: SiteTree) -> None:
    files = {"content/politics/2025-02-30-talks.md": lines("---", "title: Talks", "---", "Body.")}
    assert build_problems(site_tree, files) == [
        'content/politics/2025-02-30-talks.md: date: the file name starts with "2025-02-30", which is not a date '
        "(rename the file, or add a line 'date: 2025-12-19' to the front matter)"]


def test_dated_file_name_outside_the_calendar_says_so(site_tree: SiteTree) -> None:
    files = {"content/politics/0001-01-01-talks.md": lines("---", "title: Talks", "---", "Body.")}
    assert build_problems(site_tree, files) == [
        'content/politics/0001-01-01-talks.md: date: the file name starts with "0001-01-01", which is outside '
        "the years 1000 to 9000 (rename the file, or add a line 'date: 2025-12-19' to the front matter)"]


# --- keys -------------------------------------------------------------------------------------

def test_misspelt_key_warns_with_suggestion_and_title_is_still_missing(site_tree: SiteTree) -> None:
    bad = lines("---", "titel: Talks", "date: 2025-12-19", "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:1: title: is missing (add a line 'title: ...' to the front matter)",
        f"{TALKS}:2: warning: titel: is not a field newsgen knows; it is kept for templates as article.extra "
        "(did you mean 'title'?)"]


def test_duplicate_key_warns_and_the_last_value_is_used(site_tree: SiteTree) -> None:
    text = lines("---", "title: Talks", "date: 2025-12-19", "title: Talks in Astana", "---", "Body.")
    output, warnings = build_warnings(site_tree, {TALKS: text})
    assert warnings == [
        f"{TALKS}:4: warning: title: appears twice (also on line 2) (keep one of them; newsgen uses this last one)"]
    assert ">Talks in Astana</h1>" in read(output, "/politics/talks/")


# --- the file as a whole ----------------------------------------------------------------------

def test_file_without_front_matter_is_refused(site_tree: SiteTree) -> None:
    assert build_problems(site_tree, {TALKS: lines("Talks in Astana", "", "Leaders met.")}) == [
        f"{TALKS}:1: the file has no front matter "
        "(start the file with a line '---', then 'title: ...' and 'date: ...' lines, then '---')"]


def test_empty_file_is_refused(site_tree: SiteTree) -> None:
    assert build_problems(site_tree, {TALKS: b""}) == [
        f"{TALKS}:1: the file is empty "
        "(start the file with a line '---', then 'title: ...' and 'date: ...' lines, then '---')"]


def test_front_matter_never_closed_is_refused(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "", "Leaders met.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:1: the front matter is never closed (add a line '---' after the last front-matter line)"]


def test_latin1_byte_in_the_body_names_line_and_column(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "---", "Leaders met.").replace(b"met", b"m\xe9t")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f"{TALKS}:5:10: the file is not UTF-8 text: the character at line 5, column 10 (byte 0xE9) "
        "is in another encoding (save the file as UTF-8 in your editor, e.g. with 'Save with encoding')"]


def test_byte_order_mark_and_crlf_line_ends_are_accepted(site_tree: SiteTree) -> None:
    text = "\ufeff" + "\r\n".join(["---", "title: Café talks", "date: 2025-12-19", "---", "Leaders met.", ""])
    output, warnings = build_warnings(site_tree, {TALKS: text.encode("utf-8")})
    assert warnings == []
    page = read(output, "/politics/talks/")
    assert ">Café talks</h1>" in page
    assert "<p>Leaders met.</p>" in page


def test_crlf_file_keeps_its_line_numbers(site_tree: SiteTree) -> None:
    bad = "\r\n".join(["---", "title: Talks", "date: 2025-13-45", "---", "Body.", ""]).encode()
    assert build_problems(site_tree, {TALKS: bad}) == [
        f'{TALKS}:3: date: "2025-13-45" is not a date (use 2025-12-19 or 2025-12-19T10:00:00+05:00)']


def billion_laughs(levels: int = 9) -> list[str]:
    """YAML lines whose last anchor expands to 9**levels values."""
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnop"
    for previous, name in zip(names, names[1:levels]):
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return rows


def test_yaml_alias_bomb_is_refused_fast_with_its_line(site_tree: SiteTree) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", *billion_laughs(9), "---", "Body.")
    started = time.perf_counter()
    problems = build_problems(site_tree, {TALKS: bad})
    assert time.perf_counter() - started < 1.0
    assert problems == [
        f"{TALKS}:5: YAML aliases (*name) are not allowed in the front matter "
        "(write the value out in full instead of referring to an &anchor)"]


def test_five_megabyte_article_builds(site_tree: SiteTree) -> None:
    paragraph = "Leaders met in Astana to talk about gas, grain and the railway to the coast. " * 5
    body = "\n\n".join([paragraph.strip()] * (5_000_000 // len(paragraph))) + "\n\nThe last paragraph.\n"
    text = lines("---", "title: The long read", "date: 2025-12-19", "---") + body.encode()
    assert len(text) > 5_000_000
    output, warnings = build_warnings(site_tree, {TALKS: text})
    assert warnings == []
    assert "<p>The last paragraph.</p>" in read(output, "/politics/talks/")


# --- nothing may leave the site or the output folder ------------------------------------------

def test_dots_in_slug_cannot_leave_the_output_folder(site_tree: SiteTree) -> None:
    text = lines("---", "title: Talks", "date: 2025-12-19", "slug: ../../../etc/passwd", "---", "Body.")
    output, _ = build_warnings(site_tree, {TALKS: text})
    page = output / "politics" / "etc-passwd" / "index.html"
    assert page.resolve().is_relative_to(output.resolve())
    assert ">Talks</h1>" in page.read_text(encoding="utf-8")
    assert not (output.parent.parent / "etc").exists()


def test_dots_in_section_cannot_leave_the_output_folder(site_tree: SiteTree) -> None:
    text = lines("---", "title: Talks", "date: 2025-12-19", "section: ../../etc", "---", "Body.")
    output, _ = build_warnings(site_tree, {TALKS: text})
    page = output / "etc" / "talks" / "index.html"
    assert page.resolve().is_relative_to(output.resolve())
    assert ">Talks</h1>" in page.read_text(encoding="utf-8")
    assert not (output.parent.parent / "etc").exists()


@pytest.mark.parametrize("old", ["../../etc", "/news/../../etc/", "//example.com/"])
def test_redirect_from_outside_the_site_is_refused(site_tree: SiteTree, old: str) -> None:
    bad = lines("---", "title: Talks", "date: 2025-12-19", "redirect_from:", "  - /news/2019/talks/", f'  - "{old}"',
                "---", "Body.")
    assert build_problems(site_tree, {TALKS: bad}) == [
        f'{TALKS}:6: redirect_from: "{old}" is not a path on this site '
        "(write old addresses like /news/2019/old-story/)"]


def test_link_to_a_file_outside_the_site_is_an_error_naming_it(site_tree: SiteTree, tmp_path: Path) -> None:
    site = site_tree(GOOD_SITE)
    outside = tmp_path / "secret.md"
    outside.write_bytes(lines("---", "title: Secret", "date: 2025-12-19", "---", "Body."))
    (site / "content/politics/leak.md").symlink_to(outside)
    (site / "content/archive").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(ContentError) as caught:
        build_site(site)
    # the other articles load without a problem; only the links are refused
    assert [p.format() for p in caught.value.problems] == [
        "content/archive: this folder is a link to something outside the site folder; newsgen does not follow it "
        "(copy the folder into the site instead of linking to it)",
        "content/politics/leak.md: this file is a link to something outside the site folder; "
        "newsgen does not follow it (copy the file into the site instead of linking to it)"]


def test_link_to_a_file_inside_the_site_is_followed(site_tree: SiteTree) -> None:
    site = site_tree({**GOOD_SITE, "drafts/talks-2.md": lines("---", "title: Second talks", "date: 2025-12-19",
                                                              "---", "Body.")})
    (site / "content/politics/talks-2.md").symlink_to(site / "drafts/talks-2.md")
    output, _, _ = build_site(site)
    assert ">Second talks</h1>" in read(output, "/politics/talks-2/")


# --- a failed build changes nothing ---------------------------------------------------------------

def test_broken_files_list_every_problem_by_file_and_leave_build_untouched(site_tree: SiteTree) -> None:
    site = site_tree(GOOD_SITE)
    output, _, _ = build_site(site)
    before = snapshot(output)
    assert "politics/talks/index.html" in before

    (site / TALKS).write_bytes(lines("---", "title: Talks", 'date: "2025-13-45"', "draft: maybe", "---", "Body."))
    (site / "content/economy/gas-prices.md").write_bytes(lines("---", "date: 2025-12-19", "tags:", "\t- gas", "---"))
    (site / "content/economy/bread.md").write_bytes(lines("---", "title: Bread", "---", "Body."))
    with pytest.raises(ContentError) as caught:
        build_site(site)

    assert [p.format() for p in caught.value.problems] == [
        "content/economy/bread.md:1: date: is missing (add a line such as 'date: 2025-12-19' or "
        "'date: 2025-12-19T10:00:00+05:00', or start the file name with the date: 2025-12-19-bread.md)",
        "content/economy/gas-prices.md:4:1: the front matter contains a tab character "
        "(use spaces instead; YAML allows tabs only inside quoted text)",
        f'{TALKS}:3: date: "2025-13-45" is not a date (use 2025-12-19 or 2025-12-19T10:00:00+05:00)',
        f'{TALKS}:4: draft: "maybe" is not true or false (write draft: true or draft: false)',
    ]
    assert snapshot(output) == before
    assert sorted(p.name for p in site.iterdir()) == [".newsgen", "build", "content", "data", "newsgen.yaml"]


# --- the command line -------------------------------------------------------------------------

def test_cli_exits_1_on_content_problems_without_a_traceback(site_tree: SiteTree) -> None:
    bad = lines("---", "date: 2025-12-19", 'title: "Talks in Astana', "---", "Body.")
    site = site_tree({**GOOD_SITE, TALKS: bad})
    result = CliRunner().invoke(main, ["build", "-s", str(site)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"{TALKS}:3:8: a quoted value is never closed (add the closing quote, or remove the opening one)",
        "1 error in 1 file; the output folder was not changed",
    ]
    assert not (site / "build").exists()


def test_cli_exits_2_on_a_broken_settings_file_without_a_traceback(site_tree: SiteTree) -> None:
    site = site_tree({**GOOD_SITE, "newsgen.yaml": b"title: Steppe Daily\nsections:\n\t- politics\n"})
    result = CliRunner().invoke(main, ["build", "-s", str(site)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "newsgen.yaml:3:1: " in result.stderr
    assert "tab character" in result.stderr


def test_folder_links_inside_the_site_are_followed_once(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n", "shared/wire/a.md": article("From the wire")})
    (site / "content").mkdir()
    (site / "content/wire").symlink_to(site / "shared/wire", target_is_directory=True)
    (site / "content/wire/loop").symlink_to(site / "content", target_is_directory=True)  # a loop back up
    out, result, _ = build_site(site)
    assert result.articles == 1
    assert "From the wire" in (out / "wire/a/index.html").read_text()


def test_title_of_control_characters_only_counts_as_empty(site_tree: SiteTree) -> None:
    problems = build_problems(site_tree, {"content/politics/a.md": '---\ntitle: "\\e"\ndate: 2025-12-19\n---\nBody\n'})
    assert problems == ["content/politics/a.md:2: title: is empty (add a line 'title: ...' to the front matter)"]
