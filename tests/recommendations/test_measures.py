"""KPI measure values, the roadmap's stage arithmetic, value and cost, progress status."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assessment.recommendations import measures
from assessment.recommendations.value import (
    action_cost,
    action_value,
    months_after,
    value_ranking,
)

MARCH, JUNE = pd.Timestamp("2025-03-01"), pd.Timestamp("2025-06-01")


def test_window_is_three_months_of_actual_over_target(performance: pd.DataFrame) -> None:
    # North Jan-Mar: 12 / 60 = 20 %; Apr-Jun: 18 / 60 = 30 %; ALL Apr-Jun: 66 / 120 = 55 %
    assert measures.window_pct(performance, "job_outcomes", "north", MARCH) == pytest.approx(20)
    assert measures.window_pct(performance, "job_outcomes", "north", JUNE) == pytest.approx(30)
    assert measures.window_pct(performance, "job_outcomes", "ALL", JUNE) == pytest.approx(55)
    # the first month has no earlier ones: a window of one, 4 / 20 = 20 %
    first = pd.Timestamp("2025-01-01")
    assert measures.window_pct(performance, "job_outcomes", "north", first) == pytest.approx(20)
    assert measures.window_pct(performance, "job_outcomes", "north", None) is None
    # lower is better inverts the ratio: 60 / 18 = 333 %
    inverted = measures.window_pct(performance, "job_outcomes", "north", JUNE, True)
    assert inverted == pytest.approx(60 / 18 * 100)


def test_baseline_month_is_the_last_month_complete_on_the_day(performance: pd.DataFrame) -> None:
    assert measures.baseline_month(performance, dt.date(2025, 4, 29)) == MARCH  # April not over
    assert measures.baseline_month(performance, dt.date(2025, 4, 30)) == pd.Timestamp("2025-04-01")
    assert measures.baseline_month(performance, dt.date(2026, 1, 1)) == JUNE  # data end there
    assert measures.baseline_month(performance, dt.date(2024, 12, 31)) is None


def test_best_site_and_monthly_target(performance: pd.DataFrame) -> None:
    assert measures.best_site(performance, "job_outcomes", ["north", "south"], JUNE) == (
        "south",
        pytest.approx(80),
    )
    assert measures.monthly_target(performance, "job_outcomes", "ALL", JUNE) == 40


def test_trend_compares_with_three_months_earlier() -> None:
    assert measures.trend(30.0, 20.0) == "up"
    assert measures.trend(20.0, 30.0) == "down"
    assert measures.trend(30.4, 30.0) == "flat"  # under a point
    assert measures.trend(None, 30.0) == "unknown"


def test_roadmap_stages_from_24_percent_today_to_the_summit() -> None:
    stages = [
        ("Base camp", None, None),
        ("Camp 1", 0.55, None),
        ("Camp 2", 0.85, None),
        ("The summit", 1.0, None),
    ]
    carried = {
        "Camp 1": [("a1", dt.date(2026, 3, 31)), ("a2", dt.date(2026, 6, 30))],
        "Camp 2": [("a3", dt.date(2026, 9, 30))],
    }
    points = measures.roadmap_stages(
        stages, 24.0, dt.date(2026, 2, 28), dt.date(2026, 12, 31), carried
    )
    assert [(p.name, p.pct, p.date) for p in points] == [
        ("Base camp", 24.0, dt.date(2026, 2, 28)),
        ("Camp 1", 55.0, dt.date(2026, 6, 30)),  # the latest of its actions' dates
        ("Camp 2", 85.0, dt.date(2026, 9, 30)),
        ("The summit", 100.0, dt.date(2026, 12, 31)),  # no action: the contract's end
    ]
    assert points[1].actions == ["a1", "a2"]


def test_a_stated_stage_date_wins_and_a_middle_stage_without_actions_has_none() -> None:
    stages = [
        ("Base camp", None, None),
        ("Camp 1", 0.55, dt.date(2026, 5, 31)),
        ("Camp 2", 0.85, None),
        ("The summit", 1.0, dt.date(2026, 11, 30)),
    ]
    carried = {"Camp 1": [("a1", dt.date(2026, 6, 30))]}
    points = measures.roadmap_stages(stages, 24.0, None, dt.date(2026, 12, 31), carried)
    assert [p.date for p in points] == [None, dt.date(2026, 5, 31), None, dt.date(2026, 11, 30)]


def test_value_of_an_action_and_its_cost() -> None:
    # from 30 % to 50 % of 20 a month = 4 more job outcomes a month, for the 3 months left
    # (October to December) at 1,500 each: 0.20 x 20 x 3 x 1,500 = 18,000
    assert months_after(dt.date(2025, 9, 30), dt.date(2025, 12, 31)) == 3
    assert months_after(dt.date(2025, 12, 31), dt.date(2025, 12, 31)) == 0
    assert action_value(30.0, 50.0, 20.0, 3, 1500.0) == pytest.approx(18_000)
    assert action_value(60.0, 50.0, 20.0, 3, 1500.0) == 0  # no gain to make
    assert action_value(None, 50.0, 20.0, 3, 1500.0) == 0
    assert action_cost(4.0, None, 950.0) == 3_800  # 4 days x 950
    assert action_cost(4.0, 5_000.0, 950.0) == 5_000  # a stated cost wins


def test_recommendations_are_ranked_by_return() -> None:
    plan = pd.DataFrame(
        {
            "recommendation_id": ["r1", "r1", "r2", "r3"],
            "action_area": ["A", "A", "B", "C"],
            "recommendation": ["One", "One", "Two", "Three"],
            "value": [18_000.0, 2_000.0, 30_000.0, 0.0],
            "cost": [3_800.0, 1_200.0, 10_000.0, 0.0],
        }
    )
    ranking = value_ranking(plan)
    # r1: 20,000 / 5,000 = 4.0; r2: 30,000 / 10,000 = 3.0; r3: no cost, no return: last
    assert list(ranking["recommendation"]) == ["One", "Two", "Three"]
    assert list(ranking["return"].round(2).fillna(-1)) == [4.0, 3.0, -1]
    assert list(ranking["actions"]) == [2, 1, 1]


def test_the_window_is_the_engagements_recent_months_of_the_calendar(
    performance: pd.DataFrame,
) -> None:
    # North: 4, 4, 4, 6, 6, 6 against 20 a month. Two months to June: 12 / 40 = 30 %; four
    # months to June: 22 / 80 = 27.5 %
    assert measures.window_pct(performance, "job_outcomes", "north", JUNE, months=2) == 30
    assert measures.window_pct(performance, "job_outcomes", "north", JUNE, months=4) == (
        pytest.approx(27.5)
    )
    # a month missing from the data is not replaced by an older one: April gone, three months
    # to June are May and June only, 12 / 40 = 30 %
    gap = performance[performance["period"] != pd.Timestamp("2025-04-01")].copy()
    assert measures.window_pct(gap, "job_outcomes", "north", JUNE) == 30


def test_window_interval_is_the_exact_poisson_interval_of_the_three_months() -> None:
    # 20 outcomes against 18 over three months: 111%, Garwood interval of 20 is 12.22 to 30.89.
    performance = pd.DataFrame(
        {
            "site": "harbour",
            "measure": "jobs",
            "period": pd.date_range("2025-04-01", periods=3, freq="MS"),
            "actual": [6.0, 7.0, 7.0],
            "target": [6.0, 6.0, 6.0],
        }
    )
    low, high = measures.window_interval(performance, "jobs", "harbour", pd.Timestamp("2025-06-01"))
    assert (round(low), round(high)) == (68, 172)
