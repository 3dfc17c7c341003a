"""Step 3's tables in the workbook store: scope items, activities and versioned agreements.

An agreement freezes the scope as it stands (agreed areas, items, activities) into a snapshot
with a digest. The scope's version is the number of the agreement it matches: when the scope
changes after an agreement, it becomes the draft of the next version until that is agreed, and
the report keeps showing the last agreed version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from assessment import entries
from assessment.engagement import Engagement
from assessment.entries import Choices
from assessment.intelligence import scope_areas
from assessment.scoping.models import KIND_LABELS, Activity, Agreement, ScopeItem
from assessment.store import Store, open_engagement_store, register_schema

COMPONENT = "scoping"
ITEMS = "scope_items"
ACTIVITIES = "scope_activities"
AGREEMENTS = "scope_agreements"

# Append only: never edit a released migration.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE scope_items (
        id           TEXT PRIMARY KEY,
        area_id      TEXT NOT NULL,
        title        TEXT NOT NULL,
        detail       TEXT NOT NULL DEFAULT '',
        deliverable  TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE TABLE scope_activities (
        id             TEXT PRIMARY KEY,
        title          TEXT NOT NULL,
        kind           TEXT NOT NULL,
        scope_item_id  TEXT,
        site           TEXT,
        person         TEXT NOT NULL,
        start          TEXT NOT NULL,
        end            TEXT NOT NULL,
        days           REAL NOT NULL CHECK (days > 0),
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE scope_agreements (
        id           TEXT PRIMARY KEY,
        version      INTEGER NOT NULL,
        digest       TEXT NOT NULL,
        snapshot     TEXT NOT NULL,
        agreed_by    TEXT NOT NULL,
        agreed_role  TEXT NOT NULL,
        agreed_on    TEXT NOT NULL,
        note         TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    """,
)


register_schema(COMPONENT, MIGRATIONS)


def open_store(engagement: Engagement) -> Store:
    """The engagement's store, with every step's tables in place (step 3's included)."""
    return open_engagement_store(engagement)


def items(db: Store | entries.Transaction) -> list[ScopeItem]:
    """Every scope item, oldest first."""
    return entries.load(db, ITEMS, ScopeItem)


def activities(db: Store | entries.Transaction) -> list[Activity]:
    """Every activity, oldest first."""
    return entries.load(db, ACTIVITIES, Activity)


def item_choices(store: Store, engagement: Engagement) -> Choices:
    """A scope item belongs to an area agreed to be in scope."""
    return {"area_id": {a.id: a.title for a in scope_areas(store) if a.agreed}}


def activity_choices(store: Store, engagement: Engagement) -> Choices:
    """An activity names a scope item, a site and a member of the team."""
    return {
        "kind": KIND_LABELS,
        "scope_item_id": {i.id: i.title for i in items(store)},
        "site": engagement.site_choices(),
        "person": {m.name: f"{m.name} ({m.role})" for m in engagement.team},
    }


def agreement_choices(store: Store, engagement: Engagement) -> Choices:
    """An agreement refers to nothing else."""
    return {}


def current_scope(db: Store | entries.Transaction) -> dict[str, list[dict[str, Any]]]:
    """The scope as it stands, by content (no ids), in a fixed order: what an agreement freezes."""
    areas = {a.id: a for a in scope_areas(db)}
    found = items(db)
    titles = {i.id: i.title for i in found}
    agreed = [{"title": a.title, "description": a.description} for a in areas.values() if a.agreed]
    scope_items = [
        {
            "area": areas[i.area_id].title,
            "title": i.title,
            "detail": i.detail,
            "deliverable": i.deliverable,
        }
        for i in found
        if i.area_id in areas and areas[i.area_id].agreed  # an area taken out takes its items
    ]
    plan = [
        a.model_dump(mode="json", exclude={"id", "scope_item_id"})
        | {"scope_item": titles.get(a.scope_item_id or "")}
        for a in activities(db)
    ]
    return {
        "areas": sorted(agreed, key=lambda r: r["title"]),
        "items": sorted(scope_items, key=lambda r: (r["area"], r["title"])),
        "activities": sorted(plan, key=lambda r: (r["start"], r["title"], r["person"])),
    }


def digest(scope: dict[str, Any]) -> str:
    """A fingerprint of a scope's content: equal content, equal digest."""
    text = json.dumps(scope, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AgreedVersion:
    """One recorded agreement and the scope it froze."""

    version: int
    agreed_by: str
    agreed_role: str
    agreed_on: str
    note: str
    digest: str
    scope: dict[str, list[dict[str, Any]]]


def agreements(db: Store | entries.Transaction) -> list[AgreedVersion]:
    """Every recorded agreement, oldest first."""
    found = entries.rows(
        db,
        f"SELECT version, agreed_by, agreed_role, agreed_on, note, digest, snapshot "
        f"FROM {AGREEMENTS} ORDER BY version, created_at, rowid",
    )
    return [
        AgreedVersion(
            int(r["version"]),
            r["agreed_by"],
            r["agreed_role"],
            r["agreed_on"],
            r["note"],
            r["digest"],
            json.loads(r["snapshot"]),
        )
        for r in found
    ]


def record_agreement(tx: entries.Transaction, agreement: Agreement) -> int:
    """Record the client's agreement to the scope as it stands now; returns its version.

    The same scope agreed again keeps its version; a scope changed since the last agreement
    gets the next version number.
    """
    scope = current_scope(tx)
    fingerprint = digest(scope)
    previous = agreements(tx)
    latest = previous[-1] if previous else None
    if latest is not None and latest.digest == fingerprint:
        version = latest.version
    else:
        version = (latest.version if latest else 0) + 1
    tx.execute(
        f"INSERT INTO {AGREEMENTS}(id, version, digest, snapshot, agreed_by, agreed_role, "
        "agreed_on, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "datetime('now'), datetime('now')) ON CONFLICT(id) DO NOTHING",
        (
            agreement.id,
            version,
            fingerprint,
            json.dumps(scope, sort_keys=True, ensure_ascii=False),
            agreement.agreed_by,
            agreement.agreed_role,
            agreement.agreed_on.isoformat(),
            agreement.note,
        ),
    )
    return version
