"""Capture sheets: idempotent import, older sheets never overwrite, bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment import entries
from assessment.capture import write_workbook
from assessment.errors import InputError
from assessment.intelligence import store as step2
from assessment.scoping import store as step3
from assessment.sheets import SHEETS, import_file, import_pending, write_engagement_sheet

NOTE = {
    "id": "note-1",
    "hypothesis_key": "Little time with customers at South Hub",  # by title, as people type it
    "stance": "supports",
    "source_name": "Pat Jones",
    "source_role": "Employment adviser",
    "site": "South Hub",
    "note": "Paperwork takes all morning",
    "recorded_on": "12/01/2026",
}
AREA = {"id": "area-1", "title": "Time with customers", "agreed": "yes"}
ITEM = {
    "id": "item-1",
    "area_id": "Time with customers",
    "title": "Observe a day",
    "deliverable": "Where the time goes",
}
ACTIVITY = {
    "id": "act-1",
    "title": "Observation, South Hub",
    "kind": "observation",
    "scope_item_id": "Observe a day",
    "site": "south",
    "person": "Lead Consultant",
    "start": dt.date(2025, 3, 3),
    "end": dt.date(2025, 3, 3),
    "days": 1,
}
AGREEMENT = {
    "id": "agree-1",
    "agreed_by": "Jo Client",
    "agreed_role": "Director",
    "agreed_on": "20/01/2025",
}


def sheet(tmp_path: Path, name: str = "capture.xlsx", **rows: list[dict]) -> Path:
    named = {k.replace("_", " ").capitalize(): v for k, v in rows.items()}
    return write_workbook(tmp_path / name, SHEETS, named)


def full_sheet(tmp_path: Path, name: str = "capture.xlsx", **changes: dict) -> Path:
    rows = {
        "Intelligence": [NOTE],
        "Scope areas": [AREA],
        "Scope items": [ITEM],
        "Activities": [ACTIVITY | changes.get("activity", {})],
        "Agreement": [AGREEMENT],
    }
    return write_workbook(tmp_path / name, SHEETS, rows)


def snapshot(engagement) -> dict[str, list]:
    with step3.open_store(engagement) as store:
        return {
            "notes": step2.notes(store),
            "areas": step2.areas(store),
            "items": step3.items(store),
            "activities": step3.activities(store),
            "agreements": [a.version for a in step3.agreements(store)],
        }


def test_import_resolves_names_and_twice_never_duplicates(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path)
    first = import_file(opinion_engagement, path)
    assert first.applied == {
        "Intelligence": 1,
        "Scope areas": 1,
        "Scope items": 1,
        "Activities": 1,
        "Agreement": 1,
    }
    once = snapshot(opinion_engagement)
    [note] = once["notes"]
    assert (note.hypothesis_key, note.site, note.recorded_on) == (
        "time-with-customer:south",
        "south",
        dt.date(2026, 1, 12),
    )
    assert once["items"][0].area_id == "area-1" and once["activities"][0].scope_item_id == "item-1"
    assert once["agreements"] == [1] and once["areas"][0].agreed is True
    second = import_file(opinion_engagement, path)
    assert second.applied == {} and sum(second.unchanged.values()) == 5
    assert snapshot(opinion_engagement) == once


def test_rows_without_ids_are_identified_by_content(opinion_engagement, tmp_path) -> None:
    path = sheet(tmp_path, intelligence=[NOTE | {"id": ""}, NOTE | {"id": "", "stance": "context"}])
    import_file(opinion_engagement, path)
    import_file(opinion_engagement, path)
    assert len(snapshot(opinion_engagement)["notes"]) == 2


def test_an_older_sheet_never_overwrites_later_edits(opinion_engagement, tmp_path) -> None:
    path = sheet(tmp_path, intelligence=[NOTE])
    import_file(opinion_engagement, path)
    with step2.open_store(opinion_engagement) as store:
        [note] = step2.notes(store)
        entries.save_one(store, step2.NOTES, note.model_copy(update={"note": "Edited later"}))
    import_file(opinion_engagement, path)  # the same (older) sheet again
    assert snapshot(opinion_engagement)["notes"][0].note == "Edited later"
    # a row changed in the sheet is new content: it updates its entry
    import_file(
        opinion_engagement, sheet(tmp_path, "v2.xlsx", intelligence=[NOTE | {"note": "New"}])
    )
    [note] = snapshot(opinion_engagement)["notes"]
    assert note.note == "New" and note.id == "note-1"


def test_engagement_sheet_prefills_entries_without_overwriting_edits(
    opinion_engagement, tmp_path
) -> None:
    import_file(opinion_engagement, sheet(tmp_path, intelligence=[NOTE]))
    offline = write_engagement_sheet(opinion_engagement, tmp_path / "offline.xlsx", blank_rows=3)
    with step2.open_store(opinion_engagement) as store:
        [note] = step2.notes(store)
        entries.save_one(store, step2.NOTES, note.model_copy(update={"note": "Edited later"}))
    book = load_workbook(offline)
    rows = list(book["Intelligence"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "note-1" and len(rows) == 4 and all(r[0] for r in rows)
    import_file(opinion_engagement, offline)
    assert snapshot(opinion_engagement)["notes"][0].note == "Edited later"


def test_pending_captures_are_imported_from_the_engagement_folder(opinion_engagement) -> None:
    full_sheet(opinion_engagement.root / "captures")
    shown = import_pending(opinion_engagement).data
    assert "capture.xlsx" in shown and "Intelligence: 1 new or changed" in shown
    again = import_pending(opinion_engagement).data
    assert "Intelligence: 0 new or changed, 1 already imported" in again


def assert_rejected(engagement, path: Path, *expected: str) -> None:
    before = snapshot(engagement)
    with pytest.raises(InputError) as caught:
        import_file(engagement, path)
    message = str(caught.value)
    for text in expected:
        assert text in message, message
    assert snapshot(engagement) == before


def test_missing_column_names_sheet_row_and_column(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path)
    book = load_workbook(path)
    book["Activities"].delete_cols(7)  # "Start"
    book.save(path)
    assert_rejected(
        opinion_engagement, path, "sheet 'Activities'", "row 1", "'Start'", "column missing"
    )


def test_unknown_hypothesis_key(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path)
    bad = sheet(
        tmp_path,
        "bad.xlsx",
        intelligence=[NOTE, NOTE | {"id": "n2", "hypothesis_key": "no-such:hypothesis"}],
    )
    import_file(opinion_engagement, path)
    assert_rejected(
        opinion_engagement,
        bad,
        "sheet 'Intelligence'",
        "row 4",
        "'Hypothesis'",
        "unknown value 'no-such:hypothesis'",
    )


def test_end_before_start(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path, activity={"end": dt.date(2025, 3, 1)})
    assert_rejected(
        opinion_engagement, path, "sheet 'Activities'", "row 3", "'End'", "is before the start"
    )


def test_negative_day_count(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path, activity={"days": -2})
    assert_rejected(
        opinion_engagement,
        path,
        "sheet 'Activities'",
        "row 3",
        "'Days'",
        "greater than 0",
        "got -2",
    )


def test_all_problems_at_once_and_nothing_written(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path, activity={"days": -2, "person": "Nobody"})
    assert_rejected(opinion_engagement, path, "'Days'", "'Team member'", "2 problems")
    assert snapshot(opinion_engagement)["notes"] == []  # the valid rows were not written either


def test_blank_template_has_every_sheet_and_hidden_ids() -> None:
    from assessment.paths import templates_dir

    book = load_workbook(templates_dir() / "capture" / "capture.xlsx")
    assert book.sheetnames == [
        "Read me",
        "Intelligence",
        "Scope areas",
        "Scope items",
        "Activities",
        "Agreement",
        "Evidence",  # discovery's sheets (step 4)
        "Journeys",
        "Findings",
        "Recommendations",  # step 5's sheets
        "Actions",
        "Publish",
    ]
    activities = book["Activities"]
    assert activities.column_dimensions["A"].hidden
    assert [c.value for c in activities[1]][:3] == ["id", "Activity", "Kind"]


def test_labels_people_type_are_accepted_for_choices(opinion_engagement, tmp_path) -> None:
    typed = NOTE | {"id": "n-label", "stance": "adds context", "site": "south hub"}
    activity = ACTIVITY | {"kind": "One-to-one interviews", "scope_item_id": None}
    import_file(opinion_engagement, sheet(tmp_path, intelligence=[typed], activities=[activity]))
    found = snapshot(opinion_engagement)
    assert (found["notes"][0].stance, found["notes"][0].site) == ("context", "south")
    assert found["activities"][0].kind == "interviews"


def test_an_unknown_kind_is_one_problem_not_two(opinion_engagement, tmp_path) -> None:
    path = full_sheet(tmp_path, activity={"kind": "picnic"})
    assert_rejected(opinion_engagement, path, "1 problem found", "'Kind'", "'picnic'")


def test_committed_blank_template_is_the_generators_output(tmp_path) -> None:
    from assessment.paths import templates_dir
    from assessment.sheets import write_template

    fresh = write_template(tmp_path / "capture.xlsx").read_bytes()
    assert fresh == (templates_dir() / "capture" / "capture.xlsx").read_bytes(), (
        "run: python -c 'from assessment.sheets import write_template; write_template()'"
    )


def test_scope_items_go_under_agreed_areas_only(opinion_engagement, tmp_path) -> None:
    rows = {
        "Scope areas": [AREA | {"agreed": "no"}],
        "Scope items": [ITEM],
    }
    path = write_workbook(tmp_path / "unagreed.xlsx", SHEETS, rows)
    assert_rejected(
        opinion_engagement,
        path,
        "sheet 'Scope items', row 3, 'Scope area'",
        "unknown value 'Time with customers' (expected one of: none yet)",
    )


def test_a_site_typed_by_its_alias_is_accepted(opinion_engagement, tmp_path) -> None:
    typed = NOTE | {"id": "n-alias", "site": "STH"}  # South Hub's alias in engagement.yaml
    activity = ACTIVITY | {"site": "northern", "scope_item_id": None}  # North Hub's, any case
    import_file(opinion_engagement, sheet(tmp_path, intelligence=[typed], activities=[activity]))
    found = snapshot(opinion_engagement)
    assert found["notes"][0].site == "south" and found["activities"][0].site == "north"
