"""Work sampling (time and motion): how staff time splits across activities, with its uncertainty.

A work-sampling study records what someone is doing at random moments; the share of observations
in a category estimates the share of time spent on it. The input is the validated work-sampling
frame (``observed_at, site, role, activity, category``), where ``category`` is ``value_adding``
(with the customer, towards the outcome), ``value_enabling`` or ``non_value``.

Shares come with Wilson score intervals rather than the textbook "p ± z·√(p(1-p)/n)": Wilson
stays inside [0, 1] and keeps its coverage for small shares and small samples, which is exactly
the classic case (18 of 256 observations with the customer: 7%, interval 4.5%-10.8%).
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from assessment.data_analysis.performance import ALL_SITES, sort_with_contract_last

CATEGORIES = ("value_adding", "value_enabling", "non_value")
"""Activity categories in display order."""

VALUE_ADDING = "value_adding"

DEFAULT_PRECISION = 0.03
"""Half-width of the interval a study should reach: ±3 percentage points."""


def wilson_interval_array(
    successes: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes / n`` element-wise.

    Args:
        successes: Observations in the category.
        n: All observations of the group (the same shape as ``successes``, or broadcastable).
        confidence: Two-sided confidence level, e.g. 0.95.

    Returns:
        Arrays of lower and upper bounds as shares in [0, 1]; NaN where ``n`` is 0.
    """
    z = _z(confidence)
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / total
        scale = 1.0 + z * z / total
        centre = (p + z * z / (2.0 * total)) / scale
        half = z * np.sqrt(p * (1.0 - p) / total + z * z / (4.0 * total * total)) / scale
    # At 0 and n the bounds are exactly 0 and 1; set them so rounding noise never shows.
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k >= total, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(total > 0, low, np.nan), np.where(total > 0, high, np.nan)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of one observed share.

    Args:
        successes: Observations in the category.
        n: All observations.
        confidence: Two-sided confidence level.

    Returns:
        ``(low, high)`` as shares in [0, 1]. 18 of 256 gives about (0.045, 0.108).

    Raises:
        ValueError: When ``n`` is not positive or ``successes`` is outside ``0..n``.
    """
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"Need 0 <= successes <= n and n > 0; got {successes} of {n}.")
    low, high = wilson_interval_array(successes, n, confidence)
    return float(low), float(high)


def required_sample_size_array(
    expected_share: ArrayLike, precision: float, confidence: float = 0.95
) -> np.ndarray:
    """Observations needed to estimate each share to ``± precision``: ``ceil(z² p(1-p) / e²)``.

    Args:
        expected_share: Share expected (or observed so far), in [0, 1].
        precision: Half-width of the interval wanted, as a share (0.03 for ±3 points).
        confidence: Two-sided confidence level.

    Returns:
        Integer array, at least 1 everywhere.
    """
    if precision <= 0:
        raise ValueError(f"precision must be positive, got {precision}.")
    z = _z(confidence)
    p = np.asarray(expected_share, dtype=float)
    n = z * z * p * (1.0 - p) / (precision * precision)
    # The small allowance keeps an exact integer from being pushed up by floating-point noise.
    return np.maximum(np.ceil(n - 1e-9), 1).astype(np.int64)


def required_sample_size(expected_share: float, precision: float, confidence: float = 0.95) -> int:
    """Observations needed to estimate a share to ``± precision``: ``ceil(z² p(1-p) / e²)``.

    Args:
        expected_share: Share expected, in [0, 1]; 0.5 is the safe choice when unknown.
        precision: Half-width wanted, as a share (0.03 for ±3 percentage points).
        confidence: Two-sided confidence level.

    Returns:
        The sample size, e.g. 278 for a 7% share to ±3 points at 95%.

    Raises:
        ValueError: When the share is outside [0, 1] or the precision is not positive.
    """
    if not 0.0 <= expected_share <= 1.0:
        raise ValueError(f"expected_share must be within [0, 1], got {expected_share}.")
    return int(required_sample_size_array(expected_share, precision, confidence))


def sampling_profile(
    obs: pd.DataFrame,
    by: Sequence[str] = ("site",),
    level: str = "category",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of observations per group and category (or activity), with Wilson intervals.

    Every group gets a row for every category or activity seen anywhere, with a count of 0 where
    it was never observed, so that "never seen with a customer" shows as 0% with its interval.
    When ``site`` is one of ``by``, the contract as a whole is added as site "ALL".

    Args:
        obs: Validated work-sampling frame.
        by: Columns to group by (one or more of ``site``, ``role``, ...).
        level: ``"category"`` or ``"activity"``.
        confidence: Two-sided confidence level of the intervals.

    Returns:
        Columns ``*by, level, count, n, share, ci_low, ci_high``; ``n`` is the group's total and
        shares are in [0, 1]. Groups are sorted ("ALL" last), categories in the order of
        ``CATEGORIES`` and activities alphabetically.

    Raises:
        ValueError: When ``by`` is empty or ``level`` is not one of the two accepted names.
    """
    keys = list(by)
    if not keys or level not in ("category", "activity"):
        raise ValueError(f"by must name columns and level be category or activity; got {by!r}.")
    counts = obs.groupby([*keys, level], observed=True).size().rename("count").reset_index()
    if "site" in keys:
        others = [k for k in keys if k != "site"]
        contract = counts.groupby([*others, level], as_index=False)["count"].sum()
        counts = pd.concat([counts, contract.assign(site=ALL_SITES)], ignore_index=True)
    table = counts.pivot_table(
        index=keys, columns=level, values="count", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=_level_order(obs[level], level), fill_value=0)
    grid = table.stack().rename("count").reset_index()
    grid = sort_with_contract_last(grid, keys)
    grid["count"] = grid["count"].astype(np.int64)
    grid["n"] = grid.groupby(keys)["count"].transform("sum").astype(np.int64)
    low, high = wilson_interval_array(grid["count"], grid["n"], confidence)
    return grid.assign(share=grid["count"] / grid["n"], ci_low=low, ci_high=high)


def value_adding_share(
    obs: pd.DataFrame, precision: float = DEFAULT_PRECISION, confidence: float = 0.95
) -> pd.DataFrame:
    """Share of time spent on value-adding work per site and "ALL", and whether n is enough.

    ``required_n`` is the sample size that would estimate the observed share to ``± precision``.
    Where the observed share is 0 or 1 that formula gives nothing useful (it says one observation
    is enough), so the interval bound nearest 50% is used as the planning share instead.

    Args:
        obs: Validated work-sampling frame.
        precision: Half-width the study should reach, as a share (0.03 = ±3 points).
        confidence: Two-sided confidence level.

    Returns:
        Columns ``site, n, value_adding, share, ci_low, ci_high, required_n, sufficient``.
    """
    profile = sampling_profile(obs, ("site",), "category", confidence)
    rows = profile[profile["category"] == VALUE_ADDING].reset_index(drop=True)
    share = rows["share"].to_numpy(dtype=float)
    planning = np.select(
        [share <= 0.0, share >= 1.0], [rows["ci_high"], rows["ci_low"]], default=share
    )
    required = required_sample_size_array(planning, precision, confidence)
    return pd.DataFrame(
        {
            "site": rows["site"],
            "n": rows["n"],
            "value_adding": rows["count"],
            "share": share,
            "ci_low": rows["ci_low"],
            "ci_high": rows["ci_high"],
            "required_n": required,
            "sufficient": rows["n"].to_numpy() >= required,
        }
    )


def _z(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level (1.95996... for 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}.")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _level_order(values: pd.Series, level: str) -> list[str]:
    """Categories in their display order (then any unknown ones), or activities alphabetically."""
    seen = sorted(str(v) for v in values.dropna().unique())
    if level != "category":
        return seen
    return [*CATEGORIES, *(v for v in seen if v not in CATEGORIES)]
