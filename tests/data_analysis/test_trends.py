"""Trends from a count model: noise gives "no clear trend", a real change is found, seasons not."""

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.trends import (
    DECLINING,
    IMPROVING,
    NO_CLEAR_TREND,
    SLOPE,
    TOO_FEW_MONTHS,
    YEAR_ON_YEAR,
    count_trend,
)


def monthly(actual: list[float] | np.ndarray, target: float = 6.0, site: str = "a") -> pd.DataFrame:
    periods = pd.date_range("2025-01-01", periods=len(actual), freq="MS")
    return pd.DataFrame(
        {"site": site, "period": periods, "measure": "outcomes", "actual": actual, "target": target}
    )


def direction(frame: pd.DataFrame, **kwargs: object) -> str:
    result = count_trend(frame, "outcomes", **kwargs)
    return str(result.loc[result["site"] == "a", "direction"].iloc[0])


def seeded_sites(means: np.ndarray, target: float) -> list[str]:
    """The direction of 200 seeded Poisson series (one "site" per seed, fitted in one call)."""
    frame = pd.concat(
        [
            monthly(np.random.default_rng(seed).poisson(means).astype(float), target, f"s{seed}")
            for seed in range(200)
        ]
    )
    result = count_trend(frame, "outcomes")
    return result.loc[result["site"] != ALL_SITES, "direction"].tolist()


def test_flat_poisson_series_give_no_clear_trend_in_at_least_95_percent_of_seeds():
    # A site flat at 6 outcomes a month for 12 months, 200 seeds.
    calls = seeded_sites(np.full(12, 6.0), target=6.0)
    assert len(calls) == 200
    assert calls.count(NO_CLEAR_TREND) >= 190


def test_a_true_doubling_over_twelve_months_is_improving_in_at_least_80_percent_of_seeds():
    # 20 outcomes a month rising steadily to 40 twelve months later, against a flat target of 20.
    calls = seeded_sites(20.0 * 2 ** (np.arange(12) / 12), target=20.0)
    assert calls.count(IMPROVING) >= 160
    assert DECLINING not in calls


def test_the_slope_comes_with_its_interval_and_the_window():
    # Exactly doubling over 6 months with no noise: 10, 11.2, ..., 20 -> +12.2% a month.
    actual = np.round(10 * 2 ** (np.arange(7) / 6), 6)
    result = count_trend(monthly(actual, target=10.0), "outcomes").set_index("site").loc["a"]

    assert result["method"] == SLOPE
    assert result["periods"] == 7
    assert result["change"] == pytest.approx(2 ** (1 / 6) - 1, rel=1e-6)
    assert result["change_low"] < result["change"] < result["change_high"]
    assert result["window_start"] == pd.Timestamp("2025-01-01")
    assert result["window_end"] == pd.Timestamp("2025-07-01")
    assert result["last_pct_of_target"] == pytest.approx(200.0)


def test_fewer_than_six_complete_months_say_too_few():
    assert direction(monthly([1.0, 2.0, 4.0, 8.0, 16.0])) == TOO_FEW_MONTHS
    # A partial last month is left out when the caller names the last complete month.
    frame = monthly([6.0, 6.0, 6.0, 6.0, 6.0, 1.0])
    assert direction(frame, last_complete=pd.Timestamp("2025-05-01")) == TOO_FEW_MONTHS


def test_a_falling_count_where_fewer_is_better_is_improving():
    actual = 40.0 * 0.5 ** (np.arange(12) / 12)
    assert direction(monthly(np.round(actual), target=20.0), lower_is_better={"outcomes"}) == (
        IMPROVING
    )


def test_seasons_are_compared_with_the_same_months_a_year_earlier():
    # 24 months with a December dip to 60% of a flat target, no change year on year: a line
    # through the last 12 months would see the dip; the year-on-year comparison sees none.
    pattern = [30.0] * 11 + [18.0]
    result = count_trend(monthly(pattern * 2, target=30.0), "outcomes").set_index("site").loc["a"]

    assert result["method"] == YEAR_ON_YEAR
    assert result["direction"] == NO_CLEAR_TREND
    assert result["change"] == pytest.approx(0.0, abs=1e-9)
    # Oct-Dec 2026 against Oct-Dec 2025.
    assert result["window_end"] == pd.Timestamp("2026-12-01")
    assert result["periods"] == 6


def test_the_contract_trend_sums_the_sites():
    frame = pd.concat([monthly([6.0] * 8), monthly([6.0] * 8, site="b")])
    result = count_trend(frame, "outcomes")

    assert result["site"].tolist() == ["a", "b", ALL_SITES]
    assert result.set_index("site").loc[ALL_SITES, "last_pct_of_target"] == 100.0


def test_the_quick_fit_gives_statsmodels_figures_to_the_last_digits():
    """The step-by-step IRLS (no GLM objects) reproduces statsmodels' GLM on many series."""
    from assessment.data_analysis.trends import _poisson_fit, _statsmodels_fit

    rng = np.random.default_rng(7)
    compared = 0
    for seed in range(300):
        n = int(rng.integers(6, 25))
        target = rng.uniform(0.5, 40, n)
        drift = np.linspace(1, rng.uniform(0.3, 3), n)
        actual = rng.poisson(target * rng.uniform(0.2, 2.0) * drift)
        if seed % 10 == 0:
            actual[: n // 2] = 0  # counts all at one end: the boundary
        if actual.sum() <= 0:
            continue
        term = (np.arange(n) >= n - 3).astype(float) if seed % 3 == 0 else np.arange(n, dtype=float)
        design = np.column_stack([np.ones(n), term])
        quick = _poisson_fit(actual.astype(float), design, np.log(target))
        if quick is None:
            continue  # left to statsmodels itself
        compared += 1
        expected = _statsmodels_fit(actual.astype(float), design, np.log(target))
        assert quick[2] == expected[2]
        figures, wanted = quick[:2] + quick[3:], expected[:2] + expected[3:]
        assert figures == pytest.approx(wanted, rel=1e-9, abs=1e-12)
    assert compared > 250
