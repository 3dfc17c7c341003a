"""User-facing errors: each names the file, the row or field, and what was expected.

Consultants meet these errors at the command line and in notebooks, so they are written for a
person, not a stack trace: ``str(error)`` is the whole message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        where: The file (and sheet) the problem is in.
        location: The row (1-based, as a spreadsheet shows it) or YAML line, when known.
        field: The column or key at fault.
        message: What was found and what was expected.
        count: How many offending rows this problem stands for (more than 1 for a summary line
            such as "450 more row(s) like these"), so the error counts rows, not lines.
    """

    where: str
    message: str
    location: str | None = None
    field: str | None = None
    count: int = 1

    def __str__(self) -> str:
        parts = [self.where]
        if self.location:
            parts.append(self.location)
        if self.field:
            parts.append(f"'{self.field}'")
        return f"{', '.join(parts)}: {self.message}"


class WorkbookError(Exception):
    """Base class of every error the workbook reports to a user."""


@dataclass
class InputError(WorkbookError):
    """One or more problems found in a user's input (engagement.yaml, an extract, a sheet).

    All problems of one file are collected and reported together, so a consultant fixes them in
    one pass instead of one per run.
    """

    problems: list[Problem] = field(default_factory=list)
    limit: int = 20
    per_field: int = 5

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        total = sum(p.count for p in self.problems)
        listed = self._listed()
        shown = [f"  - {p}" for p in listed]
        hidden = total - sum(p.count for p in listed)
        if hidden > 0:
            shown.append(f"  ... and {hidden} more problem(s) of the same kind")
        noun = "problem" if total == 1 else "problems"
        return f"{total} {noun} found:\n" + "\n".join(shown)

    def _listed(self) -> list[Problem]:
        """The problems to print: every field gets a few lines before any gets many.

        A column with hundreds of bad rows must not hide a different problem in another column.
        """
        if len(self.problems) <= self.limit:
            return self.problems
        seen: dict[tuple[str, str | None], int] = {}
        first, rest = [], []
        for problem in self.problems:
            group = (problem.where, problem.field)
            seen[group] = seen.get(group, 0) + 1
            (first if seen[group] <= self.per_field else rest).append(problem)
        chosen = {id(p) for p in (first + rest)[: self.limit]}
        return [p for p in self.problems if id(p) in chosen]

    @classmethod
    def single(
        cls,
        where: str | Path,
        message: str,
        *,
        location: str | None = None,
        field: str | None = None,
    ) -> InputError:
        """Build an error holding one problem."""
        return cls([Problem(str(where), message, location, field)])


class RunFailed(WorkbookError):
    """A notebook of a run failed; the message names the notebook, the cell and the error."""
