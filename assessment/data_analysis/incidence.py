"""The chance a starter gets an outcome within a given time: one definition, every site at once.

A starter's story ends one of three ways by the end of the data: an outcome; leaving without
one (nobody gets an outcome after they have left, so leaving is a *competing event*, not "still
waiting"); or still waiting when the data end (*censored*: their outcome may yet come). The chance
of an outcome within ``t`` days of starting is then the cumulative incidence of the outcome, the
Aalen–Johansen estimator:

    F(t) = sum over days u <= t of  S(u-1) × d_outcome(u) / n(u)

where ``n(u)`` is the number still followed and neither converted nor left by day ``u``,
``d_outcome(u)`` the outcomes on day ``u`` and ``S`` the chance of neither outcome nor exit so far
(Kaplan–Meier over both kinds of end). Censoring at the exit instead (plain Kaplan–Meier) would
answer another question, "the chance for someone who never leaves", and overstate the chance of
an outcome (Northshore's Eastgate: 18% against 11%); it is not used anywhere.

Every figure of the product that says "the chance of an outcome within N months" (the survival
table and chart of step 1, the flow plan's conversion) comes from ``cumulative_incidence``, so the
same site and data show the same figure everywhere.

Its interval is the delta-method variance of Marubini and Valsecchi (Collett, *Modelling Survival
Data in Medical Research*, 3rd ed., p. 411: what statsmodels' ``CumIncidenceRight`` computes), on
the log(-log) scale so it stays inside 0–100%. Dates are whole days, so everything is computed on
a sites × days grid from ``np.bincount`` calls and cumulative sums: no loop over sites, a fraction
of a second at 1,000,000 customers and 200 sites. This module imports nothing of the package
(tests check it against statsmodels' ``CumIncidenceRight``, see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

ALL = "ALL"
"""The contract as a whole (``performance.ALL_SITES``): its row pools every site's starters."""

_ONE_DAY = np.timedelta64(1, "D")
_DATES = ("referral_date", "start_date", "outcome_date", "exit_date")


@dataclass(frozen=True)
class Incidence:
    """The cumulative incidence of an outcome per site (rows) and day since start (columns).

    Attributes:
        sites: Row labels: the sites in key order, then "ALL" (every starter of the contract).
        incidence: ``F``: the chance of an outcome by the end of each day since start.
        variance: The variance of ``F`` (Marubini–Valsecchi delta method).
        followed: Per row, the time since its earliest start (days): how long a starter can have
            been followed. ``F`` is not known past it.
        started, outcomes, left, waiting: Per row, starters, outcomes, exits without an
            outcome and those still waiting at the end of the data.
        as_of: The end of the data.
    """

    sites: list[str]
    incidence: np.ndarray
    variance: np.ndarray
    followed: np.ndarray
    started: np.ndarray
    outcomes: np.ndarray
    left: np.ndarray
    waiting: np.ndarray
    as_of: pd.Timestamp

    def at(self, days: np.ndarray | float, confidence: float = 0.95) -> np.ndarray:
        """The chance of an outcome within each of ``days`` per row, with its interval.

        Args:
            days: Times since start (days, whole or not: a day counts once it has ended).
            confidence: Two-sided level of the interval.

        Returns:
            Shape ``(3, rows, len(days))``: share, low, high; NaN past a row's follow-up.
        """
        when = np.atleast_1d(np.asarray(days, dtype=float))
        column = np.clip(np.floor(when).astype(np.int64), 0, self.incidence.shape[1] - 1)
        share = self.incidence[:, column]
        low, high = log_log_interval(share, self.variance[:, column], confidence)
        out = np.stack([share, low, high])
        out[:, self.followed[:, None] < when[None, :]] = np.nan
        return out

    def first_day_reaching(self, level: np.ndarray | float, curve: np.ndarray | None = None):
        """Per row, the first day ``curve`` (default ``F``) reaches ``level``; NaN where never.

        Only days within each row's follow-up count.
        """
        values = self.incidence if curve is None else curve
        within = np.arange(values.shape[1])[None, :] <= self.followed[:, None]
        level = np.broadcast_to(np.asarray(level, dtype=float), (values.shape[0],))
        reached = within & (values >= level[:, None] - 1e-12)
        day = reached.argmax(axis=1).astype(float)
        day[~reached.any(axis=1) | np.isnan(level)] = np.nan
        return day


def cumulative_incidence(
    caseload: pd.DataFrame, as_of: pd.Timestamp | None = None, among: np.ndarray | None = None
) -> Incidence:
    """The chance of an outcome by each day since start, per site and for the contract.

    Args:
        caseload: Validated caseload frame (``site``, ``start_date``, ``outcome_date``,
            ``exit_date``; those never started are left out).
        as_of: The end of the data: those still waiting are censored here. Defaults to the
            latest date in the extract. Outcomes and exits after it are not yet known.
        among: Which rows count (a boolean array, e.g. a cohort of starters); default all. Every
            site keeps its row, empty where none of its rows count.

    Returns:
        The estimate on a (sites + 1) × days grid (the last row is the contract).
    """
    # Arrays, not a filtered copy of the frame: a million rows of text cost more than the maths.
    start = caseload["start_date"].to_numpy(dtype="datetime64[ns]")
    end = np.datetime64(end_of_data(caseload, as_of), "ns")
    # Started by the end of the data (NaT compares False): a later start is not known yet.
    started = start <= end
    if among is not None:
        started &= np.asarray(among, dtype=bool)
    start = start[started]
    outcome = caseload["outcome_date"].to_numpy(dtype="datetime64[ns]")[started]
    exit_ = caseload["exit_date"].to_numpy(dtype="datetime64[ns]")[started]
    converted = outcome <= end  # NaT compares False
    left = ~converted & (exit_ <= end)
    stop = np.where(converted, outcome, np.where(left, exit_, end))
    days = np.maximum(np.floor((stop - start) / _ONE_DAY), 0).astype(np.int64)
    all_codes, labels = pd.factorize(caseload["site"], sort=True)
    codes = all_codes[started].astype(np.int64)
    n_sites = len(labels)
    n_days = int(days.max()) + 1 if len(days) else 1
    size = n_sites * n_days
    cell = codes * n_days + days
    # Per site and day: outcomes, ends of either kind, and everyone whose follow-up ends then.
    d_outcome = np.bincount(cell, weights=converted, minlength=size).reshape(n_sites, n_days)
    d_any = np.bincount(cell, weights=converted | left, minlength=size).reshape(n_sites, n_days)
    leaving = np.bincount(cell, minlength=size).reshape(n_sites, n_days).astype(float)
    # The contract pools every starter: its counts are the sites' summed.
    d_outcome, d_any, leaving = (
        np.vstack([a, a.sum(axis=0, keepdims=True)]) for a in (d_outcome, d_any, leaving)
    )
    incidence, variance = _aalen_johansen(d_outcome, d_any, leaving)
    # Known up to the longest time any starter could have been followed: one whose story ended
    # earlier (an outcome, or leaving) is followed to the end of the data all the same.
    potential = np.floor((end - start) / _ONE_DAY).astype(np.int64)
    longest = np.full(n_sites, -1, dtype=np.int64)
    np.maximum.at(longest, codes, potential)
    counts = [
        np.bincount(codes, weights=w, minlength=n_sites).astype(np.int64)
        for w in (np.ones(len(codes)), converted, left)
    ]
    counts = [np.append(c, c.sum()) for c in counts]
    return Incidence(
        sites=[*map(str, labels), ALL],
        incidence=incidence,
        variance=variance,
        followed=np.append(longest, longest.max(initial=-1)),
        started=counts[0],
        outcomes=counts[1],
        left=counts[2],
        waiting=counts[0] - counts[1] - counts[2],
        as_of=pd.Timestamp(end),
    )


def _aalen_johansen(
    d_outcome: np.ndarray, d_any: np.ndarray, leaving: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``F`` and its variance on a rows × days grid of counts.

    Args:
        d_outcome: Outcomes per row and day.
        d_any: Outcomes and exits without an outcome per row and day.
        leaving: Everyone whose follow-up ends that day (events and censored alike).

    The variance at day ``t`` is (Marubini–Valsecchi, over event days ``j <= t``)
    ``sum (F(t) - F_j)² d_j / (n_j (n_j - d_j)) + sum S_{j-1}² d1_j (n_j - d1_j) / n_j³
    - 2 sum (F(t) - F_j) S_{j-1} d1_j / n_j²``; expanding the squares turns each sum into
    cumulative sums over days, so every day of every row costs the same few array operations.
    """
    at_risk = np.cumsum(leaving[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard_any = np.where(at_risk > 0, d_any / at_risk, 0.0)
        hazard_outcome = np.where(at_risk > 0, d_outcome / at_risk, 0.0)
        # Where everyone left ends that day the Greenwood term is undefined; as in Greenwood's
        # formula for Kaplan–Meier, such a day adds nothing.
        a = np.where(at_risk > d_any, d_any / (at_risk * (at_risk - d_any)), 0.0)
        squared = np.where(at_risk > 0, d_outcome * (at_risk - d_outcome) / at_risk**3, 0.0)
        linear = np.where(at_risk > 0, d_outcome / at_risk**2, 0.0)
    surv = np.cumprod(1 - hazard_any, axis=1)
    before = np.hstack([np.ones((surv.shape[0], 1)), surv[:, :-1]])  # S(j-1)
    incidence = np.cumsum(before * hazard_outcome, axis=1)
    f = incidence

    def running(values: np.ndarray) -> np.ndarray:
        return np.cumsum(values, axis=1)

    variance = (
        f**2 * running(a)
        - 2 * f * running(a * f)
        + running(a * f**2)
        + running(before**2 * squared)
        - 2 * f * running(before * linear)
        + 2 * running(f * before * linear)
    )
    # Expanding the squares can leave -1e-18 where the variance is 0.
    return incidence, np.clip(variance, 0.0, None)


def log_log_interval(
    share: np.ndarray, variance: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """An interval for a chance ``F`` on the log(-log) scale, so it stays inside 0–1.

    ``se(log(-log F)) = se(F) / (F |log F|)``; the bounds are ``F ** exp(±z se)``. Where ``F`` is 0
    or 1, or its variance 0, the interval is the point.
    """
    share = np.asarray(share, dtype=float)
    se = np.sqrt(np.asarray(variance, dtype=float))
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * se / (share * np.abs(np.log(share)))
        low, high = share ** np.exp(spread), share ** np.exp(-spread)
    exact = (share <= 0) | (share >= 1) | (se <= 0)
    return np.where(exact, share, low), np.where(exact, share, high)


def outcome_incidence(
    caseload: pd.DataFrame,
    horizon_days: float,
    as_of: pd.Timestamp | None = None,
    confidence: float = 0.95,
    estimate: Incidence | None = None,
) -> pd.DataFrame:
    """Per site, the chance of an outcome within ``horizon_days`` of starting (the flow plan's).

    Args:
        caseload: Validated caseload frame.
        horizon_days: The time since start the chance is read at.
        as_of: The end of the data (defaults to the latest date in the extract).
        confidence: Two-sided level of the interval.
        estimate: ``cumulative_incidence(caseload, as_of)`` where the caller has it already.

    Returns:
        One row per site (not the contract): ``site, started, outcomes, share, low, high,
        median_days, referral_days`` — ``share`` is missing where no starter has been followed
        that long; ``median_days`` is the first day by which half of ``share`` is reached (the
        typical time to outcome of those who convert within the horizon); ``referral_days`` the
        median days from referral to start.
    """
    est = estimate if estimate is not None else cumulative_incidence(caseload, as_of)
    share, low, high = (v[:-1, 0] for v in est.at(horizon_days, confidence))
    half = np.where(share > 0, share / 2, np.nan)
    median = est.first_day_reaching(np.append(half, np.nan))[:-1]
    start = caseload["start_date"].to_numpy(dtype="datetime64[ns]")
    started = ~np.isnat(start)
    codes, _ = pd.factorize(caseload["site"], sort=True)
    waited = (start[started] - caseload["referral_date"].to_numpy("datetime64[ns]")[started]) / (
        _ONE_DAY
    )
    n = len(est.sites) - 1
    return pd.DataFrame(
        {
            "site": est.sites[:-1],
            "started": est.started[:-1],
            "outcomes": est.outcomes[:-1],
            "share": share,
            "low": low,
            "high": high,
            "median_days": median,
            "referral_days": _group_median(codes[started], waited, n),
        }
    )


def _group_median(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The median of ``values`` per group code (NaN values left out), as pandas computes it."""
    keep = ~np.isnan(values)
    codes, values = codes[keep], values[keep]
    ordered = values[np.lexsort((values, codes))]
    sizes = np.bincount(codes, minlength=n)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = np.full(n, np.nan)
    has = sizes > 0
    low = offsets[has] + (sizes[has] - 1) // 2
    high = offsets[has] + sizes[has] // 2
    out[has] = (ordered[low] + ordered[high]) / 2
    return out


def end_of_data(caseload: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Timestamp:
    """``as_of`` (normalised), or the latest date anywhere in the extract."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    present = [caseload[c].max() for c in _DATES if c in caseload and caseload[c].notna().any()]
    return pd.Timestamp(max(present)).normalize()
