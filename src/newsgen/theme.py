"""Where the default theme lives.

The repository's top-level ``templates/`` and ``static/`` are the default theme. A
wheel carries them as ``newsgen/theme/`` (see pyproject.toml), so ``newsgen init``
works after a plain ``pip install``; an editable install or a source checkout finds
them at the repository root instead.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_root() -> Path:
    """The folder holding the default theme's ``templates/`` and ``static/``."""
    packaged = _PACKAGE / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent  # src/newsgen -> repository root
    if (checkout / "templates" / "base.html").is_file():
        return checkout
    raise FileNotFoundError("the default theme is missing from this installation of newsgen")
