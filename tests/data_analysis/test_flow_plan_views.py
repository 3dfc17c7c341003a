"""What the notebook and the report show of the flow plan, on the Northshore demo."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import data_analysis as step1
from assessment.data_analysis.flow_plan_report import contract_months
from assessment.engagement import load_engagement

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "northshore"


def _plain(html: str) -> str:
    """Table HTML with the cells' attributes (number class, phone labels) taken out."""
    return re.sub(r"<td[^>]*>", "<td>", html)


@pytest.fixture(scope="module")
def demo():
    engagement = load_engagement(DEMO)
    return engagement, step1.analyse(engagement, step1.read_inputs(engagement))


def test_assumptions_name_the_period_and_each_sites_rates(demo) -> None:
    engagement, result = demo
    text = step1.flow_plan_assumptions(result, engagement).data
    assert "The plan covers July to December 2026" in text
    assert "average of April to June 2026" in text
    assert "Eastgate Centre: 11.3% of starters get an outcome (95% interval" in text


def test_table_shows_needs_against_today_and_capacity(demo) -> None:
    engagement, result = demo
    html = _plain(step1.flow_plan_table(result, engagement).data)
    assert "Flow plan for July to December 2026" in html
    assert "<td>Eastgate Centre</td><td>975 (902–1,057)</td>" in html
    assert "<td>682</td>" in html  # Eastgate: short by 682 starts a month
    assert "Jul 2026" in html  # out of reach at the advisers' maximum caseload
    assert "(the average of April to June 2026)" in html


def test_capacity_table_by_littles_law(demo) -> None:
    engagement, result = demo
    html = _plain(step1.flow_plan_capacity_table(result, engagement).data)
    assert "at most 60 customers each" in html
    # Eastgate: 40 advisers, 975 starts a month × 5.6 months in service = 5,477 customers,
    # 137 each; 91 advisers at 60 each; 32 if time with customers rose from 7.0% to 20%.
    row = html[html.index("<td>Eastgate Centre</td>") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells == ["Eastgate Centre", "40", "1,647", "5,477", "41", "137", "91", "32"]


def test_months_table_says_by_how_much_each_month(demo) -> None:
    _, result = demo
    html = _plain(step1.flow_plan_months_table(result).data)
    for site in ("Eastgate Centre", "Westfield House"):
        assert f"<td>{site}</td><td>July 2026</td>" in html
        assert f"<td>{site}</td><td>August 2026</td>" in html
    assert "Harbour Street" not in html
    # Eastgate's 975 starts need 975 / 70.7% = 1,380 referrals.
    assert "<td>1,380</td>" in html


def test_chart_faces_needed_against_actual_per_site(demo) -> None:
    _, result = demo
    spec = step1.flow_plan_chart(result).to_dict()
    assert spec["facet"]["field"] == "site_name"
    # the contract's panel first, then the sites in the plan's order
    assert spec["facet"]["sort"] == [
        "Contract total",
        "Eastgate Centre",
        "Harbour Street",
        "Millbrook Road",
        "Westfield House",
    ]
    colour = spec["spec"]["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert colour == ["Starts needed", "Actual starts", "Today's starts continued"]
    assert spec["title"]["text"].startswith("Starts needed for the outcome target")


def test_levers_only_where_the_benchmark_difference_is_real(demo) -> None:
    _, result = demo
    html = step1.flow_plan_levers_table(result).data
    assert "fewer starts a month (at Harbour Street" in html
    levers = result.flow_plan_levers.set_index("site")
    assert levers.loc["eastgate", "conversion_real"]
    assert not levers.loc["harbour", "conversion_real"]


def test_a_health_providers_plan_never_says_customer_adviser_or_site(demo) -> None:
    from assessment.engagement_settings import Terminology

    engagement, _ = demo
    clinic = engagement.model_copy(
        update={"terminology": Terminology(customer="patient", adviser="clinician", site="clinic")}
    )
    result = step1.analyse(clinic, step1.read_inputs(clinic))
    shown = [
        step1.flow_plan_assumptions(result, clinic).data,
        step1.flow_plan_table(result, clinic).data,
        step1.flow_plan_months_table(result, clinic).data,
        step1.flow_plan_capacity_table(result, clinic).data,
        step1.flow_plan_levers_table(result, clinic).data,
        str(step1.flow_plan_chart(result, clinic).to_dict()["title"]),
        *result.hypotheses.loc[result.hypotheses["kind"] == "flow", "statement"],
        *result.hypotheses.loc[result.hypotheses["kind"] == "flow", "title"],
    ]
    text = " ".join(shown).lower()
    for word in ("customer", "adviser", " site"):
        assert word not in text, word
    assert "patients a month" in text and "clinicians" in text and "clinic" in text


def test_the_contracts_line_is_its_sites_sums_while_every_site_needs_starts() -> None:
    months = pd.DataFrame(
        {
            "site": ["a", "a", "b", "b"],
            "site_name": ["A", "A", "B", "B"],
            "period": pd.to_datetime(["2026-07-01", "2026-08-01"] * 2),
            "planned": [True] * 4,
            # b's August starts would convert after the contract end: no need that month
            "needed_starts": [10.0, 10.0, 5.0, float("nan")],
            "actual_starts": [float("nan")] * 4,
            "starts_today_continued": [7.0, 7.0, 3.0, 3.0],
        }
    )
    total = contract_months(months).set_index("period")
    assert total["site_name"].unique().tolist() == ["Contract total"]
    assert total.loc["2026-07-01", "needed_starts"] == 15
    assert np.isnan(total.loc["2026-08-01", "needed_starts"])  # not 10: that reads as a drop
    assert total["starts_today_continued"].tolist() == [10, 10]
    assert total["actual_starts"].isna().all()


def test_the_demo_charts_contract_panel_matches_the_plan_table(demo) -> None:
    _, result = demo
    total = contract_months(result.flow_plan_months)
    planned = total[total["planned"]].dropna(subset=["needed_starts"])
    assert planned["period"].dt.strftime("%Y-%m").tolist() == ["2026-07", "2026-08"]
    contract = result.flow_plan.set_index("site").loc["ALL"]
    assert planned["needed_starts"].round().tolist() == [round(contract["needed_starts"])] * 2
