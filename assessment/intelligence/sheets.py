"""Step 2's capture sheets: intelligence notes and scope areas, registered for ``assess capture``.

Scope areas come before the scope items of step 3 that name them: an area typed in the same file
is offered to those items once it is agreed.
"""

from __future__ import annotations

from typing import Any

from assessment.capture import SheetSpec, upsert_into
from assessment.capture_registry import SheetGroup, register
from assessment.intelligence import store as db
from assessment.intelligence.models import IntelligenceNote, ScopeArea
from assessment.store import Store

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Intelligence", IntelligenceNote, db.note_choices, upsert_into(db.NOTES)),
    SheetSpec(
        "Scope areas",
        ScopeArea,
        db.area_choices,
        upsert_into(db.AREAS),
        provides=("area_id", "title"),
        offers=lambda area: area.agreed,  # scope items go under agreed areas only
    ),
)


def current_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Step 2's stored entries per sheet, as rows (``assess capture`` pre-fills them)."""
    return {
        "Intelligence": [e.model_dump() for e in db.notes(store)],
        "Scope areas": [e.model_dump() for e in db.areas(store)],
    }


GROUP = register(SheetGroup(2, SHEETS, current_rows))
