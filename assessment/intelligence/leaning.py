"""Step 2's summaries: how local knowledge leans on each hypothesis, and the agreed areas.

Pure functions over records and frames, so the arithmetic is tested on hand-made fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from assessment.intelligence.models import IntelligenceNote, ScopeArea

LEANINGS = ("supported", "challenged", "context", "not yet discussed")


def leaning(supports: int, challenges: int, context: int) -> str:
    """How local knowledge leans on one hypothesis.

    A hypothesis challenged at least as often as it is supported counts as challenged: a
    challenge that more support has not outweighed is what discovery (step 4) must test.
    """
    if supports == challenges == context == 0:
        return "not yet discussed"
    if supports == challenges == 0:
        return "context"
    return "supported" if supports > challenges else "challenged"


def leaning_by_hypothesis(
    hypotheses: pd.DataFrame, notes: Iterable[IntelligenceNote]
) -> pd.DataFrame:
    """One row per hypothesis: its notes counted by stance and how they lean.

    Args:
        hypotheses: The stored hypotheses (``key``, ``title``, ``statement``), in order.
        notes: The intelligence notes; notes on hypotheses not listed are left out.

    Returns:
        Columns key, title, statement, supports, challenges, context, notes, leaning.
    """
    counts = pd.DataFrame(
        [(n.hypothesis_key, n.stance) for n in notes], columns=["key", "stance"], dtype=object
    )
    table = pd.crosstab(counts["key"], counts["stance"]) if len(counts) else pd.DataFrame()
    table = table.reindex(columns=["supports", "challenges", "context"], fill_value=0)
    out = hypotheses[["key", "title", "statement"]].reset_index(drop=True)
    out = out.join(table, on="key").fillna({"supports": 0, "challenges": 0, "context": 0})
    for column in ("supports", "challenges", "context"):
        out[column] = out[column].astype("int64")
    out["notes"] = out["supports"] + out["challenges"] + out["context"]
    out["leaning"] = [
        leaning(s, c, x)
        for s, c, x in zip(out["supports"], out["challenges"], out["context"], strict=True)
    ]
    return out


def leaning_counts(by_hypothesis: pd.DataFrame) -> pd.DataFrame:
    """How many hypotheses lean each way, every leaning listed (zero included)."""
    counts = by_hypothesis["leaning"].value_counts().reindex(list(LEANINGS), fill_value=0)
    return pd.DataFrame({"leaning": list(LEANINGS), "hypotheses": counts.to_numpy()})


def agreed_areas(areas: Iterable[ScopeArea]) -> list[ScopeArea]:
    """The scope areas the client agreed to, in the order they were recorded."""
    return [a for a in areas if a.agreed]
