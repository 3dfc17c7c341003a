"""Step 2's tables in the workbook store, and reading and writing its entries.

Notes point at hypotheses by their stable key (a foreign key to ``hypotheses``, whose rows are
never deleted), so a re-run of step 1 keeps every note attached to its hypothesis.
"""

from __future__ import annotations

from assessment import entries
from assessment.engagement import Engagement
from assessment.entries import Choices
from assessment.intelligence.models import STANCE_LABELS, IntelligenceNote, ScopeArea
from assessment.store import Store, open_engagement_store, register_schema

COMPONENT = "intelligence"
NOTES = "intelligence_notes"
AREAS = "scope_areas"

# Append only: never edit a released migration.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE intelligence_notes (
        id              TEXT PRIMARY KEY,
        hypothesis_key  TEXT NOT NULL REFERENCES hypotheses(key),
        stance          TEXT NOT NULL CHECK (stance IN ('supports', 'challenges', 'context')),
        source_name     TEXT NOT NULL,
        source_role     TEXT NOT NULL,
        site            TEXT,
        note            TEXT NOT NULL,
        recorded_on     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    CREATE TABLE scope_areas (
        id              TEXT PRIMARY KEY,
        title           TEXT NOT NULL,
        description     TEXT NOT NULL DEFAULT '',
        hypothesis_key  TEXT REFERENCES hypotheses(key),
        agreed          INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    """,
)


register_schema(COMPONENT, MIGRATIONS)


def open_store(engagement: Engagement) -> Store:
    """The engagement's store, with every step's tables in place (step 2's included)."""
    return open_engagement_store(engagement)


def ensure(store: Store) -> None:
    """Create or upgrade step 2's tables."""
    store.ensure_schema(COMPONENT, MIGRATIONS)


def notes(db: Store | entries.Transaction) -> list[IntelligenceNote]:
    """Every intelligence note, oldest first."""
    return entries.load(db, NOTES, IntelligenceNote)


def areas(db: Store | entries.Transaction) -> list[ScopeArea]:
    """Every scope area, oldest first."""
    return entries.load(db, AREAS, ScopeArea)


def hypothesis_titles(store: Store) -> dict[str, str]:
    """Key -> title of every hypothesis, current first in the opinion's order, then retired.

    Retired hypotheses stay listed (marked) so notes made on them can still be edited.
    """
    frame = store.hypotheses(include_retired=True)
    titles = frame["title"].where(frame["status"] == "current", frame["title"] + " (retired)")
    return dict(zip(frame["key"], titles, strict=True))


def note_choices(store: Store, engagement: Engagement) -> Choices:
    """What a note's reference fields may hold: current hypotheses and the engagement's sites."""
    return {
        "hypothesis_key": hypothesis_titles(store),
        "stance": STANCE_LABELS,
        "site": engagement.site_choices(),
    }


def area_choices(store: Store, engagement: Engagement) -> Choices:
    """What a scope area may refer to: a current hypothesis."""
    return {"hypothesis_key": hypothesis_titles(store)}
