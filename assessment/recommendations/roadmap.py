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
from assessment.summary import roadmap_position

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
    pct = measures.window_pct(performance, key, ALL_SITES, month, lower)
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
    return measures.trajectory(performance, key, ALL_SITES, lower)


def start_sentence(stage_frame: pd.DataFrame) -> str:
    """The roadmap at a glance: 'You are at base camp, 24%; the summit is 100% by …'."""
    first, last = stage_frame.iloc[0], stage_frame.iloc[-1]
    start = "–" if pd.isna(first["pct"]) else f"{first['pct']:,.0f}%"
    by = f" by {pd.Timestamp(last['date']):%d %b %Y}" if pd.notna(last["date"]) else ""
    if pd.notna(first["pct"]) and first["pct"] >= last["pct"]:
        until = f" until {pd.Timestamp(last['date']):%d %b %Y}" if pd.notna(last["date"]) else ""
        summit = f"{last['name'].lower()} ({last['pct']:,.0f}%)"
        return f"You are at {start}, above {summit}: hold it{until}."
    return f"You are at {first['name'].lower()}, {start}; {last['name'].lower()} is " + (
        f"{last['pct']:,.0f}%{by}."
    )


def now_sentence(
    engagement: Engagement, today: float | None, month: pd.Timestamp | None
) -> str | None:
    """Where the contract is on newer data: 'Now at 54% (to June 2026): stage reached …'."""
    if today is None or month is None:
        return None
    position = roadmap_position(engagement, today)
    sentence = (
        f"Now at {today:,.0f}% (three months to {month:%B %Y}): stage reached {position.reached}"
    )
    if position.next_stage:
        return f"{sentence}; next {position.next_stage} at {position.next_pct:,.0f}%."
    return f"{sentence}."


def position_sentence(
    engagement: Engagement,
    stage_frame: pd.DataFrame,
    today: float | None,
    month: pd.Timestamp | None = None,
) -> str:
    """The start sentence, and where the contract is now when newer data moved it."""
    first = stage_frame.iloc[0]
    moved = today is not None and not pd.isna(first["pct"]) and abs(today - first["pct"]) >= 0.5
    now = now_sentence(engagement, today, month) if moved else None
    return start_sentence(stage_frame) + (f" {now}" if now else "")
