"""Helpers of the fault tests: a quick stand-in for the notebooks, typed entries, damaged stores.

``quick_executor`` stands in for Papermill where a test is about the run's discipline (locks,
store, folders), not the analysis: it creates the steps' tables as the notebooks do (the schema
race of two fresh runs happened there) and writes a small executed notebook.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import nbformat

from assessment import entries
from assessment.engagement import load_engagement
from assessment.intelligence import store as step2
from assessment.intelligence.models import IntelligenceNote
from assessment.scoping import store as step3

NOTEBOOKS = [Path("01_step.ipynb"), Path("report.ipynb")]


def quick_executor(notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
    """Open the store as the step notebooks do (creating their tables), write an output."""
    engagement = load_engagement(parameters["engagement_dir"])
    with step3.open_store(engagement):  # steps 2 and 3's tables
        pass
    executed = nbformat.v4.new_notebook()
    executed.cells = [nbformat.v4.new_markdown_cell(f"# {notebook.stem} of {parameters['run_id']}")]
    nbformat.write(executed, output)


def type_a_note(engagement_dir: Path, text: str = "Paperwork takes all morning") -> str:
    """Store one intelligence note as a consultant would (a hypothesis first); returns its id."""
    engagement = load_engagement(engagement_dir)
    with step2.open_store(engagement) as store:
        store.sync_hypotheses("data_analysis", [HYPOTHESIS])
        with store.transaction() as tx:
            entries.upsert(tx, step2.NOTES, note(text))
    return "note-1"


HYPOTHESIS = {
    "key": "h-south-time",
    "kind": "work_sampling",
    "site": "south",
    "kpi": None,
    "title": "Little time with customers at South Hub",
    "statement": "Advisers spend 7% of their time with customers.",
    "figures": {"share": 0.07},
}


def note(text: str) -> IntelligenceNote:
    return IntelligenceNote(
        id="note-1",
        hypothesis_key=HYPOTHESIS["key"],
        stance="supports",
        source_name="Pat Jones",
        source_role="Adviser",
        note=text,
        recorded_on=dt.date(2026, 1, 12),
    )


def notes_in(engagement_dir: Path) -> list[str]:
    """The notes' texts as the store holds them."""
    engagement = load_engagement(engagement_dir)
    with step2.open_store(engagement) as store:
        return [n.note for n in step2.notes(store)]


# -- damaging a store ----------------------------------------------------------------------------


def empty(path: Path) -> None:
    _checkpoint(path)
    path.write_bytes(b"")


def garbage(path: Path) -> None:
    _checkpoint(path)
    path.write_bytes(b"PK\x03\x04 this is a zip, not a store" * 200)


def truncated(path: Path) -> None:
    _checkpoint(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupted(path: Path) -> None:
    """Overwrite the pages after the first with noise (the header stays valid)."""
    _checkpoint(path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(page, len(data), 7):
        data[at] = (data[at] * 31 + 17) % 256
    path.write_bytes(bytes(data))


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file and drop it, so the damage is the whole story."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.unlink(side)


DAMAGES = {"empty": empty, "garbage": garbage, "truncated": truncated, "corrupted": corrupted}
