"""Capture sheets: Excel workbooks filled offline, imported into the store without loss.

A capture sheet has one worksheet per kind of entry (see :class:`SheetSpec`). Row 1 holds the
headers (the field titles), row 2 a hint per column, data start on row 3; column A holds each
row's id and is hidden. Import reads every sheet, validates every row (errors name the file, the
sheet, the row and the column) and only then writes, all in one transaction: a bad sheet changes
nothing.

Importing is idempotent. Each row is identified by its id (written into sheets made by
:func:`write_workbook`; a row typed without one is identified by a hash of its content) and the
store keeps a ledger of every (sheet, id, content) it has imported. The rule: **a row is applied
only if that exact content has never been imported under that id.** So importing the same sheet
twice changes nothing, and re-importing an older sheet never overwrites what the consultant has
since edited (or deleted) in the notebook; a row edited in the sheet is new content, and it
updates the entry with its id.

**One registry.** Every step declares its sheets in its own ``sheets`` module and registers them
with :mod:`assessment.capture_registry`, which imports every registered sheet of a file with the
rule above.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from pydantic import ValidationError

from assessment.engagement import Engagement
from assessment.entries import Choices, Entry, Transaction, check_values, resolve_choice, upsert
from assessment.errors import InputError, Problem
from assessment.files import write_atomically
from assessment.store import Store, register_schema

COMPONENT = "capture"
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE capture_ledger (
        sheet        TEXT NOT NULL,
        row_id       TEXT NOT NULL,
        row_hash     TEXT NOT NULL,
        file         TEXT NOT NULL,
        imported_at  TEXT NOT NULL,
        PRIMARY KEY (sheet, row_id, row_hash)
    );
    """,
)
register_schema(COMPONENT, MIGRATIONS)
ID_HEADER = "id"
FIRST_DATA_ROW = 3
FIXED_TIME = dt.datetime(2026, 1, 5, 9, 0, 0)


@dataclass(frozen=True)
class SheetSpec:
    """One kind of entry as a worksheet.

    Attributes:
        name: The worksheet's name.
        model: The entry model; its fields (but the id) are the columns, titles the headers.
        choices: What the entry's reference fields may hold, given the store and engagement.
        write: Writes one valid entry inside the import's transaction.
        provides: (field, attribute): entries of this sheet become choices of that field for
            later sheets of the same file (a scope item may name an area added in the same file).
        offers: Which of this sheet's entries are offered that way (all by default).
        blank_rows: Blank rows (with fresh ids) below the entries in ``assess capture``'s sheet.
    """

    name: str
    model: type[Entry]
    choices: Callable[[Store, Engagement], Choices]
    write: Callable[[Transaction, Any], Any]
    provides: tuple[str, str] | None = None
    offers: Callable[[Any], bool] = lambda entry: True
    blank_rows: int = 60

    def columns(self) -> list[tuple[str, str, str]]:
        """(field, header, hint) of each column after the id."""
        return [
            (name, info.title or name, info.description or "")
            for name, info in self.model.model_fields.items()
            if name != "id"
        ]


@dataclass
class ImportResult:
    """What an import did, per sheet: rows applied and rows already imported."""

    file: Path
    applied: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: the file and the counts."""
        parts = [
            f"{sheet}: {self.applied.get(sheet, 0)} new or changed, "
            f"{self.unchanged.get(sheet, 0)} already imported"
            for sheet in dict.fromkeys([*self.unchanged, *self.applied])
        ]
        return f"{self.file.name}: " + ("; ".join(parts) or "no rows")


def upsert_into(table: str) -> Callable[[Transaction, Entry], None]:
    """A sheet's writer that upserts each entry into ``table``."""
    return lambda tx, entry: upsert(tx, table, entry)


# -- writing ------------------------------------------------------------------------------------


def build_workbook(
    specs: Sequence[SheetSpec], rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> Workbook:
    """A capture workbook: a 'Read me' sheet, then one sheet per spec with optional rows.

    Args:
        specs: The kinds of entry, in the order they are imported.
        rows: Sheet name -> rows (field -> value, ``id`` included) to pre-fill.
    """
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    for line in _README:
        readme.append([line])
    readme.column_dimensions["A"].width = 100
    bold, grey = Font(bold=True), Font(italic=True, color="666666")
    fill = PatternFill("solid", fgColor="DDE7F0")
    for spec in specs:
        sheet = book.create_sheet(spec.name)
        columns = spec.columns()
        sheet.append([ID_HEADER, *(header for _, header, _ in columns)])
        sheet.append(["", *(hint for _, _, hint in columns)])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for cell in sheet[2]:
            cell.font = grey
        for row in (rows or {}).get(spec.name, []):
            sheet.append([row.get("id", ""), *(_cell(row.get(name)) for name, _, _ in columns)])
        sheet.column_dimensions["A"].hidden = True
        for position, (_, header, _) in enumerate(columns, start=2):
            letter = sheet.cell(row=1, column=position).column_letter
            sheet.column_dimensions[letter].width = max(14, min(48, len(header) + 12))
        sheet.freeze_panes = "B3"
    return book


_README = (
    "Capture sheet of the Assessment Workbook: fill it in offline, then import it with",
    "    assess import ENGAGEMENT FILE",
    "or save it in the engagement's captures/ folder: the step notebooks import it when they run.",
    "",
    "Row 1 holds the headers and row 2 a hint per column; type entries from row 3 on.",
    "Dates as dd/mm/yyyy. Sites, hypotheses, scope areas and items by their name or title.",
    "Do not change the headers or the hidden column A (each row's id).",
    "Importing twice never duplicates a row; an older copy never overwrites newer edits.",
    "Who said what (Intelligence) is internal: it never reaches the client's report.",
)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save a workbook byte-identically on every run (fixed properties and zip entry times).

    Every workbook we write goes through here: text that a spreadsheet would run as a formula is
    written as text (:mod:`assessment.spreadsheet_safety`).
    """
    from openpyxl.writer.excel import ExcelWriter

    from assessment.spreadsheet_safety import make_formula_safe

    make_formula_safe(book)

    book.properties.creator = book.properties.lastModifiedBy = "Assessment Workbook"
    book.properties.created = book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(item.filename))
    return write_atomically(path, fixed.getvalue())  # never a half-written sheet


def write_workbook(
    path: Path,
    specs: Sequence[SheetSpec],
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Path:
    """Write a capture workbook (blank, or pre-filled with rows) to ``path``."""
    return save_workbook(build_workbook(specs, rows), path)


# -- reading and validating ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row of a worksheet: its sheet, row number, id, content hash and cell values."""

    sheet: SheetSpec
    number: int
    row_id: str
    digest: str
    values: dict[str, Any]


def read_rows(path: Path, specs: Sequence[SheetSpec]) -> tuple[list[Row], list[Problem]]:
    """Every data row of every known sheet, and the problems of the file's layout.

    A sheet may be absent (a file for one kind of entry); a known sheet missing a column is a
    problem naming the sheet, row 1 and the column.
    """
    sheets = workbook_cells(path)
    found: list[Row] = []
    problems: list[Problem] = []
    for spec in specs:
        if spec.name in sheets:
            rows, layout = _sheet_rows(path, spec, list(sheets[spec.name]))
            found += rows
            problems += layout
    return found, problems


def workbook_cells(path: Path) -> dict[str, tuple[tuple[Any, ...], ...]]:
    """Every sheet's cell values, by sheet name, read once per content of the file.

    Each step notebook imports the pending capture sheets; opening the same unchanged workbook
    again (openpyxl: tens of milliseconds a file) would be paid by every notebook of every run.

    Raises:
        InputError: The file is not a readable .xlsx workbook.
    """
    try:
        stat = path.stat()
        return _read_cells(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError.single(path, f"not a readable Excel workbook (.xlsx): {error}") from None


@functools.lru_cache(maxsize=32)
def _read_cells(path: str, mtime_ns: int, size: int) -> dict[str, tuple[tuple[Any, ...], ...]]:
    del mtime_ns, size  # part of the cache key
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {name: tuple(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _sheet_rows(
    path: Path, spec: SheetSpec, cells: list[tuple[Any, ...]]
) -> tuple[list[Row], list[Problem]]:
    where = f"{path.name}, sheet '{spec.name}'"
    header = [
        str(c).strip().casefold() if c is not None else "" for c in (cells[0] if cells else ())
    ]
    positions: dict[str, int] = {}
    problems = []
    for name, title, _ in spec.columns():
        matches = [i for i, h in enumerate(header) if h in (title.casefold(), name.casefold())]
        if matches:
            positions[name] = matches[0]
        elif not spec.model.model_fields[name].is_required():
            continue  # a column added since the sheet was made: its field keeps its default
        else:
            message = "column missing (expected the headers of templates/capture)"
            problems.append(Problem(where, message, location="row 1", field=title))
    if problems:
        return [], problems
    id_at = header.index(ID_HEADER) if ID_HEADER in header else None
    hints = {name: hint for name, _, hint in spec.columns()}
    rows = []
    for number, row in enumerate(cells[1:], start=2):
        values = {name: _value(row, at) for name, at in positions.items()}
        if all(v is None for v in values.values()):
            continue
        if number == 2 and all(str(values[n] or "") == hints[n] for n in positions):
            continue  # the hint row of the template
        text = json.dumps([spec.name, values], sort_keys=True, default=str)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        row_id = _value(row, id_at) if id_at is not None else None
        rows.append(
            Row(spec, number, str(row_id) if row_id else f"h-{digest[:16]}", digest, values)
        )
    return rows, []


def _value(row: tuple[Any, ...], at: int | None) -> Any:
    if at is None or at >= len(row):
        return None
    value = row[at]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _coerce(spec: SheetSpec, values: dict[str, Any], choices: Choices) -> dict[str, Any]:
    """Cell values as model input: dd/mm/yyyy dates, yes/no, names resolved to keys."""
    out = {}
    for name, value in values.items():
        annotation = str(spec.model.model_fields[name].annotation)
        if isinstance(value, str) and "date" in annotation:
            value = _day_first(value)
        if isinstance(value, str) and "bool" in annotation:
            value = {"yes": True, "y": True, "no": False, "n": False}.get(value.casefold(), value)
        if name in choices:
            value = resolve_choice(value, choices[name])
        if value is not None:
            out[name] = value
    return out


def _day_first(text: str) -> Any:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


def validate_rows(
    store: Store, engagement: Engagement, path: Path, rows: list[Row]
) -> tuple[list[tuple[Row, Entry]], int]:
    """Validate every row not imported before; raise with every problem, or return the entries.

    Returns:
        The (row, entry) pairs to apply, and the number of rows already imported.

    Raises:
        InputError: Any row is invalid; each problem names sheet, row and column.
    """
    done = {
        (r["sheet"], r["row_id"], r["row_hash"])
        for r in store.query("SELECT sheet, row_id, row_hash FROM capture_ledger")
    }
    extra: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    valid: list[tuple[Row, Entry]] = []
    cache: dict[str, Choices] = {}
    for row in rows:
        spec = row.sheet
        if (spec.name, row.row_id, row.digest) in done:
            continue
        if spec.name not in cache:
            cache[spec.name] = spec.choices(store, engagement)
        choices = {k: v | extra.get(k, {}) for k, v in cache[spec.name].items()}
        found = _check_row(spec, row, choices, path)
        if isinstance(found, list):
            problems += found
            continue
        valid.append((row, found))
        if spec.provides and spec.offers(found):
            target, attribute = spec.provides
            extra.setdefault(target, {})[found.id] = str(getattr(found, attribute))
    if problems:
        raise InputError(problems)
    return valid, len(rows) - len(valid)


def _check_row(spec: SheetSpec, row: Row, choices: Choices, path: Path) -> Entry | list[Problem]:
    where = f"{path.name}, sheet '{spec.name}'"
    titles = {name: title for name, title, _ in spec.columns()}
    values = _coerce(spec, row.values, choices)
    problems = [
        Problem(where, message, location=f"row {row.number}", field=titles.get(name, name))
        for name, message in check_values(values, choices)
    ]
    try:
        entry = spec.model.model_validate(values | {"id": row.row_id})
    except ValidationError as error:
        reported = {p.field for p in problems}
        return problems + [
            Problem(
                where,
                _message(e, row.values.get(str(e["loc"][0])) if e["loc"] else None),
                location=f"row {row.number}",
                field=titles.get(str(e["loc"][0]), str(e["loc"][0])) if e["loc"] else None,
            )
            for e in error.errors()
            if not e["loc"] or titles.get(str(e["loc"][0])) not in reported
        ]
    return problems or entry


def _message(error: Mapping[str, Any], given: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return "required: this cell is empty"
    return f"{message} (got {given!r})" if given is not None else message
