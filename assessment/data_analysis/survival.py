"""Time from start to outcome, counting those still waiting: Kaplan–Meier per site, and cohorts.

"Median days to outcome" over the customers who got an outcome leaves out everyone still waiting
(most of them): it describes the quick ones. Kaplan–Meier (statsmodels' ``SurvfuncRight``) counts
every started customer, each followed from their start until their outcome, or censored at their
exit without one or at the end of the data. Where half the starters reach an outcome the median is
given with its interval; where it is not reached, the chance of an outcome within 6 and within 12
months is given instead, with its interval (Greenwood's variance, on the log-log scale so it stays
inside 0–100%).

Conversion as a *window ratio* (outcomes in a window over starts in the same window) mixes
customers who started at different times; the *cohort rate* follows the customers who started in a
12-month window for a fixed time after their start. Both are given, each labelled with its window.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from assessment.data_analysis.flow import DAYS_PER_MONTH
from assessment.data_analysis.km_grid import KaplanMeier, kaplan_meier_by_group
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.work_sampling import wilson_interval_array

HORIZONS_MONTHS = (6, 12)
"""The chances of an outcome given where the median is not reached."""

COHORT_MONTHS = 12
"""How long a cohort is followed after each start (and how many months of starts it holds)."""

CURVE_STEP_DAYS = 7
CURVE_MAX_DAYS = 730

_ONE_DAY = np.timedelta64(1, "D")
_HORIZON_DAYS = np.array([months * DAYS_PER_MONTH for months in HORIZONS_MONTHS])


def time_to_outcome(
    caseload: pd.DataFrame, as_of: pd.Timestamp | None = None, confidence: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier time from start to outcome per site and for the contract ("ALL").

    Args:
        caseload: Validated caseload frame.
        as_of: The end of the data (customers still waiting are censored here). Defaults to the
            latest date in the extract.
        confidence: Two-sided level of the intervals.

    Returns:
        ``(summary, curves)``. ``summary`` has one row per site and "ALL": ``site, started,
        outcomes, censored, median_days, median_low, median_high`` (missing where fewer than half
        reach an outcome; ``median_high`` missing where its interval is open-ended), and for each
        horizon ``outcome_6m, outcome_6m_low, outcome_6m_high`` (and ``12m``), plus ``as_of``.
        ``curves`` has ``site, days, outcome_share, low, high``: the share with an outcome by each
        week since start, up to the longest follow-up (at most two years).
    """
    end = end_of_data(caseload, as_of)
    codes, sites, days, event = _durations(caseload, end)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows, curves = [], []
    counts = np.bincount(codes, minlength=len(sites))
    outcomes = np.bincount(codes, weights=event, minlength=len(sites)).astype(np.int64)
    sizes = [*zip(sites, counts, outcomes, strict=True), (ALL_SITES, len(codes), int(event.sum()))]
    fits = _fits(codes, len(sites), days, event)
    for (site, started, reached), fit in zip(sizes, fits, strict=True):
        if fit is None:
            continue
        rows.append(_summary_row(site, fit, int(started), int(reached), z))
        curves.append(_curve(site, fit, float(np.max(fit.time)), z))
    summary = pd.DataFrame(rows).assign(as_of=end)
    curve = {
        "site": np.concatenate([np.full(len(c[1]), c[0], dtype=object) for c in curves]),
        "days": np.concatenate([c[1] for c in curves]),
        **{
            name: np.concatenate([c[2][k] for c in curves])
            for k, name in enumerate(("outcome_share", "low", "high"))
        },
    }
    return summary, pd.DataFrame(curve).astype({"site": "str"})


def cohort_conversion(
    caseload: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    months: int = COHORT_MONTHS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of a cohort of starters with an outcome within ``months`` of their start.

    The cohort is everyone who started in the ``months`` months that end ``months`` months before
    ``as_of``, so every one of them has been followed for the full time.

    Returns:
        One row per site and "ALL": ``site, cohort_start, cohort_end, followed_months,
        cohort_starts, cohort_outcomes, cohort_rate, cohort_low, cohort_high`` (rate missing
        where nobody started in the cohort window).
    """
    end = end_of_data(caseload, as_of) + pd.Timedelta(days=1)
    cohort_end = end - pd.DateOffset(months=months)
    cohort_start = cohort_end - pd.DateOffset(months=months)
    start = caseload["start_date"].to_numpy(dtype="datetime64[ns]")
    outcome = caseload["outcome_date"].to_numpy(dtype="datetime64[ns]")
    codes, sites = pd.factorize(caseload["site"], sort=True)
    lo, hi = np.datetime64(cohort_start, "ns"), np.datetime64(cohort_end, "ns")
    in_cohort = (start >= lo) & (start < hi)
    horizon = (start + np.timedelta64(round(months * DAYS_PER_MONTH), "D")).astype("datetime64[ns]")
    converted = in_cohort & (outcome <= horizon) & (outcome < np.datetime64(end, "ns"))
    n = len(sites)
    starters = np.bincount(codes[in_cohort], minlength=n)
    outcomes = np.bincount(codes[converted], minlength=n)
    starters, outcomes = np.append(starters, starters.sum()), np.append(outcomes, outcomes.sum())
    low, high = wilson_interval_array(outcomes, starters, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(starters > 0, outcomes / starters, np.nan)
    return pd.DataFrame(
        {
            "site": [*map(str, sites), ALL_SITES],
            "cohort_start": cohort_start,
            "cohort_end": cohort_end - pd.Timedelta(days=1),
            "followed_months": months,
            "cohort_starts": starters,
            "cohort_outcomes": outcomes,
            "cohort_rate": rate,
            "cohort_low": low,
            "cohort_high": high,
        }
    )


def _fits(
    codes: np.ndarray, n_sites: int, days: np.ndarray, event: np.ndarray
) -> list[KaplanMeier | SurvfuncRight | None]:
    """Each site's Kaplan–Meier estimate and the contract's (last); None for a site without any.

    On whole days (dates) every site is estimated at once on a grid (``km_grid``); otherwise
    statsmodels fits each site in turn.
    """
    fits = kaplan_meier_by_group(codes, days, event, n_sites)
    if fits is not None:
        return list(fits)
    # One sort by site puts each site's customers side by side: a slice each, no mask per site.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_sites + 1))
    groups = [order[bounds[i] : bounds[i + 1]] for i in range(n_sites)] + [order]
    return [SurvfuncRight(days[m], event[m].astype(float)) if len(m) else None for m in groups]


def _durations(
    caseload: pd.DataFrame, end_day: pd.Timestamp
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Site codes, days from start to outcome or censoring (by ``end_day``), and the outcome."""
    # Arrays, not a filtered copy of the frame: a million rows of text cost more than the maths.
    start = caseload["start_date"].to_numpy(dtype="datetime64[ns]")
    started = ~np.isnat(start)
    end = np.datetime64(end_day, "ns")
    start = start[started]
    outcome = caseload["outcome_date"].to_numpy(dtype="datetime64[ns]")[started]
    exit_ = caseload["exit_date"].to_numpy(dtype="datetime64[ns]")[started]
    event = outcome <= end  # NaT compares False
    # Censored at the exit without an outcome, or at the end of the data, whichever comes first.
    censor = np.where(np.isnat(exit_), end, np.minimum(exit_, end))
    stop = np.where(event, outcome, censor)
    days = np.maximum((stop - start) / _ONE_DAY, 0.0)
    all_codes, sites = pd.factorize(caseload["site"], sort=True)
    codes = all_codes[started]
    # a site whose customers never started has no estimate (as when the frame was filtered)
    present = np.bincount(codes, minlength=len(sites)) > 0
    if not present.all():
        renumber = np.cumsum(present) - 1
        codes, sites = renumber[codes], sites[present]
    return codes, [str(s) for s in sites], days, event


def _summary_row(
    site: str, fit: KaplanMeier | SurvfuncRight, started: int, outcomes: int, z: float
) -> dict:
    """The median with its interval, and the chance of an outcome by each horizon."""
    median = float(fit.quantile(0.5))
    low, high = (float(v) for v in fit.quantile_ci(0.5, alpha=_alpha(z)))
    row: dict[str, object] = {
        "site": site,
        "started": started,
        "outcomes": outcomes,
        "censored": started - outcomes,
        "median_days": median,
        "median_low": low if np.isfinite(median) and np.isfinite(low) else np.nan,
        "median_high": high if np.isfinite(median) and np.isfinite(high) else np.nan,
    }
    share, share_low, share_high = _outcome_by(fit, _HORIZON_DAYS, z)
    for k, months in enumerate(HORIZONS_MONTHS):
        row |= {
            f"outcome_{months}m": float(share[k]),
            f"outcome_{months}m_low": float(share_low[k]),
            f"outcome_{months}m_high": float(share_high[k]),
        }
    return row


@functools.lru_cache(maxsize=8)
def _alpha(z: float) -> float:
    """The two-sided level of a normal quantile (once per run, not once per site)."""
    return float(2 * stats.norm.sf(z))


def _outcome_by(fit: KaplanMeier | SurvfuncRight, days: np.ndarray, z: float) -> np.ndarray:
    """Share with an outcome by each day (1 - S) and its log-log interval; NaN past follow-up.

    Returns:
        An array of shape ``(3, len(days))``: share, low, high.
    """
    days = np.asarray(days, dtype=float)
    times = np.asarray(fit.surv_times, dtype=float)
    position = np.searchsorted(times, days, side="right") - 1
    before = position < 0
    index = np.clip(position, 0, None)
    surv = np.where(
        before, 1.0, np.asarray(fit.surv_prob, dtype=float)[index] if len(times) else 1.0
    )
    se = np.where(
        before, 0.0, np.asarray(fit.surv_prob_se, dtype=float)[index] if len(times) else 0.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / (surv * np.abs(np.log(surv)))
        upper, lower = surv ** np.exp(-spread), surv ** np.exp(spread)
    exact = (surv <= 0) | (surv >= 1) | (se <= 0)
    upper, lower = np.where(exact, surv, upper), np.where(exact, surv, lower)
    past = days > float(np.max(fit.time))
    result = np.vstack([1 - surv, 1 - upper, 1 - lower])
    result[:, past] = np.nan
    return result


def _curve(
    site: str, fit: KaplanMeier | SurvfuncRight, longest: float, z: float
) -> tuple[str, np.ndarray, np.ndarray]:
    """The outcome share each week, up to the longest follow-up (at most two years)."""
    grid = np.arange(0, min(longest, CURVE_MAX_DAYS) + 1, CURVE_STEP_DAYS, dtype=float)
    return site, grid, _outcome_by(fit, grid, z)


def end_of_data(caseload: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Timestamp:
    """``as_of`` (normalised), or the latest date anywhere in the extract."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    columns = ("referral_date", "start_date", "outcome_date", "exit_date")
    return pd.Timestamp(
        max(caseload[c].max() for c in columns if caseload[c].notna().any())
    ).normalize()
