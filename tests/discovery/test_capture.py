"""Discovery's capture sheets: values as users see them, bad input named, nothing half-written.

The fixture engagement has sites North Hub (north) and South Hub (south) and three hypotheses
(``opinion_engagement`` in tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessment.capture import write_workbook
from assessment.discovery import store as tables
from assessment.discovery.models import TEXT_MAX
from assessment.discovery.sheets import SHEETS
from assessment.errors import InputError
from assessment.sheets import import_file, import_pending

ITEM: dict[str, Any] = {
    "id": "e1",
    "source_type": "One-to-one interview",  # labels, as people type them
    "site": "South Hub",
    "role": "Employment adviser",
    "interviewee": "Pat Jones",
    "date": "12/02/2026",
    "text": "Paperwork takes all morning.",
    "heading": "Resources",
    "dimensions": "Delivery method; morale",
    "sentiment": "Negative",
    "confirms": "Little time with customers at South Hub",  # a title, or a key
    "refutes": "perf-gap:north:job_outcomes",
    "shareable": "yes",
}
GROUP = ITEM | {
    "id": "e2",
    "source_type": "group_session",
    "role": "Advisers",
    "interviewee": None,
    "participants": 5,
    "confirms": "time-with-customer:south",
    "refutes": None,
    "shareable": "no",
}
STEPS = [
    {"journey": "current", "site": "North Hub", "order": 1, "step": "Referral", "owner": "Admin"},
    {"journey": "current", "site": "North Hub", "order": 2, "step": "Screening", "owner": "Adviser",
     "duration_days": 5, "value_adding": "yes"},
    {"journey": "defined", "site": "ALL", "order": 1, "step": "Referral"},
    {"journey": "defined", "site": "ALL", "order": 2, "step": "Screening"},
]  # fmt: skip
FINDING = {
    "id": "f1",
    "heading": "Resources",
    "statement": "Paperwork first.",
    "evidence_ids": "e1; e2",
}


def sheet(tmp_path: Path, name: str = "discovery.xlsx", **changes: Any) -> Path:
    """A discovery sheet of ITEM, GROUP, STEPS and FINDING, any sheet's rows replaced."""
    rows = {"Evidence": [ITEM, GROUP], "Journeys": STEPS, "Findings": [FINDING]}
    return write_workbook(tmp_path / name, SHEETS, rows | changes)


def snapshot(engagement) -> dict[str, Any]:
    with tables.open_store(engagement) as store:
        return {
            "evidence": [e.model_dump() for e in tables.evidence_records(store)],
            "journeys": tables.journeys(store).fillna(-1).to_dict("records"),  # NaN != NaN
            "findings": [f.model_dump() for f in tables.finding_records(store)],
        }


def test_import_stores_what_the_user_typed_as_keys(opinion_engagement, tmp_path) -> None:
    result = import_file(opinion_engagement, sheet(tmp_path))
    assert result.applied == {"Evidence": 2, "Journeys": 2, "Findings": 1}
    stored = snapshot(opinion_engagement)
    item = stored["evidence"][0]
    assert (item["source_type"], item["site"], item["heading"]) == (
        "one_to_one",
        "south",
        "resources",
    )
    assert item["date"] == dt.date(2026, 2, 12) and item["shareable"] is True
    assert item["dimensions"] == ["delivery_method", "morale"]
    assert item["bears_on"] == [
        {"hypothesis_key": "time-with-customer:south", "direction": "confirms"},
        {"hypothesis_key": "perf-gap:north:job_outcomes", "direction": "refutes"},
    ]
    assert stored["evidence"][1]["participants"] == 5
    north = [s for s in stored["journeys"] if s["journey"] == "current"]
    assert [(s["site"], s["order"], s["step"]) for s in north] == [
        ("north", 1, "Referral"),
        ("north", 2, "Screening"),
    ]
    assert north[1]["value_adding"] is True and north[1]["duration_days"] == 5.0
    assert stored["findings"][0]["evidence_ids"] == ["e1", "e2"]


def test_reimport_changes_nothing_and_never_overwrites_edits(opinion_engagement, tmp_path) -> None:
    path = sheet(tmp_path)
    import_file(opinion_engagement, path)
    with tables.open_store(opinion_engagement) as store:
        first = tables.evidence_records(store)[0]
        tables.update_evidence(
            store, opinion_engagement, [first.model_copy(update={"role": "Edited"})]
        )
        tables.replace_journeys(store, opinion_engagement, [STEPS[0] | {"step": "Edited"}])
    before = snapshot(opinion_engagement)
    again = import_file(opinion_engagement, path)
    assert again.applied == {"Evidence": 0, "Journeys": 0, "Findings": 0}
    assert again.unchanged == {"Evidence": 2, "Journeys": 2, "Findings": 1}
    assert snapshot(opinion_engagement) == before
    # a journey changed in a newer sheet replaces that journey whole, and nothing else
    newer = sheet(tmp_path, "v2.xlsx", Journeys=[STEPS[0] | {"step": "Referral call"}, *STEPS[2:]])
    import_file(opinion_engagement, newer)
    steps = snapshot(opinion_engagement)["journeys"]
    assert [s["step"] for s in steps if s["journey"] == "current"] == ["Referral call"]
    assert snapshot(opinion_engagement)["evidence"][0]["role"] == "Edited"


def problems_of(engagement, path: Path) -> str:
    before = snapshot(engagement)
    with pytest.raises(InputError) as caught:
        import_file(engagement, path)
    assert snapshot(engagement) == before  # nothing half-written
    return str(caught.value)


@pytest.mark.parametrize(
    ("sheet_name", "bad", "expected"),
    [
        ("Evidence", ITEM | {"heading": "Finance"},
         "sheet 'Evidence', row 3, 'Heading': unknown heading 'Finance'"),
        ("Evidence", ITEM | {"dimensions": "Morale; Weather"},
         "sheet 'Evidence', row 3, 'Dimensions': unknown dimension 'Weather'"),
        ("Evidence", ITEM | {"refutes": "no-such-hypothesis"},
         "sheet 'Evidence', row 3, 'Refutes': no hypothesis with key 'no-such-hypothesis'"),
        ("Evidence", ITEM | {"text": "x" * (TEXT_MAX + 1)},
         f"sheet 'Evidence', row 3, 'Comment or quote': String should have at most {TEXT_MAX} "
         f"characters (got {TEXT_MAX + 1} characters"),
        ("Evidence", ITEM | {"date": "31/02/2026"}, "sheet 'Evidence', row 3, 'Date':"),
        ("Journeys", [*STEPS, STEPS[1] | {"step": "Again"}],
         "sheet 'Journeys', row 7, 'Step order': step order 2 repeated in the current journey "
         "of north (first at row 4)"),
        ("Findings", [FINDING | {"evidence_ids": "e1; e9"}],
         "sheet 'Findings', row 3, 'Evidence': no evidence item with id 'e9'"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_changes_nothing(
    opinion_engagement, tmp_path, sheet_name: str, bad: Any, expected: str
) -> None:
    import_file(opinion_engagement, sheet(tmp_path, "good.xlsx"))
    rows = bad if isinstance(bad, list) else [bad]
    message = problems_of(opinion_engagement, sheet(tmp_path, **{sheet_name: rows}))
    assert f"discovery.xlsx, {expected}" in message


def test_every_problem_of_every_sheet_in_one_error(opinion_engagement, tmp_path) -> None:
    path = sheet(
        tmp_path,
        Evidence=[ITEM | {"heading": "Finance"}, GROUP | {"sentiment": "Furious"}],
        Journeys=[STEPS[0], STEPS[0]],
        Findings=[FINDING | {"heading": "Morale"}],
    )
    message = problems_of(opinion_engagement, path)
    assert message.startswith("4 problems found:")
    for where in ("'Evidence', row 3, 'Heading'", "'Evidence', row 4, 'Sentiment'",
                  "'Journeys', row 4, 'Step order'", "'Findings', row 3, 'Heading'"):  # fmt: skip
        assert where in message
    assert snapshot(opinion_engagement) == {"evidence": [], "journeys": [], "findings": []}


def test_a_removed_column_is_named(opinion_engagement, tmp_path) -> None:
    path = sheet(tmp_path)
    book = load_workbook(path)
    book["Evidence"].delete_cols(9)  # the Heading column (A is the hidden id)
    book.save(path)
    message = problems_of(opinion_engagement, path)
    assert "discovery.xlsx, sheet 'Evidence', row 1, 'Heading': column missing" in message


def test_every_notebook_imports_the_discovery_sheets_once(opinion_engagement) -> None:
    sheet(opinion_engagement.root / "captures")
    shown = import_pending(opinion_engagement).data
    assert "Evidence: 2 new or changed" in shown and "Findings: 1 new or changed" in shown
    assert "no rows" not in shown
    again = import_pending(opinion_engagement).data
    assert "Evidence: 0 new or changed, 2 already imported" in again
    assert len(snapshot(opinion_engagement)["evidence"]) == 2


def test_the_blank_template_has_the_discovery_sheets() -> None:
    from assessment.paths import templates_dir

    book = load_workbook(templates_dir() / "capture" / "capture.xlsx")
    assert {"Evidence", "Journeys", "Findings"} <= set(book.sheetnames)
    headers = [c.value for c in book["Evidence"][1]]
    assert headers[1:5] == ["Source", "Site", "Role", "Interviewee"]
    assert "Confirms" in headers and "Refutes" in headers and "Shareable" in headers


def test_assess_import_takes_a_discovery_sheet(opinion_engagement, tmp_path, capsys) -> None:
    from assessment.cli import main

    assert main(["import", str(opinion_engagement.root), str(sheet(tmp_path))]) == 0
    assert "Evidence: 2 new or changed" in capsys.readouterr().out
    assert len(snapshot(opinion_engagement)["evidence"]) == 2
    bad = sheet(tmp_path, "bad.xlsx", Evidence=[ITEM | {"heading": "Finance"}])
    assert main(["import", str(opinion_engagement.root), str(bad)]) != 0
    assert "bad.xlsx, sheet 'Evidence', row 3, 'Heading'" in capsys.readouterr().err


def test_a_site_typed_by_its_alias_is_accepted(opinion_engagement, tmp_path) -> None:
    # sites' aliases (engagement.yaml: north NTH, Northern; south STH), as the extracts accept
    steps = [step | {"site": "NTH"} if step["site"] == "North Hub" else step for step in STEPS]
    path = sheet(tmp_path, Evidence=[ITEM | {"site": "sth"}, GROUP], Journeys=steps)
    import_file(opinion_engagement, path)
    stored = snapshot(opinion_engagement)
    assert stored["evidence"][0]["site"] == "south"
    assert {s["site"] for s in stored["journeys"] if s["journey"] == "current"} == {"north"}
