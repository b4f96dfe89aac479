"""Problems an editor can act on, as plain values.

Loading and planning collect :class:`Problem` values instead of raising at the first
one, so that a build reports every broken file in one pass. Only the edge of a build
raises (:class:`ContentError`), and only the CLI prints them. This module imports
nothing else from newsgen so that every layer can use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in one file, at one place.

    ``path`` is relative to the site folder (``content/politics/talks.md``) so that
    messages read the same on every machine. ``line`` counts from 1 at the top of
    the file, front-matter fence included; 0 means "the file as a whole".
    """

    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """The one-line form editors read: ``file:line: field: message (hint)``."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" ({self.hint})"
        prefix = "warning: " if self.severity == "warning" else ""
        return _one_line(f"{where}: {prefix}{text}")

    def __str__(self) -> str:
        return self.format()


_INVISIBLE = {ord(c): f"\\x{ord(c):02x}" for c in map(chr, range(32)) if c not in "\t"}
_INVISIBLE.update({ord("\n"): "\\n", ord("\r"): "\\r"})


def _one_line(text: str) -> str:
    """Quoted values may hold line breaks or control characters; show them as escapes."""
    return text.translate(_INVISIBLE)


def warning(path: str, line: int, field: str, message: str, hint: str = "") -> Problem:
    """A :class:`Problem` that does not stop the build."""
    return Problem(path, line, 0, field, message, hint, "warning")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems ordered by file, then line, as the CLI lists them."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.field, p.message))


class NewsgenError(Exception):
    """Base of the errors the CLI knows how to show without a traceback."""

    exit_code = 1


class ContentError(NewsgenError):
    """The build stopped because of one or more content problems (exit status 1)."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem], outcome: str = "the output folder was not changed") -> None:
        self.problems = sort_problems(problems)
        self.outcome = outcome
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem], str]]:
        # Survive pickling across worker processes (Exception's default would lose the list).
        return (type(self), (self.problems, self.outcome))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C once the output had begun to change; ``outcome`` says what a reader of it sees.

    A plain ``KeyboardInterrupt`` means the output folder is as it was.
    """

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        super().__init__(outcome)


class UsageError(NewsgenError):
    """Bad settings, options or site layout: the editor must fix the set-up (exit status 2)."""

    exit_code = 2

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems = sort_problems(problems)
        super().__init__(message)


class OutputError(NewsgenError):
    """Writing the output folder failed partway (a full disk, an I/O error): exit status 2.

    Pages are written into the output only after every page rendered, but the writing
    itself can still fail; the build state then stays marked unfinished, so the next
    build renders and writes everything again.
    """

    exit_code = 2
