"""The Markets page (/rates/): the ticker's rates in full, linked from every page, rebuilt only when they change."""
from __future__ import annotations

from lxml import html as lxml_html

from conftest import article, build_site, clean_build_of, files_of, read

RATES = """\
base: USD
updated: 2025-12-19T09:00:00+05:00
rates:
  - {code: KZT, rate: 0.00193, change: -0.004}
  - {code: TJS, rate: 0.10851, change: 0.28}
  - {code: UZS, rate: 0.0000778, change: 0.0}
"""


def newsroom(site_tree, settings: str = "title: Steppe Wire\ntimezone: Asia/Almaty\nsearch: false\n", rates: str | None = RATES):
    files = {"newsgen.yaml": settings,
             "content/politics/a.md": article("Alpha", tags=["kz"]),
             "content/economy/b.md": article("Bravo", "2025-12-18T10:00:00+05:00")}
    if rates is not None:
        files["data/rates.yaml"] = rates
    return site_tree(files)


def table(out, url="/rates/") -> list[list[str]]:
    """The rates table's rows as the cells' text."""
    page = lxml_html.fromstring(read(out, url))
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
            for row in page.xpath("//table[@class='rates-table']/tbody/tr")]


def test_the_rates_page_shows_each_currency_both_ways_round_with_its_change(site_tree):
    out = build_site(newsroom(site_tree))[0]
    assert table(out) == [
        ["Kazakhstani Tenge KZT", "518.13 KZT", "1 KZT = 0.001930 USD", "▼down −0.00%"],
        ["Tajikistani Somoni TJS", "9.22 TJS", "1 TJS = 0.10851 USD", "▲up +0.28%"],
        ["Uzbekistani Som UZS", "12,853.47 UZS", "1 UZS = 0.00007780 USD", "■flat 0.00%"],
    ]
    page = lxml_html.fromstring(read(out, "/rates/"))
    assert page.xpath("//caption/time/@datetime") == ["2025-12-19T09:00:00+05:00"]
    assert page.xpath("//h1/text()") == ["Markets"]


def test_every_page_links_to_the_rates_from_its_ticker_and_the_sitemap_lists_them(site_tree):
    out = build_site(newsroom(site_tree))[0]
    for url in ("/", "/politics/a/", "/tags/kz/", "/archive/", "/404.html"):
        ticker = lxml_html.fromstring(read(out, url)).xpath("//section[@class='ticker']")[0]
        assert ticker.xpath(".//a/@href") == ["/rates/"], url
    assert "<loc>http://localhost:8000/rates/</loc>" in (out / "sitemap.xml").read_text()


def test_a_site_in_russian_names_the_currencies_and_writes_the_numbers_in_russian(site_tree):
    out = build_site(newsroom(site_tree, "title: Степной вестник\nlanguage: ru\ntimezone: Asia/Almaty\nsearch: false\n"))[0]
    rows = table(out)
    assert rows[0][:2] == ["казахский тенге KZT", "518,13 KZT"]
    assert "12\xa0853,47 UZS" in read(out, "/rates/")  # CLDR's thousands separator for Russian: a no-break space


def test_a_name_in_the_rates_file_wins_and_a_bad_one_is_an_error_with_its_line(site_tree):
    named = RATES.replace("{code: TJS, rate: 0.10851, change: 0.28}", "{code: TJS, rate: 0.10851, change: 0.28, name: Somoni}")
    out = build_site(newsroom(site_tree, rates=named))[0]
    assert table(out)[1][0] == "Somoni TJS"

    (out.parent / "data/rates.yaml").write_text(RATES.replace("change: 0.28}", "change: 0.28, name: [a, b]}"))
    from newsgen.errors import ContentError
    import pytest
    with pytest.raises(ContentError) as caught:
        build_site(out.parent)
    assert [p.format() for p in caught.value.problems] == [
        "data/rates.yaml:5: TJS name: a list is not a name (write the currency's name as text, "
        "e.g. name: Kazakhstani tenge, or leave it out)"]
    assert table(out)[1][0] == "Somoni TJS"  # the last good build stays


def no_trace_of_a_ticker(html: str) -> bool:
    """True when a page has no ticker, no link to the Markets page and no word of either."""
    return not any(mark in html for mark in ('class="ticker', "/rates/", "Markets", "Exchange rates", "All rates"))


def test_a_site_without_a_rates_file_has_no_ticker_no_markets_page_and_no_warning(site_tree):
    out, result, _ = build_site(newsroom(site_tree, rates=None))
    assert result.warnings == []
    assert not (out / "rates").exists()
    for url in ("/", "/politics/a/", "/tags/kz/", "/archive/", "/404.html"):
        assert no_trace_of_a_ticker(read(out, url)), url
    assert "/rates/" not in (out / "sitemap.xml").read_text()


def test_ticker_false_leaves_out_the_ticker_and_the_markets_page_of_a_site_with_rates(site_tree):
    out, result, _ = build_site(newsroom(site_tree, "title: Steppe Wire\nsearch: false\nticker: false\n"))
    assert result.warnings == []
    assert not (out / "rates").exists()
    for url in ("/", "/politics/a/", "/404.html"):
        assert no_trace_of_a_ticker(read(out, url)), url


def test_ticker_true_without_a_rates_file_warns_and_the_markets_page_says_there_are_none(site_tree):
    out, result, _ = build_site(newsroom(site_tree, "title: Steppe Wire\nsearch: false\nticker: true\n", rates=None))
    assert [w.format() for w in result.warnings] == [
        "data/rates.yaml: warning: there is no rates file; the ticker is empty (create data/rates.yaml with "
        "base:, updated: and rates:, or set ticker: false in newsgen.yaml)"]
    assert "No exchange rates have been published yet." in read(out, "/rates/")
    assert 'href="/rates/"' not in read(out, "/politics/a/").split("<main")[0]  # an empty ticker links nowhere


def test_the_ticker_coming_and_going_incrementally_gives_a_clean_builds_pages(site_tree):
    site = newsroom(site_tree)
    build_site(site)
    settings = site / "newsgen.yaml"
    base = settings.read_text()
    rates = site / "data/rates.yaml"
    steps = [  # (the edit, whether pages show a ticker, whether there is a Markets page)
        (rates.unlink, False, False),  # no rates: no ticker
        (lambda: rates.write_text(RATES), True, True),  # rates again: the ticker is back
        (lambda: settings.write_text(base + "ticker: false\n"), False, False),  # turned off with the rates there
        (rates.unlink, False, False),
        (lambda: settings.write_text(base + "ticker: true\n"), False, True),  # asked for, without rates: empty
        (lambda: rates.write_text(RATES), True, True),
        (lambda: settings.write_text(base), True, True),
    ]
    for number, (edit, ticker, markets) in enumerate(steps):
        edit()
        out = build_site(site)[0]
        assert files_of(out) == files_of(clean_build_of(site)), f"after step {number}"
        assert ('class="ticker' in read(out, "/politics/a/"), (out / "rates/index.html").is_file()) == (
            ticker, markets), f"after step {number}"


def test_the_rates_page_is_rendered_again_only_when_the_rates_or_its_template_change(site_tree):
    site = newsroom(site_tree)
    out = build_site(site)[0]
    page = out / "rates/index.html"
    written = page.stat().st_mtime_ns

    (site / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    result = build_site(site)[1]
    assert result.rendered > 0 and page.stat().st_mtime_ns == written  # an article edit leaves it be

    (site / "data/rates.yaml").write_text(RATES.replace("0.00193", "0.00200"))
    result = build_site(site)[1]
    assert table(out)[0][1:3] == ["500.00 KZT", "1 KZT = 0.002000 USD"]  # rendered, not only its ticker spliced
    assert result.rendered == 1 and result.spliced > 0
    written = page.stat().st_mtime_ns

    (site / "templates").mkdir()
    (site / "templates/rates.html").write_text(
        "{% extends 'base.html' %}{% block main %}<h1>Rates</h1>{% for row in rows %}<p>{{ row.rate.code }}</p>"
        "{% endfor %}{% endblock %}\n")
    result = build_site(site)[1]
    assert result.rendered == 1 and page.stat().st_mtime_ns != written
    assert "<p>KZT</p><p>TJS</p><p>UZS</p>" in read(out, "/rates/")


def test_a_section_called_rates_is_refused_with_its_file(site_tree):
    site = newsroom(site_tree)
    (site / "content/rates").mkdir()
    (site / "content/rates/c.md").write_text(article("Charlie"))
    from newsgen.errors import ContentError
    import pytest
    with pytest.raises(ContentError) as caught:
        build_site(site)
    assert any(p.path == "content/rates/c.md" and p.field == "section" for p in caught.value.problems)


def test_an_edit_after_the_rates_file_went_counts_the_pages_a_clean_build_makes(site_tree):
    site = newsroom(site_tree)
    build_site(site)
    (site / "data/rates.yaml").unlink()
    pages = build_site(site)[1].pages
    (site / "content/politics/a.md").write_text(article("Alpha, corrected", tags=["kz"]))
    result = build_site(site)[1]
    assert result.delta  # the short way, from the plan of the build without rates
    assert result.pages == pages == build_site(site, clean=True)[1].pages
