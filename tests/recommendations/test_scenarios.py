"""The what-if projection on hand-computed fixtures (one contract, headline KPI 'jobs')."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assessment.recommendations.scenarios import Lever, PlanBasis, Scenario, compare, project

# Contract: 100 jobs a month contracted, £1,000 a job, base camp 40 % at January 2026, ends
# 31 Dec 2026. Camp 1 at 50 % by 30 Jun 2026, the summit at 60 % by 31 Dec 2026.
STAGES = (
    ("Base camp", None, None),
    ("Camp 1", 0.5, dt.date(2026, 6, 30)),
    ("Summit", 0.6, dt.date(2026, 12, 31)),
)


def _action(action_id: str, target: float, due: str, cost: float) -> dict[str, object]:
    return {
        "action_id": action_id,
        "measure": "jobs",
        "site": "ALL",
        "baseline": 40.0,
        "target": target,
        "target_date": due,
        "units": 100.0,
        "price": 1000.0,
        "value_claimed": 1.0,
        "cost": cost,
    }


def _basis(*rows: dict[str, object]) -> PlanBasis:
    return PlanBasis(
        plan=pd.DataFrame(list(rows)),
        stages=STAGES,
        headline="jobs",
        kpi_label="Job outcomes",
        base_pct=40.0,
        base_month=dt.date(2026, 1, 1),
        contract_end=dt.date(2026, 12, 31),
        contract_units=100.0,
    )


# A: 40 -> 50 % by 31 Mar 2026, £10,000. B: 40 -> 60 % by 30 Sep 2026, £5,000.
A = _action("a", 50.0, "2026-03-31", 10_000.0)
B = _action("b", 60.0, "2026-09-30", 5_000.0)


def test_agreed_plan_reaches_camp_1_by_june_and_is_worth_nine_months_of_ten_points() -> None:
    agreed = project(_basis(A), Scenario())
    # 10 points of 100 jobs = 10 jobs a month, April to December: 9 x 10 x £1,000
    assert agreed.value == pytest.approx(90_000)
    assert agreed.cost == 10_000
    assert agreed.plan_return == pytest.approx(9.0)
    assert agreed.levels[:3] == (40.0, 40.0, 50.0)  # Feb, Mar at base camp; April 50 %
    assert [(s.name, s.level, s.reached) for s in agreed.stages] == [
        ("Camp 1", 50.0, "Camp 1"),
        ("Summit", 50.0, "Camp 1"),
    ]


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
    assert agreed.end_stage == "Summit"


def test_an_action_left_out() -> None:
    _, without_a = compare(_basis(A, B), Scenario("No A", {"a": Lever(left_out=True)}))
    # B alone: 40 -> 60 for Oct-Dec: 20 jobs x 3 x £1,000; only B's cost
    assert without_a.value == pytest.approx(60_000)
    assert without_a.cost == 5_000
    assert without_a.plan_return == pytest.approx(12.0)
    assert [(s.name, s.reached) for s in without_a.stages] == [
        ("Camp 1", "Base camp"),
        ("Summit", "Summit"),
    ]


def test_levers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="0-100"):
        Lever(share=120)
    with pytest.raises(ValueError, match="delay"):
        Lever(delay=-1)
