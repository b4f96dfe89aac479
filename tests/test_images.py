"""Responsive images: variants made with Pillow, cached, and the markup that uses them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from conftest import article, build_site, read


def photo(path: Path, width: int, height: int, colour: str = "teal", fmt: str = "JPEG") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), colour).save(path, format=fmt)


@pytest.fixture
def pictured(site_tree):
    site = site_tree({
        "newsgen.yaml": "search: false\n",
        "content/energy/grid.md": article("Grid", image="/images/lead.jpg", image_alt="Pylons at dusk",
                                          body="Intro.\n\n![A substation](station.png)\n\n![Remote](https://example.com/x.png)"),
        "content/energy/other.md": article("Other", "2025-12-18"),
    })
    photo(site / "static/images/lead.jpg", 1400, 700)
    photo(site / "content/energy/station.png", 600, 400, fmt="PNG")
    return site


def test_variants_are_made_at_several_widths_in_webp_and_original_format(pictured):
    out = build_site(pictured)[0]
    made = sorted(p.name for p in (out / "_img").iterdir())
    assert [n for n in made if n.startswith("lead-")] == sorted(
        f"lead-{tag}-{w}.{ext}" for tag in {re.match(r"lead-(\w+)-", n).group(1) for n in made if n.startswith("lead-")}
        for w in (480, 800, 1200, 1400) for ext in ("jpg", "webp"))
    with Image.open(next((out / "_img").glob("lead-*-800.webp"))) as variant:
        assert variant.size == (800, 400) and variant.format == "WEBP"
    assert any(n.startswith("station-") and n.endswith("-600.png") for n in made)


def test_lead_image_markup_has_srcset_sizes_dimensions_and_no_lazy_loading(pictured):
    html = read(build_site(pictured)[0], "/energy/grid/")
    lead = html.split('<figure class="story-image">')[1].split("</figure>")[0]
    assert '<source type="image/webp" srcset="/_img/lead-' in lead and " 480w, " in lead and " 1400w" in lead
    assert 'sizes="(min-width: 48rem) 42rem, 100vw"' in lead
    assert 'width="1400" height="700"' in lead and 'alt="Pylons at dusk"' in lead
    assert 'loading="lazy"' not in lead and 'fetchpriority="high"' in lead


def test_body_images_next_to_the_article_are_responsive_and_lazy(pictured):
    html = read(build_site(pictured)[0], "/energy/grid/")
    body = html.split('class="story-body"')[1]
    assert 'alt="A substation" width="600" height="400" loading="lazy"' in body
    assert '<img alt="Remote" src="https://example.com/x.png">' in body or 'src="https://example.com/x.png"' in body


def test_cards_lazy_load_their_images_and_the_lead_does_not(pictured):
    (pictured / "content/energy/other.md").write_text(article("Other", "2025-12-18", image="/images/lead.jpg"))
    home = read(build_site(pictured)[0], "/")
    lead_block = home.split('class="lead-story"')[1].split("</section>")[0]
    assert 'fetchpriority="high"' in lead_block and 'loading="lazy"' not in lead_block
    latest = home.split('class="latest"')[1].split("</section>")[0]
    assert "Other" in latest and 'loading="lazy"' in latest and 'width="1400" height="700"' in latest


def test_variants_are_cached_and_remade_only_when_the_source_changes(pictured):
    out = build_site(pictured)[0]
    cache = pictured / ".newsgen/images/_img"
    first = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    (pictured / "content/energy/other.md").write_text(article("Other, edited", "2025-12-18"))
    build_site(pictured)
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == first  # nothing made again
    photo(pictured / "static/images/lead.jpg", 1000, 500, colour="maroon")
    out = build_site(pictured)[0]
    leads = sorted(p.name for p in (out / "_img").glob("lead-*"))
    assert len(leads) == 6 and not any(name in first for name in leads)  # new source, new names
    assert "1000w" in read(out, "/energy/grid/")


def lead_picture(out: Path) -> str:
    return re.findall(r"<picture>.*?</picture>", read(out, "/energy/grid/"))[0]


def test_a_lost_variant_is_made_again(pictured):
    build_site(pictured)
    [lost] = (pictured / ".newsgen/images/_img").glob("lead-*-480.webp")
    lost.unlink()
    (pictured / "content/energy/other.md").write_text(article("Other, edited", "2025-12-18"))
    out = build_site(pictured)[0]
    assert lost.is_file() and (out / "_img" / lost.name).read_bytes() == lost.read_bytes()


@pytest.mark.parametrize("damage", ["stale", "wrong types", "not json"])
def test_a_size_record_is_trusted_only_when_sound_and_for_the_same_file(pictured, damage):
    import json
    build_site(pictured)
    sizes = pictured / ".newsgen/images/sizes.json"
    signature, tag, width, height = json.loads(sizes.read_text())["/images/lead.jpg"]
    assert (width, height) == (1400, 700)
    record = {"stale": ["1:2", tag, 1400, 5], "wrong types": [signature, None, "x", 5]}.get(damage)
    sizes.write_text(json.dumps({"/images/lead.jpg": record}) if record else '{"/images/lead.jpg": [')
    (pictured / "content/energy/other.md").write_text(article("Other, edited", "2025-12-18"))
    assert 'width="1400" height="700"' in lead_picture(build_site(pictured)[0])


def test_a_clean_build_reads_every_image_again(pictured):
    import json
    build_site(pictured)
    sizes = pictured / ".newsgen/images/sizes.json"
    signature, tag, width, height = json.loads(sizes.read_text())["/images/lead.jpg"]
    # as if the file had been replaced by one of the same size and modification time
    sizes.write_text(json.dumps({"/images/lead.jpg": [signature, tag, 1400, 5]}))
    assert 'width="1400" height="700"' in lead_picture(build_site(pictured, clean=True)[0])


def test_svg_images_keep_their_file_and_get_dimensions(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/x.md": article("X", image="/images/x.svg"),
                      "static/images/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675"/>'})
    html = read(build_site(site)[0], "/a/x/")
    assert '<img src="/images/x.svg" alt="" width="1200" height="675" fetchpriority="high">' in html
