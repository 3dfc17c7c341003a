"""The capture sheets of steps 2 to 4, and importing them (``assess import``, the notebooks).

Like ``cli.py`` this module sits above the steps: it gathers each step's kinds of entry into one
capture workbook, in the order they must be imported (areas before the items that name them,
agreements last, so an agreement freezes the scope the same file has just written). Discovery's
sheets (evidence, journeys, findings; :mod:`assessment.discovery.capture`) bear on the hypotheses
of step 1, so notebooks 02 and 03 leave them to notebook 04, which imports them as well.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from IPython.display import HTML

from assessment import entries
from assessment.capture import (
    COMPONENT,
    MIGRATIONS,
    ImportResult,
    SheetSpec,
    import_workbook,
    read_rows,
    write_workbook,
)
from assessment.discovery import capture as step4
from assessment.engagement import Engagement
from assessment.entries import Database, Entry
from assessment.intelligence import store as step2
from assessment.intelligence.models import IntelligenceNote, ScopeArea
from assessment.paths import templates_dir
from assessment.presentation import callout
from assessment.scoping import store as step3
from assessment.scoping.models import Activity, Agreement, ScopeItem

CAPTURES_DIR = "captures"
TEMPLATE_FILE = "capture.xlsx"


def _upsert(table: str) -> Callable[[Database, Entry], None]:
    """A writer that upserts an entry into ``table``."""
    return lambda tx, entry: entries.upsert(tx, table, entry)


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Intelligence", IntelligenceNote, step2.note_choices, _upsert(step2.NOTES)),
    SheetSpec(
        "Scope areas",
        ScopeArea,
        step2.area_choices,
        _upsert(step2.AREAS),
        provides=("area_id", "title"),
        offers=lambda area: area.agreed,  # scope items go under agreed areas only
    ),
    SheetSpec(
        "Scope items",
        ScopeItem,
        step3.item_choices,
        _upsert(step3.ITEMS),
        provides=("scope_item_id", "title"),
    ),
    SheetSpec("Activities", Activity, step3.activity_choices, _upsert(step3.ACTIVITIES)),
    SheetSpec("Agreement", Agreement, step3.agreement_choices, step3.record_agreement),
)


def import_file(
    engagement: Engagement, path: str | Path, *, discovery: bool = True
) -> ImportResult:
    """Import one capture sheet into the engagement's store (all or nothing, idempotent).

    Args:
        engagement: The engagement whose store receives the entries.
        path: The filled workbook.
        discovery: Import its discovery sheets too (they need step 1's hypotheses).

    Raises:
        InputError: A sheet, row or cell is invalid (each problem named); nothing is written.
    """
    with step3.open_store(engagement) as store:
        # discovery is checked before anything is written, so a bad discovery sheet stops all
        plan = step4.prepare(store, engagement, path) if discovery else None
        result = import_workbook(store, engagement, path, SHEETS)
        if plan is not None:
            step4.apply(store, plan)
            result.applied |= plan.result.applied
            result.unchanged |= plan.result.unchanged
        return result


def pending_files(engagement: Engagement) -> list[Path]:
    """The capture sheets saved in the engagement's ``captures/`` folder, in name order."""
    folder = engagement.root / CAPTURES_DIR
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))


def import_pending(engagement: Engagement, *, discovery: bool = False) -> HTML:
    """Import every sheet in ``captures/`` (rows imported before are left alone); say what.

    Args:
        engagement: The engagement.
        discovery: Import discovery's sheets too (notebook 04, once step 1 has run).
    """
    files = pending_files(engagement)
    if not files:
        return callout("Capture sheets", ["No capture sheet in captures/ to import."])
    lines = [import_file(engagement, path, discovery=discovery).summary() for path in files]
    return callout("Capture sheets imported", lines)


def write_template(path: Path | None = None) -> Path:
    """Write the blank capture sheet (``templates/capture/capture.xlsx`` by default)."""
    target = path or templates_dir() / "capture" / TEMPLATE_FILE
    return write_workbook(target, (*SHEETS, *step4.SHEETS))


def write_engagement_sheet(engagement: Engagement, path: Path, blank_rows: int = 60) -> Path:
    """A capture sheet for one engagement: its entries so far, then blank rows with fresh ids.

    Rows that carry an id update their entry when edited and re-imported, so this is the sheet
    to take offline (the blank template identifies rows by their content instead).
    """
    with step3.open_store(engagement) as store:
        current = {
            "Intelligence": step2.notes(store),
            "Scope areas": step2.areas(store),
            "Scope items": step3.items(store),
            "Activities": step3.activities(store),
        }
    rows = {
        sheet: [e.model_dump() for e in found]
        + [{"id": entries.new_id()} for _ in range(blank_rows)]
        for sheet, found in current.items()
    }
    rows["Agreement"] = [{"id": entries.new_id()} for _ in range(5)]
    write_workbook(path, SHEETS, rows)
    _mark_as_imported(engagement, path, {e.id for found in current.values() for e in found})
    return path


def _mark_as_imported(engagement: Engagement, path: Path, ids: set[str]) -> None:
    """Ledger the pre-filled rows as they were written.

    Importing the sheet back with those rows untouched must not overwrite edits made in the
    notebook in the meantime: only rows changed in the sheet are new content.
    """
    rows, _ = read_rows(path, SHEETS)
    with step3.open_store(engagement) as store:
        store.ensure_schema(COMPONENT, MIGRATIONS)
        with store.transaction() as tx:
            for row in rows:
                if row.row_id in ids:
                    tx.execute(
                        "INSERT OR IGNORE INTO capture_ledger(sheet, row_id, row_hash, file, "
                        "imported_at) VALUES (?, ?, ?, ?, datetime('now'))",
                        (row.sheet.name, row.row_id, row.digest, path.name),
                    )
