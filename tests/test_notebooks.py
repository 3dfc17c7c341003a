"""The real notebooks: committed thin and clean, and executed by Papermill on the demo."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from assessment.errors import RunFailed
from assessment.paths import notebooks_dir
from assessment.run_folder import executed_notebook
from assessment.runner import run_engagement, run_status
from assessment.static_report import external_references

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
DEMO = ROOT / "data" / "demo" / "northshore"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path: Path) -> None:
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell holds parameters"
    assert "engagement_dir" in code[0].source
    for cell in code:
        tree = ast.parse(cell.source)
        defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert not defined, f"{path.name}: no def or class in notebooks (put it in assessment/)"
        loops = [n for n in ast.walk(tree) if isinstance(n, ast.For | ast.While)]
        assert not loops, f"{path.name}: no loops in notebooks: call a tested function"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    """The demo engagement run once, on a copy, through `assess run`'s code path."""
    engagement = tmp_path_factory.mktemp("demo") / "northshore"
    shutil.copytree(DEMO, engagement, ignore=shutil.ignore_patterns("runs", "*.sqlite*"))
    return run_engagement(engagement)


@pytest.mark.notebook
def test_demo_run_succeeds_with_its_files(demo_run) -> None:
    assert run_status(demo_run.folder) == "succeeded"
    names = {p.name for p in demo_run.folder.iterdir()}
    assert names == {"working-papers", "report.html", "manifest.json", "status.json"}
    papers = {p.name for p in (demo_run.folder / "working-papers").iterdir()}
    assert {"01_data_analysis.internal.ipynb", "report.internal.ipynb"} <= papers
    manifest = json.loads((demo_run.folder / "manifest.json").read_text())
    roles = {i["role"] for i in manifest["inputs"]}
    extracts = {"engagement.yaml", "kpi", "kpi update 1", "caseload", "work_sampling"}
    captures = {f"capture {p.name}" for p in (DEMO / "captures").glob("*.xlsx")}
    assert roles == extracts | captures
    assert "capture 01_intelligence.xlsx" in roles  # a capture sheet is an input of the run
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


@pytest.mark.notebook
def test_demo_report_shows_the_four_sites_offline(demo_run) -> None:
    html = demo_run.report.read_text(encoding="utf-8")
    assert external_references(html) == []
    for site in ("Harbour Street", "Millbrook", "Eastgate", "Westfield"):
        assert site in html
    # performance, flow and work-sampling sections with their figures
    for text in (
        "Performance against contract",
        "% of target",
        "Referral → start",
        "With the customer",
    ):
        assert text in html
    assert html.count('class="aw-chart"') + html.count("class='aw-chart'") >= 6
    assert "def " not in html and "import " not in html.split("<script")[0]
    assert "Provenance" in html and demo_run.run_id in html


@pytest.mark.notebook
def test_demo_report_shows_the_flow_plan_with_its_period_and_monthly_gaps(demo_run) -> None:
    html = demo_run.report.read_text(encoding="utf-8")
    section = re.sub(
        r"<td[^>]*>", "<td>", html[html.index("Flow plan: the on-flow each site needs") :]
    )
    assert "The plan covers July to December 2026" in section
    assert "Flow plan for July to December 2026" in section
    assert (
        "Starts needed for the outcome target against actual starts, for the contract and by site"
        in section
    )
    # Eastgate and Westfield: short each month whose starts still convert, by how much
    for site, short in (("Eastgate Centre", "682"), ("Westfield House", "1,056")):
        for month in ("July 2026", "August 2026"):
            row = f"<td>{site}</td><td>{month}</td>"
            assert row in section
            assert f">{short}</td>" in section.split(row)[1].split("</tr>")[0]
    opinion = html[html.index("Initial opinion") :]
    assert "Eastgate Centre starts too few customers for its target" in opinion
    assert "Westfield House starts too few customers for its target" in opinion


@pytest.mark.notebook
def test_executed_notebook_stored_hypotheses(demo_run) -> None:
    executed = nbformat.read(
        executed_notebook(demo_run.folder, "01_data_analysis.ipynb"), as_version=4
    )
    last = executed.cells[-1].outputs[0]["data"]["text/plain"]
    assert "hypotheses" in last and "Stored" in last


@pytest.mark.notebook
def test_failing_cell_marks_the_run_failed(tmp_path: Path, make_engagement) -> None:
    folder = make_engagement(tmp_path)
    broken = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('engagement_dir = ""\nrun_dir = ""\nrun_id = ""')
    parameters.metadata["tags"] = ["parameters"]
    broken.cells = [parameters, nbformat.v4.new_code_cell("1 / 0")]
    broken.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    notebook = tmp_path / "99_broken.ipynb"
    nbformat.write(broken, notebook)
    with pytest.raises(RunFailed) as caught:
        run_engagement(folder, run_id="r1", notebooks=[notebook])
    message = str(caught.value)
    assert "99_broken.ipynb" in message and "ZeroDivisionError" in message and "cell" in message
    failed = folder / "runs" / "r1.failed"
    assert run_status(failed) == "failed"
    assert not (folder / "runs" / "r1").exists()
    status = json.loads((failed / "status.json").read_text())
    assert status["notebook"] == "99_broken.ipynb" and status["cell_index"] == 2


@pytest.mark.notebook
def test_assess_run_command_writes_the_report(tmp_path: Path, capsys) -> None:
    from assessment.cli import main

    engagement = tmp_path / "northshore"
    shutil.copytree(DEMO, engagement, ignore=shutil.ignore_patterns("runs", "*.sqlite*"))
    assert main(["run", str(engagement), "--quiet"]) == 0
    printed = capsys.readouterr().out
    report = Path(printed.split("Report: ")[1].strip())
    assert report.is_file() and report.parent.parent == engagement / "runs"
    assert "Harbour Street" in report.read_text(encoding="utf-8")
    assert run_status(report.parent) == "succeeded"
