"""The front page: the lead story, the latest articles, and a block per section."""
from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any, Callable

from .. import urls
from ..model import Site
from ..slugs import output_path
from .base import Kind, PageSpec, PlanInput, Unit, View


class Home(Unit):
    kinds = (Kind.HOME,)
    public = True

    def plan(self, ask: PlanInput) -> list[PageSpec]:
        # the items are what the page shows: lead story, latest, each section's newest (keys may repeat)
        site, config = ask.site, ask.config
        lead = site.lead
        items: tuple[str, ...] = ()
        if lead is not None:
            latest = tuple(a.key for a in site.articles if a.key != lead.key)[: config.home_latest]
            blocks = tuple(k for s in site.sections for k in s.articles[: config.home_section_size])
            items = (lead.key, *latest, *blocks)
        return [PageSpec(Kind.HOME, urls.HOME, output_path(urls.HOME), "home.html", config.title, items=items)]

    def context(self, spec: PageSpec, view: View) -> dict[str, Any]:
        site, config = view.site, view.config
        lead = site.lead
        # islice, not a list of every article: a delta build's site loads articles as they are asked for
        latest = list(islice((a for a in site.articles if lead is None or a.key != lead.key), config.home_latest))
        return {"lead": lead, "latest": latest,
                "blocks": [(s, site.get(s.articles[: config.home_section_size])) for s in site.sections if s.articles]}

    def lastmod(self, spec: PageSpec, site: Site, newest: Callable[[], datetime | None]) -> datetime | None:
        return newest()
