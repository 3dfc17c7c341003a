"""What the flow plan is computed from, and its levers: pure functions of step 1's data.

``plan_rates`` measures each site's rates from its caseload; ``plan_grid`` lays targets and actual
on-flow out on a sites × months grid to the contract end; ``plan_levers`` recomputes the plan with
a site's conversion raised to the benchmark's (only where the difference is more than noise) or
its time to outcome shortened, and says what each would save.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.rates import test_poisson_2indep

from assessment.data_analysis import flow_plan as fp
from assessment.data_analysis.comparisons import MIN_VOLUME, holm
from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.incidence import Incidence, outcome_incidence
from assessment.data_analysis.performance import ALL_SITES

_SIGNIFICANCE = 0.05
CHECK_MONTHS = 6
"""Months of history the plan's rates are checked against (reported outcomes)."""


@dataclass(frozen=True)
class FlowPlan:
    """The flow plan of one engagement.

    Attributes:
        rates: Per site, the measured rates the plan rests on (``plan_rates``).
        months: Per site and month, needed against actual on-flow (``flow_plan.plan_months``).
        summary: Per site and "ALL", the plan in figures (``flow_plan.plan_summary``).
        levers: Per site, what raising conversion or shortening time to outcome would save.
    """

    rates: pd.DataFrame
    months: pd.DataFrame
    summary: pd.DataFrame
    levers: pd.DataFrame


def plan_rates(
    caseload: pd.DataFrame,
    flow: pd.DataFrame,
    staff: Mapping[str, int] | None = None,
    value_adding: pd.DataFrame | None = None,
    incidence: Incidence | None = None,
) -> pd.DataFrame:
    """Each site's measured rates: conversion, timing, time in service, staff, time with customers.

    Args:
        caseload: Validated caseload frame.
        flow: ``flow.flow_by_site`` output (referrals, starts, mean days in service).
        staff: Advisers per site (``staff:`` in engagement.yaml), where given.
        value_adding: ``work_sampling.value_adding_share`` output, or None.
        incidence: ``incidence.cumulative_incidence(caseload)`` where the caller has it.

    Returns:
        One row per site (not "ALL"): ``site, start_rate, referral_lag, outcome_rate,
        outcome_low, outcome_high, outcome_lag, days_in_service, staff, customer_share``.
    """
    # The chance of an outcome step 1's time-to-outcome table shows (``incidence``): leaving
    # without an outcome is a competing event, only the end of the data censors.
    sites = flow[flow["site"] != ALL_SITES].set_index("site")
    rates = (
        outcome_incidence(caseload, fp.HORIZON_MONTHS * DAYS_PER_MONTH, estimate=incidence)
        .set_index("site")
        .reindex(sites.index)
    )
    share = (
        value_adding.set_index("site")["share"].reindex(sites.index)
        if value_adding is not None
        else pd.Series(np.nan, index=sites.index)
    )
    return pd.DataFrame(
        {
            "site": sites.index.astype("str"),
            "start_rate": sites["conversion_to_start"].to_numpy(dtype=float),
            "referral_lag": _months(rates["referral_days"].to_numpy(dtype=float)),
            "outcome_rate": rates["share"].to_numpy(dtype=float),
            "outcome_low": rates["low"].to_numpy(dtype=float),
            "outcome_high": rates["high"].to_numpy(dtype=float),
            "outcome_lag": _months(rates["median_days"].to_numpy(dtype=float)),
            "days_in_service": sites["mean_days_in_service"].to_numpy(dtype=float),
            "staff": [float((staff or {}).get(s, np.nan)) for s in sites.index],
            "customer_share": share.to_numpy(dtype=float),
        }
    )


def on_flow_by_month(kpi: pd.DataFrame, flow_month: pd.DataFrame | None) -> pd.DataFrame:
    """Actual referrals and starts per site and month.

    The KPI extract's ``referrals`` and ``starts`` measures where it has them (what the contract
    reports, often more recent than the caseload), else the caseload's monthly flow.

    Returns:
        Columns ``site, period, referrals, starts`` (sites only).
    """
    measures = set(kpi["measure"].unique())
    if {"referrals", "starts"} <= measures:
        rows = kpi[kpi["measure"].isin(["referrals", "starts"])]
        wide = rows.pivot_table(
            index=["site", "period"], columns="measure", values="actual", aggfunc="sum"
        )
        return wide.reset_index()[["site", "period", "referrals", "starts"]]
    if flow_month is None:
        raise ValueError("a flow plan needs referrals and starts: a KPI or a caseload extract")
    rows = flow_month[flow_month["site"] != ALL_SITES]
    return rows[["site", "period", "referrals", "starts"]].reset_index(drop=True)


def plan_grid(
    sites: list[str],
    on_flow: pd.DataFrame,
    targets: pd.DataFrame,
    future_targets: Mapping[str, float],
    contract_end: pd.Timestamp,
) -> fp.Grid:
    """Targets and actual on-flow on a sites × months grid up to the contract's end month.

    Args:
        sites: Site keys (the grid's rows, in this order).
        on_flow: ``on_flow_by_month`` output.
        targets: The headline KPI's targets per ``site, period`` (from the extract).
        future_targets: Monthly target per site for months past the extract (engagement.yaml).
        contract_end: The contract's last day.

    Returns:
        The grid; its plan starts the month after the last month of actual on-flow.
    """
    first = pd.Timestamp(on_flow["period"].min()).to_period("M")
    last = pd.Timestamp(contract_end).to_period("M")
    months = pd.period_range(first, max(last, first), freq="M").to_timestamp()
    now = int(months.searchsorted(pd.Timestamp(on_flow["period"].max()), side="right"))
    index = pd.MultiIndex.from_product([sites, months], names=["site", "period"])

    def matrix(frame: pd.DataFrame, column: str) -> np.ndarray:
        values = frame.groupby(["site", "period"])[column].sum().reindex(index)
        return values.to_numpy(dtype=float).reshape(len(sites), len(months)).copy()

    given = matrix(targets, "target")
    default = np.array([future_targets.get(s, np.nan) for s in sites], dtype=float)
    filled = np.where(np.isnan(given), default[:, None], given)
    starts, referrals = matrix(on_flow, "starts"), matrix(on_flow, "referrals")
    starts[:, now:], referrals[:, now:] = np.nan, np.nan
    outcomes = matrix(targets, "actual") if "actual" in targets else None
    return fp.Grid(sites, months, now, filled, starts, referrals, outcomes)


def plan_levers(
    grid: fp.Grid,
    rates: pd.DataFrame,
    flow: pd.DataFrame,
    *,
    min_volume: float = MIN_VOLUME,
    shorten_months: int = 1,
) -> pd.DataFrame:
    """The plan recomputed with each site's conversion at the benchmark's, or its timing shorter.

    The benchmark is the site converting most starts into outcomes among those with at least
    ``min_volume`` starts. A site's conversion is raised to it only where the two differ by more
    than chance (``comparisons.compare_to_rest`` on their outcomes and starts): otherwise the
    lever is not offered (``conversion_real`` False, no saving). The test is statsmodels' Wald
    test of the log rate ratio, Holm-corrected for the number of sites compared.

    Returns:
        One row per site: ``site, benchmark, benchmark_rate, conversion_real,
        conversion_p, needed_starts, needed_at_benchmark, starts_saved_by_conversion,
        shorten_months, catch_up_starts, catch_up_if_shorter, starts_saved_by_timing,
        caseload_saved_by_timing``.
    """
    rate = rates["outcome_rate"].to_numpy(dtype=float)
    lag = rates["outcome_lag"].to_numpy(dtype=np.int64)
    counts = flow.set_index("site").reindex(grid.sites)
    starts, outcomes = counts["starts"].to_numpy(float), counts["outcomes"].to_numpy(float)
    eligible = np.where(starts >= min_volume, rate, -np.inf)
    best = int(np.argmax(eligible)) if np.isfinite(eligible).any() else -1
    real, p_values = _behind_benchmark(outcomes, starts, rate, best, min_volume)
    raised = np.where(real, rate[best] if best >= 0 else rate, rate)
    need = fp._need_at(grid, rate, lag)
    need_raised = fp._need_at(grid, raised, lag)
    shorter = np.clip(lag - shorten_months, 0, None)
    catch, catch_shorter = (
        fp.catch_up_starts(grid, rate, lag),
        fp.catch_up_starts(grid, rate, shorter),
    )
    in_service = rates["days_in_service"].to_numpy(dtype=float) / DAYS_PER_MONTH
    saved_months = np.minimum(shorten_months, in_service)
    return pd.DataFrame(
        {
            "site": grid.sites,
            "benchmark": grid.sites[best] if best >= 0 else None,
            "benchmark_rate": rate[best] if best >= 0 else np.nan,
            "conversion_real": real,
            "conversion_p": p_values,
            "needed_starts": need,
            "needed_at_benchmark": need_raised,
            "starts_saved_by_conversion": need - need_raised,
            "shorten_months": lag - shorter,
            "catch_up_starts": catch,
            "catch_up_if_shorter": catch_shorter,
            "starts_saved_by_timing": catch - catch_shorter,
            # Little's law: a month less in service carries a month less of starts.
            "caseload_saved_by_timing": need * saved_months * (lag > shorter),
        }
    )


def _behind_benchmark(
    outcomes: np.ndarray, starts: np.ndarray, rate: np.ndarray, best: int, min_volume: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which sites convert fewer starts than the benchmark by more than chance, and the p-values.

    statsmodels' Wald test of the log rate ratio (the test ``comparisons`` uses against the rest
    of the contract), each site against the benchmark, with Holm's correction over the sites
    compared; sites with fewer than ``min_volume`` starts are not compared.
    """
    n = len(rate)
    real, adjusted = np.zeros(n, dtype=bool), np.full(n, np.nan)
    if best < 0:
        return real, adjusted
    tested = (starts >= min_volume) & (np.arange(n) != best) & (starts > 0)
    if not tested.any():
        return real, adjusted
    # Half an outcome keeps a site with none testable (the correction comparisons uses).
    test = test_poisson_2indep(
        np.maximum(outcomes[tested], 0.5),
        starts[tested],
        max(outcomes[best], 0.5),
        starts[best],
        method="wald-log",
    )
    adjusted[tested] = holm(np.atleast_1d(test.pvalue))
    real = tested & (adjusted < _SIGNIFICANCE) & (rate < rate[best])
    return real, adjusted


def _months(days: np.ndarray) -> np.ndarray:
    """Days as whole months (rounded), 0 where unknown."""
    return np.nan_to_num(np.round(days / DAYS_PER_MONTH), nan=0.0).astype(np.int64)


def build_flow_plan(
    caseload: pd.DataFrame,
    kpi: pd.DataFrame,
    flow: pd.DataFrame,
    flow_month: pd.DataFrame | None,
    *,
    headline_kpi: str,
    future_targets: Mapping[str, float],
    contract_end: pd.Timestamp,
    staff: Mapping[str, int] | None = None,
    value_adding: pd.DataFrame | None = None,
    max_caseload: float | None = None,
    customer_time_goal: float | None = None,
    min_volume: float = MIN_VOLUME,
    incidence: Incidence | None = None,
) -> FlowPlan | None:
    """The flow plan from step 1's data, or None where the contract ends before the data does.

    Args:
        caseload: Validated caseload frame (the rates are measured on it).
        kpi: Validated KPI frame (the headline KPI's targets; actual on-flow where it has it).
        flow: ``flow.flow_by_site`` output.
        flow_month: ``flow.flow_by_month`` output (actual on-flow without KPI measures for it).
        headline_kpi: The KPI whose target the plan reaches.
        future_targets: Monthly headline target per site for months past the extract.
        contract_end: The contract's last day.
        staff: Advisers per site, where given.
        value_adding: ``work_sampling.value_adding_share`` output, or None.
        max_caseload: ``method.max_caseload_per_adviser``.
        customer_time_goal: ``analysis.customer_time_goal``.
        min_volume: Fewest starts a benchmark site needs.
        incidence: ``incidence.cumulative_incidence(caseload)`` where the caller has it.
    """
    rates = plan_rates(caseload, flow, staff, value_adding, incidence)
    on_flow = on_flow_by_month(kpi, flow_month)
    if (
        pd.Timestamp(on_flow["period"].max())
        >= pd.Timestamp(contract_end).to_period("M").to_timestamp()
    ):
        return None
    targets = kpi.loc[kpi["measure"] == headline_kpi, ["site", "period", "target", "actual"]]
    grid = plan_grid(list(rates["site"]), on_flow, targets, future_targets, contract_end)
    summary = fp.plan_summary(
        grid, rates, max_caseload=max_caseload, customer_time_goal=customer_time_goal
    )
    levers = plan_levers(grid, rates, flow, min_volume=min_volume)
    months = fp.plan_months(grid, rates)
    return FlowPlan(
        rates, months, summary.merge(rates_check(months), on="site", how="left"), levers
    )


def rates_check(months: pd.DataFrame, recent: int = CHECK_MONTHS) -> pd.DataFrame:
    """The plan's rates against what happened: outcomes they give from the actual starts.

    Over each site's last ``recent`` months with actual on-flow and reported outcomes, the
    outcomes the rates and lag give from the starts actually made, against those reported.

    Returns:
        One row per site and "ALL": ``check_start, check_end, check_expected, check_actual,
        check_ratio`` (reported / expected).
    """
    known = months[
        ~months["planned"] & months["expected_outcomes"].notna() & months["actual_outcomes"].notna()
    ]
    last = known.sort_values("period").groupby("site").tail(recent)
    check = last.groupby("site").agg(
        check_start=("period", "min"),
        check_end=("period", "max"),
        check_expected=("expected_outcomes", "sum"),
        check_actual=("actual_outcomes", "sum"),
    )
    if not check.empty:
        total = check.sum(numeric_only=True).to_dict() | {
            "check_start": check["check_start"].min(),
            "check_end": check["check_end"].max(),
        }
        check.loc[ALL_SITES] = total
    check["check_ratio"] = check["check_actual"] / check["check_expected"].where(
        check["check_expected"] > 0
    )
    return check.reset_index()
