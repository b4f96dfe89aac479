"""Real content: 509 posts of the 18F blog (public domain, see tests/corpus/18f-blog/SOURCE.md)."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import NOW, build_site, read

from newsgen.build import BuildOptions
from newsgen.loading import load_site
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


def settings(site: Path, permalink: str, slugs: str = "") -> None:
    # the posts' images were not copied with them: a migrated archive reports them as warnings
    # Jekyll's time zone is the build server's unless set: UTC, as the posts' own links to each other confirm
    (site / "newsgen.yaml").write_text(f"title: 18F\ntimezone: UTC\npermalink: '{permalink}'\n"
                                       "missing_images: warning\nbroken_links: warning\nsearch: false\n"
                                       + (f"slugs: {slugs}\n" if slugs else ""))


# template syntax a reader would see: a Liquid tag, a Hugo shortcode, or a Liquid output with something in it
# ('{{ }}' alone is text an author meant readers to see, as the 18F archive's {% raw %}{{{% endraw %} }} does)
TEMPLATE_SYNTAX = re.compile(r"\{%|\{\{[<%]|\{\{-?\s*[^\s}][^}]*\}\}")


def reader_text(html: str) -> str:
    """What a reader sees of a page as markup: everything but code and scripts."""
    return re.sub(r"<(pre|code|script)\b.*?</\1>", "", html, flags=re.S)


SITE_ZONE = ZoneInfo("UTC")
_YAML_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[ T](\d{1,2}):(\d\d):(\d\d)(?:\.\d+)?\s*(Z|[+-]\d{1,2}(?::?\d\d)?)?)?$")


def jekyll_url(post: Path) -> str:
    """The address Jekyll gives a post under ``permalink: /:year/:month/:day/:title/``, from its
    rules rather than from newsgen: a front-matter ``permalink:`` as written; else the date of
    front matter (a YAML timestamp, in the site's time zone) or of the file name, and the rest of
    the file name with every run of characters other than letters, digits and ._~!$&'()+,;=@-
    made one '-' (Jekyll's 'pretty' slug mode, case kept)."""
    front = post.read_text().split("\n---", 1)[0]
    own = re.search(r"^permalink:\s*(\S+)\s*$", front, re.M)
    if own:
        return own.group(1)
    year, month, day, title = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$", post.stem).groups()
    written = re.search(r"^date:\s*'?([^'\n]+?)'?\s*$", front, re.M)
    if written:
        y, mo, d, h, mi, sec, offset = _YAML_TIMESTAMP.match(written.group(1)).groups()
        if h is None:  # a date alone is midnight where the site is
            when = datetime(int(y), int(mo), int(d), tzinfo=SITE_ZONE)
        else:
            zone = timezone.utc
            if offset and offset != "Z":
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                zone = timezone(sign * timedelta(hours=int(digits[:-2] if len(digits) > 2 else digits),
                                                 minutes=int(digits[-2:]) if len(digits) > 2 else 0))
            when = datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec), tzinfo=zone).astimezone(SITE_ZONE)
        year, month, day = f"{when.year:04d}", f"{when.month:02d}", f"{when.day:02d}"
    slug = re.sub(r"[^\w.~!$&'()+,;=@-]+", "-", title).strip("-")
    return f"/{year}/{int(month):02d}/{int(day):02d}/{slug}/"


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
def test_with_slugs_keep_every_post_keeps_the_address_jekyll_gave_it(blog):
    settings(blog, "/{year}/{month}/{day}/{slug}/", slugs="keep")
    loaded = load_site(BuildOptions(site=blog, now=NOW))
    urls = {a.key.rpartition("/")[2]: a.url for a in loaded.site.articles}
    expected = {post.name: jekyll_url(post) for post in (blog / "content/blog").glob("*.md")}
    assert len(expected) == 509
    assert urls == expected
    assert urls["2015-02-25-We-Are-Hiring.md"] == "/2015/02/25/We-Are-Hiring/"  # the rules at work: case,
    assert urls["2021-04-01-building_a_user-centered_data_strategy.md"].endswith("/building_a_user-centered_data_strategy/")
    assert urls["2016-02-18-analytics.usa.gov-agency-specific-dashboards.md"].endswith("/analytics.usa.gov-agency-specific-dashboards/")
    assert urls["2015-05-21-TockingTime.md"] == "/2015/05/21/tockingtime/"  # its own permalink: as written
    assert max(len(u) for u in urls.values()) > 100  # and no slug is cut
    assert not [p for p in loaded.warnings if p.field == "slug"]


@pytest.mark.slow
def test_without_a_slug_style_each_address_an_archive_would_lose_is_a_warning(blog):
    settings(blog, "/{year}/{month}/{day}/{slug}/")
    loaded = load_site(BuildOptions(site=blog, now=NOW))
    warned = {p.path.rpartition("/")[2] for p in loaded.warnings if p.field == "slug"}
    lost = {a.key.rpartition("/")[2] for a in loaded.site.articles if a.url != jekyll_url(blog / a.key)}
    assert lost == warned and "2015-02-25-We-Are-Hiring.md" in lost and len(lost) > 30
    assert next(p for p in loaded.warnings if p.path.endswith("We-Are-Hiring.md") and p.field == "slug").format() == (
        'content/blog/2015-02-25-We-Are-Hiring.md: warning: slug: the address uses "we-are-hiring" where the file name '
        'says "We-Are-Hiring", which Jekyll and Eleventy would have kept (keep the archive\'s addresses with '
        "'slugs: keep' in newsgen.yaml, or choose 'slugs: ascii' for lowercase ASCII ones without this warning and "
        "add redirect_from: for the old ones)")


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
    # the post's own permalink: wins over the file name (TockingTime)
    assert (out / "2015/05/21/tockingtime/index.html").is_file()
    # no Liquid reaches a reader: each tag kept its meaning, or became nothing and a warning with its line
    for page in out.rglob("*.html"):
        assert not TEMPLATE_SYNTAX.search(reader_text(page.read_text())), page
    shortcodes = [p for p in reporter.problems if p.field == "shortcode"]
    assert shortcodes and all(p.line > 0 and p.severity == "warning" for p in shortcodes)
    assert {"team_photo", "team_link", "embed", "image_with_class", "linked-figure"} <= {
        name for p in shortcodes for name in re.findall(r"shortcodes/([\w-]+)\.html", p.hint)}
    # Eleventy's {% image "assets/…" %} is the theme's image shortcode: a file from the site's root, here missing
    foia = "content/blog/2014-09-04-a-new-look-at-the-freedom-of-information-act.md"
    assert f"{foia}:37: warning: the image /assets/blog/foia/in-hand.jpg does not exist" in [
        p.format().split(" (")[0] for p in reporter.problems]
    assert "in-hand.jpg" not in read(out, "/2014/09/04/a-new-look-at-the-freedom-of-information-act/")
    missing = [p for p in reporter.problems if "does not exist" in p.message]
    assert missing and all(p.severity == "warning" for p in missing)
    assert any("/assets/" in p.message for p in missing)
    # a post's own permalink: is its address, and its redirect_from the file name's (misspelt) one
    old = (out / "2015/09/09/how-a-two-day-spring-moved-an-agency-twenty-years-forward/index.html").read_text()
    assert 'url=/2015/09/09/how-a-two-day-sprint-moved-an-agency-twenty-years-forward/"' in old
    assert 'url=/2015/05/21/tockingtime/"' in (out / "2015/05/21/TockingTime/index.html").read_text()


@pytest.mark.slow
def test_check_and_build_give_one_verdict_and_the_posts_links_to_each_other_resolve(blog, tmp_path):
    from newsgen.check import check_site
    settings(blog, "/{year}/{month}/{day}/{slug}/", slugs="keep")
    site = tmp_path / "site"
    shutil.copytree(blog, site)
    _, result, reporter = build_site(site)
    checked = check_site(BuildOptions(site=site, now=NOW))
    assert sorted(p.format() for p in checked) == sorted(p.format() for p in reporter.problems)
    assert all(p.severity == "warning" and p.line > 0 for p in checked if p.path.startswith("content/"))
    # the links a post makes to another post all lead to it, but one whose address is mistyped in the
    # post itself ('/2014/12/11/> large-scale-…', a '>' inside the Liquid string): it was broken on the old site too
    to_posts = [p.format() for p in checked if re.search(r"the link /\d{4}/\d\d/\d\d/", p.message)]
    assert to_posts == ["content/blog/2014-12-17-snippets.md:29: warning: the link /2014/12/11/> large-scale-development-"
                        "culture-change/ leads to no page of the site (fix the address, or remove the link (an archive "
                        "whose posts link to pages it no longer has builds with broken_links: warning))"]
    assert sum("leads to no page" in p.message for p in checked) > 50  # the old site's other pages: /contact/, …
