"""Charts of step 1: performance against contract, flow, time to outcome, work sampling.

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

CATEGORY_LABELS = {
    "value_adding": "Value adding",
    "value_enabling": "Value enabling",
    "non_value": "Non-value adding",
}
"""Plain-English names of the work-sampling categories, in stacking order."""

CATEGORY_COLOURS = {
    "value_adding": "#4c9a6a",
    "value_enabling": "#e0a458",
    "non_value": "#a7a9ac",
}
"""Fixed colour of each work-sampling category (the same in every chart and report)."""

STAGE_COLOURS = {"Referrals": "#a9c1d9", "Starts": "#5b8db8", "Outcomes": "#1f4e79"}


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{what}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame))}"
        )


def _finite(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
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
    _require(
        to_date,
        ["site", "site_name", "measure", "actual", "target", "pct_of_target", "gap"],
        "performance_by_site",
    )
    rows = to_date.loc[to_date["measure"] == measure]
    if rows.empty:
        present = ", ".join(sorted(map(str, to_date["measure"].unique())))
        raise ValueError(f"performance_by_site: no rows for measure {measure!r} (found: {present})")
    rows = _finite(rows, ["actual", "target", "pct_of_target", "gap"])
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
    _require(
        by_period,
        ["site", "site_name", "period", "pct_of_target", "actual", "target"],
        "performance_trend",
    )
    rows = by_period
    if "measure" in rows.columns:
        rows = rows.loc[rows["measure"] == measure]
        if rows.empty:
            raise ValueError(f"performance_trend: no rows for measure {measure!r}")
    rows = _finite(rows, ["pct_of_target", "actual", "target"])
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
    _require(flow, ["site", "site_name", "referrals", "starts", "outcomes", "exits"], "flow_funnel")
    flow = _finite(flow, ["referrals", "starts", "outcomes", "exits"])
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


def work_sampling_profile(profile: pd.DataFrame, words: Words | None = None) -> alt.Chart:
    """Stacked bars per site: the share of observed time by category (value adding first).

    Args:
        words: The client's words (terminology: in engagement.yaml).
        profile: One row per site and category: ``site``, ``site_name``, ``category``
            (``value_adding``, ``value_enabling``, ``non_value``), ``count``, ``n``, ``share``
            (0-1), ``ci_low``, ``ci_high`` (0-1, 95 % interval).

    Returns:
        Horizontal stacked bars, one per site, with fixed category colours.
    """
    w = (words or default_words()).mapping()
    _require(
        profile,
        ["site", "site_name", "category", "count", "n", "share", "ci_low", "ci_high"],
        "work_sampling_profile",
    )
    unknown = sorted(set(map(str, profile["category"])) - set(CATEGORY_LABELS))
    if unknown:
        raise ValueError(f"work_sampling_profile: unknown category {', '.join(unknown)}")
    rows = _finite(profile, ["count", "n", "share", "ci_low", "ci_high"])
    rows = rows.assign(
        category_label=rows["category"].map(CATEGORY_LABELS),
        category_order=rows["category"].map({k: i for i, k in enumerate(CATEGORY_LABELS)}),
    )
    rows = rows[
        [
            "site",
            "site_name",
            "category",
            "category_label",
            "category_order",
            "count",
            "n",
            "share",
            "ci_low",
            "ci_high",
        ]
    ]
    labels = list(CATEGORY_LABELS.values())
    value_adding = rows.loc[rows["category"] == "value_adding"]
    site_order = value_adding.sort_values("share", ascending=False)["site_name"].tolist()
    site_order += sorted(set(map(str, rows["site_name"])) - set(site_order))
    return (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="Share of observed time",
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("site_name:N", title=None, sort=site_order),
            color=alt.Color(
                "category_label:N",
                title=None,
                sort=labels,
                scale=alt.Scale(domain=labels, range=list(CATEGORY_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("category_order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("site_name:N", title=w["Site"]),
                alt.Tooltip("category_label:N", title="Category"),
                alt.Tooltip("share:Q", title="Share of time", format=".1%"),
                alt.Tooltip("ci_low:Q", title="95% interval from", format=".1%"),
                alt.Tooltip("ci_high:Q", title="95% interval to", format=".1%"),
                alt.Tooltip("count:Q", title="Observations in category", format=",.0f"),
                alt.Tooltip("n:Q", title="Observations at site", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title(
                "How time is spent: work-sampling profile by site",
                subtitle="Share of observations that were value adding, value enabling or neither",
            ),
            width=WIDTH,
            height=alt.Step(BAR_STEP + 4),
        )
    )


def value_adding_with_ci(value_share: pd.DataFrame, words: Words | None = None) -> alt.LayerChart:
    """The value-adding share of time per site with its 95 % confidence interval.

    Args:
        words: The client's words (terminology: in engagement.yaml).
        value_share: One row per site: ``site``, ``site_name``, ``n`` (observations), ``share``,
            ``ci_low``, ``ci_high`` (fractions 0-1).

    Returns:
        A point per site with an error bar, sites sorted from highest to lowest share.
    """
    w = (words or default_words()).mapping()
    columns = ["site", "site_name", "n", "share", "ci_low", "ci_high"]
    _require(value_share, columns, "value_adding_with_ci")
    rows = _finite(value_share[columns], columns[2:])
    y = alt.Y(
        "site_name:N", title=None, sort=alt.EncodingSortField(field="share", order="descending")
    )
    tooltip = [
        alt.Tooltip("site_name:N", title=w["Site"]),
        alt.Tooltip("share:Q", title="Value-adding share", format=".1%"),
        alt.Tooltip("ci_low:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("ci_high:Q", title="95% interval to", format=".1%"),
        alt.Tooltip("n:Q", title="Observations", format=",.0f"),
    ]
    colour = CATEGORY_COLOURS["value_adding"]
    interval = (
        alt.Chart(rows)
        .mark_errorbar(ticks={"size": 10}, color=colour, thickness=2)
        .encode(
            x=alt.X(
                "ci_low:Q",
                title="Share of observed time spent adding value",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=True),
            ),
            x2="ci_high:Q",
            y=y,
            tooltip=tooltip,
        )
    )
    point = (
        alt.Chart(rows)
        .mark_point(filled=True, size=90, color=colour, opacity=1)
        .encode(x=alt.X("share:Q"), y=y, tooltip=tooltip)
    )
    return alt.layer(interval, point).properties(
        title=alt.Title(
            "Time spent adding value, with its 95% confidence interval",
            subtitle="The bar shows where the true share plausibly lies, given the sample size",
        ),
        width=WIDTH,
        height=alt.Step(BAR_STEP),
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
    _require(curves, columns, "outcome_over_time")
    rows = _finite(curves[columns], columns[2:]).dropna(subset=["outcome_share"])
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
