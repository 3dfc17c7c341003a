"""The bad-input corpus: each case a client file or engagement.yaml as consultants meet them.

Every case runs the ``assess`` command a consultant would (``check`` or ``import``) on the small
engagement of conftest with one thing broken, and asserts what the consultant sees: exit code 2,
a message naming the file and the row, line or column at fault, each problem once, and nothing
written (no runs/, no store, or the store unchanged).
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from assessment.capture import write_workbook
from assessment.cli import main
from assessment.sheets import SHEETS

Content = str | bytes | Callable[[], bytes]


@dataclass(frozen=True)
class Case:
    """One bad input: files replaced, engagement.yaml edits, and what the message must say."""

    id: str
    expect: tuple[str, ...]
    files: dict[str, Content] = field(default_factory=dict)
    yaml: tuple[tuple[str, str], ...] = ()


def _xlsx(rows: list[list[object]], *, sheet: str = "KPI", cover: bool = False,
          merge: str | None = None) -> Callable[[], bytes]:  # fmt: skip
    """A workbook with one data sheet (and a cover sheet before it), as bytes."""

    def build() -> bytes:
        book = Workbook()
        first = book.active
        if cover:
            first.title = "Cover"
            first.append(["Monthly MI pack"])
            data = book.create_sheet(sheet)
        else:
            first.title = sheet
            data = first
        for row in rows:
            data.append(row)
        if merge:
            data.merge_cells(merge)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return build


def _parquet(frame: dict[str, list[object]]) -> Callable[[], bytes]:
    def build() -> bytes:
        out = io.BytesIO()
        pd.DataFrame(frame).to_parquet(out)
        return out.getvalue()

    return build


KPI_HEADER = "Office,Month,Metric,Achieved,Goal\n"
KPI_ROWS = [
    "North Hub,2024-01,Refs,90,",
    "North Hub,2024-01,Starts,70,",
    "North Hub,2024-01,Jobs,15,25",
    "South Hub,2024-01,Refs,110,",
    "South Hub,2024-01,Starts,50,",
    "South Hub,2024-01,Jobs,18,",
]
CASELOAD_HEADER = "Client Ref,Office,Referred,Started,Job Date,Left\n"


def kpi(*changed: str, rows: list[str] | None = None) -> str:
    """The KPI CSV with rows replaced: ``kpi("4=North Hub,2024-01,Jobs,1.5,25")``."""
    lines = list(rows or KPI_ROWS)
    for change in changed:
        number, _, text = change.partition("=")
        lines[int(number) - 2] = text  # spreadsheet row 2 is the first data row
    return KPI_HEADER + "\n".join(lines) + "\n"


def caseload(*rows: str) -> str:
    return CASELOAD_HEADER + "\n".join(rows) + "\n"


XLSX_YAML = (("    path: inputs/kpi.csv", "    path: inputs/kpi.xlsx\n    sheet: KPI"),)
KPI_TABLE = [["Office", "Month", "Metric", "Achieved", "Goal"]] + [r.split(",") for r in KPI_ROWS]

CASES = [
    # --- engagement.yaml ----------------------------------------------------------------------
    Case("yaml-indentation", ("engagement.yaml", "line 11", "indented", "the line reads"),
         yaml=(("  headline_kpi: job_outcomes", "   headline_kpi: job_outcomes"),)),
    Case("yaml-tab", ("engagement.yaml", "line 3", "tab", "spaces"),
         yaml=(("  name: Acme Employment", "\tname: Acme Employment"),)),
    Case("yaml-unclosed-quote", ("engagement.yaml", "line", "quote"),
         yaml=(("  reference: ACME-001", '  reference: "ACME-001'),)),
    Case("yaml-second-colon", ("engagement.yaml", "line 8", "needs quotes"),
         yaml=(("desired_outcome: Customers", "desired_outcome: Outcome: Customers"),)),
    Case("yaml-duplicate-key", ("engagement.yaml", "line 11", "'end' is given twice"),
         yaml=(("  end: 2025-12-31", "  end: 2025-12-31\n  end: 2026-12-31"),)),
    Case("yaml-misspelt-key", ("engagement.yaml", "line 35", "'inputs.kpi.header_rows'",
                               "unknown key"),
         yaml=(("    path: inputs/kpi.csv", "    path: inputs/kpi.csv\n    header_rows: 2"),)),
    Case("yaml-missing-required", ("engagement.yaml", "'contract.end'", "required key"),
         yaml=(("  end: 2025-12-31\n", ""),)),
    Case("yaml-impossible-date", ("engagement.yaml", "line 10", "'contract.end'", "2025-02-30"),
         yaml=(("  end: 2025-12-31", "  end: 2025-02-30"),)),
    Case("yaml-zero-target", ("engagement.yaml", "line 22", "'kpis.0.target_per_period'",
                              "greater than 0"),
         yaml=(("    target_per_period: 100", "    target_per_period: 0"),)),
    Case("yaml-absurd-target", ("engagement.yaml", "'kpis.0.target_per_period'",
                                "less than or equal to 1000000000"),
         yaml=(("    target_per_period: 100", "    target_per_period: 1e300"),)),
    Case("yaml-path-outside", ("engagement.yaml", "'inputs'", "../shared/kpi.csv",
                               "leaves the engagement folder", "allow_outside"),
         yaml=(("    path: inputs/kpi.csv", "    path: ../shared/kpi.csv"),)),
    Case("yaml-absolute-path", ("engagement.yaml", "/tmp/kpi.csv", "leaves the engagement"),
         yaml=(("    path: inputs/caseload.csv", "    path: /tmp/kpi.csv"),)),
    Case("yaml-unknown-encoding", ("engagement.yaml", "'inputs.kpi.encoding'",
                                   "unknown encoding"),
         yaml=(("    path: inputs/kpi.csv", "    path: inputs/kpi.csv\n    encoding: utf-9"),)),
    Case("yaml-headline-not-a-kpi", ("engagement.yaml", "headline_kpi 'jobs'", "not a KPI key"),
         yaml=(("  headline_kpi: job_outcomes", "  headline_kpi: jobs"),)),
    Case("yaml-not-utf8", ("engagement.yaml", "line 3", "not UTF-8"),
         files={"engagement.yaml": lambda: b""}),  # filled in by the test: cp1252 bytes
    # --- CSV --------------------------------------------------------------------------------
    Case("csv-not-text", ("caseload.csv", "row 3", "byte 0x81", "encoding"),
         files={"inputs/caseload.csv": (caseload("C001,North Hub,03/01/2024,,,")
                                        + "C002,South Hub,05/01/2024,,,\x81\n").encode("latin-1")}),
    Case("csv-encoding-given-wrong", ("caseload.csv", "row 2", "utf-8", "encoding: utf-8"),
         files={"inputs/caseload.csv": caseload("C001,Nörth Hub,03/01/2024,,,").encode("cp1252")},
         yaml=(("    path: inputs/caseload.csv", "    path: inputs/caseload.csv\n"
                "    encoding: utf-8"),)),
    Case("csv-bom-bad-value", ("kpi.csv", "row 3", "'Achieved'", "expected a number"),
         files={"inputs/kpi.csv": ("\ufeff" + kpi("3=North Hub,2024-01,Starts,seventy,"))
                .encode("utf-8")}),
    Case("csv-us-date-in-uk-file", ("caseload.csv", "row 4", "'Referred'", "month-first",
                                    "05/13/2024"),
         files={"inputs/caseload.csv": caseload("C001,North Hub,03/01/2024,,,",
                                                "C002,South Hub,25/01/2024,,,",
                                                "C003,North Hub,05/13/2024,,,")}),
    Case("csv-ambiguous-dates-listed", ("caseload.csv", "'Referred'", "'04/02/2024'",
                                        "(rows 2", "read either way"),
         files={"inputs/caseload.csv": caseload("C001,North Hub,04/02/2024,,,",
                                                "C002,South Hub,25/01/2024,,,",
                                                "C003,North Hub,05/13/2024,,,")}),
    Case("csv-na-in-required-date", ("caseload.csv", "row 3", "'Referred'",
                                     "a referral date is required (got 'n/a')"),
         files={"inputs/caseload.csv": caseload("C001,North Hub,03/01/2024,,,",
                                                "C002,South Hub,n/a,,,")},
         yaml=(("    path: inputs/caseload.csv", "    path: inputs/caseload.csv\n"
                "    na_values: [n/a]"),)),
    Case("csv-na-without-na-values", ("caseload.csv", "row 2", "'Left'", "got 'TBC'",
                                      "na_values"),
         files={"inputs/caseload.csv": caseload("C001,North Hub,03/01/2024,,,TBC")}),
    Case("csv-decimal-count", ("kpi.csv", "row 4", "'Achieved'", "a whole number", "1.5"),
         files={"inputs/kpi.csv": kpi("4=North Hub,2024-01,Jobs,1.5,25")}),
    Case("csv-absurd-value", ("kpi.csv", "row 5", "'Achieved'", "100 times its target"),
         files={"inputs/kpi.csv": kpi("5=South Hub,2024-01,Refs,1e300,")}),
    Case("csv-value-far-over-target", ("kpi.csv", "row 2", "'Achieved'", "100 times",
                                       "90000"),
         files={"inputs/kpi.csv": kpi("2=North Hub,2024-01,Refs,90000,")}),
    Case("csv-zero-target", ("kpi.csv", "row 4", "'Goal'", "a target above 0"),
         files={"inputs/kpi.csv": kpi("4=North Hub,2024-01,Jobs,15,0")}),
    Case("csv-negative", ("kpi.csv", "row 6", "'Achieved'", "0 or more", "-50"),
         files={"inputs/kpi.csv": kpi("6=South Hub,2024-01,Starts,-50,")}),
    Case("csv-impossible-month", ("kpi.csv", "row 7", "'Month'", "expected a date", "2024-13"),
         files={"inputs/kpi.csv": kpi("7=South Hub,2024-13,Jobs,18,")}),
    Case("csv-title-rows", ("kpi.csv", "missing column 'Office'", "'header_row'",
                            "set header_row: 3"),
         files={"inputs/kpi.csv": "Acme KPI extract\nRun on 2024-02-03\n" + kpi()}),
    Case("csv-repeated-customer", ("caseload.csv", "row 3", "'Client Ref'", "earlier row"),
         files={"inputs/caseload.csv": caseload("C001,North Hub,03/01/2024,,,",
                                                "C001,South Hub,05/01/2024,,,")}),
    Case("csv-unknown-site", ("work_sampling.csv", "row 2", "'Office'", "West Hub"),
         files={"inputs/work_sampling.csv": "When,Office,Job title,Doing\n"
                "02/01/2024 09:00,West Hub,Adviser,Case notes\n"}),
    # --- Excel ------------------------------------------------------------------------------
    Case("xlsx-missing-sheet", ("kpi.xlsx", "'sheet'", "no sheet named 'KPI'", "Cover"),
         files={"inputs/kpi.xlsx": _xlsx(KPI_TABLE, sheet="Data", cover=True)}, yaml=XLSX_YAML),
    Case("xlsx-is-csv-text", ("kpi.xlsx", "CSV text", "rename it to .csv"),
         files={"inputs/kpi.xlsx": kpi()}, yaml=XLSX_YAML),
    Case("xlsx-title-rows", ("kpi.xlsx", "[sheet 'KPI']", "missing column 'Office'",
                             "set header_row: 3"),
         files={"inputs/kpi.xlsx": _xlsx([["Acme MI pack"], ["March 2024"], *KPI_TABLE],
                                         cover=True)}, yaml=XLSX_YAML),
    Case("xlsx-merged-header", ("kpi.xlsx", "missing column 'Achieved'", "set header_row: 2"),
         files={"inputs/kpi.xlsx": _xlsx([["Office", "Month", "Metric", "Result", None],
                                          ["", "", "", "Achieved", "Goal"],
                                          *[r.split(",") for r in KPI_ROWS]],
                                         merge="D1:E1")}, yaml=XLSX_YAML),
    Case("xlsx-decimal-count-wide", ("kpi.xlsx", "row 3", "'Jobs done'", "a whole number"),
         files={"inputs/kpi.xlsx": _xlsx([["Office", "Month", "Jobs done", "Jobs target"],
                                          ["North Hub", "Jan-2024", 15, 25],
                                          ["South Hub", "Jan-2024", 12.5, 25]])},
         yaml=(("    path: inputs/kpi.csv", "    path: inputs/kpi.xlsx\n    layout: wide"),
               ("      measure: Metric\n", ""), ("      actual: Achieved\n", ""),
               ("      target: Goal\n", ""),
               ("      referrals: Refs\n      starts: Starts\n      job_outcomes: Jobs",
                "      job_outcomes: Jobs done\n    targets:\n      job_outcomes: Jobs target"))),
    Case("xlsx-old-binary", ("kpi.xlsx", "old-style .xls", "save it as .xlsx"),
         files={"inputs/kpi.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600},
         yaml=XLSX_YAML),
    # --- Parquet ----------------------------------------------------------------------------
    Case("parquet-corrupt", ("caseload.parquet", "could not be read as parquet"),
         files={"inputs/caseload.parquet": caseload("C001,North Hub,03/01/2024,,,")},
         yaml=(("    path: inputs/caseload.csv", "    path: inputs/caseload.parquet"),)),
    Case("parquet-unknown-site", ("caseload.parquet", "row 2", "'Office'", "Nowhere"),
         files={"inputs/caseload.parquet": _parquet(
             {"Client Ref": ["C1", "C2"], "Office": ["North Hub", "Nowhere"],
              "Referred": pd.to_datetime(["2024-01-03", "2024-01-04"]),
              "Started": [None, None], "Job Date": [None, None], "Left": [None, None]})},
         yaml=(("    path: inputs/caseload.csv", "    path: inputs/caseload.parquet"),)),
]  # fmt: skip


def _apply(folder: Path, case: Case) -> None:
    yaml_path = folder / "engagement.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    for old, new in case.yaml:
        assert old in text, f"{case.id}: '{old}' not in engagement.yaml"
        text = text.replace(old, new, 1)
    yaml_path.write_text(text, encoding="utf-8")
    if case.id == "yaml-not-utf8":
        yaml_path.write_bytes(text.replace("Acme Employment", "Acmé Employment").encode("cp1252"))
    for relative, content in case.files.items():
        if case.id == "yaml-not-utf8":
            continue
        data = content() if callable(content) else content
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _listing(folder: Path) -> dict[str, str]:
    """Every file of the folder and its content (a store by the rows it holds)."""
    return {
        str(p.relative_to(folder)): _content(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _content(path: Path) -> str:
    if path.suffix == ".sqlite":  # opening a store may add its tables; no row may change
        with closing(sqlite3.connect(path)) as db:
            rows = [line for line in db.iterdump() if line.startswith("INSERT")]
        # the schema's own version rows come with the tables; entries are the other rows
        return "\n".join(r for r in rows if not r.startswith('INSERT INTO "schema_components"'))
    if path.name.endswith(("-wal", "-shm")):
        return "(journal)"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(code: int, stderr: str, expect: tuple[str, ...]) -> None:
    assert code == 2, stderr
    for text in expect:
        assert text in stderr, f"'{text}' not in:\n{stderr}"
    lines = [line for line in stderr.splitlines() if line.startswith("  - ")]
    assert lines, stderr
    assert len(lines) == len(set(lines)), f"a problem printed twice:\n{stderr}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_check_refuses_and_writes_nothing(
    case: Case, engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _apply(engagement_dir, case)
    before = _listing(engagement_dir)

    code = main(["check", str(engagement_dir)])

    assert_refused(code, capsys.readouterr().err, case.expect)
    assert _listing(engagement_dir) == before  # no runs/, no store, nothing rewritten


def test_the_corpus_covers_every_kind_of_input() -> None:
    kinds = {case.id.split("-")[0] for case in CASES}
    assert kinds == {"yaml", "csv", "xlsx", "parquet"}
    assert len(CASES) + len(CAPTURE_CASES) >= 30


def test_run_refuses_a_bad_extract_before_any_notebook(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _apply(engagement_dir, next(c for c in CASES if c.id == "csv-us-date-in-uk-file"))
    before = _listing(engagement_dir)

    code = main(["run", str(engagement_dir), "--quiet"])

    assert_refused(code, capsys.readouterr().err, ("caseload.csv", "row 4", "month-first"))
    assert not (engagement_dir / "runs").exists()
    assert _listing(engagement_dir) == before


# --- capture sheets (assess import) ---------------------------------------------------------
NOTE = {
    "id": "note-1",
    "hypothesis_key": "Little time with customers at South Hub",
    "stance": "supports",
    "source_name": "Pat Jones",
    "source_role": "Employment adviser",
    "site": "South Hub",
    "note": "Paperwork takes all morning",
    "recorded_on": "12/01/2026",
}
CAPTURE_CASES = [
    ("capture-unknown-stance", {"stance": "maybe"}, ("sheet 'Intelligence'", "row 3", "maybe")),
    ("capture-unknown-site", {"site": "West Hub"}, ("sheet 'Intelligence'", "row 3", "West Hub")),
    ("capture-unknown-hypothesis", {"hypothesis_key": "no-such"},
     ("sheet 'Intelligence'", "row 3", "no-such")),
    ("capture-bad-date", {"recorded_on": "31/02/2026"},
     ("sheet 'Intelligence'", "row 3", "31/02/2026")),
]  # fmt: skip


@pytest.mark.parametrize(("case_id", "change", "expect"), CAPTURE_CASES, ids=lambda v: str(v))
def test_import_refuses_a_bad_capture_sheet_and_stores_nothing(
    case_id: str,
    change: dict[str, str],
    expect: tuple[str, ...],
    opinion_engagement,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    del case_id
    sheet = write_workbook(tmp_path / "capture.xlsx", SHEETS, {"Intelligence": [NOTE | change]})
    folder = opinion_engagement.root
    before = _listing(folder)

    code = main(["import", str(folder), str(sheet)])

    assert_refused(code, capsys.readouterr().err, ("capture.xlsx", *expect))
    assert _listing(folder) == before


def test_import_refuses_a_text_file_named_xlsx(
    opinion_engagement, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "capture.xlsx"
    sheet.write_text("id,note\n1,hello\n", encoding="utf-8")
    before = _listing(opinion_engagement.root)

    code = main(["import", str(opinion_engagement.root), str(sheet)])

    assert_refused(code, capsys.readouterr().err, ("capture.xlsx", "not a readable Excel"))
    assert _listing(opinion_engagement.root) == before
