"""The roadmap chart: where the headline KPI has been, and the planned climb to the summit."""

from __future__ import annotations

import altair as alt
import pandas as pd

# importing assessment.charts registers the house theme and the offline (SVG) renderer
from assessment.charts import CONTRACT_COLOUR, MEETING_COLOUR, WIDTH

PCT_TEXT = "format(datum.pct, ',.0f') + '%'"
"""A tooltip's "55%": the percentage with its sign, as the report's tables write it."""


def roadmap_chart(
    stages: pd.DataFrame,
    trajectory: pd.DataFrame,
    kpi_label: str,
    months: int = 3,
) -> alt.LayerChart:
    """One chart a client reads at a glance: the actual line against the planned stages.

    The roadmap's state in words (base camp, now, a stage missed) is said once, in the text
    above the chart (:func:`assessment.recommendations.client.roadmap_for_client`): the chart's
    title only names what it draws, so the same sentence is never read twice.

    Args:
        stages: The roadmap stages (``name, pct, date``); stages without a date are not drawn.
        trajectory: The headline KPI's monthly % of contract (``period, pct``).
        kpi_label: The headline KPI's label, for the title and the axis.
        months: The months each point covers (the engagement's ``recent_months``).
    """
    planned = stages.dropna(subset=["pct", "date"]).copy()
    planned["date"] = pd.to_datetime(planned["date"])
    planned["label"] = [  # an unnamed point (the end of a hold line) carries no label
        f"{n} {p:,.0f}%" if n else "" for n, p in zip(planned["name"], planned["pct"], strict=True)
    ]
    # stages close in time would print their names over each other ("Camp 2The summit"):
    # every other stage is named below its point instead of above it
    planned["above"] = [i % 2 == 0 for i in range(len(planned))]
    actual = trajectory.copy()
    # each value covers the three months to a month's end: drawn there, like base camp's date
    actual["period"] = pd.to_datetime(actual["period"]) + pd.offsets.MonthEnd(0)
    # a label every few months, never overlapping ("Apr 2024Jul 2024" ran together)
    x_axis = alt.Axis(
        format="%b %Y", title=None, tickCount=6, labelOverlap="greedy", labelSeparation=12
    )
    line = (
        alt.Chart(actual)
        .transform_calculate(pct_text=PCT_TEXT)
        .mark_line(color=CONTRACT_COLOUR, strokeWidth=2)
        .encode(
            x=alt.X("period:T", axis=x_axis),
            y=alt.Y("pct:Q", title=f"{kpi_label}: % of contract"),
            tooltip=[
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("pct_text:N", title=f"Share of contract ({months} months)"),
            ],
        )
    )
    plan = (
        alt.Chart(planned)
        .transform_calculate(pct_text=PCT_TEXT)
        .encode(
            x=alt.X("date:T", axis=x_axis),
            y=alt.Y("pct:Q"),
            tooltip=[
                alt.Tooltip("name:N", title="Stage"),
                alt.Tooltip("date:T", title="By", format="%d %b %Y"),
                alt.Tooltip("pct_text:N", title="Share of contract"),
            ],
        )
    )
    path = plan.mark_line(
        color=MEETING_COLOUR, strokeDash=[6, 4], point=alt.OverlayMarkDef(color=MEETING_COLOUR)
    )
    text = {"align": "right", "dx": -6, "color": MEETING_COLOUR, "fontWeight": 600}
    above = plan.transform_filter("datum.above").mark_text(dy=-8, **text)
    below = plan.transform_filter("!datum.above").mark_text(dy=14, **text)
    legend = (
        f"Solid: {kpi_label.lower()} over the last {months} months as % of contract, each month. "
        "Dashed: the planned stages."
    )
    return alt.layer(
        line, path, above.encode(text="label:N"), below.encode(text="label:N")
    ).properties(
        title=alt.Title(f"{kpi_label}: actual against the roadmap", subtitle=legend),
        width=WIDTH,
        height=300,
    )
