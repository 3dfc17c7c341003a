"""What step 3's notebook shows: the scope, the timetable, days and cost, and the agreement.

The forms are in :mod:`assessment.scoping.editors`, the report's section in
:mod:`assessment.scoping.client`.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.intelligence import scope_areas
from assessment.presentation import callout, money, number, table
from assessment.scoping import store as db
from assessment.scoping.charts import gantt
from assessment.scoping.timetable import check_plan, days_and_cost_by, plan_frame, timetable


def _money(engagement: Engagement) -> Callable[[object], str]:
    return money(engagement)


def scope_items_table(engagement: Engagement) -> HTML:
    """The scope items under their areas, with their deliverables."""
    with db.open_store(engagement) as store:
        found = db.items(store)
        areas = {a.id: a for a in scope_areas(store)}
    if not found:
        return callout("Scope items", ["No scope item recorded yet."])
    frame = pd.DataFrame([i.model_dump() for i in found])
    frame["area"] = frame["area_id"].map(lambda k: areas[k].title if k in areas else k)
    frame["agreed"] = frame["area_id"].map(lambda k: k in areas and areas[k].agreed)
    frame["agreed"] = frame["agreed"].map({True: "yes", False: "NOT AGREED"})
    return table(
        frame,
        {
            "area": "Scope area",
            "agreed": "Area agreed?",
            "title": "Scope item",
            "detail": "Detail",
            "deliverable": "Deliverable",
        },
    )


def plan(engagement: Engagement) -> pd.DataFrame:
    """The planned activities with their day rates and costs."""
    with db.open_store(engagement) as store:
        found = db.activities(store)
    return plan_frame(found, {m.name: m.day_rate for m in engagement.team})


def activities_table(engagement: Engagement) -> HTML:
    """Every planned activity: where, who, when, days and cost."""
    frame = plan(engagement)
    if frame.empty:
        return callout("Activities", ["No activity planned yet."])
    sites = engagement.site_names()
    frame["site_name"] = frame["site"].map(lambda s: sites.get(s, s) if s else "All sites")
    return table(
        frame.sort_values(["start", "title"]),
        {
            "title": "Activity",
            "activity": "Kind",
            "site_name": "Site",
            "person": "Who",
            "start": "Start",
            "end": "End",
            "days": "Days",
            "cost": "Cost",
        },
        {"days": lambda v: number(v, 1), "cost": _money(engagement)},
    )


def timetable_chart(engagement: Engagement) -> alt.Chart | HTML:
    """The current plan's timetable."""
    frame = plan(engagement)
    if frame.empty:
        return callout("Timetable", ["No activity planned yet."])
    return gantt(timetable(frame))


def cost_tables(engagement: Engagement) -> list[HTML]:
    """Days and cost by person and by kind of activity."""
    frame = plan(engagement)
    if frame.empty:
        return []
    money = _money(engagement)
    formats = {"days": lambda v: number(v, 1), "cost": money}
    return [
        table(days_and_cost_by(frame, "person"), {"person": "Who", "days": "Days", "cost": "Cost"},
              formats, caption="Days and cost by person, at the team's day rates."),
        table(days_and_cost_by(frame, "activity"),
              {"activity": "Activity", "days": "Days", "cost": "Cost"}, formats,
              caption="Days and cost by kind of activity."),
    ]  # fmt: skip


def plan_check(engagement: Engagement) -> HTML:
    """The plan's total against the budget and the contract dates, with a clear flag."""
    contract = engagement.contract
    budget = engagement.budget.amount if engagement.budget else None
    result = check_plan(plan(engagement), budget, contract.start, contract.end)
    money = _money(engagement)
    lines = [f"{number(result.days, 1)} days of work, costing {money(result.cost)}."]
    problems = []
    if result.budget is None:
        lines.append("engagement.yaml sets no budget: add budget.amount to check against one.")
    elif result.over_budget:
        problems.append(
            f"OVER BUDGET: {money(result.cost)} against a budget of {money(result.budget)} "
            f"({money(-result.remaining)} over)."
        )
    else:
        lines.append(
            f"Within the budget of {money(result.budget)}: {money(result.remaining)} left."
        )
    if result.outside_contract:
        problems.append(
            f"OUTSIDE THE CONTRACT ({contract.start:%d %b %Y} to {contract.end:%d %b %Y}): "
            + ", ".join(result.outside_contract)
        )
    if result.first_day and result.last_day:
        lines.append(f"From {result.first_day:%d %b %Y} to {result.last_day:%d %b %Y}.")
    if problems:
        return callout("The plan needs attention", problems + lines, kind="warning")
    return callout("The plan: days, cost and budget", lines)


def scope_status(engagement: Engagement) -> HTML:
    """Which version of the scope is agreed, and whether it has changed since."""
    with db.open_store(engagement) as store:
        recorded = db.agreements(store)
        current = db.digest(db.current_scope(store))
    if not recorded:
        return callout("Agreement", ["The scope has not been agreed yet (draft version 1)."])
    latest = recorded[-1]
    lines = [
        f"Version {v.version} agreed by {v.agreed_by} ({v.agreed_role}) on "
        f"{pd.Timestamp(v.agreed_on):%d %b %Y}."
        for v in recorded
    ]
    if latest.digest == current:
        return callout(f"Scope agreed: version {latest.version}", lines)
    lines.append(
        f"The scope has changed since version {latest.version} was agreed: the changes are "
        f"draft version {latest.version + 1} until the client agrees them."
    )
    return callout("Scope changed since it was agreed", lines, kind="warning")
