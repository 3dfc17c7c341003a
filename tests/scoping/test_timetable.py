"""Days and cost of the plan, the budget and contract-date checks, on hand-computed figures."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.scoping.models import Activity
from assessment.scoping.timetable import (
    TOTAL,
    check_plan,
    days_and_cost_by,
    plan_frame,
    timetable,
)

RATES = {"Ann Lead": 1000.0, "Bo Analyst": 500.0}
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def activity(title: str, kind: str, who: str, start: str, end: str, days: float) -> Activity:
    return Activity(
        title=title,
        kind=kind,
        person=who,
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        days=days,
    )


PLAN = [
    activity("Interviews, North", "interviews", "Ann Lead", "2026-02-02", "2026-02-03", 1.5),
    activity("Observation, North", "observation", "Bo Analyst", "2026-02-09", "2026-02-09", 1),
    activity("Interviews, South", "interviews", "Ann Lead", "2026-02-04", "2026-02-05", 2),
    activity("Data check", "analysis", "Bo Analyst", "2026-02-16", "2026-02-20", 3.5),
]
# by hand: Ann 3.5 days x 1000 = 3500; Bo 4.5 days x 500 = 2250; total 8 days, 5750


def test_cost_is_days_times_the_persons_rate() -> None:
    plan = plan_frame(PLAN, RATES)
    assert plan["cost"].tolist() == [1500.0, 500.0, 2000.0, 1750.0]


def test_days_and_cost_by_person_and_by_activity() -> None:
    plan = plan_frame(PLAN, RATES)
    by_person = days_and_cost_by(plan, "person").set_index("person")
    assert by_person.loc["Ann Lead"].tolist() == [3.5, 3500.0]
    assert by_person.loc["Bo Analyst"].tolist() == [4.5, 2250.0]
    assert by_person.loc[TOTAL].tolist() == [8.0, 5750.0]
    assert by_person.index[-1] == TOTAL
    by_kind = days_and_cost_by(plan, "activity").set_index("activity")
    assert by_kind.loc["One-to-one interviews"].tolist() == [3.5, 3500.0]
    assert by_kind.loc["Observations"].tolist() == [1.0, 500.0]
    assert by_kind.loc["Analysis"].tolist() == [3.5, 1750.0]
    assert by_kind.loc[TOTAL, "cost"] == 5750.0


def test_within_budget_and_inside_the_contract() -> None:
    check = check_plan(plan_frame(PLAN, RATES), 6000.0, START, END)
    assert (check.days, check.cost, check.remaining) == (8.0, 5750.0, 250.0)
    assert not check.over_budget and check.outside_contract == []
    assert (check.first_day, check.last_day) == (dt.date(2026, 2, 2), dt.date(2026, 2, 20))


def test_over_budget_and_past_the_contract_are_flagged() -> None:
    late = [*PLAN, activity("Feedback", "feedback", "Ann Lead", "2026-03-30", "2026-04-02", 1)]
    check = check_plan(plan_frame(late, RATES), 6000.0, START, END)
    assert check.cost == 6750.0 and check.over_budget and check.remaining == -750.0
    assert check.outside_contract == ["Feedback"]


def test_no_budget_is_never_over_budget() -> None:
    check = check_plan(plan_frame(PLAN, RATES), None, START, END)
    assert check.budget is None and check.remaining is None and not check.over_budget


def test_someone_outside_the_team_cannot_be_costed() -> None:
    stranger = [activity("Interviews", "interviews", "Cy Unknown", "2026-02-02", "2026-02-02", 1)]
    with pytest.raises(KeyError, match="Cy Unknown"):
        plan_frame(stranger, RATES)


def test_timetable_bars_cover_whole_days_in_date_order() -> None:
    bars = timetable(plan_frame(PLAN, RATES))
    assert bars["task"].tolist()[:2] == ["Interviews, North", "Interviews, South"]
    one_day = bars[bars["task"] == "Observation, North"].iloc[0]
    assert (one_day["finish"] - one_day["start"]).days == 1


def test_an_activity_of_two_people_gets_a_bar_each() -> None:
    pair = [
        activity("Workshop", "feedback", "Ann Lead", "2026-03-09", "2026-03-09", 1),
        activity("Workshop", "feedback", "Bo Analyst", "2026-03-09", "2026-03-09", 1),
    ]
    bars = timetable(plan_frame([*PLAN, *pair], RATES))
    assert bars["task"].tolist()[-2:] == ["Workshop (Ann Lead)", "Workshop (Bo Analyst)"]
    assert "Data check" in bars["task"].tolist()  # a title of its own stays as it is


def test_end_before_start_and_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError, match="before the start"):
        activity("X", "interviews", "Ann Lead", "2026-02-05", "2026-02-04", 1)
    with pytest.raises(ValueError, match="greater than 0"):
        activity("X", "interviews", "Ann Lead", "2026-02-04", "2026-02-04", -2)
