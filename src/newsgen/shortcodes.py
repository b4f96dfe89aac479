"""Template syntax in article bodies: newsgen's shortcodes, and the Liquid and Hugo tags of archives.

A newsroom needs embeds in Markdown (a video, a map, a pull quote), and an archive moved
in from Jekyll, Eleventy or Hugo is full of its old generator's tags. Bodies are still
never run through Jinja: an editor's text is data. What looks like a template tag is
read here, before Markdown, by a small parser of its own, and each tag is replaced:

- **shortcodes** ``{{< youtube dQw4w9WgXcQ >}}``, ``{{< figure src="x.png" caption="…" >}}``
  (Hugo's syntax, so a Hugo archive's shortcodes are newsgen's), and Liquid tags and
  filters of the same name (``{% youtube x %}``, ``{{ "x" | team_photo }}``), render the
  template ``templates/shortcodes/<name>.html`` of the site or the theme. The template
  gets the arguments as data (``args``, ``params``, ``inner``, ``get()``) in a sandboxed
  environment; the text of an argument is never a template;
- the common Liquid and Hugo forms keep their meaning: ``{{ site.baseurl }}``, the
  ``url``/``relative_url``/``absolute_url`` filters, ``{% raw %}``, ``{% comment %}``,
  ``{% highlight %}``, ``{% include x.html %}`` of a partial the site defines as a
  shortcode, ``{{% param key %}}`` (a front-matter value), ``{{< comment >}}``, and the links
  to another article by its file (``{% post_url %}``, ``{% link %}``, ``{{< ref >}}``,
  ``{{< relref >}}``: see ``references``);
- anything else becomes nothing a reader sees (an unknown pair keeps the text between),
  and a warning with its line and what to do: readers never see ``{%`` or ``{{``.

Code (fenced blocks, backtick spans, and ``<pre>``, ``<code>`` and ``<script>`` written in
HTML) keeps its tags as written, except the markers of ``{% raw %}`` and ``{% comment %}``,
which Liquid reads before Markdown everywhere. A tag's arguments hold no brace outside their
quotes, and a pair's closing tag is found from a list made once per body, so a body of
unclosed tags is read in linear time.

Text results (a URL, a value) go into the Markdown in place, so ``[post]({{ "/x/" | url }})``
is a link; HTML results go in as tokens that Markdown leaves alone, replaced in its
output (:meth:`Shortcodes.insert`): a shortcode alone on its line is a block of its own.
"""
from __future__ import annotations

import hashlib
import html
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote

from jinja2 import DictLoader, TemplateError, Undefined
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment

from .slugs import slugify

REF_SCHEME = "newsgen-ref:"  # a link to another article by its file, until every article is read (see references)
TOKEN = "\x1a"  # brackets an HTML fragment's number in the Markdown text: never in a body (see content)
_TOKEN = re.compile(TOKEN + r"(\d+)" + TOKEN)
_BLOCK_TOKEN = re.compile(r"<p>" + TOKEN + r"(\d+)" + TOKEN + r"</p>")
ALIASES = {"x": "tweet"}  # names that render another shortcode's template
PAGE_VARIABLES = ("page.", "include.")  # Liquid's variables for the page's front matter and an include's arguments
SITE_VARIABLES = ("site.baseurl", "site.url", "site.github.url")  # the site's address: links get it from base_url
URL_FILTERS = ("url", "relative_url", "absolute_url")  # a site path stays a site path: links get the base path later
CONTROL_TAGS = ("if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "case", "when", "endcase",
                "assign", "capture", "endcapture", "increment", "decrement", "cycle", "break", "continue")

# an argument list: quoted values may hold anything but their quote; elsewhere no brace (a tag that is not
# closed then fails at the next one, so a body of unclosed tags is read in linear time)
_ARGS = r"""(?:"[^"]{0,4000}"|'[^']{0,4000}'|`[^`]{0,4000}`|[^"'`{}])*?"""
_SCAN = re.compile(r"""
  (?P<raw>\{%-?\s*raw\s*-?%\})
| (?P<lcomment>\{%-?\s*comment\s*-?%\})
| (?P<fence>^[ \t]*(?P<ticks>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*(?P=ticks)[ \t]*$|\Z))
| (?P<span>``[^\n]+?``|`[^`\n]+`)
| (?P<element><(?P<el>pre|code|script)\b[^>]*>)
| (?P<hescape>\{\{(?P<eopen>[<%])/\*(?P<escaped>[^*]{0,4000}?)\*/(?P<eclose>[>%])\}\})
| (?P<hugo>\{\{[<%]\s*(?P<closing>/)?\s*(?P<hname>[\w./-]+)(?P<hargs>""" + _ARGS + r""")[>%]\}\})
| (?P<tag>\{%-?\s*(?P<tname>\w+)(?P<targs>""" + _ARGS + r""")-?%\})
| (?P<out>\{\{-?(?P<expr>""" + _ARGS + r""")-?\}\})
""", re.S | re.M | re.X)
_GROUPS = ("raw", "lcomment", "fence", "span", "element", "hescape", "hugo", "tag", "out")
_RAW_MARKER = re.compile(r"\{%-?\s*(?:end)?(?:raw|comment)\s*-?%\}")  # in code, Liquid's markers alone go
_ARG = re.compile(r"""(?:([\w-]+)\s*[=:]\s*)?("(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s,"'`=]+)""")
_FILTER = re.compile(r"""\|\s*(\w+)\s*(?::\s*(.*?))?\s*(?=\||$)""", re.S)
SHOWN = 60  # characters of a tag a warning quotes
MAX_DEPTH = 4  # shortcodes inside shortcodes inside …: deeper ones are left as they are, with a warning


@dataclass(frozen=True, slots=True)
class Note:
    """A problem in a body, at a line counted from the body's first line (0): the cached
    rendering of a body is shared by every file with that body, so the path is added later."""

    line: int
    message: str
    hint: str
    severity: str = "warning"
    field: str = "shortcode"


@dataclass(frozen=True, slots=True)
class Expanded:
    """A body with its template syntax replaced: Markdown text, the HTML its tokens stand for,
    and what to tell the editor."""

    text: str
    fragments: tuple[str, ...]
    notes: tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class _Call:
    name: str  # the shortcode's template name
    written: str  # the tag as written, for warnings
    args: tuple[str, ...]
    params: tuple[tuple[str, str], ...]
    inner: str = ""


def parse_args(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Hugo's and Liquid's arguments: ``"a" b key="c" key: 'd'`` -> (('a', 'b'), (('key', 'c'), ('key', 'd')))."""
    args: list[str] = []
    params: list[tuple[str, str]] = []
    for key, value in _ARG.findall(text):
        if value[:1] in "\"'`" and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1].replace('\\"', '"') if value[0] == '"' else value[1:-1]
        if key:
            params.append((key, value))
        else:
            args.append(value)
    return tuple(args), tuple(params)


def templates_digest(templates: tuple[tuple[str, str], ...]) -> str:
    """What rendered bodies depend on in the shortcode templates."""
    return hashlib.sha256(repr(templates).encode()).hexdigest()[:16]


class _Body:
    """What expanding one body (or a shortcode's inner text) keeps track of."""

    def __init__(self, text: str, front: Mapping[str, Any], fragments: list[str],
                 notes: dict[str, tuple[int, int, Note]], first_line: int, depth: int) -> None:
        self.text = text
        self.front = front
        self.fragments = fragments  # shared with the inner texts: a token means the same fragment everywhere
        self.notes = notes
        self.first_line = first_line  # of this text in the whole body
        self.depth = depth
        self._found: dict[str, list[int]] = {}

    def line(self, at: int) -> int:
        return self.first_line + self.text.count("\n", 0, at)

    def note(self, at: int, message: str, hint: str, severity: str = "warning") -> None:
        """One note per tag name (the hint names it) and article, with a count."""
        key = f"{severity}{hint}"
        if key in self.notes:
            line, count, first = self.notes[key]
            self.notes[key] = (line, count + 1, first)
        else:
            self.notes[key] = (self.line(at), 1, Note(self.line(at), message, hint, severity))

    def fragment(self, html: str, start: int, end: int) -> str:
        """A token for ``html``; alone on its line, a paragraph of its own (a block), indented as
        the line was (inside a list item it stays in the item)."""
        self.fragments.append(html)
        token = f"{TOKEN}{len(self.fragments) - 1}{TOKEN}"
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        before, after = self.text[line_start:start], self.text[end:line_end if line_end >= 0 else len(self.text)]
        if before.strip() or after.strip():
            return token
        return f"\n\n{before}{token}\n\n"

    def first(self, pattern: str, after: int) -> int | None:
        """Where the first match of ``pattern`` at or after ``after`` starts: each pattern is looked
        for once per text (a body of many unclosed tags is still read in linear time)."""
        if pattern not in self._found:
            self._found[pattern] = [m.start() for m in re.finditer(pattern, self.text)]
        found = self._found[pattern]
        at = bisect_left(found, after)
        return found[at] if at < len(found) else None


class Shortcodes:
    """The shortcode templates of a site (name -> Jinja source), and the expansion of bodies."""

    def __init__(self, templates: tuple[tuple[str, str], ...] = ()) -> None:
        self.names = frozenset(name for name, _ in templates)
        self._env = SandboxedEnvironment(loader=DictLoader({f"{n}.html": s for n, s in templates}), autoescape=True,
                                         undefined=Undefined, trim_blocks=True, lstrip_blocks=True)

    def expand(self, body: str, front: Mapping[str, Any] | None = None) -> Expanded:
        """``body`` with every template tag replaced (see the module's docstring). ``front``:
        the article's front matter, for ``{{% param %}}`` and Liquid's ``page.x``."""
        if "{" not in body:  # no tag to read (what code is kept from matters only with one)
            return Expanded(body, (), ())
        fragments: list[str] = []
        notes: dict[str, tuple[int, int, Note]] = {}
        text = self._expand(_Body(body, front or {}, fragments, notes, 0, 0))
        shown = []
        for line, count, first in sorted(notes.values(), key=lambda n: n[0]):
            more = f" ({count - 1} more in this article)" if count > 1 else ""
            shown.append(Note(line, first.message + more, first.hint, first.severity))
        return Expanded(text, tuple(fragments), tuple(shown))

    def insert(self, html: str, fragments: tuple[str, ...]) -> str:
        """The HTML of each shortcode in place of its token in Markdown's output."""
        if not fragments:
            return html
        html = _BLOCK_TOKEN.sub(lambda m: fragments[int(m.group(1))], html)
        return _TOKEN.sub(lambda m: fragments[int(m.group(1))], html)

    def _expand(self, body: _Body) -> str:
        out: list[str] = []
        text, pos = body.text, 0
        while True:
            match = _SCAN.search(text, pos)
            if match is None:
                out.append(text[pos:])
                return "".join(out)
            out.append(text[pos:match.start()])
            pos = match.end()
            kind = next(group for group in _GROUPS if match.group(group) is not None)
            if kind in ("raw", "lcomment"):  # to its end marker: kept as written, or left out
                end = body.first(r"\{%-?\s*end" + kind.removeprefix("l") + r"\s*-?%\}", pos)
                if end is not None:
                    if kind == "raw":
                        out.append(text[pos:end])
                    pos = text.index("%}", end) + 2
            elif kind in ("fence", "span"):
                out.append(_RAW_MARKER.sub("", match.group(kind)))
            elif kind == "element":  # <pre>, <code>, <script> written in HTML: code, as a fence is
                end = body.first(r"</" + match.group("el") + r"\s*>", pos)
                stop = len(text) if end is None else end
                out.append(match.group(kind) + text[pos:stop])
                pos = stop
            elif kind == "hescape":  # Hugo's {{</* x */>}}: the tag itself, shown as written
                shown = "{{" + match.group("eopen") + match.group("escaped") + match.group("eclose") + "}}"
                out.append(body.fragment(html.escape(shown), match.start(), match.end()))
            elif kind == "hugo":
                written, pos = self._hugo(body, match)
                out.append(written)
            elif kind == "tag":
                written, pos = self._liquid_tag(body, match)
                out.append(written)
            else:
                out.append(self._liquid_output(body, match))

    def _inner(self, body: _Body, start: int, end: int) -> tuple[str, Markup]:
        """A pair's inner text expanded (its own tags are read too), as Markdown text for a pair
        that renders nothing of its own, and as HTML for a template (text escaped, tags' HTML kept)."""
        inner = body.text[start:end].strip("\n")
        if body.depth >= MAX_DEPTH:
            body.note(start, f"shortcodes nested more than {MAX_DEPTH} deep are not read", "nest them less deeply")
            return inner, Markup(html.escape(inner))
        lead = len(body.text[start:end]) - len(body.text[start:end].lstrip("\n"))
        expanded = self._expand(_Body(inner, body.front, body.fragments, body.notes, body.line(start + lead),
                                      body.depth + 1))
        parts = _TOKEN.split(expanded)  # text, number, text, …
        shown = "".join(body.fragments[int(part)] if n % 2 else html.escape(part.strip("\n") if n in (0, len(parts) - 1)
                                                                              else part) for n, part in enumerate(parts))
        return expanded, Markup(shown)

    # --- the three syntaxes -------------------------------------------------------------------

    def _hugo(self, body: _Body, match: re.Match[str]) -> tuple[str, int]:
        name, written, pos = match.group("hname"), _short(match.group(0)), match.end()
        if match.group("closing"):
            return "", pos  # a closing tag without its opening one: nothing to show
        arg_text = match.group("hargs").rstrip()
        self_closed = arg_text.endswith("/")
        args, params = parse_args(arg_text.rstrip("/"))
        text, inner = "", Markup("")
        closing = None
        if not self_closed:
            named = re.escape(name)
            closing = body.first(r"\{\{[<%]\s*/\s*" + named + r"\s*[>%]\}\}", pos)
            reopened = body.first(r"\{\{[<%]\s*" + named + r"(?![\w./-])", pos)
            if closing is not None and reopened is not None and reopened < closing:
                closing = None  # another tag of the name opens first: that closing tag is its own
        paired = closing is not None
        if closing is not None:
            pos = body.text.index("}}", closing) + 2
        if name == "comment":
            return "", pos
        if name == "highlight" and closing is not None:  # Hugo's own: a code block, as Liquid's {% highlight %}
            code = body.text[match.end():closing].strip("\n")
            return f"\n\n```{args[0] if args else ''}\n{code}\n```\n\n", pos
        if closing is not None:
            text, inner = self._inner(body, match.end(), closing)
        if name == "param":
            return self._param(body, args[0] if args else "", match.start(), written), pos
        if name in ("ref", "relref"):  # a link to another article by its file: its address once all are read
            return _reference(args[0] if args else dict(params).get("path", "")), pos
        call = _Call(ALIASES.get(name, name), written, args, params, inner)
        if call.name not in self.names and paired:  # the text between stays; the tag around it goes
            body.note(match.start(), f"{written} maps onto no shortcode newsgen knows; the text inside it is kept",
                      f"define templates/shortcodes/{call.name}.html to render it (see README: Shortcodes)")
            return text, pos
        return self._render(body, call, match.start(), pos), pos

    def _liquid_tag(self, body: _Body, match: re.Match[str]) -> tuple[str, int]:
        name, written, pos = match.group("tname"), _short(match.group(0)), match.end()
        if name in ("endraw", "endcomment", "endhighlight", "raw", "comment"):
            return "", pos  # a marker without its other half
        if name == "highlight":
            end = body.first(r"\{%-?\s*endhighlight\s*-?%\}", pos)
            if end is not None:
                language = parse_args(match.group("targs"))[0][:1]
                code = body.text[pos:end].strip("\n")
                return f"\n\n```{language[0] if language else ''}\n{code}\n```\n\n", body.text.index("%}", end) + 2
        if name in CONTROL_TAGS:
            body.note(match.start(), f"Liquid's {{% {name} %}} is not run: the text around it is kept as it is",
                      "remove the tag, or keep the text in {% raw %} … {% endraw %} if readers should see it")
            return "", pos
        args, params = parse_args(match.group("targs"))
        if name in ("post_url", "link"):  # Jekyll's links to another post by its file
            return _reference(args[0] if args else ""), pos
        if name == "include":
            partial = re.sub(r"\.html?$", "", args[0]) if args else ""
            call = _Call(partial.rsplit("/", 1)[-1], written, args[1:], params)
            if call.name not in self.names:
                body.note(match.start(), f"{written} includes the partial '{args[0] if args else ''}', which this "
                          "site does not define; it is left out",
                          f"define it as templates/shortcodes/{call.name or 'name'}.html (see README: Shortcodes)")
                return "", pos
            return self._render(body, call, match.start(), pos), pos
        return self._render(body, _Call(ALIASES.get(name, name), written, args, params), match.start(), pos), pos

    def _liquid_output(self, body: _Body, match: re.Match[str]) -> str:
        expr, written = match.group("expr").strip(), _short(match.group(0))
        head, _, rest = expr.partition("|") if not expr.startswith(("'", '"')) else _split_literal(expr)
        head = head.strip()
        if head[:1] in "\"'" and head[-1:] == head[:1] and len(head) > 1:
            value = head[1:-1]
        elif head in SITE_VARIABLES:
            value = ""
        else:
            field = head[len(next((p for p in PAGE_VARIABLES if head.startswith(p)), "")):]
            known = body.front.get(field)
            if not isinstance(known, (str, int, float)) or isinstance(known, bool):
                body.note(match.start(), f"{written} names '{head}', which newsgen does not know; it is left out",
                          "write the value itself, or define a front-matter field of that name")
                return ""
            value = str(known)
        filters = [(m.group(1), parse_args(m.group(2) or "")[0]) for m in _FILTER.finditer("|" + rest)] if rest else []
        for number, (name, arguments) in enumerate(filters):
            if name in URL_FILTERS:
                continue
            if name in ("prepend", "append") and arguments:
                value = arguments[0] + value if name == "prepend" else value + arguments[0]
            elif name in TEXT_FILTERS:
                value = TEXT_FILTERS[name](value)
            elif number == len(filters) - 1 and ALIASES.get(name, name) in self.names:
                call = _Call(ALIASES.get(name, name), written, (value, *arguments), ())
                return self._render(body, call, match.start(), match.end())
            else:
                body.note(match.start(), f"the Liquid filter '{name}' maps onto nothing newsgen knows; "
                          f"{written} is left out", f"define it as templates/shortcodes/{name}.html, which gets the "
                          "value as args[0] (see README: Shortcodes)")
                return ""
        return _as_text(value)

    def _param(self, body: _Body, key: str, at: int, written: str) -> str:
        value = body.front.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return _as_text(str(value))
        body.note(at, f"{written}: the front matter has no '{key}'; it is left out",
                  f"add '{key}:' to the front matter, or write the value itself")
        return ""

    def _render(self, body: _Body, call: _Call, start: int, end: int) -> str:
        if call.name not in self.names:
            body.note(start, f"{call.written} maps onto no shortcode newsgen knows; it is left out",
                      f"define templates/shortcodes/{call.name}.html to render it (see README: Shortcodes)")
            return ""
        params = dict(call.params)

        def get(key: int | str, default: str = "") -> str:
            if isinstance(key, int):
                return call.args[key] if 0 <= key < len(call.args) else default
            return params.get(key, default)

        try:
            rendered = self._env.get_template(f"{call.name}.html").render(
                args=list(call.args), params=params, inner=call.inner, get=get).strip()
        except Exception as error:  # noqa: BLE001 - a site's template may fail in any way: the editor is told where
            reason = error.message if isinstance(error, TemplateError) and error.message else f"{type(error).__name__}: {error}"
            body.note(start, f"{call.written}: templates/shortcodes/{call.name}.html failed: {reason}",
                      "fix the template; the article is not built until then", "error")
            return ""
        return body.fragment(rendered, start, end)


TEXT_FILTERS: dict[str, Callable[[str], str]] = {  # Liquid's filters of text that keep their meaning
    "strip": str.strip, "escape": html.escape, "xml_escape": html.escape, "escape_once": html.escape,
    "uri_escape": lambda v: quote(v, safe="/:?#[]@!$&'()*+,;=%"), "url_encode": lambda v: quote(v, safe=""),
    "slugify": slugify, "downcase": str.lower, "upcase": str.upper, "capitalize": str.capitalize,
}


_MARKUP = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _as_text(value: str) -> str:
    """A value put into the Markdown as the text it is, never markup (its '&' Markdown escapes itself)."""
    return value.translate(_MARKUP)


def _reference(target: str) -> str:
    """The stand-in for a link to another article by its file (see ``references``)."""
    return REF_SCHEME + quote(target.strip(), safe="/#.-_~")


def _split_literal(expr: str) -> tuple[str, str, str]:
    """``"a|b" | url`` -> ('"a|b"', '|', ' url'): a quoted value may hold a '|'."""
    quote = expr[0]
    end = expr.find(quote, 1)
    if end < 0:
        return expr, "", ""
    head, rest = expr[:end + 1], expr[end + 1:]
    _, bar, filters = rest.partition("|")
    return head, bar, filters


def _short(written: str) -> str:
    """A tag as a warning quotes it: on one line, cut."""
    one_line = " ".join(written.split())
    return one_line if len(one_line) <= SHOWN else one_line[:SHOWN - 1] + "…"
