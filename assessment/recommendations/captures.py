"""Step 5's capture sheet (Recommendations, Actions, Publish) and importing the captures/ folder.

The sheets reuse :mod:`assessment.capture`: the same layout, ledger and all-or-nothing import as
steps 2 and 3. Status updates the client returns in the exported plan (a workbook with an
'Action plan' sheet) are imported by :func:`~assessment.recommendations.excel.import_status`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assessment import entries
from assessment.capture import (
    ImportResult,
    SheetSpec,
    import_workbook,
    workbook_cells,
    write_workbook,
)
from assessment.engagement import Engagement
from assessment.entries import Database, Entry
from assessment.recommendations import excel
from assessment.recommendations import store as db
from assessment.recommendations.models import Action, Publication, Recommendation

CAPTURES_DIR = "captures"


def _upsert(table: str) -> Callable[[Database, Entry], None]:
    return lambda tx, entry: entries.upsert(tx, table, entry)


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Recommendations",
        Recommendation,
        db.recommendation_choices,
        _upsert(db.RECOMMENDATIONS),
        provides=("recommendation_id", "title"),
    ),
    SheetSpec("Actions", Action, db.action_choices, _upsert(db.ACTIONS)),
    SheetSpec("Publish", Publication, db.publication_choices, _upsert(db.REQUESTS)),
)

RECOMMENDATIONS_SHEET, ACTIONS_SHEET, PUBLISH_SHEET = SHEETS


def write_sheet(path: Path, rows: dict[str, list[dict[str, object]]] | None = None) -> Path:
    """Write step 5's capture sheet (blank, or with rows per sheet), byte-identically."""
    return write_workbook(path, SHEETS, rows)


def import_file(engagement: Engagement, path: str | Path) -> ImportResult:
    """Import step 5's sheets of one capture workbook (all or nothing, idempotent)."""
    with db.open_store(engagement) as store:
        return import_workbook(store, engagement, path, SHEETS)


def _sheet_names(path: Path) -> list[str]:
    return list(workbook_cells(path))  # read once per content, shared with the import


def import_captures(engagement: Engagement) -> list[str]:
    """Import step 5's capture sheets and the client's status sheets found in ``captures/``.

    Returns:
        One line per file imported.
    """
    folder = engagement.root / CAPTURES_DIR
    files = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    lines = []
    for path in files:
        names = _sheet_names(path)
        if any(spec.name in names for spec in SHEETS):
            lines.append(import_file(engagement, path).summary())
        elif excel.SHEET in names:
            lines.append(excel.import_status(engagement, path).summary())
    return lines
