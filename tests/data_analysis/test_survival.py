"""Time to outcome (leaving is a competing event), and cohort conversion, by hand."""

import math

import pandas as pd
import pytest

from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.survival import cohort_conversion, time_to_outcome

START = pd.Timestamp("2024-01-01")


def customer(cid: str, site: str, start_day: int | None, outcome: int | None, exit_: int | None):
    day = lambda n: START + pd.Timedelta(days=n) if n is not None else pd.NaT  # noqa: E731
    return {
        "customer_id": cid,
        "site": site,
        "referral_date": START,
        "start_date": day(start_day),
        "outcome_date": day(outcome),
        "exit_date": day(exit_),
    }


@pytest.fixture
def six_starters() -> pd.DataFrame:
    # Days from start: outcomes at 5, 10, 30, 40; exit without outcome at 20 (censored); one still
    # waiting when the data end on day 400 (censored); one referral never started (left out).
    return pd.DataFrame(
        [
            customer("a", "north", 0, 5, 5),
            customer("b", "north", 0, 10, None),
            customer("c", "north", 0, None, 20),
            customer("d", "north", 0, 30, 60),
            customer("e", "north", 0, 40, None),
            customer("f", "north", 0, None, None),
            customer("g", "north", None, None, None),
            customer("z", "south", 0, None, 400),
        ]
    )


def test_time_to_outcome_matches_the_hand_computed_cumulative_incidence(six_starters):
    # Leaving without an outcome is a competing event (c, day 20); f is still waiting when the
    # data end on day 400 (censored). Day 5: 6 followed, F = 1/6, S = 5/6; day 10: 5 followed,
    # F = 2/6, S = 4/6; day 20: c leaves, S = 3/6; day 30: 3 followed, F = 2/6 + 3/6 × 1/3 = 3/6,
    # S = 2/6; day 40: 2 followed, F = 3/6 + 2/6 × 1/2 = 4/6. Median: F first reaches 1/2 on day 30.
    summary, curves = time_to_outcome(six_starters)

    north = summary.set_index("site").loc["north"]
    assert (north["started"], north["outcomes"], north["left"], north["waiting"]) == (6, 4, 1, 1)
    assert north["median_days"] == 30
    assert north["median_low"] <= 30
    # By 6 and 12 months (followed to day 400): 4 of 6 had an outcome. (Censoring c at its exit
    # would say 7/9: the chance for someone who never leaves, not the chance of an outcome.)
    assert north["outcome_6m"] == pytest.approx(4 / 6)
    assert north["outcome_12m"] == pytest.approx(4 / 6)
    # Day 14: F = 1/3. Variance (Marubini–Valsecchi): day 5: (1/3-1/6)²/(6×5) + 5/6³
    # - 2×(1/6)/6² = 0.000926 + 0.023148 - 0.009259; day 10: (5/6)²×4/5³ = 0.022222: 1/27.
    # Log-log: spread 1.96 × √(1/27) / (1/3 × ln 3) = 1.03002 -> (1/3)^2.8011 = 0.0461 to
    # (1/3)^0.3570 = 0.6756.
    day14 = curves[(curves["site"] == "north") & (curves["days"] == 14)].iloc[0]
    assert day14["outcome_share"] == pytest.approx(1 / 3)
    assert (day14["low"], day14["high"]) == pytest.approx((0.0461, 0.6756), abs=5e-4)


def test_median_not_reached_gives_the_chance_within_6_and_12_months(six_starters):
    summary, _ = time_to_outcome(six_starters)

    south = summary.set_index("site").loc["south"]
    assert math.isnan(south["median_days"])
    assert (south["outcome_6m"], south["outcome_12m"]) == (0.0, 0.0)
    assert (south["left"], south["waiting"]) == (1, 0)
    assert summary["site"].tolist() == ["north", "south", ALL_SITES]


def test_cohort_conversion_follows_each_starter_for_twelve_months():
    # Data end 31 Dec 2025: the cohort started 1 Jan - 31 Dec 2024 and is followed 365 days.
    # Four starters in 2024: a (outcome after 100 days: yes), b (after 400 days: too late), c and e
    # (none); d started in 2025, outside the cohort. 1 of 4 = 25%.
    frame = pd.DataFrame(
        [
            customer("a", "north", 0, 100, 100),
            customer("b", "north", 10, 410, 410),
            customer("c", "north", 20, None, None),
            customer("d", "north", 400, 420, None),
            customer("e", "north", 0, None, 730),
        ]
    )
    frame.loc[4, "exit_date"] = pd.Timestamp("2025-12-31")

    result = cohort_conversion(frame).set_index("site").loc["north"]

    assert result["cohort_start"] == pd.Timestamp("2024-01-01")
    assert result["cohort_end"] == pd.Timestamp("2024-12-31")
    assert (result["cohort_starts"], result["cohort_outcomes"]) == (4, 1)
    assert result["cohort_rate"] == pytest.approx(0.25)
    # Nobody is censored before the horizon: the variance is the binomial 0.25 × 0.75 / 4 =
    # 0.046875; log-log: spread 1.96 × 0.21651 / (0.25 × ln 4) = 1.22447, so 0.25 ** e^1.22447
    # = 0.0092 to 0.25 ** e^-1.22447 = 0.6658.
    assert (result["cohort_low"], result["cohort_high"]) == pytest.approx(
        (0.0092, 0.6658), abs=5e-4
    )
