"""The store's core tables (result frames, hypotheses) and their ordered migrations.

The core schema is versioned with ``PRAGMA user_version``; each step's own tables are registered
with :func:`assessment.store.register_schema` and versioned per component.
"""

from __future__ import annotations

# Each migration upgrades the schema by one version. Append only: never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE frames (
        name        TEXT PRIMARY KEY,
        step        TEXT NOT NULL,
        data        BLOB NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE hypotheses (
        key         TEXT PRIMARY KEY,
        step        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        site        TEXT,
        kpi         TEXT,
        title       TEXT NOT NULL,
        statement   TEXT NOT NULL,
        figures     TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('current', 'retired')),
        position    INTEGER NOT NULL DEFAULT 0,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL
    );
    CREATE TABLE annotations (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        hypothesis_key  TEXT NOT NULL REFERENCES hypotheses(key),
        stance          TEXT NOT NULL,
        note            TEXT NOT NULL DEFAULT '',
        created_at      TEXT NOT NULL
    );
    CREATE TABLE run_log (
        run_id       TEXT PRIMARY KEY,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        status       TEXT NOT NULL,
        detail       TEXT NOT NULL DEFAULT ''
    );
    """,
    """
    CREATE TABLE schema_components (
        component  TEXT PRIMARY KEY,
        version    INTEGER NOT NULL
    );
    """,
    # never used: steps keep their entries in their own tables, runs are recorded in run folders
    """
    DROP TABLE annotations;
    DROP TABLE run_log;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
