"""Dates read as the whole column says: day-first or month-first, never from the first value."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd

from assessment.dates import parse_dates


def parsed(*values: object, dayfirst: bool = True):
    column = pd.Series(list(values), dtype=object)
    blank = column.isna() | (column.astype(str).str.strip() == "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Could not infer format" or any other warning
        return parse_dates(column, blank, dayfirst=dayfirst)


def shown(result) -> list[str | None]:
    return [None if pd.isna(v) else f"{v:%Y-%m-%d %H:%M}" for v in result.values]


def test_a_uk_column_with_one_us_date_names_that_date_only() -> None:
    result = parsed("12/05/2025", "25/12/2024", "31/01/2025", "05/13/2025")

    assert result.dayfirst is True  # two rows can only be day-first, one only month-first
    assert shown(result) == ["2025-05-12 00:00", "2024-12-25 00:00", "2025-01-31 00:00", None]
    assert result.wrong_order.tolist() == [False, False, False, True]
    assert result.ambiguous.tolist() == [True, False, False, False]  # 12 May or 5 December
    assert not result.invalid.any()


def test_the_first_value_does_not_decide_the_order() -> None:
    result = parsed("05/13/2025", "01/31/2025", "12/25/2024", "13/01/2025")

    assert result.dayfirst is False
    assert shown(result)[:3] == ["2025-05-13 00:00", "2025-01-31 00:00", "2024-12-25 00:00"]
    assert result.wrong_order.tolist() == [False, False, False, True]


def test_a_column_that_never_decides_takes_the_engagements_order() -> None:
    assert shown(parsed("03/04/2024"))[0] == "2024-04-03 00:00"
    assert shown(parsed("03/04/2024", dayfirst=False))[0] == "2024-03-04 00:00"
    assert not parsed("03/04/2024").ambiguous.any()  # one order throughout: nothing to ask


def test_every_common_format_without_a_warning() -> None:
    result = parsed(
        "2024-03",
        "2024-03-31",
        "2024/03/31 09:30",
        "31.12.24 09:15",
        "Jul-2025",
        "July 2025",
        "3 Jul 2025",
        dt.datetime(2024, 1, 5, 14, 0),
        None,
        "",
    )

    assert shown(result) == [
        "2024-03-01 00:00",
        "2024-03-31 00:00",
        "2024-03-31 09:30",
        "2024-12-31 09:15",
        "2025-07-01 00:00",
        "2025-07-01 00:00",
        "2025-07-03 00:00",
        "2024-01-05 14:00",
        None,
        None,
    ]
    assert not result.invalid.any()


def test_text_that_is_no_date_is_invalid_not_blank() -> None:
    result = parsed("2024-13", "31/02/2024", "soon", None)

    assert result.invalid.tolist() == [True, True, True, False]
