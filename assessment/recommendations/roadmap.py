"""The improvement roadmap: base camp (the headline KPI at the plan's baseline) to the summit.

Pure functions over the plan frame and step 1's performance: the stages with their levels and
dates, the monthly trajectory of the headline KPI, and the sentence a client reads at a glance.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assessment.engagement import Engagement
from assessment.recommendations import measures
from assessment.recommendations.models import ALL_SITES

STAGE_COLUMNS = ["position", "name", "fraction", "pct", "date", "actions", "tasks"]


def plan_start(plan: pd.DataFrame) -> dt.date:
    """The day the plan was set: its earliest action's ``set_on`` (today for an empty plan)."""
    if plan.empty:
        return dt.date.today()
    return min(pd.Timestamp(d).date() for d in plan["set_on"])


def _headline(engagement: Engagement) -> tuple[str, bool]:
    key = engagement.contract.headline_kpi
    return key, engagement.kpi(key).better == "lower"


def base_camp(
    engagement: Engagement, plan: pd.DataFrame, performance: pd.DataFrame
) -> tuple[float | None, dt.date | None]:
    """The headline KPI's % of contract at the plan's baseline month, and that month's end."""
    key, lower = _headline(engagement)
    month = measures.baseline_month(performance, plan_start(plan))
    pct = measures.window_pct(
        performance, key, ALL_SITES, month, lower, engagement.analysis.recent_months
    )
    return pct, (measures.month_end(month) if month is not None else None)


def stages(engagement: Engagement, plan: pd.DataFrame, performance: pd.DataFrame) -> pd.DataFrame:
    """The roadmap's stages (columns ``STAGE_COLUMNS``), dated by their actions or ``by``."""
    pct, when = base_camp(engagement, plan, performance)
    carried: dict[str, list[tuple[str, dt.date]]] = {}
    tasks: dict[str, str] = dict(zip(plan["action_id"], plan["task"], strict=True))
    for _, row in plan.iterrows():
        carried.setdefault(row["stage"], []).append(
            (row["action_id"], pd.Timestamp(row["target_date"]).date())
        )
    declared = [
        (s.name, s.fraction, _by(getattr(s, "by", None))) for s in engagement.roadmap.stages
    ]
    points = measures.roadmap_stages(declared, pct, when, engagement.contract.end, carried)
    frame = pd.DataFrame(
        [
            {
                "position": i,
                "name": p.name,
                "fraction": p.fraction,
                "pct": p.pct,
                "date": p.date,
                "actions": len(p.actions),
                "tasks": "\n".join(tasks[a] for a in p.actions),
            }
            for i, p in enumerate(points)
        ],
        columns=STAGE_COLUMNS,
    )
    frame["fraction"] = frame["fraction"].astype("float64")
    frame["pct"] = frame["pct"].astype("float64")
    return frame


def _by(value: object) -> dt.date | None:
    """A stage's stated date (engagement.yaml ``by``), as a date, when there is one."""
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else pd.Timestamp(str(value)).date()


def trajectory(engagement: Engagement, performance: pd.DataFrame) -> pd.DataFrame:
    """The headline KPI's monthly % of contract (three-month window), contract as a whole."""
    key, lower = _headline(engagement)
    return measures.trajectory(
        performance, key, ALL_SITES, lower, engagement.analysis.recent_months
    )
