"""Performance against contract: actuals, targets, gaps, ranks and spread per site.

Trends are in ``trends`` (a count model, so noise is not called a trend).

Every function takes the validated KPI long frame (``site, period, measure, actual, target``, one
row per site, month and measure, target already filled) and returns a new frame.

Two conventions hold in every frame of this module:

- ``pct_of_target`` is always "higher is better". For a measure where more is better it is
  ``actual / target * 100``; for a measure named in ``lower_is_better`` (say, days waiting) it is
  ``target / actual * 100``, so 125 means 25% better than target either way. It is NaN where the
  ratio is undefined (a zero denominator).
- ``gap`` is always "positive means short of target": ``target - actual`` when more is better,
  ``actual - target`` when less is better.

The contract as a whole appears as the site ``"ALL"``: actuals and targets summed over sites, which
assumes the measures are counts (referrals, starts, outcomes), as contracted KPIs are.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

ALL_SITES = "ALL"
"""Site label of the rows that stand for the contract as a whole (summed over sites)."""

_KEYS = ["site", "measure", "period"]


def performance_by_period(
    kpi: pd.DataFrame, lower_is_better: Collection[str] = frozenset()
) -> pd.DataFrame:
    """Actual against target per site, measure and month, plus the contract total as site "ALL".

    Args:
        kpi: Validated KPI long frame.
        lower_is_better: Measure keys where a lower actual is better (see the module docstring).

    Returns:
        Columns ``site, measure, period, actual, target, pct_of_target, gap``, sorted by measure,
        site ("ALL" last) and period.
    """
    rows = kpi[[*_KEYS, "actual", "target"]]
    contract = rows.groupby(["measure", "period"], as_index=False)[["actual", "target"]].sum()
    contract.insert(0, "site", ALL_SITES)
    both = pd.concat([rows, contract], ignore_index=True)
    return sort_with_contract_last(_score(both, lower_is_better), ["measure", "site", "period"])


def performance_to_date(
    kpi: pd.DataFrame, lower_is_better: Collection[str] = frozenset()
) -> pd.DataFrame:
    """Actual against target per site and measure summed over all periods, with a rank of sites.

    Args:
        kpi: Validated KPI long frame.
        lower_is_better: Measure keys where a lower actual is better (see the module docstring).

    Returns:
        Columns ``site, measure, periods, actual, target, pct_of_target, gap, rank``. ``periods``
        counts the months with data; ``rank`` is 1 for the best ``pct_of_target`` among the sites
        of a measure (ties share the better rank) and missing for "ALL" and for sites without a
        percentage.
    """
    totals = {"periods": ("period", "nunique"), "actual": ("actual", "sum")}
    totals["target"] = ("target", "sum")
    sums = kpi.groupby(["site", "measure"], as_index=False).agg(**totals)
    contract = kpi.groupby("measure", as_index=False).agg(**totals)
    contract.insert(0, "site", ALL_SITES)
    both = _score(pd.concat([sums, contract], ignore_index=True), lower_is_better)
    is_site = both["site"] != ALL_SITES
    ranks = both[is_site].groupby("measure")["pct_of_target"].rank(ascending=False, method="min")
    both["rank"] = ranks.reindex(both.index).astype("Int64")
    return sort_with_contract_last(both, ["measure", "site"])


@dataclass(frozen=True)
class SiteSpread:
    """How far apart the sites are on one measure, from ``performance_to_date``.

    Attributes:
        measure: The KPI key.
        best_site: Site with the highest percentage of target (ties: first site key).
        best_pct: Its percentage of target.
        worst_site: Site with the lowest percentage of target.
        worst_pct: Its percentage of target.
        spread_pp: ``best_pct - worst_pct`` in percentage points.
        cv: Coefficient of variation of the sites' percentages (population standard deviation
            over the mean): the sites are all the contract's sites, not a sample of them.
        n_sites: Number of sites with a percentage.
    """

    measure: str
    best_site: str
    best_pct: float
    worst_site: str
    worst_pct: float
    spread_pp: float
    cv: float
    n_sites: int


def site_spread(to_date: pd.DataFrame, measure: str) -> SiteSpread:
    """Best and worst site, spread and coefficient of variation of one measure.

    Args:
        to_date: Output of ``performance_to_date``.
        measure: The KPI key to look at.

    Returns:
        The spread of the sites (the "ALL" row and sites without a percentage are left out).

    Raises:
        ValueError: When no site has a percentage of target for ``measure``.
    """
    sites = to_date[
        (to_date["measure"] == measure)
        & (to_date["site"] != ALL_SITES)
        & to_date["pct_of_target"].notna()
    ]
    if sites.empty:
        raise ValueError(f"No site has a percentage of target for the measure {measure!r}.")
    # Sort by percentage then site key so ties resolve the same way on every run.
    ordered = sites.sort_values(["pct_of_target", "site"], ascending=[False, True])
    pct = ordered["pct_of_target"].to_numpy(dtype=float)
    mean = pct.mean()
    cv = float(pct.std(ddof=0) / mean) if mean else float("nan")
    worst = ordered.sort_values(["pct_of_target", "site"]).iloc[0]
    return SiteSpread(
        measure=measure,
        best_site=str(ordered["site"].iloc[0]),
        best_pct=float(pct[0]),
        worst_site=str(worst["site"]),
        worst_pct=float(worst["pct_of_target"]),
        spread_pp=float(pct[0] - worst["pct_of_target"]),
        cv=cv,
        n_sites=len(pct),
    )


def sort_with_contract_last(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort a frame by ``keys``, putting the contract rows (site "ALL") after the sites.

    Args:
        frame: Any frame with a ``site`` column and the ``keys`` columns.
        keys: Sort keys, in order; where ``site`` is one of them, "ALL" sorts after every site.

    Returns:
        A sorted copy with a fresh index.
    """
    sort_keys = [part for k in keys for part in (("_is_contract", k) if k == "site" else (k,))]
    return (
        frame.assign(_is_contract=frame["site"] == ALL_SITES)
        .sort_values(sort_keys, kind="stable")
        .drop(columns="_is_contract")
        .reset_index(drop=True)
    )


def _score(frame: pd.DataFrame, lower_is_better: Collection[str]) -> pd.DataFrame:
    """Add ``pct_of_target`` and ``gap`` honouring the direction of each measure."""
    actual = frame["actual"].to_numpy(dtype=float)
    target = frame["target"].to_numpy(dtype=float)
    lower = frame["measure"].isin(list(lower_is_better)).to_numpy()
    numerator = np.where(lower, target, actual)
    denominator = np.where(lower, actual, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(denominator > 0, numerator / denominator * 100.0, np.nan)
    return frame.assign(
        pct_of_target=pct, gap=np.where(lower, actual - target, target - actual)
    ).reset_index(drop=True)
