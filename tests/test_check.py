"""`newsgen check` on links the build resolves itself: images next to an article, and base paths."""
from __future__ import annotations

import pytest

from conftest import REPO, article

from newsgen.build import BuildOptions
from newsgen.check import check_site
from newsgen.errors import ContentError

UNDER_NEWS = "base_url: https://example.org/news/\nsearch: false\n"


def test_an_image_next_to_its_article_is_not_called_broken(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/politics/a.md": article("A", body="![p](photo.svg)\n\n![q](../economy/chart.svg)"),
                      "content/politics/photo.svg": (REPO / "static/favicon.svg").read_bytes(),
                      "content/economy/chart.svg": (REPO / "static/favicon.svg").read_bytes()})
    assert [p for p in check_site(BuildOptions(site=site)) if p.is_error] == []


def test_a_missing_image_next_to_its_article_follows_missing_images_in_check_as_in_the_build(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nmissing_images: warning\n",
                      "content/politics/a.md": article("A", body="Text.\n\n![p](gone.svg)")})
    warned = [p.format() for p in check_site(BuildOptions(site=site)) if "gone.svg" in p.message]
    assert warned == ["content/politics/a.md:7: warning: the image gone.svg does not exist (put the file under static/ "
                      "(and write /images/name.jpg) or next to the article)"]  # once, not again as a broken link
    (site / "newsgen.yaml").write_text("search: false\n")
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(site=site))
    assert [p.format() for p in caught.value.problems if "gone.svg" in p.message] == [
        "content/politics/a.md:7: the image gone.svg does not exist (put the file under static/ "
        "(and write /images/name.jpg) or next to the article)"]


def test_a_broken_link_in_a_body_stops_build_and_check_alike_or_warns_in_both(site_tree):
    from conftest import build_site
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/politics/a.md": article("A", body="See [the archive](/2015/02/25/We-Are-Hiring/)."),
                      "content/politics/b.md": article("B", "2025-12-18", body="[A](/politics/a/) is fine.")})
    expected = ("content/politics/a.md:5: the link /2015/02/25/We-Are-Hiring/ leads to no page of the site (fix the "
                "address, or remove the link (an archive whose posts link to pages it no longer has builds with "
                "broken_links: warning))")
    for run in (build_site, lambda s: check_site(BuildOptions(site=s))):
        with pytest.raises(ContentError) as caught:
            run(site)
        assert [p.format() for p in caught.value.problems if p.is_error] == [expected]
    assert not (site / "build").exists()
    (site / "newsgen.yaml").write_text("search: false\nbroken_links: warning\n")
    built = [p.format() for p in build_site(site)[2].problems if "leads to no page" in p.message]
    checked = [p.format() for p in check_site(BuildOptions(site=site)) if "leads to no page" in p.message]
    assert built == checked == [expected.replace("a.md:5: ", "a.md:5: warning: ")]


def test_raw_html_links_in_bodies_get_the_base_path_so_check_passes(site_tree):
    site = site_tree({"newsgen.yaml": UNDER_NEWS,
                      "content/politics/a.md": article("A", body="<a href='/politics/b/'>b</a> <a href=/politics/>p</a>"),
                      "content/politics/b.md": article("B", "2025-12-18")})
    assert [p for p in check_site(BuildOptions(site=site)) if p.is_error] == []


def test_a_template_link_without_the_base_path_is_reported(site_tree):
    theme_404 = (REPO / "templates/404.html").read_text()
    site = site_tree({"newsgen.yaml": UNDER_NEWS, "content/politics/a.md": article("A"),
                      "templates/404.html": theme_404.replace(
                          "{% endblock %}", '<p><a href="/politics/">Politics</a></p>\n{% endblock %}')})
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(site=site))
    assert [p.format() for p in caught.value.problems if p.is_error] == [
        "templates/404.html: the link /politics/ on /404.html misses the base path /news "
        "(write {{ url('/politics/') }} in templates, or /news/politics/)"]


def test_with_missing_images_a_warning_build_and_check_give_one_verdict_and_no_broken_image(site_tree):
    from conftest import build_site, read
    site = site_tree({
        "newsgen.yaml": "search: false\nmissing_images: warning\n",
        "content/politics/a.md": article("A", image="/assets/gone.jpg", body="Before.\n\n![Gone](/assets/body.png)\n\nAfter."),
        "content/politics/b.md": article("B", "2025-12-18", image="/images/here.svg", body="![Here](/images/here.svg)"),
        "static/images/here.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    out, result, reporter = build_site(site)
    built = sorted(p.format() for p in reporter.problems)
    checked = sorted(p.format() for p in check_site(BuildOptions(site=site)))
    assert built == checked  # the same problems, so the same exit status: each missing image once, with its line
    missing = [(p.path, p.line, p.severity) for p in reporter.problems if "does not exist" in p.message]
    assert sorted(missing) == [("content/politics/a.md", 4, "warning"), ("content/politics/a.md", 8, "warning")]
    for page in ("/politics/a/", "/politics/", "/", "/tags/", "/archive/2025/12/"):
        html = read(out, page)
        assert "/assets/" not in html, page  # no <img> of a missing file, no link preview of one
        assert '<a class="card-image" href="/politics/a/"' not in html  # and no empty box on a card
    article_page = read(out, "/politics/a/")
    assert "<p>Before.</p>\n<p>After.</p>" in article_page  # no gap where the image was
    assert '<a class="card-image" href="/politics/b/"' in read(out, "/politics/")  # an image that is there is shown
    assert '<img src="/images/here.svg"' in read(out, "/politics/b/")


def test_a_missing_image_that_arrives_is_shown_by_the_next_build_as_by_a_clean_one(site_tree):
    from conftest import build_site, clean_build_of, files_of, read, tick
    site = site_tree({
        "newsgen.yaml": "search: false\nmissing_images: warning\n",
        "content/politics/a.md": article("A", image="/images/late.svg", body="![Late](/images/late.svg)"),
        "content/politics/b.md": article("B", "2025-12-18"),
    })
    out = build_site(site)[0]
    assert "/images/late.svg" not in read(out, "/politics/")
    tick()
    (site / "static/images").mkdir(parents=True)
    (site / "static/images/late.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    build_site(site)
    assert '<a class="card-image" href="/politics/a/"' in read(out, "/politics/")
    assert files_of(out) == files_of(clean_build_of(site))
