"""Split a source file into YAML front matter and a Markdown body, with file line numbers.

(Front matter between ``+++`` lines is TOML, as Hugo writes it: see ``tomlmatter``.)

Text in, mapping and body out: no knowledge of articles. Everything an editor's
editor can do to a file is handled here: a UTF-8 byte-order mark, CRLF line ends,
bytes that are not UTF-8, tabs in YAML, a missing closing fence, YAML anchors.
Dates are deliberately *not* turned into Python dates by YAML: ``2025-13-45`` would
then fail deep inside PyYAML without a line number, so date strings stay text and the
article model parses them with a message that names the line.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem
from .tomlmatter import parse_toml

try:  # libyaml is in PyYAML's wheels; about 8x faster than the pure-Python parser
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - source builds without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML without implicit timestamps (see the module docstring)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_DIGITS = 100  # longer numbers are mistakes; Python refuses to print those over 4,300 digits


class _TooLong(yaml.constructor.ConstructorError):
    """A number too long to use: its message is already in an editor's words."""


def _construct_int(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> int:
    """YAML's int, refusing numbers of more than ``MAX_DIGITS`` digits before converting them."""
    text = str(node.value).replace("_", "").lstrip("+-")
    value = 0 if len(text) > MAX_DIGITS + 2 else loader.construct_yaml_int(node)  # +2: a 0x or 0o prefix
    if len(text) > MAX_DIGITS + 2 or abs(value) >= 10 ** MAX_DIGITS:
        size = f"has {len(text):,} digits" if text.isdigit() else "is too long"
        raise _TooLong(None, None, f"this number {size}; newsgen reads numbers of at most {MAX_DIGITS} digits",
                       node.start_mark)
    return int(value)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

_FENCE = re.compile(r"^---[ \t]*$")
_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*$")  # opens and closes TOML front matter
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
# what the YAML reader refuses: C0/C1 controls except tab, LF, CR and NEL; lone surrogates; U+FFFE/U+FFFF
_NOT_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
FRONT_MATTER = "the front matter"
TOO_DEEP = "{subject} is not valid YAML: values nest more than {limit} levels deep"
TOO_DEEP_HINT = "a few levels are all newsgen reads: look for runaway '[' or '{' brackets"
MAX_DEPTH = 1000  # nesting levels below the top mapping; libyaml 0.2.5 stops at the same depth
TAB_HINT = "use spaces instead; YAML allows tabs only inside quoted text"
FM_HINT = "start the file with a line '---', then 'title: ...' and 'date: ...' lines, then '---'"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed source: front matter, where each key sits, and the body."""

    data: dict[str, Any]
    lines: dict[str, int]  # front-matter key -> line in the file (1-based)
    body: str
    body_line: int  # line of the file on which the body starts
    warnings: tuple[Problem, ...] = field(default=())


def decode_source(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """The file's text with LF line ends, or a problem saying where it is not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _encoding_problem(raw, exc.start, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def _encoding_problem(raw: bytes, start: int, path: str) -> Problem:
    """Where the first byte that is not UTF-8 sits, counted in characters as an editor shows them."""
    before = _LINE_ENDS.split(raw[:start])  # everything before ``start`` is valid UTF-8
    line, column = len(before), len(before[-1].decode("utf-8")) + 1
    return Problem(path, line, column, "",
                   f"the file is not UTF-8 text: the character at line {line}, column {column} "
                   f"(byte 0x{raw[start]:02X}) is in another encoding",
                   "save the file as UTF-8 in your editor, e.g. with 'Save with encoding'")


def _closing_line(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter opened on the first line ('---' or
    '...' for YAML, '+++' for TOML); None when it is never closed."""
    closing = _TOML_FENCE if _TOML_FENCE.match(lines[0]) else _CLOSE
    return next((i for i in range(1, len(lines)) if closing.match(lines[i])), None)


def body_line(raw: bytes) -> int:
    """The number of the line a source's body begins on (1 without front matter), as
    :func:`parse_document` reads the file: for finding a body's text by line."""
    text, _ = decode_source(raw, "")
    lines = (text or "").split("\n")
    if not (_FENCE.match(lines[0]) or _TOML_FENCE.match(lines[0])):
        return 1
    end = _closing_line(lines)
    return end + 2 if end is not None else 1


def parse_document(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one source file; on failure, ``None`` and the problems found."""
    text, problem = decode_source(raw, path)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [Problem(path, 1, 0, "", "the file is empty", FM_HINT)]
    lines = text.split("\n")
    toml = _TOML_FENCE.match(lines[0]) is not None
    if not toml and not _FENCE.match(lines[0]):
        return None, [Problem(path, 1, 0, "", "the file has no front matter", FM_HINT)]
    end = _closing_line(lines)
    if end is None:
        return None, [Problem(path, 1, 0, "", "the front matter is never closed",
                              f"add a line '{'+++' if toml else '---'}' after the last front-matter line")]
    inner = "\n".join(lines[1:end]) + "\n"
    body = "\n".join(lines[end + 1:])
    parse = parse_toml if toml else parse_yaml
    data, key_lines, problems = parse(inner, path, first_line=2, subject=FRONT_MATTER)
    if data is None:
        return None, problems
    errors = [p for p in problems if p.is_error]
    if errors:
        return None, problems
    return Document(data, key_lines, body, end + 2, tuple(problems)), []


def parse_yaml(text: str, path: str, first_line: int = 1,
               subject: str = "the file") -> tuple[dict[str, Any] | None, dict[str, int], list[Problem]]:
    """A YAML mapping with the file line of each top-level key, or problems.

    ``first_line`` is the file line on which ``text`` starts; ``subject`` names the
    text in messages: "the file" for a whole YAML file (settings, rates), or
    ``FRONT_MATTER``. YAML aliases are refused: front matter never needs them, and
    refusing them makes an alias bomb (a few lines that expand to billions of
    values) harmless and fast: the node tree is checked before any value is built.
    """
    node, text, problem, forgiven = _forgiving_compose(text, path, first_line, subject)
    if problem is not None:
        return None, {}, [problem]
    if node is None:
        hint = FM_HINT if subject == FRONT_MATTER else "write one 'key: value' per line"
        return None, {}, [Problem(path, first_line, 0, "", f"{subject} is empty", hint)]
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "plain text"
        return None, {}, [Problem(path, node.start_mark.line + first_line, 0, "",
                                  f"{subject} is {kind}, not a set of 'key: value' lines",
                                  "write one 'key: value' per line, e.g. 'title: Talks in Astana'")]
    data, key_lines, problems = _built(node, text, path, first_line, subject)
    if data is None:
        return None, {}, problems
    return {str(k): v for k, v in data.items()}, key_lines, forgiven + problems


def parse_yaml_value(text: str, path: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """A YAML file of any shape (a mapping, a list, a value: a data file) with the line of
    each value as dotted paths ('0', 'teams.2.name'), under the same rules as
    :func:`parse_yaml`; None and the problems when it cannot be read, None alone when empty."""
    node, text, problem, forgiven = _forgiving_compose(text, path, 1, "the file")
    if problem is not None:
        return None, {}, [problem]
    if node is None:
        return None, {}, []
    data, lines, problems = _built(node, text, path, 1, "the file")
    return data, lines, (forgiven + problems) if data is not None else problems


def _built(node: yaml.Node, text: str, path: str, first_line: int,
           subject: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """The value of a composed node, with its lines, after the checks every YAML text gets."""
    if _has_repeated_node(node):
        return None, {}, [Problem(path, _first_alias_line(text) + first_line, 0, "",
                                  f"YAML aliases (*name) are not allowed in {subject}",
                                  "write the value out in full instead of referring to an &anchor")]
    shape = _shape_problem(node, MAX_DEPTH)
    if shape is not None:
        bad, message, hint = shape
        return None, {}, [Problem(path, bad.start_mark.line + first_line, bad.start_mark.column + 1, "",
                                  message.format(subject=subject, limit=MAX_DEPTH), hint)]
    tab = _first_stray_tab(text, node)
    if tab is not None:
        return None, {}, [Problem(path, tab[0] + first_line, tab[1] + 1, "", f"{subject} contains a tab character",
                                  TAB_HINT)]
    problems: list[Problem] = []
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        problems = _duplicate_keys(node, path, first_line)
        key_lines = {str(k.value): k.start_mark.line + first_line for k, _ in node.value}  # the last one wins
    elif isinstance(node, yaml.SequenceNode):
        key_lines = {str(i): item.start_mark.line + first_line for i, item in enumerate(node.value)}
    _record_nested_lines(node, first_line, key_lines)
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_problem(exc, path, first_line, text, subject)]
    finally:
        loader.dispose()
    return data, key_lines, problems


MAX_FORGIVEN = 100  # trailing tabs taken out of one text, at most


def _forgiving_compose(text: str, path: str, first_line: int, subject: str
                       ) -> tuple[yaml.Node | None, str, Problem | None, list[Problem]]:
    """:func:`_compose`, forgiving tabs after a value at the end of a line ('- melody<TAB>'), as
    Jekyll (Ruby's YAML), js-yaml and libyaml read them and PyYAML's own parser does not: each is
    taken out, with a warning naming its line. A tab anywhere else stays an error. Returns the
    node, the text it was composed from, the problem, and the warnings."""
    forgiven: list[Problem] = []
    while True:
        node, problem = _compose(text, path, first_line, subject)
        spot = None
        if problem is not None and problem.message.endswith(f"{subject} contains a tab character"):
            spot = (problem.line - first_line, problem.column - 1)
        elif node is not None:
            spot = _first_stray_tab(text, node)
        lines = text.split("\n")
        if spot is None or len(forgiven) >= MAX_FORGIVEN or not 0 <= spot[0] < len(lines) \
                or lines[spot[0]][max(spot[1], 0):].strip(" \t"):
            return node, text, problem, forgiven  # no tab, or not one at the end of a line
        number, column = spot
        before = lines[number][:column]
        if not before.strip():
            return node, text, problem, forgiven  # a tab indenting, or on a line of its own: not forgiven
        lines[number] = before.rstrip(" \t")
        text = "\n".join(lines)
        forgiven.append(Problem(path, number + first_line, column + 1, "",
                                f"a tab after the value at the end of the line is ignored in {subject}",
                                "remove it; YAML parsers disagree about tabs there", "warning"))


def _compose(text: str, path: str, first_line: int, subject: str) -> tuple[yaml.Node | None, Problem | None]:
    """The YAML node tree (values not yet built), or the problem that stopped the parser."""
    loader = _Loader(text)
    try:
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as exc:
        return None, _yaml_problem(exc, path, first_line, text, subject)
    except yaml.reader.ReaderError:
        return None, _control_character_problem(text, path, first_line, subject)
    except RecursionError:  # PyYAML without libyaml builds the tree recursively
        return None, Problem(path, first_line, 0, "", TOO_DEEP.format(subject=subject, limit=MAX_DEPTH), TOO_DEEP_HINT)
    except yaml.YAMLError as exc:  # pragma: no cover - other unmarked errors are rare
        return None, Problem(path, first_line, 0, "", f"{subject} is not valid YAML: {' '.join(str(exc).split())}")
    finally:
        loader.dispose()


def _duplicate_keys(node: yaml.MappingNode, path: str, first_line: int) -> list[Problem]:
    """A warning for each top-level key written a second time (YAML keeps the last value)."""
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + first_line
        if key in first_seen:
            problems.append(Problem(path, line, 0, key, f"appears twice (also on line {first_seen[key]})",
                                    "keep one of them; newsgen uses this last one", "warning"))
        else:
            first_seen[key] = line
    return problems


def _record_nested_lines(root: yaml.Node, first_line: int, out: dict[str, int]) -> None:
    """Lines of nested values as dotted paths: 'rates.2.code', 'tags.1'.

    Top-level keys are already in ``out``; nested ones let messages point at the
    exact line of a bad list item instead of the line of its key. A loop, not
    recursion: YAML may nest a thousand levels deep.
    """
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [(f"{prefix}{k.value}", k, v) for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(f"{prefix}{i}", item, item) for i, item in enumerate(node.value)]
        else:
            continue
        for path, where, value in children:
            if prefix:
                out.setdefault(path, where.start_mark.line + first_line)
            stack.append((value, path + "."))


def _shape_problem(root: yaml.Node, limit: int) -> tuple[yaml.Node, str, str] | None:
    """(node, message, hint) for the first value nested more than ``limit`` levels deep, or
    the first key that is not a plain name (``? [a, b]``); None when the tree is fine.

    Runs after the alias check, so every node is reached once: linear time, and no
    recursion. Newer libyaml builds stop at 1,000 levels themselves, older ones (PyYAML
    6.0.3 and before) do not: checking here gives every installation the same answer.
    """
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node, TOO_DEEP, TOO_DEEP_HINT
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    return key, "{subject} has a key that is a list or a mapping", \
                        "keys are plain names such as 'title:'; quote a key that starts with '[' or '{'"
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return None


def _has_repeated_node(root: yaml.Node) -> bool:
    """True when a node is reached twice: an alias (*name) points back at an anchor."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def _first_stray_tab(text: str, root: yaml.Node) -> tuple[int, int] | None:
    """Where the first tab outside quoted text, block text and comments sits (0-based line, column).

    libyaml accepts a tab after a value ('- melody<TAB>'), PyYAML's own parser refuses
    it; refusing it here makes a file mean the same with or without libyaml.
    """
    if "\t" not in text:
        return None
    spans = _text_spans(root)
    for number, line in enumerate(text.split("\n")):
        column = line.find("\t")
        while column != -1:
            if not _within(spans, number, column) and not _in_comment(line, number, column, spans):
                return number, column
            column = line.find("\t", column + 1)
    return None


Span = tuple[tuple[int, int], tuple[int, int]]


def _text_spans(root: yaml.Node) -> list[Span]:
    """(start, end) positions of quoted and block (| or >) values, where tabs are content; sorted."""
    spans: list[Span] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.style in ('"', "'", "|", ">"):
            spans.append(((node.start_mark.line, node.start_mark.column), (node.end_mark.line, node.end_mark.column)))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(spans)


def _within(spans: list[Span], line: int, column: int) -> bool:
    """True when (line, column) lies inside one of the sorted, non-overlapping ``spans``."""
    at = bisect.bisect_right(spans, ((line, column), (line, column))) - 1
    return at >= 0 and spans[at][0] <= (line, column) < spans[at][1]


def _in_comment(line: str, number: int, column: int, spans: list[Span]) -> bool:
    """True when a '#' that starts a comment comes before ``column`` on this line."""
    return any(char == "#" and (at == 0 or line[at - 1] in " \t") and not _within(spans, number, at)
               for at, char in enumerate(line[:column]))


def _first_alias_line(text: str) -> int:
    """The YAML line (0-based) of the first alias (*name); only called when there is one."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AliasToken):
            return int(token.start_mark.line)
    return 0  # pragma: no cover - a repeated node always comes from an alias


def _control_character_problem(text: str, path: str, first_line: int, subject: str) -> Problem:
    """A problem at the first character YAML refuses (control characters, stray surrogates)."""
    match = _NOT_YAML.search(text)
    if match is None:  # pragma: no cover - the reader refused something we do not know
        return Problem(path, first_line, 0, "", f"{subject} contains a character YAML cannot read")
    before = text[:match.start()].split("\n")
    return Problem(path, len(before) - 1 + first_line, len(before[-1]) + 1, "",
                   f"{subject} contains an invisible control character (U+{ord(match.group()):04X})",
                   "delete it; such characters often come with text pasted from another program")


def _yaml_problem(exc: yaml.MarkedYAMLError, path: str, first_line: int, text: str, subject: str) -> Problem:
    """The parser's complaint in an editor's words, at the line where the editor must look."""
    message, hint, mark = _explain(exc, text, subject)
    if mark is None:
        return Problem(path, first_line, 0, "", message, hint)
    return Problem(path, mark.line + first_line, mark.column + 1, "", message, hint)


def _explain(exc: yaml.MarkedYAMLError, text: str, subject: str) -> tuple[str, str, yaml.Mark | None]:
    """(message, hint, mark) for a YAML error; the mark is where the mistake is, not where YAML gave up."""
    if isinstance(exc, _TooLong):
        return (str(exc.problem), "if the value is text, put it in quotes: key: \"...\"", exc.problem_mark)
    problem = (exc.problem or exc.context or "").strip()
    context = (exc.context or "").strip()
    at, opened = exc.problem_mark or exc.context_mark, exc.context_mark or exc.problem_mark
    char = _char_at(text, at)
    if char == "\t" or "tab character" in problem:
        return f"{subject} contains a tab character", TAB_HINT, at
    if "quoted scalar" in context:
        return "a quoted value is never closed", "add the closing quote, or remove the opening one", opened
    if context.startswith("while parsing a flow") and at and opened and at.line > opened.line:
        if "sequence" in context:
            return ("the '[' opened here is never closed",
                    "close it with ']' on the same line: tags: [economy, energy]", opened)
        return ("the '{' opened here is never closed",
                "close it with '}' on the same line: {name: Aida Bek, role: editor}", opened)
    if "could not find expected ':'" in problem:
        return ("this line is not a 'key: value' line",
                "write 'key: value', or indent the line to continue the value above", opened)
    if "mapping values are not allowed" in problem:
        return ("YAML cannot read the ': ' here",
                "if it belongs to the value, put the whole value in quotes: title: \"Talks: what next\"; "
                "otherwise check the indentation", at)
    if "cannot start any token" in problem and char.strip():
        return (f"a value cannot start with '{char}'",
                f"put the whole value in quotes: title: \"{char}...\"", at)
    if "did not find expected key" in problem:
        return ("YAML did not expect this here",
                "check the indentation; a value that starts with a quote must end with it", at)
    if "alias" in problem or "anchor" in problem or "anchor" in context:
        return (f"YAML aliases and anchors (*name, &name) are not allowed in {subject}",
                "write the value out in full", at)
    if "nesting depth" in problem:
        return TOO_DEEP.format(subject=subject, limit=MAX_DEPTH), TOO_DEEP_HINT, at
    if "unhashable key" in problem:
        return "a key must be a plain word", "write keys like title: or tags:", at
    return f"{subject} is not valid YAML: {problem}", "check this line; put values containing ': ' or ' #' in quotes", at


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    """The character at ``mark`` in ``text`` ('' past the end)."""
    if mark is None:
        return ""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column:mark.column + 1]


def shown(value: Any) -> str:
    """A YAML value in a message, as an editor would recognise it (never a Python repr)."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a set of 'key: value' pairs"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a YAML set"
    if isinstance(value, (int, float)):
        return str(value)
    return "a value of a kind newsgen does not read"
