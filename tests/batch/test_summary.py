"""Where a contract stands: headline figures from the store, the roadmap stage, the index row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assessment.batch.index import render_index
from assessment.batch.summary import (
    PERFORMANCE_FRAME,
    TRAJECTORY_FRAME,
    BatchSummary,
    ContractReport,
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
    assert '<li class="here">Camp 1 55%</li>' in html and "next: Camp 2" in html
    assert "P &amp; Co" in html


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
