"""The workbook store: one SQLite file per engagement, where every step keeps its results.

Generated results (frames a step computes) are replaced whole on each run. Consultants' entries
(intelligence notes, evidence, plans) live in each step's own tables keyed on stable keys, so a
re-run never loses them. The core schema is versioned with ``PRAGMA user_version`` and upgraded
by ordered migrations; each step registers its own tables (:func:`register_schema`), which every
opening of the store brings up to date. Every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, Protocol

import pandas as pd

from assessment.errors import WorkbookError
from assessment.store_file import check_file, create_file, damaged, unwritable
from assessment.store_schema import MIGRATIONS, SCHEMA_VERSION

_COMPONENTS: dict[str, tuple[str, ...]] = {}
"""Component -> its migrations: the tables of each step (and of the capture ledger)."""


def register_schema(component: str, migrations: Sequence[str]) -> None:
    """Register a component's tables: every store opened from now on has them up to date.

    Each step registers its own tables when its ``store`` module is imported, so opening the
    store (:class:`Store`) is the one place that ensures every step's schema, and no step opens
    another's store module to get at its tables.
    """
    _COMPONENTS[component] = tuple(migrations)


def registered_schemas() -> dict[str, tuple[str, ...]]:
    """Every registered component and its migrations, in the order they were registered."""
    return dict(_COMPONENTS)


_HYPOTHESIS_FIELDS = ("key", "kind", "site", "kpi", "title", "statement", "figures")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StoreVersionError(RuntimeError):
    """The store was written by a newer workbook than the one reading it."""


class Store:
    """An engagement's workbook store.

    Args:
        path: The SQLite file; created, and migrated to the current schema, on first use.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unwritable(self.path, error) from None
        if not self.path.exists():
            create_file(self.path, MIGRATIONS)
        check_file(self.path)
        # autocommit mode: transactions are opened explicitly by `transaction()`
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise self.explain(error) from None
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
            for component, migrations in _COMPONENTS.items():
                self.ensure_schema(component, migrations)
        except sqlite3.Error as error:
            self._conn.close()
            raise self.explain(error) from None
        except BaseException:
            self._conn.close()  # a store this workbook cannot open is not left locked open
            raise

    def explain(self, error: sqlite3.Error) -> WorkbookError | sqlite3.Error:
        """A clear error naming the file for SQLite's bare one (others are returned as they are)."""
        text = str(error).lower()
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return unwritable(self.path, error)
        if "disk is full" in text or "disk i/o" in text:
            return unwritable(self.path, error)
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return damaged(self.path, f"the workbook store is damaged ({error})")
        return error

    def check(self) -> None:
        """Read every page of the store (SQLite's ``quick_check``): a damaged store is named.

        Raises:
            StoreDamaged: A page cannot be read or an index does not match its table.
        """
        try:
            rows = [r[0] for r in self._conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            raise damaged(self.path, f"the workbook store is damaged ({error})") from None
        if rows != ["ok"]:
            raise damaged(self.path, f"the workbook store is damaged ({'; '.join(rows[:3])})")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @property
    def version(self) -> int:
        """The schema version of the file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to date, one migration per transaction."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} has schema version {current}, newer than this workbook's "
                f"{SCHEMA_VERSION}: upgrade the workbook before opening it"
            )
        if current == SCHEMA_VERSION:
            return
        with self.transaction() as conn:
            # read again under the write lock: another process may have migrated meanwhile
            current = self.version
            for number in range(current, SCHEMA_VERSION):
                conn.executescript_in_tx(MIGRATIONS[number])
                conn.execute(f"PRAGMA user_version = {number + 1}")

    def ensure_schema(self, component: str, migrations: Sequence[str]) -> None:
        """Bring one component's tables (a step's own) up to date.

        Each step keeps its own ordered, append-only migrations and calls this before using its
        tables, so steps add tables independently of one another and of the core schema.

        Raises:
            StoreVersionError: The file holds a newer version of the component than the code.
        """
        current = self._component_version(component)
        if current > len(migrations):
            raise StoreVersionError(
                f"{self.path}: '{component}' tables have version {current}, newer than this "
                f"workbook's {len(migrations)}: upgrade the workbook before opening it"
            )
        if current == len(migrations):
            return
        with self.transaction() as tx:
            # read again under the write lock: two processes creating the same tables at once
            # (two runs of a fresh engagement) must not both run the same migration
            for number in range(self._component_version(component), len(migrations)):
                tx.executescript_in_tx(migrations[number])
                tx.execute(
                    "INSERT INTO schema_components(component, version) VALUES (?, ?) "
                    "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                    (component, number + 1),
                )

    def _component_version(self, component: str) -> int:
        row = self._conn.execute(
            "SELECT version FROM schema_components WHERE component = ?", (component,)
        ).fetchone()
        return int(row["version"]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """A write transaction: everything inside commits together or not at all."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            self._raise_explained(error)
        try:
            yield _Tx(self._conn)
            self._conn.execute("COMMIT")
        except BaseException as error:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):  # a full disk, a damaged page: name the file
                self._raise_explained(error)
            raise

    def _raise_explained(self, error: sqlite3.Error) -> NoReturn:
        explained = self.explain(error)
        if isinstance(explained, WorkbookError):
            raise explained from error
        raise error

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query."""
        return self._conn.execute(sql, params).fetchall()

    # -- generated frames ------------------------------------------------------------------

    def put_frames(self, step: str, frames: Mapping[str, pd.DataFrame]) -> None:
        """Replace the named result frames of a step, all in one transaction."""
        with self.transaction() as tx:
            write_frames(tx, step, frames)

    def frame(self, name: str) -> pd.DataFrame:
        """A stored result frame.

        Raises:
            KeyError: When no step has stored a frame of that name yet.
        """
        row = self._conn.execute("SELECT data FROM frames WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise KeyError(f"no stored result '{name}' in {self.path}: run the step that makes it")
        return pd.read_parquet(io.BytesIO(row["data"]))

    def has_frame(self, name: str) -> bool:
        """Whether a result frame of that name is stored."""
        sql = "SELECT 1 FROM frames WHERE name = ?"
        return self._conn.execute(sql, (name,)).fetchone() is not None

    def frame_names(self, step: str | None = None) -> list[str]:
        """Names of stored frames, optionally of one step."""
        if step is None:
            rows = self._conn.execute("SELECT name FROM frames ORDER BY name")
        else:
            rows = self._conn.execute("SELECT name FROM frames WHERE step=? ORDER BY name", (step,))
        return [r["name"] for r in rows]

    # -- hypotheses --------------------------------------------------------------------------

    def sync_hypotheses(self, step: str, hypotheses: Iterable[dict[str, Any]]) -> None:
        """Store a step's current hypotheses without losing anything attached to earlier ones.

        A hypothesis seen before (same key) gets its new statement and figures; one no longer
        suggested is marked retired, never deleted, so annotations on it are kept.
        """
        now = _now()
        rows = list(hypotheses)
        with self.transaction() as tx:
            tx.execute("UPDATE hypotheses SET status='retired' WHERE step = ?", (step,))
            for position, h in enumerate(rows):
                values = [h[f] for f in _HYPOTHESIS_FIELDS]
                values[-1] = json.dumps(values[-1], sort_keys=True, default=str)
                tx.execute(
                    "INSERT INTO hypotheses(key, kind, site, kpi, title, statement, figures, "
                    "step, status, position, first_seen, last_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'current', ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET kind=excluded.kind, site=excluded.site, "
                    "kpi=excluded.kpi, title=excluded.title, statement=excluded.statement, "
                    "figures=excluded.figures, step=excluded.step, status='current', "
                    "position=excluded.position, last_seen=excluded.last_seen",
                    (*values, step, position, now, now),
                )

    def hypotheses(self, include_retired: bool = False) -> pd.DataFrame:
        """The stored hypotheses in the order their step produced them."""
        where = "" if include_retired else "WHERE status = 'current'"
        rows = self._conn.execute(
            f"SELECT key, kind, site, kpi, title, statement, figures, status, first_seen, "
            f"last_seen FROM hypotheses {where} ORDER BY status, position, key"
        ).fetchall()
        columns = [
            "key",
            "kind",
            "site",
            "kpi",
            "title",
            "statement",
            "figures",
            "status",
            "first_seen",
            "last_seen",
        ]
        frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
        frame["figures"] = frame["figures"].map(json.loads)
        return frame

    def backup_to(self, target: str | Path) -> Path:
        """Write a consistent copy of the store (SQLite's online backup) to ``target``."""
        target = Path(target)
        tmp = target.with_name(target.name + ".tmp")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        dest = sqlite3.connect(tmp)
        try:
            self._conn.backup(dest)
        except sqlite3.Error as error:  # "database or disk is full": no half copy is left
            dest.close()
            tmp.unlink(missing_ok=True)
            raise OSError(f"{target}: the backup could not be written ({error})") from error
        finally:
            dest.close()
        tmp.replace(target)
        return target


class _Tx:
    """The connection as seen inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Execute one statement inside the transaction."""
        return self._conn.execute(sql, params)

    def executescript_in_tx(self, script: str) -> None:
        """Run several statements inside the transaction.

        ``sqlite3.executescript`` would commit first, so the script is split and run statement by
        statement to keep a migration all-or-nothing.
        """
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)


def write_frames(tx: Any, step: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Replace result frames inside an open transaction (with other writes, or not at all).

    Args:
        tx: The transaction (``Store.transaction()``).
        step: The step that owns the frames.
        frames: Frame name -> frame.
    """
    blobs = {name: _to_parquet(frame) for name, frame in frames.items()}  # before any write
    for name, blob in blobs.items():
        tx.execute(
            "INSERT INTO frames(name, step, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET step=excluded.step, data=excluded.data, "
            "updated_at=excluded.updated_at",
            (name, step, blob, _now()),
        )


def _to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def open_store(path: str | Path) -> Store:
    """Open (and if needed create and migrate) a workbook store."""
    return Store(path)


class HasStore(Protocol):
    """Anything that knows where its store is (an engagement)."""

    @property
    def store_path(self) -> Path:
        """The engagement's SQLite file."""


def open_engagement_store(engagement: HasStore) -> Store:
    """The engagement's store with every registered step's tables in place.

    The one way a step opens the store: each step's ``open_store`` is this function.
    """
    return Store(engagement.store_path)
