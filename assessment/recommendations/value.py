"""Value and cost of the plan: pure arithmetic on plain numbers and frames.

Value is outcome payments at the contract's price per unit: the gain an action targets (points of
the contracted target, as a fraction) × the contracted units per month of its measure × the
months it counts for (after its target date, to the contract's end unless
``analysis.value_horizon_months`` says otherwise) × the KPI's value per unit.

A gap is valued once (:func:`shared_values`, the rule in ``SHARING_RULE``): actions on one site
and measure share it in steps, each counting only the gain beyond the targets set below it; a
site's gain is part of the whole contract's, so when the actions on one KPI together claim more
than closing that KPI's whole gap, each claim is scaled down in proportion. A measure without a
price (a named measure, a KPI without ``value_per_unit``) is "not valued" (NaN), never £0.
Cost = the stated cost, or days × a day rate. A recommendation's return is its actions' value
over their cost; the plan is ranked by it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

SHARING_RULE = (
    "Each KPI's gap is valued once, on the plan's dates: actions on the same site and measure "
    "share it in steps (each counts only the gain beyond the targets set below it), and a "
    "site's gain is part of the whole contract's, so where the actions on a KPI claim more than "
    "closing the contract's gap, each claim is scaled down in proportion."
)

RANKING_COLUMNS = [
    "recommendation_id",
    "action_area",
    "recommendation",
    "actions",
    "value",
    "cost",
    "days",
    "consultant_cost",
    "cost_stated",
    "client_days",
    "client_cost",
    "value_months",
    "return",
    "rank",
]


def months_after(target_date: dt.date, contract_end: dt.date) -> int:
    """Whole calendar months of the contract after the target date's month (never negative).

    A target on 30 June 2026 in a contract ending 31 December 2026 leaves July to December: 6.
    """
    months = (contract_end.year - target_date.year) * 12 + contract_end.month - target_date.month
    return max(months, 0)


def value_months(target_date: dt.date, contract_end: dt.date, horizon: int | None) -> int:
    """The months an action's gain counts for: ``horizon`` if set, else to the contract's end."""
    return horizon if horizon is not None else months_after(target_date, contract_end)


@dataclass(frozen=True)
class Claim:
    """One action's claim on a KPI's gap.

    Attributes:
        action_id: The action.
        kpi: The KPI key.
        site: The site, or ``ALL`` for the whole contract.
        baseline: The measure's baseline, % of the contracted target.
        target: The action's target, % of the contracted target.
        units: Contracted units per month of the measure (site or contract).
        months: Months the gain counts for.
        price: Value per unit (outcome payment).
    """

    action_id: str
    kpi: str
    site: str
    baseline: float
    target: float
    units: float
    months: int
    price: float


@dataclass(frozen=True)
class GapValue:
    """A KPI's whole gap, valued once, and what its actions were given of it.

    Attributes:
        kpi: The KPI key.
        site: ``ALL`` when valued for the whole contract, else the site (sites only).
        baseline: Its baseline, % of the contracted target.
        target: The highest target its actions set, %.
        value: Closing the whole gap (baseline to its highest target) on the plan's dates: the
            contract's actions in steps (sites only: the sum of the sites' steps).
        claimed: What its actions claimed before sharing.
        shared: What its actions are given (never above ``value``).
        actions: How many actions share it.
    """

    kpi: str
    site: str
    baseline: float
    target: float
    value: float
    claimed: float
    shared: float
    actions: int


def _steps(claims: Sequence[Claim]) -> dict[str, float]:
    """Each claim's value in steps: only the gain beyond the targets set below it counts."""
    values, floor = {}, None
    for c in sorted(claims, key=lambda c: (c.target, c.action_id)):
        floor = c.baseline if floor is None else max(floor, c.baseline)
        gain = max(c.target - floor, 0.0) / 100
        values[c.action_id] = gain * c.units * c.months * c.price
        floor = max(floor, c.target)
    return values


def shared_values(
    claims: Sequence[Claim], contract: str = "ALL"
) -> tuple[dict[str, float], list[GapValue]]:
    """Share each KPI's gap among its actions without counting any gain twice (``SHARING_RULE``).

    Args:
        claims: The claims of every valued action.
        contract: The site label of the whole contract.

    Returns:
        Each action's value, and each KPI's gap with what its actions claimed and were given.
    """
    by_kpi: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_kpi[c.kpi].append(c)
    values: dict[str, float] = {}
    gaps = []
    for kpi, group in by_kpi.items():
        by_site: dict[str, list[Claim]] = defaultdict(list)
        for c in group:
            by_site[c.site].append(c)
        raw = {a: v for site in by_site.values() for a, v in _steps(site).items()}
        claimed = sum(raw.values())
        if contract in by_site:  # sites feed the contract: its climb bounds them all
            ref = by_site[contract]
            whole = sum(_steps(ref).values())
        else:  # different sites never overlap
            ref, whole = group, claimed
        scale = 1.0 if claimed <= whole or claimed == 0 else whole / claimed
        for a, v in raw.items():
            values[a] = v * scale
        gaps.append(
            GapValue(
                kpi=kpi,
                site=contract if contract in by_site else ", ".join(sorted(by_site)),
                baseline=min(c.baseline for c in ref),
                target=max(c.target for c in ref),
                value=whole,
                claimed=claimed,
                shared=sum(values[c.action_id] for c in group),
                actions=len(group),
            )
        )
    return values, gaps


def is_valued(value: float | None) -> bool:
    """Whether a value was computed (a measure without a price is "not valued": NaN)."""
    return value is not None and not math.isnan(value)


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
            cost`` and, when known, ``days`` (consultants'), ``client_days`` and ``client_cost``.

    Returns:
        Columns ``RANKING_COLUMNS``; ``return`` is NaN when the cost is zero (ranked last).
    """
    if plan.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    keys = ["recommendation_id", "action_area", "recommendation"]
    optional = ("days", "client_days", "client_cost", "value_months")
    effort: dict[str, object] = {c: math.nan for c in optional if c not in plan}
    if "consultant_cost" not in plan:
        effort["consultant_cost"] = plan["cost"]
    if "cost_stated" not in plan:
        effort["cost_stated"] = False
    grouped = (
        plan.assign(**effort)
        .groupby(keys, sort=False)
        .agg(
            actions=("value", "size"),
            value=("value", lambda v: v.sum(min_count=1)),  # all unvalued: not valued, not £0
            cost=("cost", "sum"),
            days=("days", lambda v: v.sum(min_count=1)),
            consultant_cost=("consultant_cost", "sum"),
            cost_stated=("cost_stated", "any"),
            client_days=("client_days", lambda v: v.sum(min_count=1)),
            client_cost=("client_cost", lambda v: v.sum(min_count=1)),
            value_months=("value_months", "max"),
        )
    )
    grouped = grouped.reset_index()
    cost = grouped["cost"].where(grouped["cost"] > 0)
    grouped["return"] = grouped["value"] / cost
    grouped = grouped.sort_values(["return", "value"], ascending=False, na_position="last")
    grouped["rank"] = range(1, len(grouped) + 1)
    return grouped[RANKING_COLUMNS].reset_index(drop=True)
