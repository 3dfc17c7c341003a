"""Step 3's capture sheets: scope items, activities and the agreement, registered.

The agreement comes last, so an agreement freezes the scope the same file has just written.
"""

from __future__ import annotations

from typing import Any

from assessment.capture import SheetSpec, upsert_into
from assessment.capture_registry import SheetGroup, register
from assessment.scoping import store as db
from assessment.scoping.models import Activity, Agreement, ScopeItem
from assessment.store import Store

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Scope items",
        ScopeItem,
        db.item_choices,
        upsert_into(db.ITEMS),
        provides=("scope_item_id", "title"),
    ),
    SheetSpec("Activities", Activity, db.activity_choices, upsert_into(db.ACTIVITIES)),
    SheetSpec("Agreement", Agreement, db.agreement_choices, db.record_agreement, blank_rows=5),
)


def current_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Step 3's stored entries per sheet, as rows (an agreement is recorded, never re-typed)."""
    return {
        "Scope items": [e.model_dump() for e in db.items(store)],
        "Activities": [e.model_dump() for e in db.activities(store)],
    }


GROUP = register(SheetGroup(3, SHEETS, current_rows))
