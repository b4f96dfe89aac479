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
- anything else becomes nothing a reader sees, and a warning with its line and what to
  do: readers never see ``{%`` or ``{{``.

Code (fenced blocks and backtick spans) keeps its tags as written, except ``{% raw %}``
and ``{% comment %}``, which Liquid handles before Markdown everywhere.

Text results (a URL, a value) go into the Markdown in place, so ``[post]({{ "/x/" | url }})``
is a link; HTML results go in as tokens that Markdown leaves alone, replaced in its
output (:meth:`Shortcodes.insert`): a shortcode alone on its line is a block of its own.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote

from jinja2 import DictLoader, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment

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

_SCAN = re.compile(r"""
  (?P<raw>\{%-?\s*raw\s*-?%\}(?P<rawtext>.*?)\{%-?\s*endraw\s*-?%\})
| (?P<lcomment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})
| (?P<fence>^[ \t]*(?P<ticks>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*(?P=ticks)[ \t]*$|\Z))
| (?P<span>``[^\n]+?``|`[^`\n]+`)
| (?P<hugo>\{\{[<%]\s*(?P<closing>/)?\s*(?P<hname>[\w./-]+)(?P<hargs>.*?)[>%]\}\})
| (?P<tag>\{%-?\s*(?P<tname>\w+)(?P<targs>.*?)-?%\})
| (?P<out>\{\{-?(?P<expr>.*?)-?\}\})
""", re.S | re.M | re.X)
_RAW_IN_CODE = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_ARG = re.compile(r"""(?:([\w-]+)\s*[=:]\s*)?("(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s,"'`=]+)""")
_FILTER = re.compile(r"""\|\s*(\w+)\s*(?::\s*(.*?))?\s*(?=\||$)""", re.S)
SHOWN = 60  # characters of a tag a warning quotes
_Note = Callable[..., None]  # (where, tag as written, message, hint[, severity]): see Shortcodes.expand
_Fragment = Callable[[str, int, int], str]  # (html, start, end) -> the text standing for it


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


class Shortcodes:
    """The shortcode templates of a site (name -> Jinja source), and the expansion of bodies."""

    def __init__(self, templates: tuple[tuple[str, str], ...] = ()) -> None:
        self.names = frozenset(name for name, _ in templates)
        self._env = SandboxedEnvironment(loader=DictLoader({f"{n}.html": s for n, s in templates}), autoescape=True,
                                         undefined=Undefined, trim_blocks=True, lstrip_blocks=True)

    def expand(self, body: str, front: Mapping[str, Any] | None = None) -> Expanded:
        """``body`` with every template tag replaced (see the module's docstring). ``front``:
        the article's front matter, for ``{{% param %}}`` and Liquid's ``page.x``."""
        if "{" not in body:
            return Expanded(body, (), ())
        out: list[str] = []
        fragments: list[str] = []
        notes: dict[str, tuple[int, int, Note]] = {}  # one note per tag, with how often it was seen
        front = front or {}
        pos = 0

        def note(at: int, written: str, message: str, hint: str, severity: str = "warning") -> None:
            key = f"{severity}{hint}"  # one note per tag name (the hint names it), with a count
            if key in notes:
                line, count, first = notes[key]
                notes[key] = (line, count + 1, first)
            else:
                notes[key] = (body.count("\n", 0, at), 1, Note(body.count("\n", 0, at), message, hint, severity))

        def fragment(html: str, start: int, end: int) -> str:
            """A token for ``html``; alone on its lines, a paragraph of its own (a block)."""
            fragments.append(html)
            token = f"{TOKEN}{len(fragments) - 1}{TOKEN}"
            alone = body[body.rfind("\n", 0, start) + 1:start].strip() == "" and \
                body[end:body.find("\n", end) if "\n" in body[end:] else len(body)].strip() == ""
            return f"\n\n{token}\n\n" if alone else token

        while True:
            match = _SCAN.search(body, pos)
            if match is None:
                out.append(body[pos:])
                break
            out.append(body[pos:match.start()])
            pos = match.end()
            kind = ""
            for group in ("raw", "lcomment", "fence", "span", "hugo", "tag", "out"):
                if match.group(group) is not None:
                    kind = group
                    break
            if kind == "raw":
                out.append(match.group("rawtext"))
            elif kind == "lcomment":
                pass
            elif kind in ("fence", "span"):
                out.append(_RAW_IN_CODE.sub(lambda m: m.group(1) or "", match.group(kind)))
            elif kind == "hugo":
                text, pos = self._hugo(body, match, front, note, fragment)
                out.append(text)
            elif kind == "tag":
                text, pos = self._liquid_tag(body, match, front, note, fragment)
                out.append(text)
            else:
                out.append(self._liquid_output(match, front, note, fragment))
        shown = []
        for line, count, first in sorted(notes.values(), key=lambda n: n[0]):
            more = f" ({count - 1} more in this article)" if count > 1 else ""
            shown.append(Note(line, first.message + more, first.hint, first.severity))
        return Expanded("".join(out), tuple(fragments), tuple(shown))

    def insert(self, html: str, fragments: tuple[str, ...]) -> str:
        """The HTML of each shortcode in place of its token in Markdown's output."""
        if not fragments:
            return html
        html = _BLOCK_TOKEN.sub(lambda m: fragments[int(m.group(1))], html)
        return _TOKEN.sub(lambda m: fragments[int(m.group(1))], html)

    # --- the three syntaxes -------------------------------------------------------------------

    def _hugo(self, body: str, match: re.Match[str], front: Mapping[str, Any], note: _Note, fragment: _Fragment) -> tuple[str, int]:
        name, written, pos = match.group("hname"), _short(match.group(0)), match.end()
        if match.group("closing"):
            return "", pos  # a closing tag without its opening one: nothing to show
        arg_text = match.group("hargs").rstrip()
        self_closed = arg_text.endswith("/")
        args, params = parse_args(arg_text.rstrip("/"))
        inner = ""
        if not self_closed:
            closing = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}").search(body, pos)
            if closing is not None:
                inner, pos = body[pos:closing.start()], closing.end()
        if name == "comment":
            return "", pos
        if name == "param":
            return self._param(args[0] if args else "", front, match.start(), written, note), pos
        if name in ("ref", "relref"):  # a link to another article by its file: its address once all are read
            return _reference(args[0] if args else dict(params).get("path", "")), pos
        call = _Call(ALIASES.get(name, name), written, args, params, inner.strip("\n"))
        return self._render(call, match.start(), match.end() if not inner else pos, note, fragment), pos

    def _liquid_tag(self, body: str, match: re.Match[str], front: Mapping[str, Any], note: _Note,
                    fragment: _Fragment) -> tuple[str, int]:
        name, written, pos = match.group("tname"), _short(match.group(0)), match.end()
        if name in ("raw", "endraw", "comment", "endcomment", "endhighlight"):
            return "", pos  # a marker without its other half
        if name == "highlight":
            end = re.compile(r"\{%-?\s*endhighlight\s*-?%\}").search(body, pos)
            if end is not None:
                language = parse_args(match.group("targs"))[0][:1]
                code = body[pos:end.start()].strip("\n")
                return f"\n\n```{language[0] if language else ''}\n{code}\n```\n\n", end.end()
        if name in CONTROL_TAGS:
            note(match.start(), written, f"Liquid's {{% {name} %}} is not run: the text around it is kept as it is",
                 "remove the tag, or keep the text in {% raw %} … {% endraw %} if readers should see it")
            return "", pos
        args, params = parse_args(match.group("targs"))
        if name in ("post_url", "link"):  # Jekyll's links to another post by its file
            return _reference(args[0] if args else ""), pos
        if name == "include":
            partial = re.sub(r"\.html?$", "", args[0]) if args else ""
            call = _Call(partial.rsplit("/", 1)[-1], written, args[1:], params)
            if call.name not in self.names:
                note(match.start(), written, f"{written} includes the partial '{args[0] if args else ''}', which this "
                     "site does not define; it is left out",
                     f"define it as templates/shortcodes/{call.name or 'name'}.html (see README: Shortcodes)")
                return "", pos
            return self._render(call, match.start(), pos, note, fragment), pos
        return self._render(_Call(ALIASES.get(name, name), written, args, params), match.start(), pos, note,
                            fragment), pos

    def _liquid_output(self, match: re.Match[str], front: Mapping[str, Any], note: _Note, fragment: _Fragment) -> str:
        expr, written = match.group("expr").strip(), _short(match.group(0))
        head, _, rest = expr.partition("|") if not expr.startswith(("'", '"')) else _split_literal(expr)
        head = head.strip()
        if head[:1] in "\"'" and head[-1:] == head[:1] and len(head) > 1:
            value = head[1:-1]
        elif head in SITE_VARIABLES:
            value = ""
        else:
            field = head[len(next((p for p in PAGE_VARIABLES if head.startswith(p)), "")):]
            known = front.get(field)
            if not isinstance(known, (str, int, float)) or isinstance(known, bool):
                note(match.start(), written, f"{written} names '{head}', which newsgen does not know; it is left out",
                     "write the value itself, or define a front-matter field of that name")
                return ""
            value = str(known)
        filters = [(m.group(1), parse_args(m.group(2) or "")[0]) for m in _FILTER.finditer("|" + rest)] if rest else []
        for number, (name, arguments) in enumerate(filters):
            if name in URL_FILTERS:
                continue
            if name in ("prepend", "append") and arguments:
                value = arguments[0] + value if name == "prepend" else value + arguments[0]
                continue
            if name in ("strip", "escape", "xml_escape", "uri_escape", "slugify"):
                value = value.strip()
                continue
            if number != len(filters) - 1 or ALIASES.get(name, name) not in self.names:
                note(match.start(), written, f"the Liquid filter '{name}' maps onto nothing newsgen knows; "
                     f"{written} is left out", f"define it as templates/shortcodes/{name}.html, which gets the value "
                     "as args[0] (see README: Shortcodes)")
                return ""
            call = _Call(ALIASES.get(name, name), written, (value, *arguments), ())
            return self._render(call, match.start(), match.end(), note, fragment)
        return value

    def _param(self, key: str, front: Mapping[str, Any], at: int, written: str, note: _Note) -> str:
        value = front.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        note(at, written, f"{written}: the front matter has no '{key}'; it is left out",
             f"add '{key}:' to the front matter, or write the value itself")
        return ""

    def _render(self, call: _Call, start: int, end: int, note: _Note, fragment: _Fragment) -> str:
        if call.name not in self.names:
            note(start, call.written, f"{call.written} maps onto no shortcode newsgen knows; it is left out",
                 f"define templates/shortcodes/{call.name}.html to render it (see README: Shortcodes)")
            return ""
        params = dict(call.params)

        def get(key: int | str, default: str = "") -> str:
            if isinstance(key, int):
                return call.args[key] if 0 <= key < len(call.args) else default
            return params.get(key, default)

        try:
            html = self._env.get_template(f"{call.name}.html").render(
                args=list(call.args), params=params, inner=call.inner, get=get).strip()
        except TemplateError as error:
            note(start, call.written, f"{call.written}: templates/shortcodes/{call.name}.html failed: {error.message}",
                 "fix the template; the article is not built until then", "error")
            return ""
        return fragment(html, start, end)


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
