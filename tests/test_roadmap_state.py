"""The one roadmap state: stages in increasing order, passed stages, hold above the summit."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assessment.periods import Period
from assessment.roadmap_state import level_over, roadmap_state

STAGES = [
    ("Base camp", None, None),
    ("Camp 1", 0.55, dt.date(2026, 4, 30)),
    ("Camp 2", 0.85, dt.date(2026, 5, 31)),
    ("The summit", 1.0, dt.date(2026, 6, 30)),
]
BASE = Period(pd.Timestamp("2025-12-01"), pd.Timestamp("2026-02-01"))
NOW = Period(pd.Timestamp("2026-04-01"), pd.Timestamp("2026-06-01"))


def test_a_contract_above_its_summit_at_base_camp_holds_it_and_its_stages_still_increase() -> None:
    # Riverside: base camp 122 %, now 107 %: every stage passed before the plan
    state = roadmap_state("Job outcomes", STAGES, 122.0, BASE, 107.0, NOW)
    levels = [s.pct for s in state.stages]
    assert levels == sorted(levels) == [55.0, 85.0, 100.0, 122.0]
    assert [s.when() for s in state.stages[:3]] == ["already passed"] * 3
    assert state.above_summit and state.next_stage is None and state.ahead == ()
    assert state.now_sentence() == (
        "Now 107% of contract over Apr–Jun 2026: above the summit (100%): hold it."
    )


def test_a_contract_between_base_camp_and_camp_1() -> None:
    state = roadmap_state("Job outcomes", STAGES, 36.0, BASE, 54.0, NOW)
    assert [s.name for s in state.stages] == ["Base camp", "Camp 1", "Camp 2", "The summit"]
    assert state.reached == "Base camp" and state.next_stage.name == "Camp 1"
    # every stage was due by 30 June, the data's last day: all three were missed
    assert [s.name for s in state.missed] == ["Camp 1", "Camp 2", "The summit"]
    assert state.sentence() == (
        "Base camp: 36% of contract over Dec 2025–Feb 2026. Camp 1 at 55% (due by 30 Apr 2026), "
        "Camp 2 at 85% (due by 31 May 2026) and The summit at 100% (due by 30 Jun 2026) were "
        "not reached: 54% of contract over Apr–Jun 2026, above base camp."
    )
    earlier = Period(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01"))
    assert roadmap_state("Job outcomes", STAGES, 36.0, BASE, 54.0, earlier).now_sentence() == (
        "Now 54% of contract over Jan–Mar 2026: above base camp; next Camp 1 at 55% by 30 Apr 2026."
    )


def test_a_stage_due_on_the_data_s_last_day_and_not_reached_was_missed() -> None:
    # Northshore: Camp 1 (55%) due 30 Jun 2026, the data runs to 30 Jun 2026, 52% over Apr-Jun
    stages = [
        ("Base camp", None, None),
        ("Camp 1", 0.55, dt.date(2026, 6, 30)),
        ("Camp 2", 0.85, dt.date(2026, 9, 30)),
        ("The summit", 1.0, dt.date(2026, 12, 31)),
    ]
    state = roadmap_state("Job outcomes", stages, 36.0, BASE, 52.0, NOW)
    assert [s.name for s in state.missed] == ["Camp 1"]
    assert state.now_sentence() == (
        "Camp 1 at 55% was due by 30 Jun 2026 and was not reached: 52% of contract over "
        "Apr–Jun 2026, above base camp. Next: Camp 2 at 85% by 30 Sep 2026."
    )
    # a day later on the calendar but the same data: still missed; a month earlier: still ahead
    before = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-05-01"))
    ahead = roadmap_state("Job outcomes", stages, 36.0, BASE, 52.0, before)
    assert ahead.missed == ()
    assert ahead.now_sentence() == (
        "Now 52% of contract over Mar–May 2026: above base camp; next Camp 1 at 55% by 30 Jun 2026."
    )


def test_stages_missed_on_one_date_are_named_together() -> None:
    # Eastfield: Camp 2 and the summit both due 31 Mar 2026, the data to March, 71%
    stages = [
        ("Base camp", None, None),
        ("Camp 1", 0.55, None),
        ("Camp 2", 0.85, dt.date(2026, 3, 31)),
        ("The summit", 1.0, dt.date(2026, 3, 31)),
    ]
    jan_mar = Period(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01"))
    state = roadmap_state("Job outcomes", stages, 67.0, BASE, 71.0, jan_mar)
    assert state.now_sentence() == (
        "Camp 2 at 85% and The summit at 100% were due by 31 Mar 2026 and were not reached: "
        "71% of contract over Jan–Mar 2026, above base camp."
    )


def test_a_stage_reached_by_its_date_is_not_missed() -> None:
    state = roadmap_state("Job outcomes", STAGES[:2], 36.0, BASE, 56.0, NOW)
    assert state.missed == () and state.above_summit
    assert state.now_sentence() == (
        "Now 56% of contract over Apr–Jun 2026: above the summit (55%): hold it."
    )


def test_a_stage_reached_is_named_and_the_next_one_given() -> None:
    state = roadmap_state("Job outcomes", STAGES, 36.0, BASE, 86.0, NOW)
    assert state.reached == "Camp 2" and state.next_stage.name == "The summit"
    assert not state.above_summit


def test_base_camp_above_a_stage_marks_only_that_stage_passed() -> None:
    state = roadmap_state("Job outcomes", STAGES, 60.0, BASE, None, None)
    assert [(s.name, s.passed) for s in state.stages] == [
        ("Camp 1", True),
        ("Base camp", False),
        ("Camp 2", False),
        ("The summit", False),
    ]
    assert state.now_sentence() == (
        "Now 60% of contract over Dec 2025–Feb 2026: at base camp; next Camp 2 at 85% by "
        "31 May 2026."
    )


def test_level_over_a_period_sums_actuals_and_targets_of_its_months() -> None:
    frame = pd.DataFrame(
        {
            "site": ["ALL"] * 4,
            "measure": ["job_outcomes"] * 4,
            "period": pd.to_datetime(["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]),
            "actual": [99.0, 50.0, 60.0, 70.0],
            "target": [100.0, 100.0, 100.0, 100.0],
        }
    )
    # Apr-Jun: 180 / 300 = 60 %; March is outside the period
    assert level_over(frame, "job_outcomes", NOW) == 60.0
