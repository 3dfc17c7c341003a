"""Value counted once: a KPI's gap shared among its actions, never claimed twice."""

from __future__ import annotations

import math

import pytest

from assessment.recommendations.value import Claim, shared_values

# the whole contract: 100 job outcomes a month at £1,000; two sites of 50 a month each
ALL = dict(kpi="jobs", site="ALL", baseline=36.0, units=100.0, price=1000.0)


def test_two_contract_actions_on_one_measure_share_it_in_steps() -> None:
    # 36 -> 55 for 6 months: 0.19 x 100 x 6 x 1000 = 114,000
    # 36 -> 100 for 1 month, but 36 -> 55 is the first action's: 0.45 x 100 x 1 x 1000 = 45,000
    claims = [
        Claim("a", target=55.0, months=6, **ALL),
        Claim("b", target=100.0, months=1, **ALL),
    ]
    values, gaps = shared_values(claims)
    assert values == pytest.approx({"a": 114_000, "b": 45_000})
    assert gaps[0].value == pytest.approx(159_000) and gaps[0].shared == pytest.approx(159_000)


def test_site_gains_are_part_of_the_contract_gain_never_added_to_it() -> None:
    site = dict(kpi="jobs", site="east", baseline=25.0, units=50.0, price=1000.0)
    claims = [
        Claim("contract", target=55.0, months=6, **ALL),  # claims 114,000
        Claim("east", target=65.0, months=6, **site),  # claims 0.40 x 50 x 6 x 1000 = 120,000
    ]
    values, gaps = shared_values(claims)
    # together 234,000 against the contract's 114,000: each scaled by 114 / 234
    assert sum(values.values()) == pytest.approx(114_000)
    assert values["east"] == pytest.approx(120_000 * 114 / 234)
    assert gaps[0].claimed == pytest.approx(234_000) and gaps[0].value == pytest.approx(114_000)


def test_actions_on_different_sites_only_keep_their_own_values() -> None:
    east = dict(kpi="jobs", baseline=25.0, units=50.0, price=1000.0, months=6)
    claims = [
        Claim("e", site="east", target=45.0, **east),
        Claim("w", site="west", target=35.0, **east),
    ]
    values, _ = shared_values(claims)
    assert values == pytest.approx({"e": 60_000, "w": 30_000})


def test_an_action_due_at_the_contract_end_is_worth_nothing_and_not_negative() -> None:
    values, _ = shared_values([Claim("late", target=55.0, months=0, **ALL)])
    assert values["late"] == 0 and not math.isnan(values["late"])
