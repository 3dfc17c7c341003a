"""The report fits the engagement's stage: steps not begun are left out and named once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assessment import data_analysis as step1
from assessment.data_analysis.client import data_quality_for_client, opinion_for_client
from assessment.engagement import load_engagement
from assessment.stage import (
    EngagementStage,
    engagement_stage,
    section,
    what_comes_next,
)
from assessment.store import Store


def test_a_fresh_engagement_has_begun_nothing_and_step1_makes_an_interim_report(
    engagement_dir: Path,
) -> None:
    engagement = load_engagement(engagement_dir)
    assert engagement_stage(engagement).begun == frozenset()

    step1.save(engagement, step1.analyse(engagement, step1.read_inputs(engagement)))

    stage = engagement_stage(engagement)
    assert stage.begun == frozenset({1})
    assert stage.title == "Interim report: data analysis"
    assert stage.page_title("Acme") == "Acme — Interim report: data analysis"
    assert stage.not_begun() == [2, 3, 4, 5]


def test_published_recommendations_make_the_full_report() -> None:
    stage = EngagementStage(frozenset({1, 2, 3, 4, 5}))

    assert stage.title == "Improvement assessment"
    assert stage.page_title("Acme") == "Acme: improvement assessment"
    assert what_comes_next(stage) == []


def test_a_step_not_begun_shows_nothing_and_is_never_rendered() -> None:
    calls = []

    def render(name: str) -> str:
        calls.append(name)
        return "content"

    early = EngagementStage(frozenset({1}))
    late = EngagementStage(frozenset({1, 2, 3, 4, 5}))

    assert section(early, "plan", render, "acme") == []
    assert calls == []
    shown = section(late, "plan", render, "acme")
    assert ">The action plan</h2>" in shown[0].data
    assert shown[1:] == ["content"] and calls == ["acme"]


def test_what_comes_next_names_each_step_once_in_the_clients_words(engagement_dir: Path) -> None:
    path = engagement_dir / "engagement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "terminology: {site: clinic}\n", encoding="utf-8"
    )

    (shown,) = what_comes_next(EngagementStage(frozenset({1, 2})), load_engagement(path.parent))

    text = shown.data
    assert ">What comes next</h2>" in text
    assert [text.count(f"<strong>{s}</strong>") for s in ("Scoping", "Discovery")] == [1, 1]
    assert "Recommendations" in text and "Intelligence" not in text
    assert "Data analysis" not in text


@pytest.fixture
def analysis(engagement_dir: Path):
    engagement = load_engagement(engagement_dir)
    result = step1.analyse(engagement, step1.read_inputs(engagement))
    checks = pd.DataFrame(
        [
            {"key": "dq:north", "kind": "data-quality", "title": "North's data do not add up",
             "statement": "Ramp-up.", "figures": {"ratio": 1.3}},
            {"key": "dq:south", "kind": "data-quality", "title": "South's data do not add up",
             "statement": "Exits missing.", "figures": {"ratio": 2.4}},
            {"key": "perf:south", "kind": "performance", "title": "South below contract",
             "statement": "60% of target.", "figures": {"pct_of_target": 60.0}},
        ]
    )  # fmt: skip
    frozen = {"hypotheses": checks, "opinion_snapshot": None}  # today's opinion only
    return engagement, type(result)(**{**result.__dict__, **frozen})


def test_only_material_data_checks_reach_the_opinion(analysis) -> None:
    _, result = analysis

    opinion = opinion_for_client(result).data

    assert "South below contract" in opinion
    assert "South&#x27;s data do not add up" in opinion or "South's data do not add up" in opinion
    assert "North" not in opinion  # off by 30%: ramp-up, appendix only


def test_every_data_check_is_in_the_appendix(analysis) -> None:
    engagement, result = analysis

    shown = "".join(part.data for part in data_quality_for_client(result, engagement))

    assert ">Appendix: data quality</h2>" in shown
    assert "North" in shown and "South" in shown and "below contract" not in shown


def test_no_appendix_without_a_data_check(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)
    result = step1.analyse(engagement, step1.read_inputs(engagement))
    result = type(result)(**{**result.__dict__, "hypotheses": result.hypotheses.iloc[0:0]})

    assert data_quality_for_client(result, engagement) == []


def test_a_store_without_later_steps_tables_is_step1_only(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)
    with Store(engagement.store_path) as store:
        store.put_frames("data_analysis", {"data_analysis.performance_to_date": pd.DataFrame()})

    assert engagement_stage(engagement).begun == frozenset({1})
