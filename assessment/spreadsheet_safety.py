"""Formula-safe spreadsheets: text that a spreadsheet would run as a formula is written as text.

A consultant or a client can type anything into a field that later lands in a workbook we write
(an action's owner, an intelligence note). openpyxl writes a string starting with "=" as a live
formula, and Excel or LibreOffice treat a cell starting with "+", "-", "@", a tab or a carriage
return as one when it is edited (the OWASP "CSV injection" family: ``=HYPERLINK(...)`` leaks data,
``=cmd|' /C calc'!A0`` runs a program through DDE). :func:`make_formula_safe` forces every such
cell of a workbook to a plain string cell with Excel's quote prefix (the cell shows the text as
typed, editing it keeps it text) and leaves the text itself unchanged, so nothing typed is lost
and importing the sheet back reads exactly what was written. Every workbook we write passes
through it (:func:`assessment.capture.save_workbook`).
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def make_formula_safe(book: Workbook) -> int:
    """Turn every formula-like text cell of ``book`` into a plain text cell, in place.

    Returns:
        How many cells were made safe.
    """
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl had made "=..." a formula ("f")
                    cell.quotePrefix = True  # Excel's "'": shown and edited as text
                    changed += 1
    return changed
