#!/usr/bin/env python3
"""Write a deterministic WordPress export (WXR 1.2) of a synthetic news archive, for the import benchmark.

usage: gen_wxr.py --posts 10000 --seed 1 --out export.xml

Each post is classic-editor content of about 600-900 words (paragraphs as blank lines, which
the importer turns into paragraphs as WordPress's wpautop does), with a heading, a list, a link
to an earlier post, and now and then a [caption] image, a YouTube URL on its own line or a
shortcode of a plugin. About 10% of titles and slugs are Cyrillic (percent-encoded slugs, as
WordPress stores them), 2% are drafts, 1% scheduled, 1% trashed; one attachment per ten posts
is the featured image. Written as it is generated: memory stays small for any size.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from urllib.parse import quote

SECTIONS = ["politics", "economy", "business", "energy", "society", "culture", "tech", "sport"]
PLACES = ["Astana", "Almaty", "Bishkek", "Dushanbe", "Ashgabat", "Tashkent", "Samarkand", "Osh", "Herat", "Khorgos"]
NOUNS = ["pipeline", "grid", "railway", "summit", "treaty", "election", "budget", "harvest", "border", "market",
         "reform", "festival", "museum", "airport", "corridor", "tariff", "loan", "mine", "dam", "university"]
VERBS = ["approves", "launches", "delays", "expands", "signs", "debates", "opens", "funds", "reviews", "blocks"]
CYRILLIC = ["переговоры", "энергия", "выборы", "бюджет", "граница", "рынок", "урожай", "реформа", "музей", "железная"]
WORDS = ("the of and to in a is that for on with as by at from officials said ministry new project regional "
         "government agreement water energy trade investment local residents report year plan support").split()
HOST = "https://gazette.example.org"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def body(rng: random.Random, number: int, links: list[str]) -> str:
    parts = [paragraph(rng) for _ in range(3)]
    parts.append(f"<h2>{rng.choice(PLACES)} {rng.choice(NOUNS)}</h2>")
    parts += [paragraph(rng) for _ in range(3)]
    parts.append("<ul>\n" + "\n".join(f"<li>{sentence(rng)}</li>" for _ in range(4)) + "\n</ul>")
    if links:
        parts.append(f'Read <a href="{rng.choice(links)}">the earlier story</a> too. {paragraph(rng)}')
    if number % 7 == 0:
        parts.append(f'[caption id="attachment_{number}" align="alignnone" width="800"]<img src="{HOST}/wp-content/'
                     f'uploads/2020/01/photo-{number}-800x600.jpg" alt="A photo" width="800" height="600" /> '
                     f"{sentence(rng)}[/caption]")
    if number % 11 == 0:
        parts.append(f"https://www.youtube.com/watch?v=vid{number:08d}")
    if number % 13 == 0:
        parts.append('[contact-form-7 id="12" title="Tips"]')
    parts += [paragraph(rng) for _ in range(4)]
    return "\n\n".join(parts)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_export(posts: int, seed: int, out: Path) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2015, 1, 1, 8, 0)
    links: list[str] = []
    with open(out, "w", encoding="utf-8") as file:
        file.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
                   'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                   'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                   'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
                   f"<channel>\n<title>The Steppe Gazette</title>\n<link>{HOST}</link>\n<language>en</language>\n"
                   f"<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{HOST}</wp:base_site_url>\n"
                   f"<wp:base_blog_url>{HOST}</wp:base_blog_url>\n")
        for login, name in (("aida", "Aida Nurlanovna"), ("timur", "Timur Bekov"), ("desk", "News Desk")):
            file.write(f"<wp:author><wp:author_login>{cdata(login)}</wp:author_login><wp:author_display_name>"
                       f"{cdata(name)}</wp:author_display_name></wp:author>\n")
        for section in SECTIONS:
            file.write(f"<wp:category><wp:category_nicename>{section}</wp:category_nicename>"
                       f"<wp:cat_name>{cdata(section.title())}</wp:cat_name></wp:category>\n")
        for number in range(1, posts + 1):
            when = start + dt.timedelta(hours=number * 3, minutes=rng.randint(0, 59))
            cyrillic = number % 10 == 0
            if cyrillic:
                words = rng.sample(CYRILLIC, 3)
                title = " ".join(words).capitalize()
                slug = quote("-".join(words)).lower()
            else:
                title = f"{rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(NOUNS)} {number}"
                slug = title.lower().replace(" ", "-")
            roll = rng.random()
            status = "draft" if roll < 0.02 else "future" if roll < 0.03 else "trash" if roll < 0.04 else "publish"
            gmt = when - dt.timedelta(hours=5)
            stamp, stamp_gmt = when.strftime("%Y-%m-%d %H:%M:%S"), gmt.strftime("%Y-%m-%d %H:%M:%S")
            link = f"{HOST}/{when:%Y/%m/%d}/{slug}/"
            section = rng.choice(SECTIONS)
            tags = "".join(f'<category domain="post_tag" nicename="{t}">{cdata(t.title())}</category>'
                           for t in sorted(set(rng.sample(NOUNS, 3))))
            meta = (f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{posts + number}"
                    "</wp:meta_value></wp:postmeta>" if number % 10 == 1 else "")
            file.write(f"<item>\n<title>{cdata(title)}</title>\n<link>{link}</link>\n"
                       f"<dc:creator>{cdata(rng.choice(['aida', 'timur', 'desk']))}</dc:creator>\n"
                       f'<guid isPermaLink="false">{HOST}/?p={number}</guid>\n'
                       f"<content:encoded>{cdata(body(rng, number, links))}</content:encoded>\n"
                       f"<excerpt:encoded>{cdata(sentence(rng) if number % 3 == 0 else '')}</excerpt:encoded>\n"
                       f"<wp:post_id>{number}</wp:post_id>\n<wp:post_date>{stamp}</wp:post_date>\n"
                       f"<wp:post_date_gmt>{stamp_gmt}</wp:post_date_gmt>\n<wp:post_modified>{stamp}"
                       f"</wp:post_modified>\n<wp:post_modified_gmt>{stamp_gmt}</wp:post_modified_gmt>\n"
                       f"<wp:post_name>{cdata(slug)}</wp:post_name>\n<wp:status>{status}</wp:status>\n"
                       "<wp:post_parent>0</wp:post_parent>\n<wp:post_type>post</wp:post_type>\n"
                       f'<category domain="category" nicename="{section}">{cdata(section.title())}</category>'
                       f"{tags}\n{meta}</item>\n")
            if number % 10 == 1:
                url = f"{HOST}/wp-content/uploads/{when:%Y/%m}/lead-{number}.jpg"
                file.write(f"<item>\n<title>Lead {number}</title>\n<wp:post_id>{posts + number}</wp:post_id>\n"
                           f"<wp:post_parent>{number}</wp:post_parent>\n<wp:post_type>attachment</wp:post_type>\n"
                           f"<wp:status>inherit</wp:status>\n<wp:attachment_url>{url}</wp:attachment_url>\n"
                           "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                           f"<wp:meta_value>{cdata('A lead photo')}</wp:meta_value></wp:postmeta>\n</item>\n")
            if status == "publish":
                links.append(link if rng.random() < 0.5 else f"{HOST}/?p={number}")
                links = links[-50:]
        file.write("</channel>\n</rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    options = parser.parse_args()
    write_export(options.posts, options.seed, options.out)


if __name__ == "__main__":
    main()
