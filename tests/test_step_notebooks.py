"""Notebooks 02 to 04 run by Papermill on a copy of the demo: the import path, no clicks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest
from readable_text import plain

from assessment.engagement import load_engagement
from assessment.run_folder import executed_notebook
from assessment.runner import RunResult, run_engagement
from assessment.scoping import store as step3
from assessment.static_report import external_references

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
    write_script_evidence(engagement / "captures")  # step 4: markup must show as text
    return run_engagement(engagement)


def text_of(notebook: Path) -> dict[str, str]:
    """Cell id -> everything the cell showed, as text without tags."""
    cells = nbformat.read(notebook, as_version=4).cells
    out = {}
    for cell in cells:
        if cell.cell_type == "code":
            shown = [o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])]
            out[cell.id] = plain(re.sub(r"<[^>]+>", " ", " ".join(shown)))
    return out


def store_counts(folder: Path) -> dict[str, int]:
    with step3.open_store(load_engagement(folder)) as store:
        tables = ("intelligence_notes", "scope_areas", "scope_items", "scope_activities",
                  "scope_agreements")  # fmt: skip
        return {t: store.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


@pytest.mark.notebook
def test_step2_shows_the_imported_intelligence(northshore_run: RunResult) -> None:
    cells = text_of(executed_notebook(northshore_run.folder, "02_intelligence.ipynb"))
    assert "01_intelligence.xlsx" in cells["in-02"]
    assert "Grace Mensah" in cells["in-04"]  # internal: the consultant sees who said it
    assert "Supported by local knowledge: 3" in cells["in-08"]
    assert "Challenged by local knowledge: 2" in cells["in-08"]
    assert "Daniel Price" not in cells["in-10"]  # the shareable basis of the opinion
    assert "Customer journey consistency" in cells["in-13"]


@pytest.mark.notebook
def test_step3_costs_the_plan_and_shows_the_agreed_version(northshore_run: RunResult) -> None:
    cells = text_of(executed_notebook(northshore_run.folder, "03_scoping.ipynb"))
    # by hand: Alex 6 + 1 + 2 days x 950, Priya 6 + 1 days x 780, Tom 5 days x 560
    assert "21.0 days of work, costing £16,810" in cells["sc-10"]
    assert "Within the budget of £20,000: £3,190 left" in cells["sc-10"]
    assert "Scope agreed: version 2" in cells["sc-12"]
    executed = nbformat.read(
        executed_notebook(northshore_run.folder, "03_scoping.ipynb"), as_version=4
    )
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


# -- step 4 ---------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def write_script_evidence(captures: Path) -> Path:
    """A capture sheet with one shareable evidence item whose text and role are markup."""
    from assessment.capture import write_workbook
    from assessment.discovery.sheets import SHEETS as DISCOVERY_SHEETS

    item = {"id": "xss", "source_type": "One-to-one interview", "site": "Harbour Street",
            "role": f"<b>{SCRIPT}</b>", "interviewee": "Zed Markup", "date": "20/02/2026",
            "text": SCRIPT, "heading": "Customer experience", "dimensions": "Culture",
            "sentiment": "Negative", "shareable": True}  # fmt: skip
    return write_workbook(captures / "99_markup.xlsx", DISCOVERY_SHEETS, {"Evidence": [item]})


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.notebook
def test_step4_imports_the_fieldwork_and_tests_the_hypotheses(northshore_run: RunResult) -> None:
    # one import rule: the first notebook to run (02) imports every capture sheet, 04 included
    first = flat(
        text_of(executed_notebook(northshore_run.folder, "02_intelligence.ipynb"))["in-02"]
    )
    assert "04_discovery.xlsx: Evidence: 61 new or changed, 0 already imported" in first
    assert "Journeys: 6 new or changed" in first
    executed_04 = executed_notebook(northshore_run.folder, "04_discovery.ipynb")
    cells = {k: flat(v) for k, v in text_of(executed_04).items()}
    assert "04_discovery.xlsx: Evidence: 0 new or changed, 61 already imported" in cells["di-03"]
    assert "62 evidence items" in cells["di-05"] and "Grace Mensah" in cells["di-05"]  # internal
    # 34 interviews of the demo and the markup item; 6 sessions, 12 observations
    for row in ("One-to-one interview 35", "Group work / team session 6", "Observation 12"):
        assert row in cells["di-07"], row
    verdicts = cells["di-09"]
    assert "Harbour Street is the benchmark on job outcomes Confirmed 11 0 5" in verdicts
    assert "Caseload data for Westfield House do not add up Confirmed 5 2 4" in verdicts
    assert "Untested" in verdicts and "weak: one kind of source" in verdicts
    journeys = cells["di-11"]
    assert "Harbour Street 7 5 51 100% 56% yes" in journeys
    assert "Eastgate Centre 9 4 63 44% 52% no" in journeys
    assert "Sites following the defined journey" in journeys
    assert "Eastgate Centre's journey today" in cells["di-13"].replace("&#x27;", "'")
    assert "Steps: 9 today, 5 proposed" in cells["di-13"] and "30.0 days saved" in cells["di-13"]
    assert "Only Harbour Street follows the contract" in cells["di-17"]
    executed = nbformat.read(
        executed_notebook(northshore_run.folder, "04_discovery.ipynb"), as_version=4
    )
    [saved] = [c for c in executed.cells if c.get("id") == "di-19"]
    shown = saved.outputs[0]["data"]
    assert "Stored 8 result tables for the report" in shown["text/plain"]  # no repr quotes
    assert shown["text/html"].startswith("<p class='aw-ok aw-done'>✓ Stored 8")


@pytest.mark.notebook
def test_step4_shows_markup_as_text_and_keeps_names_internal(northshore_run: RunResult) -> None:
    executed = nbformat.read(
        executed_notebook(northshore_run.folder, "04_discovery.ipynb"), as_version=4
    )
    shown = [
        str(value)
        for cell in executed.cells
        for output in cell.get("outputs", [])
        for value in output.get("data", {}).values()
    ]
    assert shown and not any(SCRIPT in text for text in shown)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in text for text in shown)
    folder = northshore_run.folder.parents[1]
    with step3.open_store(load_engagement(folder)) as store:
        names = {r[0] for r in store.query("SELECT DISTINCT interviewee FROM discovery_evidence")}
        names.discard(None)
        frames = [store.frame(n).to_csv() for n in store.frame_names("discovery")]
    assert "Grace Mensah" in names and "Zed Markup" in names and len(frames) >= 8
    html = northshore_run.report.read_text(encoding="utf-8")
    for name in names:
        assert not any(name in frame for frame in frames), name
        assert name not in html, name
    assert SCRIPT not in html
