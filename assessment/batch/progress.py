"""The batch's progress display: contracts done, running and failed, and the time left.

A single tqdm bar on stderr (so stdout stays clean for ``--json``), with a line per finished
contract above it. ``quiet`` shows nothing: schedulers read the summary instead.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from tqdm import tqdm

from assessment.batch.contract import ContractOutcome


class Progress:
    """Counts and shows contracts as they start and finish.

    Args:
        total: Contracts to run (skipped ones are not counted).
        slots: How many run at once at most (workers), to bound the "running" figure.
        quiet: Show nothing.
        stream: Where to draw (stderr by default).
    """

    def __init__(
        self, total: int, slots: int, *, quiet: bool = False, stream: TextIO | None = None
    ) -> None:
        self.total = total
        self.slots = slots
        self.quiet = quiet
        self.started: set[str] = set()
        self.finished: dict[str, str] = {}
        self._bar = None
        if not quiet and total:
            self._bar = tqdm(
                total=total,
                desc="contracts",
                unit="contract",
                file=stream or sys.stderr,
                dynamic_ncols=True,
                bar_format="{desc}: {n}/{total} |{bar:24}| {postfix} [{elapsed}, {remaining} left]",
            )
            self._refresh()

    @property
    def running(self) -> int:
        """Contracts started and not yet finished (never more than the slots)."""
        return min(self.slots, len(self.started - set(self.finished)))

    @property
    def failed(self) -> int:
        """Contracts finished as failed."""
        return sum(1 for status in self.finished.values() if status == "failed")

    def start(self, key: str) -> None:
        """A worker started this contract."""
        self.started.add(key)
        self._refresh()

    def finish(self, outcome: ContractOutcome) -> None:
        """A contract ended; print its line and move the bar."""
        self.started.add(outcome.key)
        self.finished[outcome.key] = outcome.status
        if self._bar is not None:
            self._bar.write(_line(outcome), file=self._bar.fp)
            self._refresh(draw=False)
            self._bar.update(1)

    def _refresh(self, draw: bool = True) -> None:
        if self._bar is not None:
            done = len(self.finished) - self.failed
            self._bar.set_postfix_str(
                f"done {done}, running {self.running}, failed {self.failed}", refresh=draw
            )

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _line(outcome: ContractOutcome) -> str:
    return f"  {outcome.key}: {outcome.describe()}"
