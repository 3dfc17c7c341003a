"""Trends that hold up against noise: a count model of each site's KPI against its target.

A KPI such as job outcomes is a count, and a site flat at 6 outcomes a month swings by ±2.4 from
month to month by chance alone; a straight line through its monthly percentages calls it
"improving" or "declining" most of the time. So the direction of travel comes from a count model:

- ``log E[actual] = log(target) + a + b × month`` (a Poisson GLM with the target as offset, so a
  month with a larger target is expected to bring more). ``exp(b) - 1`` is the change per month of
  the actual as a share of its target. The Pearson dispersion, never taken below 1, widens the
  interval for months that vary more than a Poisson count would (quasi-Poisson), and the interval
  uses Student's t with the residual degrees of freedom: a handful of months is little evidence.
- A trend is stated ("improving" / "declining") only when the 95% interval of ``b`` excludes zero,
  from at least ``MIN_MONTHS`` complete months; otherwise "no clear trend".
- With ``SEASONAL_MONTHS`` months or more, a straight line would run across seasons (referrals
  dip in December against a flat target), so the recent months are compared with the same
  calendar months a year earlier instead: the same model with a "this year" term, whose
  ``exp(b) - 1`` is the year-on-year change.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from assessment.data_analysis.performance import ALL_SITES, sort_with_contract_last

MIN_MONTHS = 6
"""Fewest complete months a trend may be stated from."""

SEASONAL_MONTHS = 13
"""From this many complete months on, recent months are compared with a year earlier."""

TREND_MONTHS = 12
"""The slope is fitted over at most the last this-many complete months."""

RECENT_MONTHS = 3
"""Months compared with the same months a year earlier."""

IMPROVING, DECLINING, NO_CLEAR_TREND, TOO_FEW_MONTHS = (
    "improving",
    "declining",
    "no clear trend",
    "too few months",
)
SLOPE, YEAR_ON_YEAR = "change per month", "change on a year earlier"

_COLUMNS = [
    "site",
    "measure",
    "method",
    "periods",
    "window_start",
    "window_end",
    "change",
    "change_low",
    "change_high",
    "p_value",
    "direction",
    "last_period",
    "last_pct_of_target",
]


def count_trend(
    kpi: pd.DataFrame,
    measure: str,
    *,
    months: int = TREND_MONTHS,
    recent: int = RECENT_MONTHS,
    last_complete: pd.Timestamp | None = None,
    lower_is_better: Collection[str] = frozenset(),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Direction of travel of each site (and the contract, "ALL") on one count KPI.

    Args:
        kpi: Validated KPI long frame (``site, period, measure, actual, target``).
        measure: The KPI key.
        months: Most recent complete months the slope is fitted over (at least ``MIN_MONTHS``).
        recent: Months compared with the same months a year earlier (13 months or more).
        last_complete: The last complete month of data; later months are left out. None takes
            every month of the extract as complete.
        lower_is_better: Measure keys where fewer is better (a rise is then "declining").
        confidence: Two-sided level of the interval that decides the direction.

    Returns:
        One row per site and "ALL": ``site, measure, method, periods, window_start, window_end,
        change, change_low, change_high, p_value, direction, last_period, last_pct_of_target``.
        ``change`` is a relative change (0.05 = +5%) per month, or on a year earlier; ``method``
        says which. ``direction`` is "improving", "declining", "no clear trend" or "too few
        months".
    """
    rows = kpi.loc[kpi["measure"] == measure, ["site", "period", "actual", "target"]]
    if last_complete is not None:
        rows = rows[rows["period"] <= pd.Timestamp(last_complete)]
    # One site-by-month matrix of actuals and one of targets (the contract as their column sums):
    # each site's series is then a row of numbers, with no data frame built per site.
    actual = rows.pivot_table(index="site", columns="period", values="actual", aggfunc="sum")
    target = rows.pivot_table(index="site", columns="period", values="target", aggfunc="sum")
    target = target.reindex_like(actual)
    sites = [*map(str, actual.index), ALL_SITES]
    actual_m = np.vstack([actual.to_numpy(dtype=float), actual.sum(axis=0).to_numpy(dtype=float)])
    target_m = np.vstack([target.to_numpy(dtype=float), target.sum(axis=0).to_numpy(dtype=float)])
    periods = pd.DatetimeIndex(actual.columns)
    month_numbers = (periods.year * 12 + periods.month).to_numpy()
    # numpy dates: a pandas index sliced for each of 200 sites costs more than their fits
    period_values = periods.to_numpy(dtype="datetime64[ns]")
    lower = measure in set(lower_is_better)
    fits = []
    for i, site in enumerate(sites):
        keep = np.isfinite(actual_m[i]) & (target_m[i] > 0)
        series = _Series(
            period_values[keep], month_numbers[keep], actual_m[i][keep], target_m[i][keep]
        )
        fits.append({"site": site, **_site_trend(series, months, recent, lower, confidence)})
    frame = pd.DataFrame(fits, columns=[c for c in _COLUMNS if c != "measure"])
    frame.insert(1, "measure", measure)
    return sort_with_contract_last(frame, ["site"])


@dataclass(frozen=True)
class _Series:
    """One site's complete months with a target: periods, month numbers, actuals, targets."""

    periods: np.ndarray
    months: np.ndarray
    actual: np.ndarray
    target: np.ndarray

    def take(self, mask: np.ndarray) -> _Series:
        return _Series(self.periods[mask], self.months[mask], self.actual[mask], self.target[mask])


def _site_trend(
    series: _Series, months: int, recent: int, lower: bool, confidence: float
) -> dict[str, object]:
    """The trend of one site's monthly series (in period order, targets above zero)."""
    n = len(series.months)
    out: dict[str, object] = {
        "method": "",
        "periods": n,
        "window_start": pd.NaT,
        "window_end": pd.NaT,
        "change": np.nan,
        "change_low": np.nan,
        "change_high": np.nan,
        "p_value": np.nan,
        "direction": TOO_FEW_MONTHS,
        "last_period": pd.Timestamp(series.periods[-1]) if n else pd.NaT,
        "last_pct_of_target": _pct(series.actual[-1], series.target[-1], lower) if n else np.nan,
    }
    if n < MIN_MONTHS:
        return out
    if n >= SEASONAL_MONTHS:
        last = series.months[-1]
        now = (series.months > last - recent) & (series.months <= last)
        before = (series.months > last - 12 - recent) & (series.months <= last - 12)
        if not now.any() or not before.any():
            return out
        window = series.take(now | before)
        term, method = now[now | before].astype(float), YEAR_ON_YEAR
    else:
        window = series.take(np.arange(n) >= n - max(months, MIN_MONTHS))
        term, method = (window.months - window.months[0]).astype(float), SLOPE
    estimate, low, high, p = rate_change(window.actual, window.target, term, confidence)
    better = (low > 0) if not lower else (high < 0)
    worse = (high < 0) if not lower else (low > 0)
    return out | {
        "method": method,
        "periods": len(window.months),
        "window_start": pd.Timestamp(window.periods.min()),
        "window_end": pd.Timestamp(window.periods.max()),
        "change": np.expm1(estimate),
        "change_low": np.expm1(low),
        "change_high": np.expm1(high),
        "p_value": p,
        "direction": IMPROVING if better else DECLINING if worse else NO_CLEAR_TREND,
    }


def rate_change(
    actual: np.ndarray, target: np.ndarray, term: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """The log-rate coefficient of ``term`` in a quasi-Poisson GLM with ``log(target)`` offset.

    Args:
        actual: Counts, one per month.
        target: Their targets (all above zero): the offset.
        term: The covariate (month number, or 1 for "this year" and 0 for "a year earlier").
        confidence: Two-sided level of the interval.

    Returns:
        ``(estimate, low, high, p_value)`` on the log scale; NaN interval and p-value 1 when the
        counts carry no information (every month zero).
    """
    if actual.sum() <= 0 or np.ptp(term) == 0:
        return 0.0, np.nan, np.nan, 1.0
    design = np.column_stack([np.ones_like(term), term])
    fit = _poisson_fit(actual, design, np.log(target))
    if fit is None:  # not converged as simply: statsmodels decides, with its warnings silenced
        fit = _statsmodels_fit(actual, design, np.log(target))
    slope, slope_se, df, dispersion = fit
    estimate = float(slope)
    se = float(slope_se) * np.sqrt(dispersion)
    if not np.isfinite(se) or se <= 0:
        return estimate, np.nan, np.nan, 1.0
    # scipy's t distribution is these two special functions behind argument checks that cost
    # more than the fit when 200 sites are fitted
    t = special.stdtrit(df, 0.5 + confidence / 2)
    p = float(2 * special.stdtr(df, -abs(estimate) / se))
    return estimate, estimate - t * se, estimate + t * se, p


_Fit = tuple[float, float, int, float]
"""The slope, its standard error (Poisson scale), residual degrees of freedom, dispersion."""

_FLOAT_EPS = np.finfo(float).eps


def _poisson_fit(actual: np.ndarray, design: np.ndarray, offset: np.ndarray) -> _Fit | None:
    """The IRLS of statsmodels for a Poisson GLM with log link, step for step, without its objects.

    Building a ``GLM`` and its results costs about 3 ms, a thousand times the arithmetic of a
    dozen months; 200 sites made it a tenth of step 1. This follows ``GLM._fit_irls`` (same
    start, same weighted least squares, same deviance stopping rule, same final pseudo-inverse),
    so the figures are statsmodels' own (a test compares them). None when the fit does not
    converge within 25 steps (a series at the boundary): the caller asks statsmodels then.
    """
    y = actual
    mu = (y + y.mean()) / 2.0
    lin_pred = np.log(np.clip(mu, _FLOAT_EPS, np.inf))
    deviance = _poisson_deviance(y, mu)
    for _ in range(25):
        inverse = 1.0 / np.clip(mu, _FLOAT_EPS, np.inf)
        weights = 1.0 / (inverse**2 * np.fabs(mu))
        working = lin_pred + inverse * (y - mu) - offset
        half = np.sqrt(weights)
        if not (np.all(np.isfinite(half)) and np.all(np.isfinite(working))):
            return None
        params = np.linalg.lstsq(half[:, None] * design, half * working, rcond=-1)[0]
        lin_pred = design @ params + offset
        mu = np.exp(lin_pred)
        previous, deviance = deviance, _poisson_deviance(y, mu)
        if abs(previous - deviance) <= 1e-8:  # np.allclose(atol=1e-8, rtol=0), as statsmodels
            pinv = np.linalg.pinv(half[:, None] * design)
            params = pinv @ (half * working)
            variance = pinv @ pinv.T
            df = max(len(y) - 2, 1)
            pearson = float(np.sum((y - mu) ** 2 / np.fabs(mu)))
            return float(params[1]), float(np.sqrt(variance[1, 1])), df, max(1.0, pearson / df)
    return None


def _poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """The Poisson deviance as statsmodels computes it (``y log(y/mu)`` taken as 0 at y = 0)."""
    ratio = np.clip(y / mu, _FLOAT_EPS, np.inf)
    return float(np.sum(2 * (y * np.log(ratio) - (y - mu))))


def _statsmodels_fit(actual: np.ndarray, design: np.ndarray, offset: np.ndarray) -> _Fit:
    """The same fit through statsmodels' GLM (for the series ``_poisson_fit`` leaves to it)."""
    with warnings.catch_warnings():
        # A series with all its counts at one end fits at the boundary: the wide interval says so.
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning))
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = GLM(actual, design, family=families.Poisson(), offset=offset).fit()
    df = max(int(fit.df_resid), 1)
    return float(fit.params[1]), float(fit.bse[1]), df, max(1.0, float(fit.pearson_chi2) / df)


def _pct(actual: float, target: float, lower: bool) -> float:
    if lower:
        return target / actual * 100 if actual > 0 else np.nan
    return actual / target * 100
