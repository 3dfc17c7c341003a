"""Discovery's tables in the workbook store: the schema, as ordered, append-only migrations.

``discovery_evidence`` holds one row per evidence item (``dimensions`` as a JSON list);
``discovery_bearings`` what each item says about each hypothesis (a foreign key to step 1's
``hypotheses``, whose rows are never deleted); ``discovery_journey_steps`` the steps of every
journey (``current`` per site, the contract's ``defined`` one and ``proposed`` ones, site ``ALL``
for the contract as a whole); ``discovery_findings`` and ``discovery_finding_evidence`` the draft
findings and the evidence each rests on. The constraints repeat the essential checks of
:mod:`assessment.discovery.models`, so no writer can break them.
"""

from __future__ import annotations

from assessment.discovery.models import NAME_MAX, TEXT_MAX

COMPONENT = "discovery"

# Append only: never edit a released migration (no ';' inside a statement: scripts split on it).
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE discovery_evidence (
        id            TEXT PRIMARY KEY,
        source_type   TEXT NOT NULL,
        site          TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND {NAME_MAX}),
        interviewee   TEXT CHECK (interviewee IS NULL OR length(interviewee) <= {NAME_MAX}),
        participants  INTEGER CHECK (participants IS NULL OR participants >= 1),
        date          TEXT NOT NULL,
        text          TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND {TEXT_MAX}),
        heading       TEXT NOT NULL,
        dimensions    TEXT NOT NULL
                      CHECK (json_valid(dimensions) AND json_array_length(dimensions) >= 1),
        sentiment     TEXT NOT NULL,
        shareable     INTEGER NOT NULL CHECK (shareable IN (0, 1)),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE discovery_bearings (
        evidence_id     TEXT NOT NULL REFERENCES discovery_evidence(id) ON DELETE CASCADE,
        hypothesis_key  TEXT NOT NULL REFERENCES hypotheses(key),
        direction       TEXT NOT NULL CHECK (direction IN ('confirms', 'refutes')),
        position        INTEGER NOT NULL,
        PRIMARY KEY (evidence_id, hypothesis_key)
    );
    CREATE TABLE discovery_journey_steps (
        journey        TEXT NOT NULL CHECK (journey IN ('current', 'defined', 'proposed')),
        site           TEXT NOT NULL,
        step_order     INTEGER NOT NULL CHECK (step_order >= 1),
        step           TEXT NOT NULL CHECK (length(step) BETWEEN 1 AND {NAME_MAX}),
        owner          TEXT NOT NULL DEFAULT '',
        channel        TEXT NOT NULL DEFAULT '',
        duration_days  REAL CHECK (duration_days IS NULL OR duration_days >= 0),
        value_adding   INTEGER NOT NULL CHECK (value_adding IN (0, 1)),
        PRIMARY KEY (journey, site, step_order)
    );
    CREATE TABLE discovery_findings (
        id          TEXT PRIMARY KEY,
        heading     TEXT NOT NULL,
        statement   TEXT NOT NULL CHECK (length(statement) BETWEEN 1 AND {TEXT_MAX}),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE discovery_finding_evidence (
        finding_id   TEXT NOT NULL REFERENCES discovery_findings(id) ON DELETE CASCADE,
        evidence_id  TEXT NOT NULL REFERENCES discovery_evidence(id),
        position     INTEGER NOT NULL,
        PRIMARY KEY (finding_id, evidence_id)
    );
    """,
)

TABLES = (
    "discovery_evidence",
    "discovery_bearings",
    "discovery_journey_steps",
    "discovery_findings",
    "discovery_finding_evidence",
)
"""Every table of discovery, parents first."""
