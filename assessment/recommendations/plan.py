"""The action plan as one frame: each action with its measure, value, cost and SMART check.

``evaluate_plan`` is pure: records, the engagement, step 1's monthly performance and step 4's
finding ids in; one row per action out. ``progress`` and ``roadmap`` work on that frame, so the
published (frozen) plan and today's draft are measured the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence

import pandas as pd

from assessment.engagement import Engagement
from assessment.recommendations import measures, smart
from assessment.recommendations.models import ALL_SITES, Action, Recommendation
from assessment.recommendations.status import action_status
from assessment.recommendations.value import (
    Claim,
    action_cost,
    action_value,
    shared_values,
    value_months,
)

PERFORMANCE_COLUMNS = ["site", "measure", "period", "actual", "target"]


def empty_performance() -> pd.DataFrame:
    """A performance frame without rows (step 1 not run yet)."""
    frame = pd.DataFrame(columns=PERFORMANCE_COLUMNS)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def kpi_key(engagement: Engagement, measure: str) -> str | None:
    """The KPI a measure names (by key or label, any case), or None for a named measure."""
    wanted = measure.strip().casefold()
    for kpi in engagement.kpis:
        if wanted in (kpi.key.casefold(), kpi.label.casefold()):
            return kpi.key
    return None


def day_rate(engagement: Engagement) -> float:
    """The day rate actions' days are costed at: the team's average (0 without a team)."""
    rates = [m.day_rate for m in engagement.team]
    return sum(rates) / len(rates) if rates else 0.0


def _client_cost(engagement: Engagement, days: float | None) -> float | None:
    """The client's staff days at ``client_day_rate``; None when either is not given."""
    if days is None or engagement.client_day_rate is None:
        return None
    return days * engagement.client_day_rate


def _site_label(engagement: Engagement, site: str) -> str:
    return "whole contract" if site == ALL_SITES else engagement.site_names().get(site, site)


def _kpi_numbers(
    engagement: Engagement, performance: pd.DataFrame, action: Action, key: str
) -> dict[str, object]:
    lower = engagement.kpi(key).better == "lower"
    start = measures.baseline_month(performance, action.set_on)
    sites = [s.key for s in engagement.sites]
    n = engagement.analysis.recent_months
    best = measures.best_site(performance, key, sites, start, lower, n)
    interval = (
        measures.window_interval(performance, key, best[0], start, lower, months=n)
        if best
        else None
    )
    names = engagement.site_names()
    units = measures.monthly_target(performance, key, action.site, start, n)
    baseline = measures.window_pct(performance, key, action.site, start, lower, n)
    months = value_months(
        action.target_date, engagement.contract.end, engagement.analysis.value_horizon_months
    )
    price = engagement.kpi(key).value_per_unit
    return {
        "measure_label": f"{engagement.kpi(key).label} ({_site_label(engagement, action.site)})",
        "unit": "%",
        "baseline": baseline,
        "baseline_month": start,
        "best": (names.get(best[0], best[0]), best[1]) if best else None,
        "best_interval": interval,
        "units": units,
        "value_months": months,
        "price": price,
        # before sharing: what closing its own gap is worth (None: not valued)
        "value": action_value(baseline, action.target, units, months, price)
        if price > 0 and baseline is not None
        else None,
    }


def _row(
    engagement: Engagement,
    performance: pd.DataFrame,
    known: Collection[str],
    rec: Recommendation,
    action: Action,
    flow_months: pd.DataFrame | None = None,
) -> dict[str, object]:
    key = kpi_key(engagement, action.measure)
    if key is not None:
        numbers = _kpi_numbers(engagement, performance, action, key)
    else:
        # A flow-plan figure ("Starts per month") takes its baseline from step 1's data.
        flow = measures.flow_measure_baseline(
            flow_months, action.measure, action.site, action.set_on
        )
        numbers = {
            "measure_label": action.measure
            + (f" ({_site_label(engagement, action.site)})" if flow else ""),
            "unit": "",
            "baseline": flow[0] if flow and action.baseline is None else action.baseline,
            "baseline_month": flow[1] if flow and action.baseline is None else None,
            "best": None,
            "best_interval": None,
            "units": None,
            "value_months": None,
            "price": None,
            "value": None,  # a named measure has no price: not valued
        }
    facts = smart.ActionFacts(
        task=action.task,
        owner=action.owner,
        is_kpi=key is not None,
        measure=str(numbers["measure_label"]),
        baseline=numbers["baseline"],  # type: ignore[arg-type]
        target=action.target,
        best_site=numbers["best"],  # type: ignore[arg-type]
        best_interval=numbers["best_interval"],  # type: ignore[arg-type]
        stretch_reason=action.stretch_reason,
        findings=rec.findings,
        known_findings=known,
        expected_outcome=action.expected_outcome,
        set_on=action.set_on,
        target_date=action.target_date,
        contract_end=engagement.contract.end,
        unit=str(numbers["unit"]),
    )
    results = smart.check(facts)
    return {
        "action_id": action.id,
        "recommendation_id": rec.id,
        "action_area": rec.action_area,
        "recommendation": rec.title,
        "agreed": rec.agreed,
        "findings": rec.finding_ids,
        "task": action.task,
        "is_kpi": key is not None,
        "measure": key or action.measure,
        "measure_label": numbers["measure_label"],
        "site": action.site,
        "unit": numbers["unit"],
        "baseline": numbers["baseline"],
        "baseline_month": numbers["baseline_month"],
        "current_typed": action.current,
        "target": action.target,
        "expected_outcome": action.expected_outcome,
        "owner": action.owner,
        "set_on": action.set_on,
        "target_date": action.target_date,
        "stage": action.stage,
        "days": action.days,
        "consultant_cost": action_cost(action.days, action.cost, day_rate(engagement)),
        "cost_stated": bool(action.cost),
        "client_days": action.client_days,
        "client_cost": _client_cost(engagement, action.client_days),
        "cost": action_cost(action.days, action.cost, day_rate(engagement))
        + (_client_cost(engagement, action.client_days) or 0.0),
        "value": numbers["value"],
        "value_claimed": numbers["value"],
        "units": numbers["units"],
        "value_months": numbers["value_months"],
        "price": numbers["price"],
        "stretch_reason": action.stretch_reason,
        "status": action.status,
        "status_note": action.status_note,
        "status_date": action.status_date,
        "smart_passed": all(r.passed for r in results),
        "smart": "\n".join(r.line() for r in results),
        "failing": ", ".join(r.rule for r in results if not r.passed),
    }


PLAN_COLUMNS = [  # the columns, in the order shown
    "action_id",
    "recommendation_id",
    "action_area",
    "recommendation",
    "agreed",
    "findings",
    "task",
    "is_kpi",
    "measure",
    "measure_label",
    "site",
    "unit",
    "baseline",
    "baseline_month",
    "current_typed",
    "target",
    "expected_outcome",
    "owner",
    "set_on",
    "target_date",
    "stage",
    "days",
    "consultant_cost",
    "cost_stated",
    "client_days",
    "client_cost",
    "cost",
    "value",
    "value_claimed",
    "units",
    "value_months",
    "price",
    "stretch_reason",
    "status",
    "status_note",
    "status_date",
    "smart_passed",
    "smart",
    "failing",
]


def evaluate_plan(
    engagement: Engagement,
    performance: pd.DataFrame,
    known_findings: Collection[str],
    recommendations: Sequence[Recommendation],
    actions: Sequence[Action],
    flow_months: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every action with its measure's baseline, value, cost and SMART check (columns PLAN_COLUMNS).

    Actions are in recommendation order, then in the order they were entered; an action whose
    recommendation is gone is left out. ``flow_months`` (step 1's flow plan by month) gives
    flow-plan measures such as "Starts per month" their baseline from the data.
    """
    by_id = {r.id: r for r in recommendations}
    rows = [
        _row(engagement, performance, known_findings, rec, a, flow_months)
        for rec in recommendations
        for a in actions
        if a.recommendation_id == rec.id and rec.id in by_id
    ]
    frame = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    numeric = ("baseline", "current_typed", "target", "days", "cost", "value", "value_claimed")
    numeric += ("consultant_cost", "client_days", "client_cost")
    for column in (*numeric, "units", "value_months", "price"):
        frame[column] = frame[column].astype("float64")
    frame["baseline_month"] = pd.to_datetime(frame["baseline_month"])
    values, _ = plan_values(frame)
    frame["value"] = [values.get(a, math.nan) for a in frame["action_id"]]
    return frame


GAP_COLUMNS = ["measure", "site", "baseline", "target", "value", "claimed", "shared", "actions"]


def plan_values(plan: pd.DataFrame) -> tuple[dict[str, float], pd.DataFrame]:
    """Each valued action's share of its KPI's gap, and each gap valued once (``GAP_COLUMNS``).

    Rows without a claim (a named measure, a KPI without a price or a baseline) stay "not
    valued"; see :data:`~assessment.recommendations.value.SHARING_RULE` for the rule.
    """
    valued = plan[plan["value_claimed"].notna()] if "value_claimed" in plan else plan.iloc[0:0]
    claims = [
        Claim(
            action_id=str(r.action_id),
            kpi=str(r.measure),
            site=str(r.site),
            baseline=float(r.baseline),
            target=float(r.target),
            units=float(r.units),
            months=int(r.value_months),
            price=float(r.price),
        )
        for r in valued.itertuples()
    ]
    values, gaps = shared_values(claims, ALL_SITES)
    frame = pd.DataFrame(
        [
            {
                "measure": g.kpi,
                "site": g.site,
                "baseline": g.baseline,
                "target": g.target,
                "value": g.value,
                "claimed": g.claimed,
                "shared": g.shared,
                "actions": g.actions,
            }
            for g in gaps
        ],
        columns=GAP_COLUMNS,
    )
    return values, frame


# -- progress ------------------------------------------------------------------------------------


def _current(engagement: Engagement, performance: pd.DataFrame, row: pd.Series) -> tuple:
    if not row["is_kpi"]:
        typed = row["current_typed"]
        return (None if pd.isna(typed) else float(typed)), None
    lower = engagement.kpi(row["measure"]).better == "lower"
    latest = measures.latest_month(performance)
    n = engagement.analysis.recent_months
    now = measures.window_pct(performance, row["measure"], row["site"], latest, lower, n)
    earlier = None
    if latest is not None:
        before = measures.months_before(latest, n)
        earlier = measures.window_pct(performance, row["measure"], row["site"], before, lower, n)
    return now, earlier


def slope_per_month(now: float | None, earlier: float | None, months: int) -> float | None:
    """The measure's trajectory in points per month, from the window ``months`` earlier.

    The one place the action plan takes a trend from (a better trend model slots in here).
    """
    if now is None or earlier is None or months <= 0:
        return None
    return (now - earlier) / months


def progress(
    engagement: Engagement,
    plan: pd.DataFrame,
    performance: pd.DataFrame,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Each action's measure now against its baseline and target, its trend and its status.

    ``current`` is the KPI's window ending at the latest complete month (named measures: the
    typed current value); ``trend`` compares it with the window three months earlier; the
    status is decided by :func:`~assessment.recommendations.status.action_status`, as of the
    run's day (or a later status date), with the data to the latest month's end.
    """
    latest = measures.latest_month(performance)
    data_to = measures.month_end(latest) if latest is not None else None
    today = today or dt.date.today()
    rows = []
    for _, row in plan.iterrows():
        now, earlier = _current(engagement, performance, row)
        baseline = None if pd.isna(row["baseline"]) else float(row["baseline"])
        as_of = max(d for d in (today, data_to, _date(row["status_date"])) if d is not None)
        target = float(row["target"])
        lower = _lower(engagement, row, baseline, target)
        status = action_status(
            _reported(row),
            now,
            target,
            lower,
            _date(row["target_date"]),  # type: ignore[arg-type]
            as_of,
            slope_per_month(now, earlier, engagement.analysis.recent_months),
            "%" if row["unit"] == "%" else "",
            data_to if row["is_kpi"] else None,
        )
        rows.append(
            {
                "action_id": row["action_id"],
                "current": now,
                "trend": measures.trend(now, earlier),
                "as_of": as_of,
                "progress": status.state,
                "progress_text": status.text(),
            }
        )
    columns = ["action_id", "current", "trend", "as_of", "progress", "progress_text"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["current"] = frame["current"].astype("float64")
    return plan.merge(frame, on="action_id", how="left")


def _reported(row: pd.Series) -> str:
    """The client's word: '' when they have not reported (the default 'not started' is ours)."""
    status = str(row["status"] or "")
    if status == "not_started" and _date(row["status_date"]) is None:
        return ""
    return status


def _lower(engagement: Engagement, row: pd.Series, baseline: float | None, target: float) -> bool:
    """Whether lower is better: the KPI's direction, or a named measure's target below baseline."""
    if row["is_kpi"]:
        return False  # KPI levels are % of contract, higher always better (inverted if lower)
    return baseline is not None and target < baseline


def _date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()
