"""What step 3 shows: forms for the scope, the timetable, days and cost, and the agreement.

``agreed_scope_for_client`` is the report's "What we agreed to look at": the agreed version only,
with no costs and nothing from step 2's intelligence notes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment import charts, entries
from assessment.engagement import Engagement
from assessment.entries import Choices, E
from assessment.forms import EntryForm
from assessment.presentation import callout, number, table
from assessment.scoping import store as db
from assessment.scoping.models import Activity, Agreement, ScopeItem
from assessment.scoping.summary import check_plan, days_and_cost_by, plan_frame, timetable
from assessment.store import Store


def _money(engagement: Engagement) -> Callable[[object], str]:
    currency = engagement.budget.currency if engagement.budget else "GBP"
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return lambda value: "–" if pd.isna(value) else f"{symbol}{value:,.0f}"


def _editor(
    engagement: Engagement,
    model: type[E],
    table_name: str,
    load: Callable[[Store], list[E]],
    choices: Callable[[Store, Engagement], Choices],
    label: Callable[[E], str],
    title: str,
) -> EntryForm[E]:
    """A form over one of step 3's tables, saving each change in its own transaction."""
    with db.open_store(engagement) as store:
        found, allowed = load(store), choices(store, engagement)

    def save(entry: E) -> list[E]:
        with db.open_store(engagement) as store:
            entries.save_one(store, table_name, entry)
            return load(store)

    def delete(entry_id: str) -> list[E]:
        with db.open_store(engagement) as store:
            entries.delete_one(store, table_name, entry_id)
            return load(store)

    return EntryForm(
        model, found, on_save=save, on_delete=delete, choices=allowed, label=label, title=title
    )


def scope_items_table(engagement: Engagement) -> HTML:
    """The scope items under their areas, with their deliverables."""
    with db.open_store(engagement) as store:
        found = db.items(store)
        areas = {a.id: a for a in db.step2.areas(store)}
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


def items_editor(engagement: Engagement, interactive: bool) -> EntryForm[ScopeItem] | HTML:
    """The scope-items form; in a batch run the stored items instead."""
    if not interactive:
        return scope_items_table(engagement)
    return _editor(
        engagement, ScopeItem, db.ITEMS, db.items, db.item_choices, lambda i: i.title, "Scope items"
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


def activities_editor(engagement: Engagement, interactive: bool) -> EntryForm[Activity] | HTML:
    """The activities form; in a batch run the stored activities instead."""
    if not interactive:
        return activities_table(engagement)
    return _editor(
        engagement,
        Activity,
        db.ACTIVITIES,
        db.activities,
        db.activity_choices,
        lambda a: f"{a.title} — {a.person}",
        "Discovery activities",
    )


def gantt(frame: pd.DataFrame, title: str = "Timetable") -> alt.Chart:
    """The timetable as a Gantt chart: one bar per activity and person, coloured by person."""
    return (
        alt.Chart(frame, title=title)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b")),
            x2="finish:T",
            y=alt.Y("task:N", sort=None, title=None),
            color=alt.Color("person:N", title="Who", scale=alt.Scale(range=charts.PALETTE)),
            tooltip=[
                alt.Tooltip("task:N", title="Activity"),
                alt.Tooltip("activity:N", title="Kind"),
                alt.Tooltip("person:N", title="Who"),
                alt.Tooltip("start:T", title="From", format="%-d %b %Y"),
                alt.Tooltip("days:Q", title="Days", format=",.1~f"),
            ],
        )
        .properties(width=560, height=alt.Step(18))
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


def agreement_editor(engagement: Engagement, interactive: bool) -> EntryForm[Agreement] | HTML:
    """Record the client's agreement to the scope as it stands; in a batch run, the status."""
    if not interactive:
        return scope_status(engagement)

    def save(agreement: Agreement) -> Sequence[Agreement]:
        with db.open_store(engagement) as store, store.transaction() as tx:
            db.record_agreement(tx, agreement)
        return []  # each agreement is a new record: the form starts afresh

    return EntryForm(
        Agreement,
        [],
        on_save=save,
        on_delete=lambda _id: [],
        label=lambda a: f"{a.agreed_by}, {a.agreed_on:%d %b %Y}",
        render=lambda _: str(scope_status(engagement).data),
        title="Record the client's agreement to the scope as it stands now",
    )


def agreed_scope_for_client(engagement: Engagement) -> list[HTML | alt.Chart]:
    """The report's "What we agreed to look at": the agreed version's areas, items, timetable.

    Shows the latest agreed version only, never a draft, never costs or intelligence notes.
    """
    with db.open_store(engagement) as store:
        recorded = db.agreements(store)
    if not recorded:
        return [callout("What we agreed to look at", ["The scope has not been agreed yet."])]
    agreed = recorded[-1]
    scope = agreed.scope
    who = (
        f"Scope of work version {agreed.version}, agreed by {agreed.agreed_by} "
        f"({agreed.agreed_role}) on {pd.Timestamp(agreed.agreed_on):%d %B %Y}."
    )
    shown: list[HTML | alt.Chart] = [HTML(f"<p class='aw-caption'>{html.escape(who)}</p>")]
    if scope["areas"]:
        areas = pd.DataFrame(scope["areas"])
        shown.append(table(areas, {"title": "Scope area", "description": "What it covers"}))
    if scope["items"]:
        items = pd.DataFrame(scope["items"])
        columns = {"area": "Area", "title": "What we will look at", "deliverable": "Deliverable"}
        shown.append(table(items, columns))
    if scope["activities"]:
        shown.append(gantt(timetable(pd.DataFrame(scope["activities"])), "Timetable"))
    return shown
