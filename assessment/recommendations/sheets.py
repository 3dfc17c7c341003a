"""Step 5's capture sheets (Recommendations, Actions, Publish), registered for ``assess capture``.

The sheets follow the one rule of :mod:`assessment.capture`: the same layout, ledger and
all-or-nothing import as every step. Status updates the client returns in the exported plan (a
workbook with an 'Action plan' sheet) are registered as a workbook kind of their own and
imported by :func:`~assessment.recommendations.excel.import_status`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assessment.capture import SheetSpec, upsert_into, write_workbook
from assessment.capture_registry import SheetGroup, WorkbookKind, register, register_workbook
from assessment.recommendations import excel
from assessment.recommendations import store as db
from assessment.recommendations.models import Action, Publication, Recommendation
from assessment.store import Store

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Recommendations",
        Recommendation,
        db.recommendation_choices,
        upsert_into(db.RECOMMENDATIONS),
        provides=("recommendation_id", "title"),
    ),
    SheetSpec("Actions", Action, db.action_choices, upsert_into(db.ACTIONS)),
    SheetSpec(
        "Publish", Publication, db.publication_choices, upsert_into(db.REQUESTS), blank_rows=5
    ),
)

RECOMMENDATIONS_SHEET, ACTIONS_SHEET, PUBLISH_SHEET = SHEETS


def write_sheet(path: Path, rows: dict[str, list[dict[str, object]]] | None = None) -> Path:
    """Write step 5's capture sheet (blank, or with rows per sheet), byte-identically."""
    return write_workbook(path, SHEETS, rows)


def current_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Step 5's stored entries per sheet, as rows (a publish request is made, never re-typed)."""
    return {
        "Recommendations": [e.model_dump() for e in db.recommendations(store)],
        "Actions": [e.model_dump() for e in db.actions(store)],
    }


GROUP = register(SheetGroup(5, SHEETS, current_rows))
STATUS_WORKBOOK = register_workbook(WorkbookKind(excel.SHEET, excel.import_status))
