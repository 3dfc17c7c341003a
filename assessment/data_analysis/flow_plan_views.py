"""What the flow plan shows: its chart, tables and assumptions, for the notebook and the report.

Views take a ``DataAnalysis`` and return display objects; the figures come from the stored plan.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.charts import DOMAIN, PALETTE, WIDTH
from assessment.data_analysis.flow_plan import HORIZON_MONTHS
from assessment.data_analysis.flow_plan_inputs import FlowPlan
from assessment.data_analysis.flow_plan_report import (
    CONTRACT_TOTAL,
    assumptions,
    contract_months,
    monthly_shortfall,
    period_words,
    recent_words,
)
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.step import DataAnalysis
from assessment.engagement import Engagement
from assessment.presentation import callout, number, table
from assessment.terminology import say

SERIES = {
    "needed_starts": "Starts needed",
    "actual_starts": "Actual starts",
    "starts_today_continued": "Today's starts continued",
}
"""The chart's lines, in legend order."""

CONTINUED_COLOUR = "#8fb3d9"
"""Today's starts continued: the actual starts' blue, lighter (a projection, not data)."""


def stored_plan(result: DataAnalysis) -> FlowPlan | None:
    """The flow plan of a step 1 result, or None where none was made."""
    if result.flow_plan is None or result.flow_plan_months is None:
        return None
    levers = result.flow_plan_levers if result.flow_plan_levers is not None else pd.DataFrame()
    return FlowPlan(result.flow_plan_rates, result.flow_plan_months, result.flow_plan, levers)


def flow_plan_chart(
    result: DataAnalysis, engagement: Engagement | None = None
) -> alt.FacetChart | None:
    """Starts needed against actual starts for the contract and per site, month by month.

    The contract total (its sites' sums) first, then one panel per site, each on its own scale;
    "today's starts continued" is dashed over the planned months. Months whose outcomes would
    fall after the contract end have no need.
    """
    plan = stored_plan(result)
    if plan is None:
        return None
    return needed_vs_actual_chart(plan.months, engagement)


def needed_vs_actual_chart(
    months: pd.DataFrame, engagement: Engagement | None = None
) -> alt.FacetChart:
    """The chart of ``flow_plan_chart`` from the plan's months (``site_name`` included)."""
    sites = months[months["site"] != ALL_SITES]
    rows = pd.concat([contract_months(sites), sites], ignore_index=True)
    order = [CONTRACT_TOTAL, *dict.fromkeys(sites["site_name"])]
    continued = rows["starts_today_continued"].where(rows["planned"])
    long = (
        rows.assign(starts_today_continued=continued)
        .melt(
            id_vars=["site_name", "period", "planned"],
            value_vars=list(SERIES),
            var_name="series_key",
            value_name="starts",
        )
        .dropna(subset=["starts"])
    )
    long["series"] = long["series_key"].map(SERIES)
    names = list(SERIES.values())
    base = alt.Chart().encode(
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("starts:Q", title="Starts a month"),
        color=alt.Color(
            "series:N",
            title=None,
            sort=names,
            scale=alt.Scale(domain=names, range=[PALETTE[3], PALETTE[0], CONTINUED_COLOUR]),
            legend=alt.Legend(orient="bottom"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            sort=names,
            scale=alt.Scale(domain=names, range=[[1, 0], [1, 0], [5, 4]]),
            # the same legend as the colour's (one legend merged from both): a hidden one here
            # would conflict with it ("Conflicting legend property disable" in the console)
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("site_name:N", title=say("{Site}", engagement)),
            alt.Tooltip("period:T", title="Month", format="%B %Y"),
            alt.Tooltip("series:N", title="Line"),
            alt.Tooltip("starts:Q", title="Starts", format=",.0f"),
        ],
    )
    first_planned = (
        alt.Chart()
        .transform_filter(alt.datum.planned)
        .mark_rule(color=DOMAIN, strokeDash=[2, 2])
        .encode(x="min(period):T")
    )
    return (
        alt.layer(first_planned, base.mark_line(point=True), data=long)
        .properties(width=WIDTH // 2 - 20, height=160)
        .facet(facet=alt.Facet("site_name:N", title=None, sort=order), columns=2)
        .resolve_scale(y="independent")
        .properties(
            title=alt.Title(
                say(
                    "Starts needed for the outcome target against actual starts, for the "
                    "contract and by {site}",
                    engagement,
                ),
                subtitle="Dotted rule: the first month planned; dashed: today's starts continued",
            )
        )
    )


def flow_plan_assumptions(result: DataAnalysis, engagement: Engagement) -> HTML | None:
    """The plan's period and assumptions in plain words."""
    plan = stored_plan(result)
    if plan is None:
        return None
    label = engagement.kpi(engagement.contract.headline_kpi).label
    lines = assumptions(plan, _names(result), label, engagement)
    return callout("How the flow plan is worked out", lines)


def flow_plan_table(result: DataAnalysis, engagement: Engagement) -> HTML | None:
    """Per site: the starts and referrals a month the target needs against today's, and capacity."""
    plan = stored_plan(result)
    if plan is None:
        return None
    rows = plan.summary.copy()
    rows["site_name"] = rows["site"].map(_names(result)).fillna(rows["site"])
    rows["needed"] = [
        f"{number(n)} ({number(lo)}–{number(hi)})" if pd.notna(n) else "–"
        for n, lo, hi in zip(
            rows["needed_starts"],
            rows["needed_starts_low"],
            rows["needed_starts_high"],
            strict=True,
        )
    ]
    rows["short"] = [_signed(v) for v in rows["starts_short"]]
    rows["outcomes"] = [
        f"{number(e)} of {number(t)}" for e, t in zip(rows["expected"], rows["target"], strict=True)
    ]
    rows["reach"] = [f"{v:%b %Y}" if pd.notna(v) else "–" for v in rows["unreachable_from"]]
    label = engagement.kpi(engagement.contract.headline_kpi).label.lower()
    period = period_words(rows["plan_start"].min(), rows["plan_end"].max())
    columns = {
        "site_name": say("{Site}", engagement),
        "needed": "Starts needed a month (95% interval)",
        "starts_today": "Starts a month today",
        "short": "Short by, a month",
        "needed_referrals": "Referrals needed a month",
        "referrals_today": "Referrals a month today",
        "outcomes": "Outcomes expected, of target",
        "reach": "Out of reach from",
    }
    formats = {"starts_today": number, "needed_referrals": number, "referrals_today": number}
    return table(
        rows,
        columns,
        formats,
        caption=say(
            f"Flow plan for {period}: the starts each {{site}} needs to reach its {label} target, "
            "from its own conversion and time to outcome, against its starts today (the average "
            f"of {recent_words(rows['plan_start'].min())}).",
            engagement,
        ),
        kind="aw-flow-plan",
    )


def flow_plan_capacity_table(
    result: DataAnalysis, engagement: Engagement | None = None
) -> HTML | None:
    """Per site: the caseload the plan implies (Little's law), per adviser, and advisers needed."""
    plan = stored_plan(result)
    if plan is None or plan.summary["staff"].isna().all():
        return None
    rows = plan.summary.copy()
    rows["site_name"] = rows["site"].map(_names(result)).fillna(rows["site"])
    columns = {
        "site_name": "{Site}",
        "staff": "{Advisers}",
        "caseload_today": "Caseload today",
        "caseload_plan": "Caseload in the plan",
        "caseload_per_adviser_today": "Per {adviser} today",
        "caseload_per_adviser_plan": "Per {adviser} in the plan",
    }
    notes = []
    if rows["max_caseload"].notna().any():
        columns["advisers_needed"] = "{Advisers} needed"
        notes.append(f"at most {number(rows['max_caseload'].iloc[0])} {{customers}} each")
        goal = rows["customer_time_goal"].iloc[0]
        if pd.notna(goal):
            columns["advisers_needed_at_goal"] = f"Needed at {goal:.0%} of time with {{customers}}"
            notes.append(
                f"and if time with {{customers}} rose to {goal:.0%} (from each {{site}}'s share "
                "today, the same maximum stands for proportionally more {customers})"
            )
    formats = {c: number for c in columns if c != "site_name"}
    caption = (
        "Capacity: caseload is starts a month × average months in service (Little's law); "
        + (f"{{advisers}} needed {' '.join(notes)}." if notes else "no maximum caseload is set.")
    )
    columns = {column: say(header, engagement) for column, header in columns.items()}
    return table(
        rows, columns, formats, caption=say(caption, engagement), kind="aw-flow-plan-capacity"
    )


def flow_plan_months_table(
    result: DataAnalysis, engagement: Engagement | None = None
) -> HTML | None:
    """Month by month, for the sites short of their need: starts needed, today's, and the gap."""
    plan = stored_plan(result)
    if plan is None:
        return None
    short = set(plan.summary.loc[plan.summary["materially_short"], "site"]) - {ALL_SITES}
    rows = monthly_shortfall(plan, _names(result))
    rows = rows[rows["site"].isin(short)].copy()
    if rows.empty:
        return None
    rows["month"] = rows["period"].dt.strftime("%B %Y")
    return table(
        rows,
        {
            "site_name": say("{Site}", engagement),
            "month": "Month",
            "needed_starts": "Starts needed",
            "starts_today_continued": "Starts at today's level",
            "starts_short": "Short by",
            "referrals_for_starts": "Referrals these starts need",
        },
        {
            "needed_starts": number,
            "starts_today_continued": number,
            "starts_short": number,
            "referrals_for_starts": number,
        },
        caption=say(
            "Each month whose starts can still convert before the contract ends, for the "
            "{sites} short of what their target needs.",
            engagement,
        ),
        kind="aw-flow-plan-months",
    )


def flow_plan_levers_table(
    result: DataAnalysis, engagement: Engagement | None = None
) -> HTML | None:
    """What raising conversion to the benchmark's, or a month off time to outcome, would save."""
    plan = stored_plan(result)
    if plan is None or plan.levers.empty:
        return None
    rows = plan.levers.copy()
    names = _names(result)
    rows["site_name"] = rows["site"].map(names).fillna(rows["site"])
    rows["conversion"] = [
        f"{number(r.starts_saved_by_conversion)} fewer starts a month "
        f"(at {names.get(r.benchmark, r.benchmark)}'s {r.benchmark_rate:.1%} within "
        f"{HORIZON_MONTHS} months)"
        if r.conversion_real
        else "–"
        for r in rows.itertuples()
    ]
    rows["timing"] = [
        f"{number(r.caseload_saved_by_timing)} fewer on the caseload"
        + (
            f", {number(r.starts_saved_by_timing)} fewer catch-up starts a month"
            if r.starts_saved_by_timing >= 0.5
            else ""
        )
        if r.shorten_months > 0 and pd.notna(r.caseload_saved_by_timing)
        else "–"
        for r in rows.itertuples()
    ]
    return table(
        rows,
        {
            "site_name": say("{Site}", engagement),
            "conversion": "Conversion raised to the benchmark's",
            "timing": "Time to outcome a month shorter",
        },
        caption=say(
            "Levers: the plan recomputed with a {site}'s conversion at the benchmark's (only "
            "where the difference is more than chance) or its outcomes a month sooner.",
            engagement,
        ),
        kind="aw-flow-plan-levers",
    )


def _names(result: DataAnalysis) -> dict[str, str]:
    months = result.flow_plan_months
    if months is None or "site_name" not in months:
        return {}
    return dict(zip(months["site"], months["site_name"], strict=True)) | {ALL_SITES: CONTRACT_TOTAL}


def _signed(value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{number(value)}" if value > 0.5 else "none"
