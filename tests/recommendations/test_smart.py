"""Each SMART rule with a passing and a failing example, and the check as a whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from assessment.recommendations import smart


def facts(**overrides: Any) -> smart.ActionFacts:
    """A KPI action that passes every rule."""
    base = smart.ActionFacts(
        task="Train North Hub advisers to follow South Hub's journey",
        owner="North Hub manager",
        is_kpi=True,
        measure="Job outcomes (North Hub)",
        baseline=30.0,
        target=50.0,
        best_site=("South Hub", 80.0),
        stretch_reason="",
        findings=["f1"],
        known_findings={"f1", "f2"},
        expected_outcome="More customers into work",
        set_on=dt.date(2025, 7, 5),
        target_date=dt.date(2025, 9, 30),
        contract_end=dt.date(2025, 12, 31),
        unit="%",
    )
    return dataclasses.replace(base, **overrides)


def test_a_good_action_passes_every_rule_with_a_reason_per_line() -> None:
    lines = [r.line() for r in smart.check(facts())]
    assert lines == [
        "✓ Specific: a clear task, owned by North Hub manager",
        "✓ Measurable: Job outcomes (North Hub) from 30% (from the KPI data) to 50%",
        "✓ Achievable: South Hub already achieves 80%, above the 50%",
        "✓ Relevant: answers 1 finding of the assessment and moves a contracted KPI",
        "✓ Time-bound: due 30 Sep 2025, within the contract",
    ]


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"task": "Improve journeys"}, "the task needs at least 5 words"),
        ({"task": "Look at the journey at every site"}, "'look at' is vague"),
        ({"owner": ""}, "no owner"),
    ],
)
def test_specific_fails_a_short_or_vague_task_or_no_owner(overrides: dict, why: str) -> None:
    result = smart.specific(facts(**overrides))
    assert not result.passed and why in result.why


def test_measurable_needs_a_computed_baseline_for_a_kpi_and_a_typed_one_otherwise() -> None:
    assert "no baseline can be computed" in smart.measurable(facts(baseline=None)).why
    named = smart.measurable(facts(is_kpi=False, baseline=None, measure="Repeat stories"))
    assert not named.passed and "type today's value" in named.why
    typed = smart.measurable(facts(is_kpi=False, baseline=62.0, target=20.0, unit=""))
    assert typed.passed and typed.why == "Job outcomes (North Hub) from 62 to 20"


def test_achievable_caps_the_target_at_the_best_site_unless_a_stretch_is_stated() -> None:
    too_high = smart.achievable(facts(target=90.0))  # South Hub is at 80 %
    assert not too_high.passed and "above what any site achieves now (South Hub, 80%)" in (
        too_high.why
    )
    assert smart.achievable(facts(target=80.0)).passed  # equal to the best site is fine
    stretch = smart.achievable(facts(target=90.0, stretch_reason="new funding for two advisers"))
    assert stretch.passed and stretch.why == "a stated stretch: new funding for two advisers"


def test_relevant_needs_a_known_finding_and_a_kpi_or_the_desired_outcome() -> None:
    assert not smart.relevant(facts(findings=[])).passed
    unknown = smart.relevant(facts(findings=["f1", "f9"]))
    assert not unknown.passed and "f9 are not among step 4's findings" in unknown.why
    named = facts(is_kpi=False, expected_outcome="")
    assert not smart.relevant(named).passed
    assert smart.relevant(facts(is_kpi=False)).passed


@pytest.mark.parametrize(
    ("due", "passed", "why"),
    [
        (dt.date(2025, 7, 5), False, "not after it was set"),  # the day it was set
        (dt.date(2026, 1, 1), False, "after the contract ends"),
        (dt.date(2025, 12, 31), True, "within the contract"),  # the contract's last day
    ],
)
def test_time_bound_is_after_the_day_set_and_within_the_contract(
    due: dt.date, passed: bool, why: str
) -> None:
    result = smart.time_bound(facts(target_date=due))
    assert result.passed is passed and why in result.why


def test_achievable_says_how_sure_it_is_from_the_best_sites_interval() -> None:
    # The reviewer's case: the best site at 20 of 18 over three months = 111%, interval 68-172%.
    sure = smart.achievable(
        facts(target=60.0, best_site=("Harbour", 111.0), best_interval=(68.0, 172.0))
    )
    assert sure.passed
    assert sure.why == (
        "Harbour already achieves 111% (95% interval 68% to 172%), above the 60%; sure: even the "
        "interval's low end (68%) reaches it"
    )
    unsure = smart.achievable(
        facts(target=100.0, best_site=("Harbour", 111.0), best_interval=(68.0, 172.0))
    )
    assert unsure.passed
    assert "not sure: the site's true level could be as low as 68%" in unsure.why
    too_high = smart.achievable(
        facts(target=120.0, best_site=("Harbour", 111.0), best_interval=(68.0, 172.0))
    )
    assert not too_high.passed and "(Harbour, 111%, 95% interval 68% to 172%)" in too_high.why
