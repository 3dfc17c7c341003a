"""Performance against contract: percentages, gaps, ranks, spread and trend on hand-made KPIs."""

import math

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis.performance import (
    ALL_SITES,
    performance_by_period,
    performance_to_date,
    site_spread,
)


def kpi_frame(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """A canonical KPI long frame from (site, 'YYYY-MM', measure, actual, target) tuples."""
    frame = pd.DataFrame(rows, columns=["site", "period", "measure", "actual", "target"])
    frame["period"] = pd.to_datetime(frame["period"] + "-01")
    return frame.astype({"actual": float, "target": float})


@pytest.fixture
def two_sites_one_month() -> pd.DataFrame:
    # site-a: 30 outcomes against 20 -> 150%, gap -10 (ahead); site-b: 10 against 20 -> 50%,
    # gap 10. The contract: 40 against 40 -> 100%, gap 0.
    return kpi_frame(
        [
            ("site-a", "2024-01", "job_outcomes", 30, 20),
            ("site-b", "2024-01", "job_outcomes", 10, 20),
        ]
    )


@pytest.fixture
def three_sites_two_months() -> pd.DataFrame:
    # To date, per site (two months of target 50 each = 100):
    #   site-a 60 + 60 = 120 -> 120%; site-b 30 + 32 = 62 -> 62%; site-c 45 + 50 = 95 -> 95%.
    # Contract: 277 of 300 -> 92.33%.
    return kpi_frame(
        [
            ("site-a", "2024-01", "job_outcomes", 60, 50),
            ("site-a", "2024-02", "job_outcomes", 60, 50),
            ("site-b", "2024-01", "job_outcomes", 30, 50),
            ("site-b", "2024-02", "job_outcomes", 32, 50),
            ("site-c", "2024-01", "job_outcomes", 45, 50),
            ("site-c", "2024-02", "job_outcomes", 50, 50),
        ]
    )


def row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.logical_and.reduce([frame[k] == v for k, v in where.items()])
    matches = frame[mask]
    assert len(matches) == 1, f"expected one row for {where}, got {len(matches)}"
    return matches.iloc[0]


def test_by_period_gives_percentage_and_gap_per_site_and_contract(two_sites_one_month):
    result = performance_by_period(two_sites_one_month)

    assert list(result.columns) == [
        "site",
        "measure",
        "period",
        "actual",
        "target",
        "pct_of_target",
        "gap",
    ]
    assert list(result["site"]) == ["site-a", "site-b", ALL_SITES]
    a, b, total = (row(result, site=s) for s in ["site-a", "site-b", ALL_SITES])
    assert (a["pct_of_target"], a["gap"]) == (150.0, -10.0)
    assert (b["pct_of_target"], b["gap"]) == (50.0, 10.0)
    assert (total["actual"], total["target"], total["pct_of_target"]) == (40.0, 40.0, 100.0)


def test_lower_is_better_inverts_percentage_and_gap():
    # Days to first appointment: 10 against a target of 12 is 12 / 10 = 120% and 2 days ahead
    # (gap = actual - target = -2); 15 against 12 is 80% and 3 days short.
    kpi = kpi_frame(
        [
            ("site-a", "2024-01", "days_to_start", 10, 12),
            ("site-b", "2024-01", "days_to_start", 15, 12),
        ]
    )

    result = performance_by_period(kpi, lower_is_better={"days_to_start"})

    assert row(result, site="site-a")["pct_of_target"] == pytest.approx(120.0)
    assert row(result, site="site-a")["gap"] == -2.0
    assert row(result, site="site-b")["pct_of_target"] == pytest.approx(80.0)
    assert row(result, site="site-b")["gap"] == 3.0


def test_zero_target_gives_no_percentage_but_keeps_the_gap():
    # A month with no contracted target: the percentage is undefined, the gap is 0 - 5 = -5.
    kpi = kpi_frame([("site-a", "2024-01", "starts", 5, 0)])

    result = performance_by_period(kpi)

    site = row(result, site="site-a")
    assert math.isnan(site["pct_of_target"])
    assert site["gap"] == -5.0


def test_to_date_sums_periods_and_ranks_sites(three_sites_two_months):
    result = performance_to_date(three_sites_two_months)

    assert list(result.columns) == [
        "site",
        "measure",
        "periods",
        "actual",
        "target",
        "pct_of_target",
        "gap",
        "rank",
    ]
    expected = {"site-a": (120.0, -20.0, 1), "site-b": (62.0, 38.0, 3), "site-c": (95.0, 5.0, 2)}
    for site, (pct, gap, rank) in expected.items():
        r = row(result, site=site)
        assert (r["pct_of_target"], r["gap"], r["rank"], r["periods"]) == (pct, gap, rank, 2)
    total = row(result, site=ALL_SITES)
    assert round(total["pct_of_target"], 2) == 92.33
    assert pd.isna(total["rank"])


def test_to_date_ties_share_the_better_rank_and_missing_percentages_are_unranked():
    # site-a and site-b both at 50%; site-c has no target at all, so no rank.
    kpi = kpi_frame(
        [
            ("site-a", "2024-01", "starts", 5, 10),
            ("site-b", "2024-01", "starts", 10, 20),
            ("site-c", "2024-01", "starts", 3, 0),
        ]
    )

    result = performance_to_date(kpi)

    assert row(result, site="site-a")["rank"] == 1
    assert row(result, site="site-b")["rank"] == 1
    assert pd.isna(row(result, site="site-c")["rank"])


def test_site_spread_names_best_and_worst(three_sites_two_months):
    # 120, 62, 95: spread 58 pp. Mean 92.33; population sd = sqrt((27.67² + 30.33² + 2.67²) / 3)
    # = sqrt((765.44 + 920.11 + 7.11) / 3) = 23.75, so cv = 23.75 / 92.33 = 0.257.
    to_date = performance_to_date(three_sites_two_months)

    spread = site_spread(to_date, "job_outcomes")

    assert (spread.best_site, spread.worst_site) == ("site-a", "site-b")
    assert (spread.best_pct, spread.worst_pct) == (120.0, 62.0)
    assert spread.spread_pp == pytest.approx(58.0)
    assert round(spread.cv, 3) == 0.257
    assert spread.n_sites == 3


def test_site_spread_of_a_single_site_is_zero():
    to_date = performance_to_date(kpi_frame([("site-a", "2024-01", "starts", 5, 10)]))

    spread = site_spread(to_date, "starts")

    assert (spread.best_site, spread.worst_site, spread.spread_pp, spread.cv) == (
        "site-a",
        "site-a",
        0.0,
        0.0,
    )


def test_site_spread_without_any_percentage_says_which_measure():
    to_date = performance_to_date(kpi_frame([("site-a", "2024-01", "starts", 5, 0)]))

    with pytest.raises(ValueError, match="'starts'"):
        site_spread(to_date, "starts")
