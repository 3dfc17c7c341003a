"""The chance of an outcome (Aalen–Johansen): by hand and against statsmodels."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.incidence import cumulative_incidence, outcome_incidence

START = pd.Timestamp("2025-01-01")


def _day(n: int | None) -> pd.Timestamp:
    return START + pd.Timedelta(days=n) if n is not None else pd.NaT


def _caseload(rows: list[tuple[str, int | None, int | None]], site: str = "x") -> pd.DataFrame:
    """Starters on 1 Jan 2025: ``(id, outcome day, exit day)``."""
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "site": site,
            "referral_date": START,
            "start_date": START,
            "outcome_date": [_day(r[1]) for r in rows],
            "exit_date": [_day(r[2]) for r in rows],
        }
    )


@pytest.fixture
def five_starters() -> pd.DataFrame:
    # a: outcome day 10; b: left day 20 without one; c: outcome day 30; d: still waiting;
    # e: left day 30 without one (the same day as c's outcome).
    return _caseload(
        [("a", 10, 10), ("b", None, 20), ("c", 30, 40), ("d", None, None), ("e", None, 30)]
    )


def test_leaving_is_a_competing_event_by_hand(five_starters):
    # Day 10: 5 followed, 1 outcome: F = 1/5 = 0.2, S = 4/5.
    # Day 20: 4 followed, b leaves: S = 4/5 × 3/4 = 3/5, F stays 0.2.
    # Day 30: 3 followed, c's outcome and e's exit: F = 0.2 + 3/5 × 1/3 = 0.4, S = 1/5.
    # (Censoring at the exit instead would give 1 - 4/5 × 2/3 = 7/15 = 0.467.)
    est = cumulative_incidence(five_starters, _day(100))
    share, low, high = (v[0] for v in est.at([15, 60, 100]))
    assert share == pytest.approx([0.2, 0.4, 0.4])
    assert (est.started[0], est.outcomes[0], est.left[0], est.waiting[0]) == (5, 2, 2, 1)
    # Variance at day 60 (Marubini–Valsecchi), event days 10, 20, 30 with F(t) = 0.4:
    #   day 10: (0.4-0.2)²×1/(5×4) + 1²×1×4/5³ - 2×0.2×1×1/5² = 0.002 + 0.032 - 0.016
    #   day 20: 0.2²×1/(4×3) = 0.003333
    #   day 30: 0 + (3/5)²×1×2/3³ - 0 = 0.026667            total 0.048
    assert est.variance[0, 60] == pytest.approx(0.048)
    # Day 15: only day 10 counts: 0.032 = 0.2 × 0.8 / 5, the binomial variance.
    assert est.variance[0, 15] == pytest.approx(0.032)
    # Log-log interval at day 60: spread = 1.96 × √0.048 / (0.4 × |ln 0.4|) = 1.17159,
    # 0.4 ** e^1.17159 = 0.0520 and 0.4 ** e^-1.17159 = 0.7528.
    assert (low[1], high[1]) == pytest.approx((0.0520, 0.7528), abs=5e-4)
    # Followed to day 100 (d, the one still waiting): nothing is known past it.
    assert np.isnan(est.at(101)[0, 0, 0])


def test_a_start_after_the_end_of_the_data_is_not_known_yet(five_starters):
    later = _caseload([("z", None, None)]).assign(start_date=_day(150))
    est = cumulative_incidence(pd.concat([five_starters, later]), _day(100))
    assert est.started[0] == 5
    assert est.at(60)[0, 0, 0] == pytest.approx(0.4)


def test_the_contract_row_pools_every_sites_starters(five_starters):
    other = _caseload([("f", 5, 5), ("g", None, 8)], site="y")
    est = cumulative_incidence(pd.concat([five_starters, other]), _day(100))
    assert est.sites == ["x", "y", "ALL"]
    assert list(est.started) == [5, 2, 7]
    # Day 5: 7 followed, 1 outcome -> 1/7, S = 6/7; day 8: g leaves, S = 6/7 × 5/6 = 5/7;
    # day 10: 5 followed, a's outcome: F = 1/7 + 5/7 × 1/5 = 2/7.
    assert est.at(10)[0, 2, 0] == pytest.approx(2 / 7)
    assert est.at(10)[0, 1, 0] == pytest.approx(0.5)


def _random_without_cross_ties(seed: int, n: int = 400) -> tuple[pd.DataFrame, np.ndarray, ...]:
    """Outcomes on even days and exits on odd ones: no outcome and exit share a day."""
    rng = np.random.default_rng(seed)
    kind = rng.choice([0, 1, 2], n, p=[0.3, 0.3, 0.4])  # waiting, outcome, left
    out_day = 2 * rng.integers(1, 200, n)
    exit_day = 2 * rng.integers(1, 200, n) + 1
    outcome = np.where(kind == 1, out_day, -1)
    exit_ = np.where(kind == 2, exit_day, np.where(kind == 1, out_day + 5, -1))
    frame = _caseload(
        [
            (str(i), int(o) if o >= 0 else None, int(e) if e >= 0 else None)
            for i, (o, e) in enumerate(zip(outcome, exit_, strict=True))
        ]
    )
    durations = np.where(kind == 1, out_day, np.where(kind == 2, exit_day, 500))
    return frame, durations, kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_statsmodels_cumulative_incidence(seed: int) -> None:
    # statsmodels' CumIncidenceRight is the same Aalen-Johansen estimate with the same
    # delta-method standard error (lifelines' AalenJohansenFitter agrees too, but it pins
    # pandas below 3 and is not a dependency: see docs/architecture.md).
    frame, durations, kind = _random_without_cross_ties(seed)
    est = cumulative_incidence(frame, _day(500))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its variance divides by zero where nobody is left
        fit = CumIncidenceRight(durations.astype(float), kind)
    for t in (30, 101, 250, 399):
        k = np.searchsorted(fit.times, t, side="right") - 1
        share, low, high = (v[0, 0] for v in est.at(t))
        assert share == pytest.approx(fit.cinc[0][k], abs=1e-12)
        assert np.sqrt(est.variance[0, t]) == pytest.approx(fit.cinc_se[0][k], abs=1e-12)
        assert low < share < high


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


@pytest.mark.parametrize("seed", [1, 2])
def test_without_exits_it_is_statsmodels_kaplan_meier(seed: int) -> None:
    # With no competing event the cumulative incidence is 1 - Kaplan–Meier and its variance
    # Greenwood's: statsmodels' SurvfuncRight, site by site.
    caseload = _random_caseload(seed).assign(exit_date=pd.NaT)
    as_of = pd.Timestamp("2025-10-31")
    est = cumulative_incidence(caseload, as_of)
    days = ((as_of - caseload["start_date"]).dt.days).to_numpy(dtype=float)
    got = (caseload["outcome_date"] <= as_of).to_numpy()
    days = np.where(got, (caseload["outcome_date"] - caseload["start_date"]).dt.days, days)
    for row, site in enumerate(est.sites[:-1]):
        mine = (caseload["site"] == site).to_numpy()
        fit = SurvfuncRight(days[mine], got[mine].astype(float))
        k = np.searchsorted(fit.surv_times, 200, side="right") - 1
        assert est.at(200)[0, row, 0] == pytest.approx(1 - fit.surv_prob[k], abs=1e-12)
        assert np.sqrt(est.variance[row, 200]) == pytest.approx(fit.surv_prob_se[k], abs=1e-12)


def test_the_flow_plans_rate_is_the_same_estimate(five_starters):
    row = outcome_incidence(five_starters, 60, _day(100)).iloc[0]
    assert row["share"] == pytest.approx(0.4)
    assert (row["low"], row["high"]) == pytest.approx((0.0520, 0.7528), abs=5e-4)
    assert row["median_days"] == 10  # half of the 40% is reached at the first outcome
    assert np.isnan(outcome_incidence(five_starters, 400, _day(100))["share"][0])


def test_referral_days_are_the_median_per_site_as_pandas_gives_it() -> None:
    caseload = _random_caseload(4)
    ours = outcome_incidence(caseload, 12 * DAYS_PER_MONTH).set_index("site")["referral_days"]
    started = caseload[caseload["start_date"].notna()]
    theirs = (
        (started["start_date"] - started["referral_date"]).dt.days.groupby(started["site"]).median()
    )
    assert ours.to_numpy() == pytest.approx(theirs.loc[ours.index].to_numpy())
