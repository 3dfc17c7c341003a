"""Caseload flow per site: on-flow, starts, outcomes, off-flow, time to outcome, Little's law.

The input is the validated caseload frame: one row per customer with ``customer_id, site,
referral_date, start_date, outcome_date, exit_date`` (NaT where the event has not happened).

Definitions used throughout:

- A customer is *in service* from their start date until their exit date (or still, when there is
  no exit date). Someone referred but never started is not in the caseload.
- ``exits`` counts customers leaving service (an exit date after a start). An exit date without a
  start date is a referral closed before starting and is counted as ``closed_before_start``.
- Windows are whole days: ``[window_start, as_of]``, both days included.

Everything is vectorised over numpy arrays (site codes + ``np.bincount``), because a portfolio
caseload can hold millions of customers: no Python loop runs per customer or per site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.data_analysis.performance import ALL_SITES

DAYS_PER_MONTH = 365.25 / 12
"""Average month length used to turn days into months."""

_DATE_COLUMNS = ("referral_date", "start_date", "outcome_date", "exit_date")
_ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class _Caseload:
    """The caseload as numpy arrays: dates in nanoseconds, sites as integer codes."""

    codes: np.ndarray
    sites: list[str]
    referral: np.ndarray
    start: np.ndarray
    outcome: np.ndarray
    exit: np.ndarray


def flow_by_site(
    caseload: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    period_months: int | None = None,
) -> pd.DataFrame:
    """Flow through each site's service, with the contract as a whole as site "ALL".

    Counts are events dated inside the window. Conversion rates are ratios of those event counts
    (starts / referrals, outcomes / starts), as a contract reports them, not cohort rates: in a
    short window they can exceed 1.

    Args:
        caseload: Validated caseload frame.
        as_of: Last day of the window and the day the open caseload is counted on. Defaults to
            the latest date in the extract.
        period_months: Length of the window in months. ``None`` means from the earliest referral
            to ``as_of``.

    Returns:
        One row per site and "ALL" with columns ``site, referrals, starts, outcomes, exits,
        closed_before_start, open_caseload, conversion_to_start, conversion_to_outcome,
        median_days_to_outcome, p80_days_to_outcome, throughput_per_month, mean_days_in_service,
        window_start, as_of``. Days to outcome run from start to outcome for outcomes in the
        window; days in service from start to exit for exits in the window.
    """
    data = _as_arrays(caseload)
    as_of = _default_as_of(caseload, as_of)
    end = as_of.normalize() + pd.Timedelta(days=1)
    if period_months is None:
        start = pd.Timestamp(caseload["referral_date"].min()).normalize()
    else:
        start = end - pd.DateOffset(months=period_months)
    if start >= end:
        raise ValueError(f"as_of {as_of:%Y-%m-%d} is before the first referral in the caseload.")
    window = (np.datetime64(start, "ns"), np.datetime64(end, "ns"))
    return _flow_stats(data, window).assign(window_start=start, as_of=as_of.normalize())


def flow_by_month(caseload: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Monthly flow per site and for the contract ("ALL"), with the caseload at each month end.

    The month-end caseload is a running total (starts so far minus exits from service so far), so
    one pass over the customers serves every month.

    Args:
        caseload: Validated caseload frame.
        as_of: Last day counted. Defaults to the latest date in the extract; its month is the
            last row (and its "month-end" caseload is the caseload on ``as_of``).

    Returns:
        Columns ``site, period, referrals, starts, outcomes, exits, open_caseload_month_end`` for
        every site and month from the month of the first referral to the month of ``as_of``.
    """
    data = _as_arrays(caseload)
    as_of = _default_as_of(caseload, as_of)
    first = _month_index(data.referral[~np.isnat(data.referral)]).min()
    last = int(_month_index(np.array([np.datetime64(as_of, "ns")]))[0])
    n_months = last - first + 1
    if n_months < 1:
        raise ValueError(f"as_of {as_of:%Y-%m-%d} is before the first referral in the caseload.")
    begin = np.datetime64(_month_start(first), "ns")
    end = np.datetime64(as_of.normalize() + pd.Timedelta(days=1), "ns")
    started = ~np.isnat(data.start)

    def per_month(dates: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
        # A site-by-month matrix of event counts from one bincount over "site * months + month".
        valid = (dates >= begin) & (dates < end)  # NaT compares False
        if keep is not None:
            valid &= keep
        cell = data.codes[valid] * n_months + (_month_index(dates[valid]) - first)
        counts = np.bincount(cell, minlength=len(data.sites) * n_months)
        return counts.reshape(len(data.sites), n_months)

    counts = {
        "referrals": per_month(data.referral),
        "starts": per_month(data.start),
        "outcomes": per_month(data.outcome),
        "exits": per_month(data.exit, started),
    }
    counts["open_caseload_month_end"] = np.cumsum(counts["starts"] - counts["exits"], axis=1)
    periods = pd.date_range(_month_start(first), periods=n_months, freq="MS")
    sites = [*data.sites, ALL_SITES]
    return pd.DataFrame(
        {
            "site": np.repeat(np.array(sites, dtype=object), n_months),
            "period": np.tile(periods.to_numpy(), len(sites)),
            # The contract rows are the column sums of each site-by-month matrix.
            **{name: np.vstack([m, m.sum(axis=0)]).ravel() for name, m in counts.items()},
        }
    ).astype({"site": "str"})


def littles_law_check(
    caseload: pd.DataFrame,
    tolerance: float = 0.25,
    as_of: pd.Timestamp | None = None,
    window_months: int = 12,
) -> pd.DataFrame:
    """Check each site's caseload against starts × time in service (Little's law, L = λW).

    The average number of customers in service (L) equals the rate at which they arrive (λ)
    times the average time they spend in service (W). When the extract breaks that identity by
    more than ``tolerance``, the likeliest cause is the data, not the service.

    Window choice: the ``window_months`` months up to and including ``as_of`` (default 12 months
    up to the latest date in the extract). A year smooths seasonality and is long compared with
    typical times in service, so customers straddling the window edges matter little. Within it:

    - L is the time average of the open caseload: customer-days in service inside the window
      divided by the days of the window (exact, rather than a mean of month-end snapshots);
    - λ is starts per day inside the window. Exits per day (``throughput_per_day``) equal it
      only in a steady state: in a growing or newly opened service they lag behind, and using
      them flagged every site of such a service (ratios of 1.4-1.5 on healthy data) where starts
      keep the ratio within 0.9-1.2. Missing exits do not touch the starts, so they still show;
    - W is the mean days from start to exit of the customers who exited in the window.

    ``open_at_start`` and ``open_at_end`` show how far the caseload moved over the window: a
    large move means the service was not in a steady state and the ratio is less certain.

    Args:
        caseload: Validated caseload frame.
        tolerance: Largest acceptable relative difference between L and λW.
        as_of: Last day of the window. Defaults to the latest date in the extract.
        window_months: Length of the window in months.

    Returns:
        One row per site and "ALL" with columns ``site, window_start, window_end, open_at_start,
        open_at_end, caseload, starts_per_day, throughput_per_day, mean_days_in_service,
        expected_caseload, ratio, flag, explanation``: ``caseload`` is L, ``starts_per_day`` λ,
        ``mean_days_in_service`` W and ``expected_caseload`` λW; ``throughput_per_day`` (exits)
        is shown for comparison. ``ratio`` is L / (λW), infinite when customers are open but
        nobody exited (W unknown);
        ``flag`` is True when ``|ratio - 1| > tolerance``; ``explanation`` is empty when not
        flagged.
    """
    data = _as_arrays(caseload)
    as_of = _default_as_of(caseload, as_of).normalize()
    end = as_of + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=window_months)
    window = (np.datetime64(start, "ns"), np.datetime64(end, "ns"))
    result = _littles_stats(data, window)
    deviation = (result["ratio"] - 1).abs()
    result["flag"] = (deviation > tolerance).to_numpy(dtype=bool)
    result["explanation"] = _littles_explanation(result, tolerance)
    result.insert(1, "window_start", start)
    result.insert(2, "window_end", as_of)
    return result


def _flow_stats(data: _Caseload, window: tuple[np.datetime64, np.datetime64]) -> pd.DataFrame:
    """Flow figures per site code for events inside ``[window[0], window[1])``, then "ALL".

    The contract's counts and day totals are the sums of the sites' (whole numbers, so exactly
    what one pass over all customers gives); its quantiles are taken over all customers.
    """
    lo, hi = window
    n = len(data.sites)
    started = ~np.isnat(data.start)

    def inside(dates: np.ndarray) -> np.ndarray:
        return (dates >= lo) & (dates < hi)  # NaT compares False, so missing events drop out

    def count(mask: np.ndarray) -> np.ndarray:
        return _with_total(np.bincount(data.codes[mask], minlength=n))

    exit_inside = inside(data.exit)
    exited = exit_inside & started
    timed = inside(data.outcome) & started  # outcomes with a start date to time them from
    to_outcome = (data.outcome[timed] - data.start[timed]) / _ONE_DAY
    in_service = (data.exit[exited] - data.start[exited]) / _ONE_DAY
    open_now = started & (data.start < hi) & (np.isnat(data.exit) | (data.exit >= hi))
    counts = {
        "referrals": count(inside(data.referral)),
        "starts": count(inside(data.start)),
        "outcomes": count(inside(data.outcome)),
        "exits": count(exited),
        "closed_before_start": count(exit_inside & ~started),
        "open_caseload": count(open_now),
    }
    months = (hi - lo) / _ONE_DAY / DAYS_PER_MONTH
    timed_codes = data.codes[timed]
    median, p80 = (
        np.append(by_site, everyone)
        for by_site, everyone in zip(
            _grouped_quantiles(timed_codes, to_outcome, n, (0.5, 0.8)),
            _grouped_quantiles(np.zeros_like(timed_codes), to_outcome, 1, (0.5, 0.8)),
            strict=True,
        )
    )
    service_days = _with_total(np.bincount(data.codes[exited], weights=in_service, minlength=n))
    frame = pd.DataFrame({"site": pd.Series([*data.sites, ALL_SITES], dtype="str"), **counts})
    return frame.assign(
        conversion_to_start=_ratio(counts["starts"], counts["referrals"]),
        conversion_to_outcome=_ratio(counts["outcomes"], counts["starts"]),
        median_days_to_outcome=median,
        p80_days_to_outcome=p80,
        throughput_per_month=counts["exits"] / months,
        mean_days_in_service=_ratio(service_days, counts["exits"]),
    )


def _littles_stats(data: _Caseload, window: tuple[np.datetime64, np.datetime64]) -> pd.DataFrame:
    """L, λ, W and their ratio per site code for the window ``[window[0], window[1])``, then "ALL".

    Every figure is a ratio of counts or day totals, and the contract's are the sums of the
    sites'.
    """
    lo, hi = window
    n = len(data.sites)
    days = (hi - lo) / _ONE_DAY
    started = ~np.isnat(data.start)
    # Time in service clipped to the window; open customers are in service until the window end.
    leave = np.where(np.isnat(data.exit), hi, np.minimum(data.exit, hi))
    overlap = (leave - np.maximum(data.start, lo)) / _ONE_DAY
    overlap = np.where(started & (overlap > 0), overlap, 0.0)
    exited = started & (data.exit >= lo) & (data.exit < hi)
    exits = _with_total(np.bincount(data.codes[exited], minlength=n))
    starts = _with_total(
        np.bincount(data.codes[(data.start >= lo) & (data.start < hi)], minlength=n)
    )
    in_service = (data.exit[exited] - data.start[exited]) / _ONE_DAY
    not_exited = np.isnat(data.exit)

    def open_on(day: np.datetime64) -> np.ndarray:
        is_open = started & (data.start < day) & (not_exited | (data.exit >= day))
        return _with_total(np.bincount(data.codes[is_open], minlength=n))

    observed = _with_total(np.bincount(data.codes, weights=overlap, minlength=n)) / days
    arrivals = starts / days
    service_days = _with_total(np.bincount(data.codes[exited], weights=in_service, minlength=n))
    w_days = _ratio(service_days, exits)
    # Nobody left, so W is unknown: count λW as 0, and any open caseload then fails the check.
    expected = np.where(exits > 0, arrivals * w_days, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / expected, np.where(observed > 0, np.inf, np.nan))
    return pd.DataFrame(
        {
            "site": pd.Series([*data.sites, ALL_SITES], dtype="str"),
            "open_at_start": open_on(lo),
            "open_at_end": open_on(hi),
            "caseload": observed,
            "starts_per_day": arrivals,
            "throughput_per_day": exits / days,
            "mean_days_in_service": w_days,
            "expected_caseload": expected,
            "ratio": ratio,
        }
    )


def _with_total(per_site: np.ndarray) -> np.ndarray:
    """The sites' figures with the contract's (their sum) appended."""
    return np.append(per_site, per_site.sum())


def _littles_explanation(result: pd.DataFrame, tolerance: float) -> pd.Series:
    """Name the likely data problem behind each flagged row (empty text when not flagged)."""
    larger = (
        "caseload larger than starts × time in service: exits may be missing from the "
        "extract (people who left, or were closed without an exit date, still look open)"
    )
    smaller = (
        "caseload smaller than starts × time in service: long-open cases may have been closed "
        "in bulk inside the window (a caseload clean-up), or open cases may be missing from "
        "the extract (truncated, or only closed cases exported)"
    )
    text = pd.Series(
        np.select([~result["flag"], result["ratio"] > 1], ["", larger], default=smaller),
        index=result.index,
        dtype="str",
    )
    # Growth or shrinkage breaks the steady state Little's law assumes: say so next to the flag.
    before, after = result["open_at_start"], result["open_at_end"]
    moved = result["flag"] & ((after - before).abs() > tolerance * before.clip(lower=1))
    note = (
        "; the caseload also moved from "
        + before.astype("str")
        + " to "
        + after.astype("str")
        + " over the window, so part of the gap may be growth or shrinkage, not data"
    )
    return text.where(~moved, text + note)


def _as_arrays(caseload: pd.DataFrame) -> _Caseload:
    """Site codes (sorted site keys) and nanosecond date arrays of the caseload."""
    codes, sites = pd.factorize(caseload["site"], sort=True)
    # Dates may arrive in any resolution (pandas 3 parses to microseconds): use one unit.
    dates = [caseload[c].to_numpy(dtype="datetime64[ns]") for c in _DATE_COLUMNS]
    return _Caseload(codes.astype(np.int64), [str(s) for s in sites], *dates)


def _default_as_of(caseload: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Timestamp:
    """``as_of`` itself, or the latest date anywhere in the extract."""
    if caseload.empty:
        raise ValueError("The caseload is empty: there is no flow to analyse.")
    if as_of is not None:
        return pd.Timestamp(as_of)
    latest = [caseload[c].max() for c in _DATE_COLUMNS]
    return pd.Timestamp(max(d for d in latest if pd.notna(d)))


def _month_index(dates: np.ndarray) -> np.ndarray:
    """Months since January 1970 of each date (no NaT allowed).

    numpy's calendar conversion to months is slow on millions of dates, so it is done once per
    distinct day in a lookup table and the dates index into it.
    """
    days = dates.astype("datetime64[D]").astype(np.int64)
    if days.size == 0:
        return days
    first = days.min()
    every_day = np.arange(first, days.max() + 1).astype("datetime64[D]")
    return every_day.astype("datetime64[M]").astype(np.int64)[days - first]


def _month_start(index: int) -> pd.Timestamp:
    """The first day of the month ``index`` months after January 1970."""
    return pd.Timestamp(np.datetime64(int(index), "M"))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise ``numerator / denominator``, NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _grouped_quantiles(
    codes: np.ndarray, values: np.ndarray, n: int, qs: tuple[float, ...]
) -> list[np.ndarray]:
    """Quantiles ``qs`` of ``values`` per group code (linear interpolation, numpy's default).

    One sort by (code, value) puts each group's values in order side by side; each quantile is
    then read at each group's offset, with no loop over groups.
    """
    ordered = sort_by_group(codes, values, n)
    sizes = np.bincount(codes, minlength=n)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    has = sizes > 0
    results = []
    for q in qs:
        position = (offsets + q * np.maximum(sizes - 1, 0))[has]
        below = np.floor(position).astype(np.int64)
        above = np.ceil(position).astype(np.int64)
        lower, upper = ordered[below], ordered[above]
        result = np.full(n, np.nan)
        result[has] = lower + (upper - lower) * (position - below)
        results.append(result)
    return results


def sort_by_group(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """``values`` ordered by group code, then by value: ``values[np.lexsort((values, codes))]``.

    Days between two dates are whole numbers over a few thousand at most, so a counting sort
    (one ``np.bincount`` over "code × range + value") gives the same array without sorting a
    million values; other values are sorted.
    """
    values = np.asarray(values)
    if len(values) == 0:
        return values
    low, high = values.min(), values.max()
    span = high - low + 1 if np.isfinite(low) and np.isfinite(high) else np.inf
    if span * n > 20_000_000 or not np.array_equal(values, np.floor(values)):
        return values[np.lexsort((values, codes))]
    span = int(span)
    counts = np.bincount(
        codes.astype(np.int64) * span + (values - low).astype(np.int64), minlength=n * span
    )
    levels = np.tile(np.arange(span, dtype=np.int64) + np.int64(low), n).astype(values.dtype)
    return np.repeat(levels, counts)
