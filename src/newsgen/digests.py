"""Digests of everything a page depends on, so that unchanged pages are not rendered again.

A page's *inputs digest* combines: the page's own spec (URL, template, the article
keys it shows, titles, page numbers), the fingerprint of each article it shows, the
digest of its template and every template that template includes, extends or
imports, and the site-wide inputs (settings, section menu, newsgen version), and,
kept apart, the rates: a page whose inputs differ only in the rates can get the new
ticker spliced in instead of being rendered again (see :func:`ticker_templates`);
feeds and sitemaps, which no template makes, do not depend on the rates at all.
Pages that summarise the whole site (archive, tag and author indexes, sitemaps) also
take a digest of where every article is and when it changed (not of its text). Two builds with equal digests render equal bytes;
the property-based test of incremental builds holds this module to that promise.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from . import __version__
from .hashing import digest, digest_all
from .config import Config, config_digest
from .i18n import CATALOG_FOLDER
from .model import Site, placement_text
from .kinds import PageSpec, unit
from .theme import FRAGMENTS, TICKER_PARTIAL
from .ticker import Rates

if TYPE_CHECKING:
    import jinja2

def template_digests(env: jinja2.Environment, data: Mapping[str, str] | None = None) -> dict[str, str]:
    """For each template name, a digest of its source, of every template it pulls in, and
    of the data files (``data``: name -> digest of the file) any of them reads.

    Uses Jinja's own ``meta.find_referenced_templates``; a dynamic reference (a name
    computed at render time) makes the template depend on every template. A template
    reads ``data.mostread`` or ``data['mostread']``; any other use of ``data`` (a loop
    over it, a name computed at render time) reads every data file.
    """
    import jinja2  # here, not at the top: a build with nothing to render never needs Jinja
    from jinja2 import meta

    listed = sorted(env.list_templates(filter_func=lambda n: not n.startswith(".")))
    # the catalogues of the templates' words (see i18n): every template says its words through them
    catalogs = [n for n in listed if n.startswith(CATALOG_FOLDER + "/")]
    words = digest(*(f"{n}:{env.loader.get_source(env, n)[0]}" for n in catalogs)) if catalogs and env.loader else ""
    names = [n for n in listed if n not in catalogs]
    data = data or {}
    sources: dict[str, str] = {}
    references: dict[str, set[str] | None] = {}
    reads: dict[str, set[str] | None] = {}
    for name in names:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        sources[name] = source
        try:
            tree = env.parse(source)
            found = list(meta.find_referenced_templates(tree))
            references[name] = None if None in found else {n for n in found if n}
            reads[name] = _data_reads(tree) if data else set()
        except jinja2.TemplateSyntaxError:
            references[name] = None  # the render will report it; depend on everything meanwhile
            reads[name] = None
    everything = digest(*(f"{n}:{sources[n]}" for n in names))
    result: dict[str, str] = {}
    for name in names:
        closure: set[str] = set()
        stack = [name, *[f for f in FRAGMENTS if f in sources]]
        dynamic = False
        while stack and not dynamic:
            current = stack.pop()
            if current in closure:
                continue
            closure.add(current)
            refs = references.get(current, set())
            if refs is None:
                dynamic = True
            else:
                stack.extend(refs)
        made = everything if dynamic else digest(*(f"{n}:{sources.get(n, '<missing>')}" for n in sorted(closure)))
        if data:
            read: set[str] | None = set()
            for each in (names if dynamic else closure):
                more = reads.get(each, set())
                read = None if read is None or more is None else read | more
            made = digest(made, *(f"{file}:{data[file]}" for file in sorted(data)
                                  if read is None or file.split("/", 1)[0] in read))
        result[name] = digest(made, words) if words else made
    return result


def _data_reads(tree: jinja2.nodes.Template) -> set[str] | None:
    """The top-level names of ``data`` a template reads (``data.x``, ``data['x']``); None for all."""
    from jinja2 import nodes

    uses = [n for n in tree.find_all(nodes.Name) if n.name == "data"]
    if not uses:
        return set()
    named: set[str] = set()
    seen = 0
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "data":
            seen += 1
            named.add(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name) and node.node.name == "data":
            seen += 1
            if not (isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)):
                return None
            named.add(node.arg.value)
    return named if seen == len(uses) else None


def ticker_templates(env: jinja2.Environment) -> frozenset[str] | None:
    """The templates whose pages show the ticker, if new rates can be spliced into them; else None.

    Splicing swaps the ticker's HTML in an old page for the new one. That is exact when
    nothing but the ticker partial reads the rates (the ``ticker`` variable), the partial
    is never included or imported (only ``ticker_html()`` renders it, always alike),
    and every use of ``ticker_html`` is a bare ``{{ ticker_html() }}`` written straight
    into the page (not captured by ``set``, a filter block, a macro or a call block).
    A site whose templates do anything else gets its pages rendered again.
    """
    import jinja2  # here, not at the top: a build with nothing to render never needs Jinja
    from jinja2 import meta, nodes

    names = env.list_templates(filter_func=lambda n: not n.startswith((".", CATALOG_FOLDER + "/")))
    if TICKER_PARTIAL not in names or env.loader is None:
        return None
    shows: dict[str, bool] = {}
    references: dict[str, set[str]] = {}
    for name in names:
        try:
            tree = env.parse(env.loader.get_source(env, name)[0])
        except (jinja2.TemplateError, OSError):
            return None
        referenced = list(meta.find_referenced_templates(tree))
        if None in referenced or TICKER_PARTIAL in referenced:
            return None
        references[name] = {n for n in referenced if n}
        if name != TICKER_PARTIAL and any(n.name == "ticker" for n in tree.find_all(nodes.Name)):
            return None
        uses = sum(1 for n in tree.find_all(nodes.Name) if n.name == "ticker_html")
        bare = sum(1 for output in tree.find_all(nodes.Output) for child in output.nodes
                   if isinstance(child, nodes.Call) and isinstance(child.node, nodes.Name)
                   and child.node.name == "ticker_html" and not child.args and not child.kwargs
                   and not child.dyn_args and not child.dyn_kwargs)
        captured = any(n.name == "ticker_html" for block in tree.find_all(
            (nodes.AssignBlock, nodes.FilterBlock, nodes.Macro, nodes.CallBlock)) for n in block.find_all(nodes.Name))
        if bare != uses or captured:
            return None
        shows[name] = uses > 0
    showing = set()
    for name in names:  # a page shows the ticker when its template or one it pulls in does
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(references.get(current, ()))
        if any(shows.get(n, False) for n in seen):
            showing.add(name)
    return frozenset(showing)


def split_inputs(inputs: str) -> tuple[str, str]:
    """A page's inputs digest as (everything but the rates, the rates)."""
    static, _, rates = inputs.partition(":")
    return static, rates


@dataclass(frozen=True)
class Pieces:
    """The site-wide parts of a build's page digests: what a delta build needs to digest
    pages again without loading the site (kept as JSON in the skeleton's record)."""

    global_digest: str
    rates: str
    placement: str
    statics: str
    urls: str
    templates: Mapping[str, str]

    def to_json(self) -> dict[str, object]:
        return {"global": self.global_digest, "rates": self.rates, "placement": self.placement,
                "statics": self.statics, "urls": self.urls, "templates": dict(self.templates)}

    @classmethod
    def from_json(cls, data: object) -> Pieces | None:
        """The pieces recorded as :meth:`to_json` wrote them; None for anything else."""
        if not isinstance(data, dict):
            return None
        texts = [data.get(name) for name in ("global", "rates", "placement", "statics", "urls")]
        templates = data.get("templates")
        if not all(isinstance(t, str) for t in texts) or not isinstance(templates, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in templates.items()):
            return None
        global_digest, rates, placement, statics, urls = (str(t) for t in texts)
        return cls(global_digest, rates, placement, statics, urls, dict(templates))


class PageDigests:
    """Computes the inputs digest of each page of one build."""

    def __init__(self, site: Site, config: Config, rates: Rates, fingerprints: Mapping[str, str],
                 templates: dict[str, str], statics: str) -> None:
        self.fingerprints = fingerprints
        self.templates = templates
        menu = "|".join(f"{s.key}:{s.name}:{bool(s.articles)}" for s in site.sections)
        self.global_digest = digest(__version__, config_digest(config), menu)
        self.rates_digest = digest(repr(rates))
        # the pages about the whole site (sitemaps, archive, tag and author indexes) show where the
        # articles are and when they changed, never their text: an edit to a body leaves them be
        self.placement = digest_all(placement_text(a) for a in site.articles)
        self.statics = statics
        self.urls = ""  # digest of every page's URL, set by :meth:`all`

    def pieces(self) -> Pieces:
        """What :meth:`restore` needs to digest pages again without the site: the site-wide parts."""
        return Pieces(self.global_digest, self.rates_digest, self.placement, self.statics, self.urls,
                      dict(self.templates))

    @classmethod
    def restore(cls, pieces: Pieces, fingerprints: Mapping[str, str]) -> PageDigests:
        """The digests of a build whose site-wide inputs are those of ``pieces`` (see ``delta``)."""
        made = cls.__new__(cls)
        made.global_digest, made.rates_digest = pieces.global_digest, pieces.rates
        made.placement, made.statics, made.urls = pieces.placement, pieces.statics, pieces.urls
        made.templates = dict(pieces.templates)
        made.fingerprints = fingerprints
        return made

    def page(self, spec: PageSpec, all_specs_digest: str = "") -> str:
        """'<digest of everything but the rates>:<digest of the rates>' (see :func:`split_inputs`);
        feeds, sitemaps and the social card, which no template makes, have no rates part."""
        fingerprints = self.fingerprints
        parts = [self.global_digest, spec.kind, spec.url, spec.output, spec.template, spec.title, spec.article,
                 spec.term, str(spec.page), str(spec.pages), spec.first_url, spec.target,
                 self.templates.get(spec.template, ""), fingerprints.get(spec.article, ""), *spec.items,
                 *[fingerprints.get(k, "") for k in spec.items]]
        if spec.picks:
            parts += ["picks", *spec.picks, *[fingerprints.get(k, "") for k in spec.picks]]
        if spec.versions:  # the language switcher and hreflang links name them
            parts += ["versions", *(f"{lang}={url}" for lang, url in spec.versions)]
        rules = unit(spec.kind)
        if rules.whole_site:
            parts.append(all_specs_digest)  # every page's URL
        if rules.placement(spec):
            parts.append(self.placement)
        if rules.statics:
            parts.append(self.statics)
        if rules.rates:
            parts.append(self.rates_digest)  # the rates are the page's content: no splicing the ticker alone
        static = hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"{static}:{self.rates_digest}" if rules.ticker else f"{static}:"

    def all(self, specs: Iterable[PageSpec]) -> list[str]:
        spec_list = list(specs)
        # every page's URL (and its versions in the other editions, which the sitemap lists)
        self.urls = digest_all(f"{s.url}{s.versions}" if s.versions else s.url for s in spec_list)
        return [self.page(s, self.urls) for s in spec_list]
