"""What the evidence says: counts for the heatmap, a verdict per hypothesis, suggested findings.

Every function is pure: it takes the evidence frame of :func:`models.evidence_frame` (or of the
store, which has the same columns) and returns a new frame.

The verdict rule (``c`` items confirm a hypothesis, ``r`` items refute it):

- ``untested`` when ``c + r == 0``;
- ``confirmed`` when ``c >= 1`` and ``c >= 2 * r`` (confirmations outweigh refutations two to one);
- ``refuted`` when ``r >= 1`` and ``r >= 2 * c``;
- ``mixed`` otherwise (say 1 against 1, or 3 against 2).

Triangulation: ``kinds_agreeing`` is the number of distinct source types (one-to-one, group
session, observation, ...) among the items of the prevailing direction; a confirmed or refuted
verdict is ``weak`` when it rests on fewer than ``min_kinds`` kinds (default 2), because the method
says a finding stands on more than one kind of source. Mixed and untested verdicts prevail in no
direction: they have ``kinds_agreeing`` 0 and are never weak (they are not findings at all).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from assessment.discovery.vocabulary import Vocabulary

VERDICTS = ("confirmed", "refuted", "mixed", "untested")
MIN_KINDS = 2
"""Fewest kinds of source a finding or verdict needs not to be weak (triangulation)."""
MIN_ITEMS = 3
"""Fewest evidence items a cluster needs to be suggested as a finding."""
COUNT_KEYS = ["heading", "dimension", "site", "source_type"]
VERDICT_COLUMNS = [
    "key",
    "title",
    "confirms",
    "refutes",
    "verdict",
    "kinds_agreeing",
    "source_types",
    "weak",
    "confirm_ids",
    "refute_ids",
]
SUGGESTION_COLUMNS = [
    "origin",
    "heading",
    "dimension",
    "hypothesis_key",
    "statement",
    "items",
    "kinds",
    "weak",
    "evidence_ids",
]


def evidence_counts(evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence items per heading, dimension, site and source type: the heatmap's long frame.

    An item coded against several dimensions counts once under each of them, so the counts of a
    heading add up to item-dimension pairs, not items.

    Returns:
        Columns ``heading, dimension, site, source_type, items``; only combinations that occur.
    """
    pairs = evidence[["id", "heading", "dimensions", "site", "source_type"]]
    pairs = pairs.explode("dimensions").rename(columns={"dimensions": "dimension"})
    counts = pairs.groupby(COUNT_KEYS, as_index=False).agg(items=("id", "nunique"))
    counts["items"] = counts["items"].astype("int64")
    return counts.sort_values(COUNT_KEYS, ignore_index=True)


def item_counts(evidence: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Evidence items per cell of codings other than dimension (each item counted once).

    Unlike ``evidence_counts`` an item coded on several dimensions counts once, so the counts
    of a site or a kind of source are items, not item-dimension pairs.

    Returns:
        Columns ``by`` and ``items``; only combinations that occur.
    """
    keys = list(by)
    counts = evidence.groupby(keys, as_index=False).agg(items=("id", "nunique"))
    counts["items"] = counts["items"].astype("int64")
    return counts.sort_values(keys, ignore_index=True)


def counts_by(counts: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Sum ``evidence_counts`` over everything but ``by`` (say heading x dimension).

    A cell whose counts are all missing (suppressed for the client) stays missing: it must not
    turn into a zero, which would be false, nor into a partial sum.
    """
    keys = list(by)
    sums = counts.groupby(keys, as_index=False)["items"].sum(min_count=1)
    return sums.sort_values(keys, ignore_index=True)


def bearings(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per evidence item and hypothesis it bears on.

    Returns:
        Columns ``evidence_id, hypothesis_key, direction, source_type, heading, site``.
    """
    rows = [
        {
            "evidence_id": item.id,
            "hypothesis_key": bearing["hypothesis_key"],
            "direction": bearing["direction"],
            "source_type": item.source_type,
            "heading": item.heading,
            "site": item.site,
        }
        for item in evidence.itertuples(index=False)
        for bearing in item.bears_on
    ]
    columns = ["evidence_id", "hypothesis_key", "direction", "source_type", "heading", "site"]
    return pd.DataFrame(rows, columns=columns)


def verdict(confirms: int, refutes: int) -> str:
    """The verdict of ``confirms`` against ``refutes`` items (rule in the module docstring)."""
    if confirms + refutes == 0:
        return "untested"
    if confirms >= 1 and confirms >= 2 * refutes:
        return "confirmed"
    if refutes >= 1 and refutes >= 2 * confirms:
        return "refuted"
    return "mixed"


def hypothesis_verdicts(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame, *, min_kinds: int = MIN_KINDS
) -> pd.DataFrame:
    """The verdict on every hypothesis, the evidence behind it and how many kinds of source agree.

    Args:
        evidence: The evidence frame.
        hypotheses: One row per hypothesis: ``key`` and optionally ``title`` (the store's
            ``hypotheses()``). Evidence about other keys is ignored.
        min_kinds: Fewest kinds of source a verdict needs not to be weak.

    Returns:
        One row per hypothesis, in the given order, columns ``VERDICT_COLUMNS``: ``source_types``
        lists the kinds of source behind the prevailing direction; ``confirm_ids`` and
        ``refute_ids`` list the evidence ids.
    """
    found = bearings(evidence)
    titles = hypotheses["title"] if "title" in hypotheses else hypotheses["key"]
    rows = []
    for key, title in zip(hypotheses["key"], titles, strict=True):
        mine = found[found["hypothesis_key"] == key]
        yes = mine[mine["direction"] == "confirms"]
        no = mine[mine["direction"] == "refutes"]
        outcome = verdict(len(yes), len(no))
        prevailing = {"confirmed": yes, "refuted": no}.get(outcome, mine.iloc[0:0])
        kinds = sorted(set(prevailing["source_type"]))
        rows.append(
            {
                "key": key,
                "title": title,
                "confirms": len(yes),
                "refutes": len(no),
                "verdict": outcome,
                "kinds_agreeing": len(kinds),
                "source_types": kinds,
                "weak": outcome in ("confirmed", "refuted") and len(kinds) < min_kinds,
                "confirm_ids": list(yes["evidence_id"]),
                "refute_ids": list(no["evidence_id"]),
            }
        )
    frame = pd.DataFrame(rows, columns=VERDICT_COLUMNS)
    return frame.astype({"confirms": "int64", "refutes": "int64", "kinds_agreeing": "int64"})


def verdict_summary(verdicts: pd.DataFrame) -> pd.DataFrame:
    """How many hypotheses got each verdict (every verdict listed, zero included)."""
    counts = verdicts["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
    return pd.DataFrame({"verdict": list(VERDICTS), "hypotheses": counts.to_numpy("int64")})


def dense_clusters(
    evidence: pd.DataFrame, *, min_items: int = MIN_ITEMS, min_kinds: int = MIN_KINDS
) -> pd.DataFrame:
    """Heading x dimension cells where evidence gathers from more than one kind of source.

    Returns:
        Columns ``heading, dimension, items, kinds, negative, positive, evidence_ids`` for cells
        with at least ``min_items`` items from at least ``min_kinds`` source types, most items
        first (ties: heading, dimension).
    """
    pairs = evidence.explode("dimensions").rename(columns={"dimensions": "dimension"})
    rows = []
    for (heading, dimension), cell in pairs.groupby(["heading", "dimension"], sort=True):
        kinds = cell["source_type"].nunique()
        if len(cell) >= min_items and kinds >= min_kinds:
            rows.append(
                {
                    "heading": heading,
                    "dimension": dimension,
                    "items": len(cell),
                    "kinds": kinds,
                    "negative": int((cell["sentiment"] == "negative").sum()),
                    "positive": int((cell["sentiment"] == "positive").sum()),
                    "evidence_ids": list(cell["id"]),
                }
            )
    columns = ["heading", "dimension", "items", "kinds", "negative", "positive", "evidence_ids"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["items", "heading", "dimension"], ascending=[False, True, True], ignore_index=True
    )


def suggest_findings(
    verdicts: pd.DataFrame,
    evidence: pd.DataFrame,
    vocab: Vocabulary,
    *,
    min_items: int = MIN_ITEMS,
    min_kinds: int = MIN_KINDS,
) -> pd.DataFrame:
    """Draft findings to start from: each confirmed hypothesis, then each dense cluster.

    A confirmed hypothesis is filed under the heading most of its confirming items carry (ties:
    the vocabulary's order). A cluster is a heading x dimension cell of ``dense_clusters``.

    Returns:
        Columns ``SUGGESTION_COLUMNS``; ``origin`` is ``hypothesis`` or ``cluster``.
    """
    by_id = evidence.set_index("id")
    rows = [
        _from_hypothesis(row, by_id, vocab)
        for row in verdicts[verdicts["verdict"] == "confirmed"].itertuples(index=False)
    ]
    clusters = dense_clusters(evidence, min_items=min_items, min_kinds=min_kinds)
    rows += [_from_cluster(row, vocab) for row in clusters.itertuples(index=False)]
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def _from_hypothesis(row: Any, by_id: pd.DataFrame, vocab: Vocabulary) -> dict[str, object]:
    ids = list(row.confirm_ids)
    headings = by_id.loc[ids, "heading"].value_counts()
    order = {key: i for i, key in enumerate(vocab.headings)}
    heading = min(headings.index, key=lambda h: (-headings[h], order.get(h, len(order)), h))
    kinds = "kind" if row.kinds_agreeing == 1 else "kinds"
    statement = (
        f"{row.title}: confirmed by {row.confirms} item(s) from {row.kinds_agreeing} {kinds} "
        f"of source ({', '.join(vocab.label('source_types', s) for s in row.source_types)})"
        + (f", refuted by {row.refutes}" if row.refutes else "")
        + ("; weak: rests on one kind of source." if row.weak else ".")
    )
    return {
        "origin": "hypothesis",
        "heading": heading,
        "dimension": None,
        "hypothesis_key": row.key,
        "statement": statement,
        "items": row.confirms,
        "kinds": row.kinds_agreeing,
        "weak": bool(row.weak),
        "evidence_ids": ids,
    }


def _from_cluster(row: Any, vocab: Vocabulary) -> dict[str, object]:
    heading = vocab.label("headings", row.heading)
    dimension = vocab.label("dimensions", row.dimension)
    statement = (
        f"{heading} / {dimension}: {row.items} items from {row.kinds} kinds of source "
        f"({row.negative} negative, {row.positive} positive)."
    )
    return {
        "origin": "cluster",
        "heading": row.heading,
        "dimension": row.dimension,
        "hypothesis_key": None,
        "statement": statement,
        "items": row.items,
        "kinds": row.kinds,
        "weak": False,
        "evidence_ids": list(row.evidence_ids),
    }
