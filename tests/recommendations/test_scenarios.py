"""The what-if projection on hand-computed fixtures (one contract, headline KPI 'jobs').

Contract: 100 jobs a month contracted, £1,000 a job, ends 31 Dec 2026. The data: 40 jobs a month
from November 2025 to January 2026 (base camp 40 % over Nov 2025-Jan 2026). Every level is over
the three months to its month (the report's "recent"), the actual where the data covers them.
Camp 1 at 50 % by 30 Jun 2026, the summit at 60 % by 31 Dec 2026.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assessment.recommendations.scenarios import (
    Benchmark,
    Lever,
    PlanBasis,
    Scenario,
    compare,
    end_label,
    project,
)

STAGES = (
    ("Base camp", None, None),
    ("Camp 1", 0.5, dt.date(2026, 6, 30)),
    ("Summit", 0.6, dt.date(2026, 12, 31)),
)
DATA = (
    (dt.date(2025, 11, 1), 40.0, 100.0),
    (dt.date(2025, 12, 1), 40.0, 100.0),
    (dt.date(2026, 1, 1), 40.0, 100.0),
)
EAST = Benchmark(
    "east", baseline=20.0, rate=80.0, units=50.0, by=dt.date(2026, 1, 31), price=1000.0
)
"""East: 20 % of its 50 jobs a month; the benchmark site delivers 80 %."""


def _action(action_id: str, target: float, due: str, cost: float, site: str = "ALL") -> dict:
    return {
        "action_id": action_id,
        "measure": "jobs",
        "site": site,
        "baseline": 40.0 if site == "ALL" else 20.0,
        "target": target,
        "target_date": due,
        "units": 100.0 if site == "ALL" else 50.0,
        "price": 1000.0,
        "value_claimed": 1.0,
        "cost": cost,
    }


def _basis(*rows: dict, actuals=DATA, benchmarks=()) -> PlanBasis:  # type: ignore[no-untyped-def]
    return PlanBasis(
        plan=pd.DataFrame(list(rows)),
        stages=STAGES,
        headline="jobs",
        kpi_label="Job outcomes",
        base_pct=40.0,
        base_month=dt.date(2026, 1, 1),
        contract_end=dt.date(2026, 12, 31),
        contract_units=100.0,
        benchmarks=benchmarks,
        actuals=actuals,
        window=3,
    )


# A: 40 -> 50 % by 31 Mar 2026, £10,000. B: 40 -> 60 % by 30 Sep 2026, £5,000.
A = _action("a", 50.0, "2026-03-31", 10_000.0)
B = _action("b", 60.0, "2026-09-30", 5_000.0)


def test_agreed_plan_reaches_camp_1_by_june_and_is_worth_nine_months_of_ten_points() -> None:
    basis = _basis(A)
    agreed = project(basis, Scenario())
    # 10 points of 100 jobs = 10 jobs a month, April to December: 9 x 10 x £1,000
    assert agreed.value == pytest.approx(90_000)
    assert agreed.cost == 10_000
    assert agreed.plan_return == pytest.approx(9.0)
    # each month over the three to it: April (40 + 40 + 50) / 3, May (40 + 50 + 50) / 3
    assert agreed.levels[:5] == pytest.approx((40.0, 40.0, 130 / 3, 140 / 3, 50.0))
    assert [(s.name, s.level, s.reached, s.period.label()) for s in agreed.stages] == [
        ("Camp 1", 50.0, "Camp 1", "Apr–Jun\xa02026"),
        ("Summit", 50.0, "Camp 1", "Oct–Dec\xa02026"),
    ]
    assert end_label(basis, agreed) == (
        "Job outcomes, % of contracted target over Oct–Dec\xa02026 (projected)"
    )


def test_an_action_at_half_its_target_half_a_year_late() -> None:
    agreed, late = compare(_basis(A), Scenario("Slips", {"a": Lever(share=50, delay=6)}))
    # 40 -> 45 % by 30 Sep: 5 jobs a month for October to December = £15,000
    assert late.value == pytest.approx(15_000)
    assert late.cost == agreed.cost == 10_000
    assert late.end_level == pytest.approx(45.0)
    assert agreed.end_level == pytest.approx(50.0)
    # by 30 June nothing has been delivered: Camp 1 is not reached, the contract is at base camp
    assert [(s.name, s.level, s.reached) for s in late.stages] == [
        ("Camp 1", 40.0, "Base camp"),
        ("Summit", 45.0, "Base camp"),
    ]


def test_two_actions_on_the_same_measure_share_its_gap_in_steps() -> None:
    agreed = project(_basis(A, B), Scenario())
    # A: 40 -> 50 for April-December (£90,000); B only counts 50 -> 60 for Oct-Dec (£30,000)
    assert agreed.value == pytest.approx(120_000)
    assert agreed.levels[-1] == pytest.approx(60.0)  # not 40 + 10 + 20
    assert agreed.end_stage == "Summit, hold it"  # at the summit, as the roadmap says it


def test_an_action_left_out() -> None:
    _, without_a = compare(_basis(A, B), Scenario("No A", {"a": Lever(left_out=True)}))
    # B alone: 40 -> 60 for Oct-Dec: 20 jobs x 3 x £1,000; only B's cost
    assert without_a.value == pytest.approx(60_000)
    assert without_a.cost == 5_000
    assert without_a.plan_return == pytest.approx(12.0)
    assert [(s.name, s.reached) for s in without_a.stages] == [
        ("Camp 1", "Base camp"),
        ("Summit", "Summit, hold it"),
    ]


def test_months_the_data_covers_are_the_actual_whatever_the_scenario() -> None:
    # the data runs to April 2026: 45, 35, 55 jobs in Feb, Mar, Apr; A (due 31 Mar) counts
    # from April, a month the data covers, so its effect is in the actual figures
    data = (*DATA, *((dt.date(2026, m, 1), a, 100.0) for m, a in ((2, 45), (3, 35), (4, 55))))
    basis = _basis(A, B, actuals=data)
    agreed, moved = compare(basis, Scenario("x", {"a": Lever(left_out=True), "b": Lever()}))
    # Feb (40 + 40 + 45) / 3, Mar (40 + 45 + 35) / 3, Apr (45 + 35 + 55) / 3: the report's levels
    assert agreed.levels[:3] == pytest.approx((125 / 3, 40.0, 45.0))
    assert agreed.actual_months[:4] == (True, True, True, False)
    assert moved.levels == agreed.levels  # A left out: the line is the data's, then B's
    # from May each month is the level now (45 % over Feb-Apr) plus what is still to come
    # (B: 10 points beyond A's 50 %, from October); the windows mix in the actual months:
    # May (35 + 55 + 45) / 3, June (55 + 45 + 45) / 3, then 45 to September, 55 from October
    assert agreed.levels[3:] == pytest.approx(
        (45.0, 145 / 3, 45.0, 45.0, 45.0, 145 / 3, 155 / 3, 55.0)
    )
    assert moved.value == pytest.approx(30_000 + 30_000)  # B alone claims 40 -> 60, Oct-Dec
    assert agreed.value == pytest.approx(120_000)


def test_a_site_at_the_benchmark_rate_from_the_month_after_the_data() -> None:
    basis = _basis(A, benchmarks=(EAST,))
    agreed, east = compare(basis, Scenario("East", {}, frozenset({"east"})))
    # East from 20 % to 80 % of 50 a month from February: 30 jobs a month, 30 points
    assert east.levels[:3] == pytest.approx((50.0, 60.0, 70.0 + 10 / 3))
    assert east.end_level == pytest.approx(80.0) and agreed.end_level == pytest.approx(50.0)
    assert east.end_stage == "Summit, hold it" and agreed.end_stage == "Camp 1"
    # 30 jobs x 11 months (February to December) x £1,000 on top of A's £90,000
    assert east.value == pytest.approx(90_000 + 330_000)
    assert east.cost == agreed.cost


def test_the_benchmark_counts_only_beyond_the_plans_own_target_for_the_site() -> None:
    on_east = _action("e", 50.0, "2026-03-31", 2_000.0, site="east")
    basis = _basis(A, on_east, benchmarks=(EAST,))
    agreed, east = compare(basis, Scenario("East", {}, frozenset({"east"})))
    # the plan already takes East to 50 %: the switch adds 30 points of 50 = 15 jobs a month
    assert east.end_level - agreed.end_level == pytest.approx(15.0)
    assert east.value - agreed.value == pytest.approx(15 * 11 * 1000)


def test_levers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="0-100"):
        Lever(share=120)
    with pytest.raises(ValueError, match="delay"):
        Lever(delay=-1)
