"""A site in several languages, as its readers, feed readers and search engines see it."""
from __future__ import annotations

import re
from urllib.request import urlopen
from datetime import datetime, timezone

import feedparser
import pytest

from conftest import (NOW, SHARED_CORPUS, article, build_site, changed, clean_build_of, files_of, mtimes, read,
                      run_cli, tick)

from newsgen.config import config_from_mapping
from newsgen.errors import UsageError

SETTINGS = """\
title: The Times
search: false
timezone: Asia/Almaty
sections: {politics: Politics}
languages:
  en: {name: English}
  ru: {title: Таймс, sections: {politics: Политика}}
"""


@pytest.fixture
def bilingual(site_tree):
    return site_tree({
        "newsgen.yaml": SETTINGS,
        "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n",
        "content/en/politics/talks.md": article("Talks in Astana", "2025-12-18T10:00:00+05:00", tags=["Kazakhstan"],
                                                aliases=["/old/talks/", "talks-2025"]),
        "content/ru/politics/talks.md": article("Переговоры в Астане", "2025-12-18T11:00:00+05:00",
                                                tags=["Казахстан"], aliases=["/old/talks/", "talks-2025"],
                                                body="Текст статьи о переговорах."),
        "content/en/politics/only.md": article("Only in English", "2025-12-17T10:00:00+05:00"),
        # another slug in Russian, linked to its original by translation_key
        "content/en/politics/grid.md": article("A new grid", "2025-12-16T10:00:00+05:00", translation_key="grid"),
        "content/ru/politics/set.md": article("Новая сеть", "2025-12-16T11:00:00+05:00", translation_key="grid"),
    })


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def hreflangs(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def switcher(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    return {lang: href for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav)}


def test_each_edition_has_every_page_kind_under_its_own_prefix(bilingual):
    out = build_site(bilingual)[0]
    for url in ("/", "/politics/", "/politics/talks/", "/archive/", "/tags/", "/authors/", "/rates/",
                "/tags/kazakhstan/", "/archive/2025/12/"):
        assert html_lang(read(out, url)) == "en"
        assert html_lang(read(out, "/ru" + url)) == "ru", url
    assert html_lang((out / "ru/404.html").read_text()) == "ru"
    assert (out / "ru/feed.xml").is_file() and (out / "ru/politics/atom.xml").is_file()


def test_an_editions_listings_and_feeds_hold_its_own_articles_only(bilingual):
    out = build_site(bilingual)[0]
    assert "Переговоры" in read(out, "/ru/") and "Talks in Astana" not in read(out, "/ru/")
    assert "Only in English" in read(out, "/politics/") and "Only in English" not in read(out, "/ru/politics/")
    ru = feedparser.parse((out / "ru/feed.xml").read_bytes())
    assert ru.feed.language == "ru" and ru.feed.title == "Таймс"
    assert [e.title for e in ru.entries] == ["Переговоры в Астане", "Новая сеть"]
    atom = (out / "ru/atom.xml").read_text()
    assert 'xml:lang="ru"' in atom
    english = feedparser.parse((out / "feed.xml").read_bytes())
    assert english.feed.language == "en" and "Переговоры в Астане" not in [e.title for e in english.entries]


def test_translations_link_each_other_with_hreflang_and_the_switcher(bilingual):
    out = build_site(bilingual)[0]
    english, russian = read(out, "/politics/talks/"), read(out, "/ru/politics/talks/")
    both = {"en": "http://localhost:8000/politics/talks/", "ru": "http://localhost:8000/ru/politics/talks/",
            "x-default": "http://localhost:8000/politics/talks/"}
    assert hreflangs(english) == both and hreflangs(russian) == both
    assert switcher(english) == {"en": "/politics/talks/", "ru": "/ru/politics/talks/"}
    assert 'og:locale" content="ru_RU"' in russian and 'og:locale:alternate" content="en_US"' in russian
    # slugs that differ, linked by translation_key
    assert switcher(read(out, "/politics/grid/"))["ru"] == "/ru/politics/set/"
    # no translation: the switcher goes to the other edition's front page, and no hreflang claims one
    only = read(out, "/politics/only/")
    assert switcher(only) == {"en": "/politics/only/", "ru": "/ru/"} and hreflangs(only) == {}


def test_the_sitemap_lists_each_urls_translations_and_the_news_sitemap_each_articles_language(bilingual):
    out = build_site(bilingual, now=datetime(2025, 12, 19, tzinfo=timezone.utc))[0]
    sitemap = (out / "sitemap.xml").read_text()
    entry = re.search(r"<url><loc>http://localhost:8000/ru/politics/talks/</loc>.*?</url>", sitemap).group(0)
    assert 'hreflang="en" href="http://localhost:8000/politics/talks/"' in entry
    assert 'hreflang="x-default"' in entry
    news = (out / "news-sitemap.xml").read_text()
    assert re.search(r"ru/politics/talks/</loc>\s*<news:news><news:publication><news:name>[^<]*</news:name>"
                     r"<news:language>ru</news:language>", news)
    assert re.search(r"/politics/talks/</loc>\s*<news:news>.*?<news:language>en</news:language>", news)


def test_a_russian_page_speaks_russian_in_its_chrome_dates_and_ticker(bilingual):
    out = build_site(bilingual)[0]
    page = read(out, "/ru/politics/talks/")
    for word in ("Главная", "Архив", "Разделы", "Курсы валют к USD", "Все курсы", "Политика", "мин чтения"):
        assert word in page, word
    assert "18 декабря 2025\u202fг." in page  # CLDR's narrow no-break space before the year's abbreviation
    assert '<span class="rate-value">0,001930</span>' in page and "−0,00%" in page  # Russian's decimal comma
    for english in (">Home<", ">Archive<", "min read", "December", "All rates"):
        assert english not in page, english
    assert "Архив: Декабрь 2025" in read(out, "/ru/archive/2025/12/")
    assert "<title>Рынки · Таймс</title>" in read(out, "/ru/rates/")


def test_translations_may_repeat_their_originals_aliases_and_relative_aliases_stay_beside_the_article(bilingual):
    out, result, _ = build_site(bilingual)
    assert "/politics/talks/" in read(out, "/old/talks/")  # the English alias
    assert "/ru/politics/talks/" in read(out, "/ru/old/talks/")  # the same alias, in its edition
    assert "/politics/talks/" in read(out, "/politics/talks-2025/")  # Hugo's relative alias, beside the post
    assert "/ru/politics/talks/" in read(out, "/ru/politics/talks-2025/")
    assert not [p for p in result.warnings if "redirect" in p.message]


def test_the_language_can_come_from_a_file_suffix_or_front_matter(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\nlanguages: [en, ru]\n",
        "content/politics/talks.md": article("Talks"),
        "content/politics/talks.ru.md": article("Переговоры"),
        "content/politics/other.md": article("Другое", lang="ru"),
    })
    out = build_site(site)[0]
    assert html_lang(read(out, "/ru/politics/talks/")) == "ru"
    assert switcher(read(out, "/politics/talks/"))["ru"] == "/ru/politics/talks/"
    assert "Другое" in read(out, "/ru/politics/other/")


def test_the_default_edition_may_live_under_its_own_prefix(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\nlanguage: ru\ndefault_language_in_subdir: true\nlanguages: [en, ru]\n",
        "content/ru/politics/a.md": article("Статья"),
        "content/en/politics/a.md": article("Article"),
    })
    out = build_site(site)[0]
    assert html_lang(read(out, "/ru/politics/a/")) == "ru" and html_lang(read(out, "/en/politics/a/")) == "en"
    assert not (out / "politics").exists()
    assert hreflangs(read(out, "/en/politics/a/"))["x-default"] == "http://localhost:8000/ru/politics/a/"


def test_reading_time_counts_characters_in_scripts_without_spaces(site_tree):
    english = " ".join(["word"] * 2200)  # ten minutes at 220 words a minute
    japanese = "日本語の文章です。" * 625  # 5,000 characters and their full stops: ten minutes at 500 a minute
    site = site_tree({"newsgen.yaml": "search: false\nlanguages: [en, ja]\n",
                      "content/en/tech/a.md": article("Long", body=english),
                      "content/ja/tech/a.md": article("長い記事", body=japanese)})
    out = build_site(site)[0]
    assert "10 min read" in read(out, "/tech/a/")
    assert "10 min read" in read(out, "/ja/tech/a/")  # no Japanese catalogue: the words stay English
    assert "2025年12月19日" in read(out, "/ja/tech/a/")


def test_a_site_in_one_language_has_no_switcher_and_no_hreflang(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nlanguage: ru\n", "content/politics/a.md": article("Статья")})
    page = read(build_site(site)[0], "/politics/a/")
    assert html_lang(page) == "ru" and 'class="languages"' not in page and "hreflang" not in page
    assert "Главная" in page  # a site in Russian alone gets the Russian words too


def test_an_edition_in_a_right_to_left_language_is_laid_out_right_to_left_with_its_name_from_cldr(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nlanguages: [en, ar, pa-Arab]\n",
                      "content/politics/a.md": article("A"),
                      "content/ar/politics/a.md": article("مقال", translation_key="a"),
                      "content/pa-Arab/politics/a.md": article("مضمون", translation_key="a")})
    out = build_site(site)[0]
    english, arabic = read(out, "/politics/a/"), read(out, "/ar/politics/a/")
    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="ar" dir="rtl">' in arabic and '<html lang="pa-Arab" dir="rtl">' in read(out, "/pa-arab/politics/a/")
    assert switcher(english).keys() == {"en", "ar", "pa-Arab"} and ">العربية</a>" in english


def test_the_writing_direction_of_every_language_babel_knows_is_the_one_cldr_gives():
    from babel import Locale, localedata

    from newsgen.config import language_direction

    for ident in localedata.locale_identifiers():
        cldr = "rtl" if Locale.parse(ident).character_order == "right-to-left" else "ltr"
        assert language_direction(ident.replace("_", "-")) == cldr, ident


@pytest.mark.parametrize("languages, message", [
    ("[en, english]", "'english' is not a language tag"),
    ("[en, ru, RU]", "lists RU twice"),
    ("{en: {name: English, colour: red}}", "colour is not a language setting"),
    ("{en: {}, ru: {base_url: 'ru.example.org'}}", "is neither a path such as /ru/ nor an address"),
    ("{en: {}, ru: {base_url: 'https://ru.example.org/?x=1'}}", "is not an address such as https://ru.example.org/"),
    ("{en: {base_url: 'https://en.example.org/'}, ru: {}}", "the default language's edition is at the site's base_url"),
    ("{en: {}, ru: {base_url: 'https://x.example.org/'}, kk: {base_url: 'https://x.example.org/'}}",
     "two editions share one base_url"),
    ("{en: {}, ru: {timezone: Mars/Base}}", "'Mars/Base' is not a time zone"),
])
def test_bad_language_settings_are_refused_with_the_settings_line(site_tree, languages, message):
    site = site_tree({"newsgen.yaml": f"title: T\nlanguages: {languages}\n", "content/politics/a.md": article("A")})
    code, output = run_cli("build", "-s", str(site))
    assert code == 2 and message in output and "newsgen.yaml:2: languages:" in output


def test_an_article_in_a_language_the_site_has_not_is_an_error_with_its_line(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nlanguages: [en, ru]\n",
                      "content/politics/a.md": article("A", lang="kk")})
    code, output = run_cli("build", "-s", str(site))
    assert code == 1 and "content/politics/a.md:4: lang:" in output and "use one of en, ru" in output


def test_the_default_language_must_be_one_of_the_editions():
    with pytest.raises(UsageError) as caught:
        config_from_mapping({"language": "kk", "languages": ["en", "ru"]})
    assert "do not include the default language kk" in caught.value.problems[0].message


def test_check_lists_the_words_a_language_lacks(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nlanguages: [en, ru, kk]\n",
                      "content/politics/a.md": article("A")})
    code, output = run_cli("check", "-s", str(site))
    assert code == 0
    assert "templates/i18n/kk.po: warning:" in output and "have no translation into Қазақ тілі (kk)" in output
    assert "templates/i18n/ru.po: warning" not in output  # the theme's Russian catalogue has every word


def test_most_read_shows_each_editions_own_translation_of_the_articles_named(bilingual):
    (bilingual / "data/mostread.yaml").write_text("- en/politics/talks.md\n- /politics/only/\n")
    out, result, _ = build_site(bilingual)
    def box(page: str) -> str:
        return re.search(r'<ol class="most-read-list">.*?</ol>', page, re.S).group(0)

    assert re.findall(r'href="([^"]+)"', box(read(out, "/"))) == ["/politics/talks/", "/politics/only/"]
    assert re.findall(r'href="([^"]+)"', box(read(out, "/ru/"))) == ["/ru/politics/talks/"]  # no Russian "only"
    (bilingual / "data/mostread.yaml").write_text("- politics/gone.md\n")
    code, output = run_cli("build", "-s", str(bilingual))
    assert code == 1 and output.count('data/mostread.yaml:1: "politics/gone.md" is not a published article') == 1


SHARED = SHARED_CORPUS / "opentelemetry-blog"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="the OpenTelemetry blog corpus is in ../shared/corpus, absent here")
def test_the_opentelemetry_blog_builds_as_six_editions_with_hugos_urls(tmp_path):
    import shutil
    from newsgen.check import check_site
    from newsgen.options import BuildOptions
    site = tmp_path / "otel"
    shutil.copytree(SHARED / "content", site / "content")  # byte for byte: page bundles, shortcodes and all
    (site / "newsgen.yaml").write_text('title: OpenTelemetry\npermalink: "/{section}/{year}/{slug}/"\nslugs: keep\n'
                                       "languages: [en, ja, es, pt, uk, zh]\nmissing_images: warning\n"
                                       "broken_links: warning\nsearch: false\n")  # the blog without the rest of the site
    now = datetime(2026, 9, 1, tzinfo=timezone.utc)  # after the newest post
    out, result, reporter = build_site(site, now=now)
    assert result.articles == 372
    sources = sorted(p.relative_to(site / "content") for p in site.rglob("*.md") if p.name != "_index.md")
    assert len(sources) == 372
    pairs = 0
    for source in sources:  # Hugo's address: the content path, a bundle's folder standing for its index.md
        lang, rest = source.parts[0], source.with_suffix("").parts[1:]
        rest = rest[:-1] if rest[-1] == "index" else rest
        url = ("" if lang == "en" else f"/{lang}") + "/" + "/".join(rest) + "/"
        page = read(out, url)
        assert html_lang(page) == lang, url
        if lang != "en":  # each translation and its English original link each other
            original = "/" + "/".join(rest) + "/"
            assert hreflangs(page)["en"].endswith(original), url
            assert hreflangs(read(out, original))[lang].endswith(url), original
            pairs += 1
    assert pairs == 372 - 256
    assert "ja" in switcher(read(out, "/"))
    # no Hugo shortcode reaches a reader: each became its meaning, or nothing and a warning with its line
    for page in out.rglob("*.html"):
        shown = re.sub(r"<(pre|code|script)\b.*?</\1>", "", page.read_text(), flags=re.S)
        assert not re.search(r"\{%|\{\{[<%]|\{\{-?\s*[^\s}][^}]*\}\}", shown), page
    shortcodes = [p for p in reporter.problems if p.field == "shortcode"]
    assert all(p.line > 0 for p in shortcodes)
    assert "templates/shortcodes/blog/integration-badge.html" in " ".join(p.hint for p in shortcodes)
    # and newsgen check gives the verdict the build gave
    checked = check_site(BuildOptions(site=site, now=now))  # (and, of its own, the words the theme lacks in es, …)
    assert sorted(p.format() for p in checked if p.path.startswith("content/")) == sorted(
        p.format() for p in reporter.problems if p.path.startswith("content/"))


def test_an_edit_to_either_edition_is_a_delta_build_equal_to_a_clean_one(bilingual):
    out = build_site(bilingual)[0]
    before = mtimes(out)
    tick()
    russian = bilingual / "content/ru/politics/talks.md"
    russian.write_text(russian.read_text().replace("Текст статьи", "Новый текст статьи"))
    out, result, _ = build_site(bilingual)
    assert result.delta
    written = changed(before, mtimes(out))
    assert "ru/politics/talks/index.html" in written and all(path.startswith("ru/") for path in written)
    assert "Новый текст статьи" in read(out, "/ru/politics/talks/")
    assert files_of(out) == files_of(clean_build_of(bilingual))
    english = bilingual / "content/en/politics/talks.md"
    english.write_text(english.read_text().replace("title: Talks in Astana", "title: Talks in Astana, updated"))
    out, result, _ = build_site(bilingual)
    assert result.delta and "Talks in Astana, updated" in read(out, "/politics/")
    assert "Talks in Astana, updated" not in read(out, "/ru/politics/")
    assert files_of(out) == files_of(clean_build_of(bilingual))


def test_watch_modes_preview_of_a_translation_is_the_page_its_delta_rebuild_writes(bilingual):
    from newsgen.build import BuildOptions, build
    from newsgen.loading import ArticleMemory
    from newsgen.preview import Preview
    memory = ArticleMemory()
    options = BuildOptions(site=bilingual, now=NOW, jobs=1, memory=memory)
    out = build(options).output
    russian = bilingual / "content/ru/politics/talks.md"
    russian.write_text(russian.read_text().replace("title: Переговоры в Астане", "title: Переговоры в Астане — итоги"))
    assert Preview(bilingual, memory, NOW).write({str(russian)}) == ["/ru/politics/talks/"]
    previewed = read(out, "/ru/politics/talks/")
    assert "Переговоры в Астане — итоги" in previewed and html_lang(previewed) == "ru"
    assert switcher(previewed)["en"] == "/politics/talks/"
    assert build(options).delta
    assert read(out, "/ru/politics/talks/") == previewed
    assert files_of(out) == files_of(clean_build_of(bilingual))


def test_new_rates_are_spliced_into_each_editions_pages_in_its_own_words(bilingual):
    build_site(bilingual)
    (bilingual / "data/rates.yaml").write_text("rates:\n  - {code: KZT, rate: 0.00201, change: 0.5}\n")
    out, result, _ = build_site(bilingual)
    assert result.spliced > 0 and result.rendered < result.spliced  # most pages got the new ticker swapped in
    assert "0,00201" in read(out, "/ru/politics/talks/") and "Курсы валют к USD" in read(out, "/ru/politics/talks/")
    assert "0.00201" in read(out, "/politics/talks/")
    assert "рост" in read(out, "/ru/") and ">up<" in read(out, "/")
    assert files_of(out) == files_of(clean_build_of(bilingual))


def test_an_edition_may_keep_native_slugs_percent_encoded_in_links(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\nlanguages:\n  en: {}\n  ru: {slugs: native}\n",
                      "content/ru/politics/переговоры-в-астане.md": article("Переговоры", tags=["Казахстан"]),
                      "content/en/politics/talks-in-astana.md": article("Talks")})
    out = build_site(site)[0]
    assert (out / "ru/politics/переговоры-в-астане/index.html").is_file()
    encoded = "/ru/politics/%D0%BF%D0%B5%D1%80%D0%B5%D0%B3%D0%BE%D0%B2%D0%BE%D1%80%D1%8B-%D0%B2-"
    assert f'href="{encoded}' in read(out, "/ru/politics/")
    assert f"<loc>http://localhost:8000{encoded}" in (out / "sitemap.xml").read_text()
    assert "/ru/tags/kazakhstan/" in read(out, "/ru/politics/переговоры-в-астане/")  # tags stay ASCII
    assert (out / "politics/talks-in-astana/index.html").is_file()
    code, output = run_cli("check", "-s", str(site))
    assert code == 0 and "leads to no page" not in output


def test_changing_the_editions_reads_the_articles_again(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n", "content/ru/politics/a.md": article("Статья")})
    out = build_site(site)[0]
    assert html_lang(read(out, "/ru/a/")) == "en"  # one language: 'ru' is the section's folder
    (site / "newsgen.yaml").write_text("search: false\nlanguages: [en, ru]\n")
    out = build_site(site)[0]
    assert html_lang(read(out, "/ru/politics/a/")) == "ru" and not (out / "ru/a").exists()
    assert files_of(out) == files_of(clean_build_of(site))


# --- an edition on a domain of its own ---------------------------------------------------------

DOMAINS = """\
title: The Times
base_url: https://example.org/
search: true
sections: {politics: Politics}
languages:
  en: {name: English}
  ru: {base_url: "https://ru.example.org/", sections: {politics: Политика}}
"""


@pytest.fixture
def two_domains(site_tree):
    return site_tree({
        "newsgen.yaml": DOMAINS,
        "content/politics/talks.md": article("Talks", "2025-12-18T10:00:00+05:00", body="See [the grid](/politics/grid/)."),
        "content/politics/talks.ru.md": article("Переговоры", "2025-12-18T11:00:00+05:00",
                                                body="См. [сеть](/ru/politics/grid/) и [English](/politics/talks/)."),
        "content/politics/grid.md": article("Grid", "2025-12-17T10:00:00+05:00"),
        "content/politics/grid.ru.md": article("Сеть", "2025-12-17T11:00:00+05:00"),
    })


def test_an_edition_on_a_domain_of_its_own_is_a_folder_its_host_serves_with_links_on_that_host(two_domains):
    out, _, _ = build_site(two_domains)
    page = read(out, "/ru/politics/talks/")  # build/ru/ is the root of https://ru.example.org/
    assert '<link rel="canonical" href="https://ru.example.org/politics/talks/">' in page
    assert 'href="/politics/grid/"' in page  # the body's link to a Russian article, on its own host
    assert 'href="https://example.org/politics/talks/"' in page  # to the English site: absolute
    assert 'hreflang="en" href="https://example.org/politics/talks/"' in page
    assert 'href="https://example.org/css/' in page  # the theme's files stay on the site's host
    english = read(out, "/politics/talks/")
    assert 'hreflang="ru" href="https://ru.example.org/politics/talks/"' in english
    assert 'href="/politics/grid/"' in english and "/ru/" not in re.sub(r"https://ru\.example\.org/", "", english)
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://ru.example.org/politics/talks/</loc>" in sitemap
    assert "Sitemap: https://example.org/sitemap.xml" in (out / "ru/robots.txt").read_text()
    feed = feedparser.parse((out / "ru/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Переговоры")
    assert entry.link == "https://ru.example.org/politics/talks/"
    assert 'href="https://ru.example.org/politics/grid/"' in entry.content[0].value
    assert 'href="https://example.org/politics/talks/"' in entry.content[0].value


def test_an_edition_on_a_domain_of_its_own_searches_on_its_host_and_checks_clean(two_domains):
    from conftest import searchable

    out, _, _ = build_site(two_domains)
    assert sorted(searchable(out, two_domains)["ru/pagefind"]) == ["/politics/grid/", "/politics/talks/"]
    assert 'data-index="/pagefind/"' in read(out, "/ru/search/")  # build/ru/pagefind on its host
    code, output = run_cli("check", "-s", str(two_domains))
    assert code == 0, output
    (two_domains / "content/politics/talks.ru.md").write_text(article("Переговоры", "2025-12-18T11:00:00+05:00",
                                                                      body="[Нет такой](/ru/politics/none/)."))
    code, output = run_cli("check", "-s", str(two_domains))
    assert code == 1 and "content/politics/talks.ru.md:5: the link /ru/politics/none/ leads to no page of the site" in output


def test_serve_serves_an_edition_on_a_domain_of_its_own_from_a_port_of_its_own(two_domains):
    """Locally, each host is a port: the links between the editions lead from one to the other."""
    from conftest import Command

    served = Command("serve", "-s", str(two_domains), "--port", "0")
    try:
        main = served.lines_until("serving ")[-1].split(" at ")[1].split(" ")[0]
        russian = served.lines_until("edition (ru")[-1].rsplit(" at ", 1)[1].rstrip("/")
        page = urlopen(f"{russian}/politics/talks/").read().decode()
        assert "Переговоры" in page and f'href="{main}politics/talks/"' in page
        english = urlopen(f"{main}politics/talks/").read().decode()
        assert f'hreflang="ru" href="{russian}/politics/talks/"' in english
        assert '"segments"' in urlopen(f"{russian}/pagefind/segments.json").read().decode()  # its own search
    finally:
        served.stop()
    # the next `newsgen build` is for the real addresses again
    out, _, _ = build_site(two_domains)
    assert '<link rel="canonical" href="https://ru.example.org/politics/talks/">' in read(out, "/ru/politics/talks/")
