"""``assess scenario save|list|delete`` on step 5's fixture (see test_what_if.py's docstring).

The published plan: a1 lifts North Hub's job outcomes from 30 % to 50 % of its 20 a month by
30 Sep 2025, £3,800; agreed, the contract (40 a month, ends 31 Dec 2025) reaches 65 % from base
camp's 55 %, worth £18,000. At 50 % of its target a1 lifts North to 40 %: 2 more jobs a month
(10 points of 20), the contract gains 2 / 40 = 5 points (60 %), worth £3,000 a month. Every level
is over the three months to the contract's last (Oct-Dec 2025), as the report's roadmap reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from assessment.cli import main
from assessment.errors import InputError
from assessment.recommendations import publishing as pub
from assessment.recommendations.scenario_store import saved_scenarios
from assessment.recommendations.scenario_text import parse_levers
from assessment.recommendations.scenarios import Lever


@pytest.fixture
def published(saved: Callable):
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    return engagement


def test_levers_parse_share_delay_and_leave_out() -> None:
    assert parse_levers(["a1=50,delay=3", "a2=75"], ["a3"]) == {
        "a1": Lever(share=50, delay=3),
        "a2": Lever(share=75),
        "a3": Lever(left_out=True),
    }


def test_every_malformed_lever_is_named_at_once() -> None:
    with pytest.raises(InputError) as error:
        parse_levers(["a1", "a2=150", "a3=50,late=2", "a4=10"], ["a4"])
    text = str(error.value)
    assert "4 problems found" in text
    assert "'a1': expected ID=PCT or ID=PCT,delay=MONTHS" in text
    assert "'a2=150': share of the target must be 0-100 %, got 150" in text
    assert "'a3=50,late=2': expected ID=PCT" in text
    assert "'a4': action moved twice" in text


def test_save_prints_the_figures_beside_the_agreed_plan_and_stores_it(
    published, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(published.root)
    args = ["scenario", "save", root, "Half of a1, late", "--by", "Consultant"]
    code = main([*args, "--action", "a1=50,delay=1", "--on", "2025-07-20"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Saved scenario 'Half of a1, late': a1 at 50 % of its target, 1 month late" in out
    main(["scenario", "save", root, "a1 late", "--by", "A", "--action", "a1=100,delay=2"])
    assert "Saved scenario 'a1 late': a1 2 months late" in capsys.readouterr().out
    assert "Job outcomes, % of contracted target over Oct–Dec\xa02025 (projected):" in out
    assert "agreed plan: 65% (" in out and "value £18,000, cost £3,800, return 4.7 ×" in out
    # a1 due 30 Oct 2025: counted from November, 2 months x 2 jobs x £1,500 = £6,000; over
    # Oct-Dec the contract delivers 22 + 24 + 24 of 120 = 58.3 %
    assert "Half of a1, late: 58% (" in out and "value £6,000, cost £3,800, return 1.6 ×" in out
    [(scenario, by, on), _] = saved_scenarios(published)  # by name: "Half..." before "a1 late"
    assert (scenario.name, by, on) == ("Half of a1, late", "Consultant", dt.date(2025, 7, 20))
    assert scenario.levers == {"a1": Lever(share=50, delay=1)}


def test_save_again_replaces_then_list_and_delete(
    published, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(published.root)
    main(["scenario", "save", root, "Without a1", "--by", "A", "--action", "a1=20"])
    main(["scenario", "save", root, "Without a1", "--by", "B", "--leave-out", "a1"])
    main(["scenario", "save", root, "North at benchmark", "--by", "B", "--site-benchmark", "north"])
    capsys.readouterr()
    assert main(["scenario", "list", root]) == 0
    listed = capsys.readouterr().out
    assert "North at benchmark (saved by B, " in listed
    assert "North Hub reaches the benchmark's rate" in listed
    assert "Without a1 (saved by B, " in listed and "a1 left out" in listed
    assert "20 %" not in listed  # replaced, not added
    assert main(["scenario", "delete", root, "Without a1"]) == 0
    assert [s.name for s, _, _ in saved_scenarios(published)] == ["North at benchmark"]


def test_bad_levers_fail_with_every_problem_and_save_nothing(
    published, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(published.root)
    args = ["scenario", "save", root, "Bad", "--by", "A", "--action", "zz=50"]
    code = main([*args, "--site-benchmark", "south"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'zz': not an action of the published plan (a1)" in err
    assert "'south': no benchmark to reach" in err and "sites that can: north" in err
    assert saved_scenarios(published) == []


def test_delete_of_an_unknown_name_lists_the_saved_ones(
    published, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(published.root)
    main(["scenario", "save", root, "Kept", "--by", "A", "--leave-out", "a1"])
    capsys.readouterr()
    assert main(["scenario", "delete", root, "Gone"]) == 2
    assert "'Gone': no scenario of that name ('Kept')" in capsys.readouterr().err


def test_save_before_a_plan_is_published_says_so(
    saved: Callable, capsys: pytest.CaptureFixture[str]
) -> None:
    engagement = saved()
    code = main(["scenario", "save", str(engagement.root), "Early", "--by", "A"])
    assert code == 2
    assert "No action plan published yet: publish it (notebook 05)" in capsys.readouterr().err
    assert main(["scenario", "list", str(engagement.root)]) == 0
    assert "No scenario saved for" in capsys.readouterr().out
