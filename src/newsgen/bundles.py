"""Hugo's page bundles: a folder whose ``index.md`` is one article, its other files the article's own.

Hugo keeps a post with its images as a *leaf bundle*, ``blog/2024/otel-arrow/index.md``
with ``diagram.png`` beside it, and publishes the post at an address made from the
folder's name, with the files beside its page. An archive moved from Hugo keeps both:
the folder's name is the slug (:func:`bundle_place`), and every other file in the
folder and below it is served beside the article's page, under the article's URL,
whatever the permalink pattern makes of the folders (:func:`place_resources`).
Files nothing links to go there too, as Hugo publishes them.

A *branch bundle*'s ``_index.md`` is a section's own page in Hugo (its list page's
title and text); newsgen names sections in its settings, so such a file is no article
(:func:`is_section_page`; ``scan`` leaves it out with a warning).
"""
from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Mapping

from .inputs import CONTENT_DIR

BUNDLE_INDEX = "index"  # a leaf bundle's article: index.md (index.ru.md for a translation, see content._language)
SECTION_PAGE = "_index"  # a branch bundle's list page, in Hugo


def bundle_place(place: str) -> str | None:
    """The path a bundle's article would have as a plain file, whose stem is the folder's name
    ('content/blog/2024/x/index.md' -> 'content/blog/2024/x.md'); None for any other source.

    ``place`` is the source's key without its language suffix (see ``content._language``).
    A bundle sits in a section's folder: ``content/politics/index.md`` stays the article
    'index' of the section, as it was before bundles, since as a bundle it would take
    every file of the section's folder (the images of the section's other articles) with it.
    """
    folder, name = posixpath.split(place)
    stem, suffix = posixpath.splitext(name)
    if stem != BUNDLE_INDEX or folder.count("/") < 2:
        return None
    return folder + suffix


def is_section_page(name: str) -> bool:
    """True for Hugo's section page of a folder: ``_index.md``, or ``_index.ru.md`` in a language."""
    return name.split(".", 1)[0] == SECTION_PAGE


def bundle_folder(key: str) -> str:
    """A bundle article's folder as its files' output paths start: 'content/blog/x/index.md' -> 'blog/x'."""
    return posixpath.dirname(key).partition("/")[2]


def place_resources(statics: Mapping[str, tuple[Path, str]], site: Path,
                    bundles: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[Path, str]]:
    """The static files (output path -> (file, signature)) with each bundle's files beside its pages.

    ``bundles`` maps each bundle's folder (see :func:`bundle_folder`) to the URLs of its
    published articles: one, or one per translation kept in the same folder, or none
    (a draft's files are not published). A file belongs to the innermost bundle folder
    that holds it; only files under ``content/`` move (a file of ``static/`` with the
    same path has replaced it, and stays where it is).
    """
    if not bundles:
        return dict(statics)
    content = str((site / CONTENT_DIR).resolve()) + os.sep
    placed: dict[str, tuple[Path, str]] = {}
    moved: list[tuple[str, tuple[Path, str]]] = []
    for relative, found in statics.items():
        folder = posixpath.dirname(relative)
        while folder and folder not in bundles:
            folder = posixpath.dirname(folder)
        if not folder or not str(found[0]).startswith(content):
            placed[relative] = found
            continue
        rest = relative[len(folder) + 1:]
        moved += ((url.lstrip("/") + rest, found) for url in bundles[folder])
    for relative, found in moved:  # a file of static/ at the same address stays, as static/ wins everywhere
        placed.setdefault(relative, found)
    return dict(sorted(placed.items()))
