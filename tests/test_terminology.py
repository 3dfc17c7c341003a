"""The client's words: a health provider's step 1 and cover never say "customer"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment import data_analysis as step1
from assessment.engagement import load_engagement
from assessment.presentation import cover
from assessment.terminology import reword, say, words

HEALTH_TERMS = """\
terminology:
  customer: patient
  adviser: clinician
  site: clinic
  outcome: Discharged well
"""


@pytest.fixture
def health(engagement_dir: Path) -> Path:
    path = engagement_dir / "engagement.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "desired_outcome: Customers move into sustained employment",
        "desired_outcome: Patients are discharged well",
    )
    # the headline KPI as a health provider names it: an event, not a noun ("Discharged well")
    text = text.replace("label: Job outcomes\n", "label: Discharged well\n    unit: patients\n")
    path.write_text(text + HEALTH_TERMS, encoding="utf-8")
    # surely little time with patients at South Hub (0 of 40, interval 0-8.8%): the opinion
    # speaks of it
    rows = "".join(
        f"0{2 + i % 3}/01/2024 {9 + i // 6:02d}:{i % 6 * 10:02d},South Hub,Adviser,Waiting\n"
        for i in range(40)
    )
    sampling = engagement_dir / "inputs" / "work_sampling.csv"
    sampling.write_text(sampling.read_text(encoding="utf-8") + rows, encoding="utf-8")
    return engagement_dir


def test_say_fills_the_clients_words_in_any_case(health: Path) -> None:
    engagement = load_engagement(health)

    assert say("Time with the {customer}; {Customers} by {site}", engagement) == (
        "Time with the patient; Patients by clinic"
    )
    assert words(engagement).outcome == "Discharged well"
    assert words().outcome == "Successful Customer Outcome"
    assert words().advisers == "advisers"


def test_plurals_default_sensibly(engagement_dir: Path) -> None:
    path = engagement_dir / "engagement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "terminology:\n  customer: family\n  site: branch\n",
        encoding="utf-8",
    )

    chosen = words(load_engagement(engagement_dir))

    assert (chosen.customers, chosen.sites) == ("families", "branches")


def readable(chart: object) -> str:
    """What a client reads in a chart: its titles, subtitles, axis and legend titles, tooltips.

    Field names and data keys ("site", "site_name") are ours, not words a client reads.
    """
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "subtitle", "text") and isinstance(value, str | list):
                    found.extend([value] if isinstance(value, str) else map(str, value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(chart.to_dict())
    return "\n".join(found)


def test_step1_speaks_of_clinics_in_every_section_a_client_reads(health: Path) -> None:
    engagement = load_engagement(health)
    extracts = step1.read_inputs(engagement)
    result = step1.analyse(engagement, extracts)
    flow_plan = [
        step1.flow_plan_intro(engagement),
        step1.flow_plan_assumptions(result, engagement),
        step1.flow_plan_table(result, engagement),
        step1.flow_plan_months_table(result, engagement),
        step1.flow_plan_capacity_table(result, engagement),
        step1.flow_plan_levers_table(result, engagement),
    ]
    html = [
        *[shown.data for shown in flow_plan if shown is not None],
        step1.headline(result, engagement).data,
        step1.performance_table(result, engagement).data,
        step1.trend_table(result, engagement).data,
        step1.flow_table(result, engagement).data,
        step1.time_to_outcome_table(result, engagement).data,
        step1.sampling_table(result, engagement).data,
        step1.opinion_for_client(result).data,
    ]
    charts = [
        step1.performance_chart(result, engagement),
        step1.trend_chart(result, engagement),
        *step1.flow_charts(result, engagement),
        *step1.sampling_charts(result, engagement),
    ]
    flow_plan_chart = step1.flow_plan_chart(result, engagement)
    charts += [flow_plan_chart] if flow_plan_chart is not None else []
    text = "\n".join([re.sub(r"<[^>]+>", " ", page) for page in html] + list(map(readable, charts)))

    said = re.findall(r"[^\n]{0,40}\bsites?\b[^\n]{0,40}", text, flags=re.IGNORECASE)
    assert said == []
    assert "Flow plan: the on-flow each clinic needs" in text
    assert "by clinic" in readable(step1.sampling_charts(result, engagement)[0])
    assert any("by clinic" in readable(c) for c in step1.flow_charts(result, engagement))
    # the KPI is a noun where the sentence needs one: never "delivered 33 discharged well"
    # (the opinion's sentences: tests/data_analysis/test_opinion.py)
    assert "The contract has delivered 33 patients discharged well against a target of 45" in text
    assert not re.search(r"contracted discharged well|\d discharged well", text)


def test_step1_views_charts_and_cover_never_say_customer(health: Path) -> None:
    engagement = load_engagement(health)
    extracts = step1.read_inputs(engagement)
    result = step1.analyse(engagement, extracts)

    shown = [
        cover(engagement).data,
        step1.inputs_summary(engagement, extracts).data,
        step1.headline(result, engagement).data,
        step1.performance_table(result, engagement).data,
        step1.trend_table(result, engagement).data,
        step1.flow_table(result, engagement).data,
        step1.time_to_outcome_table(result, engagement).data,
        step1.littles_law_table(result, engagement).data,
        step1.sampling_table(result, engagement).data,
        step1.opinion_for_client(result).data,
        step1.performance_chart(result, engagement).to_json(),
        step1.trend_chart(result, engagement).to_json(),
        *[chart.to_json() for chart in step1.flow_charts(result, engagement)],
        *[chart.to_json() for chart in step1.sampling_charts(result, engagement)],
    ]

    text = "\n".join(shown)
    # our own column and key names (customer_id) are not words a client reads
    said = re.findall(r"[^\n]{0,40}customer(?!_id)[^\n]{0,40}", text, flags=re.IGNORECASE)
    assert said == []
    assert "Discharged well" in shown[0]
    assert "Delivery clinics" in shown[0]
    assert "Patients" in step1.flow_charts(result, engagement)[0].to_json()
    assert "With the patient" in shown[8]
    assert "Little time with patients at South Hub" in shown[9]


@pytest.mark.notebook
def test_the_health_demos_report_never_says_customer(tmp_path: Path) -> None:
    import shutil

    from assessment.runner import run_engagement

    demo = Path(__file__).resolve().parents[1] / "data" / "demo" / "brookside"
    folder = tmp_path / "brookside"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("runs", "work", "*.sqlite*"))

    report = run_engagement(folder).report.read_text(encoding="utf-8")

    assert "customer" not in report.casefold()
    assert "Patients" in report and "Discharged well" in report
    assert "Hilltop Clinic" in report
    # step 1 only: no section of a later step, each named once under What comes next
    assert "not yet" not in report.casefold() and "No action plan" not in report
    assert "Interim report: data analysis" in report
    assert report.count(">What comes next</h2>") == 1
    assert report.count("<strong>Recommendations</strong>") == 1
    assert "Camp 1" not in report  # no roadmap agreed yet


def test_forms_speak_the_clients_words(health: Path) -> None:
    from assessment.discovery.editors import journey_editor

    form = journey_editor(load_engagement(health), interactive=True)

    labels = [widget.description for widget in form.fields.values()]
    assert "Clinic" in labels and "Site" not in labels
    assert reword("Customer feedback from each site", load_engagement(health)) == (
        "Patient feedback from each clinic"
    )
    assert "Patient journeys: one step at a time" in form.widget.children[0].value
