"""Where a contract stands: headline figures from the store, the roadmap stage, the index row."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd
from readable_text import plain

from assessment.batch.index import render_index
from assessment.batch.summary import (
    PERFORMANCE_FRAME,
    RAG_RULE,
    BatchSummary,
    ContractReport,
    Standing,
    due_stage,
    roadmap_rag,
    standing,
)
from assessment.periods import MONTHS_FRAME, month_table
from assessment.roadmap_state import RoadmapState, StageState
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
    # without step 1's months the figure to date is base camp: Camp 1 (55%) lies below it
    assert (found.pct_of_target, found.stage, found.next_stage) == (62.0, "Base camp", "Camp 2")
    assert [(s.name, s.passed) for s in found.stages][:2] == [
        ("Camp 1", True),
        ("Base camp", False),
    ]


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
    assert '<li class="reached">Camp 1 55% (passed)</li>' in html
    assert '<li class="here">Base camp 62%</li>' in html and "next Camp 2 at 85%" in html
    assert "P &amp; Co" in html
    # the run's failure in words, and no machinery: no batch id, time stamp or worker count
    assert "Not refreshed: its latest run failed: 01_data_analysis.ipynb, cell 4." in html
    assert "b1" not in html and "worker" not in html and "succeeded" not in html


def _store_levels(folder: Path, actual: list[float]) -> None:
    """The contract's level, % of target, each month of Oct 2025-Jun 2026; base camp Oct-Dec."""
    months = pd.date_range("2025-10-01", "2026-06-01", freq="MS")
    by_period = pd.DataFrame(
        {"site": "ALL", "measure": "job_outcomes", "period": months, "actual": actual}
    ).assign(target=100.0)
    snapshot = pd.DataFrame({"key": ["k"], "period_to": ["2025-12-31"]})
    table = month_table(
        months, dt.date(2024, 1, 1), dt.date(2026, 12, 31), None, dt.date(2026, 11, 29)
    )
    with Store(folder / "workbook.sqlite") as store:
        store.put_frames(
            "data_analysis",
            {
                "data_analysis.performance_by_period": by_period,
                "data_analysis.opinion_snapshot": snapshot,
                MONTHS_FRAME: table,
            },
        )


def test_the_index_places_the_contract_by_the_one_roadmap_state(tmp_path: Path) -> None:
    # base camp: Oct-Dec 2025 at 40 % (the first extract's last three months); now: Apr-Jun
    # 2026 at 90 %: Camp 2 reached, the summit next, each level named by its months
    folder = copy_engagement(tmp_path / "acme", "Acme")
    _store_performance(folder, actual=620, target=1000)
    _store_levels(folder, [40.0] * 3 + [60.0] * 3 + [90.0] * 3)
    found = standing(folder)
    assert found is not None
    assert (found.pct_of_target, found.recent_pct, plain(found.recent_period)) == (
        62.0,
        90.0,
        "Apr–Jun 2026",
    )
    assert (found.stage, found.next_stage) == ("Camp 2", "The summit")
    # what the index may add up across contracts: the level's own months and counts
    assert (plain(found.level_period), found.level_actual, found.level_target) == (
        "Apr–Jun 2026",
        270.0,
        300.0,
    )
    # its figures are as of June 2026; no stage of this roadmap carries a date: none is due yet
    assert (found.data_to, found.due_stage, found.rag) == ("2026-06", None, "green")
    assert plain(found.roadmap) == (
        "Base camp: 40% of contract over Oct–Dec 2025. Now 90% of contract over Apr–Jun 2026: "
        "Camp 2 reached; next The summit at 100%."
    )


def test_the_highlighted_stage_of_a_contract_above_its_summit_is_the_summit(
    tmp_path: Path,
) -> None:
    # Riverside: base camp 122% over Oct-Dec 2025, now 107% over Apr-Jun 2026: the row says
    # "above the summit (100%): hold it", so the chip it highlights is the summit, not base camp
    folder = copy_engagement(tmp_path / "acme", "Acme")
    _store_performance(folder, actual=620, target=1000)
    _store_levels(folder, [122.0] * 3 + [110.0] * 3 + [107.0] * 3)
    found = standing(folder)
    assert found is not None and found.stage == "The summit"
    report = ContractReport(key="acme", folder=str(folder), status="succeeded", standing=found)
    summary = BatchSummary(
        portfolio="P",
        file="p.yaml",
        batch_id="b1",
        started_at="t0",
        finished_at="t1",
        seconds=1.0,
        executor="local",
        workers=1,
        counts={"succeeded": 1, "failed": 0, "skipped": 0},
        index=str(tmp_path / "index.html"),
        contracts=[report],
    )
    html = render_index(summary, tmp_path)
    assert html.count('<li class="here">') == 1
    assert '<li class="here">The summit 100% (passed)</li>' in html
    assert '<li class="">Base camp 122%</li>' in html
    assert "Now 107% of contract over Apr–Jun 2026: above the summit (100%): hold it." in plain(
        html
    )


def _state(now_pct: float) -> RoadmapState:
    def stage(name: str, pct: float, when: dt.date | None, base: bool = False) -> StageState:
        return StageState(name, pct, when, base, False, base or now_pct >= pct)

    stages = (
        stage("Base camp", 36.0, dt.date(2026, 2, 28), base=True),
        stage("Camp 1", 55.0, dt.date(2026, 6, 30)),
        stage("Camp 2", 85.0, dt.date(2026, 9, 30)),
        stage("The summit", 100.0, None),
    )
    return RoadmapState("Job outcomes", stages, 36.0, None, now_pct, None)


def test_rag_against_the_level_the_roadmap_plans_for_now() -> None:
    assert roadmap_rag(55.0, 55.0) == "green"  # on the roadmap
    assert roadmap_rag(70.0, None) == "green"  # no stage due yet
    assert roadmap_rag(45.1, 55.0) == "amber"  # 9.9 points behind
    assert roadmap_rag(45.0, 55.0) == "red"  # 10 points behind
    assert roadmap_rag(None, 55.0) is None  # no level: no colour
    state = _state(54.0)
    assert due_stage(state, dt.date(2026, 5, 31)) is None  # base camp is not a stage to reach
    assert due_stage(state, dt.date(2026, 6, 30)) == ("Camp 1", 55.0)  # due 30 June
    assert due_stage(state, None) is None
    # 54% with Camp 1 (55%) due by the data's last day: a point behind, amber
    assert roadmap_rag(state.level, 55.0) == "amber"


def _contract(
    key: str, rag: str, actual: float, target: float, recent: str = "Jan–Mar 2026"
) -> ContractReport:
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
            period="Jan 2025–Mar 2026",
            stage="Camp 1",
            data_to="2026-03",
            due_stage="Camp 1",
            due_pct=55.0,
            rag=rag,
            level_period=recent,
            level_actual=actual / 10,
            level_target=target / 10,
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
        contracts=[
            _contract("north", "amber", 300, 600),
            _contract("south", "green", 90, 100),
            _contract("west", "red", 100, 400, recent="Oct–Dec 2025"),
        ],
    )
    html = render_index(summary, tmp_path)
    assert escape(RAG_RULE) in html
    assert "Reports refreshed 29 Nov 2026, 11:33 UTC." in html
    assert '<span class="rag amber">Amber</span>' in html
    assert '<span class="rag green">Green</span>' in html
    assert "Planned by Mar\u00a02026: Camp 1, <span" in html
    # totals add up one measure over the same months only, and name them: north and south over
    # Jan-Mar 2026, 39 of 70 = 55.7%, shown as 56%; west's data end in December: its own tile.
    # Figures to date (each contract's own months) are never summed.
    assert (
        "<b>56%</b><span>Job outcomes over Jan–Mar 2026, 2 contracts together: 39 of 70 "
        "contracted</span>" in html
    )
    assert "<b>25%</b><span>Job outcomes over Oct–Dec 2025, West: 10 of 40" in html
    assert "Recent months, added up across the contracts of one measure" in html
    assert "to date across" not in html and "500 of 1,100" not in html
    assert "Figures as of Mar\u00a02026" in html and "Jan 2025–Mar 2026" in html
    assert "20261129-113220-1149" not in html and "T11:33" not in html and "worker" not in html
