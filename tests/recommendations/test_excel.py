"""The action plan in Excel: export, the client's status updates read back, bad sheets refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.engagement import Engagement
from assessment.errors import InputError
from assessment.recommendations import excel
from assessment.recommendations import publishing as pub
from assessment.recommendations import store as db

from .conftest import action


@pytest.fixture
def exported(saved: Callable, tmp_path: Path) -> tuple[Engagement, Path]:
    """The test plan (a1 and a2), published and exported."""
    engagement = saved(acts=[action(), action(id="a2", site="south", target=80.0)])
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    return engagement, excel.export_plan(engagement, tmp_path / "plan.xlsx")


def edit(path: Path, cells: dict[str, object], delete_column: int | None = None) -> None:
    """Change cells of the 'Action plan' sheet (and delete a column), as the client would."""
    book = load_workbook(path)
    sheet = book[excel.SHEET]
    for ref, value in cells.items():
        sheet[ref] = value
    if delete_column is not None:
        sheet.delete_cols(delete_column)
    book.save(path)


def statuses(engagement: Engagement) -> dict[str, tuple[str, str, dt.date | None]]:
    with db.open_store(engagement) as store:
        return {a.id: (a.status, a.status_note, a.status_date) for a in db.actions(store)}


def test_export_is_formatted_and_identical_on_every_run(
    exported: tuple[Engagement, Path], tmp_path: Path
) -> None:
    engagement, path = exported
    again = excel.export_plan(engagement, tmp_path / "again.xlsx")
    assert path.read_bytes() == again.read_bytes()
    sheet = load_workbook(path)[excel.SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Action id", "Action area", "Recommendation", "Specific task"]
    assert headers[-3:] == ["Status", "Status note", "Status date"]
    assert sheet.freeze_panes == "B2" and sheet["A1"].font.bold
    row = {h: c.value for h, c in zip(headers, sheet[2], strict=True)}
    assert row["Action id"] == "a1" and row["Baseline"] == "30%" and row["Target"] == "50%"
    assert row["Status"] == "Not started" and row["Target date"].date() == dt.date(2025, 9, 30)
    assert row["SMART check"].startswith("✓ Specific: a clear task, owned by North Hub manager")


def test_a_status_changed_in_the_file_is_imported_once(exported: tuple[Engagement, Path]) -> None:
    engagement, path = exported
    edit(path, {"O2": "On track", "P2": "Training booked", "Q2": "15/08/2025"})
    result = excel.import_status(engagement, path)
    assert (result.changed, result.unchanged) == (1, 1)
    assert statuses(engagement)["a1"] == ("on_track", "Training booked", dt.date(2025, 8, 15))
    assert excel.import_status(engagement, path).changed == 0  # idempotent


def test_a_removed_column_is_named_and_nothing_changes(exported: tuple[Engagement, Path]) -> None:
    engagement, path = exported
    before = statuses(engagement)
    edit(path, {"O2": "Done"}, delete_column=16)  # P: Status note
    with pytest.raises(InputError) as raised:
        excel.import_status(engagement, path)
    assert "plan.xlsx, sheet 'Action plan', row 1, 'Status note': column missing" in str(
        raised.value
    )
    assert statuses(engagement) == before


def test_a_changed_id_and_an_unknown_status_are_named_and_nothing_changes(
    exported: tuple[Engagement, Path],
) -> None:
    engagement, path = exported
    before = statuses(engagement)
    edit(path, {"O2": "Done", "A3": "a2-changed", "O3": "Nearly there", "Q3": "soon"})
    with pytest.raises(InputError) as raised:
        excel.import_status(engagement, path)
    text = str(raised.value)
    assert "row 3, 'Action id': unknown action id 'a2-changed'" in text
    assert "row 3, 'Status': unknown status 'Nearly there' (expected one of: Not started" in text
    assert "row 3, 'Status date': not a date: 'soon'" in text
    assert statuses(engagement) == before  # row 2's valid change is not applied either


def test_a_file_without_the_plan_sheet_is_refused(engagement: Engagement, tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    excel.save_workbook(excel.Workbook(), path)
    with pytest.raises(InputError, match="no sheet 'Action plan'"):
        excel.import_status(engagement, path)
