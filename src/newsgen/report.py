"""How a build tells the outside world what it is doing, without printing anything itself.

The CLI passes a reporter that draws a progress bar; tests pass a
:class:`RecordingReporter` and look at what was reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Problem


class Reporter:
    """Does nothing; subclasses override what they show. ``stage`` names a phase of the build."""

    def start(self, stage: str, total: int) -> None:
        """A phase with ``total`` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current phase are done."""

    def finish(self) -> None:
        """The current phase is over."""

    def problem(self, problem: Problem) -> None:
        """A warning found on the way (errors end the build and are raised instead)."""


@dataclass
class RecordingReporter(Reporter):
    """Keeps everything reported, for tests."""

    stages: list[tuple[str, int]] = field(default_factory=list)
    steps: int = 0
    problems: list[Problem] = field(default_factory=list)

    def start(self, stage: str, total: int) -> None:
        self.stages.append((stage, total))

    def advance(self, steps: int = 1) -> None:
        self.steps += steps

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)
