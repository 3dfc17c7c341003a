"""Charts of step 1: performance against contract, and the checks every step-1 chart shares.

Chart functions take small, already aggregated frames (the canonical columns are listed in each
docstring) and return Altair charts in the house style of :mod:`assessment.charts`. Shares are
fractions 0-1; ``pct_of_target`` is a percentage number (104.2 means 104.2 % of the contracted
target).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

import altair as alt
import pandas as pd

from assessment.charts import (
    BAR_STEP,
    BELOW_COLOUR,
    CONTRACT_COLOUR,
    MEETING_COLOUR,
    WIDTH,
)
from assessment.terminology import Words
from assessment.terminology import words as default_words

MEETING_CONTRACT = "Meeting contract"
BELOW_CONTRACT = "Below contract"


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise naming the chart and the columns a frame lacks, and the columns it has."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{what}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame))}"
        )


def finite(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Return a copy with infinities (for example a percentage of a zero target) set to NaN."""
    frame = frame.copy()
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        frame[column] = values.where(values.abs() != math.inf)
    return frame


PCT_TEXT = "format(datum.pct_of_target, ',.0f') + '%'"
"""A tooltip's "104%": the percentage with its sign, as the report's tables write it."""


def _contract_rule(axis: Literal["x", "y"], label: str = "Contract (100%)") -> alt.LayerChart:
    """A dashed rule at 100 % of the contracted target, labelled at its end."""
    data = alt.Data(values=[{"contract": 100.0, "label": label, "contract_text": "100%"}])
    value = alt.X("contract:Q") if axis == "x" else alt.Y("contract:Q")
    tooltip = [
        alt.Tooltip("label:N", title="Line"),
        alt.Tooltip("contract_text:N", title="Share of target"),
    ]
    rule = (
        alt.Chart(data)
        .mark_rule(color=CONTRACT_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(value, tooltip=tooltip)
    )
    if axis == "x":
        text = alt.Chart(data).mark_text(
            align="left", baseline="bottom", dx=4, dy=-2, color=CONTRACT_COLOUR, fontWeight=600
        )
        text = text.encode(x=alt.X("contract:Q"), y=alt.value(0), text="label:N")
    else:
        text = alt.Chart(data).mark_text(
            align="left", baseline="bottom", dx=4, dy=-3, color=CONTRACT_COLOUR, fontWeight=600
        )
        text = text.encode(y=alt.Y("contract:Q"), x=alt.value(0), text="label:N")
    return alt.layer(rule, text)


def performance_by_site(
    to_date: pd.DataFrame,
    measure: str,
    label: str,
    period: str = "to date",
    words: Words | None = None,
) -> alt.LayerChart:
    """Bars of performance against contract to date, one per site, with the 100 % contract line.

    ``pct_of_target`` is "higher is better" for every KPI (step 1 inverts it for KPIs where less
    is better), so at or above 100 % always means meeting the contract.

    Args:
        to_date: One row per site and measure: ``site``, ``site_name``, ``measure``, ``actual``,
            ``target``, ``pct_of_target`` (a percentage, 104.2 = 104.2 %), ``gap``.
        measure: The KPI key to show (rows of other measures are ignored).
        label: The KPI's plain-English label, used in the title.
        period: The months the figures cover ("Jan 2024–Jun 2026"), named in the title.
        words: The client's words (terminology: in engagement.yaml).

    Returns:
        Horizontal bars sorted from best to worst, coloured meeting / below contract.
    """
    w = (words or default_words()).mapping()
    require_columns(
        to_date,
        ["site", "site_name", "measure", "actual", "target", "pct_of_target", "gap"],
        "performance_by_site",
    )
    rows = to_date.loc[to_date["measure"] == measure]
    if rows.empty:
        present = ", ".join(sorted(map(str, to_date["measure"].unique())))
        raise ValueError(f"performance_by_site: no rows for measure {measure!r} (found: {present})")
    rows = finite(rows, ["actual", "target", "pct_of_target", "gap"])
    meeting = rows["pct_of_target"] >= 100
    rows = rows.assign(status=meeting.map({True: MEETING_CONTRACT, False: BELOW_CONTRACT}))
    rows = rows[["site", "site_name", "actual", "target", "pct_of_target", "gap", "status"]]
    order = "descending"

    bars = (
        alt.Chart(rows)
        .transform_calculate(pct_text=PCT_TEXT)
        .mark_bar()
        .encode(
            x=alt.X("pct_of_target:Q", title="% of contracted target", scale=alt.Scale(zero=True)),
            y=alt.Y(
                "site_name:N",
                title=None,
                sort=alt.EncodingSortField(field="pct_of_target", order=order),
            ),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=[MEETING_CONTRACT, BELOW_CONTRACT], range=[MEETING_COLOUR, BELOW_COLOUR]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("site_name:N", title=w["Site"]),
                alt.Tooltip("actual:Q", title="Actual", format=",.0f"),
                alt.Tooltip("target:Q", title="Target", format=",.0f"),
                alt.Tooltip("pct_text:N", title="Share of target"),
                alt.Tooltip("gap:Q", title="Gap to target", format=",.0f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    return alt.layer(bars, _contract_rule("x")).properties(
        title=alt.Title(
            f"{label}: performance against contract, {period}",
            subtitle=f"Share of the contracted target achieved over {period}, by {w['site']}",
        ),
        width=WIDTH,
        height=alt.Step(BAR_STEP),
    )


def performance_trend(
    by_period: pd.DataFrame, measure: str, label: str, words: Words | None = None
) -> alt.LayerChart:
    """Monthly lines of performance against contract per site, with the 100 % contract line.

    Clicking a site in the legend highlights its line (the selection is named
    ``site_selection``); shift-click adds sites. The static SVG shows every line.

    Args:
        words: The client's words (terminology: in engagement.yaml).
        by_period: One row per site and period: ``site``, ``site_name``, ``period`` (first day of
            the month), ``pct_of_target``, ``actual``, ``target``; an optional ``measure`` column
            is filtered on ``measure``.
        measure: The KPI key shown.
        label: The KPI's plain-English label, used in the title.

    Returns:
        A layered chart: lines with points (tooltips) and the contract rule.
    """
    w = (words or default_words()).mapping()
    require_columns(
        by_period,
        ["site", "site_name", "period", "pct_of_target", "actual", "target"],
        "performance_trend",
    )
    rows = by_period
    if "measure" in rows.columns:
        rows = rows.loc[rows["measure"] == measure]
        if rows.empty:
            raise ValueError(f"performance_trend: no rows for measure {measure!r}")
    rows = finite(rows, ["pct_of_target", "actual", "target"])
    rows = rows[["site", "site_name", "period", "pct_of_target", "actual", "target"]]

    site_selection = alt.selection_point(name="site_selection", fields=["site_name"], bind="legend")
    lines = (
        alt.Chart(rows)
        .transform_calculate(pct_text=PCT_TEXT)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(period):T", title="Month", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("pct_of_target:Q", title="% of contracted target"),
            color=alt.Color("site_name:N", title=w["Site"]),
            opacity=alt.when(site_selection).then(alt.value(1.0)).otherwise(alt.value(0.15)),
            tooltip=[
                alt.Tooltip("site_name:N", title=w["Site"]),
                alt.Tooltip("yearmonth(period):T", title="Month", format="%B %Y"),
                alt.Tooltip("actual:Q", title="Actual", format=",.0f"),
                alt.Tooltip("target:Q", title="Target", format=",.0f"),
                alt.Tooltip("pct_text:N", title="Share of target"),
            ],
        )
        .add_params(site_selection)
    )
    return alt.layer(lines, _contract_rule("y")).properties(
        title=alt.Title(
            f"{label}: performance against contract by month",
            subtitle=f"Actual as a share of the contracted target, each month, by {w['site']}",
        ),
        width=WIDTH,
        height=300,
        # said by the interactive chart only (charts.UPGRADE_SCRIPT): paper cannot be clicked
        usermeta={"aw_hint": f"Click a {w['site']} in the legend to pick out its line."},
    )
