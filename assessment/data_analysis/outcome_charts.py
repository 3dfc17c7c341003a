"""Charts of step 1's flow: the funnel from referral to outcome, the chance of an outcome.

In the house style of :mod:`assessment.charts`; see :mod:`assessment.data_analysis.charts`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from assessment.charts import WIDTH
from assessment.data_analysis.charts import finite, require_columns
from assessment.terminology import Words
from assessment.terminology import words as default_words

STAGE_COLOURS = {"Referrals": "#a9c1d9", "Starts": "#5b8db8", "Outcomes": "#1f4e79"}


FUNNEL_STAGES = {"referrals": "Referrals", "starts": "Starts", "outcomes": "Outcomes"}


def flow_funnel(flow: pd.DataFrame, words: Words | None = None) -> alt.Chart:
    """Grouped bars per site: referrals, then starts, then outcomes (the caseload funnel).

    Args:
        words: The client's words (terminology: in engagement.yaml).
        flow: One row per site: ``site``, ``site_name``, ``referrals``, ``starts``, ``outcomes``,
            ``exits`` (exits appear in the tooltip).

    Returns:
        Bars grouped by site, one colour per stage, each with its share of referrals in the tooltip.
    """
    w = (words or default_words()).mapping()
    require_columns(
        flow, ["site", "site_name", "referrals", "starts", "outcomes", "exits"], "flow_funnel"
    )
    flow = finite(flow, ["referrals", "starts", "outcomes", "exits"])
    long = flow.assign(site_referrals=flow["referrals"]).melt(
        id_vars=["site", "site_name", "site_referrals", "exits"],
        value_vars=list(FUNNEL_STAGES),
        var_name="stage_key",
        value_name="count",
    )
    long["stage"] = long["stage_key"].map(FUNNEL_STAGES)
    long["share_of_referrals"] = long["count"] / long["site_referrals"].where(
        long["site_referrals"] > 0
    )
    long = long[["site", "site_name", "stage", "count", "share_of_referrals", "exits"]]
    stages = list(FUNNEL_STAGES.values())

    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("site_name:N", title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("stage:N", sort=stages),
            y=alt.Y("count:Q", title=w["Customers"]),
            color=alt.Color(
                "stage:N",
                title="Stage",
                sort=stages,
                scale=alt.Scale(domain=stages, range=[STAGE_COLOURS[s] for s in stages]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("site_name:N", title=w["Site"]),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("count:Q", title=w["Customers"], format=",.0f"),
                alt.Tooltip("share_of_referrals:Q", title="Share of referrals", format=".0%"),
                alt.Tooltip("exits:Q", title=f"Exits ({w['site']})", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title(
                f"Caseload flow: referrals, starts and outcomes by {w['site']}",
                subtitle=f"How many referred {w['customers']} start, and how many reach an outcome",
            ),
            width=WIDTH,
            height=300,
        )
    )


def outcome_over_time(curves: pd.DataFrame) -> alt.LayerChart:
    """Chance of an outcome by each week since the start, per site (cumulative incidence).

    Counts everyone who started: those still waiting until the end of the data (censored), those
    who left without an outcome as having none (a competing event), so the line is the chance of
    an outcome by that time, not the speed of the quick ones. The band is its 95% interval.

    Args:
        curves: ``site, site_name, days, outcome_share, low, high`` (shares 0-1), one row per
            site and week; the contract as a whole may be among them as its own line.

    Returns:
        Lines per site over their interval bands; clicking a site in the legend picks it out.
    """
    columns = ["site", "site_name", "days", "outcome_share", "low", "high"]
    require_columns(curves, columns, "outcome_over_time")
    rows = finite(curves[columns], columns[2:]).dropna(subset=["outcome_share"])
    rows = rows.assign(months=rows["days"] / (365.25 / 12))
    pick = alt.selection_point(name="survival_site", fields=["site_name"], bind="legend")
    x = alt.X("months:Q", title="Months since start", scale=alt.Scale(zero=True))
    colour = alt.Color("site_name:N", title="Site")
    tooltip = [
        alt.Tooltip("site_name:N", title="Site"),
        alt.Tooltip("months:Q", title="Months since start", format=".1f"),
        alt.Tooltip("outcome_share:Q", title="With an outcome", format=".1%"),
        alt.Tooltip("low:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("high:Q", title="95% interval to", format=".1%"),
    ]
    band = (
        alt.Chart(rows)
        .mark_area(opacity=0.15, interpolate="step-after")
        .encode(x=x, y="low:Q", y2="high:Q", color=colour)
        .transform_filter(pick)
    )
    line = (
        alt.Chart(rows)
        .mark_line(interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("outcome_share:Q", title="Chance of an outcome", axis=alt.Axis(format="%")),
            color=colour,
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.2)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    return alt.layer(band, line).properties(
        title=alt.Title(
            "Chance of an outcome by time since start, by site",
            subtitle="Everyone who started: those still waiting counted until the data end, "
            "those who left as without an outcome; band: 95% interval",
        ),
        width=WIDTH,
        height=300,
    )
