"""What discovery shows: text with HTML or script is shown as text in every view and chart;
client views never carry a name; charts carry their data inline."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import pytest
from IPython.display import HTML

from assessment import chart_rendering
from assessment.discovery import charts, views
from assessment.discovery.analysis import evidence_counts, hypothesis_verdicts, suggest_findings
from assessment.discovery.confidentiality import client_view
from assessment.discovery.journey import (
    JourneyPerformance,
    compare_journeys,
    consistency_vs_performance,
    journey_consistency,
)
from assessment.discovery.models import evidence_frame, finding_frame, journey_frame
from assessment.discovery.validation import validate_evidence, validate_findings, validate_journey
from assessment.discovery.vocabulary import Vocabulary, default_vocabulary

from .conftest import evidence_item

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
NAMES = ["Ann Hostile", "Bob Hostile", "Cy Hostile"]


@pytest.fixture
def hypotheses() -> pd.DataFrame:
    return pd.DataFrame({"key": ["h1", "h2"], "title": [f"Title {SCRIPT}", "Plain"]})


@pytest.fixture
def evidence(vocab: Vocabulary) -> pd.DataFrame:
    rows = [
        evidence_item(
            id=f"e{n}",
            interviewee=name,
            role=f"Adviser {IMG}",
            source_type=source,
            text=f"Said by {name}: {SCRIPT}",
            shareable=True,
            bears_on=[{"hypothesis_key": "h1", "direction": "confirms"}],
        )
        for n, (name, source) in enumerate(
            zip(NAMES, ["one_to_one", "observation", "group_session"], strict=True)
        )
    ]
    return evidence_frame(validate_evidence(rows, vocab, {"h1", "h2"}))


@pytest.fixture
def journeys(vocab: Vocabulary) -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {"journey": "defined", "site": "ALL", "order": 1, "step": "Referral"},
        {"journey": "defined", "site": "ALL", "order": 2, "step": SCRIPT, "owner": IMG},
        {"journey": "current", "site": "north", "order": 1, "step": SCRIPT, "duration_days": 3},
        {"journey": "current", "site": "south", "order": 1, "step": "Referral"},
        {"journey": "current", "site": "east", "order": 1, "step": "Referral"},
        {"journey": "proposed", "site": "north", "order": 1, "step": f"New {IMG}"},
    ]
    return journey_frame(validate_journey(rows, vocab))


def assert_escaped(output: HTML | str) -> None:
    text = output.data if isinstance(output, HTML) else output
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text or "&lt;img" in text


def test_every_consultant_view_shows_html_as_text(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame, journeys: pd.DataFrame, vocab: Vocabulary
) -> None:
    verdicts = hypothesis_verdicts(evidence, hypotheses)
    consistency = journey_consistency(journeys)
    to_date = pd.DataFrame(
        {"site": ["north", "south", "east"], "measure": "jobs", "pct_of_target": [110.0, 70, 50]}
    )
    relation = consistency_vs_performance(consistency, to_date, "jobs")
    today = journeys[(journeys["journey"] == "current") & (journeys["site"] == "north")]
    proposed = journeys[journeys["journey"] == "proposed"]
    comparison = compare_journeys(today, proposed)
    findings = finding_frame(
        validate_findings(
            [{"heading": "resources", "statement": SCRIPT, "evidence_ids": ["e0"]}],
            vocab,
            {"e0"},
        )
    )
    suggestions = suggest_findings(verdicts, evidence, vocab)
    for output in [
        views.evidence_table(evidence, vocab),
        views.verdict_table(verdicts, vocab),
        views.verdict_callout(verdicts),
        views.journey_table(journeys, vocab),
        views.comparison_table(comparison),
        views.comparison_callout(comparison),
        views.findings_table(findings, vocab),
        views.suggestions_table(suggestions, vocab),
    ]:
        assert_escaped(output)
    # views with no free text of their own still render
    assert "North Hub" in views.consistency_table(consistency, vocab).data
    # every site shares one step of two with the defined journey: none follows it, no spread
    said = views.performance_callout(relation).data
    assert "No site follows a defined journey (80% of its steps, in order)" in said
    assert "too few sites to say" in said
    assert "Items" in views.counts_table(evidence_counts(evidence), vocab, ["heading"]).data


def test_the_consultants_log_names_interviewees(evidence: pd.DataFrame, vocab: Vocabulary) -> None:
    shown = views.evidence_table(evidence, vocab).data
    assert "Ann Hostile" in shown  # the report never: test_client
    assert ">nan<" not in shown and ">None<" not in shown  # no interviewee: a blank cell


def spec_of(chart: Any) -> dict[str, Any]:
    return chart.to_dict()


def all_data(spec: dict[str, Any]) -> list[Any]:
    """Every ``data`` entry anywhere in a spec."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "data":
                found.append(value)
            found += all_data(value)
    elif isinstance(spec, list):
        for value in spec:
            found += all_data(value)
    return found


def test_charts_carry_inline_data_and_render_scripts_as_text(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame, journeys: pd.DataFrame, vocab: Vocabulary
) -> None:
    consistency = journey_consistency(journeys)
    to_date = pd.DataFrame(
        {"site": ["north", "south", "east"], "measure": "jobs", "pct_of_target": [110.0, 70, 50]}
    )
    today = journeys[(journeys["journey"] == "current") & (journeys["site"] == "north")]
    proposed = journeys[journeys["journey"] == "proposed"]
    made = [
        charts.evidence_heatmap(evidence_counts(evidence), vocab),
        charts.evidence_heatmap(evidence_counts(evidence), vocab, "site", "source_type"),
        charts.verdict_bars(hypothesis_verdicts(evidence, hypotheses)),
        charts.consistency_scatter(
            consistency_vs_performance(consistency, to_date, "jobs"), vocab.sites
        ),
        charts.journey_side_by_side(compare_journeys(today, proposed)),
    ]
    for chart in made:
        spec = spec_of(chart)
        assert spec["datasets"], "charts carry their data inline"
        assert not any("url" in d for d in all_data(spec) if isinstance(d, dict))
        page = chart_rendering.chart_html(chart)
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        for name in NAMES:
            assert name not in json.dumps(spec)


def test_heatmap_cells_follow_the_methods_order(evidence: pd.DataFrame, vocab: Vocabulary) -> None:
    spec = spec_of(charts.evidence_heatmap(evidence_counts(evidence), vocab))
    (values,) = spec["datasets"].values()
    assert values == [
        {
            "row_label": "Customer experience",
            "column_label": "Delivery method",
            "items": 3,
            "shown": "3",
        }
    ]
    y_sort = spec["layer"][0]["encoding"]["y"]["sort"]
    assert y_sort[:2] == ["Customer experience", "Leadership & MI"]


def test_verdict_bars_put_refutations_left(vocab: Vocabulary) -> None:
    verdicts = pd.DataFrame(
        {
            "title": ["A"],
            "verdict": ["mixed"],
            "weak": [False],
            "confirms": [2],
            "refutes": [3],
        }
    )
    (values,) = spec_of(charts.verdict_bars(verdicts))["datasets"].values()
    assert [(v["direction"], v["items"]) for v in values] == [("Confirms", 2), ("Refutes", -3)]


def test_every_view_copes_with_nothing_captured_yet(vocab: Vocabulary) -> None:
    evidence = evidence_frame([])
    journeys = journey_frame([])
    hypotheses = pd.DataFrame({"key": ["h1"], "title": ["One"]})
    verdicts = hypothesis_verdicts(evidence, hypotheses)
    consistency = journey_consistency(journeys)
    to_date = pd.DataFrame({"site": ["north"], "measure": ["jobs"], "pct_of_target": [90.0]})
    relation = consistency_vs_performance(consistency, to_date, "jobs")
    view = client_view(evidence, 3)
    assert relation.sites.empty and view.quotes.empty
    for output in [
        views.evidence_table(evidence, vocab),
        views.verdict_table(verdicts, vocab),
        views.verdict_callout(verdicts),
        views.suggestions_table(suggest_findings(verdicts, evidence, vocab), vocab),
        views.consistency_table(consistency, vocab),
        views.performance_callout(relation),
        views.comparison_callout(compare_journeys(journeys, journeys)),
    ]:
        assert output.data.startswith("<")
    assert spec_of(charts.evidence_heatmap(evidence_counts(evidence), vocab))["datasets"]


def test_performance_and_comparison_callouts_say_the_numbers() -> None:
    sites = pd.DataFrame({"site": ["north", "south"], "follows_defined": [True, False]})
    said = views.performance_callout(JourneyPerformance(sites, 0.9, 120.0, 70.0, 0.037, 5)).data
    assert "(80% of its steps, in order): 120% of target on average; the others: 70%." in said
    assert (
        "Rank correlation (Spearman) of consistency and performance across 5 sites: +0.90 " in said
    )
    assert "(p = 0.04: more than chance)" in said
    few = views.performance_callout(JourneyPerformance(sites, math.nan, 120.0, 70.0, math.nan, 3))
    assert "too few sites to say (3 with both figures" in few.data
    today = journey_frame(
        validate_journey(
            [
                {"site": "north", "order": 1, "step": "Referral", "duration_days": 10},
                {"site": "north", "order": 2, "step": "Assessment", "duration_days": 5},
            ],
            default_vocabulary({"north": "North"}),
        )
    )
    said = views.comparison_callout(compare_journeys(today, today.iloc[1:])).data
    assert "Steps: 2 today, 1 proposed (removed: Referral)." in said
    assert "15.0 days today, 5.0 proposed: 10.0 days saved." in said


def test_a_suppressed_cell_of_the_client_heatmap_is_a_dash_never_a_zero(
    vocab: Vocabulary,
) -> None:
    rows = [
        evidence_item(id=name, interviewee=name, dimensions=dims)
        for name, dims in [("A", ["morale", "culture"]), ("B", ["morale"]), ("C", ["morale"])]
    ]
    view = client_view(evidence_frame(validate_evidence(rows, vocab, set())), 3)
    spec = spec_of(charts.evidence_heatmap(view.by_heading_dimension, vocab))
    (values,) = spec["datasets"].values()
    # morale: A, B, C = 3 people, shown; culture: A alone, suppressed
    assert {v["column_label"]: (v["items"], v["shown"]) for v in values} == {
        "Morale": (3, "3"),
        "Culture": (None, "–"),
    }


def test_a_weak_confirmed_verdict_says_how_both_hold() -> None:
    verdicts = pd.DataFrame(
        {
            "title": ["Eastgate Centre at 27%", "Harbour is the benchmark"],
            "verdict": ["confirmed", "confirmed"],
            "weak": [True, False],
        }
    )
    lines = views.verdict_callout(verdicts).data
    assert "Confirmed (2): Eastgate Centre at 27% (one kind of source so far); Harbour" in lines
    assert "The verdict stands, but rests on one kind of source" in lines
    assert "before it becomes a finding: Eastgate Centre at 27% (confirmed)" in lines
