"""``assess plan export`` writes an owner or outcome typed as a formula as plain text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from spreadsheet_checks import PAYLOADS, formulas_in

from assessment.cli import main
from assessment.recommendations import excel

from .conftest import action


def test_plan_export_writes_owasp_payloads_as_text(saved: Callable, tmp_path: Path) -> None:
    acts = [
        action(id=f"a{n}", owner=payload, expected_outcome=payload)
        for n, payload in enumerate(PAYLOADS, start=1)
    ]
    engagement = saved(acts=acts)
    path = tmp_path / "plan.xlsx"
    assert main(["plan", "export", str(engagement.root), str(path)]) == 0
    assert formulas_in(path) == []
    sheet = load_workbook(path)[excel.SHEET]
    headers = [c.value for c in sheet[1]]
    owners = [row[headers.index("Owner")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(owners) == sorted(p.strip() for p in PAYLOADS)  # entries are stored stripped
    # and the client's file comes back in: the ids and statuses still match
    assert main(["plan", "import", str(engagement.root), str(path)]) == 0
