"""Notebooks 02 and 03 run by Papermill on a copy of the demo: the import path, no clicks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from assessment.engagement import load_engagement
from assessment.report import external_references
from assessment.runner import RunResult, run_engagement
from assessment.scoping import store as step3

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo" / "northshore"
# every person who gave intelligence in the demo: internal, never in the client's report
SOURCES = ("Grace Mensah", "Liam Doyle", "Daniel Price", "Karen Holt", "Ruth Adeyemi",
           "Mo Farouk", "Martin Fox", "Ann Walsh")  # fmt: skip


@pytest.fixture(scope="module")
def northshore_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    engagement = tmp_path_factory.mktemp("steps") / "northshore"
    ignore = shutil.ignore_patterns("runs", "work", "*.sqlite*")
    shutil.copytree(DEMO, engagement, ignore=ignore)
    return run_engagement(engagement)


def text_of(notebook: Path) -> dict[str, str]:
    """Cell id -> everything the cell showed, as text without tags."""
    cells = nbformat.read(notebook, as_version=4).cells
    out = {}
    for cell in cells:
        if cell.cell_type == "code":
            shown = [o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])]
            out[cell.id] = re.sub(r"<[^>]+>", " ", " ".join(shown))
    return out


def store_counts(folder: Path) -> dict[str, int]:
    with step3.open_store(load_engagement(folder)) as store:
        tables = ("intelligence_notes", "scope_areas", "scope_items", "scope_activities",
                  "scope_agreements")  # fmt: skip
        return {t: store.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


@pytest.mark.notebook
def test_step2_shows_the_imported_intelligence(northshore_run: RunResult) -> None:
    cells = text_of(northshore_run.folder / "02_intelligence.ipynb")
    assert "01_intelligence.xlsx" in cells["in-02"]
    assert "Grace Mensah" in cells["in-04"]  # internal: the consultant sees who said it
    assert "Supported by local knowledge: 3" in cells["in-08"]
    assert "Challenged by local knowledge: 2" in cells["in-08"]
    assert "Daniel Price" not in cells["in-10"]  # the shareable basis of the opinion
    assert "Customer journey consistency" in cells["in-13"]


@pytest.mark.notebook
def test_step3_costs_the_plan_and_shows_the_agreed_version(northshore_run: RunResult) -> None:
    cells = text_of(northshore_run.folder / "03_scoping.ipynb")
    # by hand: Alex 6 + 1 + 2 days x 950, Priya 6 + 1 days x 780, Tom 5 days x 560
    assert "21.0 days of work, costing £16,810" in cells["sc-10"]
    assert "Within the budget of £20,000: £3,190 left" in cells["sc-10"]
    assert "Scope agreed: version 2" in cells["sc-12"]
    executed = nbformat.read(northshore_run.folder / "03_scoping.ipynb", as_version=4)
    [timetable] = [c for c in executed.cells if c.get("id") == "sc-08"]
    assert "aw-chart" in timetable.outputs[0]["data"]["text/html"]  # the Gantt chart


@pytest.mark.notebook
def test_report_shows_what_we_agreed_never_who_said_what(northshore_run: RunResult) -> None:
    html = northshore_run.report.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "What we agreed to look at" in html
    assert "version 2, agreed by Helen Carter" in html
    text = html.replace("&#x27;", "'").replace("&#39;", "'")
    assert "A reconciliation of every site's caseload" in text
    assert "Westfield House's caseload, with" not in text  # version 1's item, replaced
    for name in SOURCES:
        assert name not in html, name


@pytest.mark.notebook
def test_rerunning_the_notebooks_duplicates_nothing(northshore_run: RunResult, tmp_path) -> None:
    folder = northshore_run.folder.parents[1]
    before = store_counts(folder)
    assert before == {"intelligence_notes": 10, "scope_areas": 4, "scope_items": 4,
                      "scope_activities": 16, "scope_agreements": 2}  # fmt: skip
    for name in ("02_intelligence.ipynb", "03_scoping.ipynb"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / name),
            str(tmp_path / name),
            parameters={"engagement_dir": str(folder)},
            kernel_name="python3",
            progress_bar=False,
        )
    assert store_counts(folder) == before
