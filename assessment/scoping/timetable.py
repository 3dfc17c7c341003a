"""Step 3's arithmetic: days and cost of the plan, the budget and contract-date checks.

Pure functions over activity records and plain numbers, tested on hand-computed fixtures. Cost
is days × the person's day rate from ``engagement.yaml``; nothing is rounded until it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from assessment.scoping.models import KIND_LABELS, Activity

TOTAL = "Total"
_PLAN_COLUMNS = ["title", "kind", "site", "scope_item_id", "person", "start", "end", "days"]


def plan_frame(activities: Iterable[Activity], day_rates: Mapping[str, float]) -> pd.DataFrame:
    """The activities as a frame with each one's day rate and cost.

    Args:
        activities: The planned activities.
        day_rates: Team member name -> day rate.

    Raises:
        KeyError: An activity names someone who is not in the team (no rate to cost them at).
    """
    rows = [a.model_dump() for a in activities]
    frame = pd.DataFrame(rows, columns=["id", *_PLAN_COLUMNS])
    unknown = sorted(set(frame["person"]) - set(day_rates))
    if unknown:
        raise KeyError(f"no day rate for {', '.join(unknown)}: add them to the team")
    frame["days"] = frame["days"].astype("float64")
    frame["day_rate"] = frame["person"].map(day_rates).astype("float64")
    frame["cost"] = frame["days"] * frame["day_rate"]
    frame["activity"] = frame["kind"].map(KIND_LABELS)
    return frame


def days_and_cost_by(plan: pd.DataFrame, by: str) -> pd.DataFrame:
    """Days and cost per value of ``by`` (``person`` or ``activity``), with a total row last."""
    grouped = plan.groupby(by, sort=True)[["days", "cost"]].sum().reset_index()
    total = pd.DataFrame({by: [TOTAL], "days": [plan["days"].sum()], "cost": [plan["cost"].sum()]})
    return pd.concat([grouped, total], ignore_index=True)


@dataclass(frozen=True)
class PlanCheck:
    """The plan's total against the budget and the contract's dates.

    Attributes:
        days: Days of work planned.
        cost: Their cost at the team's day rates.
        budget: The budget, or None when engagement.yaml sets none.
        remaining: Budget minus cost (negative when over), or None without a budget.
        over_budget: Whether the cost exceeds the budget.
        outside_contract: Titles of activities that start before or end after the contract.
        first_day: The first day of the plan, or None for an empty plan.
        last_day: The last day of the plan, or None for an empty plan.
    """

    days: float
    cost: float
    budget: float | None
    remaining: float | None
    over_budget: bool
    outside_contract: list[str]
    first_day: dt.date | None
    last_day: dt.date | None


def check_plan(
    plan: pd.DataFrame, budget: float | None, contract_start: dt.date, contract_end: dt.date
) -> PlanCheck:
    """Total the plan and check it against the budget and the contract's dates."""
    cost = float(plan["cost"].sum())
    outside = plan[(plan["start"] < contract_start) | (plan["end"] > contract_end)]
    return PlanCheck(
        days=float(plan["days"].sum()),
        cost=cost,
        budget=budget,
        remaining=None if budget is None else budget - cost,
        over_budget=budget is not None and cost > budget,
        outside_contract=sorted(set(outside["title"])),
        first_day=min(plan["start"]) if len(plan) else None,
        last_day=max(plan["end"]) if len(plan) else None,
    )


def timetable(plan: pd.DataFrame) -> pd.DataFrame:
    """Rows for a Gantt chart: one bar per activity and person, ``finish`` the day after ``end``.

    ``plan`` needs title, kind, person, start, end (dates or ISO text) and days.

    A bar covers whole days, so an activity on one day (start = end) still has a width.
    """
    frame = plan.sort_values(["start", "title", "person"]).reset_index(drop=True)
    # an activity shared by several people gets a bar (and a row) per person, named for them
    shared = frame["title"].duplicated(keep=False)
    task = frame["title"].where(~shared, frame["title"] + " (" + frame["person"] + ")")
    return pd.DataFrame(
        {
            "task": task,
            "activity": frame["kind"].map(KIND_LABELS),
            "person": frame["person"],
            "start": pd.to_datetime(frame["start"]),
            "finish": pd.to_datetime(frame["end"]) + pd.Timedelta(days=1),
            "days": frame["days"],
        }
    )
