"""The one capture-sheet registry: every step's sheets, imported from a workbook with one rule.

Every step declares its worksheets in its own ``sheets`` module and registers them here as a
:class:`SheetGroup` (:func:`register`). ``assess capture`` writes every registered sheet, and an
import reads every registered sheet of a file with the rule of :mod:`assessment.capture` (a row
is applied only if its content was never imported under its id), checks all of them and then
writes all of them in one transaction (:func:`import_workbook`). A step whose rows are not one
entry each (discovery's journeys) brings its own check and write (:class:`GroupImport`), under
the same ledger and the same all-or-nothing rule.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assessment.capture import ImportResult, Row, SheetSpec, read_rows, validate_rows
from assessment.engagement import Engagement
from assessment.entries import Entry, Transaction
from assessment.errors import InputError
from assessment.store import Store


@dataclass
class Prepared:
    """A group's rows checked and ready to write: counts per sheet, and the write itself."""

    applied: dict[str, int]
    unchanged: dict[str, int]
    write: Callable[[Transaction, str], None]
    """Writes the entries and their ledger rows inside the import's transaction (tx, now)."""


class GroupImport(Protocol):
    """A group's own check of its rows (all its sheets at once), for rows that are not entries."""

    def __call__(
        self, store: Store, engagement: Engagement, path: Path, rows: list[Row]
    ) -> Prepared:
        """Check the rows; raise InputError with every problem, or return what to write."""


@dataclass(frozen=True)
class SheetGroup:
    """One step's capture sheets, as registered.

    Attributes:
        step: The step's number: groups are imported (and written) in step order.
        specs: The step's worksheets, in import order.
        current: The step's stored entries per sheet, as rows (field -> value, id included),
            to pre-fill ``assess capture``'s sheet.
        prepare: The step's own check and write; None: each row is one entry (the default rule).
        units: What the ledger records for the step's rows, when not one line per row.
    """

    step: int
    specs: tuple[SheetSpec, ...]
    current: Callable[[Store], dict[str, list[dict[str, Any]]]]
    prepare: GroupImport | None = None
    units: Callable[[list[Row]], set[tuple[str, str, str]]] | None = None

    def ledger_units(self, rows: list[Row]) -> set[tuple[str, str, str]]:
        """(sheet, id, content hash) the ledger records for these rows once imported.

        One per row by default; a group whose rows form units (discovery's journeys) says.
        """
        if self.units is not None:
            return self.units(rows)
        return {(row.sheet.name, row.row_id, row.digest) for row in rows}


@dataclass(frozen=True)
class WorkbookKind:
    """A workbook that is not a capture sheet but is imported from ``captures/`` too.

    Attributes:
        sheet: The worksheet that identifies it (step 5's exported 'Action plan').
        load: Imports one such file; returns what was done (with a ``summary()``).
    """

    sheet: str
    load: Callable[[Engagement, Path], Any]


_GROUPS: dict[int, SheetGroup] = {}
_KINDS: dict[str, WorkbookKind] = {}


def register(group: SheetGroup) -> SheetGroup:
    """Register a step's capture sheets (its ``sheets`` module does, when imported)."""
    _GROUPS[group.step] = group
    return group


def register_workbook(kind: WorkbookKind) -> WorkbookKind:
    """Register another kind of workbook found in ``captures/`` (a client's status updates)."""
    _KINDS[kind.sheet] = kind
    return kind


def registered() -> list[SheetGroup]:
    """Every registered group, in step order."""
    return [_GROUPS[step] for step in sorted(_GROUPS)]


def registered_specs() -> list[SheetSpec]:
    """Every registered worksheet, in import order."""
    return [spec for group in registered() for spec in group.specs]


def workbook_kinds() -> list[WorkbookKind]:
    """Every registered kind of other workbook."""
    return list(_KINDS.values())


# -- importing -----------------------------------------------------------------------------------


def import_workbook(
    store: Store,
    engagement: Engagement,
    path: str | Path,
    groups: Sequence[SheetGroup] | None = None,
) -> ImportResult:
    """Import a capture workbook: check every sheet of every group, then write all in one go.

    One rule for every step: a row is applied only if its content was never imported under its
    id (the ledger); every problem of every sheet is reported at once and nothing is written
    unless the whole file is valid.

    Args:
        store: The engagement's store.
        engagement: The engagement.
        path: The filled workbook.
        groups: The sheet groups to read (every registered group by default).

    Raises:
        InputError: The file, a sheet or a row is invalid; nothing is written.
    """
    path = Path(path)
    groups = registered() if groups is None else list(groups)
    rows, problems = read_rows(path, [spec for group in groups for spec in group.specs])
    if problems:
        raise InputError(problems)
    result = ImportResult(path)
    plans: dict[int, Prepared] = {}
    # the default rule checks the entry rows of every group at once: an area of step 2 typed in
    # the file is offered to the scope items of step 3 (``SheetSpec.provides``)
    plain = [row for row in rows if any(row.sheet in g.specs for g in groups if not g.prepare)]
    try:
        valid, _ = validate_rows(store, engagement, path, plain)
    except InputError as error:
        problems += error.problems
        valid = []
    for group in groups:
        mine = [row for row in rows if row.sheet in group.specs]
        if group.prepare is None:
            plans[group.step] = _entries(path, mine, [v for v in valid if v[0] in mine])
            continue
        try:
            plans[group.step] = group.prepare(store, engagement, path, mine)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    for plan in plans.values():
        result.applied |= plan.applied
        result.unchanged |= plan.unchanged
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        with store.transaction() as tx:
            for group in groups:
                plans[group.step].write(tx, now)
    except sqlite3.IntegrityError as exc:
        raise InputError.single(path, f"rejected by the store, nothing was stored: {exc}") from exc
    return result


def _entries(path: Path, rows: list[Row], valid: list[tuple[Row, Entry]]) -> Prepared:
    """The default rule: each row one entry, checked against its sheet's model and choices.

    Args:
        path: The workbook.
        rows: The group's rows.
        valid: The group's rows not imported before, each with its checked entry.
    """
    unchanged: dict[str, int] = {}
    applied: dict[str, int] = {}
    for row in rows:
        unchanged.setdefault(row.sheet.name, 0)
    for row, _ in valid:
        applied[row.sheet.name] = applied.get(row.sheet.name, 0) + 1
    fresh = {id(r) for r, _ in valid}
    for row in rows:
        if id(row) not in fresh:
            unchanged[row.sheet.name] += 1

    def write(tx: Transaction, now: str) -> None:
        for row, entry in valid:
            row.sheet.write(tx, entry)
            ledger(tx, row.sheet.name, row.row_id, row.digest, path.name, now)

    return Prepared(applied, unchanged, write)


def ledger(tx: Transaction, sheet: str, row_id: str, digest: str, file: str, now: str) -> None:
    """Record one imported row (or unit of rows) in the ledger."""
    tx.execute(
        "INSERT OR IGNORE INTO capture_ledger(sheet, row_id, row_hash, file, imported_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (sheet, row_id, digest, file, now),
    )


def imported(store: Store) -> set[tuple[str, str, str]]:
    """Every (sheet, row id, content hash) imported so far."""
    return {
        (r["sheet"], r["row_id"], r["row_hash"])
        for r in store.query("SELECT sheet, row_id, row_hash FROM capture_ledger")
    }
