"""Caseload flow, monthly flow and the Little's law check on hand-made caseloads."""

import math

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis.flow import (
    DAYS_PER_MONTH,
    flow_by_month,
    flow_by_site,
    littles_law_check,
)
from assessment.data_analysis.performance import ALL_SITES

DATES = ["referral_date", "start_date", "outcome_date", "exit_date"]


def caseload_frame(rows: list[tuple]) -> pd.DataFrame:
    """A canonical caseload from (customer_id, site, referral, start, outcome, exit) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "site", *DATES])
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def row(frame: pd.DataFrame, site: str) -> pd.Series:
    matches = frame[frame["site"] == site]
    assert len(matches) == 1
    return matches.iloc[0]


@pytest.fixture
def five_customers_two_sites() -> pd.DataFrame:
    # site-a
    #   c1 referred 1 Jan, started 11 Jan, outcome 11 Mar (60 days: 31 + 29), exit 10 Apr (90 days)
    #   c2 referred 15 Jan, started 1 Feb, outcome 21 Feb (20 days), still open
    #   c3 referred 1 Feb, never started, closed 20 Feb (closed before start, not an exit)
    # site-b
    #   c4 referred 5 Jan, started 20 Jan, no outcome, still open
    #   c5 referred 1 Mar, nothing since
    return caseload_frame(
        [
            ("c1", "site-a", "2024-01-01", "2024-01-11", "2024-03-11", "2024-04-10"),
            ("c2", "site-a", "2024-01-15", "2024-02-01", "2024-02-21", None),
            ("c3", "site-a", "2024-02-01", None, None, "2024-02-20"),
            ("c4", "site-b", "2024-01-05", "2024-01-20", None, None),
            ("c5", "site-b", "2024-03-01", None, None, None),
        ]
    )


FLOW_COLUMNS = [
    "site",
    "referrals",
    "starts",
    "outcomes",
    "exits",
    "closed_before_start",
    "open_caseload",
    "conversion_to_start",
    "conversion_to_outcome",
    "median_days_to_outcome",
    "p80_days_to_outcome",
    "throughput_per_month",
    "mean_days_in_service",
    "window_start",
    "as_of",
]


def test_flow_by_site_counts_converts_and_times(five_customers_two_sites):
    # Window 1 Jan to 30 Apr 2024 = 121 days = 121 / 30.4375 = 3.975 months.
    # site-a: 3 referrals, 2 starts (2/3 = 0.667), 2 outcomes (2/2 = 1.0), 1 exit, 1 closed
    #   before start, 1 open (c2); days to outcome 20 and 60: median 40, p80 20 + 0.8 * 40 = 52;
    #   exits per month 1 / 3.975 = 0.252; mean days in service 90.
    result = flow_by_site(five_customers_two_sites, as_of=pd.Timestamp("2024-04-30"))

    assert list(result.columns) == FLOW_COLUMNS
    assert list(result["site"]) == ["site-a", "site-b", ALL_SITES]
    a = row(result, "site-a")
    counts = ["referrals", "starts", "outcomes", "exits", "closed_before_start", "open_caseload"]
    assert [a[c] for c in counts] == [3, 2, 2, 1, 1, 1]
    assert round(a["conversion_to_start"], 3) == 0.667
    assert a["conversion_to_outcome"] == 1.0
    assert (a["median_days_to_outcome"], a["p80_days_to_outcome"]) == (40.0, 52.0)
    assert round(a["throughput_per_month"], 3) == 0.252
    assert a["throughput_per_month"] == pytest.approx(1 / (121 / DAYS_PER_MONTH))
    assert a["mean_days_in_service"] == 90.0
    assert a["window_start"] == pd.Timestamp("2024-01-01")


def test_flow_by_site_all_nat_outcomes_give_zero_conversion_and_no_times(
    five_customers_two_sites,
):
    # site-b: 2 referrals, 1 start, no outcome date at all: conversion 0 / 1 = 0, no timings.
    result = flow_by_site(five_customers_two_sites, as_of=pd.Timestamp("2024-04-30"))

    b = row(result, "site-b")
    assert (b["referrals"], b["starts"], b["outcomes"], b["open_caseload"]) == (2, 1, 0, 1)
    assert b["conversion_to_start"] == 0.5
    assert b["conversion_to_outcome"] == 0.0
    assert math.isnan(b["median_days_to_outcome"])
    assert math.isnan(b["mean_days_in_service"])


def test_flow_by_site_contract_row_pools_customers(five_customers_two_sites):
    # All: 5 referrals, 3 starts (0.6), 2 outcomes (2/3), 1 exit, 2 open; the median comes from
    # the pooled outcomes (20, 60) -> 40, not from a median of site medians.
    result = flow_by_site(five_customers_two_sites, as_of=pd.Timestamp("2024-04-30"))

    total = row(result, ALL_SITES)
    assert (total["referrals"], total["starts"], total["outcomes"]) == (5, 3, 2)
    assert total["open_caseload"] == 2
    assert total["conversion_to_start"] == 0.6
    assert round(total["conversion_to_outcome"], 3) == 0.667
    assert total["median_days_to_outcome"] == 40.0


def test_flow_by_site_site_with_no_starts_has_no_conversion_to_outcome():
    frame = caseload_frame([("c1", "site-c", "2024-02-10", None, None, None)])

    result = flow_by_site(frame)

    c = row(result, "site-c")
    assert (c["referrals"], c["starts"], c["open_caseload"]) == (1, 0, 0)
    assert c["conversion_to_start"] == 0.0
    assert math.isnan(c["conversion_to_outcome"])


def test_flow_by_site_as_of_in_the_past_ignores_later_events(five_customers_two_sites):
    # On 15 Feb site-a has c1 and c2 in service; c2's outcome (21 Feb) has not happened yet and
    # c1's (11 Mar) neither.
    result = flow_by_site(five_customers_two_sites, as_of=pd.Timestamp("2024-02-15"))

    a = row(result, "site-a")
    assert (a["open_caseload"], a["outcomes"], a["exits"], a["referrals"]) == (2, 0, 0, 3)


def test_flow_by_site_period_months_counts_only_the_window(five_customers_two_sites):
    # Two months to 30 Apr: 1 Mar - 30 Apr (61 days). site-a: c1's outcome (11 Mar) and exit
    # (10 Apr), no referral nor start -> conversion to outcome undefined; site-b: c5's referral.
    result = flow_by_site(
        five_customers_two_sites, as_of=pd.Timestamp("2024-04-30"), period_months=2
    )

    a, b = row(result, "site-a"), row(result, "site-b")
    assert (a["referrals"], a["starts"], a["outcomes"], a["exits"]) == (0, 0, 1, 1)
    assert math.isnan(a["conversion_to_outcome"])
    assert a["throughput_per_month"] == pytest.approx(1 / (61 / DAYS_PER_MONTH))
    assert b["referrals"] == 1
    assert a["window_start"] == pd.Timestamp("2024-03-01")


def test_flow_by_month_counts_events_and_running_caseload(five_customers_two_sites):
    # Default as_of is the last date in the extract (10 Apr), so the months run Jan-Apr.
    # site-a caseload at month end: Jan 1 (c1), Feb 2 (c1, c2), Mar 2, Apr 1 (c1 left).
    # c3's closure in Feb is not an exit from service. site-b: c4 open from January.
    result = flow_by_month(five_customers_two_sites)

    assert list(result.columns) == [
        "site",
        "period",
        "referrals",
        "starts",
        "outcomes",
        "exits",
        "open_caseload_month_end",
    ]
    a = result[result["site"] == "site-a"]
    assert list(a["period"].dt.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert list(a["referrals"]) == [2, 1, 0, 0]
    assert list(a["starts"]) == [1, 1, 0, 0]
    assert list(a["outcomes"]) == [0, 1, 1, 0]
    assert list(a["exits"]) == [0, 0, 0, 1]
    assert list(a["open_caseload_month_end"]) == [1, 2, 2, 1]
    total = result[result["site"] == ALL_SITES]
    assert list(total["open_caseload_month_end"]) == [2, 3, 3, 2]


def test_flow_by_month_caseload_agrees_with_flow_by_site_at_each_month_end():
    # Property check on a random caseload: the running total equals a direct count at month end.
    rng = np.random.default_rng(7)
    n = 500
    referral = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")
    start = referral + pd.to_timedelta(rng.integers(0, 20, n), "D")
    exit_ = start + pd.to_timedelta(rng.integers(0, 120, n), "D")
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "site": rng.choice(["site-a", "site-b", "site-c"], n),
            "referral_date": referral,
            "start_date": pd.Series(start).where(rng.random(n) < 0.8),
            "outcome_date": pd.NaT,
            "exit_date": pd.Series(exit_).where(rng.random(n) < 0.7),
        }
    )
    frame["exit_date"] = frame["exit_date"].where(frame["start_date"].notna())

    monthly = flow_by_month(frame)

    for month_end in ["2023-03-31", "2023-07-31", "2023-10-31"]:
        period = pd.Timestamp(month_end).replace(day=1)
        direct = flow_by_site(frame, as_of=pd.Timestamp(month_end)).set_index("site")
        running = monthly[monthly["period"] == period].set_index("site")
        pd.testing.assert_series_equal(
            running["open_caseload_month_end"],
            direct["open_caseload"],
            check_names=False,
            check_dtype=False,
        )


def test_flow_accepts_microsecond_dates(five_customers_two_sites):
    # pandas 3 parses dates to microseconds; the result must not depend on the resolution.
    as_us = five_customers_two_sites.astype({c: "datetime64[us]" for c in DATES})
    as_ns = five_customers_two_sites.astype({c: "datetime64[ns]" for c in DATES})

    pd.testing.assert_frame_equal(
        flow_by_site(as_us).drop(columns=["window_start", "as_of"]),
        flow_by_site(as_ns).drop(columns=["window_start", "as_of"]),
    )


def test_flow_of_an_empty_caseload_is_a_clear_error():
    with pytest.raises(ValueError, match="empty"):
        flow_by_site(caseload_frame([]))


def steady_service(first_start: str = "2022-01-01", last_start: str = "2023-12-31") -> pd.DataFrame:
    """One site where a customer starts every day and stays exactly 30 days."""
    starts = pd.date_range(first_start, last_start, freq="D")
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(starts))],
            "site": "site-a",
            "referral_date": starts,
            "start_date": starts,
            "outcome_date": pd.NaT,
            "exit_date": starts + pd.Timedelta(days=30),
        }
    )


def test_littles_law_holds_in_a_steady_service():
    # Window: the 12 months to 31 Dec 2023 (365 days). Every day 30 customers are in service,
    # so L = 30; 365 customers start in the window, λ = 1 a day (and 365 leave); each of those
    # who left stayed W = 30 days. λW = 30, ratio 1.00, no flag.
    result = littles_law_check(steady_service(), as_of=pd.Timestamp("2023-12-31"))

    assert list(result.columns) == [
        "site",
        "window_start",
        "window_end",
        "open_at_start",
        "open_at_end",
        "caseload",
        "starts_per_day",
        "throughput_per_day",
        "mean_days_in_service",
        "expected_caseload",
        "ratio",
        "flag",
        "explanation",
    ]
    a = row(result, "site-a")
    assert a["window_start"] == pd.Timestamp("2023-01-01")
    assert a["window_end"] == pd.Timestamp("2023-12-31")
    assert a["caseload"] == pytest.approx(30.0)
    assert a["starts_per_day"] == pytest.approx(1.0)
    assert a["throughput_per_day"] == pytest.approx(1.0)
    assert a["mean_days_in_service"] == 30.0
    assert a["ratio"] == pytest.approx(1.0)
    assert (a["open_at_start"], a["open_at_end"]) == (30, 30)
    assert not a["flag"]
    assert a["explanation"] == ""


def test_littles_law_flags_missing_exits():
    # Every fifth customer has lost their exit date: they look open for ever, the caseload
    # keeps growing and L is well above λW.
    frame = steady_service()
    frame.loc[frame.index % 5 == 0, "exit_date"] = pd.NaT

    result = littles_law_check(frame, as_of=pd.Timestamp("2023-12-31"))

    a = row(result, "site-a")
    assert a["flag"]
    assert a["ratio"] > 1.25
    assert "exits may be missing" in a["explanation"]


def test_littles_law_flags_a_bulk_closure_of_old_cases():
    # 100 dormant customers started 1 Jan 2021 are all closed on 31 Dec 2023 (1,094 days).
    # L = (30 × 365 + 100 × 364) / 365 = 47,350 / 365 = 129.73
    # λ = 365 starts / 365 days = 1 a day; W = (365 × 30 + 100 × 1,094) / 465 = 258.82 days
    # λW = 258.82; ratio = 129.73 / 258.82 = 0.501 -> flagged "smaller".
    dormant = pd.DataFrame(
        {
            "customer_id": [f"d{i}" for i in range(100)],
            "site": "site-a",
            "referral_date": pd.Timestamp("2021-01-01"),
            "start_date": pd.Timestamp("2021-01-01"),
            "outcome_date": pd.NaT,
            "exit_date": pd.Timestamp("2023-12-31"),
        }
    )
    frame = pd.concat([steady_service(), dormant], ignore_index=True)

    result = littles_law_check(frame, as_of=pd.Timestamp("2023-12-31"))

    a = row(result, "site-a")
    assert round(a["caseload"], 2) == 129.73
    assert round(a["mean_days_in_service"], 2) == 258.82
    assert round(a["expected_caseload"], 2) == 258.82
    assert round(a["ratio"], 3) == 0.501
    assert a["flag"]
    assert "closed in bulk" in a["explanation"]
    assert "moved from 130 to 30" in a["explanation"]


def test_littles_law_is_not_fooled_by_a_service_that_opened_in_the_window():
    # The service opens on 1 Jan 2023; one customer starts each day and stays 150 days.
    # Customers starting on days 0-215 spend all 150 days inside 2023: 216 × 150 = 32,400;
    # those starting on days 216-364 spend 149 ... 1 days: 149 × 150 / 2 = 11,175.
    # L = 43,575 / 365 = 119.38. λ = 365 starts / 365 days = 1; W = 150: λW = 150,
    # ratio 0.796, within tolerance. With exits instead of starts (215 exits: days 0-214),
    # λW would be 215 / 365 × 150 = 88.36 and the ratio 1.351: a false alarm.
    frame = steady_service("2023-01-01", "2023-12-31")
    frame["exit_date"] = frame["start_date"] + pd.Timedelta(days=150)

    a = row(littles_law_check(frame, as_of=pd.Timestamp("2023-12-31")), "site-a")

    assert round(a["caseload"], 2) == 119.38
    assert a["throughput_per_day"] == pytest.approx(215 / 365)
    assert round(a["ratio"], 3) == 0.796
    assert not a["flag"]


def test_littles_law_with_open_customers_and_no_exits_is_infinite_and_flagged():
    frame = caseload_frame([("c1", "site-a", "2024-01-01", "2024-01-02", None, None)])

    result = littles_law_check(frame, as_of=pd.Timestamp("2024-06-30"))

    a = row(result, "site-a")
    assert math.isinf(a["ratio"])
    assert a["expected_caseload"] == 0.0
    assert a["flag"]


def test_littles_law_tolerance_is_a_parameter():
    frame = steady_service()
    frame.loc[frame.index % 5 == 0, "exit_date"] = pd.NaT
    ratio = littles_law_check(frame, as_of=pd.Timestamp("2023-12-31"))["ratio"].iloc[0]

    relaxed = littles_law_check(frame, tolerance=ratio, as_of=pd.Timestamp("2023-12-31"))

    assert not relaxed["flag"].iloc[0]


def test_sorting_by_group_gives_what_a_full_sort_gives() -> None:
    """The counting sort of whole days equals numpy's lexsort; other values are sorted."""
    from assessment.data_analysis.flow import sort_by_group

    rng = np.random.default_rng(1)
    codes = rng.integers(0, 7, 10_000)
    for values in (rng.integers(-5, 400, 10_000).astype(float), rng.integers(0, 90, 10_000)):
        ordered = sort_by_group(codes, values, 9)
        expected = values[np.lexsort((values, codes))]
        assert ordered.dtype == expected.dtype
        np.testing.assert_array_equal(ordered, expected)
    fractions = rng.random(1_000)
    np.testing.assert_array_equal(
        sort_by_group(codes[:1_000], fractions, 7),
        fractions[np.lexsort((fractions, codes[:1_000]))],
    )


def test_the_contract_row_is_what_one_site_of_every_customer_gives() -> None:
    """The contract's figures, summed from the sites', equal a pass over all customers as one."""
    rng = np.random.default_rng(5)
    n = 3_000
    referral = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    start = referral + pd.to_timedelta(rng.integers(0, 40, n), unit="D")
    start = start.where(rng.random(n) < 0.8)
    outcome = (start + pd.to_timedelta(rng.integers(10, 300, n), unit="D")).where(
        rng.random(n) < 0.3
    )
    leave = (start + pd.to_timedelta(rng.integers(5, 400, n), unit="D")).where(rng.random(n) < 0.6)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "site": rng.choice(["a", "b", "c", "d"], n),
            "referral_date": referral,
            "start_date": start,
            "outcome_date": outcome,
            "exit_date": leave,
        }
    )
    pooled = frame.assign(site="pooled")
    as_of = pd.Timestamp("2025-01-31")
    for figures in (flow_by_site, littles_law_check):
        by_site = figures(frame, as_of=as_of)
        one = figures(pooled, as_of=as_of)
        contract = by_site[by_site["site"] == ALL_SITES].drop(columns="site").reset_index(drop=True)
        expected = one[one["site"] == "pooled"].drop(columns="site").reset_index(drop=True)
        pd.testing.assert_frame_equal(contract, expected, check_exact=True)
