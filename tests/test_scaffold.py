"""`assess new` scaffolding and `assess check`, called as functions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.errors import InputError
from assessment.scaffold import check_engagement, new_engagement


def header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def test_new_engagement_loads_with_the_client_and_dates(tmp_path: Path) -> None:
    folder = new_engagement(tmp_path / "acme", "Acme Ltd", today=dt.date(2024, 5, 6))

    engagement = load_engagement(folder)

    assert folder == tmp_path / "acme"
    assert engagement.client.name == "Acme Ltd"
    assert engagement.contract.name == "Acme Ltd main contract"
    assert engagement.contract.start == dt.date(2024, 5, 6)
    assert engagement.contract.end == dt.date(2026, 5, 6)
    assert "{client}" not in (folder / "engagement.yaml").read_text(encoding="utf-8")


def test_new_engagement_input_templates_have_the_mapped_headers(tmp_path: Path) -> None:
    folder = new_engagement(tmp_path / "acme", "Acme Ltd")
    engagement = load_engagement(folder)
    inputs = engagement.inputs
    assert inputs.caseload is not None
    assert inputs.work_sampling is not None

    kpi_header = header(engagement.input_path(inputs.kpi.path))
    caseload_header = header(engagement.input_path(inputs.caseload.path))
    sampling_header = header(engagement.input_path(inputs.work_sampling.path))

    assert kpi_header == ["Site", "Month", "Measure", "Actual", "Target"]
    assert caseload_header == [
        "Customer ID",
        "Site",
        "Referral date",
        "Start date",
        "Outcome date",
        "Exit date",
    ]
    assert sampling_header == ["Observed at", "Site", "Role", "Activity"]
    # the templates carry exactly the client column names engagement.yaml maps
    assert kpi_header == list(inputs.kpi.columns.values())
    assert caseload_header == list(inputs.caseload.columns.values())
    assert sampling_header == list(inputs.work_sampling.columns.values())


def test_new_engagement_on_29_february_ends_on_28_february(tmp_path: Path) -> None:
    folder = new_engagement(tmp_path / "leap", "Leap Ltd", today=dt.date(2024, 2, 29))

    contract = load_engagement(folder).contract

    assert (contract.start, contract.end) == (dt.date(2024, 2, 29), dt.date(2026, 2, 28))


def test_client_name_with_quotes_still_loads(tmp_path: Path) -> None:
    folder = new_engagement(tmp_path / "q", 'The "Best" Co')

    assert load_engagement(folder).client.name == "The 'Best' Co"


def test_new_engagement_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    folder = new_engagement(tmp_path / "empty", "Acme Ltd")

    assert (folder / "engagement.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no staging left behind


def test_new_engagement_refuses_a_folder_with_content(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        new_engagement(folder, "Acme Ltd")

    assert str(caught.value.problems[0]) == (
        f"{folder}: folder exists and is not empty: choose a new folder"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_new_engagement_needs_a_client_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="client's name is required"):
        new_engagement(tmp_path / "acme", "  ")

    assert not (tmp_path / "acme").exists()


def test_fresh_engagement_fails_check_until_extracts_are_added(tmp_path: Path) -> None:
    folder = new_engagement(tmp_path / "acme", "Acme Ltd")

    with pytest.raises(InputError) as caught:
        check_engagement(folder)

    assert [p.where for p in caught.value.problems] == [
        str(folder.resolve() / "inputs/kpi_extract.csv"),
        str(folder.resolve() / "inputs/caseload.csv"),
        str(folder.resolve() / "inputs/work_sampling.csv"),
    ]
    assert all("no data rows" in p.message for p in caught.value.problems)


def test_check_summary_shows_what_was_picked_up(engagement_dir: Path) -> None:
    report = check_engagement(engagement_dir)

    assert report.summary().splitlines() == [
        "Acme Employment — Acme main contract (ACME-001)",
        "  sites: North Hub, South Hub",
        "  KPIs: Referrals, Starts, Job outcomes (headline: job_outcomes)",
        "  KPI extract: 6 rows, Jan 2024 to Jan 2024",
        "  caseload: 3 customers",
        "  work sampling: 3 observations",
    ]
