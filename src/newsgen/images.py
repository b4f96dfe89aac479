"""Responsive images: resized variants made with Pillow, cached by source hash, and the markup.

Lead images and images in article bodies that live in the site (``static/`` or next
to the articles under ``content/``) get variants at a few widths, as WebP and in the
original format, so that browsers download what the screen needs. Variants are named
after the source's hash and kept in ``.newsgen/images/``: a variant is made once and
made again only when its source changes. ``<img>`` tags carry width and height (no
layout shift while loading); images below the fold load lazily. SVG needs no
variants. A reference to an image that does not exist is a content error.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Container, Iterable, TypeGuard, cast

from markupsafe import Markup

from .errors import Problem
from .model import Article

WIDTHS = (480, 800, 1200, 1600)
RASTER = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
VARIANT_FOLDER = "_img"
SIZES_FILE = "sizes.json"  # in the image cache: size and variant tag of each image, by signature
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"')


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """A site image: its size and its variants (URL, width) in the original format and WebP."""

    path: str  # site path, '/images/a.png'
    width: int
    height: int
    mime: str
    variants: tuple[tuple[str, int], ...] = ()
    webp: tuple[tuple[str, int], ...] = ()

    @property
    def fallback(self) -> str:
        """The ``src`` for browsers without srcset: the largest variant, else the original."""
        return self.variants[-1][0] if self.variants else self.path


def image_refs(article: Article, base_path: str) -> list[tuple[str, str]]:
    """(as written, site path) of the article's lead image and every local body image."""
    refs = []
    if article.image:
        refs.append((article.image, article.site_file(article.image)))
    refs += ((written, article.site_file(written, base_path)) for written in article.body_images)
    return [(w, p) for w, p in refs if p]


def prepare_images(paths: Iterable[str], sources: dict[str, tuple[Path, str]], cache: Path, site: Path,
                   trust_sizes: bool = True, some: bool = False) -> tuple[dict[str, ImageInfo], dict[str, Path],
                                                                        list[Problem]]:
    """Size and variants of each image: (site path -> ImageInfo, output path -> variant file, warnings).

    ``sources`` maps site paths to (file, signature of size and modification time). An
    image whose signature is the one recorded in ``cache/sizes.json`` and whose variants
    are all in the cache is neither read nor opened with Pillow (importing Pillow's
    plugins alone costs a tenth of a second, a third of a one-article rebuild's budget).
    A file that Pillow cannot read is served as it is, with a warning naming it.
    With ``some``, ``paths`` are some of the site's images (a delta build's), and the
    records of the others are kept.
    """
    infos: dict[str, ImageInfo] = {}
    outputs: dict[str, Path] = {}
    problems: list[Problem] = []
    known = _read_sizes(cache) if trust_sizes else {}
    sizes: dict[str, list[object]] = {}
    for path in sorted(set(paths)):
        found = sources.get(path.lstrip("/"))
        if found is None:
            continue
        source, signature = found
        suffix = source.suffix.lower()
        if suffix == ".svg":
            width, height = _svg_size(source)
            infos[path] = ImageInfo(path, width, height, "image/svg+xml")
            continue
        if suffix not in RASTER:
            continue
        recorded = known.get(path)
        made = None
        if _sound(recorded, signature):
            _, tag, width, height = recorded
            made = _variants(source, path, suffix, cache, tag, width, height)
            if not all(f.is_file() for f in made[1].values()):
                made = None
        if made is None:
            try:
                tag, made = _raster(source, path, suffix, cache)
            except (OSError, ValueError) as exc:
                shown = source.relative_to(site).as_posix() if site in source.parents else str(source)
                problems.append(Problem(shown, 0, 0, "", f"cannot be read as an image ({exc}); it is used as it is",
                                        "save it again as JPEG, PNG or WebP", "warning"))
                continue
        info, files = made
        sizes[path] = [signature, tag, info.width, info.height]
        infos[path] = info
        outputs.update(files)
    if some:
        sizes = {**known, **sizes}  # type: ignore[dict-item]
    if sizes != known:
        _write_sizes(cache, sizes)
    return infos, outputs, problems


def _sound(recorded: object, signature: str) -> TypeGuard[list[Any]]:
    """A record [signature, 12-hex-digit tag, width, height] made for this signature."""
    return (isinstance(recorded, list) and len(recorded) == 4 and recorded[0] == signature
            and isinstance(recorded[1], str) and re.fullmatch(r"[0-9a-f]{12}", recorded[1]) is not None
            and all(type(n) is int and 0 < n < 1_000_000 for n in recorded[2:]))


def _read_sizes(cache: Path) -> dict[str, object]:
    try:
        known = json.loads((cache / SIZES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _write_sizes(cache: Path, sizes: dict[str, list[object]]) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    temporary = cache / f".{SIZES_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(sizes, sort_keys=True), encoding="utf-8")
    os.replace(temporary, cache / SIZES_FILE)


def _raster(source: Path, path: str, suffix: str, cache: Path) -> tuple[str, tuple[ImageInfo, dict[str, Path]]]:
    """Variants of one raster image, named after its content hash so a changed source gets new names;
    (that hash, (info, variant files)). Raises OSError or ValueError for a file Pillow cannot read."""
    from PIL import Image  # Pillow only when an image is new or changed

    tag = hashlib.blake2b(source.read_bytes(), digest_size=6).hexdigest()
    try:
        with Image.open(source) as image:
            info, outputs = _variants(source, path, suffix, cache, tag, *image.size)
            for url, width in info.variants + info.webp:
                cached = outputs[url.lstrip("/")]
                if not cached.is_file():
                    _save_variant(image, width, cached.suffix, cached)
    except Image.DecompressionBombError as exc:
        raise ValueError(str(exc)) from exc
    return tag, (info, outputs)


def _variants(source: Path, path: str, suffix: str, cache: Path, tag: str, width: int,
              height: int) -> tuple[ImageInfo, dict[str, Path]]:
    """An image's info and its variant files in the cache (which may not exist yet)."""
    outputs: dict[str, Path] = {}
    variants: list[tuple[str, int]] = []
    webp: list[tuple[str, int]] = []
    for target in [w for w in WIDTHS if w < width] + [width]:
        for ext, into in ((suffix, variants), (".webp", webp)):
            name = f"{VARIANT_FOLDER}/{source.stem}-{tag}-{target}{ext}"
            outputs[name] = cache / name
            into.append((f"/{name}", target))
    return ImageInfo(path, width, height, RASTER[suffix], tuple(variants), tuple(webp)), outputs


def _save_variant(image: object, width: int, ext: str, target: Path) -> None:
    from PIL import Image

    assert isinstance(image, Image.Image)
    height = max(1, round(image.height * width / image.width))
    resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
    if ext in (".jpg", ".jpeg") and resized.mode not in ("RGB", "L"):
        resized = resized.convert("RGB")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    options = {"quality": 82} if ext in (".jpg", ".jpeg", ".webp") else {"optimize": True}
    resized.save(temporary, format={".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[ext], **options)
    os.replace(temporary, target)  # concurrent builds never see half a variant


def _svg_size(path: Path) -> tuple[int, int]:
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
    return (round(float(box.group(1))), round(float(box.group(2)))) if box else (0, 0)


CARD_FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"


def card_png(title: str, size: tuple[int, int]) -> bytes:
    """The site's card for link previews: its title in white on the masthead's dark blue, a PNG.

    X and Facebook show no SVG (the default logo), so pages without a lead image need a
    raster image of their own. Drawn with the DejaVu Sans Bold that newsgen ships
    (``fonts/``: Latin and Cyrillic, where Pillow's own font has Latin alone and a Russian
    or Kazakh title would be boxes), so the bytes are the same on every machine with the
    same Pillow (no system fonts), and made again only when the title changes (it is
    part of the page's inputs).
    """
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageFont

    width, height = size
    image = Image.new("RGB", size, (16, 42, 67))
    draw = ImageDraw.Draw(image)
    margin = width // 12
    for points in (88, 72, 56, 44, 36):  # the largest size at which the title fits in four lines
        font = ImageFont.truetype(str(CARD_FONT), points)
        lines = _wrap(draw, title, font, width - 2 * margin)
        if len(lines) <= 4:
            break
    lines = lines[:4]
    line_height = round(points * 1.25)
    top = (height - line_height * len(lines)) // 2
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, fill=(255, 255, 255), font=font)
    draw.rectangle((margin, height - margin // 2 - 8, margin + width // 6, height - margin // 2), fill=(230, 57, 70))
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word longer than a line stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _unchanged(path: str) -> str:
    return path


def picture(info: ImageInfo | None, src: str, alt: str, sizes: str, lazy: bool, url: object) -> Markup:
    """``<picture>`` (or ``<img>``) markup for an image; ``url`` adds the base path to site paths."""
    e = html.escape
    to = cast(Callable[[str], str], url) if callable(url) else _unchanged
    loading = ' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"'
    if info is None:
        return Markup(f'<img src="{e(to(src))}" alt="{e(alt)}"{loading}>')
    size = f' width="{info.width}" height="{info.height}"' if info.width and info.height else ""
    if not info.variants:
        return Markup(f'<img src="{e(to(info.path))}" alt="{e(alt)}"{size}{loading}>')
    srcset = ", ".join(f"{e(to(u))} {w}w" for u, w in info.variants)
    webp = ", ".join(f"{e(to(u))} {w}w" for u, w in info.webp)
    return Markup(f'<picture><source type="image/webp" srcset="{webp}" sizes="{e(sizes)}">'
                  f'<img src="{e(to(info.fallback))}" srcset="{srcset}" sizes="{e(sizes)}" alt="{e(alt)}"{size}{loading}>'
                  f"</picture>")


def is_served_image(path: str, files: Container[str] | None) -> bool:
    """Whether an image's site path is one of the site's ``files`` (output paths): an image that is
    not (a migrated archive's, with missing_images: warning) is left out of pages and previews.
    Another site's image ('' as a site path) is taken as served, as is any when the files are unknown."""
    return not path or files is None or path.lstrip("/") in files


_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")


def responsive_body(article: Article, infos: dict[str, ImageInfo], base_path: str, url: object,
                    served: Callable[[str], bool] = lambda path: True) -> Markup:
    """An article's body with each local ``<img>`` made responsive and lazy (body images are below the
    fold), and each one that is not ``served`` left out: a missing image is a warning, never a broken box."""
    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src:
            return tag
        path = article.site_file(html.unescape(src.group(1)), base_path)
        info = infos.get(path)
        if info is None:
            if served(path):
                return tag
            dropped.append(path)
            return ""
        alt = re.search(r'\salt="([^"]*)"', tag)
        return str(picture(info, path, html.unescape(alt.group(1)) if alt else "",
                           "(min-width: 48rem) 42rem, 100vw", True, url))
    dropped: list[str] = []
    body = _IMG.sub(replace, article.html)
    return Markup(_EMPTY_PARAGRAPH.sub("", body) if dropped else body)  # no gap where a missing image stood
