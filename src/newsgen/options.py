"""What a build is asked to do (:class:`BuildOptions`), and the format of the articles it keeps.

Apart from ``loading``, which reads articles, so that a build can start, look at its
inputs and find it has nothing to do without loading the Markdown and template machinery.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, load_config
from .theme import shortcode_templates

if TYPE_CHECKING:
    from .loading import ArticleMemory

ARTICLE_FORMAT = "13"  # bump when Article's fields, pickling or reading rules change: cached articles are then re-read


@dataclass(frozen=True)
class BuildOptions:
    """What the editor asked for: where the site is, where it goes, what to include."""

    site: Path
    output: Path | None = None
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # defaults to the build clock (SOURCE_DATE_EPOCH aware)
    clean: bool = False  # ignore the build state: read and render everything
    jobs: int = 0  # worker processes; 0 means one per core
    use_state: bool = True  # False: neither read nor write .newsgen/ (newsgen check)
    memory: ArticleMemory | None = field(default=None, compare=False)  # kept by watch and serve between builds
    lock_wait: float | None = None  # seconds to wait for another build of the site; None: state.LOCK_WAIT
    hosts: tuple[tuple[str, str], ...] = ()  # editions on domains of their own at these addresses (serve)

    def settings(self) -> Config:
        """The site's settings as this build reads them (see ``Config.with_hosts``), without the
        shortcode templates: what a build that may read no article needs (a no-op's checks)."""
        config = load_config(self.site)
        return config.with_hosts(dict(self.hosts)) if self.hosts else config

    def config(self) -> Config:
        """The settings articles are read with: :meth:`settings` and the shortcode templates."""
        return replace(self.settings(), shortcodes=shortcode_templates(self.site))

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.site / "build"
