"""Split a source file into YAML front matter and a Markdown body, with file line numbers.

Text in, mapping and body out: no knowledge of articles. Everything an editor's
editor can do to a file is handled here: a UTF-8 byte-order mark, CRLF line ends,
bytes that are not UTF-8, tabs in YAML, a missing closing fence, YAML anchors.
Dates are deliberately *not* turned into Python dates by YAML: ``2025-13-45`` would
then fail deep inside PyYAML without a line number, so date strings stay text and the
article model parses them with a message that names the line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem

try:  # libyaml is in PyYAML's wheels; about 8x faster than the pure-Python parser
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - source builds without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML without implicit timestamps (see the module docstring)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
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
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Problem(
            path, line, column, "",
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X} at line {line}, column {column})",
            "save it as UTF-8 in your editor (often 'Save with encoding' or 'Reopen with encoding')",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def parse_document(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse one source file; on failure, ``None`` and the problems found."""
    text, problem = decode_source(raw, path)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [Problem(path, 1, 0, "", "the file is empty", FM_HINT)]
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        return None, [Problem(path, 1, 0, "", "the file has no front matter", FM_HINT)]
    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        return None, [Problem(path, 1, 0, "", "the front matter is never closed",
                              "add a line '---' after the last front-matter line")]
    yaml_text = "\n".join(lines[1:end]) + "\n"
    body = "\n".join(lines[end + 1:])
    data, key_lines, problems = parse_yaml(yaml_text, path, first_line=2)
    if data is None:
        return None, problems
    errors = [p for p in problems if p.is_error]
    if errors:
        return None, problems
    return Document(data, key_lines, body, end + 2, tuple(problems)), []


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[dict[str, Any] | None, dict[str, int], list[Problem]]:
    """A YAML mapping with the file line of each top-level key, or problems.

    ``first_line`` is the file line on which ``text`` starts. YAML anchors and aliases
    are refused: front matter never needs them, and refusing them makes an alias
    bomb (a few lines that expand to billions of values) harmless and fast.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_problem(exc, path, first_line)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, {}, [Problem(path, first_line, 0, "", f"the YAML cannot be read: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return None, {}, [Problem(path, first_line, 0, "", "the front matter is empty", FM_HINT)]
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "plain text"
        return None, {}, [Problem(path, node.start_mark.line + first_line, 0, "",
                                  f"the front matter is {kind}, not a set of 'key: value' lines",
                                  "write one 'key: value' per line, e.g. 'title: Talks in Astana'")]
    alias_line = _first_repeated_node(node)
    if alias_line is not None:
        return None, {}, [Problem(path, alias_line + first_line, 0, "",
                                  "YAML anchors and aliases (&name, *name) are not supported in front matter",
                                  "write the value out in full")]
    problems: list[Problem] = []
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + first_line
        if key in key_lines:
            problems.append(Problem(path, line, 0, key, f"appears twice (also on line {key_lines[key]})",
                                    "keep one of them", "warning"))
        key_lines[key] = line
    _record_nested_lines(node, "", first_line, key_lines)
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, {}, [_yaml_problem(exc, path, first_line)]
    return {str(k): v for k, v in data.items()}, key_lines, problems


def _record_nested_lines(node: yaml.Node, prefix: str, first_line: int, out: dict[str, int]) -> None:
    """Lines of nested values as dotted paths: 'rates.2.code', 'tags.1'.

    Top-level keys are already in ``out``; nested ones let messages point at the
    exact line of a bad list item instead of the line of its key.
    """
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}{key_node.value}"
            if prefix:
                out.setdefault(path, key_node.start_mark.line + first_line)
            _record_nested_lines(value_node, path + ".", first_line, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}{i}"
            out.setdefault(path, item.start_mark.line + first_line)
            _record_nested_lines(item, path + ".", first_line, out)


def _first_repeated_node(root: yaml.Node) -> int | None:
    """The YAML line (0-based) of the first node reached twice (an alias), if any."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return int(node.start_mark.line)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + first_line) if mark else first_line
    column = (mark.column + 1) if mark else 0
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if "'\\t'" in problem or "\t" in problem:
        return Problem(path, line, column, "", "the front matter contains a tab character",
                       "indent YAML with spaces, never tabs")
    if "end of stream" in problem and "quoted" in (exc.context or ""):
        return Problem(path, line, column, "", "a quoted value is never closed",
                       "add the closing quote, or remove the opening one")
    return Problem(path, line, column, "", f"the front matter is not valid YAML: {problem}",
                   "check this line; put values containing ': ' or ' #' in quotes")
