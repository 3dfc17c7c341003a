"""``assess plan export`` and ``assess plan import``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.cli import main
from assessment.recommendations import publishing as pub
from assessment.recommendations import store as db


def test_plan_export_then_import_a_status(
    saved: Callable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    path = tmp_path / "plan.xlsx"
    assert main(["plan", "export", str(engagement.root), str(path)]) == 0
    assert "Action plan for the client's tracking" in capsys.readouterr().out
    book = load_workbook(path)
    book["Action plan"]["O2"] = "Done"
    book.save(path)
    assert main(["plan", "import", str(engagement.root), str(path)]) == 0
    assert "plan.xlsx: 1 status(es) changed, 0 unchanged" in capsys.readouterr().out
    with db.open_store(engagement) as store:
        assert db.actions(store)[0].status == "done"


def test_plan_import_of_a_bad_sheet_fails_with_the_problem(
    saved: Callable, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engagement = saved()
    path = tmp_path / "plan.xlsx"
    main(["plan", "export", str(engagement.root), str(path)])
    book = load_workbook(path)
    book["Action plan"]["A2"] = "x9"
    book.save(path)
    assert main(["plan", "import", str(engagement.root), str(path)]) == 2
    assert "row 2, 'Action id': unknown action id 'x9'" in capsys.readouterr().err
