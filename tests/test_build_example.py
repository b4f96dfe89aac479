"""The bundled example site and a few hundred generated articles build into a whole site."""
from __future__ import annotations

import random

from conftest import REPO, article, build_site, read
from linkcheck import broken_links



def test_bundled_example_site_builds_completely(tmp_path):
    out, result, reporter = build_site(REPO, output=tmp_path / "build")
    assert result.articles == 12  # six stories, each in English and in Russian
    assert [p for p in reporter.problems if p.severity == "error"] == []
    home = read(out, "/")
    assert "Could Kazakhstan" in home.split('class="lead-story"')[1].split("</section>")[0]  # the featured story leads
    for code in ("KGS", "KZT", "TJS", "UZS", "TMT"):
        assert f"{code}/USD" in home
    assert "+0.28%" in home and "0.00007780" in home
    assert "Photo: BBC" in read(out, "/society/bbc-100-women-central-asia/")
    russian = read(out, "/ru/")
    assert "Может ли Казахстан" in russian.split('class="lead-story"')[1].split("</section>")[0]
    assert "Курсы валют к USD" in russian and "KZT/USD" in russian and "Самое читаемое" in russian
    assert "Фото: BBC" in read(out, "/ru/society/bbc-100-women-central-asia/")
    assert broken_links(out) == []


def test_hundreds_of_generated_articles_all_get_pages(site_tree):
    rng = random.Random(7)
    sections = ["politics", "economy", "energy", "society", "culture"]
    tags = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "energy", "trade", "Қазақстан"]
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "timezone: Asia/Almaty\nper_page: 7\nsearch: false\n",
        "data/rates.yaml": "rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n",
    }
    for i in range(300):
        title = rng.choice(["Talks on", "Вести:", "Budget for", "Water and"]) + f" item {i}"
        date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+05:00"
        files[f"content/{rng.choice(sections)}/story-{i}.md"] = article(
            title, date, body=f"Paragraph {i}.\n\nSee [another](/politics/story-0/) if it exists.",
            tags=rng.sample(tags, 2), authors=[rng.choice(["Aida", "Bakyt", "Dilnoza"])])
    site = site_tree(files)
    out, result, _ = build_site(site)
    assert result.articles == 300
    for key in files:
        if key.startswith("content/"):
            section, name = key.split("/")[1:]
            assert (out / section / name[:-3] / "index.html").is_file()
    html_files = list(out.rglob("*.html"))
    assert all('class="ticker"' in p.read_text() for p in html_files)
    links = broken_links(out)
    # the only links allowed to miss are the body links to /politics/story-0/ when that story is elsewhere
    assert {link for _, link in links} <= {"/politics/story-0/"}
