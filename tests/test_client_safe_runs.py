"""A run folder keeps the client's part apart from the consultant's working papers.

Reproduces issue 15: the executed notebooks 02 and 04 (every interviewee's name, unshared
quotes, internal notes) sat beside report.html in ``runs/<id>/`` and the portfolio index linked
straight to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from faults import NOTEBOOKS, quick_executor

from assessment.batch.index import render_index
from assessment.batch.summary import BatchSummary, ContractReport
from assessment.run_folder import INTERNAL_BANNER_TAG
from assessment.runner import run_engagement
from assessment.stored_report import served_notebook


def test_the_run_folder_holds_the_client_part_and_working_papers_apart(
    engagement_dir: Path,
) -> None:
    run = run_engagement(engagement_dir, notebooks=NOTEBOOKS, executor=quick_executor)
    top = sorted(p.name for p in run.folder.iterdir())
    assert top == ["manifest.json", "report.html", "status.json", "working-papers"]
    papers = sorted((run.folder / "working-papers").iterdir())
    assert [p.name for p in papers] == ["01_step.internal.ipynb", "report.internal.ipynb"]
    for paper in papers:
        first = nbformat.read(paper, as_version=4).cells[0]
        assert INTERNAL_BANNER_TAG in first.metadata["tags"]
        assert "INTERNAL WORKING PAPER: not for the client" in first.source
    report = (run.folder / "report.html").read_text(encoding="utf-8")
    assert "INTERNAL WORKING PAPER" not in report  # the banner is the papers', not the report's
    served = served_notebook(papers[1])
    assert not any("INTERNAL WORKING PAPER" in str(c["source"]) for c in served["cells"])


def _summary(run_folder: Path) -> BatchSummary:
    contract = ContractReport(
        key="one",
        folder=str(run_folder.parents[1]),
        status="succeeded",
        run_id=run_folder.name,
        run_folder=str(run_folder),
        report=str(run_folder / "report.html"),
    )
    return BatchSummary(
        portfolio="P",
        file="portfolio.yaml",
        batch_id=run_folder.name,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        seconds=60,
        executor="local",
        workers=1,
        scheduler=None,
        counts={"succeeded": 1},
        index="index.html",
        contracts=[contract],
    )


def test_the_index_links_working_papers_only_when_asked(engagement_dir: Path) -> None:
    run = run_engagement(engagement_dir, notebooks=NOTEBOOKS, executor=quick_executor)
    base = engagement_dir.parent
    client = re.findall(r'href="([^"]+)"', render_index(_summary(run.folder), base))
    assert [Path(h).name for h in client] == ["report.html", "manifest.json"]
    internal = re.findall(
        r'href="([^"]+)"', render_index(_summary(run.folder), base, internal=True)
    )
    assert {Path(h).name for h in internal} >= {"01_step.internal.ipynb", "report.internal.ipynb"}
    assert all((base / h).exists() for h in internal)
