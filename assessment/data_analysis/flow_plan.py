"""Flow planning: the starts and referrals each site needs, month by month, to reach its target.

A contract manager's question after "what flowed?" is "how many must we start each month, at
each site, to hit the outcome target, and can our advisers carry that caseload?". The plan answers
it from each site's own measured rates:

- ``outcome_rate``: the chance of an outcome within 12 months of the start, the one estimate
  of ``incidence.cumulative_incidence`` (the figure step 1's time-to-outcome table shows):
  those still waiting are censored at the end of the data, and leaving without an outcome is a
  competing event (nobody gets an outcome after leaving), so it is the cumulative incidence, not
  the chance for someone who never leaves.
- ``outcome_lag``: how many whole months after their start those who convert typically get their
  outcome (the median of the same curve, among converters).
- ``start_rate`` and ``referral_lag``: referral → start conversion and its typical delay.

The plan treats every outcome as arriving ``outcome_lag`` months after its start. That keeps it a
plan a manager can check by hand ("110 outcomes in November need 110 / 11% = 976 starts in July")
and exact: feeding the plan's starts back through the same rate and lag gives the targets back.
Months whose outcomes would fall after the contract end have no need: the plan stops there.

Capacity follows Little's law: caseload = starts per month × months in service.

Everything is numpy over a sites × months grid: 200 sites and 36 months take milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.performance import ALL_SITES

HORIZON_MONTHS = 12
"""Outcomes counted within this many months of the start (the conversion the plan uses)."""

RECENT_MONTHS = 3
"""Today's on-flow: the mean of the last this-many months of actual starts and referrals."""

MATERIAL_SHORT = 0.10
"""A site is materially short when today's starts fall this far below the need even at the
top of its conversion's interval."""


@dataclass(frozen=True)
class Grid:
    """Sites × months arrays of one plan; ``now`` is the column of the first month planned.

    Attributes:
        sites: Site keys, one per row.
        months: First day of each month, one per column (the last is the contract's end month).
        now: Column index of the first month without actual on-flow (the plan starts here).
        targets: Outcome target per site and month (NaN where none is set).
        starts: Actual starts per site and month (NaN from ``now`` on).
        referrals: Actual referrals per site and month (NaN from ``now`` on).
        outcomes: Actual outcomes per site and month where known (to check the rates against).
    """

    sites: list[str]
    months: pd.DatetimeIndex
    now: int
    targets: np.ndarray
    starts: np.ndarray
    referrals: np.ndarray
    outcomes: np.ndarray | None = None


def shift(values: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """``out[i, t] = values[i, t - lag[i]]``; NaN where that column is outside the grid.

    A positive lag moves values later (starts → their outcomes), a negative one earlier
    (targets → the starts they need).
    """
    n, m = values.shape
    columns = np.arange(m)[None, :] - np.asarray(lag, dtype=np.int64)[:, None]
    inside = (columns >= 0) & (columns < m)
    out = np.full((n, m), np.nan)
    rows = np.broadcast_to(np.arange(n)[:, None], (n, m))
    out[inside] = values[rows[inside], columns[inside]]
    return out


def needed_starts(targets: np.ndarray, rate: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Starts needed each month so the outcomes ``lag`` months later meet their targets."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return shift(targets, -lag) / np.where(rate > 0, rate, np.nan)[:, None]


def expected_outcomes(starts: np.ndarray, rate: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Outcomes each month from the starts ``lag`` months earlier at the conversion ``rate``."""
    return shift(starts, lag) * np.asarray(rate, dtype=float)[:, None]


def todays_level(actual: np.ndarray, now: int, recent: int = RECENT_MONTHS) -> np.ndarray:
    """Today's monthly on-flow per site: the mean of the last ``recent`` actual months."""
    window = actual[:, max(0, now - recent) : now]
    if window.shape[1] == 0:
        return np.full(actual.shape[0], np.nan)
    return np.nanmean(np.where(np.isnan(window), 0.0, window), axis=1)


def continued(actual: np.ndarray, now: int, level: np.ndarray) -> np.ndarray:
    """Actual on-flow up to ``now``, then ``level`` each month (today's on-flow continuing)."""
    out = actual.copy()
    out[:, now:] = np.asarray(level, dtype=float)[:, None]
    return out


def unreachable_from(
    grid: Grid,
    rate: np.ndarray,
    lag: np.ndarray,
    level: np.ndarray,
    ceiling: np.ndarray | None = None,
) -> np.ndarray:
    """The month each site's target for the rest of the contract goes out of reach.

    If today's on-flow continues until month ``m`` and the site then starts enough each month to
    make up the whole shortfall by the contract end, the catch-up grows as ``m`` nears the last
    month whose starts still convert in time (``outcome_lag`` months before the end). The target
    is out of reach from the first ``m`` whose catch-up exceeds ``ceiling`` (the most starts a
    month the site can take, e.g. from its advisers' maximum caseload), or once no start can
    convert in time.

    Returns:
        Per site, the column index of that month (may be before ``now``: already out of reach),
        or -1 where the target is met at today's on-flow or has no target.
    """
    n, m = grid.targets.shape
    top = np.full(n, np.inf) if ceiling is None else np.where(np.isnan(ceiling), np.inf, ceiling)
    plan = slice(grid.now, m)
    target = np.nansum(grid.targets[:, plan], axis=1)
    pipeline = np.nansum(expected_outcomes(grid.starts, rate, lag)[:, plan], axis=1)
    last_useful = m - 1 - lag
    result = np.full(n, -1, dtype=np.int64)
    at_today = pipeline + rate * level * np.clip(last_useful - grid.now + 1, 0, None)
    short = (target > at_today + 1e-9) & (rate > 0) & (target > 0)
    undecided = short.copy()
    # Out of reach already: no month left whose starts convert before the end.
    gone = undecided & (last_useful < grid.now)
    result[gone] = last_useful[gone] + 1
    undecided &= ~gone
    for month in range(grid.now, m):
        if not undecided.any():
            break
        left = last_useful - month + 1
        made = pipeline + rate * level * (month - grid.now)
        with np.errstate(divide="ignore", invalid="ignore"):
            catch_up = np.where(left > 0, (target - made) / rate / left, np.inf)
        hit = undecided & (catch_up > top)
        result[hit] = month
        undecided &= ~hit
    return result


def catch_up_starts(grid: Grid, rate: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Starts a month, from now to the last month that converts in time, meeting the total.

    The total is the outcome target from ``now`` to the contract end, less the outcomes due from
    customers already started. NaN where no month is left; 0 where the pipeline already meets it.
    """
    m = grid.targets.shape[1]
    plan = slice(grid.now, m)
    target = np.nansum(grid.targets[:, plan], axis=1)
    pipeline = np.nansum(expected_outcomes(grid.starts, rate, lag)[:, plan], axis=1)
    left = (m - 1 - lag) - grid.now + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.clip(target - pipeline, 0, None) / rate / left
    return np.where(left > 0, need, np.nan)


def plan_months(grid: Grid, rates: pd.DataFrame) -> pd.DataFrame:
    """The plan month by month per site: targets, needed and actual on-flow, outcomes.

    Args:
        grid: The sites × months arrays.
        rates: ``plan_rates`` rows in the order of ``grid.sites``.

    Returns:
        One row per site and month: ``site, period, planned, target_outcomes, needed_starts,
        actual_starts, starts_today_continued, starts_short, needed_referrals, actual_referrals,
        expected_outcomes, actual_outcomes`` (``planned`` is True from the first month without
        actual on-flow; needs are missing in months whose outcomes would fall after the contract
        end).
    """
    rate = rates["outcome_rate"].to_numpy(dtype=float)
    lag = rates["outcome_lag"].to_numpy(dtype=np.int64)
    need = needed_starts(grid.targets, rate, lag)
    level = todays_level(grid.starts, grid.now)
    on_flow = continued(grid.starts, grid.now, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        start_rate = np.where(rates["start_rate"] > 0, rates["start_rate"], np.nan)
        referrals = (
            shift(need, -rates["referral_lag"].to_numpy(dtype=np.int64)) / start_rate[:, None]
        )
    n, m = grid.targets.shape
    frame = pd.DataFrame(
        {
            "site": np.repeat(grid.sites, m),
            "period": np.tile(grid.months, n),
            "planned": np.tile(np.arange(m) >= grid.now, n),
            "target_outcomes": grid.targets.ravel(),
            "needed_starts": need.ravel(),
            "actual_starts": grid.starts.ravel(),
            "starts_today_continued": on_flow.ravel(),
            "needed_referrals": referrals.ravel(),
            "actual_referrals": grid.referrals.ravel(),
            "expected_outcomes": expected_outcomes(on_flow, rate, lag).ravel(),
            "actual_outcomes": (
                np.full(n * m, np.nan) if grid.outcomes is None else grid.outcomes.ravel()
            ),
        }
    )
    frame.insert(6, "starts_short", frame["needed_starts"] - frame["starts_today_continued"])
    return frame


def plan_summary(
    grid: Grid,
    rates: pd.DataFrame,
    *,
    max_caseload: float | None = None,
    customer_time_goal: float | None = None,
) -> pd.DataFrame:
    """Per site and for the contract ("ALL"): the plan from now to the contract end in figures.

    Args:
        grid: The sites × months arrays.
        rates: ``plan_rates`` rows in the order of ``grid.sites``.
        max_caseload: Most customers one adviser should carry (``method.max_caseload_per_adviser``).
        customer_time_goal: A share of time with customers to restate capacity at.

    Returns:
        One row per site and "ALL" with the plan period (``plan_start, plan_end``), outcome
        ``target``, ``expected`` at today's on-flow and ``shortfall``; ``needed_starts`` (a month,
        mean over the months that convert in time; ``needed_starts_low/high`` from the
        conversion's interval), ``starts_today``, ``starts_short`` (needed − today) and
        ``materially_short``; ``needed_referrals`` and ``referrals_today``; ``catch_up_starts``;
        ``last_useful_start`` and ``unreachable_from`` (missing where reachable);
        ``capacity_starts`` (the most starts a month the advisers can take); caseload by
        Little's law now and in the plan, per adviser, advisers needed, and at the goal share.
    """
    m = grid.targets.shape[1]
    rate = rates["outcome_rate"].to_numpy(dtype=float)
    lag = rates["outcome_lag"].to_numpy(dtype=np.int64)
    months = plan_months(grid, rates)
    plan = months[months["planned"]]
    per_site = plan.groupby("site", sort=False)
    level = todays_level(grid.starts, grid.now)
    in_service = rates["days_in_service"].to_numpy(dtype=float) / DAYS_PER_MONTH
    staff = rates["staff"].to_numpy(dtype=float)
    ceiling = staff * (max_caseload or np.nan) / in_service
    gone = unreachable_from(grid, rate, lag, level, ceiling)
    last_useful = m - 1 - lag
    need = per_site["needed_starts"].mean().reindex(grid.sites).to_numpy()
    need_top = _need_at(grid, rates["outcome_high"].to_numpy(dtype=float), lag)
    summary = pd.DataFrame(
        {
            "site": grid.sites,
            "plan_start": grid.months[min(grid.now, m - 1)],
            "plan_end": grid.months[-1],
            "target": per_site["target_outcomes"].sum().reindex(grid.sites).to_numpy(),
            "expected": per_site["expected_outcomes"].sum().reindex(grid.sites).to_numpy(),
            "needed_starts": need,
            "needed_starts_low": need_top,
            "needed_starts_high": _need_at(grid, rates["outcome_low"].to_numpy(float), lag),
            "starts_today": level,
            "needed_referrals": per_site["needed_referrals"].mean().reindex(grid.sites).to_numpy(),
            "referrals_today": todays_level(grid.referrals, grid.now),
            "catch_up_starts": catch_up_starts(grid, rate, lag),
            "last_useful_start": _months_from(grid, last_useful),
            "unreachable_from": _months_from(grid, gone).where(gone >= 0),
            "staff": staff,
            "capacity_starts": ceiling,
            "days_in_service": rates["days_in_service"].to_numpy(dtype=float),
            "customer_share": rates["customer_share"].to_numpy(dtype=float),
        }
    )
    summary["shortfall"] = summary["target"] - summary["expected"]
    summary["starts_short"] = summary["needed_starts"] - summary["starts_today"]
    summary["materially_short"] = summary["starts_today"] < (1 - MATERIAL_SHORT) * need_top
    summary = pd.concat([summary, _contract_row(summary)], ignore_index=True)
    return capacity(summary, max_caseload=max_caseload, customer_time_goal=customer_time_goal)


def capacity(
    summary: pd.DataFrame, *, max_caseload: float | None, customer_time_goal: float | None
) -> pd.DataFrame:
    """Caseload by Little's law (starts a month × months in service), today and in the plan.

    Adds ``caseload_today, caseload_plan``, per adviser where ``staff`` is known, ``max_caseload``
    and ``advisers_needed`` (plan caseload / maximum), and at ``customer_time_goal``: each adviser
    then has ``goal / customer_share`` times today's time with customers, so the same maximum
    stands for that many more customers (``advisers_needed_at_goal``), and the plan's caseload per
    adviser weighs like ``caseload_per_adviser_at_goal`` does today.
    """
    out = summary.copy()
    months = out["days_in_service"] / DAYS_PER_MONTH
    out["caseload_today"] = out["starts_today"] * months
    out["caseload_plan"] = out["needed_starts"] * months
    staff = out["staff"].where(out["staff"] > 0)
    out["caseload_per_adviser_today"] = out["caseload_today"] / staff
    out["caseload_per_adviser_plan"] = out["caseload_plan"] / staff
    out["max_caseload"] = np.nan if max_caseload is None else float(max_caseload)
    out["advisers_needed"] = out["caseload_plan"] / out["max_caseload"]
    goal = np.nan if customer_time_goal is None else float(customer_time_goal)
    # Only a rise counts: a goal below today's share would not free any time.
    gain = (goal / out["customer_share"]).where(lambda g: g > 1, 1.0)
    out["customer_time_goal"] = goal
    out["advisers_needed_at_goal"] = out["advisers_needed"] / gain
    out["caseload_per_adviser_at_goal"] = out["caseload_per_adviser_plan"] / gain
    return out


def _need_at(grid: Grid, rate: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Mean needed starts a month over the planned months, at another conversion rate."""
    need = needed_starts(grid.targets, rate, lag)[:, grid.now :]
    counted = ~np.isnan(need)
    with np.errstate(invalid="ignore"):
        return np.where(counted.any(axis=1), np.nansum(need, axis=1) / counted.sum(axis=1), np.nan)


def _months_from(grid: Grid, index: np.ndarray) -> pd.Series:
    """The first day of the month at each column ``index`` (which may lie outside the grid)."""
    first = grid.months[0].to_period("M").ordinal
    periods = pd.PeriodIndex.from_ordinals(first + np.asarray(index, dtype=np.int64), freq="M")
    return pd.Series(periods.to_timestamp())


def _contract_row(sites: pd.DataFrame) -> pd.DataFrame:
    """The contract as the sum of its sites' plans (so the two always agree)."""
    summed = [
        "target",
        "expected",
        "shortfall",
        "needed_starts",
        "needed_starts_low",
        "needed_starts_high",
        "starts_today",
        "starts_short",
        "needed_referrals",
        "referrals_today",
        "catch_up_starts",
    ]
    row = {c: sites[c].sum(min_count=1) for c in summed}
    # Little's law over the contract: caseloads add, so time in service is starts-weighted.
    weights = sites["starts_today"].fillna(0)
    days = np.average(sites["days_in_service"], weights=weights) if weights.sum() > 0 else np.nan
    staff = sites["staff"].sum(min_count=1) if sites["staff"].notna().all() else np.nan
    share = np.average(sites["customer_share"], weights=sites["staff"]) if staff > 0 else np.nan
    row |= {
        "site": ALL_SITES,
        "plan_start": sites["plan_start"].min(),
        "plan_end": sites["plan_end"].max(),
        "last_useful_start": pd.NaT,
        "unreachable_from": pd.NaT,
        "staff": staff,
        "capacity_starts": sites["capacity_starts"].sum(min_count=1),
        "days_in_service": days,
        "customer_share": share,
        "materially_short": bool(sites["materially_short"].any()),
    }
    return pd.DataFrame([row])
