"""newsgen: a static news-site generator.

Markdown articles with YAML front matter become a validated article model, then pages,
written to a static output folder. See README.md for the editor's guide.
"""
from __future__ import annotations

__version__ = "0.1.0"
