"""Capture sheets of an engagement: ``assess capture``, ``assess import`` and ``captures/``.

Like ``cli.py`` this module sits above the steps: importing it imports every step, so every
step's sheets are registered (:mod:`assessment.capture`); it writes them all into one workbook
and imports every registered sheet of a filled one, in step order (areas before the items that
name them, agreements after the scope they freeze), with one rule for all of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from IPython.display import HTML

# every step registers its capture sheets (and its tables) when its package is imported
import assessment.discovery
import assessment.intelligence
import assessment.recommendations
import assessment.scoping  # noqa: F401
from assessment import entries
from assessment.capture import ImportResult, SheetSpec, read_rows, workbook_cells, write_workbook
from assessment.capture_registry import (
    import_workbook,
    imported,
    ledger,
    registered,
    registered_specs,
    workbook_kinds,
)
from assessment.engagement import Engagement
from assessment.errors import InputError
from assessment.paths import templates_dir
from assessment.presentation import callout
from assessment.store import open_engagement_store

CAPTURES_DIR = "captures"
TEMPLATE_FILE = "capture.xlsx"

SHEETS: tuple[SheetSpec, ...] = tuple(registered_specs())
"""Every registered worksheet (steps 2 to 5), in import order."""


def import_file(engagement: Engagement, path: str | Path) -> ImportResult:
    """Import every capture sheet of one workbook into the store (all or nothing, idempotent).

    Raises:
        InputError: The workbook holds no capture sheet, or a sheet, row or cell is invalid
            (each problem named); nothing is written.
    """
    path = Path(path)
    names = set(workbook_cells(path))
    if not names & {spec.name for spec in SHEETS}:
        expected = ", ".join(f"'{spec.name}'" for spec in SHEETS)
        raise InputError.single(path, f"no capture sheet in this workbook (expected {expected})")
    with open_engagement_store(engagement) as store:
        return import_workbook(store, engagement, path)


def pending_files(engagement: Engagement) -> list[Path]:
    """The workbooks saved in the engagement's ``captures/`` folder, in name order."""
    folder = engagement.root / CAPTURES_DIR
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))


def import_pending_files(engagement: Engagement) -> list[str]:
    """Import every workbook in ``captures/``: capture sheets, and registered kinds (statuses).

    Returns:
        One line per file: what it held and what was imported.

    Raises:
        InputError: A workbook is neither a capture sheet nor a registered kind, or is invalid.
    """
    lines = []
    for path in pending_files(engagement):
        names = set(workbook_cells(path))  # read once per content, shared with the import
        kinds = [kind for kind in workbook_kinds() if kind.sheet in names]
        if names & {spec.name for spec in SHEETS} or not kinds:
            lines.append(import_file(engagement, path).summary())
        for kind in kinds:
            lines.append(kind.load(engagement, path).summary())
    return lines


def import_pending(engagement: Engagement) -> HTML:
    """Import every workbook in ``captures/`` (rows imported before are left alone); say what."""
    lines = import_pending_files(engagement)
    if not lines:
        return callout("Capture sheets", ["No capture sheet in captures/ to import."])
    return callout("Capture sheets imported", lines)


def write_template(path: Path | None = None) -> Path:
    """Write the blank capture sheet (``templates/capture/capture.xlsx`` by default)."""
    target = path or templates_dir() / "capture" / TEMPLATE_FILE
    return write_workbook(target, SHEETS)


def write_engagement_sheet(
    engagement: Engagement, path: Path, blank_rows: int | None = None
) -> Path:
    """A capture sheet for one engagement: every step's entries so far, then blank rows.

    Every registered sheet (steps 2 to 5) is written; blank rows carry fresh ids.

    Args:
        engagement: The engagement.
        path: The new workbook.
        blank_rows: Blank rows per sheet at most (each sheet's own number by default).

    Rows that carry an id update their entry when edited and re-imported, so this is the sheet
    to take offline (the blank template identifies rows by their content instead).
    """
    with open_engagement_store(engagement) as store:
        current: dict[str, list[dict[str, Any]]] = {}
        for group in registered():
            current |= group.current(store)
    rows = {
        spec.name: current.get(spec.name, [])
        + [{"id": entries.new_id()} for _ in range(min(spec.blank_rows, blank_rows or 1000))]
        for spec in SHEETS
    }
    write_workbook(path, SHEETS, rows)
    _mark_as_imported(engagement, path)
    return path


def _mark_as_imported(engagement: Engagement, path: Path) -> None:
    """Ledger the pre-filled rows as they were written (the blank rows are not read back).

    Importing the sheet back with those rows untouched must not overwrite edits made in the
    notebook in the meantime: only rows changed in the sheet are new content.
    """
    rows, _ = read_rows(path, SHEETS)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with open_engagement_store(engagement) as store:
        units = set()
        for group in registered():
            units |= group.ledger_units([row for row in rows if row.sheet in group.specs])
        with store.transaction() as tx:
            for sheet, unit, digest in sorted(units - imported(store)):
                ledger(tx, sheet, unit, digest, path.name, now)
