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


def test_a_missing_image_next_to_its_article_is_still_an_error(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nmissing_images: warning\n",
                      "content/politics/a.md": article("A", body="Text.\n\n![p](gone.svg)")})
    with pytest.raises(ContentError) as caught:
        check_site(BuildOptions(site=site))
    assert "content/politics/a.md:7: the link gone.svg leads to no page of the site (fix the address, or remove the link)" in [
        p.format() for p in caught.value.problems]


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
