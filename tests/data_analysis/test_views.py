"""What step 1 shows on the demo: every comparison with its interval, and words a client reads."""

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from assessment import data_analysis as step1
from assessment.data_analysis import client
from assessment.engagement import load_engagement

NORTHSHORE = Path(__file__).resolve().parents[2] / "data" / "demo" / "northshore"


@pytest.fixture(scope="module")
def northshore():
    engagement = load_engagement(NORTHSHORE)
    return engagement, step1.analyse(engagement, step1.read_inputs(engagement))


def text(shown) -> str:
    return shown.data


def test_performance_table_gives_each_percentage_its_interval_and_verdict(northshore):
    engagement, result = northshore
    shown = text(step1.performance_table(result, engagement))
    assert "Actuals against contracted targets, Jan 2024–Jun 2026 (complete months" in shown
    # Harbour Street: 194 job outcomes against 159 (122%); Garwood interval on the dispersion.
    rows = re.findall(r"<tr>.*?</tr>", shown)
    row = next(r for r in rows if ">Job outcomes</td>" in r and ">Harbour Street</td>" in r)
    assert ">194</td>" in row and ">122% (90% to 161%)</td>" in row and ">ahead</td>" in row
    assert "<th>Against the rest of the contract</th>" in shown


def test_trend_table_states_direction_only_with_its_interval(northshore):
    _, result = northshore
    shown = text(step1.trend_table(result))
    harbour = result.trend.set_index("site").loc["harbour"]
    assert harbour["direction"] == "no clear trend"
    assert harbour["change_low"] < 0 < harbour["change_high"]
    assert "Apr–Jun 2026 against a year earlier" in shown
    assert "+53% (-46% to +333%)" in shown


def test_time_to_outcome_table_says_not_reached_and_gives_the_chances(northshore):
    engagement, result = northshore
    shown = text(step1.time_to_outcome_table(result, engagement))
    assert "not reached" in shown
    assert "everyone who started from Jan 2024 to Dec 2025, followed to 31 Dec 2025." in shown
    assert "so those who left count as having none" in shown
    assert ">Left without an outcome</th>" in shown and ">Still waiting</th>" in shown
    harbour = result.time_to_outcome.set_index("site").loc["harbour"]
    assert 0.35 < harbour["outcome_12m"] < 0.46


def test_the_survival_table_and_the_flow_plan_show_one_12_month_figure(northshore):
    # One estimate (cumulative incidence, leaving a competing event) behind both sections:
    # Eastgate's chance of an outcome within 12 months is 11.3% in each, with one interval.
    engagement, result = northshore
    eastgate = result.time_to_outcome.set_index("site").loc["eastgate"]
    rates = result.flow_plan_rates.set_index("site").loc["eastgate"]
    assert rates["outcome_rate"] == eastgate["outcome_12m"]
    assert (rates["outcome_low"], rates["outcome_high"]) == (
        eastgate["outcome_12m_low"],
        eastgate["outcome_12m_high"],
    )
    survival = re.sub(r"<td[^>]*>", "<td>", text(step1.time_to_outcome_table(result, engagement)))
    row = survival[survival.index("<td>Eastgate Centre</td>") :].split("</tr>")[0]
    assert "<td>11.3% (10.4% to 12.2%)</td>" in row
    plan = text(step1.flow_plan_assumptions(result, engagement))
    assert "Eastgate Centre: 11.3% of starters get an outcome (95% interval 10.4%–12.2%)" in plan


def test_flow_table_labels_the_window_ratio_and_the_cohort_rate(northshore):
    _, result = northshore
    shown = text(step1.flow_table(result))
    assert "Outcomes ÷ starts (same window)" in shown
    assert "Started Jan 2024–Dec 2024: outcome within 12 months (95% interval)" in shown
    contract = result.flow.set_index("site").loc["ALL"]
    assert round(contract["conversion_to_outcome"], 3) == 0.093
    assert round(contract["cohort_rate"], 3) == 0.109


def test_sampling_table_weights_the_contract_by_staff(northshore):
    _, result = northshore
    shown = text(step1.sampling_table(result))
    assert "Overall: weighted by staff." in shown
    contract = result.value_adding.set_index("site").loc["ALL"]
    assert 0.067 < contract["share"] < 0.069  # 7.0%, 19.9%, 8.2%, 5.5% weighted 40/3/5/45


def test_opinion_lists_strength_strongest_first(northshore):
    _, result = northshore
    shown = text(step1.opinion_table(result))
    assert "<th>Strength</th>" in shown
    strengths = [f["strength"] for f in result.hypotheses["figures"]]
    order = ["very strong", "strong", "moderate", "weak", "data check"]
    assert strengths == sorted(strengths, key=order.index)


def test_the_sites_behind_a_folded_hypothesis_follow_the_opinion(northshore):
    """A rule folded at many sites shows its table; the demo's four sites fold nothing."""
    _, result = northshore
    assert result.opinion_sites is not None and result.opinion_sites.empty
    assert "aw-opinion-sites" not in text(step1.opinion_table(result))
    sites = pd.DataFrame(
        {
            "rule": "conversion-gap:SITES",
            "rank": [1, 2],
            "key": ["conversion-gap:westfield", "conversion-gap:eastgate"],
            "site": ["westfield", "eastgate"],
            "site_name": ["Westfield House", "Eastgate Centre"],
            "title": "converts fewer",
            "figure": ["6%", "7%"],
            "p_value": [0.0, 0.0],
            "strength": "very strong",
        }
    )
    folded = replace(result, opinion_sites=sites)
    for shown in (text(step1.opinion_table(folded)), text(client.opinion_for_client(folded))):
        assert "aw-opinion-sites" in shown
        assert shown.index(">Westfield House</td>") < shown.index(">Eastgate Centre</td>")
        assert ">6%</td>" in shown
