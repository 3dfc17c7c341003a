"""`assess new` scaffolding and `assess check`, called as functions."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.errors import InputError
from assessment.scaffold import check_engagement, new_engagement

START, END = dt.date(2024, 5, 6), dt.date(2026, 5, 5)


def new(folder: Path, client: str = "Acme Ltd") -> Path:
    return new_engagement(folder, client, start=START, end=END)


def test_new_engagement_loads_with_the_client_and_dates(tmp_path: Path) -> None:
    folder = new(tmp_path / "acme")

    engagement = load_engagement(folder)

    assert folder == tmp_path / "acme"
    assert engagement.client.name == "Acme Ltd"
    assert engagement.contract.name == "Acme Ltd contract"
    assert (engagement.contract.start, engagement.contract.end) == (START, END)
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    assert "{client}" not in text
    assert "employ" not in text.casefold()  # sector-neutral: no employment defaults
    ours = ("customer_id", "customers:", "customer:", "customer_time_goal")  # our keys stay
    assert "customer" not in functools.reduce(lambda t, k: t.replace(k, ""), ours, text.casefold())


def test_new_engagement_refuses_a_contract_ending_before_it_starts(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"the contract ends \(2024-05-06\) before it starts"):
        new_engagement(tmp_path / "acme", "Acme", start=START, end=START)

    assert not (tmp_path / "acme").exists()


def test_new_engagement_writes_no_placeholder_extract(tmp_path: Path) -> None:
    folder = new(tmp_path / "acme")

    assert load_engagement(folder).inputs.kpi is None
    assert sorted(p.name for p in (folder / "inputs").iterdir()) == ["README.md"]


def test_client_name_with_quotes_still_loads(tmp_path: Path) -> None:
    folder = new(tmp_path / "q", 'The "Best" Co')

    assert load_engagement(folder).client.name == "The 'Best' Co"


def test_new_engagement_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    folder = new(tmp_path / "empty")

    assert (folder / "engagement.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no staging left behind


def test_new_engagement_refuses_a_folder_with_content(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        new(folder)

    assert str(caught.value.problems[0]) == (
        f"{folder}: folder exists and is not empty: choose a new folder"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_new_engagement_needs_a_client_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="client's name is required"):
        new(tmp_path / "acme", "  ")

    assert not (tmp_path / "acme").exists()


def test_fresh_engagement_passes_check_and_says_what_comes_next(tmp_path: Path) -> None:
    folder = new(tmp_path / "acme")

    report = check_engagement(folder)

    assert report.extracts is None
    assert "no client extracts mapped yet" in report.summary()
    assert f"assess map {folder.resolve()} FILE --write" in report.summary()


def test_running_without_a_kpi_extract_says_to_map_one(tmp_path: Path) -> None:
    from assessment.inputs import read_extracts

    folder = new(tmp_path / "acme")

    with pytest.raises(InputError, match="no KPI extract mapped yet"):
        read_extracts(load_engagement(folder))


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
