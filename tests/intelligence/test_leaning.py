"""How local knowledge leans on each hypothesis, on hand-counted notes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assessment.intelligence.leaning import (
    agreed_areas,
    leaning,
    leaning_by_hypothesis,
    leaning_counts,
)
from assessment.intelligence.models import IntelligenceNote, ScopeArea

HYPOTHESES = pd.DataFrame(
    {
        "key": ["h-a", "h-b", "h-c", "h-d", "h-e"],
        "title": ["A", "B", "C", "D", "E"],
        "statement": ["a", "b", "c", "d", "e"],
    }
)


def note(key: str, stance: str) -> IntelligenceNote:
    return IntelligenceNote(
        hypothesis_key=key,
        stance=stance,
        source_name="Someone",
        source_role="Adviser",
        note="said so",
        recorded_on=dt.date(2026, 1, 12),
    )


@pytest.mark.parametrize(
    ("supports", "challenges", "context", "expected"),
    [
        (0, 0, 0, "not yet discussed"),
        (0, 0, 2, "context"),
        (2, 1, 0, "supported"),
        (1, 1, 3, "challenged"),  # a challenge not outweighed is still to be tested
        (0, 1, 0, "challenged"),
        (1, 0, 5, "supported"),
    ],
)
def test_leaning_rules(supports: int, challenges: int, context: int, expected: str) -> None:
    assert leaning(supports, challenges, context) == expected


def test_leaning_by_hypothesis_counts_each_stance() -> None:
    notes = [
        note("h-a", "supports"),
        note("h-a", "supports"),
        note("h-a", "challenges"),
        note("h-b", "challenges"),
        note("h-c", "context"),
        note("h-d", "supports"),
        note("h-d", "challenges"),
        note("retired-or-unknown", "supports"),  # not a listed hypothesis: left out
    ]
    out = leaning_by_hypothesis(HYPOTHESES, notes)
    assert out["key"].tolist() == ["h-a", "h-b", "h-c", "h-d", "h-e"]
    assert out["supports"].tolist() == [2, 0, 0, 1, 0]
    assert out["challenges"].tolist() == [1, 1, 0, 1, 0]
    assert out["context"].tolist() == [0, 0, 1, 0, 0]
    assert out["notes"].tolist() == [3, 1, 1, 2, 0]
    assert out["leaning"].tolist() == [
        "supported",
        "challenged",
        "context",
        "challenged",
        "not yet discussed",
    ]
    counts = leaning_counts(out).set_index("leaning")["hypotheses"].to_dict()
    assert counts == {"supported": 1, "challenged": 2, "context": 1, "not yet discussed": 1}


def test_no_notes_at_all_means_nothing_discussed() -> None:
    out = leaning_by_hypothesis(HYPOTHESES, [])
    assert set(out["leaning"]) == {"not yet discussed"}
    assert leaning_counts(out)["hypotheses"].tolist() == [0, 0, 0, 5]


def test_agreed_areas_keeps_order_and_only_agreed() -> None:
    areas = [
        ScopeArea(title="Journey", agreed=True),
        ScopeArea(title="Employers", agreed=False),
        ScopeArea(title="MI", agreed=True),
    ]
    assert [a.title for a in agreed_areas(areas)] == ["Journey", "MI"]
