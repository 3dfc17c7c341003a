"""The flow plan in words: its hypotheses for the initial opinion, its assumptions, its tables.

Pure functions of the stored plan frames (``flow_plan_inputs.FlowPlan``): text and small frames,
no display objects (those are in ``flow_plan_views``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import special, stats

from assessment.data_analysis.comparisons import strength
from assessment.data_analysis.flow_plan import HORIZON_MONTHS, RECENT_MONTHS
from assessment.data_analysis.flow_plan_inputs import FlowPlan
from assessment.data_analysis.opinion import Hypothesis
from assessment.data_analysis.performance import ALL_SITES
from assessment.engagement import Engagement
from assessment.terminology import say

_SIGNIFICANCE = 0.05
CHECK_BAND = (0.8, 1.25)
"""Reported outcomes within this ratio of what the rates give: the rates fit the history."""
MAX_SITE_HYPOTHESES = 5
"""Sites named one by one (the largest gaps); beyond them one contract-level hypothesis."""


@functools.lru_cache(maxsize=256)
def period_words(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A span of months as people say it: "July to December 2026", "Nov 2026 to Feb 2027"."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start.to_period("M") == end.to_period("M"):
        return f"{end:%B %Y}"
    if start.year == end.year:
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


@functools.lru_cache(maxsize=256)
def recent_words(start: pd.Timestamp) -> str:
    """The months "today's on-flow" is averaged over, ending the month before ``start``."""
    first = pd.Timestamp(start) - pd.DateOffset(months=RECENT_MONTHS)
    return period_words(first, pd.Timestamp(start) - pd.DateOffset(months=1))


def enough_starts_p(rate: float, low: float, high: float, needed_rate: float) -> float:
    """One-sided p-value that the site's conversion is really as high as its starts would need.

    ``needed_rate`` is the conversion at which today's starts would meet the target (target a
    month / starts a month). The standard error is read off the rate's 95% interval.
    """
    se = (high - low) / (2 * stats.norm.ppf(0.975))
    if not (math.isfinite(se) and se > 0 and math.isfinite(needed_rate)):
        return math.nan
    return float(stats.norm.cdf((rate - needed_rate) / se))


def flow_plan_hypotheses(
    plan: FlowPlan,
    site_names: Mapping[str, str],
    kpi_label: str,
    kpi_key: str | None = None,
    engagement: Engagement | None = None,
    limit: int | None = MAX_SITE_HYPOTHESES,
) -> list[Hypothesis]:
    """``flow-gap:{site}``: a site whose on-flow is materially short of what its target needs.

    Fires when today's starts fall more than 10% below the need even at the top of the site's
    conversion interval, and the chance that its conversion is really high enough for today's
    starts is under 5%. At most ``limit`` sites (the largest gaps in starts) are named one by
    one; when more are short, ``flow-gap:ALL`` says how many and how far (``limit=None`` gives
    every site's, for step 1 to summarise as it does every rule's). Texts are in the
    engagement's words (``terminology:``).
    """
    rates = plan.rates.set_index("site")
    label = kpi_label[:1].lower() + kpi_label[1:] if not kpi_label[1:2].isupper() else kpi_label
    summary = plan.summary[plan.summary["site"] != ALL_SITES]
    short = summary[summary["materially_short"] & (summary["starts_today"] > 0)]
    # the p-values of every short site at once: a scipy call per site cost more than the plan
    site_rates = rates.reindex(short["site"])
    spans = zip(short["plan_start"], short["plan_end"], strict=True)
    months = np.maximum(1, [_months_between(a, b) + 1 for a, b in spans])
    needed_rate = short["target"].to_numpy(float) / months / short["starts_today"].to_numpy(float)
    p_values = _enough_starts_p(
        site_rates["outcome_rate"].to_numpy(float),
        site_rates["outcome_low"].to_numpy(float),
        site_rates["outcome_high"].to_numpy(float),
        needed_rate,
    )
    records = dict(zip(rates.index, rates.to_dict("records"), strict=True))
    hyps = []
    for row, p in zip(short.itertuples(), p_values, strict=True):
        if not p < _SIGNIFICANCE:
            continue
        rate = records[row.site]
        gap = _flow_gap(row, rate, site_names.get(row.site, row.site), label, kpi_key, float(p))
        hyps.append(_in_words(gap, engagement))
    if limit is None or len(hyps) <= limit:
        return hyps
    hyps.sort(key=lambda h: -float(h.figures["starts_short"]))
    total = _in_words(_contract_gap(plan, hyps, site_names, kpi_key), engagement)
    return [*hyps[:limit], total]


def _enough_starts_p(
    rate: np.ndarray, low: np.ndarray, high: np.ndarray, needed_rate: np.ndarray
) -> np.ndarray:
    """``enough_starts_p`` of many sites at once (NaN where it is not defined)."""
    se = (high - low) / (2 * stats.norm.ppf(0.975))
    defined = np.isfinite(se) & (se > 0) & np.isfinite(needed_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = special.ndtr((rate - needed_rate) / se)
    return np.where(defined, p, np.nan)


def _in_words(hyp: Hypothesis, engagement: Engagement | None) -> Hypothesis:
    """The hypothesis with its title and statement in the engagement's words."""
    return replace(hyp, title=say(hyp.title, engagement), statement=say(hyp.statement, engagement))


def _contract_gap(
    plan: FlowPlan, short: list[Hypothesis], site_names: Mapping[str, str], kpi_key: str | None
) -> Hypothesis:
    """``flow-gap:ALL``: how many sites start too few for their targets, and by how much."""
    total = plan.summary[plan.summary["site"] == ALL_SITES].iloc[0]
    sites = len(plan.summary) - 1
    gap = sum(float(h.figures["starts_short"]) for h in short)
    named = ", ".join(site_names.get(h.site, h.site) for h in short[:MAX_SITE_HYPOTHESES])
    p = max(float(h.figures["p_value"]) for h in short)
    period = period_words(total["plan_start"], total["plan_end"])
    return Hypothesis(
        key="flow-gap:ALL",
        kind="flow",
        site=None,
        kpi=kpi_key,
        title=f"{len(short)} of {sites} {{sites}} start too few {{customers}} for their targets",
        statement=f"{len(short)} of the contract's {sites} {{sites}} start too few {{customers}} "
        "to reach "
        f"their targets over {period}: together {gap:,.0f} starts a month short of what their "
        f"targets need. The largest gaps: {named}.",
        figures=_figures(
            sites_short=len(short), sites=sites, starts_short=gap, p_value=p, strength=strength(p)
        ),
    )


def _flow_gap(
    row: object, rate: Mapping[str, float], name: str, label: str, kpi_key: str | None, p: float
) -> Hypothesis:
    period = period_words(row.plan_start, row.plan_end)
    out_of_reach = ""
    if pd.notna(row.unreachable_from):
        out_of_reach = (
            f" At today's rates the target is out of reach from {row.unreachable_from:%B %Y}"
        )
        if row.unreachable_from <= row.last_useful_start and math.isfinite(row.capacity_starts):
            out_of_reach += (
                f": making up the shortfall takes {row.catch_up_starts:,.0f} starts a month from "
                f"{row.plan_start:%B %Y}, and its {row.staff:,.0f} {{advisers}} at their maximum "
                f"caseload can take about {row.capacity_starts:,.0f}"
            )
        out_of_reach += "."
    statement = (
        f"{name} starts {row.starts_today:,.0f} {{customers}} a month "
        f"({recent_words(row.plan_start)}); to reach its target of {row.target:,.0f} {label} "
        f"over {period} it needs {row.needed_starts:,.0f} a month (95% interval "
        f"{row.needed_starts_low:,.0f}–{row.needed_starts_high:,.0f}) in "
        f"{period_words(row.plan_start, row.last_useful_start)}, "
        f"{row.starts_short:,.0f} a month short (later starts come too late to convert by "
        f"{row.plan_end:%B %Y}). {rate['outcome_rate']:.1%} of its starters "
        f"get an outcome within {HORIZON_MONTHS} months, typically {int(rate['outcome_lag'])} "
        f"months after starting; at today's on-flow it can expect {row.expected:,.0f} of the "
        f"{row.target:,.0f} over {period}.{out_of_reach}{_caution(row)}"
    )
    return Hypothesis(
        key=f"flow-gap:{row.site}",
        kind="flow",
        site=row.site,
        kpi=kpi_key,
        title=f"{name} starts too few {{customers}} for its target",
        statement=statement,
        figures=_figures(
            starts_today=row.starts_today,
            needed_starts=row.needed_starts,
            needed_starts_low=row.needed_starts_low,
            needed_starts_high=row.needed_starts_high,
            starts_short=row.starts_short,
            target=row.target,
            expected=row.expected,
            outcome_rate=rate["outcome_rate"],
            outcome_lag=int(rate["outcome_lag"]),
            plan_start=f"{row.plan_start:%Y-%m}",
            plan_end=f"{row.plan_end:%Y-%m}",
            check_ratio=float(getattr(row, "check_ratio", math.nan)),
            p_value=p,
            strength=strength(p),
        ),
    )


def check_words(row: object) -> str:
    """How the rates compare with the outcomes reported over the check months, in a sentence."""
    if not math.isfinite(getattr(row, "check_ratio", math.nan)):
        return ""
    return (
        f"over {period_words(row.check_start, row.check_end)} its rates give "
        f"{row.check_expected:,.0f} outcomes from the starts made, where {row.check_actual:,.0f} "
        "were reported"
    )


def _caution(row: object) -> str:
    """A warning when the history does not fit the rates (the need may be over- or understated)."""
    words = check_words(row)
    if not words or CHECK_BAND[0] <= row.check_ratio <= CHECK_BAND[1]:
        return ""
    direction = "overstated" if row.check_ratio > 1 else "understated"
    return (
        f" Caution: {words}, so this need may be {direction} (the caseload extract and the KPI "
        "extract disagree)."
    )


def assumptions(
    plan: FlowPlan,
    site_names: Mapping[str, str],
    kpi_label: str,
    engagement: Engagement | None = None,
) -> list[str]:
    """The plan's period and assumptions in plain words (the engagement's), one sentence each."""
    summary = plan.summary[plan.summary["site"] != ALL_SITES]
    if summary.empty:
        return []
    start, end = summary["plan_start"].min(), summary["plan_end"].max()
    lines = [
        f"The plan covers {period_words(start, end)}, to the contract end; it starts after the "
        f"last month of actual on-flow. Today's on-flow is the average of {recent_words(start)}.",
        f"Each {{site}}'s conversion is the share of its starters who reach an outcome "
        f"({kpi_label.lower()}) within {HORIZON_MONTHS} months of starting: the chance of an "
        "outcome shown under time to outcome, counting {customers} still waiting until the end "
        "of the data and those who left without an outcome as having none (someone who has "
        "left cannot get one). Each outcome is taken to come at the "
        "{site}'s typical time from start to outcome, so the starts a month's target needs are "
        "made that many months earlier; starts too late to convert before the contract ends are "
        "not planned.",
        "Referrals needed are the starts needed divided by the {site}'s share of referrals that "
        "start, made earlier by its typical time from referral to start.",
        "Caseload is starts a month × average months in service (Little's law).",
    ]
    checks = plan.summary.set_index("site")
    for row in plan.rates.itertuples():
        check = check_words(checks.loc[row.site]) if row.site in checks.index else ""
        lines.append(
            f"{site_names.get(row.site, row.site)}: {row.outcome_rate:.1%} of starters get an "
            f"outcome (95% interval {row.outcome_low:.1%}–{row.outcome_high:.1%}), typically "
            f"{row.outcome_lag} months after starting; {row.start_rate:.0%} of referrals start"
            + (f"; {check}." if check else ".")
        )
    return [say(line, engagement) for line in lines]


def monthly_shortfall(plan: FlowPlan, site_names: Mapping[str, str]) -> pd.DataFrame:
    """The planned months with a need: starts needed, today's starts and the gap, per site.

    Returns:
        Columns ``site, site_name, period, needed_starts, starts_today_continued, starts_short,
        referrals_for_starts`` (the referrals those starts need, at the site's share of referrals
        that start, made its referral lag earlier), months in order, sites in the plan's order.
    """
    months = plan.months
    rows = months[months["planned"] & months["needed_starts"].notna()].copy()
    # as numbers even when no month is planned (an empty map keeps the sites' text dtype)
    start_rate = rows["site"].map(plan.rates.set_index("site")["start_rate"]).astype("float64")
    rows["referrals_for_starts"] = rows["needed_starts"] / start_rate.where(start_rate > 0)
    if "site_name" not in rows:
        rows.insert(1, "site_name", rows["site"].map(site_names).fillna(rows["site"]))
    columns = [
        "site",
        "site_name",
        "period",
        "needed_starts",
        "starts_today_continued",
        "starts_short",
        "referrals_for_starts",
    ]
    return rows[columns].reset_index(drop=True)


CONTRACT_TOTAL = "Contract total"
"""The contract's name beside its sites (``step.CONTRACT_NAME``)."""


def contract_months(months: pd.DataFrame) -> pd.DataFrame:
    """The contract's starts needed, actual and continued each month: its sites' sums.

    A site's need is missing in months whose starts would convert after the contract end (sites
    convert at different speeds, so they stop at different months). The contract's need is
    shown only while every site still has one: a sum over the few sites left would read as a
    collapse of the need.

    Args:
        months: The plan's months (``flow_plan.plan_months``), sites only.

    Returns:
        One row per month: ``site`` ("ALL"), ``site_name``, ``period, planned, needed_starts,
        actual_starts, starts_today_continued``.
    """
    sites = months[months["site"] != ALL_SITES]
    columns = ["needed_starts", "actual_starts", "starts_today_continued"]
    # sum(min_count=n): missing unless every site has the figure that month
    n = sites["site"].nunique()
    total = sites.groupby("period", sort=True).agg(
        planned=("planned", "all"), **{c: (c, lambda v: v.sum(min_count=n)) for c in columns}
    )
    return total.reset_index().assign(site=ALL_SITES, site_name=CONTRACT_TOTAL)[
        ["site", "site_name", "period", "planned", *columns]
    ]


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _figures(**values: object) -> dict[str, float | int | str]:
    """JSON-ready figures: numbers rounded to 4 decimals; missing or infinite ones dropped."""
    out: dict[str, float | int | str] = {}
    for name, value in values.items():
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, int | np.integer):
            out[name] = int(value)
        elif isinstance(value, float | np.floating) and math.isfinite(value):
            out[name] = round(float(value), 4)
    return out
