"""Every workbook we write holds typed text as text: no cell becomes a formula (OWASP payloads)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook
from spreadsheet_checks import PAYLOADS, as_read_back, formulas_in

from assessment import entries
from assessment.capture import save_workbook
from assessment.cli import main
from assessment.intelligence import store as step2
from assessment.intelligence.models import IntelligenceNote
from assessment.spreadsheet_safety import is_formula_like


def test_every_payload_is_written_as_text_and_read_back_unchanged(tmp_path: Path) -> None:
    book = Workbook()
    for payload in PAYLOADS:
        book.active.append([payload, "plain", -5])
    path = save_workbook(book, tmp_path / "payloads.xlsx")
    assert formulas_in(path) == []
    read = load_workbook(path)
    column = [row[0].value for row in read.active.iter_rows()]
    assert column == [as_read_back(p) for p in PAYLOADS]
    assert all(row[0].quotePrefix for row in read.active.iter_rows())
    assert [row[2].value for row in read.active.iter_rows()] == [-5] * len(PAYLOADS)


def test_is_formula_like_names_the_owasp_triggers() -> None:
    assert all(is_formula_like(p) for p in PAYLOADS)
    assert not any(is_formula_like(v) for v in ("North Hub", "50%", "", None, 3, "a=b"))


def test_assess_capture_writes_an_intelligence_note_payload_as_text(
    opinion_engagement, tmp_path: Path
) -> None:
    engagement = opinion_engagement
    with step2.open_store(engagement) as store:
        key = store.hypotheses()["key"].iloc[0]
    with step2.open_store(engagement) as store, store.transaction() as tx:
        for number, payload in enumerate(PAYLOADS):
            note = IntelligenceNote(
                id=f"n{number}",
                hypothesis_key=key,
                stance="supports",
                source_name=payload,
                source_role="Adviser",
                note=payload,
                recorded_on=dt.date(2026, 1, 12),
            )
            entries.upsert(tx, step2.NOTES, note)
    path = tmp_path / "offline.xlsx"
    assert main(["capture", str(engagement.root), str(path)]) == 0
    assert formulas_in(path) == []
    notes = [row for row in load_workbook(path)["Intelligence"].iter_rows(values_only=True)]
    typed = {cell for row in notes for cell in row if isinstance(cell, str)}
    assert {p.strip() for p in PAYLOADS} <= typed  # entries are stored stripped
