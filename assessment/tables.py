"""How a client file is opened: its text encoding, its header row, what it is really.

Clients' systems export CSV in UTF-8 (with or without a byte-order mark) or in Windows' cp1252,
put title rows above the header, and name a CSV ``.xlsx``. Each case gets a plain answer naming
the file and what to set in engagement.yaml, never a codec's or zip library's message.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from assessment.errors import InputError, Problem

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class _Options(Protocol):
    header_row: int
    encoding: str | None
    na_values: list[str]


@dataclass(frozen=True)
class ReadOptions:
    """The reading options of one extract (see engagement.yaml's inputs)."""

    header_row: int = 1
    encoding: str | None = None
    na_values: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, spec: _Options | None) -> ReadOptions:
        """The options an extract's spec sets (defaults without one)."""
        if spec is None:
            return cls()
        return cls(spec.header_row, spec.encoding, tuple(spec.na_values))


def decode_text(path: Path, encoding: str | None, notices: list[Problem] | None) -> str:
    """The text of a CSV file: the encoding given, else UTF-8 (BOM or not), else cp1252.

    Raises:
        InputError: The bytes are not text in the encoding given (or in either default), with
            the row and column of the first byte that does not fit.
    """
    data = path.read_bytes()
    if encoding is not None:
        return _decode(path, data, encoding, f"encoding: {encoding}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
        utf8_error = error
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _not_text(path, data, utf8_error, "UTF-8 nor Windows cp1252") from None
    if notices is not None:
        row, _ = _position(data, first_bad)
        notices.append(
            Problem(
                str(path),
                "not UTF-8 (a byte at row "
                f"{row} is not): read as Windows cp1252, as Excel saves CSV on Windows. Set "
                "encoding: cp1252 in engagement.yaml to say so, or the right encoding if "
                "accented names look wrong",
                field="encoding",
            )
        )
    return text


def _decode(path: Path, data: bytes, encoding: str, said: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _not_text(path, data, error, f"{encoding} ({said} in engagement.yaml)") from None


def _not_text(path: Path, data: bytes, error: UnicodeDecodeError, tried: str) -> InputError:
    row, column = _position(data, error.start)
    byte = data[error.start : error.start + 1].hex()
    if data[:4] in (_ZIP, _OLE):
        return InputError.single(
            path, "is an Excel workbook, not CSV text: name it .xlsx and set its sheet"
        )
    return InputError.single(
        path,
        f"byte 0x{byte} at character {column} is not text in {tried}: save the file as "
        "CSV UTF-8, or set encoding: to the one it was saved in (such as latin-1)",
        location=f"row {row}",
    )


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Row (1-based, as a spreadsheet shows it) and character of a byte offset."""
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def _check_workbook(path: Path) -> None:
    """Refuse a file named .xlsx that is not one, saying what it is."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(_ZIP):
        return
    if head.startswith(_OLE):
        raise InputError.single(
            path, "is an old-style .xls workbook: open it in Excel and save it as .xlsx"
        )
    try:
        sample = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        sample = head.decode("cp1252", errors="replace")
    looks_csv = "," in sample or ";" in sample or "\t" in sample
    what = "CSV text" if looks_csv else "not an Excel workbook"
    raise InputError.single(
        path,
        f"is named {path.suffix} but is {what}: "
        + (
            "rename it to .csv and change its path in engagement.yaml"
            if looks_csv
            else "ask the client for the workbook again (.xlsx)"
        ),
    )


def read_csv_text(text: str, header: int) -> pd.DataFrame:
    """CSV text as text columns, the header at row ``header`` (0-based).

    Title rows above the header have fewer fields than the table under them, which the fast
    parser refuses; such a file is read again with every row padded, so the header row can be
    found and named.
    """
    options = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    try:
        return pd.read_csv(io.StringIO(text), header=header, **options)
    except pd.errors.ParserError:
        width = max((len(row) for row in csv.reader(io.StringIO(text))), default=1)
        grid = pd.read_csv(io.StringIO(text), header=None, names=range(width), **options)
        if header >= len(grid):
            raise
        names = [
            str(c) if pd.notna(c) else f"Unnamed: {n}" for n, c in enumerate(grid.iloc[header])
        ]
        frame = grid.iloc[header + 1 :].reset_index(drop=True)
        frame.columns = names
        return frame


def header_hint(raw: pd.DataFrame, missing: list[str], header_row: int) -> str | None:
    """Where the column names really are, when the header row read does not hold them.

    Args:
        raw: The frame as read (its columns from ``header_row``).
        missing: The column names looked for and not found.
        header_row: The spreadsheet row the header was read from.

    Returns:
        A sentence: the row below that holds the names, or why the header looks wrong; None
        when the header row looks right.
    """
    wanted = {name.strip().casefold() for name in missing}
    head = raw.head(30).astype("string")
    for position in range(len(head)):
        cells = {str(c).strip().casefold() for c in head.iloc[position] if pd.notna(c)}
        if len(wanted & cells) >= max(1, len(wanted) // 2):
            row = header_row + position + 1
            return f"the column names are on row {row}: set header_row: {row} for this extract"
    blank = [str(c) for c in raw.columns if str(c).startswith("Unnamed")]
    if blank:
        return (
            f"row {header_row} has {len(blank)} blank or merged header cell(s): set header_row: "
            "to the row of the column names (one row of names, no merged cells)"
        )
    return None  # the header is where it should be: a column was renamed, or is not there
