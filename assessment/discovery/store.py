"""Reading and writing discovery's tables: evidence, customer journeys and draft findings.

Every write checks the whole batch first (vocabularies, sites, hypothesis keys, step orders, text
lengths) and raises one :class:`InputError` listing every problem before touching the store; the
write itself is one transaction, so a batch is stored whole or not at all. The tables repeat the
essential rules as constraints (text length, one direction per hypothesis, unique step orders,
foreign keys to hypotheses and evidence), so no other writer can break them either.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from assessment.discovery.models import (
    EVIDENCE_COLUMNS,
    Evidence,
    Finding,
    JourneyStep,
    evidence_frame,
    finding_frame,
    journey_frame,
)
from assessment.discovery.schema import COMPONENT, MIGRATIONS, TABLES
from assessment.discovery.validation import validate_evidence, validate_findings, validate_journey
from assessment.discovery.vocabulary import Vocabulary, vocabulary
from assessment.engagement import Engagement
from assessment.entries import Transaction
from assessment.errors import InputError, Problem
from assessment.store import Store, open_engagement_store, register_schema

register_schema(COMPONENT, MIGRATIONS)

Rows = Iterable[Any]
SaveMode = Literal["upsert", "add", "update"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def ensure(store: Store) -> None:
    """Create or upgrade discovery's tables."""
    store.ensure_schema(COMPONENT, MIGRATIONS)


def open_store(engagement: Engagement) -> Store:
    """The engagement's store, with every step's tables in place (discovery's included)."""
    return open_engagement_store(engagement)


def as_vocabulary(source: Engagement | Vocabulary) -> Vocabulary:
    """The vocabulary of an engagement, or the vocabulary itself."""
    return source if isinstance(source, Vocabulary) else vocabulary(source)


def hypothesis_keys(store: Store) -> set[str]:
    """Keys evidence may bear on: every stored hypothesis, retired ones included.

    Evidence on a hypothesis that a re-run of step 1 retired stays editable.
    """
    return {row["key"] for row in store.query("SELECT key FROM hypotheses")}


def _ids(store: Store, table: str) -> set[str]:
    return {row["id"] for row in store.query(f"SELECT id FROM {table}")}


def write_all(store: Store, write: Callable[[Transaction], None]) -> None:
    """Run writes in one transaction; a constraint the checks missed becomes an InputError.

    Several writers (evidence, journeys, findings of one capture sheet) may share the
    transaction, so a batch spanning tables is stored whole or not at all.
    """
    try:
        with store.transaction() as tx:
            write(tx)
    except sqlite3.IntegrityError as exc:
        raise InputError.single("workbook store", f"rejected, nothing was stored: {exc}") from exc


# -- evidence ------------------------------------------------------------------------------------


def save_evidence(
    store: Store,
    source: Engagement | Vocabulary,
    rows: Rows,
    *,
    mode: SaveMode = "upsert",
    where: str = "evidence",
    first_row: int = 1,
) -> list[str]:
    """Check and store evidence items in one transaction: new ids are added, known ids updated.

    Args:
        store: The workbook store.
        source: The engagement (or its vocabulary) the coding is checked against.
        rows: Evidence records or mappings (labels accepted for coded fields).
        mode: ``upsert``; ``add`` (every id must be new) or ``update`` (every id must exist).
        where: How problems name the batch (a capture sheet's file name).
        first_row: The number of the first row in problem messages.

    Returns:
        The ids stored, in order.

    Raises:
        InputError: Every problem of the batch; the store is unchanged.
    """
    ensure(store)
    records = validate_evidence(
        list(rows), as_vocabulary(source), hypothesis_keys(store), where=where, first_row=first_row
    )
    existing = _ids(store, "discovery_evidence")
    problems = [
        Problem(where, message, location=f"row {n}", field="id")
        for n, r in enumerate(records, start=first_row)
        for message in [_id_problem(r.id, r.id in existing, mode)]
        if message
    ]
    if problems:
        raise InputError(problems)
    now = _now()
    write_all(store, lambda tx: write_evidence(tx, records, now))
    return [r.id for r in records]


def _id_problem(entry_id: str, known: bool, mode: SaveMode) -> str | None:
    if mode == "add" and known:
        return f"evidence {entry_id!r} already exists (update it instead)"
    if mode == "update" and not known:
        return f"no evidence item with id {entry_id!r} to update"
    return None


def add_evidence(store: Store, source: Engagement | Vocabulary, rows: Rows, **kw: Any) -> list[str]:
    """Add new evidence items (see ``save_evidence``); an id already stored is an error."""
    return save_evidence(store, source, rows, mode="add", **kw)


def update_evidence(
    store: Store, source: Engagement | Vocabulary, rows: Rows, **kw: Any
) -> list[str]:
    """Update stored evidence items whole (see ``save_evidence``); an unknown id is an error."""
    return save_evidence(store, source, rows, mode="update", **kw)


_EVIDENCE_FIELDS = [c for c in EVIDENCE_COLUMNS if c != "bears_on"]  # bearings: own table


def _evidence_values(r: Evidence) -> list[Any]:
    """A record as the table's column values (dates as ISO text, lists as JSON, bools 0/1)."""
    data = r.model_dump(mode="json", include=set(_EVIDENCE_FIELDS))
    data["dimensions"] = json.dumps(data["dimensions"])
    data["shareable"] = int(data["shareable"])
    return [data[f] for f in _EVIDENCE_FIELDS]


def write_evidence(tx: Transaction, records: list[Evidence], now: str) -> None:
    """Upsert checked evidence items (and their bearings) inside a transaction."""
    columns = ", ".join(_EVIDENCE_FIELDS)
    updates = ", ".join(f"{c}=excluded.{c}" for c in _EVIDENCE_FIELDS[1:])
    marks = ", ".join("?" * (len(_EVIDENCE_FIELDS) + 2))
    for r in records:
        tx.execute(
            f"INSERT INTO discovery_evidence({columns}, created_at, updated_at) "
            f"VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}, "
            "updated_at=excluded.updated_at",
            (*_evidence_values(r), now, now),
        )
        # the bearings of an item are replaced with it, in the order given
        tx.execute("DELETE FROM discovery_bearings WHERE evidence_id = ?", (r.id,))
        for position, b in enumerate(r.bears_on):
            tx.execute(
                "INSERT INTO discovery_bearings(evidence_id, hypothesis_key, direction, "
                "position) VALUES (?, ?, ?, ?)",
                (r.id, b.hypothesis_key, b.direction, position),
            )


def delete_evidence(store: Store, ids: Iterable[str]) -> None:
    """Delete evidence items in one transaction.

    Raises:
        InputError: An id is unknown, or a finding still rests on the item (unlink it first);
            nothing is deleted.
    """
    ensure(store)
    wanted = list(ids)
    existing = _ids(store, "discovery_evidence")
    problems = [Problem("evidence", f"no evidence item with id {i!r}") for i in wanted]
    problems = [p for p, i in zip(problems, wanted, strict=True) if i not in existing]
    for i in wanted:
        linked = store.query(
            "SELECT finding_id FROM discovery_finding_evidence WHERE evidence_id = ?", (i,)
        )
        if linked:
            names = ", ".join(repr(r["finding_id"]) for r in linked)
            message = f"evidence {i!r} supports finding {names}: unlink it from the finding first"
            problems.append(Problem("evidence", message))
    if problems:
        raise InputError(problems)
    with store.transaction() as tx:
        for i in wanted:
            tx.execute("DELETE FROM discovery_evidence WHERE id = ?", (i,))


def evidence_records(store: Store) -> list[Evidence]:
    """Every stored evidence item, oldest first, as records."""
    ensure(store)
    found: dict[str, list[dict[str, str]]] = {}
    for row in store.query(
        "SELECT evidence_id, hypothesis_key, direction FROM discovery_bearings "
        "ORDER BY evidence_id, position"
    ):
        found.setdefault(row["evidence_id"], []).append(
            {"hypothesis_key": row["hypothesis_key"], "direction": row["direction"]}
        )
    records = []
    for row in store.query("SELECT * FROM discovery_evidence ORDER BY created_at, rowid"):
        data = dict(row)
        del data["created_at"], data["updated_at"]
        data["dimensions"] = json.loads(data["dimensions"])
        data["shareable"] = bool(data["shareable"])
        data["bears_on"] = found.get(row["id"], [])
        records.append(Evidence.model_validate(data))
    return records


def evidence(store: Store) -> pd.DataFrame:
    """Every stored evidence item as the evidence frame (see ``models.evidence_frame``)."""
    return evidence_frame(evidence_records(store))


# -- journeys ------------------------------------------------------------------------------------


def replace_journeys(
    store: Store,
    source: Engagement | Vocabulary,
    rows: Rows,
    *,
    where: str = "journey",
    first_row: int = 1,
) -> list[tuple[str, str]]:
    """Store journeys, each replacing the stored journey of the same kind and site whole.

    Args:
        store: The workbook store.
        source: The engagement (or its vocabulary), for site keys.
        rows: Journey steps of one or more journeys (a journey sheet).
        where: How problems name the batch.
        first_row: The number of the first row in problem messages.

    Returns:
        The (journey, site) pairs replaced.

    Raises:
        InputError: Every problem (a repeated step order among them); the store is unchanged.
    """
    ensure(store)
    steps = validate_journey(list(rows), as_vocabulary(source), where=where, first_row=first_row)
    groups = list(dict.fromkeys((s.journey, s.site) for s in steps))
    write_all(store, lambda tx: write_journeys(tx, groups, steps))
    return groups


def write_journeys(
    tx: Transaction, groups: list[tuple[str, str]], steps: list[JourneyStep]
) -> None:
    """Replace the journeys ``groups`` names with checked ``steps`` inside a transaction."""
    for journey, site in groups:
        tx.execute(
            "DELETE FROM discovery_journey_steps WHERE journey = ? AND site = ?",
            (journey, site),
        )
    for s in steps:
        values = s.model_dump(mode="json") | {"value_adding": int(s.value_adding)}
        tx.execute(
            "INSERT INTO discovery_journey_steps(journey, site, step_order, step, owner, "
            "channel, duration_days, value_adding) VALUES (:journey, :site, :order, :step, "
            ":owner, :channel, :duration_days, :value_adding)",
            values,
        )


def delete_journey(store: Store, journey: str, site: str) -> None:
    """Delete one stored journey (nothing happens when there is none)."""
    ensure(store)
    with store.transaction() as tx:
        tx.execute(
            "DELETE FROM discovery_journey_steps WHERE journey = ? AND site = ?", (journey, site)
        )


def journeys(store: Store) -> pd.DataFrame:
    """Every stored journey step as the journey frame (see ``models.journey_frame``)."""
    ensure(store)
    rows = store.query(
        'SELECT journey, site, step_order AS "order", step, owner, channel, duration_days, '
        "value_adding FROM discovery_journey_steps"
    )
    return journey_frame(JourneyStep.model_validate(dict(r)) for r in rows)


# -- findings ------------------------------------------------------------------------------------


def save_findings(
    store: Store,
    source: Engagement | Vocabulary,
    rows: Rows,
    *,
    where: str = "findings",
    first_row: int = 1,
) -> list[str]:
    """Check and store findings in one transaction (new ids added, known ids replaced whole).

    Raises:
        InputError: Every problem (unknown heading, unknown evidence id); the store is unchanged.
    """
    ensure(store)
    records = validate_findings(
        list(rows),
        as_vocabulary(source),
        _ids(store, "discovery_evidence"),
        where=where,
        first_row=first_row,
    )
    now = _now()
    write_all(store, lambda tx: write_findings(tx, records, now))
    return [r.id for r in records]


def write_findings(tx: Transaction, records: list[Finding], now: str) -> None:
    """Upsert checked findings (and their links to evidence) inside a transaction."""
    for r in records:
        tx.execute(
            "INSERT INTO discovery_findings(id, heading, statement, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET heading=excluded.heading, "
            "statement=excluded.statement, updated_at=excluded.updated_at",
            (r.id, r.heading, r.statement, now, now),
        )
        tx.execute("DELETE FROM discovery_finding_evidence WHERE finding_id = ?", (r.id,))
        for position, evidence_id in enumerate(r.evidence_ids):
            tx.execute(
                "INSERT INTO discovery_finding_evidence(finding_id, evidence_id, position) "
                "VALUES (?, ?, ?)",
                (r.id, evidence_id, position),
            )


def delete_findings(store: Store, ids: Iterable[str]) -> None:
    """Delete findings (and their links to evidence) in one transaction.

    Raises:
        InputError: An id is unknown; nothing is deleted.
    """
    ensure(store)
    wanted = list(ids)
    existing = _ids(store, "discovery_findings")
    unknown = [
        Problem("findings", f"no finding with id {i!r}") for i in wanted if i not in existing
    ]
    if unknown:
        raise InputError(unknown)
    with store.transaction() as tx:
        for i in wanted:
            tx.execute("DELETE FROM discovery_findings WHERE id = ?", (i,))


def finding_records(store: Store) -> list[Finding]:
    """Every stored finding, oldest first, with its evidence ids in the order given."""
    ensure(store)
    links: dict[str, list[str]] = {}
    for row in store.query(
        "SELECT finding_id, evidence_id FROM discovery_finding_evidence "
        "ORDER BY finding_id, position"
    ):
        links.setdefault(row["finding_id"], []).append(row["evidence_id"])
    rows = store.query(
        "SELECT id, heading, statement FROM discovery_findings ORDER BY created_at, rowid"
    )
    return [
        Finding.model_validate(dict(r) | {"evidence_ids": links.get(r["id"], [])}) for r in rows
    ]


def findings(store: Store) -> pd.DataFrame:
    """Every stored finding as the findings frame (see ``models.finding_frame``)."""
    return finding_frame(finding_records(store))


def counts(store: Store) -> Mapping[str, int]:
    """How many rows each discovery table holds (to show what was stored, and in tests)."""
    ensure(store)
    return {t: int(store.query(f"SELECT count(*) AS n FROM {t}")[0]["n"]) for t in TABLES}
