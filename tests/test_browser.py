"""The example site in a real browser: Debian's Chromium driven by Playwright, served on 127.0.0.1.

Checks what a reader meets: no console errors, the ticker, navigation, search, a phone
screen without sideways scrolling, and axe-core's accessibility rules. Screenshots go
to docs/screenshots/ (shown in the README).
"""
from __future__ import annotations

import functools
import http.server
import os
from pathlib import Path

import pytest

from conftest import REPO, build_site, serve_in_background

REQUIRED = os.environ.get("NEWSGEN_REQUIRE_BROWSER") == "1"  # CI sets it: there, a missing browser is a failure
CHROMIUM = os.environ.get("NEWSGEN_CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("NEWSGEN_AXE", REPO / "tests/node_modules/axe-core/axe.min.js"))
SHOTS = REPO / "docs/screenshots"
ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} is missing; .ci/run installs it")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = build_site(REPO, output=tmp_path_factory.mktemp("browser") / "build")[0]
    assert (out / "pagefind/segments.json").is_file() and (out / "ru/pagefind/segments.json").is_file()
    yield from _served(out)


def _served(out: Path):
    """The address of ``out`` served on 127.0.0.1, for a fixture's lifetime."""
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = _Server(("127.0.0.1", 0), handler)
    serve_in_background(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # as newsgen serve's: a search page asks for several segments' files at once


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _missing("Chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: page.errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status}: {r.url}"))
    yield page
    context.close()


PAGES = ["/", "/energy/tapi-pipeline-afghanistan/", "/politics/", "/tags/kazakhstan/", "/authors/energy-desk/",
         "/archive/", "/search/?q=pipeline", "/404.html", "/ru/", "/ru/energy/tapi-pipeline-afghanistan/",
         "/ru/search/?q=газопровод"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_without_console_errors(page, site_url, path):
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert page.errors == []


def test_ticker_shows_all_five_currencies(page, site_url):
    page.goto(site_url + "/")
    ticker = page.locator(".ticker")
    assert ticker.is_visible()
    text = ticker.inner_text()
    for code in ("KGS/USD", "KZT/USD", "TJS/USD", "UZS/USD", "TMT/USD"):
        assert code in text
    assert "0.00007780" in text and "+0.28%" in text


def test_navigation_home_section_article_author(page, site_url):
    page.goto(site_url + "/")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Energy").click()
    assert page.url.endswith("/energy/")
    assert page.locator("h1").inner_text() == "Energy"
    page.locator(".list .card-title a", has_text="TAPI").click()
    assert page.url.endswith("/energy/tapi-pipeline-afghanistan/")
    page.locator(".byline a").first.click()
    assert "/authors/" in page.url and "Articles by" in page.locator("h1").inner_text()


def test_search_finds_a_word_from_an_article_body(page, site_url):
    page.goto(site_url + "/")
    page.fill("#masthead-q", "Turkmengaz")
    page.press("#masthead-q", "Enter")
    result = page.locator(".search-result h2 a").first
    _settle(page)
    result.wait_for(timeout=5_000)
    assert "tapi-pipeline-afghanistan" in result.get_attribute("href")
    meta = page.locator(".search-result-meta").first.inner_text()
    assert "Energy" in meta and "December 2025" in meta  # each result shows its section and date
    assert page.locator(".search-result-excerpt mark").first.inner_text().lower() == "turkmengaz"


def test_the_language_switcher_goes_to_the_translation_and_back(page, site_url):
    page.goto(site_url + "/energy/tapi-pipeline-afghanistan/")
    page.get_by_role("navigation", name="Languages").get_by_role("link", name="Русский").click()
    assert page.url.endswith("/ru/energy/tapi-pipeline-afghanistan/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "ТАПИ" in page.locator("h1").inner_text()
    page.get_by_role("navigation", name="Языки").get_by_role("link", name="English").click()
    assert page.url.endswith("/energy/tapi-pipeline-afghanistan/") and "/ru/" not in page.url
    assert "TAPI" in page.locator("h1").inner_text()


def test_the_russian_search_page_finds_a_russian_word_in_the_russian_edition(page, site_url):
    page.goto(site_url + "/ru/")
    page.fill("#masthead-q", "Туркменгаз")
    page.press("#masthead-q", "Enter")
    assert "/ru/search/" in page.url
    result = page.locator(".search-result h2 a").first
    _settle(page)
    result.wait_for(timeout=5_000)
    assert "/ru/energy/tapi-pipeline-afghanistan/" in result.get_attribute("href")
    assert "декабря 2025" in page.locator(".search-result-meta").first.inner_text()
    links = [a.get_attribute("href") for a in page.locator(".search-result h2 a").all()]
    assert all("/ru/" in link for link in links)  # the Russian index: no English page among the results


@pytest.mark.parametrize("width", [320, 375])
def test_phone_screens_do_not_scroll_sideways(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/energy/tapi-pipeline-afghanistan/", "/politics/", "/search/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
    if width == 375:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(site_url + "/")
        page.screenshot(path=str(SHOTS / "phone.png"))
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_accessibility_violations(browser, site_url, scheme):
    if not AXE.is_file():
        _missing(f"axe-core ({AXE})")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    for path in ("/", "/energy/tapi-pipeline-afghanistan/", "/politics/", "/search/", "/ru/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (scheme, path, serious)
    context.close()


def test_screenshots_of_home_and_article(page, site_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "home.png"))
    page.goto(site_url + "/energy/tapi-pipeline-afghanistan/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)
    assert (SHOTS / "home.png").stat().st_size > 10_000


# --- the segmented search index, after edits (see newsgen's search.py) -------------------------

@pytest.fixture(scope="module")
def edited_search_url(tmp_path_factory):
    """A site of 30 articles in segments of 5, then edited: one article's word replaced (the
    old record stays, dead, in its archive segment), one withdrawn, one added."""
    from conftest import article, write_tree

    root = tmp_path_factory.mktemp("segments")
    files = {"newsgen.yaml": "title: T\nsections: [politics, economy]\nsearch_segment: 5\n"}
    for n in range(30):
        section = "politics" if n % 2 else "economy"
        files[f"content/{section}/s{n:02d}.md"] = article(
            f"Story {n}", f"2025-11-{n % 28 + 1:02d}T{n % 24:02d}:00:00+05:00",
            body=f"A common report, number {n}." + (" It mentions a quagga." if n == 3 else ""))
    site = write_tree(root / "site", files)
    out = build_site(site)[0]
    (site / "content/politics/s03.md").write_text(article("Story 3", "2025-11-04T03:00:00+05:00",
                                                          body="A common report, number 3. It mentions a zebu."))
    (site / "content/economy/s10.md").unlink()
    (site / "content/economy/s30.md").write_text(article("Story 30", "2025-12-01T10:00:00+05:00",
                                                         body="A common report, number 30."))
    build_site(site)
    manifest = (out / "pagefind/segments.json").read_text()
    assert manifest.count('"path"') >= 6 and '"dead":["' in manifest  # several segments, some records dead
    yield from _served(out)


SETTLED = "document.getElementById('search-results').getAttribute('aria-busy') === 'false'"


def _settle(page, timeout: int = 30_000) -> None:
    """Wait until the search page has searched; a search that failed says why. (The first search
    loads Pagefind's WebAssembly: on a machine busy with two test workers it has taken over 10 s.)"""
    page.wait_for_function(SETTLED, timeout=timeout)
    assert "not available" not in page.locator("#search-status").inner_text(), page.errors


def _all_results(page) -> list[str]:
    """Every result's link, following "More results" to the end; a search that failed says why."""
    _settle(page)
    while page.locator("#search-more").is_visible():
        page.click("#search-more")
        _settle(page)
    return [a.get_attribute("href") for a in page.locator(".search-result h2 a").all()]


def test_after_an_edit_search_finds_the_new_word_and_not_the_old(page, edited_search_url):
    page.goto(edited_search_url + "/search/?q=zebu")
    assert _all_results(page) == ["/politics/s03/"]
    page.goto(edited_search_url + "/search/?q=quagga")
    assert _all_results(page) == []
    assert "Nothing found" in page.locator("#search-status").inner_text()
    assert page.errors == []


def test_search_lists_every_live_article_once_newest_first_and_never_a_withdrawn_one(page, edited_search_url):
    page.goto(edited_search_url + "/search/?q=common")
    links = _all_results(page)
    assert len(links) == len(set(links)) == 30  # 30 made, one withdrawn, one added
    assert "/economy/s10/" not in links
    assert links[0] == "/economy/s30/"  # the newest
    dates = [d.split(" · ")[-1] for d in page.locator(".search-result-meta").all_inner_texts()]
    months = {"October": 10, "November": 11, "December": 12}
    days = [(months[d.split()[1]], int(d.split()[0])) for d in dates]
    assert days == sorted(days, reverse=True)
    page.select_option("#search-sort", "relevance")  # searches again at once
    assert sorted(_all_results(page)) == sorted(links)
    assert page.errors == []


def test_the_section_filter_keeps_only_that_sections_articles(page, edited_search_url):
    page.goto(edited_search_url + "/search/?q=common&section=Politics")
    links = _all_results(page)
    assert len(links) == 15 and all(link.startswith("/politics/") for link in links)
    assert "15 articles found" in page.locator("#search-status").inner_text()
    assert page.errors == []
