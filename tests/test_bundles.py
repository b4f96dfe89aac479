"""Hugo page bundles: a folder's index.md is an article named after the folder, with its files beside its page."""
from __future__ import annotations

import io
import re
import shutil
from datetime import datetime, timezone

import pytest

from conftest import SHARED_CORPUS, article, build_site, clean_build_of, files_of, read, run_cli, tick

from newsgen.build import BuildOptions
from newsgen.check import check_site
from newsgen.errors import ContentError

BUNDLE = "content/politics/talks-in-astana"
PAGE = "/2025/12/19/talks-in-astana/"  # the permalink pattern's address, not the folder's
BODY = ("Text.\n\n![A diagram](diagram.png)\n\n<img src=\"diagram.png\" alt=\"Again\">\n\n"
        "Read [the report](report.pdf).")


def png(width: int, height: int = 300, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def bundle_site(site_tree, **files: str | bytes):
    return site_tree({"newsgen.yaml": 'search: false\npermalink: "/{year}/{month}/{day}/{slug}/"\n',
                      f"{BUNDLE}/index.md": article("Talks in Astana", "2025-12-19T10:00:00+05:00", BODY),
                      f"{BUNDLE}/diagram.png": png(1000), f"{BUNDLE}/report.pdf": b"%PDF-1.4 the report",
                      **files})


def variants(page: str) -> list[str]:
    return re.findall(r'srcset="([^"]+)"', page)


def test_a_bundle_is_one_article_at_its_folders_slug_with_its_files_beside_its_page(site_tree):
    site = bundle_site(site_tree, **{f"{BUNDLE}/data/figures.csv": "year,n\n2025,1\n"})
    out, result, _ = build_site(site)
    assert result.articles == 1
    page = read(out, PAGE)
    assert "Talks in Astana" in page and not (out / "politics/index").exists()
    folder = out / PAGE.strip("/")
    assert (folder / "diagram.png").read_bytes() == (site / BUNDLE / "diagram.png").read_bytes()
    assert (folder / "report.pdf").read_bytes() == b"%PDF-1.4 the report"
    assert (folder / "data/figures.csv").is_file()  # nothing links to it: published all the same, as Hugo does
    assert not (out / "politics/talks-in-astana").exists()  # beside the page, not where the folder is
    # both body images are resized like any other: variants at 480 and 800 px and the original width
    body_sets = [s for s in variants(page) if "/_img/diagram-" in s]
    assert len(body_sets) == 4 and all("480w" in s and "800w" in s and "1000w" in s for s in body_sets)
    for url in re.findall(r"(/_img/diagram-[^ ,\"]+)", page):
        assert (out / url.lstrip("/")).is_file(), url
    # the link to the PDF, relative in the body, reaches the copy beside the page
    [link] = re.findall(r'href="([^"]*report\.pdf)"', page)
    assert link == "report.pdf"


def test_newsgen_check_finds_a_bundles_image_and_linked_file(site_tree):
    site = bundle_site(site_tree)
    assert [p.format() for p in check_site(BuildOptions(site=site)) if p.is_error] == []
    code, output = run_cli("check", "-s", str(site))
    assert code == 0, output


def test_a_link_to_a_file_the_bundle_lacks_is_reported_by_check_as_by_the_build(site_tree):
    site = bundle_site(site_tree)
    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text() + "\nAnd [the annex](annex.pdf).\n")
    for run in (lambda: check_site(BuildOptions(site=site)), lambda: build_site(site)):
        with pytest.raises(ContentError) as caught:
            run()
        assert [p.format() for p in caught.value.problems if p.is_error] == [
            f"{BUNDLE}/index.md:13: the link annex.pdf leads to no page of the site (fix the address, or remove the "
            "link (an archive whose posts link to pages it no longer has builds with broken_links: warning))"]


def test_a_bundles_lead_image_is_its_own_file_in_the_page_the_feeds_and_the_preview_card(site_tree):
    site = bundle_site(site_tree, **{f"{BUNDLE}/index.md": article("Talks in Astana", "2025-12-19T10:00:00+05:00",
                                                                   BODY, image="diagram.png")})
    out, _, _ = build_site(site)
    page = read(out, PAGE)
    assert f'property="og:image" content="http://localhost:8000{PAGE}diagram.png"' in page
    length = len((site / BUNDLE / "diagram.png").read_bytes())
    assert f'url="http://localhost:8000{PAGE}diagram.png" length="{length}"' in (out / "feed.xml").read_text()


def test_front_matter_slug_names_a_bundle_and_its_files_follow(site_tree):
    site = bundle_site(site_tree, **{f"{BUNDLE}/index.md": article("Talks", "2025-12-19T10:00:00+05:00", BODY,
                                                                   slug="astana-talks")})
    out, _, _ = build_site(site)
    assert (out / "2025/12/19/astana-talks/diagram.png").is_file()
    assert not (out / PAGE.strip("/")).exists()


def test_a_date_before_a_bundles_folder_name_is_its_date_as_in_a_file_name(site_tree):
    site = site_tree({"newsgen.yaml": 'search: false\npermalink: "/{year}/{month}/{day}/{slug}/"\n',
                      "content/politics/2025-12-5-talks/index.md": "---\ntitle: Talks\n---\n![A diagram](d.png)\n",
                      "content/politics/2025-12-5-talks/d.png": png(300)})
    out, _, _ = build_site(site)
    assert (out / "2025/12/05/talks/d.png").is_file() and "/_img/d-" in read(out, "/2025/12/05/talks/")


def test_an_index_file_in_a_sections_own_folder_is_no_bundle_and_leaves_the_sections_files_alone(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/politics/index.md": article("Index", body="![Chart](chart.png)"),
                      "content/politics/other.md": article("Other", "2025-12-18", body="![Chart](chart.png)"),
                      "content/politics/chart.png": png(300)})
    out, result, _ = build_site(site)
    assert result.articles == 2 and "/_img/chart-" in read(out, "/politics/index/")
    assert (out / "politics/chart.png").is_file() and "/_img/chart-" in read(out, "/politics/other/")


def test_a_translation_in_the_bundle_gets_the_bundles_files_beside_its_own_page(site_tree):
    site = bundle_site(site_tree, **{
        "newsgen.yaml": "search: false\nlanguages: [en, ru]\n",
        f"{BUNDLE}/index.ru.md": article("Переговоры в Астане", "2025-12-19T10:00:00+05:00", BODY)})
    out, result, _ = build_site(site)
    assert result.articles == 2
    for url in ("/politics/talks-in-astana/", "/ru/politics/talks-in-astana/"):
        assert (out / url.strip("/") / "report.pdf").is_file(), url
        assert "/_img/diagram-" in read(out, url)
    assert 'hreflang="ru"' in read(out, "/politics/talks-in-astana/")  # one article in two languages


def test_a_drafts_bundle_publishes_none_of_its_files(site_tree):
    site = bundle_site(site_tree, **{f"{BUNDLE}/index.md": article("Talks", "2025-12-19T10:00:00+05:00", BODY,
                                                                   draft=True)})
    out, result, _ = build_site(site)
    assert result.articles == 0
    assert not list(out.rglob("report.pdf")) and not list(out.rglob("diagram.png"))


def test_a_hugo_section_page_is_left_out_with_a_warning_naming_it(site_tree):
    site = bundle_site(site_tree, **{"content/politics/_index.md": article("Politics", body="All about politics."),
                                     "content/economy/_index.md": "---\ntitle: Economy\n---\n",
                                     "content/economy/grain.md": article("Grain")})
    out, result, reporter = build_site(site)
    assert result.articles == 2  # neither section page is an article, and the two do not clash
    warnings = [p.format() for p in reporter.problems if "_index.md" in p.path]
    assert warnings == [f"content/{s}/_index.md: warning: is a Hugo section page (the title and text of a list), not "
                        "an article; newsgen leaves it out and makes the section's page itself (name the section "
                        "under sections: in newsgen.yaml, or delete the file)" for s in ("economy", "politics")]
    assert not (out / "politics/index").exists() and not (out / "politics/_index").exists()
    assert "Grain" in read(out, "/economy/")


# --- incremental builds ---------------------------------------------------------------------------

def test_changing_adding_and_removing_a_bundles_files_rebuilds_as_a_clean_build_would(site_tree):
    site = bundle_site(site_tree, **{"newsgen.yaml": 'search: false\nmissing_images: warning\n'
                                                     'broken_links: warning\npermalink: "/{year}/{month}/{day}/{slug}/"\n'})
    out, _, _ = build_site(site)
    before = variants(read(out, PAGE))
    tick()
    (site / BUNDLE / "diagram.png").write_bytes(png(600, colour=(20, 90, 200)))  # changed: other variants
    out, result, _ = build_site(site)
    assert not result.delta and variants(read(out, PAGE)) != before and "1000w" not in read(out, PAGE)
    assert files_of(out) == files_of(clean_build_of(site))

    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text() + "\n![Map](map.png)\n")  # an image not there yet: a warning
    out, _, reporter = build_site(site)
    assert any("the image map.png does not exist" in p.message for p in reporter.problems)
    tick()
    (site / BUNDLE / "map.png").write_bytes(png(500))  # added: the page shows it
    out, _, reporter = build_site(site)
    assert not any("map.png" in p.message for p in reporter.problems)
    assert "/_img/map-" in read(out, PAGE) and (out / PAGE.strip("/") / "map.png").is_file()
    assert files_of(out) == files_of(clean_build_of(site))

    (site / BUNDLE / "map.png").unlink()  # removed: gone from beside the page, and the page says so again
    (site / BUNDLE / "report.pdf").unlink()
    out, _, reporter = build_site(site)
    assert any("the image map.png does not exist" in p.message for p in reporter.problems)
    assert any("the link report.pdf leads to no page" in p.message for p in reporter.problems)  # still linked
    assert not (out / PAGE.strip("/") / "map.png").exists() and not (out / PAGE.strip("/") / "report.pdf").exists()
    assert "/_img/map-" not in read(out, PAGE)
    assert files_of(out) == files_of(clean_build_of(site))


def test_a_new_slug_moves_the_bundles_files_with_its_page(site_tree):
    site = bundle_site(site_tree)
    build_site(site)
    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text().replace("title:", "slug: astana\ntitle:"))
    out, _, _ = build_site(site)
    assert (out / "2025/12/19/astana/report.pdf").is_file() and not (out / PAGE.strip("/")).exists()
    assert files_of(out) == files_of(clean_build_of(site))


def test_an_edit_to_a_bundles_text_is_a_delta_build_equal_to_a_clean_one(site_tree):
    site = bundle_site(site_tree)
    build_site(site)
    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text().replace("Text.", "New text."))
    out, result, _ = build_site(site)
    assert result.delta
    assert "New text." in read(out, PAGE) and "/_img/diagram-" in read(out, PAGE)
    assert files_of(out) == files_of(clean_build_of(site))


# --- URL clashes ----------------------------------------------------------------------------------

def test_a_many_way_clash_names_three_files_and_how_many_more_and_the_pattern_that_would_part_them(site_tree):
    years = range(2014, 2026)
    site = site_tree({"newsgen.yaml": "search: false\n",
                      **{f"content/events/{year}/kubecon.md": article(f"KubeCon {year}", f"{year}-03-01")
                         for year in years}})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    clashes = [p.format() for p in caught.value.problems if p.is_error]
    assert len(clashes) == len(years)
    first = clashes[0]
    assert first == ("content/events/2014/kubecon.md:1: URL /events/kubecon/ is also claimed by "
                     "content/events/2015/kubecon.md, content/events/2016/kubecon.md, "
                     "content/events/2017/kubecon.md and 8 more (they share the slug 'kubecon': set slug: in all "
                     'but one of them, or use permalink: "/{section}/{year}/{slug}/" in newsgen.yaml)')
    assert all(len(line) < 400 for line in clashes)


def test_a_clash_within_one_year_suggests_the_month_and_day(site_tree):
    site = site_tree({"newsgen.yaml": 'search: false\npermalink: "/{year}/{slug}/"\n',
                      "content/a/notes.md": article("Notes", "2025-03-01"),
                      "content/b/notes.md": article("Notes", "2025-03-09")})
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert [p.hint for p in caught.value.problems if p.is_error] == [
        "they share the slug 'notes': set slug: in all but one of them, or use permalink: "
        '"/{year}/{month}/{day}/{slug}/" in newsgen.yaml'] * 2


# --- a real Hugo archive --------------------------------------------------------------------------

OTEL = SHARED_CORPUS / "opentelemetry-blog" / "content" / "en" / "blog"


@pytest.mark.slow
@pytest.mark.skipif(not OTEL.is_dir(), reason="the OpenTelemetry blog corpus is in ../shared/corpus, absent here")
def test_the_opentelemetry_blogs_bundles_build_at_their_folders_slugs_without_a_clash(tmp_path):
    site = tmp_path / "otel"
    shutil.copytree(OTEL, site / "content/blog")
    # Hugo's address for the blog, /blog/<year>/<slug>/; the posts' images were not copied with them
    (site / "newsgen.yaml").write_text('title: OpenTelemetry\npermalink: "/{section}/{year}/{slug}/"\n'
                                       "missing_images: warning\nbroken_links: warning\nsearch: false\n")
    out, result, reporter = build_site(site, now=datetime(2026, 9, 1, tzinfo=timezone.utc))
    bundles = sorted(p.parent for p in (site / "content/blog").glob("*/*/index.md"))
    assert len(bundles) == 92
    assert result.articles == len(list((site / "content/blog").rglob("*.md")))  # every post, flat or bundled
    for folder in bundles:
        year, slug = folder.parent.name, folder.name
        assert "<h1" in read(out, f"/blog/{year}/{slug}/"), folder
    assert not list(out.rglob("index/index.html"))
    assert not [p for p in reporter.problems if "claimed by" in p.message]
