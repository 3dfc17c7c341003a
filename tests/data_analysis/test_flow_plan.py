"""Flow plan arithmetic: hand-computed fixtures and a property test (feeding the plan back)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis import flow_plan as fp

MONTHS = pd.date_range("2026-01-01", periods=6, freq="MS")


def _grid(starts_history: list[float], targets: list[float], now: int = 3) -> fp.Grid:
    """One site, six months (Jan–Jun 2026), actual starts up to ``now``."""
    starts = np.full((1, len(MONTHS)), np.nan)
    starts[0, :now] = starts_history
    referrals = np.where(np.isnan(starts), np.nan, starts * 2)
    return fp.Grid(["a"], MONTHS, now, np.array([targets], dtype=float), starts, referrals)


def _rates(rate: float = 0.2, lag: int = 2, **more: float) -> pd.DataFrame:
    row = {
        "site": "a",
        "start_rate": 0.5,
        "referral_lag": 1,
        "outcome_rate": rate,
        "outcome_low": rate - 0.02,
        "outcome_high": rate + 0.02,
        "outcome_lag": lag,
        "days_in_service": 3 * fp.DAYS_PER_MONTH,
        "staff": 5.0,
        "customer_share": 0.1,
    } | more
    return pd.DataFrame([row])


def test_constant_conversion_and_fixed_lag_give_exactly_the_starts_needed() -> None:
    # 10 outcomes a month at 20% conversion, 2 months after the start: 50 starts, 2 months ahead.
    grid = _grid([50, 50, 50], [10] * 6)
    months = fp.plan_months(grid, _rates())
    assert months["needed_starts"].tolist()[:4] == [50.0, 50.0, 50.0, 50.0]
    # Jun's outcomes would need starts in Jul and Aug, after the contract: no need is planned.
    assert months["needed_starts"].iloc[4:].isna().all()
    # Referrals: half of them start, a month before: 100 referrals a month, one month earlier.
    assert months["needed_referrals"].tolist()[:3] == [100.0, 100.0, 100.0]


def test_a_site_on_track_needs_no_change() -> None:
    summary = fp.plan_summary(_grid([50, 50, 50], [10] * 6), _rates())
    site = summary.iloc[0]
    assert site["needed_starts"] == pytest.approx(50.0)
    assert site["starts_today"] == pytest.approx(50.0)
    assert site["starts_short"] == pytest.approx(0.0)
    assert site["expected"] == pytest.approx(30.0)  # Apr, May, Jun at 10 each
    assert site["shortfall"] == pytest.approx(0.0)
    assert not site["materially_short"]
    assert pd.isna(site["unreachable_from"])
    assert site["catch_up_starts"] == pytest.approx(50.0)


def test_a_short_site_shows_its_gap_each_month_and_its_catch_up() -> None:
    summary = fp.plan_summary(_grid([30, 30, 30], [10] * 6), _rates())
    site = summary.iloc[0]
    assert site["starts_short"] == pytest.approx(20.0)
    assert site["expected"] == pytest.approx(18.0)  # 6 a month from 30 starts at 20%
    assert site["shortfall"] == pytest.approx(12.0)
    assert site["materially_short"]
    # Apr and May are fixed by Feb and Mar starts (6 each); only Apr starts still convert by Jun:
    # (30 - 12) / 0.2 = 90 starts in April.
    assert site["catch_up_starts"] == pytest.approx(90.0)
    assert site["last_useful_start"] == pd.Timestamp("2026-04-01")


def test_an_unreachable_target_is_reported_with_the_month_it_became_so() -> None:
    grid = _grid([30, 30, 30], [10] * 6)
    rates = _rates()
    level = fp.todays_level(grid.starts, grid.now)
    rate, lag = np.array([0.2]), np.array([2])
    # The advisers can take 80 starts a month: April's catch-up of 90 is already too many.
    assert fp.unreachable_from(grid, rate, lag, level, np.array([80.0])).tolist() == [3]
    # 100 a month would do in April; from May no start converts by June.
    assert fp.unreachable_from(grid, rate, lag, level, np.array([100.0])).tolist() == [4]
    # With a 4-month lag the last start that converted by June was February: gone since March.
    four = fp.plan_summary(grid, rates.assign(outcome_lag=4)).iloc[0]
    assert four["unreachable_from"] == pd.Timestamp("2026-03-01")
    # Through plan_summary: 5 advisers × 48 customers / 3 months in service = 80 starts a month.
    capped = fp.plan_summary(grid, rates, max_caseload=48).iloc[0]
    assert capped["unreachable_from"] == pd.Timestamp("2026-04-01")


def test_on_track_site_is_never_unreachable_even_with_a_ceiling() -> None:
    grid = _grid([50, 50, 50], [10] * 6)
    level = fp.todays_level(grid.starts, grid.now)
    gone = fp.unreachable_from(grid, np.array([0.2]), np.array([2]), level, np.array([1.0]))
    assert gone.tolist() == [-1]


def test_capacity_by_littles_law_per_adviser_and_at_a_higher_customer_time() -> None:
    summary = fp.plan_summary(
        _grid([50, 50, 50], [10] * 6), _rates(), max_caseload=20, customer_time_goal=0.2
    )
    site = summary.iloc[0]
    assert site["caseload_plan"] == pytest.approx(150.0)  # 50 a month × 3 months in service
    assert site["caseload_per_adviser_plan"] == pytest.approx(30.0)
    assert site["advisers_needed"] == pytest.approx(7.5)
    # Twice today's time with customers: each adviser's maximum stands for twice the customers.
    assert site["advisers_needed_at_goal"] == pytest.approx(3.75)
    assert site["caseload_per_adviser_at_goal"] == pytest.approx(15.0)


def test_the_contract_row_is_the_sum_of_its_sites() -> None:
    grid = fp.Grid(
        ["a", "b"],
        MONTHS,
        3,
        np.array([[10.0] * 6, [4.0] * 6]),
        np.array([[50, 50, 50, np.nan, np.nan, np.nan], [10, 10, 10, np.nan, np.nan, np.nan]]),
        np.full((2, 6), 20.0),
    )
    rates = pd.concat([_rates(), _rates(site="b", outcome_lag=1)], ignore_index=True)
    summary = fp.plan_summary(grid, rates).set_index("site")
    assert summary.loc["ALL", "needed_starts"] == pytest.approx(50.0 + 20.0)
    assert summary.loc["ALL", "target"] == pytest.approx(30.0 + 12.0)
    assert summary.loc["ALL", "staff"] == 10.0


@pytest.mark.parametrize("seed", range(200))
def test_feeding_the_needed_starts_back_reproduces_the_targets(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sites, months = int(rng.integers(1, 6)), int(rng.integers(3, 37))
    rate = rng.uniform(0.02, 0.6, sites)
    lag = rng.integers(0, min(months, 9), sites)
    targets = rng.integers(0, 200, (sites, months)).astype(float)
    need = fp.needed_starts(targets, rate, lag)
    # Starts are whole customers: round the plan up, as a manager would.
    whole = np.ceil(need)
    back = fp.expected_outcomes(np.nan_to_num(whole), rate, lag)
    reached = np.arange(months)[None, :] >= lag[:, None]  # months whose starts lie in the plan
    gap = (back - targets)[reached]
    assert (gap >= -1e-9).all()
    # Within rounding: never more than one start's worth of outcomes over the target.
    assert (gap <= np.repeat(rate[:, None], months, axis=1)[reached] + 1e-9).all()


def test_expected_outcomes_follow_the_starts_made_lag_months_before() -> None:
    grid = _grid([40, 60, 50], [10, 10, 10, 12, 8, 10])
    months = fp.plan_months(grid, _rates())
    planned = months[months["planned"]]
    # Apr from Feb's 60, May from Mar's 50, Jun from today's level (40+60+50)/3 = 50; at 20%.
    assert planned["expected_outcomes"].tolist() == pytest.approx([12.0, 10.0, 10.0])
    # Needed starts follow the targets two months on: Feb for Apr's 12, Mar for May's 8.
    assert months["needed_starts"].tolist()[1:4] == pytest.approx([60.0, 40.0, 50.0])
    assert months["starts_short"].tolist()[1:3] == pytest.approx([0.0, -10.0])
