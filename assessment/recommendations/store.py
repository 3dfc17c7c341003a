"""Step 5's tables in the workbook store, the draft plan, publishing and the client frames.

Recommendations and actions are drafts the consultant edits freely. ``publish`` checks the plan
(every agreed recommendation's actions must pass SMART), freezes it into the client frames
``recommendations.*`` and records the version; later edits are a draft until published again.
The client report reads only those stored frames.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from assessment import entries
from assessment.discovery import stored_findings
from assessment.engagement import Engagement
from assessment.entries import Choices, Transaction
from assessment.errors import InputError, Problem
from assessment.recommendations.models import (
    ALL_SITES,
    STATUS_LABELS,
    Action,
    Publication,
    Recommendation,
)
from assessment.recommendations.plan import empty_performance, evaluate_plan, kpi_key
from assessment.store import Store, open_engagement_store, register_schema

COMPONENT = "recommendations"
STEP = "recommendations"
RECOMMENDATIONS = "rec_recommendations"
ACTIONS = "rec_actions"
REQUESTS = "rec_publish_requests"
PUBLICATIONS = "rec_publications"
PERFORMANCE_FRAME = "data_analysis.performance_by_period"
FLOW_PLAN_FRAME = "data_analysis.flow_plan_months"
STATUS_FIELDS = ("status", "status_note", "status_date")

# Append only: never edit a released migration.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE rec_recommendations (
        id           TEXT PRIMARY KEY,
        action_area  TEXT NOT NULL,
        title        TEXT NOT NULL,
        statement    TEXT NOT NULL DEFAULT '',
        finding_ids  TEXT NOT NULL,
        agreed       INTEGER NOT NULL CHECK (agreed IN (0, 1)),
        agreed_by    TEXT NOT NULL DEFAULT '',
        agreed_on    TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE TABLE rec_actions (
        id                 TEXT PRIMARY KEY,
        recommendation_id  TEXT NOT NULL REFERENCES rec_recommendations(id) ON DELETE CASCADE,
        task               TEXT NOT NULL,
        measure            TEXT NOT NULL,
        site               TEXT NOT NULL,
        baseline           REAL,
        current            REAL,
        target             REAL NOT NULL,
        expected_outcome   TEXT NOT NULL,
        owner              TEXT NOT NULL DEFAULT '',
        set_on             TEXT NOT NULL,
        target_date        TEXT NOT NULL,
        stage              TEXT NOT NULL,
        days               REAL CHECK (days IS NULL OR days >= 0),
        cost               REAL CHECK (cost IS NULL OR cost >= 0),
        stretch_reason     TEXT NOT NULL DEFAULT '',
        status             TEXT NOT NULL,
        status_note        TEXT NOT NULL DEFAULT '',
        status_date        TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
    );
    CREATE TABLE rec_publish_requests (
        id            TEXT PRIMARY KEY,
        published_by  TEXT NOT NULL,
        published_on  TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE rec_publications (
        version       INTEGER PRIMARY KEY,
        request_id    TEXT NOT NULL,
        digest        TEXT NOT NULL,
        published_by  TEXT NOT NULL,
        published_on  TEXT NOT NULL,
        actions       INTEGER NOT NULL,
        created_at    TEXT NOT NULL
    );
    """,
    # 2: the client's own staff days of an action (costed at engagement.yaml client_day_rate)
    """
    ALTER TABLE rec_actions ADD COLUMN client_days REAL
        CHECK (client_days IS NULL OR client_days >= 0);
    """,
    # 3: what-if scenarios the consultant saved (levers as JSON; the client's page never writes)
    """
    CREATE TABLE rec_scenarios (
        name        TEXT PRIMARY KEY,
        levers      TEXT NOT NULL,
        benchmarks  TEXT NOT NULL DEFAULT '[]',
        saved_by    TEXT NOT NULL,
        saved_on    TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    """,
)


register_schema(COMPONENT, MIGRATIONS)


def open_store(engagement: Engagement) -> Store:
    """The engagement's store, with every step's tables in place (step 5's included)."""
    return open_engagement_store(engagement)


def recommendations(db: Store | Transaction) -> list[Recommendation]:
    """Every recommendation, oldest first."""
    return entries.load(db, RECOMMENDATIONS, Recommendation)


def actions(db: Store | Transaction) -> list[Action]:
    """Every action, oldest first."""
    return entries.load(db, ACTIONS, Action)


def requests(db: Store | Transaction) -> list[Publication]:
    """Every request to publish, oldest first."""
    return entries.load(db, REQUESTS, Publication)


# -- choices and validation ----------------------------------------------------------------------


def stage_choices(engagement: Engagement) -> dict[str, str]:
    """Stages an action can carry: every stage above base camp."""
    return {s.name: s.name for s in engagement.roadmap.stages if s.fraction is not None}


def recommendation_choices(store: Store, engagement: Engagement) -> Choices:
    """A recommendation names findings by id; step 5's SMART check verifies them."""
    return {}


def action_choices(store: Store, engagement: Engagement) -> Choices:
    """An action names a recommendation, a site (or ALL), a roadmap stage and a status."""
    return {
        "recommendation_id": {r.id: r.title for r in recommendations(store)},
        "site": {ALL_SITES: "ALL (the contract as a whole)"} | engagement.site_choices(),
        "stage": stage_choices(engagement),
        "status": STATUS_LABELS,
    }


def publication_choices(store: Store, engagement: Engagement) -> Choices:
    """A publish request refers to nothing else."""
    return {}


def _parse(
    model: type[BaseModel],
    rows: Iterable[BaseModel | Mapping[str, Any]],
    choices: Choices,
    where: str,
) -> tuple[list[Any], list[Problem]]:
    """Validate every row; (records, problems naming the row and field)."""
    records, problems = [], []
    for number, row in enumerate(rows, start=1):
        values = row.model_dump() if isinstance(row, BaseModel) else dict(row)
        values = {
            k: entries.resolve_choice(v, choices[k]) if k in choices else v
            for k, v in values.items()
        }
        found = [
            Problem(where, m, f"row {number}", f) for f, m in entries.check_values(values, choices)
        ]
        try:
            record = model.model_validate(values)
        except ValidationError as error:
            found += [_problem(where, number, e) for e in error.errors()]
        else:
            records.append(record)
        problems += found
    return records, problems


def _problem(where: str, number: int, error: Any) -> Problem:
    message = str(error["msg"]).removeprefix("Value error, ")
    field = str(error["loc"][0]) if error["loc"] else None
    return Problem(where, message, f"row {number}", field)


def save_plan(
    engagement: Engagement,
    recommendation_rows: Iterable[Recommendation | Mapping[str, Any]] = (),
    action_rows: Iterable[Action | Mapping[str, Any]] = (),
) -> tuple[list[str], list[str]]:
    """Check a batch of recommendations and actions, then store it in one transaction.

    Saved as a draft: SMART failures do not stop a save (they stop publishing).

    Returns:
        The ids of the recommendations and of the actions stored.

    Raises:
        InputError: Every problem of every row (field, row number); the store is unchanged.
    """
    with open_store(engagement) as store:
        recs, problems = _parse(Recommendation, recommendation_rows, {}, "recommendations")
        choices = action_choices(store, engagement)
        choices["recommendation_id"] |= {r.id: r.title for r in recs}
        acts, more = _parse(Action, action_rows, choices, "actions")
        if problems + more:
            raise InputError(problems + more)
        with store.transaction() as tx:
            for record in [*recs, *acts]:
                entries.upsert(
                    tx, RECOMMENDATIONS if isinstance(record, Recommendation) else ACTIONS, record
                )
    return [r.id for r in recs], [a.id for a in acts]


# -- the draft plan ------------------------------------------------------------------------------


def performance(store: Store) -> pd.DataFrame:
    """Step 1's monthly performance per site and KPI (no rows before step 1 has run)."""
    if not store.has_frame(PERFORMANCE_FRAME):
        return empty_performance()
    return store.frame(PERFORMANCE_FRAME)


def finding_ids(store: Store) -> set[str]:
    """Ids of the findings step 4 has stored."""
    return set(stored_findings(store)["id"])


def draft_plan(engagement: Engagement, store: Store) -> pd.DataFrame:
    """The plan as it stands in the store, evaluated against today's data (every action)."""
    flow = FLOW_PLAN_FRAME if store.has_frame(FLOW_PLAN_FRAME) else None
    return evaluate_plan(
        engagement,
        performance(store),
        finding_ids(store),
        recommendations(store),
        actions(store),
        store.frame(flow) if flow else None,
    )


def digest(engagement: Engagement, store: Store | Transaction) -> str:
    """A fingerprint of the plan's content, as it is read.

    Client status updates do not change it, nor do values that are not used: a typed baseline
    or current value of a KPI (computed from the data), or a blank days or cost against zero
    (a form shows blank numbers as 0).
    """
    content = {
        "recommendations": [r.model_dump(mode="json") for r in recommendations(store)],
        "actions": [_content(engagement, a) for a in actions(store)],
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _content(engagement: Engagement, action: Action) -> dict[str, Any]:
    unused = set(STATUS_FIELDS)
    if kpi_key(engagement, action.measure) is not None:
        unused |= {"baseline", "current"}
    values = action.model_dump(mode="json", exclude=unused)
    return values | {"days": action.days or 0.0, "cost": action.cost or 0.0}


def publications(store: Store | Transaction) -> list[dict[str, Any]]:
    """Every published version, oldest first."""
    rows = entries.rows(store, f"SELECT * FROM {PUBLICATIONS} ORDER BY version")
    return [dict(r) for r in rows]


def write_statuses(store: Store, updates: Sequence[Mapping[str, Any]]) -> None:
    """Set status, note and date of actions by id, in one transaction."""
    with store.transaction() as tx:
        for u in updates:
            tx.execute(
                f"UPDATE {ACTIONS} SET status=?, status_note=?, status_date=?, "
                "updated_at=datetime('now') WHERE id=?",
                (u["status"], u["status_note"], u["status_date"], u["id"]),
            )
