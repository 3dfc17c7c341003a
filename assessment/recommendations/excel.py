"""The action plan as an Excel workbook for the client's own tracking, and its status updates.

``export_plan`` writes one formatted row per action (the SMART fields, the SMART result and a
Status column with a note and a date for the client), byte-identically on every run.
``import_status`` reads the client's updates back: every row is checked first (known action id,
known status, a date, every column present) and the updates are written in one transaction, or
nothing is; importing the same file twice changes nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.capture import save_workbook, workbook_cells
from assessment.engagement import Engagement
from assessment.entries import resolve_choice
from assessment.errors import InputError, Problem
from assessment.recommendations import publishing as pub
from assessment.recommendations import store as db
from assessment.recommendations.models import STATUS_LABELS

SHEET = "Action plan"
# (plan frame column, header, width); the last three are the client's to fill in
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("action_id", "Action id", 14),
    ("action_area", "Action area", 18),
    ("recommendation", "Recommendation", 30),
    ("task", "Specific task", 40),
    ("measure_label", "Measure", 26),
    ("baseline_text", "Baseline", 12),
    ("target_text", "Target", 12),
    ("expected_outcome", "Expected outcome", 30),
    ("owner", "Owner", 18),
    ("set_on", "Set on", 12),
    ("target_date", "Target date", 12),
    ("stage", "Roadmap stage", 14),
    ("findings", "Findings answered", 14),
    ("smart", "SMART check", 48),
    ("status_label", "Status", 14),
    ("status_note", "Status note", 30),
    ("status_date", "Status date", 12),
)
DATE_COLUMNS = frozenset({"set_on", "target_date", "status_date"})
HEADERS = {column: header for column, header, _ in COLUMNS}


def _measure_text(value: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.0f}%" if unit == "%" else f"{value:,.4g}"


def export_rows(plan: pd.DataFrame) -> list[dict[str, Any]]:
    """The plan frame as the workbook's rows (values as the client reads them)."""
    rows = []
    for record in plan.to_dict(orient="records"):
        unit = record.get("unit") or ""
        record["baseline_text"] = _measure_text(record.get("baseline"), unit)
        record["target_text"] = _measure_text(record.get("target"), unit)
        record["status_label"] = STATUS_LABELS.get(record.get("status") or "", "")
        rows.append(record)
    return rows


def plan_workbook(rows: list[dict[str, Any]]) -> Workbook:
    """The formatted workbook: a styled, frozen header, sized and wrapped columns, a status list."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([header for _, header, _ in COLUMNS])
    for row in rows:
        sheet.append([_cell(row.get(column), column) for column, _, _ in COLUMNS])
    fill, bold = PatternFill("solid", fgColor="DDE7F0"), Font(bold=True)
    for position, (column, _, width) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=position).column_letter
        sheet.column_dimensions[letter].width = width
        header = sheet.cell(row=1, column=position)
        header.font, header.fill = bold, fill
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column in DATE_COLUMNS:
                cell.number_format = "DD/MM/YYYY"
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"')
    status_letter = sheet.cell(row=1, column=[c for c, _, _ in COLUMNS].index("status_label") + 1)
    choices.add(f"{status_letter.column_letter}2:{status_letter.column_letter}{len(rows) + 200}")
    sheet.add_data_validation(choices)
    sheet.freeze_panes = "B2"
    return book


def _cell(value: Any, column: str) -> Any:
    if value is None or (not isinstance(value, (str, dt.date)) and pd.isna(value)):
        return None
    if column in DATE_COLUMNS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def export_plan(engagement: Engagement, path: str | Path) -> Path:
    """Write the action plan to ``path``: the published plan, or the agreed draft before that."""
    with db.open_store(engagement) as store:
        if store.has_frame(f"{db.STEP}.plan"):
            plan = store.frame(f"{db.STEP}.plan")
        else:
            draft = db.draft_plan(engagement, store)
            plan = draft[draft["agreed"]]
        latest = {a.id: a for a in db.actions(store)}
    for field in db.STATUS_FIELDS:  # the client's latest statuses, as imported
        plan[field] = [
            getattr(latest[i], field) if i in latest else None for i in plan["action_id"]
        ]
    return save_workbook(plan_workbook(export_rows(plan)), Path(path))


# -- reading status updates back ---------------------------------------------------------------


@dataclass(frozen=True)
class StatusImport:
    """What an import of status updates did."""

    file: Path
    changed: int
    unchanged: int

    def summary(self) -> str:
        """One line: the file and the counts."""
        return f"{self.file.name}: {self.changed} status(es) changed, {self.unchanged} unchanged"


def _read(path: Path) -> tuple[list[Any], list[tuple[Any, ...]]]:
    sheets = workbook_cells(path)  # a file not readable as .xlsx is an InputError naming it
    if SHEET not in sheets:
        raise InputError.single(
            path, f"no sheet '{SHEET}': export the plan with assess plan export"
        )
    cells = list(sheets[SHEET])
    return (list(cells[0]) if cells else []), cells[1:]


def _date(value: Any) -> dt.date | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(value).strip(), pattern).date()
        except ValueError:
            continue
    return str(value)


def read_status_updates(path: Path, known_ids: set[str]) -> list[dict[str, Any]]:
    """Every row's update (id, status, note, date), or an error naming every bad row and column.

    Raises:
        InputError: A column is missing, or a row has an unknown action id, an unknown status or
            a date that is not a date.
    """
    header, rows = _read(path)
    where = f"{path.name}, sheet '{SHEET}'"
    titles = [str(h).strip().casefold() if h is not None else "" for h in header]
    missing = [h for _, h, _ in COLUMNS if h.casefold() not in titles]
    if missing:
        message = "column missing (export the plan again and keep every column)"
        raise InputError([Problem(where, message, "row 1", h) for h in missing])
    at = {c: titles.index(h.casefold()) for c, h, _ in COLUMNS}
    problems, updates = [], []
    for number, row in enumerate(rows, start=2):
        value = {c: (row[i] if i < len(row) else None) for c, i in at.items()}
        if all(v is None for v in value.values()):
            continue
        found = _row_problems(value, known_ids)
        problems += [Problem(where, m, f"row {number}", HEADERS[c]) for c, m in found]
        if not found:
            updates.append(_update(value))
    if problems:
        raise InputError(problems)
    return updates


def _row_problems(value: dict[str, Any], known_ids: set[str]) -> list[tuple[str, str]]:
    problems = []
    if str(value["action_id"] or "").strip() not in known_ids:
        problems.append(
            (
                "action_id",
                f"unknown action id {value['action_id']!r}: ids must not "
                "be changed (the row cannot be matched to an action)",
            )
        )
    status = resolve_choice(str(value["status_label"] or "Not started"), STATUS_LABELS)
    if status not in STATUS_LABELS:
        expected = ", ".join(STATUS_LABELS.values())
        problems.append(
            ("status_label", f"unknown status {status!r} (expected one of: {expected})")
        )
    if isinstance(_date(value["status_date"]), str):
        problems.append(("status_date", f"not a date: {value['status_date']!r} (dd/mm/yyyy)"))
    return problems


def _update(value: dict[str, Any]) -> dict[str, Any]:
    when = _date(value["status_date"])
    return {
        "id": str(value["action_id"]).strip(),
        "status": resolve_choice(str(value["status_label"] or "Not started"), STATUS_LABELS),
        "status_note": str(value["status_note"] or "").strip(),
        "status_date": when.isoformat() if isinstance(when, dt.date) else None,
    }


def import_status(engagement: Engagement, path: str | Path) -> StatusImport:
    """Import the client's status updates of the action plan (all or nothing, idempotent).

    Raises:
        InputError: Any row or column is bad (each named); nothing is changed.
    """
    path = Path(path)
    with db.open_store(engagement) as store:
        current = {a.id: a for a in db.actions(store)}
        updates = read_status_updates(path, set(current))
        changed = [u for u in updates if _differs(current[u["id"]], u)]
        db.write_statuses(store, changed)
    if changed:
        pub.refresh_progress(engagement)
    return StatusImport(path, len(changed), len(updates) - len(changed))


def _differs(action: Any, update: dict[str, Any]) -> bool:
    date = action.status_date.isoformat() if action.status_date else None
    return (action.status, action.status_note, date) != (
        update["status"],
        update["status_note"],
        update["status_date"],
    )
