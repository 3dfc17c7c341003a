"""Value and cost of the plan, and progress on re-runs: pure arithmetic on plain numbers and frames.

Value of an action on a KPI = the gain it targets (target % − baseline %, as a fraction) × the
contracted target units per month of its measure × the months left in the contract after its
target date × the KPI's value per unit. Cost = the stated cost, or days × a day rate. A
recommendation's return is its actions' value over their cost; the plan is ranked by it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

RANKING_COLUMNS = [
    "recommendation_id",
    "action_area",
    "recommendation",
    "actions",
    "value",
    "cost",
    "return",
    "rank",
]


def months_after(target_date: dt.date, contract_end: dt.date) -> int:
    """Whole calendar months of the contract after the target date's month (never negative).

    A target on 30 June 2026 in a contract ending 31 December 2026 leaves July to December: 6.
    """
    months = (contract_end.year - target_date.year) * 12 + contract_end.month - target_date.month
    return max(months, 0)


def action_value(
    baseline_pct: float | None,
    target_pct: float,
    monthly_target_units: float,
    months: int,
    value_per_unit: float,
) -> float:
    """The value of closing an action's share of the gap (0 when there is no gain to make)."""
    if baseline_pct is None:
        return 0.0
    gain = max(target_pct - baseline_pct, 0.0) / 100
    return gain * monthly_target_units * months * value_per_unit


def action_cost(days: float | None, stated_cost: float | None, day_rate: float) -> float:
    """The stated cost when given (not zero), else days × the day rate."""
    if stated_cost:
        return float(stated_cost)
    return float(days or 0.0) * day_rate


def value_ranking(plan: pd.DataFrame) -> pd.DataFrame:
    """Recommendations ranked by return (value / cost), highest first.

    Args:
        plan: One row per action with ``recommendation_id, action_area, recommendation, value,
            cost``.

    Returns:
        Columns ``RANKING_COLUMNS``; ``return`` is NaN when the cost is zero (ranked last).
    """
    if plan.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    keys = ["recommendation_id", "action_area", "recommendation"]
    grouped = plan.groupby(keys, sort=False).agg(
        actions=("value", "size"), value=("value", "sum"), cost=("cost", "sum")
    )
    grouped = grouped.reset_index()
    cost = grouped["cost"].where(grouped["cost"] > 0)
    grouped["return"] = grouped["value"] / cost
    grouped = grouped.sort_values(["return", "value"], ascending=False, na_position="last")
    grouped["rank"] = range(1, len(grouped) + 1)
    return grouped[RANKING_COLUMNS].reset_index(drop=True)
