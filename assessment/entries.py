"""Consultants' entries: typed records with stable ids, kept in a step's own store tables.

Steps 2 onwards collect what people type (intelligence notes, scope items, activities). Each kind
is a pydantic model derived from :class:`Entry`, stored one row per entry in a table whose columns
are the model's fields plus ``created_at`` and ``updated_at``. The id is generated once and never
changes, so a form, a capture sheet and a re-run all address the same entry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from assessment.store import Store


def new_id() -> str:
    """A short random id for a new entry (48 bits: unique within any engagement)."""
    return secrets.token_hex(6)


class Entry(BaseModel):
    """Base of every consultant entry: a stable id and strict, stripped fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    id: str = Field(default_factory=new_id, min_length=1, max_length=64, title="Id")


E = TypeVar("E", bound=Entry)


class Transaction(Protocol):
    """An open transaction of the store (``Store.transaction()``): runs SQL, commits with it."""

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any:
        """Run one statement."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


Database = Transaction
"""The former name of :class:`Transaction` (it never was a database), kept for old callers."""


def rows(db: Store | Transaction, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows of a read query, from the store or from inside a transaction (sees its writes)."""
    if isinstance(db, Store):
        return db.query(sql, params)
    return db.execute(sql, params).fetchall()


def upsert(tx: Transaction, table: str, entry: Entry) -> None:
    """Insert the entry, or update every field of the entry with the same id."""
    data = entry.model_dump(mode="json")
    columns = list(data)
    values = [_column_value(data[c]) for c in columns]
    updates = ", ".join(f"{c}=excluded.{c}" for c in columns if c != "id")
    now = _now()
    tx.execute(
        f"INSERT INTO {table}({', '.join(columns)}, created_at, updated_at) "
        f"VALUES ({', '.join('?' * (len(columns) + 2))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}, updated_at=excluded.updated_at",
        (*values, now, now),
    )


def _column_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def delete(tx: Transaction, table: str, entry_id: str) -> None:
    """Delete one entry by id (nothing happens when there is none)."""
    tx.execute(f"DELETE FROM {table} WHERE id = ?", (entry_id,))


def load(db: Store | Transaction, table: str, model: type[E]) -> list[E]:
    """Every entry of a table, oldest first, as validated records."""
    names = list(model.model_fields)
    found = rows(db, f"SELECT {', '.join(names)} FROM {table} ORDER BY created_at, rowid")
    return [model.model_validate(dict(zip(names, tuple(r), strict=True))) for r in found]


def save_one(store: Store, table: str, entry: Entry) -> None:
    """Save one entry in its own transaction."""
    with store.transaction() as tx:
        upsert(tx, table, entry)


def delete_one(store: Store, table: str, entry_id: str) -> None:
    """Delete one entry in its own transaction."""
    with store.transaction() as tx:
        delete(tx, table, entry_id)


Choices = dict[str, dict[str, str]]
"""Field name -> {allowed value: label shown to people}, for fields that refer to other things."""


def check_choices(entry: Entry, choices: Choices) -> list[tuple[str, str]]:
    """Problems of an entry whose fields name something unknown (a hypothesis, a site, a person).

    Returns:
        (field, message) pairs; empty when every reference is known.
    """
    return check_values(entry.model_dump(), choices)


def check_values(values: dict[str, Any], choices: Choices) -> list[tuple[str, str]]:
    """Like ``check_choices``, on raw field values (so a row's every problem is found at once)."""
    problems = []
    for field, allowed in choices.items():
        value = values.get(field)
        if value is None or value in allowed:
            continue
        names = list(allowed.values())  # what people see and may type
        expected = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") or "none yet"
        problems.append((field, f"unknown value {value!r} (expected one of: {expected})"))
    return problems


def resolve_choice(value: Any, allowed: dict[str, str]) -> Any:
    """The key a person meant: a key itself, a label or an alias, matched regardless of case."""
    if value is None or value in allowed:
        return value
    wanted = str(value).strip().casefold()
    for key, label in allowed.items():
        if wanted in (key.casefold(), label.casefold()):
            return key
    # a site's choices carry its aliases (engagement.SiteNames): accepted as the extracts are
    return getattr(allowed, "aliases", {}).get(wanted, value)
