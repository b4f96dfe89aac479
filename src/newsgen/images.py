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
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from markupsafe import Markup

from .errors import Problem
from .slugs import resolve_file as resolve

from .model import Article

WIDTHS = (480, 800, 1200, 1600)
RASTER = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
VARIANT_FOLDER = "_img"
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
        refs.append((article.image, resolve(article.image, article.key, "")))
    refs += ((written, resolve(written, article.key, base_path)) for written in article.body_images)
    return [(w, p) for w, p in refs if p]


def prepare_images(paths: Iterable[str], sources: dict[str, Path], cache: Path,
                   site: Path) -> tuple[dict[str, ImageInfo], dict[str, Path], list[Problem]]:
    """Size and variants of each image: (site path -> ImageInfo, output path -> variant file, warnings).

    A file that Pillow cannot read is served as it is, with a warning naming it.
    """
    from PIL import Image  # Pillow only when a site has images

    infos: dict[str, ImageInfo] = {}
    outputs: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in sorted(set(paths)):
        source = sources.get(path.lstrip("/"))
        if source is None:
            continue
        suffix = source.suffix.lower()
        if suffix == ".svg":
            width, height = _svg_size(source)
            infos[path] = ImageInfo(path, width, height, "image/svg+xml")
            continue
        if suffix not in RASTER:
            continue
        try:
            info, made = _raster(source, path, suffix, cache)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            shown = source.relative_to(site).as_posix() if site in source.parents else str(source)
            problems.append(Problem(shown, 0, 0, "", f"cannot be read as an image ({exc}); it is used as it is",
                                    "save it again as JPEG, PNG or WebP", "warning"))
            continue
        infos[path] = info
        outputs.update(made)
    return infos, outputs, problems


def _raster(source: Path, path: str, suffix: str, cache: Path) -> tuple[ImageInfo, dict[str, Path]]:
    """Variants of one raster image, named after its content hash so a changed source gets new names."""
    from PIL import Image

    outputs: dict[str, Path] = {}
    tag = hashlib.blake2b(source.read_bytes(), digest_size=6).hexdigest()
    variants: list[tuple[str, int]] = []
    webp: list[tuple[str, int]] = []
    with Image.open(source) as image:
        width, height = image.size
        for target in [w for w in WIDTHS if w < width] + [width]:
            for ext, into in ((suffix, variants), (".webp", webp)):
                name = f"{VARIANT_FOLDER}/{source.stem}-{tag}-{target}{ext}"
                cached = cache / name
                if not cached.is_file():
                    _save_variant(image, target, ext, cached)
                outputs[name] = cached
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


def picture(info: ImageInfo | None, src: str, alt: str, sizes: str, lazy: bool, url: object) -> Markup:
    """``<picture>`` (or ``<img>``) markup for an image; ``url`` adds the base path to site paths."""
    e = html.escape
    to = url if callable(url) else (lambda p: p)
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


def responsive_body(body: str, infos: dict[str, ImageInfo], source_key: str, base_path: str, url: object) -> Markup:
    """An article body with each local ``<img>`` made responsive and lazy (body images are below the fold)."""
    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src:
            return tag
        path = resolve(html.unescape(src.group(1)), source_key, base_path)
        info = infos.get(path)
        if info is None:
            return tag
        alt = re.search(r'\salt="([^"]*)"', tag)
        return str(picture(info, path, html.unescape(alt.group(1)) if alt else "",
                           "(min-width: 48rem) 42rem, 100vw", True, url))
    return Markup(_IMG.sub(replace, body))
