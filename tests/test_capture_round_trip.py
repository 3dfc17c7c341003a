"""``assess capture`` -> fill every sheet of steps 2 to 5 offline -> ``assess import``.

Every row typed in every registered sheet reaches the store, and a sheet with rows never
reports "no rows" (a step 5 sheet once was dropped that way, exit status 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessment import discovery, intelligence, recommendations, scoping
from assessment.cli import main
from assessment.discovery import store as evidence_tables
from assessment.errors import InputError
from assessment.recommendations import store as plan_tables
from assessment.scoping import store as scope_tables
from assessment.sheets import SHEETS, import_file

TYPED: dict[str, list[dict[str, Any]]] = {
    "Intelligence": [
        {
            "hypothesis_key": "Little time with customers at South Hub",
            "stance": "supports",
            "source_name": "Pat Jones",
            "source_role": "Employment adviser",
            "site": "South Hub",
            "note": "Paperwork takes all morning",
            "recorded_on": "12/01/2026",
        }
    ],
    "Scope areas": [{"title": "Time with customers", "agreed": "yes"}],
    "Scope items": [
        {"area_id": "Time with customers", "title": "Observe a day", "deliverable": "Time use"}
    ],
    "Activities": [
        {
            "title": "Observation, South Hub",
            "kind": "observation",
            "scope_item_id": "Observe a day",
            "site": "South Hub",
            "person": "Lead Consultant",
            "start": "03/03/2025",
            "end": "03/03/2025",
            "days": 1,
        }
    ],
    "Agreement": [{"agreed_by": "Jo Client", "agreed_role": "Director", "agreed_on": "20/01/2025"}],
    "Evidence": [
        {
            "source_type": "One-to-one interview",
            "site": "South Hub",
            "role": "Employment adviser",
            "interviewee": "Pat Jones",
            "date": "12/02/2026",
            "text": "Paperwork takes all morning.",
            "heading": "Resources",
            "dimensions": "Delivery method; morale",
            "sentiment": "Negative",
            "confirms": "Little time with customers at South Hub",
            "shareable": "yes",
        }
    ],
    "Journeys": [
        {"journey": "current", "site": "North Hub", "order": 1, "step": "Referral"},
        {"journey": "current", "site": "North Hub", "order": 2, "step": "Screening"},
    ],
    "Findings": [{"heading": "Resources", "statement": "Paperwork first."}],
    "Recommendations": [
        {
            "action_area": "Customer journey",
            "title": "One customer journey at every site",
            "finding_ids": "f1",
            "agreed": "yes",
            "agreed_by": "Client Director",
            "agreed_on": "10/07/2025",
        }
    ],
    "Actions": [
        {
            "recommendation_id": "One customer journey at every site",
            "task": "Train North Hub advisers to follow South Hub's journey",
            "measure": "Job outcomes",
            "site": "North Hub",
            "target": 50,
            "expected_outcome": "More North Hub customers into work",
            "owner": "North Hub manager",
            "set_on": "05/07/2025",
            "target_date": "30/09/2025",
            "stage": "Camp 1",
            "status": "On track",
        }
    ],
    "Publish": [{"published_by": "Consultant", "published_on": "12/07/2025"}],
}


def fill(path: Path, typed: dict[str, list[dict[str, Any]]]) -> None:
    """Type rows into the blank rows (with their ids) of each sheet, by the headers people see."""
    book = load_workbook(path)
    for spec in SHEETS:
        sheet = book[spec.name]
        headers = {cell.value: cell.column for cell in sheet[1]}
        titles = {name: title for name, title, _ in spec.columns()}
        blank = (
            r for r in range(3, sheet.max_row + 1) if all(c.value is None for c in sheet[r][1:])
        )
        for row in typed.get(spec.name, []):
            number = next(blank)
            for name, value in row.items():
                sheet.cell(row=number, column=headers[titles[name]], value=value)
    book.save(path)


def stored(engagement) -> dict[str, int]:
    """How many entries of each sheet's kind the store holds."""
    with scope_tables.open_store(engagement) as store:
        return {
            "Intelligence": len(intelligence.intelligence_notes(store)),
            "Scope areas": len(intelligence.scope_areas(store)),
            "Scope items": len(scope_tables.items(store)),
            "Activities": len(scope_tables.activities(store)),
            "Agreement": len(scope_tables.agreements(store)),
            "Evidence": len(evidence_tables.evidence_records(store)),
            "Journeys": len(evidence_tables.journeys(store)),
            "Findings": len(evidence_tables.finding_records(store)),
            "Recommendations": len(plan_tables.recommendations(store)),
            "Actions": len(plan_tables.actions(store)),
            "Publish": len(plan_tables.requests(store)),
        }


def test_every_registered_sheet_of_steps_2_to_5_is_written() -> None:
    steps = (intelligence, scoping, discovery, recommendations)
    assert [s.name for s in SHEETS] == [s.name for step in steps for s in step.SHEETS]
    assert [s.name for s in SHEETS] == list(TYPED)


def test_capture_fill_import_puts_every_row_in_the_store(
    opinion_engagement, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, path = opinion_engagement.root, tmp_path / "offline.xlsx"
    assert main(["capture", str(root), str(path)]) == 0
    fill(path, TYPED)
    # a finding rests on the evidence typed beside it: its id is the row's hidden id
    evidence_id = load_workbook(path)["Evidence"]["A3"].value
    book = load_workbook(path)
    book["Findings"]["D3"] = evidence_id  # Evidence column of the first blank row
    recommendations_sheet = book["Recommendations"]
    finding_id = book["Findings"]["A3"].value
    recommendations_sheet["E3"] = finding_id
    book.save(path)
    capsys.readouterr()

    assert main(["import", str(root), str(path)]) == 0
    said = capsys.readouterr().out
    assert "no rows" not in said
    for sheet in ("Intelligence", "Evidence", "Findings", "Recommendations", "Actions", "Publish"):
        assert f"{sheet}: 1 new or changed, 0 already imported" in said
    assert "Journeys: 1 new or changed" in said  # one journey of two steps
    assert stored(opinion_engagement) == {name: len(rows) for name, rows in TYPED.items()}

    assert main(["import", str(root), str(path)]) == 0  # the same file again: nothing new
    again = capsys.readouterr().out
    assert "Actions: 0 new or changed, 1 already imported" in again
    assert stored(opinion_engagement) == {name: len(rows) for name, rows in TYPED.items()}


def test_a_capture_of_a_filled_store_prefills_every_step(opinion_engagement, tmp_path) -> None:
    first = tmp_path / "first.xlsx"
    main(["capture", str(opinion_engagement.root), str(first)])
    fill(first, {k: v for k, v in TYPED.items() if k != "Findings"})
    import_file(opinion_engagement, first)
    second = tmp_path / "second.xlsx"
    main(["capture", str(opinion_engagement.root), str(second)])
    book = load_workbook(second)
    for name in ("Intelligence", "Scope items", "Evidence", "Journeys", "Actions"):
        assert book[name]["B3"].value is not None, name  # the stored entries, pre-filled
    result = import_file(opinion_engagement, second)  # untouched: nothing is new
    assert sum(result.applied.values()) == 0
    assert result.unchanged["Actions"] == 1 and result.unchanged["Journeys"] == 1


def test_a_workbook_without_a_capture_sheet_is_refused_by_name(opinion_engagement, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    book = Workbook()
    book.active.title = "Budget"
    book.save(path)
    with pytest.raises(InputError, match=r"other\.xlsx: no capture sheet in this workbook"):
        import_file(opinion_engagement, path)


def test_a_step_5_sheet_alone_imports_its_rows(opinion_engagement, tmp_path, capsys) -> None:
    path = recommendations.write_sheet(
        tmp_path / "step5.xlsx",
        {"Recommendations": TYPED["Recommendations"], "Actions": TYPED["Actions"]},
    )
    assert main(["import", str(opinion_engagement.root), str(path)]) == 0
    said = capsys.readouterr().out
    assert "Recommendations: 1 new or changed" in said and "Actions: 1 new or changed" in said
    assert "no rows" not in said
    assert stored(opinion_engagement)["Actions"] == 1
