from __future__ import annotations

from datetime import datetime

import pytest

from newsgen.urls import expand_permalink
from newsgen.slugs import (article_slug, is_safe_url, normalise_url, output_path, slugify, split_dated_name,
                           tag_slug)


@pytest.mark.parametrize("text, slug", [
    ("Казахстан и Узбекистан", "kazakhstan-i-uzbekistan"),
    ("Қазақстан: жаңа жол", "kazakstan-zhana-zhol"),
    ("TAPI: gas, at last!", "tapi-gas-at-last"),
    ("EBRD & Canada’s €267m", "ebrd-canadas-eur267m"),
    ("TockingTime", "tockingtime"),
    ("  --- ", ""),
])
def test_slugs_are_ascii_a_reader_can_type(text, slug):
    assert slugify(text) == slug
    assert slug.isascii()


@pytest.mark.parametrize("written, kept", [
    ("We-Are-Hiring", "We-Are-Hiring"),
    ("analytics.usa.gov_dashboards", "analytics.usa.gov_dashboards"),
    ("Q&A: part 2 (draft)", "Q&A-part-2-(draft)"),  # RFC 3986 allows these in a path segment, as Jekyll keeps them
    ("Переговоры в Астане?", "Переговоры-в-Астане"),
    (" ??? ", ""),
])
def test_slugs_keep_a_name_as_written_the_way_jekyll_does(written, kept):
    assert article_slug(written, "keep") == kept


def test_dated_file_names_split_into_date_and_slug():
    assert split_dated_name("2025-12-19-talks-in-astana") == ("2025-12-19", "talks-in-astana")
    assert split_dated_name("talks") == (None, "talks")
    assert split_dated_name("2024-12-5-18f-project-defaults") == ("2024-12-05", "18f-project-defaults")  # as Jekyll
    assert split_dated_name("2024-1-15-x") == ("2024-01-15", "x")
    assert split_dated_name("2024-123-5-x") == (None, "2024-123-5-x")


def test_permalink_placeholders():
    when = datetime(2025, 3, 7)
    assert expand_permalink("/{year}/{month}/{day}/{slug}", "politics", "x", when) == "/2025/03/07/x/"
    assert expand_permalink("/{section}/{slug}/", "politics", "x", when) == "/politics/x/"


@pytest.mark.parametrize("url", ["/../etc/", "/a/../../b/", "relative/", "/a\\b/", "/c:/x/", "/a//b/", "/a/\x00/"])
def test_urls_that_could_leave_the_output_are_unsafe(url):
    assert not is_safe_url(url)
    with pytest.raises(ValueError):
        output_path(url)


def test_output_paths():
    assert output_path("/") == "index.html"
    assert output_path("/politics/") == "politics/index.html"
    assert output_path("/feed.xml") == "feed.xml"
    assert output_path("/old-url") == "old-url/index.html"
    assert normalise_url("old/path") == "/old/path/"
    assert normalise_url("/a.html") == "/a.html"


def test_protocol_relative_urls_are_unsafe():
    assert not is_safe_url("//example.com/")


@pytest.mark.parametrize("path, base, expected", [
    ("/news/politics/", "/news", "/politics/"),
    ("/news", "/news", "/"),
    ("/newsroom/", "/news", None),  # shares the prefix, not the folder
    ("/politics/", "/news", None),
    ("/politics/", "", "/politics/"),
])
def test_site_path_strips_the_base_path_only_at_a_folder_boundary(path, base, expected):
    from newsgen.slugs import site_path
    assert site_path(path, base) == expected


@pytest.mark.parametrize("name, slug", [
    ("C", "c"), ("C++", "c-plus-plus"), ("C#", "c-sharp"), ("F#", "f-sharp"), ("Disney+", "disney-plus"),
    ("#MeToo", "metoo"), ("Notepad++ 8", "notepad-plus-plus-8"), ("Central Asia", "central-asia"),
])
def test_tags_that_differ_by_a_symbol_get_slugs_of_their_own(name, slug):
    assert tag_slug(name) == slug
