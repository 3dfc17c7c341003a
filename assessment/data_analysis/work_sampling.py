"""Work sampling (time and motion): how staff time splits across activities, with its uncertainty.

A work-sampling study records what someone is doing at random moments; the share of observations
in a category estimates the share of time spent on it. The input is the validated work-sampling
frame (``observed_at, site, role, activity, category``), where ``category`` is ``value_adding``
(with the customer, towards the outcome), ``value_enabling`` or ``non_value``.

Shares come with Wilson score intervals (statsmodels' ``proportion_confint``) rather than the
textbook "p ± z·√(p(1-p)/n)": Wilson stays inside [0, 1] and keeps its coverage for small
shares and small samples, which is exactly the classic case (18 of 256 observations with the
customer: 7%, interval 4.5%-10.8%).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.proportion import proportion_confint

from assessment.data_analysis.performance import ALL_SITES, sort_with_contract_last

CATEGORIES = ("value_adding", "value_enabling", "non_value")
"""Activity categories in display order."""

VALUE_ADDING = "value_adding"

DEFAULT_PRECISION = 0.03
"""Half-width of the interval a study should reach: ±3 percentage points."""

DEFAULT_RELATIVE_PRECISION = 0.2
"""Half-width as a fraction of the share: ±20% of it (±1.4 points for a 7% share)."""


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
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    _z(confidence)  # validates the level
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = proportion_confint(k, total, alpha=1 - confidence, method="wilson")
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    # At 0 and n the bounds are exactly 0 and 1; set them so rounding noise never shows.
    low = np.where(k <= 0, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(k >= total, 1.0, np.clip(high, 0.0, 1.0))
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
    obs: pd.DataFrame,
    precision: float = DEFAULT_PRECISION,
    confidence: float = 0.95,
    *,
    relative_precision: float = DEFAULT_RELATIVE_PRECISION,
    staff: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Share of time spent on value-adding work per site and "ALL", and whether n is enough.

    Per site the interval is Wilson's on the sample's effective size: the observations divided by
    the design effect of rounds (several staff observed at the same moment are alike, so a round of
    30 is worth less than 30 random moments; with no rounds the effect is 1 and the interval is the
    plain Wilson interval). The contract's share is stratified: each site's share weighted by its
    staff (``staff``), its variance the weighted sum of the sites' variances; without a staff count
    for every observed site it is the unweighted share of all observations (``weighting`` says
    which).

    ``required_n`` is the sample size for ``± precision`` (absolute), ``required_n_relative`` for
    ``± relative_precision × share`` (a tighter, fairer goal for a small share); both include the
    design effect. ``sufficient`` means both are met. Where the observed share is 0 or 1 the
    formulas say nothing useful, so the interval bound nearest 50% is used as the planning share.

    Args:
        obs: Validated work-sampling frame.
        precision: Absolute half-width wanted, as a share (0.03 = ±3 points).
        confidence: Two-sided confidence level.
        relative_precision: Half-width wanted as a fraction of the share (0.2 = ±20% of it).
        staff: Site key -> people delivering there, to weight the contract's share.

    Returns:
        Columns ``site, n, value_adding, share, ci_low, ci_high, rounds, design_effect,
        n_effective, required_n, required_n_relative, sufficient, weighting``.
    """
    obs = obs.assign(_hit=(obs["category"] == VALUE_ADDING).astype(np.int64))
    rounds = obs.groupby(["site", "observed_at"], observed=True)["_hit"].agg(["sum", "size"])
    sites = _site_estimates(rounds).assign(weighting="")
    contract = _contract_estimate(sites, rounds, staff)
    rows = pd.concat([sites, pd.DataFrame([contract])], ignore_index=True)
    rows = sort_with_contract_last(rows, ["site"])
    n_eff = rows["n_effective"].to_numpy(dtype=float)
    share = rows["share"].to_numpy(dtype=float)
    low, high = wilson_interval_array(share * n_eff, n_eff, confidence)
    planning = np.select([share <= 0.0, share >= 1.0], [high, low], default=share)
    deff = rows["design_effect"].to_numpy(dtype=float)
    z = _z(confidence)
    absolute = np.maximum(z * z * planning * (1 - planning) / (precision * precision), 1) * deff
    relative = _required_relative(planning, relative_precision, confidence) * deff
    required, required_rel = np.ceil(absolute - 1e-9), np.ceil(relative - 1e-9)
    return pd.DataFrame(
        {
            "site": rows["site"].astype(str),
            "n": rows["n"].astype(np.int64),
            "value_adding": rows["value_adding"].astype(np.int64),
            "share": share,
            "ci_low": low,
            "ci_high": high,
            "rounds": rows["rounds"].astype(np.int64),
            "design_effect": deff,
            "n_effective": n_eff,
            "required_n": required.astype(np.int64),
            "required_n_relative": required_rel.astype(np.int64),
            "sufficient": rows["n"].to_numpy() >= np.maximum(required, required_rel),
            "weighting": rows["weighting"],
        }
    )


def design_effect(hits: np.ndarray, sizes: np.ndarray) -> float:
    """Design effect of observations taken in rounds (clusters): variance over a random sample's.

    The variance of the share is the ratio estimator's over rounds,
    ``m / (m - 1) × Σ (hits_c - p × size_c)² / n²``, against ``p (1 - p) / n``. It is 1 when no
    round holds more than one observation, when there are fewer than two rounds (nothing to
    estimate it from) or when the share is 0 or 1, and never taken below 1.

    Args:
        hits: Observations in the category per round.
        sizes: Observations per round.
    """
    hits, sizes = np.asarray(hits, dtype=float), np.asarray(sizes, dtype=float)
    n, m = sizes.sum(), len(sizes)
    if m < 2 or sizes.max(initial=0) <= 1:
        return 1.0
    p = hits.sum() / n
    if p <= 0 or p >= 1:
        return 1.0
    clustered = m / (m - 1) * float(((hits - p * sizes) ** 2).sum()) / (n * n)
    return max(1.0, clustered / (p * (1 - p) / n))


def _site_estimates(rounds: pd.DataFrame) -> pd.DataFrame:
    """Each site's share, design effect and effective size, from its rounds, all sites at once.

    The same figures as ``design_effect`` per site, from grouped sums: ``Σ (h - p s)²`` expands
    to ``Σh² - 2p Σhs + p² Σs²``.
    """
    hits, sizes = rounds["sum"].astype(float), rounds["size"].astype(float)
    parts = pd.DataFrame(
        {"h": hits, "s": sizes, "hh": hits * hits, "hs": hits * sizes, "ss": sizes * sizes}
    )
    site = rounds.index.get_level_values("site").astype(str)
    sums = parts.groupby(site).sum()
    shape = pd.DataFrame(
        {"m": sizes.groupby(site).size(), "largest": sizes.groupby(site).max()}
    ).reindex(sums.index)
    n, k, m = sums["s"], sums["h"], shape["m"]
    p = k / n
    spread = sums["hh"] - 2 * p * sums["hs"] + p * p * sums["ss"]
    with np.errstate(divide="ignore", invalid="ignore"):
        clustered = m / (m - 1) * spread / (n * n)
        deff = clustered / (p * (1 - p) / n)
    estimable = (m >= 2) & (shape["largest"] > 1) & (p > 0) & (p < 1)
    deff = np.maximum(deff.where(estimable, 1.0), 1.0)
    return pd.DataFrame(
        {
            "site": sums.index.astype(str),
            "n": n.astype(np.int64).to_numpy(),
            "value_adding": k.astype(np.int64).to_numpy(),
            "share": p.to_numpy(),
            "rounds": (sizes > 1).groupby(site).sum().reindex(sums.index).to_numpy(),
            "design_effect": deff.to_numpy(),
            "n_effective": (n / deff).to_numpy(),
        }
    )


def _site_estimate(rounds: pd.DataFrame) -> dict[str, float]:
    """One group's share, its design effect and effective size, from its rounds."""
    hits, sizes = rounds["sum"].to_numpy(), rounds["size"].to_numpy()
    n = int(sizes.sum())
    deff = design_effect(hits, sizes)
    return {
        "n": n,
        "value_adding": int(hits.sum()),
        "share": hits.sum() / n if n else np.nan,
        "rounds": int((sizes > 1).sum()),
        "design_effect": deff,
        "n_effective": n / deff,
    }


def _contract_estimate(
    sites: pd.DataFrame, rounds: pd.DataFrame, staff: Mapping[str, int] | None
) -> dict[str, object]:
    """The contract's share: stratified by staff where every site has a count, else pooled."""
    weights = pd.Series({s: (staff or {}).get(s) for s in sites["site"]}, dtype="float64")
    if len(sites) > 1 and weights.notna().all() and weights.sum() > 0:
        w = (weights / weights.sum()).to_numpy()
        p_h = sites["share"].to_numpy(dtype=float)
        var_h = sites["design_effect"] * p_h * (1 - p_h) / sites["n"]
        share = float((w * p_h).sum())
        variance = float((w * w * var_h.to_numpy()).sum())
        n = int(sites["n"].sum())
        n_eff = share * (1 - share) / variance if variance > 0 else float(n)
        estimate = {"share": share, "n_effective": n_eff, "design_effect": n / n_eff}
        weighting = "weighted by staff"
    else:
        pooled = _site_estimate(rounds)
        estimate = {k: pooled[k] for k in ("share", "n_effective", "design_effect")}
        weighting = "one site" if len(sites) == 1 else "unweighted: no staff count for every site"
    return {
        "site": ALL_SITES,
        "n": int(sites["n"].sum()),
        "value_adding": int(sites["value_adding"].sum()),
        "rounds": int(sites["rounds"].sum()),
        "weighting": weighting,
        **estimate,
    }


def _required_relative(share: np.ndarray, relative: float, confidence: float) -> np.ndarray:
    """Observations for ``± relative × share``: ``z² (1 - p) / (relative² p)`` (at least 1)."""
    if relative <= 0:
        raise ValueError(f"relative precision must be positive, got {relative}.")
    z = _z(confidence)
    p = np.asarray(share, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(p > 0, z * z * (1 - p) / (relative * relative * p), np.nan)
    return np.maximum(np.nan_to_num(n, nan=1.0), 1.0)


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
