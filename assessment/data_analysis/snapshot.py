"""The initial opinion as it was formed: frozen with its period, shown later as "then → now".

The scope of the engagement is agreed on the initial opinion, so a later run must never rewrite
it. The opinion is formed on the *baseline* data: the months of the client's first KPI extract
(``inputs.kpi.path``; its ``updates`` are by definition received later). It is stored once, on
the first run (or again when the consultant re-forms it on purpose, :func:`reform`), and every
later run shows each hypothesis as it was then beside what the data says now.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from assessment.periods import Period

SNAPSHOT_FRAME = "data_analysis.opinion_snapshot"
SNAPSHOT_COLUMNS = [
    "key",
    "kind",
    "title",
    "statement",
    "figures",
    "period",
    "period_to",
    "formed_on",
]
_CASELOAD_KINDS = frozenset({"conversion", "data-quality"})
_KPI_KINDS = frozenset({"performance", "conversion", "spread", "benchmark"})


def with_periods(
    hypotheses: pd.DataFrame, kpi_period: Period | None, caseload: Period | None
) -> pd.DataFrame:
    """Hypotheses whose statements name their months instead of an open-ended "to date".

    KPI figures read "to June 2026"; figures from the caseload extract (conversion, data
    checks) also name the caseload's months, which may end earlier than the KPI data's.
    """
    if hypotheses.empty:
        return hypotheses
    out = hypotheses.copy()
    out["statement"] = [
        _named(kind, text, kpi_period, caseload)
        for kind, text in zip(out["kind"], out["statement"], strict=True)
    ]
    return out


def _named(kind: str, text: str, kpi: Period | None, caseload: Period | None) -> str:
    """One statement with the months of each source it draws on."""
    notes = []
    if kpi is not None and kind in _KPI_KINDS:
        if " to date" in text:
            text = text.replace(" to date", f" {kpi.to_label()}")
        else:
            notes.append(f"KPIs {kpi.label()}" if kind in _CASELOAD_KINDS else kpi.label())
    if caseload is not None and kind in _CASELOAD_KINDS:
        notes.append(f"caseload {caseload.label()}")
    return text.rstrip(".") + f" ({'; '.join(notes)})." if notes else text


def snapshot_frame(hypotheses: pd.DataFrame, period: Period | None, on: dt.date) -> pd.DataFrame:
    """The opinion to freeze: each hypothesis with its statement, figures and the period."""
    label = period.label() if period is not None else ""
    frame = pd.DataFrame(
        {
            "key": hypotheses["key"],
            "kind": hypotheses["kind"],
            "title": hypotheses["title"],
            "statement": hypotheses["statement"],
            "figures": [json.dumps(f, sort_keys=True, default=str) for f in hypotheses["figures"]],
            "period": label,
            "period_to": period.end.isoformat() if period is not None else "",
            "formed_on": on.isoformat(),
        },
        columns=SNAPSHOT_COLUMNS,
    )
    return frame.reset_index(drop=True)


def then_and_now(snapshot: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Each hypothesis as formed, beside what today's data says (by its stable key).

    Args:
        snapshot: The frozen opinion (``SNAPSHOT_COLUMNS``).
        current: Today's hypotheses (``key, title, statement``).

    Returns:
        Columns ``key, title, then, now``: frozen hypotheses first, in their order, then any new
        one ("not in the initial opinion" as its ``then``); ``now`` says "no longer suggested by
        the data" for a hypothesis today's data no longer supports.
    """
    now = dict(zip(current["key"], current["statement"], strict=True))
    rows = [
        {
            "key": r.key,
            "title": r.title,
            "then": r.statement,
            "now": now.get(r.key, "No longer suggested by the data."),
        }
        for r in snapshot.itertuples()
    ]
    frozen = set(snapshot["key"])
    rows += [
        {"key": r.key, "title": r.title, "then": "Not in the initial opinion.", "now": r.statement}
        for r in current.itertuples()
        if r.key not in frozen
    ]
    return pd.DataFrame(rows, columns=["key", "title", "then", "now"])
