"""Warnings of `assess check`: read, but worth a look; and no library warning ever shows."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.engagement import load_engagement
from assessment.input_checks import input_warnings
from assessment.inputs import read_extracts

KPI_WITH_EARLY_MONTH = """\
Office,Month,Metric,Achieved,Goal
North Hub,Dec-2023,Refs,80,
North Hub,Jan-2024,Refs,90,
North Hub,Jan-2024,Starts,70,
North Hub,Jan-2024,Jobs,15,25
South Hub,Jan-2024,Refs,110,
South Hub,Jan-2024,Starts,50,
South Hub,Jan-2024,Jobs,18,
"""


def check_output(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a library warning would reach the consultant
        code = main(["check", str(folder)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    return captured.out


def test_a_month_before_the_contract_is_a_warning_naming_it(
    make_engagement, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_engagement(files={"inputs/kpi.csv": KPI_WITH_EARLY_MONTH})

    out = check_output(folder, capsys)

    assert "1 warning (read, but worth a look):" in out
    assert "kpi.csv, 'Month': 1 row(s) for months before the contract starts (01 Jan 2024)" in out
    assert "Dec 2023" in out
    assert "OK: engagement.yaml and every extract are valid." in out


def test_a_leaving_date_in_2031_is_a_warning_with_its_row(
    engagement_dir: Path, rewrite, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite(
        engagement_dir,
        "inputs/caseload.csv",
        "Client Ref,Office,Referred,Started,Job Date,Left\n"
        "C001,North Hub,03/01/2024,10/01/2024,,\n"
        "C002,South Hub,05/01/2024,,,20/02/2031\n",
    )

    out = check_output(engagement_dir, capsys)

    assert "caseload.csv, 'Left': 1 date(s) after today or the contract's end" in out
    assert "latest 20 Feb 2031 (rows 3)" in out


def test_a_cp1252_file_is_read_with_a_notice(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (engagement_dir / "inputs/caseload.csv").write_bytes(
        "Client Ref,Office,Referred,Started,Job Date,Left\n"
        "C001,North Hub,03/01/2024,10/01/2024,,\n"
        "C’002,South Hub,05/01/2024,,,\n".encode("cp1252")
    )

    out = check_output(engagement_dir, capsys)

    assert "caseload.csv, 'encoding': not UTF-8 (a byte at row 3 is not): read as Windows" in out
    extracts = read_extracts(load_engagement(engagement_dir))
    assert extracts.caseload["customer_id"].tolist() == ["C001", "C’002"]


def test_a_bom_and_title_rows_read_once_header_row_is_set(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (engagement_dir / "inputs/kpi.csv").write_bytes(
        "\ufeffAcme KPIs\nAs at Feb 2024\nOffice,Month,Metric,Achieved,Goal\n"
        "North Hub,2024-01,Refs,90,\nNorth Hub,2024-01,Starts,70,\nNorth Hub,2024-01,Jobs,15,25\n"
        "South Hub,2024-01,Refs,n/a,\n".encode()
    )
    path = engagement_dir / "engagement.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    path: inputs/kpi.csv", "    path: inputs/kpi.csv\n    header_row: 3"
    )
    path.write_text(text, encoding="utf-8")

    assert main(["check", str(engagement_dir)]) == 2
    err = capsys.readouterr().err  # n/a is not a number and must not pass as a blank
    assert "kpi.csv, row 7, 'Achieved': an actual value is required" not in err
    assert "kpi.csv, row 7, 'Achieved': expected a number (got 'n/a')" in err


def test_the_old_measures_direction_is_named_by_check(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = engagement_dir / "engagement.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "      referrals: Refs\n      starts: Starts\n      job_outcomes: Jobs\n",
        "      Refs: referrals\n      Starts: starts\n      Jobs: job_outcomes\n",
    )
    path.write_text(text, encoding="utf-8")

    out = check_output(engagement_dir, capsys)

    assert "'inputs.kpi.measures': measures are written their name -> KPI key" in out
    assert "KPI: Referrals, Starts, Job outcomes" in out.replace("KPIs", "KPI")


def test_a_mostly_blank_start_column_is_a_warning(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)
    extracts = read_extracts(engagement)
    extracts.caseload["start_date"] = extracts.caseload["start_date"].iloc[:1]  # 2 of 3 blank

    found = input_warnings(engagement, extracts, today=dt.date(2024, 6, 1))

    assert [(p.field, p.message[:27]) for p in found] == [
        ("Started", "67% of rows are blank: is '")
    ]


def test_a_clean_engagement_has_no_warning(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)

    assert input_warnings(engagement, read_extracts(engagement), today=dt.date(2024, 6, 1)) == []


@pytest.mark.notebook
def test_check_and_run_show_no_library_warning(
    make_engagement, capsys: pytest.CaptureFixture[str]
) -> None:
    import nbformat

    from assessment.runner import run_engagement

    # month labels such as Jul-2025 made pandas warn on every check and in notebook 01
    folder = make_engagement(files={"inputs/kpi.csv": KPI_WITH_EARLY_MONTH})
    check_output(folder, capsys)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run_engagement(folder)

    shown = []
    for notebook in sorted(result.folder.glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                if output.get("name") == "stderr" or "Warning" in str(output.get("text", "")):
                    shown.append(f"{notebook.name}: {output.get('text', '')[:200]}")
    assert not shown, "\n".join(shown)


def test_step1_shows_the_warnings_under_what_it_read(make_engagement) -> None:
    from assessment.data_analysis import inputs_summary

    engagement = load_engagement(make_engagement(files={"inputs/kpi.csv": KPI_WITH_EARLY_MONTH}))

    shown = inputs_summary(engagement, read_extracts(engagement)).data

    assert "1 thing(s) in the data worth a look" in shown
    assert "kpi.csv (Month): 1 row(s) for months before the contract starts" in shown
