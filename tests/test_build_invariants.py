"""Invariants across builds: incremental equals clean, byte for byte; parallel equals serial."""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import article, files_of, searchable, snapshot, write_tree

from newsgen.build import BuildOptions, build
from newsgen.errors import ContentError
from newsgen.loading import ArticleMemory
from newsgen.preview import Preview

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
# a long run: NEWSGEN_INVARIANT_EXAMPLES=300 python -m pytest tests/test_build_invariants.py
EXAMPLES = int(os.environ.get("NEWSGEN_INVARIANT_EXAMPLES", "40"))
SECTIONS = ["politics", "economy", "energy"]
TAGS = ["kz", "uz", "energy", "trade", "Қазақстан"]


def sources(site: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (site / "content").rglob("*.md")}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


# a handle data/authors.yaml may name, a plain name, and a byline written as a Markdown link
AUTHORS = ["ann", "Bo Li", "[Cy Dee](https://cy.example.org/) (Co)"]

articles = st.builds(
    lambda title, day, section, tags, featured, draft, body, authors: (section, article(
        title, f"2025-{day // 28 + 10:02d}-{day % 28 + 1:02d}T10:00:00+05:00", body=body,
        tags=tags, featured=featured, draft=draft, **({"authors": authors} if authors else {}))),
    st.sampled_from(["Talks", "Grid", "Вести", "Pipeline", "Summit", "Harvest"]), st.integers(0, 80),
    st.sampled_from(SECTIONS), st.lists(st.sampled_from(TAGS), max_size=3, unique=True), st.booleans(),
    st.booleans(), st.sampled_from(["Body.", "Other body with [link](/politics/a0/).", "## Head\n\nText"]),
    st.lists(st.sampled_from(AUTHORS), max_size=2, unique=True))

edits = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 7), articles),   # add or edit article #n
    st.tuples(st.just("delete"), st.integers(0, 7), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 7), st.integers(0, 7)),
    st.tuples(st.just("rates"), st.one_of(st.floats(0.001, 1.0), st.none()), st.none()),  # None: no rates file
    st.tuples(st.just("ticker"), st.sampled_from([True, False, None]), st.none()),  # None: no ticker: setting
    st.tuples(st.just("template"), st.sampled_from(["A", "B"]), st.none()),
    st.tuples(st.just("settings"), st.integers(1, 4), st.none()),
    st.tuples(st.just("static"), st.sampled_from(["a", "b", None]), st.none()),
    st.tuples(st.just("broken"), st.integers(0, 7), st.none()),
    # a page bundle and its files (see newsgen.bundles): its text, its slug, an image and a PDF beside it
    st.tuples(st.just("bundle"), st.sampled_from(["write", "slug", "image", "pdf", "no-image", "no-pdf", "delete"]),
              st.none()),
    st.tuples(st.just("retitle"), st.integers(0, 7), st.sampled_from(["Renamed", "Ренейм", "Body only"])),
    # any data file: the front page's Most read list (entries that may name no article), one a template
    # reads, one in a folder, one nothing reads; a value, a list, or the file removed
    st.tuples(st.just("data"), st.sampled_from(["mostread", "desk", "teams/a", "unread"]),
              st.one_of(st.none(), st.lists(st.integers(0, 9), max_size=3), st.text("abЖ: -", max_size=6))),
    # data/authors.yaml: a person for the handle 'ann' (and for Cy, the byline's link), or no file
    st.tuples(st.just("people"), st.sampled_from(["Ann Smith", "Анна", None]), st.sampled_from(["", "Writes.", "cy"])),
)
# a template that reads two data files, with defaults for when they are missing
DATA_TEMPLATE = ("{% extends 'base.html' %}{% block main %}<p>{{ data.desk | default('none') }}|"
                 "{{ data.teams | default('none') }}</p>{% endblock %}\n")
# edits that move no article: the ones watch mode and delta builds take a shorter way for
text_edits = st.tuples(st.just("retitle"), st.integers(0, 7),
                       st.sampled_from(["Renamed", "Ренейм", "Body only", "Every body", "Summary", "Undone"]))


# a site in two languages: an article's Russian translation is a{n}.ru.md beside a{n}.md
LANGUAGES = "languages:\n  en: {}\n  ru: {title: Т, sections: {politics: Политика}}\n"
translations = st.tuples(st.just("translate"), st.integers(0, 7), articles)


def settings_text(per_page: int, site: Path, ticker: bool | None | str = "") -> str:
    """The settings with ``per_page`` and ``ticker`` (true, false, None for none; '' for as they are)."""
    current = (site / "newsgen.yaml").read_text() if (site / "newsgen.yaml").is_file() else ""
    search = SEARCH if SEARCH in current else "search: false\n"
    if ticker == "":
        ticker_line = next((line + "\n" for line in current.split("\n") if line.startswith("ticker:")), "")
    else:
        ticker_line = "" if ticker is None else f"ticker: {'true' if ticker else 'false'}\n"
    return (f"title: T\nper_page: {per_page}\nsections: [politics, economy]\n{search}{ticker_line}"
            + (LANGUAGES if "languages:" in current else ""))


# the search index in segments of two articles: edits mark records dead, seal and compact segments
SEARCH = "search: true\nsearch_segment: 2\n"


def apply(site: Path, edit: tuple) -> None:
    kind, a, b = edit
    content = site / "content"
    existing = sorted(content.rglob("a*.md"))
    if kind == "translate":
        section, text = b
        for old in content.rglob(f"a{a}.ru.md"):
            old.unlink()
        write_tree(site, {f"content/{section}/a{a}.ru.md": text})
    elif kind == "write":
        section, text = b
        for old in content.rglob(f"a{a}.md"):
            old.unlink()
        write_tree(site, {f"content/{section}/a{a}.md": text})
    elif kind == "delete" and existing:
        existing[a % len(existing)].unlink()
    elif kind == "rename" and existing:
        source = existing[a % len(existing)]
        target = source.with_name(f"a{b}.md")
        if not list(content.rglob(f"a{b}.md")):
            source.rename(target)
    elif kind == "rates" and a is None:
        (site / "data/rates.yaml").unlink(missing_ok=True)
    elif kind == "rates":
        write_tree(site, {"data/rates.yaml": f"rates:\n  - {{code: KZT, rate: {a}, change: -0.1}}\n"})
    elif kind == "ticker":
        current = (site / "newsgen.yaml").read_text()
        per_page = int(next(line for line in current.split("\n") if line.startswith("per_page:")).split(":")[1])
        write_tree(site, {"newsgen.yaml": settings_text(per_page, site, a)})
    elif kind == "template":
        write_tree(site, {"templates/partials/ticker.html": f"<p class=\"ticker\">{a}{{{{ ticker.base }}}}</p>\n"})
    elif kind == "settings":
        write_tree(site, {"newsgen.yaml": settings_text(a, site)})
    elif kind == "static":
        path = site / "static/extra.txt"
        if a is None:
            path.unlink(missing_ok=True)
        else:
            write_tree(site, {"static/extra.txt": a})
    elif kind == "retitle" and existing:
        # same date, section and tags: only the title or the body changes, so no listing moves
        source = existing[a % len(existing)]
        text = source.read_text()
        if b in ("Body only", "Undone"):  # "Undone": the test undoes it after watch mode's preview
            source.write_text(text + "\nOne more paragraph.\n")
        elif b == "Every body":  # several articles at once, as after a git pull
            for each in existing:
                each.write_text(each.read_text() + "\nA line for all.\n")
        elif b == "Summary":
            source.write_text(text.replace("title: ", "summary: A new summary\ntitle: ", 1))
        else:
            source.write_text(text.replace("title: ", f"title: {b} ", 1))
    elif kind == "data":
        path = site / "data" / f"{a}.yaml"
        if b is None:
            path.unlink(missing_ok=True)
        elif a == "mostread" and isinstance(b, list):  # by path or by URL; a number past the articles names none
            names = [existing[n].relative_to(content).as_posix() if n < len(existing) else f"politics/a{n}.md"
                     for n in b]
            write_tree(site, {f"data/{a}.yaml": "".join(f"- {n if i % 2 else '/' + n[:-3] + '/'}\n"
                                                        for i, n in enumerate(names)) or "[]\n"})
        else:
            write_tree(site, {f"data/{a}.yaml": f"value: {b!r}\n"})
    elif kind == "people":
        path = site / "data/authors.yaml"
        if a is None:
            path.unlink(missing_ok=True)
        else:
            entry = f"ann: {{name: {a}, bio: '{b}', links: [https://ann.example.org/]}}\n"
            write_tree(site, {"data/authors.yaml": entry + ("cy-dee: {name: Cy, url: https://cy.example.com/}\n"
                                                             if b == "cy" else "")})
    elif kind == "broken" and existing:
        existing[a % len(existing)].write_text("---\ntitle: [broken\n---\n")
    elif kind == "bundle":
        bundle(content / "politics" / "b0", a)


def bundle(folder: Path, change: str) -> None:
    """A page bundle's article, or one of its files, written or removed: a missing image stops the build."""
    from PIL import Image
    image = folder / "d.png"
    if change in ("write", "slug"):
        slug = "slug: moved\n" if change == "slug" else ""
        write_tree(folder, {"index.md": f"---\ntitle: Bundle\ndate: 2025-11-02\n{slug}---\n![D](d.png) [R](r.pdf)\n"})
    if change == "image" or (change in ("write", "slug") and not image.exists()):
        width = 500
        if image.exists():
            with Image.open(image) as old:
                width = 900 if old.width == 500 else 500
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (width, 200), (width % 256, 40, 90)).save(image)
    elif change == "pdf":
        pdf = folder / "r.pdf"
        write_tree(folder, {"r.pdf": (pdf.read_bytes() if pdf.exists() else b"%PDF-1.4 ") + b"more"})
    elif change in ("no-image", "no-pdf"):
        (folder / ("d.png" if change == "no-image" else "r.pdf")).unlink(missing_ok=True)
    elif change == "delete":
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("watching", [True, False], ids=["watch-memory", "one-shot"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles, min_size=1, max_size=5), st.lists(st.one_of(edits, text_edits), min_size=1, max_size=6))
def test_incremental_build_equals_clean_build(watching, initial, steps):
    """Builds after edits that move no article ('retitle') take the delta path (see
    newsgen.delta), others the full one. In watch mode the last build stays in memory,
    and each save's page is written by the preview before the build (see newsgen.preview),
    which must catch up even when the edit was undone in between."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_tree(site, {"newsgen.yaml": "title: T\nper_page: 2\nsections: [politics, economy]\nsearch: false\n"
                                          "broken_links: warning\n",
                          "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.5, change: 0}\n",
                          "templates/404.html": DATA_TEMPLATE})
        for n, (section, text) in enumerate(initial):
            write_tree(site, {f"content/{section}/a{n}.md": text})
        # with watching, the articles of each build stay in memory as in watch mode
        memory = ArticleMemory() if watching else None
        options = BuildOptions(site=site, now=NOW, jobs=1, memory=memory)
        preview = Preview(site, memory, now=NOW) if memory is not None else None
        build(options)
        for step in steps:
            before = sources(site)
            apply(site, step)
            if preview is not None:
                now = sources(site)
                preview.write({str(path) for path in now if now[path] != before.get(path)})
                if step[2] == "Undone":
                    for path, text in before.items():
                        path.write_bytes(text)
            try:
                build(options)
            except ContentError:
                continue  # the previous output stays; the next successful build must catch up
        clean_site = Path(tmp) / "clean"
        shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns(".newsgen", "build"))
        try:
            build(BuildOptions(site=clean_site, now=NOW, jobs=1))
        except ContentError:
            return  # the last state is broken; nothing to compare
        build(options)  # the incremental build of the same sources
        assert snapshot(site / "build") == snapshot(clean_site / "build")
        assert folders(site / "build") == folders(clean_site / "build")


@pytest.mark.slow
@pytest.mark.parametrize("watching", [True, False], ids=["watch-memory", "one-shot"])
@settings(max_examples=max(10, EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(articles.map(lambda a: ("en", a)), articles.map(lambda a: ("ru", a))), min_size=1,
                max_size=5),
       st.lists(st.one_of(edits, text_edits, translations), min_size=1, max_size=6))
def test_incremental_build_of_a_site_in_two_languages_equals_clean_build(watching, initial, steps):
    """The same, for a site of an English and a Russian edition: translating, editing, renaming
    and deleting either side rebuilds exactly what a clean build makes."""
    with tempfile.TemporaryDirectory() as tmp:
        sites = _bilingual_after_edits(Path(tmp), "search: false\n", initial, 3, steps, watching)
        if sites is not None:
            site, clean_site = sites
            assert snapshot(site / "build") == snapshot(clean_site / "build")


def _bilingual_after_edits(tmp: Path, search: str, initial: list, slots: int, steps: list,
                           watching: bool) -> tuple[Path, Path] | None:
    """A site of an English and a Russian edition built, edited and built after each step (a
    failed build between is fine), then built once more beside a clean build of the same
    sources: (the site, the clean site); None when the last state does not build."""
    site = tmp / "site"
    write_tree(site, {"newsgen.yaml": "title: T\nper_page: 2\nsections: [politics, economy]\nbroken_links: warning\n"
                                      + search + LANGUAGES,
                      "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.5, change: 0}\n"})
    for n, (lang, (section, text)) in enumerate(initial):
        write_tree(site, {f"content/{section}/a{n % slots}{'.ru' if lang == 'ru' else ''}.md": text})
    options = BuildOptions(site=site, now=NOW, jobs=1, memory=ArticleMemory() if watching else None)
    build(options)
    for step in steps:
        apply(site, step)
        try:
            build(options)
        except ContentError:
            continue
    clean_site = tmp / "clean"
    shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns(".newsgen", "build"))
    try:
        build(BuildOptions(site=clean_site, now=NOW, jobs=1))
    except ContentError:
        return None
    build(options)
    return site, clean_site


@pytest.mark.slow
@settings(max_examples=max(10, EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(articles.map(lambda a: ("en", a)), articles.map(lambda a: ("ru", a))), min_size=1,
                max_size=6),
       st.lists(st.one_of(edits, text_edits, translations), min_size=1, max_size=6))
def test_the_search_index_after_any_edits_finds_what_a_clean_builds_finds(initial, steps):
    """With search on, in segments of two articles: after any edits (delta and full builds,
    failed ones between), every page equals a clean build's byte for byte, and each edition's
    index holds the same live records (segments make the index's bytes depend on the order
    of the edits; what a search finds must not)."""
    with tempfile.TemporaryDirectory() as tmp:
        sites = _bilingual_after_edits(Path(tmp), SEARCH, initial, 4, steps, watching=False)
        if sites is None:
            return
        site, clean_site = sites
        assert files_of(site / "build") == files_of(clean_site / "build")
        assert searchable(site / "build", site) == searchable(clean_site / "build", clean_site)


def test_parallel_build_equals_serial_build(tmp_path):
    files = {"newsgen.yaml": "title: T\nper_page: 5\nsearch: false\n"}
    for i in range(150):
        files[f"content/{SECTIONS[i % 3]}/story-{i}.md"] = article(
            f"Story {i}", f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}T10:00:00+05:00",
            body=f"Text {i}.\n\n| a | b |\n|---|---|\n| {i} | x |", tags=[TAGS[i % 5], TAGS[(i * 3) % 5]])
    site = write_tree(tmp_path / "site", files)
    serial = build(BuildOptions(site=site, output=tmp_path / "serial", now=NOW, jobs=1, use_state=False))
    parallel = build(BuildOptions(site=site, output=tmp_path / "parallel", now=NOW, jobs=2, use_state=False))
    assert serial.pages == parallel.pages > 150
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    # three processes (the parent and two workers), with the build state filled as chunks arrive
    wide = build(BuildOptions(site=site, output=tmp_path / "wide", now=NOW, jobs=3))
    assert wide.parsed == 150
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "wide")
    again = build(BuildOptions(site=site, output=tmp_path / "wide", now=NOW, jobs=3, clean=False))
    assert again.parsed == 0 and again.rendered == 0
