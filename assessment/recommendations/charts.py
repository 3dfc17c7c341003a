"""The roadmap chart: where the headline KPI has been, and the planned climb to the summit."""

from __future__ import annotations

import altair as alt
import pandas as pd

# importing assessment.charts registers the house theme and the offline (SVG) renderer
from assessment.charts import CONTRACT_COLOUR, MEETING_COLOUR, WIDTH


def roadmap_chart(
    stages: pd.DataFrame,
    trajectory: pd.DataFrame,
    sentence: str,
    now: str | None,
    kpi_label: str,
    months: int = 3,
) -> alt.LayerChart:
    """One chart a client reads at a glance: the actual line, the planned stages, the sentence.

    Args:
        stages: The roadmap stages (``name, pct, date``); stages without a date are not drawn.
        trajectory: The headline KPI's monthly % of contract (``period, pct``).
        sentence: The title: "You are at base camp, 32%; the summit is 100% by 31 Dec 2026."
        now: Where the contract is on the latest data, shown under the title (None: not shown).
        kpi_label: The headline KPI's label, for the subtitle and the axis.
        months: The months each point covers (the engagement's ``recent_months``).
    """
    planned = stages.dropna(subset=["pct", "date"]).copy()
    planned["date"] = pd.to_datetime(planned["date"])
    planned["label"] = [  # an unnamed point (the end of a hold line) carries no label
        f"{n} {p:,.0f}%" if n else "" for n, p in zip(planned["name"], planned["pct"], strict=True)
    ]
    actual = trajectory.copy()
    # each value covers the three months to a month's end: drawn there, like base camp's date
    actual["period"] = pd.to_datetime(actual["period"]) + pd.offsets.MonthEnd(0)
    x_axis = alt.Axis(format="%b %Y", title=None)
    line = (
        alt.Chart(actual)
        .mark_line(color=CONTRACT_COLOUR, strokeWidth=2)
        .encode(
            x=alt.X("period:T", axis=x_axis),
            y=alt.Y("pct:Q", title=f"{kpi_label}: % of contract"),
            tooltip=[
                alt.Tooltip("period:T", title="Month", format="%B %Y"),
                alt.Tooltip("pct:Q", title=f"% of contract ({months} months)", format=".0f"),
            ],
        )
    )
    plan = alt.Chart(planned).encode(
        x=alt.X("date:T", axis=x_axis),
        y=alt.Y("pct:Q"),
        tooltip=[
            alt.Tooltip("name:N", title="Stage"),
            alt.Tooltip("date:T", title="By", format="%d %b %Y"),
            alt.Tooltip("pct:Q", title="% of contract", format=".0f"),
        ],
    )
    path = plan.mark_line(
        color=MEETING_COLOUR, strokeDash=[6, 4], point=alt.OverlayMarkDef(color=MEETING_COLOUR)
    )
    labels = plan.mark_text(align="right", dx=-6, dy=-8, color=MEETING_COLOUR, fontWeight=600)
    legend = (
        f"Solid: {kpi_label.lower()} over the last {months} months as % of contract, each month. "
        "Dashed: the planned stages."
    )
    return alt.layer(line, path, labels.encode(text="label:N")).properties(
        title=alt.Title(
            sentence,
            subtitle=[*([now] if now else []), legend],
        ),
        width=WIDTH,
        height=300,
    )
