"""Real content: 509 posts of the 18F blog (public domain, see tests/corpus/18f-blog/SOURCE.md)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import NOW, build_site

from newsgen.build import BuildOptions, load_site
from newsgen.errors import ContentError

CORPUS = Path(__file__).parent / "corpus" / "18f-blog"
TAB_POST = "content/blog/2016-05-19-content-debt-what-it-is-where-to-find-it-and-how-to-prevent-it-in-the-first-place.md"
SAME_SLUG = ["content/blog/2023-05-08-andrew-hyder-award.md", "content/blog/2024-01-12-andrew-hyder-award.md",
             "content/blog/2024-08-20-andrew-hyder-award.md"]


@pytest.fixture(scope="module")
def blog(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("18f")
    shutil.copytree(CORPUS, site / "content/blog", ignore=shutil.ignore_patterns("SOURCE.md"))
    return site


def settings(site: Path, permalink: str) -> None:
    # the posts' images were not copied with them: a migrated archive reports them as warnings
    (site / "newsgen.yaml").write_text(f"title: 18F\ntimezone: America/New_York\npermalink: '{permalink}'\n"
                                       "missing_images: warning\nsearch: false\n")


def errors_of(site: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_site(BuildOptions(site=site))
    return [p.format() for p in caught.value.problems if p.is_error]


@pytest.mark.slow
def test_the_post_with_tabs_after_a_value_builds_as_jekyll_read_it_with_a_warning(blog, tmp_path):
    settings(blog, "/{year}/{month}/{day}/{slug}/")
    site = tmp_path / "site"
    shutil.copytree(blog, site, ignore=shutil.ignore_patterns("20[01][0-57-9]-*", "2016-0[0-46-9]-*"))
    _, result, reporter = build_site(site)
    tabs = [p.format() for p in reporter.problems if "a tab after the value" in p.message]
    assert tabs == [f"{TAB_POST}:5:9: warning: a tab after the value at the end of the line is ignored in the "
                    "front matter (remove it; YAML parsers disagree about tabs there)"]
    [page] = [p.read_text() for p in result.output.glob("2016/05/19/content-debt-*/index.html")]
    assert '/authors/melody/"' in page  # the author Jekyll read: 'melody'
    assert result.articles == len(list((site / "content/blog").glob("*.md")))


@pytest.mark.slow
def test_default_permalink_reports_the_three_posts_sharing_a_slug(blog):
    settings(blog, "/{section}/{slug}/")
    clashes = [e for e in errors_of(blog) if "URL /blog/andrew-hyder-award/" in e]
    assert len(clashes) == 3
    for own in SAME_SLUG:
        line = next(e for e in clashes if e.startswith(own))
        assert all(other in line for other in SAME_SLUG if other != own)


@pytest.mark.slow
def test_every_valid_post_gets_its_page(blog, tmp_path):
    settings(blog, "/{year}/{month}/{day}/{slug}/")
    site = tmp_path / "site"
    shutil.copytree(blog, site)
    out, result, reporter = build_site(site)
    assert result.articles == 509
    loaded = load_site(BuildOptions(site=site, now=NOW))
    sources = {p.relative_to(site).as_posix() for p in (site / "content/blog").glob("*.md")}
    assert {a.key for a in loaded.site.articles} == sources  # every post became an article...
    for spec in loaded.specs:
        if spec.kind == "article":  # ...and every article's page is on disk
            assert (out / spec.output).is_file(), spec.output
    # a date only in the file name; 'date:' wins over the file name when both are given
    assert (out / "2014/03/12/coming-soon/index.html").is_file()
    assert (out / "2015/01/06/protosketch/index.html").is_file()  # file name says 2014-12-22
    assert not (out / "2014/12/22/protosketch").exists()
    # capitals in a slug become lowercase: the documented URL rule
    assert (out / "2015/05/21/tockingtime/index.html").is_file()
    # the original site's template tags are text, never executed
    page = next(out.glob("**/index.html"))
    assert page.is_file()
    html = "".join(p.read_text() for p in out.glob("20*/*/*/*/index.html"))
    assert "{% image" in html and "{{" in html
    missing = [p for p in reporter.problems if "does not exist" in p.message]
    assert missing and all(p.severity == "warning" for p in missing)
    assert any("/assets/" in p.message for p in missing)
    # a redirect_from naming the post's own URL is a warning, not an error
    assert any("is this article's own address" in p.message for p in reporter.problems)
