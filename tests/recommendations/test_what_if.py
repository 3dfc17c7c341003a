"""Saved scenarios in the store, the static table and the served panel, on step 5's fixture.

The published plan (conftest): a1 lifts North Hub's job outcomes from 30 % to 50 % of its 20 a
month by 30 Sep 2025, 4 days at £950 = £3,800, £1,500 a job. The contract (40 a month) ends
31 Dec 2025; base camp is 55 % (Apr-Jun 2025). Agreed: 20 points x 20 jobs x 3 months (Oct-Dec)
x £1,500 = £18,000; the contract gains 20 x 20 / 40 = 10 points: 65 % a month from October.
Every level is the report's: over the three months to its month, the actual where the data
(January to June 2025) covers them: July to September stay at June's 55 % (22 of 40 a month),
October to December 26 a month, so 65 % over Oct-Dec 2025.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest

from assessment.errors import InputError
from assessment.recommendations import publishing as pub
from assessment.recommendations.scenario_store import load_basis, save_scenario, saved_scenarios
from assessment.recommendations.scenarios import Lever, Scenario, project
from assessment.recommendations.what_if import WhatIfPanel, scenarios_for_client, what_if_panel
from assessment.store import Store


@pytest.fixture
def published(saved: Callable):
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    return engagement


def test_the_basis_is_read_from_the_published_plan(published) -> None:
    basis = load_basis(published)
    assert basis is not None
    assert (basis.base_pct, basis.contract_units) == (pytest.approx(55.0), 40.0)
    agreed = project(basis, Scenario())
    assert agreed.value == pytest.approx(18_000)
    assert agreed.cost == pytest.approx(3_800)
    assert agreed.end_level == pytest.approx(65.0)
    assert agreed.end_period.label() == "Oct–Dec\xa02025" and not agreed.end_actual
    # the months the data covers are the report's actual levels, whatever the scenario
    assert basis.data_to == dt.date(2025, 6, 30)
    # North Hub (30 %) could reach South Hub's 80 % from July, the month after the data ends
    assert [(b.site, b.baseline, b.rate, b.units, b.by) for b in basis.benchmarks] == [
        ("north", 30.0, 80.0, 20.0, dt.date(2025, 6, 30))
    ]


def test_a_saved_scenario_appears_in_the_static_table_beside_the_agreed_plan(published) -> None:
    slips = Scenario("MI pack slips", {"a1": Lever(share=50, delay=3)})
    save_scenario(published, slips, "Consultant", dt.date(2025, 7, 20))
    assert [(s.name, by) for s, by, _ in saved_scenarios(published)] == [
        ("MI pack slips", "Consultant")
    ]
    shown = scenarios_for_client(published).data
    # 40 % by 31 Dec 2025: nothing counts inside the contract, the level stays at 55 %
    assert "<td data-label='Scenario'><div>Agreed plan</div></td>" in shown
    assert "<th>Job outcomes, % of contracted target over Oct–Dec\xa02025 (projected)</th>" in shown
    assert "65%" in shown and "£18,000" in shown and "4.7 ×" in shown
    assert "MI pack slips" in shown and "Consultant, 20" in shown
    # what it moves, in the plan's words
    assert (
        "<li>Train North Hub advisers to follow South Hub&#x27;s journey: 50% of its target, "
        "3 months late</li>" in shown
    )
    assert "55%" in shown and "£0" in shown and "0.0 ×" in shown


def test_a_scenario_needs_a_name_and_known_actions(published) -> None:
    with pytest.raises(InputError) as error:
        save_scenario(published, Scenario("", {"zz": Lever()}), "", dt.date(2025, 7, 20))
    text = str(error.value)
    assert "give the scenario a name" in text and "zz" in text and "who saved it" in text
    assert saved_scenarios(published) == []


def test_the_panel_moves_the_figures_with_a_control(published) -> None:
    panel = what_if_panel(published)
    assert isinstance(panel, WhatIfPanel)
    shown = panel.output.value
    heading = "Job outcomes, % of contracted target over Oct–Dec\xa02025 (projected)"
    assert f"<th scope='row'>{heading}</th>" in shown
    assert "<td class='aw-projected' data-label='What if'>65%</td>" in shown
    assert "Roadmap position by 31\xa0Dec\xa02025 (The summit), over Oct–Dec\xa02025" in shown
    # per month, each over the three months to it: a1 due 30 Sep 2025 counts from October
    assert "each month over the 3 months to it, Jul–Dec\xa02025" in shown
    assert (
        "<th scope='row'>Sep\xa02025</th><td class='aw-agreed' data-label='Agreed plan'>55%"
        in shown
    )
    # October: (22 + 22 + 26) / 120 = 58.3 %; December: 78 / 120 = 65 %
    assert (
        "<th scope='row'>Oct\xa02025</th><td class='aw-agreed' data-label='Agreed plan'>58%"
        in shown
    )
    assert panel.left_out["a1"].description == "Leave this action out"
    assert panel.bench["north"].description == (
        "North Hub (30% of contract over Apr–Jun\xa02025) reaches South Hub's rate when the plan "
        "was set (80% over Apr–Jun\xa02025) from Jul\xa02025, beyond the plan's own targets for it"
    )
    started = time.perf_counter()
    panel.share["a1"].value = 50  # North to 40 %: the contract gains 5 points
    elapsed = time.perf_counter() - started
    assert "<td class='aw-agreed' data-label='Agreed plan'>65%</td>" in panel.output.value
    assert "<td class='aw-projected' data-label='What if'>60%</td>" in panel.output.value
    assert "<td class='aw-projected' data-label='What if'>£9,000</td>" in panel.output.value
    assert "data-label='What if'>60%</td></tr></tbody></table>" in panel.output.value  # Dec
    assert elapsed < 5  # generous: a sanity bound, the benchmark measures the real figure
    panel.share["a1"].value = 100
    panel.bench["north"].value = True  # North at 80 % from July, 30 points above a1's 50 %
    assert panel.scenario().benchmark_sites == frozenset({"north"})
    # 6 more jobs a month from July (15 points): 70 %, and 80 % from October with a1
    assert "<td class='aw-projected' data-label='What if'>80%</td>" in panel.output.value
    # a1's £18,000 and 6 jobs x 6 months x £1,500 = £54,000
    assert "<td class='aw-projected' data-label='What if'>£72,000</td>" in panel.output.value


def test_a_plan_published_by_an_older_workbook_asks_to_publish_again(published) -> None:
    # the plan frame as an earlier workbook stored it: without the units the projection reads
    with Store(published.store_path) as store:
        old = store.frame("recommendations.plan").drop(columns=["units"])
        store.put_frames("recommendations", {"recommendations.plan": old})
    assert load_basis(published) is None
    shown = scenarios_for_client(published).data
    assert "publish it again" in shown and "No action plan published yet" not in shown
