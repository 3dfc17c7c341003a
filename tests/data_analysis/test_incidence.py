"""The sites × days Kaplan–Meier gives statsmodels' numbers (via ``survival.time_to_outcome``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.incidence import outcome_incidence
from assessment.data_analysis.survival import time_to_outcome


def _random_caseload(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    referral = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 600, n), unit="D")
    start = referral + pd.to_timedelta(rng.integers(0, 40, n), unit="D")
    converts = rng.random(n) < 0.3
    outcome = start + pd.to_timedelta(rng.integers(5, 400, n), unit="D")
    leaves = start + pd.to_timedelta(rng.integers(10, 500, n), unit="D")
    exit_ = np.where(converts, outcome + pd.Timedelta(days=30), leaves)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "site": rng.choice(["a", "b", "c"], n),
            "referral_date": referral,
            "start_date": start,
            "outcome_date": pd.Series(outcome).where(converts),
            "exit_date": pd.to_datetime(exit_),
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_statsmodels_with_only_the_end_of_data_censoring(seed: int) -> None:
    caseload = _random_caseload(seed)
    as_of = pd.Timestamp("2025-10-31")
    ours = outcome_incidence(caseload, 12 * DAYS_PER_MONTH, as_of).set_index("site")
    theirs, _ = time_to_outcome(caseload.assign(exit_date=pd.NaT), as_of)
    theirs = theirs.set_index("site").loc[ours.index]
    assert ours["share"].to_numpy() == pytest.approx(theirs["outcome_12m"].to_numpy(), abs=1e-9)
    assert ours["low"].to_numpy() == pytest.approx(theirs["outcome_12m_low"].to_numpy(), abs=1e-9)
    assert ours["high"].to_numpy() == pytest.approx(theirs["outcome_12m_high"].to_numpy(), abs=1e-9)


def test_hand_computed_leavers_count_as_no_outcome() -> None:
    start = pd.Timestamp("2025-01-01")
    caseload = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "site": "x",
            "referral_date": start,
            "start_date": start,
            # two outcomes on days 10 and 40; one left on day 5; one still waiting
            "outcome_date": [start + pd.Timedelta(days=10), start + pd.Timedelta(days=40)]
            + [pd.NaT] * 2,
            "exit_date": [pd.NaT, pd.NaT, start + pd.Timedelta(days=5), pd.NaT],
        }
    )
    row = outcome_incidence(caseload, 100, pd.Timestamp("2025-12-31")).iloc[0]
    assert row["share"] == pytest.approx(0.5)  # 2 of 4: the leaver stays in the denominator
    assert row["median_days"] == 10  # half of the 50% is reached at the first outcome
    assert np.isnan(outcome_incidence(caseload, 400, pd.Timestamp("2025-12-31"))["share"][0])


def test_referral_days_are_the_median_per_site_as_pandas_gives_it() -> None:
    caseload = _random_caseload(4)
    ours = outcome_incidence(caseload, 100).set_index("site")["referral_days"]
    started = caseload[caseload["start_date"].notna()]
    theirs = (
        (started["start_date"] - started["referral_date"]).dt.days.groupby(started["site"]).median()
    )
    assert ours.to_numpy() == pytest.approx(theirs.loc[ours.index].to_numpy())
