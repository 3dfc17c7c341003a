"""The `assess` command, called through `assessment.cli.main` as the console script does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment import __version__
from assessment.cli import main
from assessment.engagement import load_engagement


def test_new_creates_an_engagement_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "acme"

    code = main(
        ["new", str(folder), "--client", "Acme Ltd", "--start", "2025-04-01", "--end", "2027-03-31"]
    )

    assert code == 0
    engagement = load_engagement(folder)
    assert engagement.client.name == "Acme Ltd"
    assert (engagement.contract.start, engagement.contract.end) == (
        dt.date(2025, 4, 1),
        dt.date(2027, 3, 31),
    )
    out = capsys.readouterr().out
    assert f"New engagement for Acme Ltd in {folder}" in out
    assert f"assess map {folder} FILE --write" in out
    assert main(["check", str(folder)]) == 0  # nothing the scaffold wrote fails the first check


def test_new_needs_the_contract_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["new", str(tmp_path / "a"), "--client", "A", "--start", "1/4/25", "--end", "x"])

    assert "expected a date such as 2025-04-01, got '1/4/25'" in capsys.readouterr().err


def test_new_refuses_a_folder_with_content_and_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "engagement.yaml").write_text("client: {name: Someone else}\n", encoding="utf-8")

    code = main(
        ["new", str(folder), "--client", "Acme Ltd", "--start", "2025-04-01", "--end", "2027-03-31"]
    )

    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: 1 problem found:\n  - {folder}: folder exists and is not empty: "
        "choose a new folder\n"
    )
    assert [p.name for p in folder.iterdir()] == ["engagement.yaml"]
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    assert text == "client: {name: Someone else}\n"


def test_check_a_valid_engagement_prints_the_summary(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(engagement_dir)])

    assert code == 0
    out = capsys.readouterr().out
    assert "Acme Employment — Acme main contract (ACME-001)" in out
    assert "  sites: North Hub, South Hub" in out
    assert "  KPI extract: 6 rows, Jan 2024 to Jan 2024" in out
    assert "  caseload: 3 customers" in out
    assert out.rstrip().endswith("OK: engagement.yaml and every extract are valid.")


def test_check_a_bad_engagement_prints_the_problems(
    engagement_dir: Path,
    rewrite: Callable[[Path, str, str], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    kpi = rewrite(
        engagement_dir,
        "inputs/kpi.csv",
        "Office,Month,Metric,Achieved,Goal\nWest Hub,2024-01,Refs,90,\n",
    )

    code = main(["check", str(engagement_dir)])

    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: 1 problem found:\n")
    assert f"{kpi}, row 2, 'Office':" in captured.err
    assert "(got 'West Hub')" in captured.err


def test_check_a_bad_engagement_yaml_names_the_line(
    engagement_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = engagement_dir / "engagement.yaml"
    text = path.read_text(encoding="utf-8").replace("day_rate: 950", "day_rate: lots")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    day_rate: lots") + 1

    code = main(["check", str(engagement_dir)])

    assert code == 2
    err = capsys.readouterr().err
    assert f"{path}, line {line}, 'team.0.day_rate'" in err
    assert "(got 'lots')" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"assess {__version__}\n"


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    assert "COMMAND" in capsys.readouterr().err
