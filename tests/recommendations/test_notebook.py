"""Notebook 05 run by Papermill on a copy of the demo: the plan from capture sheets, no clicks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from assessment.run_folder import executed_notebook
from assessment.runner import RunResult, run_engagement

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "northshore"


@pytest.fixture(scope="module")
def northshore_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    engagement = tmp_path_factory.mktemp("step5") / "northshore"
    shutil.copytree(DEMO, engagement, ignore=shutil.ignore_patterns("runs", "work", "*.sqlite*"))
    return run_engagement(engagement)


def shown(run: RunResult, notebook: str = "05_recommendations.ipynb") -> dict[str, str]:
    """Cell id -> what a notebook (05 by default) showed, as text without tags or charts."""
    out = {}
    for cell in nbformat.read(executed_notebook(run.folder, notebook), as_version=4).cells:
        if cell.cell_type == "code":
            parts = [o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])]
            text = re.sub(r"<svg.*?</svg>|<script.*?</script>", " ", " ".join(parts), flags=re.S)
            out[cell.id] = re.sub(r"<[^>]+>", " ", text).replace("&#x27;", "'")
    return out


@pytest.mark.notebook
def test_notebook_05_shows_the_published_plan_and_the_roadmap(northshore_run: RunResult) -> None:
    cells = shown(northshore_run)
    # one import rule: the first notebook to run (02) imports every sheet in captures/
    first = shown(northshore_run, "02_intelligence.ipynb")["in-02"]
    assert "05_recommendations.xlsx: Recommendations: 4 new or changed" in first
    assert "06_action_status.xlsx: 4 status(es) changed" in first
    assert "Recommendations: 0 new or changed, 4 already imported" in cells["rc-02"]
    assert "06_action_status.xlsx: 0 status(es) changed" in cells["rc-02"]
    assert "ns-f1" in cells["rc-04"]
    assert "9 of 9 actions pass every rule" in cells["rc-10"]
    assert "Align advisers' targets to job outcomes" in cells["rc-12"]
    assert "Action plan published: version 1" in cells["rc-14"]
    # the one roadmap state, with the months of each level: Camp 1 was due by the data's end
    assert re.search(
        r"Base camp: \d+% of contract over Dec 2025–Feb 2026\. Camp 1 at 55% was due by "
        r"30 Jun 2026 and was not reached: \d+% of contract over Apr–Jun 2026",
        cells["rc-16"],
    )
    assert "Train every Eastgate adviser" in cells["rc-18"]
    assert "Re-key the exits of Westfield customers" in cells["rc-20"]
    executed = nbformat.read(
        executed_notebook(northshore_run.folder, "05_recommendations.ipynb"), as_version=4
    )
    [roadmap] = [c for c in executed.cells if c.get("id") == "rc-16"]
    assert any("aw-chart" in o.get("data", {}).get("text/html", "") for o in roadmap.outputs)
    [plan] = [c for c in executed.cells if c.get("id") == "rc-18"]
    assert "aw-action-plan" in plan.outputs[0]["data"]["text/html"]
