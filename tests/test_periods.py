"""Named periods: which months count (complete, inside the contract) and how they are named."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from readable_text import NBSP

from assessment.periods import Period, month_table, periods_from, window

START, END = dt.date(2024, 1, 1), dt.date(2026, 12, 31)


def months(*labels: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(f"{label}-01") for label in labels]


def test_a_month_the_data_covers_only_in_part_is_flagged_and_never_used() -> None:
    # the data runs to 5 July 2026: July is incomplete
    table = month_table(
        months("2026-05", "2026-06", "2026-07"),
        START,
        END,
        dt.date(2026, 7, 5),
        dt.date(2026, 11, 29),
    )
    assert list(table["used"]) == [True, True, False]
    assert table["note"].iloc[-1] == "incomplete: the data runs to 05 July 2026"


def test_a_month_not_ended_on_the_run_day_is_incomplete_without_a_declared_date() -> None:
    table = month_table(months("2026-10", "2026-11"), START, END, None, dt.date(2026, 11, 29))
    assert list(table["complete"]) == [True, False]


def test_months_outside_the_contract_never_count_to_date() -> None:
    table = month_table(
        months("2023-11", "2023-12", "2024-01", "2024-02"), START, END, None, dt.date(2026, 11, 29)
    )
    assert list(table["used"]) == [False, False, True, True]
    assert set(table.loc[~table["used"], "note"]) == {"outside the contract period"}


def test_to_date_and_recent_are_named_by_their_months() -> None:
    table = month_table(
        months("2023-12", *[f"2026-{m:02d}" for m in range(1, 8)]),
        START,
        END,
        dt.date(2026, 7, 5),
        dt.date(2026, 11, 29),
    )
    found = periods_from(table, 3)
    assert found.to_date.label() == f"Jan–Jun{NBSP}2026"  # one line on a phone
    assert found.recent.label() == f"Apr–Jun{NBSP}2026"
    assert found.recent.to_label() == f"to June{NBSP}2026"
    assert found.data_to_label() == "Data to 30 June 2026"
    assert found.flagged == (
        "Dec 2023: outside the contract period",
        "Jul 2026: incomplete: the data runs to 05 July 2026",
    )


def test_period_labels_across_years_and_single_months() -> None:
    assert Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2026-06-01")).label() == (
        f"Jan{NBSP}2024–Jun{NBSP}2026"
    )
    assert window(pd.Timestamp("2026-02-01"), 3).label() == f"Dec{NBSP}2025–Feb{NBSP}2026"
    assert window(pd.Timestamp("2026-02-01"), 1).label() == f"Feb{NBSP}2026"
    assert window(pd.Timestamp("2026-02-01"), 3).months == 3
