#!/usr/bin/env python3
"""Write a deterministic synthetic news corpus as a newsgen, Hugo or Pelican site.

usage: python bench/corpus.py --articles N --seed 1 --out DIR --format newsgen|hugo|pelican

The same ``--articles`` and ``--seed`` give the same articles, byte for byte, in all
three formats, so that a benchmark compares the generators and not the inputs. The
articles look like a Central Asian newsroom's archive: ~700 words each (paragraphs,
``##``/``###`` headings, a list, a blockquote, links to earlier articles, sometimes an
inline image and a Markdown table), 8 sections, ~40 tags (some Cyrillic), ~30 authors,
~10% Cyrillic titles, 1% drafts, 1% dated far in the future, dates spread over six
years in the site's zone (Asia/Almaty).

Dates are written without an offset ("2023-05-01T10:00:00"): all three generators read
such a date in the site's zone, and Asia/Almaty moved from UTC+6 to UTC+5 in 2024,
so a fixed offset would be wrong for half the archive. Slugs are ASCII (Cyrillic
titles are transliterated here) and are the file names, so every generator derives
the same URL ``/<section>/<slug>/`` without its own transliteration getting a say.

Only the standard library is used: the images are tiny valid PNGs made with zlib and
struct, so the corpus can be generated before any generator is installed.
"""
from __future__ import annotations

import argparse
import json
import random
import struct
import sys
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable, Sequence

SITE_TITLE = "Steppe Wire"
BASE_URL = "https://news.example.org/"
TIMEZONE = "Asia/Almaty"
PER_PAGE = 20
FEED_SIZE = 50

SECTIONS: dict[str, str] = {
    "politics": "Politics", "economy": "Economy", "business": "Business", "energy": "Energy",
    "society": "Society", "culture": "Culture", "tech": "Tech", "sport": "Sport",
}
COUNTRIES = ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "Afghanistan", "China", "Russia")
CITIES = ("Astana", "Almaty", "Bishkek", "Osh", "Dushanbe", "Khujand", "Ashgabat", "Tashkent", "Samarkand",
          "Bukhara", "Aktau", "Khorgos")
# 40 tags whose slugs are all distinct in every generator's transliteration
# (newsgen: kazakstan, Pelican: qazaqstan, Hugo keeps the Cyrillic).
TAGS = (*COUNTRIES,
        "energy", "oil and gas", "hydropower", "water", "trade", "transport", "railways", "migration",
        "elections", "parliament", "sanctions", "climate", "agriculture", "banking", "inflation", "mining",
        "tourism", "education", "health", "media", "human rights", "startups", "football", "cinema",
        "Belt and Road", "Caspian",
        "Қазақстан", "Ўзбекистон", "Тоҷикистон", "Экономика", "Энергетика", "Бишкек")
FIRST_NAMES = ("Aida", "Aigerim", "Bakyt", "Dilnoza", "Erlan", "Farrukh", "Gulnara", "Timur", "Zarina", "Nurlan",
               "Madina", "Rustam", "Saule", "Aziz", "Malika", "Daniyar", "Jamila", "Sanjar")
LAST_NAMES = ("Abenova", "Karimov", "Rahimova", "Saidov", "Tokaeva", "Umarov", "Yusupova", "Bekov", "Nazarova",
              "Ismoilov", "Zhumabaev", "Alieva", "Orozbekov", "Mirzaeva")
AUTHOR_COUNT = 30

NOUNS = ("pipeline", "power grid", "railway", "summit", "treaty", "election", "budget", "harvest", "border crossing",
         "market", "pension reform", "festival", "museum", "airport", "trade corridor", "tariff", "loan", "copper mine",
         "dam", "university", "wind farm", "data centre", "stadium", "bridge")
VERBS = ("approves", "launches", "delays", "expands", "signs", "debates", "opens", "funds", "reviews", "blocks")
ADJECTIVES = ("new", "regional", "cross-border", "national", "historic", "contested", "record", "joint", "green",
              "digital")
SUBJECTS = ("Officials in {city}", "The government of {country}", "The central bank", "Analysts in {city}",
            "Local residents", "Lawmakers in {city}", "A spokesperson for the ministry", "Foreign investors",
            "Regional experts", "Opposition politicians", "The mayor of {city}", "Trade unions")
REPORTING = ("said", "announced", "warned", "confirmed", "noted", "argued", "estimated", "reported")
CLAUSES = ("that the {noun} would be completed by {year}",
           "that {amount} had been set aside for the {noun}",
           "that talks with {country} on the {noun} were making progress",
           "that the {adj} {noun} could double trade with {country} within five years",
           "that prices in {city} had risen by {pct} percent since the spring",
           "that the plan still needed the approval of parliament",
           "that the {noun} near {city} would employ {count} people",
           "that an earlier agreement with {country} had not been honoured")
FILLER = ("the of and to in a that for on with as by at from officials region government project minister "
          "trade investment energy water transport agreement development growth capital exports imports "
          "cooperation infrastructure citizens workers local national international border central asian "
          "economy report statement week month year plans ministry companies prices network").split()
CYRILLIC_TITLES = ("Казахстан и Узбекистан подписали соглашение: {noun}", "В Бишкеке открылся новый {noun}",
                   "Таджикистан расширяет {noun} на юге страны", "Туркменистан объявил о запуске: {noun}",
                   "Эксперты обсуждают будущее проекта «{noun}» в Центральной Азии",
                   "В Алматы обсудили {noun} и тарифы")
CYRILLIC_NOUNS = ("газопровод", "рынок", "музей", "аэропорт", "коридор", "университет", "фестиваль", "мост")
# Russian, Kazakh, Uzbek and Tajik letters to ASCII, for the slugs of Cyrillic titles.
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщыэюяқғңүұһәөіҷӯў"
_LATIN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch y e iu ia k g n u u h a o i ch u u".split()
assert len(_CYRILLIC) == len(_LATIN)
TRANSLIT = {**dict(zip(_CYRILLIC, _LATIN)), "ъ": "", "ь": ""}

RATES = (("KGS", "0.01144", "0.0"), ("KZT", "0.00193", "-0.004"), ("TJS", "0.10851", "0.28"),
         ("UZS", "0.0000778", "0.0"), ("TMT", "0.28490", "0.0"))
RATES_UPDATED = "2025-12-19T09:00:00+05:00"

IMAGE_COUNT = 24
IMAGE_SIZE = (160, 90)
FIRST_DATE = datetime(2020, 1, 1, 6, 0)
LAST_DATE = datetime(2025, 12, 19, 18, 0)
FUTURE_YEAR = 2098  # "in the future" for any plausible build clock, yet a valid date everywhere


@dataclass(frozen=True)
class Article:
    """One article, in a form every writer below can lay out its own way."""

    section: str
    slug: str
    title: str
    date: datetime  # naive, in the site's zone
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    summary: str
    image: str | None  # the lead image (newsgen's `image:` field)
    featured: bool
    draft: bool
    future: bool
    body: str  # Markdown

    @property
    def url(self) -> str:
        return f"/{self.section}/{self.slug}/"

    @property
    def published(self) -> bool:
        """What a default build shows: neither a draft nor dated in the future."""
        return not (self.draft or self.future)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (at most seven words), Cyrillic transliterated."""
    out: list[str] = []
    for ch in text.lower():
        latin = TRANSLIT.get(ch, ch)
        out.append(latin if latin.isascii() and (latin.isalnum() or not latin) else "-")
    words = [w for w in "".join(out).split("-") if w]
    return "-".join(words[:7])


class Writer:
    """Deterministic text from one seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(city=r.choice(CITIES), country=r.choice(COUNTRIES), noun=r.choice(NOUNS),
                               adj=r.choice(ADJECTIVES), year=r.randint(2026, 2032), pct=r.randint(2, 40),
                               amount=f"${r.randint(2, 900)} million", count=f"{r.randint(2, 90) * 100:,}")

    def sentence(self) -> str:
        """A news-style sentence most of the time, filler words otherwise (for varied vocabulary)."""
        r = self.rng
        if r.random() < 0.65:
            text = f"{self.fill(r.choice(SUBJECTS))} {r.choice(REPORTING)} {self.fill(r.choice(CLAUSES))}"
        else:
            words = [r.choice(FILLER) for _ in range(r.randint(9, 20))]
            if r.random() < 0.4:
                words.insert(r.randrange(len(words)), r.choice(COUNTRIES))
            text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, low: int = 4, high: int = 7) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def body(self, earlier: Sequence[Article]) -> str:
        """~700 words: paragraphs, headings, a list, a quote, links, maybe an image and a table."""
        r = self.rng
        parts = [self.paragraph(), self.paragraph()]
        if r.random() < 0.25:
            parts.append(f"![{r.choice(CITIES)} at dusk](/images/{r.randint(1, IMAGE_COUNT)}.png)")
        parts.append(f"## {r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} in {r.choice(CITIES)}")
        parts += [self.paragraph(), self.paragraph()]
        parts.append("\n".join(f"- {self.sentence()}" for _ in range(r.randint(3, 5))))
        parts.append(self.paragraph(3, 4))
        parts.append(f"> {self.sentence()} {self.sentence()}")
        parts.append(f"### {r.choice(NOUNS).capitalize()}: what comes next")
        parts += [self.paragraph(), self.paragraph()]
        if r.random() < 0.15:
            rows = "\n".join(f"| {c} | {r.randint(1, 900)} | {r.uniform(-5, 9):+.1f}% |"
                             for c in r.sample(COUNTRIES, 4))
            parts.append("| Country | Volume (t) | Change |\n|---|---:|---:|\n" + rows)
        links = r.sample(list(earlier), min(len(earlier), r.randint(1, 3)))
        if links:
            refs = ", ".join(f"[{a.title}]({a.url})" for a in links)
            parts.append(f"Read more: {refs}; background from "
                         f"[the statistics agency](https://stat.example.org/{r.choice(NOUNS).replace(' ', '-')}).")
        parts.append(self.paragraph(3, 5))
        return "\n\n".join(parts) + "\n"


def make_authors(rng: random.Random) -> list[str]:
    """Thirty distinct bylines, in a fixed order for a given seed."""
    names: list[str] = []
    while len(names) < AUTHOR_COUNT:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    return names


def generate(count: int, seed: int = 1) -> list[Article]:
    """``count`` articles, oldest index first; the same arguments always give the same list.

    Links only point at earlier published articles, so no build has a dangling link.
    """
    rng = random.Random(seed)
    writer = Writer(rng)
    authors = make_authors(rng)
    span = (LAST_DATE - FIRST_DATE).total_seconds()
    used: set[str] = set()
    articles: list[Article] = []
    recent: list[Article] = []
    for _ in range(count):
        section = rng.choice(list(SECTIONS))
        if rng.random() < 0.10:
            title = rng.choice(CYRILLIC_TITLES).format(noun=rng.choice(CYRILLIC_NOUNS))
        else:
            title = f"{rng.choice(COUNTRIES)} {rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            if rng.random() < 0.4:
                title += f" in {rng.choice(CITIES)}"
        base = slugify(title)
        slug, n = base, 1
        while slug in used:  # unique across sections too: Pelican takes a repeated slug for a translation
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        draft = rng.random() < 0.01
        future = rng.random() < 0.01
        if future:
            date = datetime(FUTURE_YEAR, 1, 1, 9, 0) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        else:
            date = FIRST_DATE + timedelta(seconds=int(rng.uniform(0, span)))
        article = Article(
            section=section, slug=slug, title=title, date=date,
            tags=tuple(rng.sample(TAGS, rng.randint(2, 4))),
            authors=tuple(rng.sample(authors, rng.choice((1, 1, 1, 2)))),
            summary=writer.sentence(),
            image=f"/images/{rng.randint(1, IMAGE_COUNT)}.png" if rng.random() < 0.3 else None,
            featured=rng.random() < 0.03, draft=draft, future=future,
            body=writer.body(recent[-40:]),
        )
        articles.append(article)
        if article.published:
            recent.append(article)
    return articles


# --- files shared by the formats -------------------------------------------------------------

def png(width: int, height: int, seed: int) -> bytes:
    """A valid RGB PNG with a gradient, so that it has real pixels and a real size."""
    r0, g0, b0 = (seed * 53) % 256, (seed * 97) % 256, (seed * 151) % 256
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in ((r0 + x) % 256, (g0 + 2 * y) % 256, b0))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def write_images(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, IMAGE_COUNT + 1):
        (folder / f"{i}.png").write_bytes(png(*IMAGE_SIZE, i))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def iso(date: datetime) -> str:
    return date.strftime("%Y-%m-%dT%H:%M:%S")


def rates_yaml(rates: Sequence[tuple[str, str, str]] = RATES, updated: str = RATES_UPDATED) -> str:
    """The ticker's data in newsgen's documented format (Hugo reads the same file).

    The benchmark passes other ``rates`` to measure a rebuild after a rates change.
    """
    lines = ["# Exchange rates for the ticker: USD per one unit of each currency; change in percent.",
             "base: USD", f"updated: {updated}", "rates:"]
    lines += [f"  - {{code: {code}, rate: {rate}, change: {change}}}" for code, rate, change in rates]
    return "\n".join(lines) + "\n"


def yaml_front_matter(a: Article, extra: Sequence[str] = ()) -> str:
    fields = [f"title: {q(a.title)}", f"date: {iso(a.date)}", f"tags: {yaml_list(a.tags)}",
              f"authors: {yaml_list(a.authors)}", f"summary: {q(a.summary)}", *extra]
    if a.image:
        fields.append(f"image: {a.image}")
    if a.featured:
        fields.append("featured: true")
    if a.draft:
        fields.append("draft: true")
    return "---\n" + "\n".join(fields) + "\n---\n\n"


# --- newsgen ---------------------------------------------------------------------------------

def newsgen_source(a: Article) -> str:
    """An article's file as newsgen reads it (the benchmark restores edited files with it)."""
    return yaml_front_matter(a) + a.body


# The Russian edition of a translated corpus (see write_translated): its settings
RUSSIAN_EDITION = ("languages:\n  en:\n    name: English\n  ru:\n    name: Русский\n"
                   "    title: \"Таймс Центральной Азии (бенчмарк)\"\n")


def write_translated(out: Path, articles: Sequence[Article]) -> None:
    """newsgen's layout with an English and a Russian edition: every article also has its
    translation beside it (``<slug>.ru.md``, the same story under a Russian headline), so
    the site holds twice the articles, half in each language, every one with a translation."""
    write_newsgen(out, articles)
    with open(out / "newsgen.yaml", "a", encoding="utf-8") as settings:
        settings.write(RUSSIAN_EDITION)
    for a in articles:
        write(out / "content" / a.section / f"{a.slug}.ru.md", newsgen_source(replace(a, title=f"Перевод: {a.title}")))


def write_newsgen(out: Path, articles: Sequence[Article]) -> None:
    """newsgen's documented layout: settings, rates, content/<section>/<slug>.md, images."""
    sections = "\n".join(f"  {key}: {name}" for key, name in SECTIONS.items())
    write(out / "newsgen.yaml",
          f"title: {q(SITE_TITLE)}\ndescription: \"Synthetic benchmark corpus\"\nbase_url: {BASE_URL}\n"
          f"language: en\ntimezone: {TIMEZONE}\nper_page: {PER_PAGE}\nfeed_size: {FEED_SIZE}\n"
          # Hugo and Pelican build no search index, so the side-by-side runs leave newsgen's out too;
          # bench/README.md gives Pagefind's own cost separately.
          f"search: false\n"
          f"sections:\n{sections}\n")
    write(out / "data" / "rates.yaml", rates_yaml())
    for a in articles:
        write(out / "content" / a.section / f"{a.slug}.md", newsgen_source(a))
    write_images(out / "content" / "images")


# --- Hugo ------------------------------------------------------------------------------------

HUGO_CONFIG = f"""\
baseURL = "{BASE_URL}"
title = "{SITE_TITLE}"
locale = "en"
timeZone = "{TIMEZONE}"
enableRobotsTXT = true
disableKinds = []

[pagination]
  pagerSize = {PER_PAGE}
  path = "page"
  disableAliases = true

[taxonomies]
  tag = "tags"
  author = "authors"

[services.rss]
  limit = {FEED_SIZE}

[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]

[outputFormats.rss]
  baseName = "feed"

[outputFormats.atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  rel = "alternate"

[outputs]
  home = ["html", "rss", "atom"]
  section = ["html", "rss", "atom"]
  taxonomy = ["html"]
  term = ["html", "rss", "atom"]

[markup.goldmark.renderer]
  unsafe = true

# Related articles by shared tags, as newsgen's related box.
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100

[sitemap]
  changeFreq = ""
"""

# Templates comparable to newsgen's default theme: the ticker on every page, a home page
# with a lead story, latest news and a block per section, article pages with byline,
# tags, previous/next in the section and related articles, paginated listings, and
# RSS and Atom feeds with full bodies. Written as a Hugo user would, for speed: pages
# in Hugo's default order (newest first here, as no page has a weight) instead of
# sorting again, and the ticker and the section menu, the same on every page, as cached
# partials (site.Sections costs time in proportion to the site on every call: ranging
# over it on each page made a 10,000-article build several times slower).
# The newest pages of a feed (all of the site's on the home feed), cut to the RSS limit, and the XML
# declaration: shared by the RSS and Atom templates below.
HUGO_FEED_PAGES = """\
{{- $pages := .RegularPages -}}
{{- if .IsHome }}{{ $pages = site.RegularPages }}{{ end -}}
{{- $limit := site.Config.Services.RSS.Limit -}}
{{- if ge $limit 1 }}{{ $pages = $pages | first $limit }}{{ end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
"""

HUGO_LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end }}<link rel="stylesheet" href="/css/site.css">
</head>
<body>
<header class="masthead">
  <p class="site-name"><a href="/">{{ site.Title }}</a></p>
  {{ partialCached "ticker.html" . }}
  {{ partialCached "nav.html" . }}
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>{{ site.Title }}</p><p><a href="/tags/">Tags</a> · <a href="/authors/">Authors</a></p></footer>
</body>
</html>
""",
    "_partials/ticker.html": """\
{{ with hugo.Data.rates }}{{ $base := .base }}
<section class="ticker" aria-label="Exchange rates against {{ $base }}">
  <ul class="ticker-rates">
  {{ range .rates }}
    {{ $dir := cond (gt .change 0) "up" (cond (lt .change 0) "down" "flat") }}
    <li class="rate rate-{{ $dir }}"><span class="rate-pair">{{ .code }}/{{ $base }}</span>
      <span class="rate-value">{{ printf (cond (lt .rate 0.001) "%.8f" (cond (lt .rate 0.01) "%.6f" "%.5f")) .rate }}</span>
      <span class="rate-change">{{ index (dict "up" "▲" "down" "▼" "flat" "■") $dir }} {{ printf "%+.2f%%" .change }}</span></li>
  {{ end }}
  </ul>
  <p class="ticker-updated">Rates updated {{ time.Format "2 January 2006 15:04" .updated }}</p>
</section>
{{ end }}
""",
    "_partials/nav.html": """\
<nav class="sections"><ul>
  <li><a href="/">Home</a></li>
  {{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></nav>
""",
    "_partials/card.html": """\
<article class="card">
  <p class="card-section"><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
  <h3 class="card-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  {{ with .Params.summary }}<p class="card-summary">{{ . }}</p>{{ end }}
  <p class="card-meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.authors }} · {{ delimit . ", " }}{{ end }}</p>
</article>
""",
    "_partials/pagination.html": """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pagination">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }} Page {{ .PageNumber }} of {{ .TotalPages }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}{{ end }}
""",
    "home.html": """\
{{ define "main" }}
{{ $all := site.RegularPages }}
{{ $lead := index (where $all "Params.featured" true) 0 | default (index $all 0) }}
{{ with $lead }}<section class="lead-story">
  <h2 class="lead-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  {{ with .Params.image }}<img src="{{ . }}" alt="">{{ end }}
  <p class="lead-summary">{{ .Params.summary }}</p>
</section>{{ end }}
<section class="latest"><h2>Latest news</h2><div class="grid">
  {{ range first 12 $all }}{{ partial "card.html" . }}{{ end }}
</div></section>
{{ range site.Sections }}<section class="section-block"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <div class="grid">{{ range first 4 .RegularPages }}{{ partial "card.html" . }}{{ end }}</div>
</section>{{ end }}
{{ end }}
""",
    "page.html": """\
{{ define "main" }}
<article class="story">
  <header>
    <p class="card-section"><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
    <h1 class="story-title">{{ .Title }}</h1>
    <p class="story-summary">{{ .Params.summary }}</p>
    {{ with .GetTerms "authors" }}<p class="byline">By {{ range $i, $a := . }}{{ if $i }}, {{ end }}<a href="{{ $a.RelPermalink }}" rel="author">{{ $a.LinkTitle }}</a>{{ end }}</p>{{ end }}
    <p class="story-dates"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006 15:04" }}</time> · {{ .ReadingTime }} min read</p>
  </header>
  {{ with .Params.image }}<figure class="story-image"><img src="{{ . }}" alt=""></figure>{{ end }}
  <div class="story-body">{{ .Content }}</div>
  {{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}" rel="tag">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
</article>
<nav class="story-nav">
  {{ with .PrevInSection }}<a class="newer" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  {{ with .NextInSection }}<a class="older" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ with site.RegularPages.Related . | first 4 }}<section class="related"><h2>Related</h2>
  <div class="grid">{{ range . }}{{ partial "card.html" . }}{{ end }}</div></section>{{ end }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<header class="list-header"><h1>{{ .Title }}</h1></header>
{{ $pager := .Paginate .RegularPages }}
<div class="list">{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}</div>
{{ partial "pagination.html" . }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<header class="list-header"><h1>{{ .Title }}</h1></header>
<ul class="terms">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1><p><a href="/">Front page</a></p>{{ end }}
""",
    "list.rss.xml": HUGO_FEED_PAGES + """\
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<link>{{ .Permalink }}</link>
<description>{{ site.Title }}</description>
<language>en</language>
{{ with index $pages 0 }}<lastBuildDate>{{ .Lastmod.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</lastBuildDate>{{ end }}
{{ with .OutputFormats.Get "rss" }}{{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}{{ end }}
{{ range $pages }}<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
{{ range .Params.authors }}<dc:creator>{{ . }}</dc:creator>{{ end }}
{{ range .Params.tags }}<category>{{ . }}</category>{{ end }}
<description>{{ .Params.summary }}</description>
<content:encoded>{{ printf "<![CDATA[%s]]>" .Content | safeHTML }}</content:encoded>
</item>
{{ end }}</channel>
</rss>
""",
    "list.atom.xml": HUGO_FEED_PAGES + """\
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<id>{{ .Permalink }}</id>
<link href="{{ .Permalink }}"/>
{{ with .OutputFormats.Get "atom" }}<link rel="self" href="{{ .Permalink }}"/>{{ end }}
{{ with index $pages 0 }}<updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}</updated>{{ end }}
{{ range $pages }}<entry>
<title>{{ .Title }}</title>
<link href="{{ .Permalink }}"/>
<id>{{ .Permalink }}</id>
<published>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</published>
<updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}</updated>
{{ range .Params.authors }}<author><name>{{ . }}</name></author>{{ end }}
{{ range .Params.tags }}<category term="{{ . }}"/>{{ end }}
<summary>{{ .Params.summary }}</summary>
<content type="html">{{ .Content | html }}</content>
</entry>
{{ end }}</feed>
""",
}


def write_hugo(out: Path, articles: Sequence[Article]) -> None:
    """A complete minimal Hugo site giving the same article URLs as newsgen."""
    write(out / "hugo.toml", HUGO_CONFIG)
    write(out / "data" / "rates.yaml", rates_yaml())
    for key, name in SECTIONS.items():
        write(out / "content" / key / "_index.md", f"---\ntitle: {q(name)}\n---\n")
    for a in articles:
        write(out / "content" / a.section / f"{a.slug}.md", yaml_front_matter(a) + a.body)
    for name, text in HUGO_LAYOUTS.items():
        write(out / "layouts" / name, text)
    write_images(out / "static" / "images")
    write(out / "static" / "css" / "site.css", "body{font-family:sans-serif;max-width:70rem;margin:auto}\n")


# --- Pelican ---------------------------------------------------------------------------------

PELICAN_CONFIG = f"""\
# Pelican settings for the benchmark corpus: newsgen's URLs, pagination and feeds.
SITENAME = {SITE_TITLE!r}
SITEURL = {BASE_URL.rstrip('/')!r}
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = {TIMEZONE!r}
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = {PER_PAGE}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
ARTICLE_URL = "{{category}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{category}}/{{slug}}/index.html"
CATEGORY_URL = "{{slug}}/"
CATEGORY_SAVE_AS = "{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "authors/{{slug}}/"
AUTHOR_SAVE_AS = "authors/{{slug}}/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
MONTH_ARCHIVE_URL = "archive/{{date:%Y}}/{{date:%m}}/"
MONTH_ARCHIVE_SAVE_AS = "archive/{{date:%Y}}/{{date:%m}}/index.html"
# Future articles become drafts; like newsgen and Hugo, write no page for them.
WITH_FUTURE_DATES = False
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
FEED_MAX_ITEMS = {FEED_SIZE}
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = "atom.xml"
CATEGORY_FEED_RSS = "{{slug}}/feed.xml"
CATEGORY_FEED_ATOM = "{{slug}}/atom.xml"
TAG_FEED_RSS = "tags/{{slug}}/feed.xml"
TAG_FEED_ATOM = "tags/{{slug}}/atom.xml"
AUTHOR_FEED_RSS = "authors/{{slug}}/feed.xml"
AUTHOR_FEED_ATOM = "authors/{{slug}}/atom.xml"
TRANSLATION_FEED_ATOM = None
RSS_FEED_SUMMARY_ONLY = False
STATIC_PATHS = ["images"]
# newsgen's Markdown: Python-Markdown with extra, toc and sane_lists.
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.extra": {{}},
        "markdown.extensions.toc": {{}},
        "markdown.extensions.sane_lists": {{}},
    }},
    "output_format": "html5",
}}
# Cold builds only: no reader cache between runs.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


def pelican_meta(a: Article) -> str:
    """Pelican's Markdown metadata: 'Key: value' lines before the body."""
    lines = [f"Title: {a.title}", f"Date: {iso(a.date)}", f"Category: {SECTIONS[a.section]}", f"Slug: {a.slug}",
             f"Tags: {', '.join(a.tags)}", f"Authors: {', '.join(a.authors)}", f"Summary: {a.summary}"]
    if a.image:
        lines.append(f"Image: {a.image}")
    if a.draft:
        lines.append("Status: draft")
    return "\n".join(lines) + "\n\n"


def write_pelican(out: Path, articles: Sequence[Article]) -> None:
    """A Pelican site (default theme) with the same articles under /<category>/<slug>/."""
    write(out / "pelicanconf.py", PELICAN_CONFIG)
    for a in articles:
        write(out / "content" / a.section / f"{a.slug}.md", pelican_meta(a) + a.body)
    write_images(out / "content" / "images")


WRITERS: dict[str, Callable[[Path, Sequence[Article]], None]] = {
    "newsgen": write_newsgen, "hugo": write_hugo, "pelican": write_pelican, "newsgen-translated": write_translated,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1000, help="how many articles (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="the site folder to write (created)")
    parser.add_argument("--format", choices=sorted(WRITERS), default="newsgen")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; choose a new folder")
    articles = generate(args.articles, args.seed)
    WRITERS[args.format](args.out, articles)
    published = sum(a.published for a in articles)
    print(f"wrote {len(articles)} articles ({published} published) as a {args.format} site in {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
