"""KPI measure values and the roadmap's arithmetic: pure functions over step 1's monthly data.

The value of a KPI measure is its actual as a % of the contracted target over a window of the
last three complete months (a single month is too noisy at a small site). An action's baseline
is that window ending at the last month of data at or before the day the action was set; its
current value is the window ending at the latest month of data. Every function takes the
performance frame of step 1 (``site, measure, period, actual, target``; site ``ALL`` is the
contract as a whole) and returns plain numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.stats.rates import confint_poisson

WINDOW_MONTHS = 3
FLAT_PP = 1.0
"""A change smaller than this, in percentage points, counts as flat."""


def month_end(period: pd.Timestamp | dt.date) -> dt.date:
    """The last day of a period's month."""
    day = calendar.monthrange(period.year, period.month)[1]
    return dt.date(period.year, period.month, day)


def _rows(performance: pd.DataFrame, measure: str, site: str) -> pd.DataFrame:
    return _by_measure_and_site(performance).get((measure, site), performance.iloc[0:0])


_GROUPED: dict[int, tuple[weakref.ref[pd.DataFrame], dict[tuple[str, str], pd.DataFrame]]] = {}


def _by_measure_and_site(performance: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """Each (measure, site)'s months in order, split once per performance frame.

    A plan asks for many windows of the same frame (every action's baseline, current value,
    trend, best site); filtering the whole frame for each cost more than the rest of step 5.
    Frames are never changed in place by step 5, so a frame's split holds while it lives.
    """
    hit = _GROUPED.get(id(performance))
    if hit is not None and hit[0]() is performance:
        return hit[1]
    groups = {
        (str(measure), str(site)): rows.sort_values("period")
        for (measure, site), rows in performance.groupby(["measure", "site"], sort=False)
    }
    _GROUPED[id(performance)] = (weakref.ref(performance), groups)
    weakref.finalize(performance, _GROUPED.pop, id(performance), None)
    return groups


def latest_month(performance: pd.DataFrame) -> pd.Timestamp | None:
    """The latest month with data, or None without data."""
    return None if performance.empty else pd.Timestamp(performance["period"].max())


def baseline_month(performance: pd.DataFrame, on: dt.date) -> pd.Timestamp | None:
    """The last month of data complete on ``on`` (its last day at or before it), or None."""
    periods = sorted({pd.Timestamp(p) for p in performance["period"]})
    done = [p for p in periods if month_end(p) <= on]
    return done[-1] if done else None


def window(
    performance: pd.DataFrame,
    measure: str,
    site: str,
    end: pd.Timestamp | None,
    months: int = WINDOW_MONTHS,
) -> pd.DataFrame:
    """The rows of the ``months`` calendar months ending at ``end`` (fewer at the start).

    ``months`` is the engagement's ``analysis.recent_months``: the same "recent" everywhere.
    """
    if end is None:
        return performance.iloc[0:0]
    rows = _rows(performance, measure, site)
    first = pd.Timestamp(end) - pd.DateOffset(months=months)
    return rows[(rows["period"] <= end) & (rows["period"] > first)]


def window_pct(
    performance: pd.DataFrame,
    measure: str,
    site: str,
    end: pd.Timestamp | None,
    lower_is_better: bool = False,
    months: int = WINDOW_MONTHS,
) -> float | None:
    """Actual as a % of the contracted target over the window ending at ``end``.

    For a measure where lower is better the ratio is inverted (target / actual), so 100 % always
    means "on contract". None when there is no data or the denominator is zero.
    """
    rows = window(performance, measure, site, end, months)
    actual, target = float(rows["actual"].sum()), float(rows["target"].sum())
    top, bottom = (target, actual) if lower_is_better else (actual, target)
    if rows.empty or bottom == 0:
        return None
    return top / bottom * 100


def window_interval(
    performance: pd.DataFrame,
    measure: str,
    site: str,
    end: pd.Timestamp | None,
    lower_is_better: bool = False,
    confidence: float = 0.95,
    months: int = WINDOW_MONTHS,
) -> tuple[float, float] | None:
    """The 95% interval of ``window_pct``: an exact Poisson (Garwood) interval of the count.

    Three months of a small site are few events: 20 outcomes against a target of 18 is 111%, but
    anywhere from 68% to 172% is consistent with it. None where ``window_pct`` is None.
    """
    rows = window(performance, measure, site, end, months)
    actual, target = float(rows["actual"].sum()), float(rows["target"].sum())
    if rows.empty or target <= 0 or (lower_is_better and actual <= 0):
        return None
    low, high = (
        float(v) for v in confint_poisson(actual, target, method="exact-c", alpha=1 - confidence)
    )
    if not lower_is_better:
        return low * 100, high * 100
    return (100 / high if high > 0 else np.inf), (100 / low if low > 0 else np.inf)


def monthly_target(
    performance: pd.DataFrame,
    measure: str,
    site: str,
    end: pd.Timestamp | None,
    months: int = WINDOW_MONTHS,
) -> float:
    """The contracted target per month (units), averaged over the window ending at ``end``."""
    rows = window(performance, measure, site, end, months)
    return float(rows["target"].mean()) if not rows.empty else 0.0


def best_site(
    performance: pd.DataFrame,
    measure: str,
    sites: Sequence[str],
    end: pd.Timestamp | None,
    lower_is_better: bool = False,
    months: int = WINDOW_MONTHS,
) -> tuple[str, float] | None:
    """The site with the highest % of contract over the window ending at ``end``, and that %."""
    found = [(s, window_pct(performance, measure, s, end, lower_is_better, months)) for s in sites]
    scored = [(s, p) for s, p in found if p is not None]
    return max(scored, key=lambda sp: sp[1]) if scored else None


def trajectory(
    performance: pd.DataFrame,
    measure: str,
    site: str,
    lower_is_better: bool = False,
    months: int = WINDOW_MONTHS,
) -> pd.DataFrame:
    """Each month's window value: columns ``period`` and ``pct`` (the roadmap's line)."""
    periods = list(_rows(performance, measure, site)["period"])
    values = [window_pct(performance, measure, site, p, lower_is_better, months) for p in periods]
    frame = pd.DataFrame({"period": pd.to_datetime(periods), "pct": values}, dtype=object)
    frame["pct"] = frame["pct"].astype("float64")
    frame["period"] = pd.to_datetime(frame["period"])
    return frame.dropna().reset_index(drop=True)


def trend(now: float | None, before: float | None, flat_pp: float = FLAT_PP) -> str:
    """'up', 'down' or 'flat' from an earlier value to now; 'unknown' when either is missing."""
    if now is None or before is None:
        return "unknown"
    change = now - before
    if abs(change) < flat_pp:
        return "flat"
    return "up" if change > 0 else "down"


def months_before(period: pd.Timestamp, months: int) -> pd.Timestamp:
    """The period ``months`` months earlier."""
    return pd.Timestamp(period) - pd.DateOffset(months=months)


# -- the roadmap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StagePoint:
    """One stage of the roadmap with its level, its date and the actions that carry it.

    Attributes:
        name: The stage's name.
        fraction: Fraction of the contracted target; None for base camp.
        pct: The level as % of the contracted target (base camp: the baseline level).
        date: When the stage is to be reached (base camp: the baseline month's last day);
            None when no date can be given yet.
        actions: The ids of the actions assigned to the stage.
    """

    name: str
    fraction: float | None
    pct: float | None
    date: dt.date | None
    actions: list[str] = field(default_factory=list)


def roadmap_stages(
    stages: Sequence[tuple[str, float | None, dt.date | None]],
    base_pct: float | None,
    base_date: dt.date | None,
    contract_end: dt.date,
    action_dates: Mapping[str, Sequence[tuple[str, dt.date]]],
) -> list[StagePoint]:
    """The stages with their levels and dates.

    Base camp sits at the baseline level; every other stage at its fraction of the contract.
    A stage's date is its stated ``by`` date, else the latest target date of its actions, else
    (for the summit, the last stage) the contract's end; otherwise unknown.

    Args:
        stages: (name, fraction or None for base camp, stated date or None) in roadmap order.
        base_pct: The headline KPI's % of contract at the baseline.
        base_date: The last day of the baseline month.
        contract_end: The contract's last day.
        action_dates: Stage name -> (action id, target date) of the actions assigned to it.
    """
    points = []
    for position, (name, fraction, by) in enumerate(stages):
        carried = list(action_dates.get(name, []))
        if fraction is None:
            points.append(
                StagePoint(name, None, base_pct, by or base_date, [a for a, _ in carried])
            )
            continue
        date = by or max((d for _, d in carried), default=None)
        if date is None and position == len(stages) - 1:
            date = contract_end
        points.append(
            StagePoint(name, fraction, round(fraction * 100, 9), date, [a for a, _ in carried])
        )
    return points


FLOW_MEASURES = {
    "starts per month": "actual_starts",
    "starts a month": "actual_starts",
    "referrals per month": "actual_referrals",
    "referrals a month": "actual_referrals",
}
"""Step 1's flow-plan figures an action may be measured on (its own unit: customers a month)."""


def flow_measure_baseline(
    flow_months: pd.DataFrame | None, measure: str, site: str, on: dt.date
) -> tuple[float, pd.Timestamp] | None:
    """A flow-plan measure's baseline: its mean over the window ending on or before ``on``.

    Args:
        flow_months: Step 1's ``flow_plan_months`` (``site, period, planned, actual_starts,
            actual_referrals``), or None before step 1 made a plan.
        measure: The action's measure, e.g. "Starts per month".
        site: A site key, or ``ALL`` (the sites summed each month).
        on: The day the action was set.

    Returns:
        ``(baseline, last month of its window)``, or None when the measure is not a flow-plan
        figure or there is no actual month before ``on``.
    """
    column = FLOW_MEASURES.get(measure.strip().casefold())
    if flow_months is None or column is None:
        return None
    rows = flow_months[~flow_months["planned"].astype(bool)]
    if site != "ALL":
        rows = rows[rows["site"] == site]
    monthly = rows.groupby("period")[column].sum(min_count=1).dropna()
    done = monthly[[month_end(p) <= on for p in monthly.index]]
    if done.empty:
        return None
    window = done.sort_index().tail(WINDOW_MONTHS)
    return float(window.mean()), pd.Timestamp(window.index[-1])
