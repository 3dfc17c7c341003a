"""Time from start to outcome, counting those still waiting and those who left; cohorts.

"Median days to outcome" over the customers who got an outcome leaves out everyone still waiting
(most of them): it describes the quick ones. Here every started customer counts, followed from
their start until their outcome, their exit without one (a *competing event*: someone who has left
cannot get an outcome), or the end of the data (*censored*: still waiting). The chance of an
outcome within a time is the cumulative incidence (Aalen–Johansen, ``incidence``): the one
definition the flow plan uses too, so both show the same figure for the same site. Where half the
starters reach an outcome the median is given with its interval; where it is not reached (usual:
many leave without one), the chance of an outcome within 6 and within 12 months is given instead,
with its interval.

Conversion as a *window ratio* (outcomes in a window over starts in the same window) mixes
customers who started at different times; the *cohort rate* follows the customers who started in a
12-month window for a fixed time after their start. Both are given, each labelled with its window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.incidence import Incidence, cumulative_incidence, end_of_data
from assessment.data_analysis.performance import ALL_SITES

__all__ = [
    "COHORT_MONTHS",
    "HORIZONS_MONTHS",
    "cohort_conversion",
    "end_of_data",
    "time_to_outcome",
]

HORIZONS_MONTHS = (6, 12)
"""The chances of an outcome given where the median is not reached."""

COHORT_MONTHS = 12
"""How long a cohort is followed after each start (and how many months of starts it holds)."""

CURVE_STEP_DAYS = 7
CURVE_MAX_DAYS = 730


def time_to_outcome(
    caseload: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    confidence: float = 0.95,
    estimate: Incidence | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Time from start to outcome per site and for the contract ("ALL").

    Args:
        caseload: Validated caseload frame.
        as_of: The end of the data (customers still waiting are censored here). Defaults to the
            latest date in the extract.
        confidence: Two-sided level of the intervals.
        estimate: ``incidence.cumulative_incidence(caseload, as_of)`` where the caller has it.

    Returns:
        ``(summary, curves)``. ``summary`` has one row per site and "ALL": ``site, started,
        outcomes, left, waiting`` (left without an outcome; still waiting at the end of the
        data), ``median_days, median_low, median_high`` (missing where fewer than half reach an
        outcome; ``median_high`` missing where its interval is open-ended), and for each horizon
        ``outcome_6m, outcome_6m_low, outcome_6m_high`` (and ``12m``), plus ``as_of`` and
        ``first_start, last_start`` (the starts it covers).
        ``curves`` has ``site, days, outcome_share, low, high``: the chance of an outcome by each
        week since start, up to the longest follow-up (at most two years).
    """
    est = estimate if estimate is not None else cumulative_incidence(caseload, as_of)
    sites = [ALL_SITES if s == "ALL" else s for s in est.sites]
    shown = est.started > 0
    _, low, high = est.at(np.arange(est.incidence.shape[1]), confidence)
    # The median's interval: the days the interval's upper and lower curves reach one half.
    median = est.first_day_reaching(0.5)
    summary = pd.DataFrame(
        {
            "site": sites,
            "started": est.started,
            "outcomes": est.outcomes,
            "left": est.left,
            "waiting": est.waiting,
            "median_days": median,
            "median_low": np.where(np.isnan(median), np.nan, est.first_day_reaching(0.5, high)),
            "median_high": np.where(np.isnan(median), np.nan, est.first_day_reaching(0.5, low)),
        }
    )
    horizons = np.array([m * DAYS_PER_MONTH for m in HORIZONS_MONTHS])
    share, share_low, share_high = est.at(horizons, confidence)
    for k, months in enumerate(HORIZONS_MONTHS):
        summary[f"outcome_{months}m"] = share[:, k]
        summary[f"outcome_{months}m_low"] = share_low[:, k]
        summary[f"outcome_{months}m_high"] = share_high[:, k]
    summary["as_of"] = est.as_of
    # The starters it covers, named with every figure (the cohort rate covers fewer).
    summary["first_start"] = caseload["start_date"].min()
    summary["last_start"] = caseload["start_date"].max()
    return summary[shown].reset_index(drop=True), _curves(est, sites, confidence)


def _curves(est: Incidence, sites: list[str], confidence: float) -> pd.DataFrame:
    """The chance of an outcome each week, per row, up to its longest follow-up (two years)."""
    grid = np.arange(0, CURVE_MAX_DAYS + 1, CURVE_STEP_DAYS, dtype=float)
    values = est.at(grid, confidence)
    rows, columns = np.nonzero(grid[None, :] <= est.followed[:, None])
    return pd.DataFrame(
        {
            "site": np.asarray(sites, dtype=object)[rows],
            "days": grid[columns],
            "outcome_share": values[0][rows, columns],
            "low": values[1][rows, columns],
            "high": values[2][rows, columns],
        }
    ).astype({"site": "str"})


def cohort_conversion(
    caseload: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    months: int = COHORT_MONTHS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of a cohort of starters with an outcome within ``months`` of their start.

    The cohort is everyone who started in the ``months`` months that end ``months`` months before
    ``as_of``, so every one of them has been followed for the full time. Nobody in it is censored
    before the horizon, so the chance of an outcome (``incidence.cumulative_incidence``, the one
    estimate of it, restricted to the cohort) is simply its outcomes over its starters.

    Returns:
        One row per site and "ALL": ``site, cohort_start, cohort_end, followed_months,
        cohort_starts, cohort_outcomes, cohort_rate, cohort_low, cohort_high`` (rate missing
        where nobody started in the cohort window).
    """
    end = end_of_data(caseload, as_of)
    cohort_end = end + pd.Timedelta(days=1) - pd.DateOffset(months=months)
    cohort_start = cohort_end - pd.DateOffset(months=months)
    start = caseload["start_date"].to_numpy(dtype="datetime64[ns]")
    lo, hi = np.datetime64(cohort_start, "ns"), np.datetime64(cohort_end, "ns")
    in_cohort = (start >= lo) & (start < hi)
    est = cumulative_incidence(caseload, end, among=in_cohort)
    horizon = round(months * DAYS_PER_MONTH)
    rate, low, high = (v[:, 0] for v in est.at(horizon, confidence))
    outcomes = np.round(np.nan_to_num(rate) * est.started).astype(np.int64)
    return pd.DataFrame(
        {
            "site": [ALL_SITES if s == "ALL" else s for s in est.sites],
            "cohort_start": cohort_start,
            "cohort_end": cohort_end - pd.Timedelta(days=1),
            "followed_months": months,
            "cohort_starts": est.started,
            "cohort_outcomes": np.where(est.started > 0, outcomes, 0),
            "cohort_rate": np.where(est.started > 0, rate, np.nan),
            "cohort_low": np.where(est.started > 0, low, np.nan),
            "cohort_high": np.where(est.started > 0, high, np.nan),
        }
    )
