"""What a What if control cannot move, and why, on hand-made plans (see test_scenarios.py).

Contract: 100 jobs a month, data November 2025 to January 2026 (40 a month), ends 31 Dec 2026.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from assessment.recommendations.scenario_notes import benchmark_label, control_notes, panel_note
from assessment.recommendations.scenarios import Scenario, project

from .test_scenarios import EAST, _action, _basis


def _named(action_id: str) -> dict:
    row = _action(action_id, 20.0, "2026-09-30", 1_000.0)
    return row | {"measure": "Customers telling their story twice (%)", "baseline": math.nan,
                  "units": math.nan, "price": math.nan}  # fmt: skip


def _notes(*rows: dict) -> dict[str, str]:
    basis = _basis(*rows)
    return control_notes(basis, project(basis, Scenario()))


def test_a_site_action_inside_the_contracts_own_climb_says_so() -> None:
    # the contract to 60 % by 31 Mar (20 jobs a month); East to 50 % (15 jobs) is part of it:
    # leaving East's action out leaves the line and the value where they are
    whole = _action("w", 60.0, "2026-03-31", 3_000.0)
    east = _action("e", 50.0, "2026-03-31", 2_000.0, site="east") | {"task": "Coach East advisers"}
    whole |= {"task": "Rebuild the MI pack"}
    east_note = _notes(whole, east)["e"]
    assert east_note == (
        "Shares the Job outcomes gap with “Rebuild the MI pack”: it closes it already, so moving "
        "this action changes no figure of the roadmap while it stands; the cost moves."
    )
    assert _notes(whole, east)["w"] == ""  # the contract's own action moves the line


def test_an_action_counted_within_the_data_moves_value_and_cost_only() -> None:
    # due 31 Dec 2025: its gain counts from January 2026, a month the data covers
    early = _action("x", 50.0, "2025-12-31", 1_000.0) | {"task": "Early"}
    assert _notes(early)["x"] == (
        "Due by 31\xa0Dec\xa02025, so its effect is in the actual figures (data to "
        "31\xa0Jan\xa02026): these controls move value and cost only."
    )


def test_a_measure_without_a_value_moves_the_cost_only() -> None:
    assert _notes(_named("n") | {"task": "One named adviser"})["n"] == (
        "A measure without a value in money: these controls move the cost only."
    )


def test_the_panel_says_when_the_data_covers_the_contracts_end() -> None:
    basis = _basis(_action("a", 50.0, "2026-03-31", 1.0) | {"task": "A"})
    assert panel_note(basis) == ""
    ended = dataclasses.replace(basis, contract_end=dt.date(2026, 1, 31))
    assert panel_note(ended).startswith(
        "The data covers the contract to its end (31\xa0Jan\xa02026): the Job outcomes figures "
        "are the actual and no control changes them"
    )


def test_the_benchmark_switch_names_its_rate_months_and_start() -> None:
    basis = _basis(_action("a", 50.0, "2026-03-31", 1.0) | {"task": "A"}, benchmarks=(EAST,))
    bench = dataclasses.replace(EAST, benchmark="west")
    names = {"east": "East Hub", "west": "West Hub"}
    assert benchmark_label(basis, bench, names) == (
        "East Hub (20% of contract over Nov\xa02025–Jan\xa02026) reaches West Hub's rate when the "
        "plan was set (80% over Nov\xa02025–Jan\xa02026) from Feb\xa02026, beyond the plan's own "
        "targets for it"
    )
