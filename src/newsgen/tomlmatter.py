"""TOML front matter (between ``+++`` lines, as Hugo writes it) into what YAML front matter gives.

The standard library's ``tomllib`` reads it; what it does not give is added here:

- **lines**: ``tomllib`` keeps no positions, so the line of each key is found by scanning
  the text for ``key =`` at the start of a line (and ``[table]`` headers; a key under a
  table is recorded as ``table.key``), outside multi-line strings. That is exact for the
  top-level keys front matter is made of;
- **dates**: TOML has date and time values of its own (offset and local date-times, local
  dates, local times), where the YAML reader keeps dates as text for the article to check
  with a message naming the line (see ``frontmatter``). Here they become the same text
  (``2015-03-02``, ``2015-03-02T10:00:00+05:00``), so both kinds of front matter mean the
  same, a date without a time of day included (see ``dates.is_date_only``);
- **problems**: a syntax error at the line ``tomllib`` names, counted from the top of the
  file; nesting too deep for the parser and integers beyond TOML's 64 bits, as problems
  rather than crashes.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from .errors import Problem

_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+'
_KEY_LINE = re.compile(rf"^[ \t]*({_KEY})[ \t]*[=.]")  # 'title = ...', 'params.author = ...'
_TABLE_LINE = re.compile(rf"^[ \t]*(\[\[?)[ \t]*((?:{_KEY})(?:[ \t]*\.[ \t]*(?:{_KEY}))*)[ \t]*\]")
_ERROR_AT = re.compile(r"^(.*?) \(at (?:line (\d+), column (\d+)|end of document)\)$", re.S)
_INT_RANGE = (-2 ** 63, 2 ** 63 - 1)  # TOML's integers: a value outside is an error, says its specification
TOML_HINT = 'write one \'key = value\' per line, text in quotes: title = "Talks in Astana", date = 2015-03-02'


def parse_toml(text: str, path: str, first_line: int = 1,
               subject: str = "the front matter") -> tuple[dict[str, Any] | None, dict[str, int], list[Problem]]:
    """A TOML mapping with the file line of each key, its dates as text; or None and the problems.

    ``first_line`` is the file line on which ``text`` starts; ``subject`` names it in messages.
    """
    import tomllib

    lines = key_lines(text, first_line)
    try:
        data = tomllib.loads(text)
        for key, value in data.items():
            if _has_huge_int(value):
                return None, {}, [_number_problem(path, lines.get(key, first_line), subject)]
        data = {key: _as_yaml_gives(value) for key, value in data.items()}
    except tomllib.TOMLDecodeError as exc:
        return None, {}, [_syntax_problem(str(exc), text, path, first_line, subject)]
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        return None, {}, [Problem(path, first_line, 0, "", f"{subject} nests values too deeply to be read",
                                  "a few levels are all newsgen reads: look for runaway '[' or '{' brackets")]
    except ValueError:  # an integer of thousands of digits, which Python refuses to convert
        return None, {}, [_number_problem(path, _long_number_line(text, first_line), subject)]
    if not data:
        return None, {}, [Problem(path, first_line, 0, "", f"{subject} is empty", TOML_HINT)]
    return data, lines, []


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """The file line of each key written as ``key = ...`` or ``[table]``: top-level keys by name,
    keys under a ``[table]`` as ``table.key``; the first line a key appears on."""
    found: dict[str, int] = {}
    table: str | None = ""  # the table the lines are in ('' at the top; None in an array of tables)
    open_quote = ""  # the delimiter of a multi-line string the scan is inside
    for number, line in enumerate(text.split("\n"), start=first_line):
        if open_quote:
            if line.count(open_quote) % 2:
                open_quote = ""
            continue
        header = _TABLE_LINE.match(line)
        if header:
            names = [_unquoted(part.strip()) for part in re.findall(rf"{_KEY}", header.group(2))]
            found.setdefault(names[0], number)
            table = None if header.group(1) == "[[" else ".".join(names)
        else:
            key = _KEY_LINE.match(line)
            if key and table is not None:
                name = _unquoted(key.group(1))
                found.setdefault(f"{table}.{name}" if table else name, number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                open_quote = quote
                break
    return found


def _unquoted(key: str) -> str:
    return key[1:-1] if key[:1] in ('"', "'") else key


def _as_yaml_gives(value: Any) -> Any:
    """``value`` with TOML's dates and times as the text YAML front matter keeps them as."""
    if isinstance(value, (datetime, date, time)):  # datetime first: it is a date too
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _as_yaml_gives(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_yaml_gives(item) for item in value]
    return value


def _has_huge_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not _INT_RANGE[0] <= value <= _INT_RANGE[1]
    if isinstance(value, dict):
        return any(_has_huge_int(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_huge_int(item) for item in value)
    return False


def _number_problem(path: str, line: int, subject: str) -> Problem:
    return Problem(path, line, 0, "", f"{subject} has a whole number too large for TOML (at most 19 digits)",
                   'if the value is text, put it in quotes: key = "..."')


def _long_number_line(text: str, first_line: int) -> int:
    """The file line of the first run of more than 19 digits in ``text``."""
    found = re.search(r"\d{20,}", text)
    return first_line + (text.count("\n", 0, found.start()) if found else 0)


def _syntax_problem(error: str, text: str, path: str, first_line: int, subject: str) -> Problem:
    """tomllib's complaint ('Invalid value (at line 4, column 7)') at its line of the file."""
    match = _ERROR_AT.match(error)
    if match is None:  # pragma: no cover - tomllib always says where
        return Problem(path, first_line, 0, "", f"{subject} is not valid TOML: {error}", TOML_HINT)
    message, line, column = match.groups()
    if line is None:  # at the end of the document: the last line that has anything on it
        written = text.rstrip("\n").split("\n")
        line, column = str(len(written)), "0"
    message = message[:1].lower() + message[1:]
    return Problem(path, int(line) + first_line - 1, int(column), "", f"{subject} is not valid TOML: {message}",
                   TOML_HINT)
