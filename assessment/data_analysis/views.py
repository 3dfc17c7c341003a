"""What step 1 shows: tables and charts of its results, for the notebook and the client report.

Views take a ``DataAnalysis`` (fresh from ``analyse`` or read back by ``load``) and return display
objects; they compute nothing beyond choosing and labelling what to show.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.data_analysis import charts
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.step import DataAnalysis
from assessment.engagement import Engagement
from assessment.inputs import Extracts
from assessment.periods import Period, Periods, periods_from
from assessment.presentation import callout, number, pct, share, table


def periods(result: DataAnalysis, engagement: Engagement) -> Periods | None:
    """The engagement's named periods (to date, recent) from the months step 1 counted."""
    if result.months is None:
        return None
    return periods_from(result.months, engagement.analysis.recent_months)


def to_date_label(result: DataAnalysis, engagement: Engagement | None = None) -> str:
    """'Jan 2024–Jun 2026': the months every figure "to date" covers (to date needs no N)."""
    found = None if result.months is None else periods_from(result.months, 1)
    return found.to_date.label() if found else "to date"


def caseload_period(result: DataAnalysis) -> Period | None:
    """The months the caseload extract covers (its flow by month)."""
    frame = result.flow_by_month
    if frame is None or frame.empty:
        return None
    months = pd.to_datetime(frame["period"])
    return Period(months.min(), months.max())


def months_flagged(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Which months the KPI figures cover, and each month left out with why."""
    found = periods(result, engagement)
    if found is None:
        return callout("Months used", ["No complete month of KPI data inside the contract."])
    lines = [
        f"KPI figures to date cover {found.to_date.label()} ({found.data_to_label().lower()}); "
        f"the recent level covers {found.recent.label()}."
    ]
    lines += [f"Left out: {flag}." for flag in found.flagged]
    return callout("Months used", lines)


def inputs_summary(engagement: Engagement, extracts: Extracts) -> HTML:
    """What was read: each extract, its rows and the months or dates it covers."""
    rows = [("KPI extract", engagement.inputs.kpi.path, len(extracts.kpi), extracts.kpi["period"])]
    if extracts.caseload is not None and engagement.inputs.caseload is not None:
        dates = extracts.caseload["referral_date"]
        rows.append(("Caseload", engagement.inputs.caseload.path, len(extracts.caseload), dates))
    if extracts.work_sampling is not None and engagement.inputs.work_sampling is not None:
        obs = extracts.work_sampling
        path = engagement.inputs.work_sampling.path
        rows.append(("Work sampling", path, len(obs), obs["observed_at"]))
    frame = pd.DataFrame(
        [
            {"what": what, "file": path, "rows": n, "from": dates.min(), "to": dates.max()}
            for what, path, n, dates in rows
        ]
    )
    return table(
        frame,
        {"what": "Extract", "file": "File", "rows": "Rows", "from": "From", "to": "To"},
        {"rows": number},
        caption="Every extract was read and passed its checks.",
    )


def headline(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Where the contract stands on its headline KPI, in three sentences."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date[result.performance_to_date["measure"] == kpi.key]
    total = rows[rows["site"] == ALL_SITES].iloc[0]
    sites = rows[rows["site"] != ALL_SITES].sort_values("pct_of_target", ascending=False)
    best, worst = sites.iloc[0], sites.iloc[-1]
    above = sites[sites["pct_of_target"] >= 100]["site_name"].tolist()
    lines = [
        f"The contract has delivered {number(total['actual'])} {kpi.label.lower()} against a "
        f"target of {number(total['target'])} over {to_date_label(result, engagement)}: "
        f"{pct(total['pct_of_target'])} of contract.",
        f"{best['site_name']} leads at {pct(best['pct_of_target'])}; {worst['site_name']} is at "
        f"{pct(worst['pct_of_target'])}.",
        (
            f"Above contract: {', '.join(above)}."
            if above
            else "No site is above its contracted target."
        ),
    ]
    return callout(f"{kpi.label}: where the contract stands", lines, kind="headline")


def performance_table(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Performance against contract to date, per KPI and site, best site first."""
    frame = result.performance_to_date.copy()
    labels = engagement.kpi_labels()
    frame["kpi"] = frame["measure"].map(labels)
    order = {key: i for i, key in enumerate(labels)}
    frame = frame.assign(
        _kpi=frame["measure"].map(order), _all=frame["site"] == ALL_SITES
    ).sort_values(["_kpi", "_all", "rank"])
    return table(
        frame,
        {
            "kpi": "KPI",
            "site_name": "Site",
            "actual": "Actual",
            "target": "Target",
            "pct_of_target": "% of target",
            "gap": "Gap (units)",
            "rank": "Rank",
        },
        {"actual": number, "target": number, "pct_of_target": pct, "gap": number},
        caption=f"Actuals against contracted targets, {to_date_label(result, engagement)} "
        "(complete months inside the contract).",
    )


def performance_chart(result: DataAnalysis, engagement: Engagement) -> alt.Chart:
    """Headline KPI, % of target per site, against the 100% contract line."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date
    sites = rows[(rows["measure"] == kpi.key) & (rows["site"] != ALL_SITES)]
    return charts.performance_by_site(sites, kpi.key, kpi.label, to_date_label(result))


def trend_chart(result: DataAnalysis, engagement: Engagement) -> alt.Chart:
    """Headline KPI, % of target per month and site, with a clickable site legend."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_by_period
    return charts.performance_trend(rows[rows["measure"] == kpi.key], kpi.key, kpi.label)


def trend_table(result: DataAnalysis) -> HTML:
    """Direction of travel per site over the last months (named)."""
    months = pd.to_datetime(result.trend["last_period"]).dropna()
    last = f" ({months.max():%b %Y})" if not months.empty else ""
    return table(
        result.trend,
        {
            "site_name": "Site",
            "last_pct_of_target": f"Latest month{last}, % of target",
            "slope_pp_per_month": "Change per month (pp)",
            "direction": "Direction",
        },
        {"last_pct_of_target": pct, "slope_pp_per_month": lambda v: number(v, 1)},
    )


def flow_table(result: DataAnalysis) -> HTML | None:
    """On-flow, off-flow, conversion and time to outcome per site."""
    if result.flow is None:
        return None
    return table(
        result.flow,
        {
            "site_name": "Site",
            "referrals": "Referrals",
            "starts": "Starts",
            "outcomes": "Outcomes",
            "exits": "Exits",
            "open_caseload": "Caseload now",
            "conversion_to_start": "Referral → start",
            "conversion_to_outcome": "Start → outcome",
            "median_days_to_outcome": "Days to outcome (median)",
            "p80_days_to_outcome": "Days to outcome (80%)",
            "throughput_per_month": "Exits per month",
        },
        {
            "referrals": number,
            "starts": number,
            "outcomes": number,
            "exits": number,
            "open_caseload": number,
            "conversion_to_start": share,
            "conversion_to_outcome": share,
            "median_days_to_outcome": number,
            "p80_days_to_outcome": number,
            "throughput_per_month": lambda v: number(v, 1),
        },
        caption=_flow_caption(result),
    )


def _flow_caption(result: DataAnalysis) -> str:
    months = caseload_period(result)
    covered = f", customers referred {months.label()}" if months else ""
    return (
        f"Customers flowing through each site, from the caseload extract{covered}: its months "
        "may differ from the KPI extract's, so its counts differ from the KPI table's."
    )


def flow_charts(result: DataAnalysis) -> list[alt.Chart]:
    """The funnel from referral to outcome and the time it takes, per site."""
    if result.flow is None:
        return []
    sites = result.flow[result.flow["site"] != ALL_SITES]
    return [charts.flow_funnel(sites), charts.time_to_outcome(sites)]


def littles_law_table(result: DataAnalysis) -> HTML | None:
    """The data check: caseload against throughput × time in service, with what a flag means."""
    if result.littles_law is None:
        return None
    return table(
        result.littles_law,
        {
            "site_name": "Site",
            "caseload": "Caseload (L)",
            "starts_per_day": "Starts per day (λ)",
            "mean_days_in_service": "Days in service (W)",
            "expected_caseload": "λ × W",
            "ratio": "L ÷ (λ × W)",
            "flag": "Check the data?",
            "explanation": "Why",
        },
        {
            "caseload": number,
            "starts_per_day": lambda v: number(v, 2),
            "mean_days_in_service": number,
            "expected_caseload": number,
            "ratio": lambda v: number(v, 2),
            "flag": lambda v: "yes" if v else "no",
        },
        caption="Little's law: in a steady service the caseload equals throughput × time in "
        "service. A large difference usually means missing dates in the extract.",
    )


def sampling_charts(result: DataAnalysis) -> list[alt.Chart]:
    """How staff time is spent per site, and the value-adding share with its 95% interval."""
    if result.sampling_by_site is None or result.value_adding is None:
        return []
    by_site = result.sampling_by_site[result.sampling_by_site["site"] != ALL_SITES]
    return [charts.work_sampling_profile(by_site), charts.value_adding_with_ci(result.value_adding)]


def sampling_table(result: DataAnalysis) -> HTML | None:
    """Share of observed time spent with customers per site, with its confidence interval."""
    if result.value_adding is None:
        return None
    return table(
        result.value_adding,
        {
            "site_name": "Site",
            "n": "Observations",
            "value_adding": "With the customer",
            "share": "Share",
            "ci_low": "95% interval from",
            "ci_high": "to",
            "required_n": "Observations needed (±3 pp)",
            "sufficient": "Enough?",
        },
        {
            "n": number,
            "value_adding": number,
            "share": share,
            "ci_low": share,
            "ci_high": share,
            "required_n": number,
            "sufficient": lambda v: "yes" if v else "more needed",
        },
        caption="Work sampling: share of observed staff time spent on value-adding customer "
        f"work{_observed(result)}.",
    )


def _observed(result: DataAnalysis) -> str:
    """' (observed 3 Mar–28 Mar 2025)', from the stored extract dates; '' without them."""
    sources = result.sources
    if sources is None or "work_sampling" not in set(sources["source"]):
        return ""
    row = sources[sources["source"] == "work_sampling"].iloc[0]
    first, last = pd.Timestamp(row["first"]), pd.Timestamp(row["last"])
    return f", observed {first:%d %b %Y} to {last:%d %b %Y}"


def opinion_table(result: DataAnalysis) -> HTML:
    """The initial opinion: each hypothesis, its statement and key."""
    if result.hypotheses.empty:
        return callout("Initial opinion", ["The data suggests no hypothesis yet."])
    return table(
        result.hypotheses,
        {"title": "Hypothesis", "statement": "What the data shows", "key": "Key"},
        caption="Hypotheses the data suggests, to test with local knowledge (step 2) and "
        "evidence (step 4).",
    )
