"""The client report of the demo never names a person who gave evidence or intelligence.

Names are read from the run's own store (every interviewee of step 4, every source of step 2),
so the test follows the demo data: a name added to a capture sheet is checked automatically.
"""

from __future__ import annotations

import re
import sqlite3

import nbformat
import pytest

from assessment.run_folder import executed_notebook
from assessment.runner import RunResult

pytestmark = pytest.mark.notebook  # runs the demo's notebooks


def _people(run: RunResult) -> list[str]:
    """Every interviewee and intelligence source the demo's store holds."""
    store = run.folder.parents[1] / "workbook.sqlite"
    with sqlite3.connect(store) as db:
        interviewees = db.execute(
            "SELECT DISTINCT interviewee FROM discovery_evidence WHERE interviewee IS NOT NULL "
            "AND trim(interviewee) <> ''"
        ).fetchall()
        sources = db.execute("SELECT DISTINCT source_name FROM intelligence_notes").fetchall()
    return sorted({name for (name,) in interviewees + sources if name and name.strip()})


def _surname_pattern(name: str) -> re.Pattern[str]:
    # a full name, or the surname on its own as a whole word (first names alone may be common
    # words; surnames in the demo are distinctive)
    surname = name.split()[-1]
    return re.compile(rf"\b({re.escape(name)}|{re.escape(surname)})\b", re.IGNORECASE)


def test_the_demo_store_has_interviewees_to_hide(demo_report_run: RunResult) -> None:
    people = _people(demo_report_run)
    store = demo_report_run.folder.parents[1] / "workbook.sqlite"
    with sqlite3.connect(store) as db:
        (interviews,) = db.execute(
            "SELECT COUNT(*) FROM discovery_evidence WHERE source_type = 'one_to_one'"
        ).fetchone()
    assert interviews >= 30
    assert len(people) >= 10


def test_no_interviewee_or_source_name_anywhere_in_the_client_report(
    demo_report_run: RunResult,
) -> None:
    report = (demo_report_run.folder / "report.html").read_text(encoding="utf-8")
    executed = nbformat.read(
        executed_notebook(demo_report_run.folder, "report.ipynb"), as_version=4
    )
    shown = " ".join(
        str(output.get("data", {}))
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    for person in _people(demo_report_run):
        pattern = _surname_pattern(person)
        assert not pattern.search(report), f"{person} is named in report.html"
        assert not pattern.search(shown), f"{person} is named in the served report notebook"


def test_the_report_shows_findings_and_journeys_of_the_demo(demo_report_run: RunResult) -> None:
    report = (demo_report_run.folder / "report.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", report).split())
    assert re.search(r"<table class=.aw-table aw-findings", report)
    assert "Strong:" in text and "kinds of source" in text
    assert "Harbour Street" in text and "Follows the defined journey" in text
    assert "Cutting out the complexity for the customer:" in text and "days saved" in text
