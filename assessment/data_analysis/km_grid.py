"""Kaplan–Meier for every site at once, on a sites × days grid: statsmodels' arrays, quickly.

``statsmodels.duration.survfunc.SurvfuncRight`` fitted site by site sorts each site's times
(``np.unique``): at 1,000,000 customers and 200 sites that is most of the time of
``survival.time_to_outcome``. Dates are whole days, so the same counts come from two
``np.bincount`` calls over "site × days + day", and the survival, its Greenwood standard error
and their cumulative sums are computed for all sites together along the days, in the very
operations of statsmodels' ``_calc_survfunc_right`` (a day without an event adds exactly 0 to
each cumulative sum, so each site's figures are bit for bit statsmodels' own; a test compares
them). The median and its interval are statsmodels' ``quantile`` and ``quantile_ci`` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

MAX_CELLS = 50_000_000
"""Largest sites × days grid built (400 MB of floats); beyond it the caller fits site by site."""


@dataclass(frozen=True)
class KaplanMeier:
    """One site's Kaplan–Meier estimate, with the attributes ``SurvfuncRight`` has.

    Attributes:
        surv_times: The days on which an outcome happened, in order.
        surv_prob: The chance of no outcome yet, just after each of those days.
        surv_prob_se: Its standard error (Greenwood).
        time: The longest follow-up (an array of one: ``SurvfuncRight.time`` holds every
            customer's, of which only the maximum is read).
    """

    surv_times: np.ndarray
    surv_prob: np.ndarray
    surv_prob_se: np.ndarray
    time: np.ndarray

    # statsmodels' own methods: they read only the attributes above
    quantile = SurvfuncRight.quantile
    quantile_ci = SurvfuncRight.quantile_ci


def kaplan_meier_by_group(
    codes: np.ndarray, days: np.ndarray, event: np.ndarray, n_groups: int
) -> list[KaplanMeier | None] | None:
    """The Kaplan–Meier estimate of each group code, and of all groups together (last).

    Args:
        codes: Group code (0 .. n_groups - 1) of each customer.
        days: Days followed (to the outcome or to censoring), whole numbers 0 or more.
        event: Whether the follow-up ended with the outcome.
        n_groups: The number of group codes.

    Returns:
        ``n_groups + 1`` estimates (None for a group without customers), the pooled one last; or
        None when the days are not whole numbers or the grid would be too large, for the caller
        to fit with ``SurvfuncRight`` instead.
    """
    whole = days.astype(np.int64)
    if len(days) == 0 or not np.array_equal(whole, days) or whole.min() < 0:
        return None
    n_days = int(whole.max()) + 1
    if (n_groups + 1) * n_days > MAX_CELLS:
        return None
    cell = codes.astype(np.int64) * n_days + whole
    size = n_groups * n_days
    d = np.bincount(cell, weights=event.astype(float), minlength=size).reshape(n_groups, n_days)
    count = np.bincount(cell, minlength=size).reshape(n_groups, n_days)
    d, count = np.vstack([d, d.sum(axis=0)]), np.vstack([count, count.sum(axis=0)])
    n = np.cumsum(count[:, ::-1], axis=1)[:, ::-1]  # at risk just before each day
    has_event = d > 0
    surv, se = _survival(d, n, has_event)
    longest = np.where(count > 0, np.arange(n_days), -1).max(axis=1)
    grid_days = np.arange(n_days, dtype=float)
    fits: list[KaplanMeier | None] = []
    for group in range(n_groups + 1):
        if longest[group] < 0:
            fits.append(None)
            continue
        on = has_event[group]
        fits.append(
            KaplanMeier(
                grid_days[on], surv[group, on], se[group, on], np.array([float(longest[group])])
            )
        )
    return fits


def _survival(d: np.ndarray, n: np.ndarray, has_event: np.ndarray) -> tuple[np.ndarray, ...]:
    """Survival and Greenwood's standard error on the grid, as ``_calc_survfunc_right`` does.

    Cells without an event hold the running values (their terms are exactly 0); only the cells
    with an event are read.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(has_event, 1 - d / n.astype(np.float64), 1.0)
        tiny = step < 1e-16
        step[tiny] = 1e-16
        surv = np.exp(np.cumsum(np.log(step), axis=1))
        surv[tiny] = 0
        denom = np.clip(n * (n - d), 1e-12, np.inf)
        term = np.where(has_event, d / denom.astype(np.float64), 0.0)
        term[has_event & ((n == d) | (n == 0))] = np.nan
        se = np.sqrt(np.cumsum(term, axis=1))
        locs = np.isfinite(se) | (surv != 0)
        se[locs] *= surv[locs]
        se[~locs] = np.nan
    return surv, se
