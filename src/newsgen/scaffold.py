"""``newsgen init`` (a new, working site) and ``newsgen new`` (an article file).

``init`` writes a small example site (settings, rates, articles) that builds at once
with the default theme, which it does not copy: the site keeps getting the theme's fixes,
and ``newsgen theme eject`` copies the files it wants to change (see ``eject``). ``new``
writes front matter with the date in the site's timezone and an ASCII slug
transliterated from the title.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import yaml

from .config import load_config
from .inputs import CONTENT_DIR, RATES_FILE, SETTINGS_FILE
from .dates import build_now
from .errors import UsageError
from .slugs import slugify
from .theme import theme_root

EXAMPLE_SETTINGS = """\
# Site settings: every key is optional. See the README for the full list.
title: {title}
description: "News from Central Asia"
base_url: "https://example.org/"
language: en
timezone: Asia/Almaty
per_page: 20
permalink: "/{{section}}/{{slug}}/"
# Slugs from file names in lowercase ASCII (2025-12-19-Talks.md -> /politics/talks/); an archive moved
# from Jekyll, Eleventy or Hugo keeps its addresses with slugs: keep (case, '_' and '.' as written)
slugs: ascii
sections:
  politics: Politics
  economy: Economy
  energy: Energy
  society: Society
# A Russian edition beside the English one (articles in content/ru/ or named x.ru.md), under /ru/
# (or on a domain of its own: add base_url: "https://ru.example.org/" to its settings):
# languages:
#   en: {{name: English}}
#   ru: {{title: "Новости Центральной Азии", sections: {{politics: Политика, economy: Экономика}}}}
"""

EXAMPLE_RATES = """\
# Exchange rates shown in the ticker on every page: units of `base` per one unit of each currency.
base: USD
updated: 2025-12-19T09:00:00+05:00
rates:
  - {code: KGS, rate: 0.01144, change: 0.0}
  - {code: KZT, rate: 0.00193, change: -0.004}
  - {code: TJS, rate: 0.10851, change: 0.28}
  - {code: UZS, rate: 0.0000778, change: 0.0}
  - {code: TMT, rate: 0.28490, change: 0.0}
"""

TICKER_TIP = "- Edit `data/rates.yaml` and rebuild to see the currency ticker change.\n"
NO_TICKER = """\
# No currency ticker and no Markets page; for them, set ticker: true and add data/rates.yaml.
ticker: false
"""

EXAMPLE_ARTICLES = {
    "politics/welcome-to-newsgen.md": """\
---
title: "Welcome to your newsroom"
date: 2025-12-19T10:00:00+05:00
authors: [Newsroom]
tags: [newsgen, editing]
featured: true
summary: "Every article is a Markdown file under content/; this one is the lead story."
---
Every article is a Markdown file under `content/<section>/`. The front matter between
the `---` lines holds the title, the date, tags and authors; the text below it is the story.

## What to try next

- Run `newsgen new "Talks resume in Astana" --section politics` to start an article.
{ticker_tip}- Run `newsgen theme eject base.html` to copy the page shell of the default theme into
  `templates/` and change it there; `newsgen theme list` shows the theme's files.

Read the [energy story](/energy/grid-upgrade-financed/) for a second example.
""",
    "energy/grid-upgrade-financed.md": """\
---
title: "Regional grid upgrade wins financing"
date: 2025-12-18T15:30:00+05:00
authors: [Newsroom]
tags: [energy, Kazakhstan]
image_caption: "Articles can carry a lead image with a caption and a credit."
---
A second example article, filed in the *energy* section because it lives in
`content/energy/`. Its address comes from the `permalink` setting.

| Item | Value |
|---|---|
| New line | 600 km |
| Voltage | 500 kV |
""",
    "society/draft-feature.md": """\
---
title: "A draft that readers do not see yet"
date: 2025-12-17
draft: true
---
Drafts are left out of the site unless you build with `newsgen build --drafts`.
""",
}


def init_site(target: Path, title: str = "Newsroom", ticker: bool = True) -> list[Path]:
    """Create a new site in ``target`` (empty or missing); returns the files written. Without
    a ``ticker`` (a site that is not a newsroom) it has ``ticker: false`` and no rates file."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; choose a new folder for the site")
    theme_root()  # the site is built with the default theme: fail before writing when it is missing
    written: list[Path] = []
    files = {
        SETTINGS_FILE: (EXAMPLE_SETTINGS.format(title=json.dumps(title, ensure_ascii=False))  # JSON is YAML
                        + ("" if ticker else NO_TICKER)),
        **({RATES_FILE: EXAMPLE_RATES} if ticker else {}),
        ".gitignore": "/build/\n.newsgen/\n/.build.*/\n",  # the last: folders of builds killed mid-way
        **{f"{CONTENT_DIR}/{k}": v.replace("{ticker_tip}", TICKER_TIP if ticker else "")
           for k, v in EXAMPLE_ARTICLES.items()},
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return sorted(written)


def new_article(site: Path, title: str, section: str, now: datetime | None = None,
                slug: str | None = None) -> Path:
    """Write ``content/<section>/<slug>.md`` with front matter filled in; returns its path."""
    config = load_config(site)
    section_key = slugify(section)
    if not section_key:
        raise UsageError(f'"{section}" cannot be a section name; use a word such as politics')
    slug = slugify(slug or title)
    if not slug:
        raise UsageError(f'"{title}" leaves nothing usable for a file name; pass --slug')
    stamp = (now or build_now()).astimezone(config.zone).replace(microsecond=0)
    path = site / CONTENT_DIR / section_key / f"{slug}.md"
    shown = path.relative_to(site).as_posix()
    if path.is_symlink():
        raise UsageError(f"{shown} is a link (to {os.readlink(path)}); newsgen new writes only new, plain files, "
                         "never through a link; choose another title or --slug")
    if path.exists():
        raise UsageError(f"{shown} already exists; choose another title or --slug")
    refuse_links_out(site, path.parent)
    front = yaml.safe_dump({"title": title}, allow_unicode=True, default_flow_style=False, width=1000).strip()
    text = (f"---\n{front}\ndate: {stamp.isoformat()}\nauthors: []\ntags: []\n"
            f"summary: \"\"\ndraft: true\n---\nWrite the story here.\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_links_out(site, path.parent)  # as it is now: made by mkdir, or there already
    try:
        with open(path, "x", encoding="utf-8") as file:  # never through a link made meanwhile, never over a file
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{shown} already exists; choose another title or --slug") from None
    return path


def refuse_links_out(site: Path, folder: Path, command: str = "newsgen new") -> None:
    """Raise UsageError when ``folder`` (or a folder it is in) is a link that leads out of the site."""
    real_site = os.path.realpath(site)
    real = os.path.realpath(folder)
    if real != real_site and not real.startswith(real_site.rstrip(os.sep) + os.sep):
        link = next((p for p in [folder, *folder.parents] if p.is_symlink()), folder)
        shown = link.relative_to(site).as_posix() if link.is_relative_to(site) else str(link)
        raise UsageError(f"{shown} is a link to {os.path.realpath(link)}, outside the site; {command} writes "
                         "only inside the site folder (replace the link with a real folder)")
