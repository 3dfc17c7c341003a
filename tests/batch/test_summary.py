"""Where a contract stands: headline figures from the store, the roadmap stage, the index row."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from assessment.batch.index import render_index
from assessment.batch.summary import (
    PERFORMANCE_FRAME,
    PERIODS_FRAME,
    RAG_RULE,
    ROADMAP_FRAME,
    TRAJECTORY_FRAME,
    BatchSummary,
    ContractReport,
    Standing,
    due_stage,
    roadmap_rag,
    standing,
)
from assessment.store import Store

from .conftest import copy_engagement


def _store_performance(folder: Path, actual: float, target: float) -> None:
    frame = pd.DataFrame(
        {
            "site": ["central", "ALL", "ALL"],
            "measure": ["job_outcomes", "job_outcomes", "referrals"],
            "actual": [1.0, actual, 500.0],
            "target": [2.0, target, 400.0],
            "pct_of_target": [50.0, 100 * actual / target, 125.0],
        }
    )
    with Store(folder / "workbook.sqlite") as store:
        store.put_frames("data_analysis", {PERFORMANCE_FRAME: frame})


def test_standing_reads_the_headline_kpi_from_the_store(tmp_path: Path) -> None:
    folder = copy_engagement(tmp_path / "acme", "Acme <Trust>")
    assert standing(folder) is None  # nothing stored yet
    _store_performance(folder, actual=620, target=1000)
    found = standing(folder)
    assert found is not None
    assert (found.client, found.kpi, found.actual, found.target) == (
        "Acme <Trust>",
        "job_outcomes",
        620.0,
        1000.0,
    )
    assert (found.pct_of_target, found.stage, found.next_stage) == (62.0, "Camp 1", "Camp 2")


def test_index_row_is_escaped_and_shows_figures_and_stage(tmp_path: Path) -> None:
    folder = copy_engagement(tmp_path / "acme", "Acme <script>alert(1)</script>")
    _store_performance(folder, actual=620, target=1000)
    report = ContractReport(
        key="acme",
        folder=str(folder),
        status="failed",
        notebook="01_data_analysis.ipynb",
        cell=4,
        error="ValueError: <b>bad</b>",
        standing=standing(folder),
    )
    summary = BatchSummary(
        portfolio="P & Co",
        file="p.yaml",
        batch_id="b1",
        started_at="t0",
        finished_at="t1",
        seconds=1.0,
        executor="local",
        workers=2,
        counts={"succeeded": 0, "failed": 1, "skipped": 0},
        index=str(tmp_path / "index.html"),
        contracts=[report],
    )
    html = render_index(summary, tmp_path)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bad&lt;/b&gt;" in html and "01_data_analysis.ipynb, cell 4" in html
    assert "620 of 1,000" in html and "62%" in html
    assert '<li class="here">Camp 1 55%</li>' in html and "Next: Camp 2" in html
    assert "P &amp; Co" in html
    # the run's failure in words, and no machinery: no batch id, time stamp or worker count
    assert "Not refreshed: its latest run failed: 01_data_analysis.ipynb, cell 4." in html
    assert "b1" not in html and "worker" not in html and "succeeded" not in html


def test_a_published_plan_places_the_contract_by_its_recent_level(tmp_path: Path) -> None:
    # 62% to date is Camp 1; over the last three months (to June 2026) it delivered 90%: Camp 2,
    # as the client report's roadmap says once step 5 has published its plan
    folder = copy_engagement(tmp_path / "acme", "Acme")
    _store_performance(folder, actual=620, target=1000)
    trajectory = pd.DataFrame(
        {"period": pd.to_datetime(["2026-05-01", "2026-06-01"]), "pct": [70.0, 90.0]}
    )
    with Store(folder / "workbook.sqlite") as store:
        store.put_frames("recommendations", {TRAJECTORY_FRAME: trajectory})
    found = standing(folder)
    assert found is not None
    assert (found.pct_of_target, found.recent_pct, found.recent_to) == (62.0, 90.0, "2026-06")
    assert (found.stage, found.next_stage) == ("Camp 2", "The summit")


def test_rag_against_the_level_the_roadmap_plans_for_now() -> None:
    assert roadmap_rag(55.0, 55.0) == "green"  # on the roadmap
    assert roadmap_rag(70.0, None) == "green"  # no stage due yet
    assert roadmap_rag(45.1, 55.0) == "amber"  # 9.9 points behind
    assert roadmap_rag(45.0, 55.0) == "red"  # 10 points behind
    stages = [
        ("Base camp", 36.0, "2026-02-28"),
        ("Camp 1", 55.0, "2026-06-30"),
        ("Camp 2", 85.0, "2026-09-30"),
        ("The summit", 100.0, None),
    ]
    assert due_stage(stages, pd.Timestamp("2026-05-01")) == ("Base camp", 36.0)
    assert due_stage(stages, pd.Timestamp("2026-06-01")) == ("Camp 1", 55.0)  # due 30 June
    assert due_stage(stages, None) is None


def test_standing_carries_its_period_and_rag_from_the_published_roadmap(tmp_path: Path) -> None:
    # 54% over the three months to June 2026; the roadmap plans Camp 1 (55%) by 30 June: amber
    folder = copy_engagement(tmp_path / "acme", "Acme")
    _store_performance(folder, actual=620, target=1000)
    periods = pd.DataFrame(
        {"site": "ALL", "period": pd.to_datetime(["2024-01-01", "2026-06-01"]), "pct": 1.0}
    )
    roadmap = pd.DataFrame(
        {
            "name": ["Base camp", "Camp 1", "Camp 2", "The summit"],
            "pct": [36.0, 55.0, 85.0, 100.0],
            "date": ["2026-02-28", "2026-06-30", "2026-09-30", "2026-12-31"],
        }
    )
    trajectory = pd.DataFrame({"period": pd.to_datetime(["2026-06-01"]), "pct": [54.0]})
    with Store(folder / "workbook.sqlite") as store:
        store.put_frames("data_analysis", {PERIODS_FRAME: periods})
        store.put_frames("recommendations", {ROADMAP_FRAME: roadmap, TRAJECTORY_FRAME: trajectory})
    found = standing(folder)
    assert found is not None
    assert (found.period_from, found.period_to) == ("2024-01", "2026-06")
    assert (found.due_stage, found.due_pct, found.rag) == ("Camp 1", 55.0, "amber")


def _contract(key: str, rag: str, actual: float, target: float) -> ContractReport:
    return ContractReport(
        key=key,
        folder=key,
        status="succeeded",
        standing=Standing(
            client=key.title(),
            contract="Lot",
            kpi="job_outcomes",
            kpi_label="Job outcomes",
            actual=actual,
            target=target,
            pct_of_target=100 * actual / target,
            stage="Camp 1",
            period_from="2025-01",
            period_to="2026-03",
            due_stage="Camp 1",
            due_pct=55.0,
            rag=rag,
        ),
    )


def test_index_states_the_rule_totals_and_each_figure_with_its_period(tmp_path: Path) -> None:
    summary = BatchSummary(
        portfolio="P",
        file="p.yaml",
        batch_id="20261129-113220-1149",
        started_at="2026-11-29T11:32:20+00:00",
        finished_at="2026-11-29T11:33:02+00:00",
        seconds=42.0,
        executor="local",
        workers=2,
        counts={"succeeded": 2, "failed": 0, "skipped": 0},
        index=str(tmp_path / "index.html"),
        contracts=[_contract("north", "amber", 300, 600), _contract("south", "green", 90, 100)],
    )
    html = render_index(summary, tmp_path)
    assert escape(RAG_RULE) in html
    assert "Reports refreshed 29 Nov 2026, 11:33 UTC." in html
    assert '<span class="rag amber">Amber</span>' in html
    assert '<span class="rag green">Green</span>' in html
    # totals: 390 of 700 = 55.7%, shown as 56%
    assert "<b>56%</b>" in html and "390 of 700 contracted" in html
    assert "Figures as of Mar\u00a02026" in html and "Jan\u00a02025 to Mar\u00a02026" in html
    assert "20261129-113220-1149" not in html and "T11:33" not in html and "worker" not in html
