"""The customer journey: consistency per site, its relation to performance, a proposed journey.

Journey frames have the columns of :func:`models.journey_frame`: ``journey`` (``current``,
``defined`` or ``proposed``), ``site`` (``ALL`` for the contract as a whole), ``order``, ``step``,
``owner``, ``channel``, ``duration_days``, ``value_adding``.

Consistency score (0 to 1) of two journeys: the longest common subsequence of their normalised
step names over the length of the longer journey. It is order-aware (the same steps in another
order score lower), counts a missing or an extra step against the score, and is 1 only for the same
steps in the same order. Step names are normalised (case, punctuation and spacing ignored) so
"Initial assessment" and "initial  assessment." match; different words do not.

- ``contract_score``: a site's journey against the contract's defined journey (site ``ALL`` of
  the ``defined`` journey), or against a journey defined for that site alone where there is
  one; missing when none is defined.
- ``peer_score``: the mean of a site's scores against every other site; missing with one site.
- ``cross_site_consistency``: the mean score over all pairs of sites.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from assessment.discovery.vocabulary import CONTRACT_WIDE

FOLLOWED = 0.8
"""A site whose score against the defined journey reaches this is said to follow it."""

MIN_CORRELATION_SITES = 5
"""Fewest sites a correlation across sites is given for: below it, only the table."""


def normalise_step(name: str) -> str:
    """A step name reduced to lower-case words: case, punctuation and spacing are ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", str(name).casefold()).split())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two sequences (dynamic programming)."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Order-aware similarity of two step lists: LCS over the longer length (1.0 if both empty)."""
    longer = max(len(a), len(b))
    return 1.0 if longer == 0 else lcs_length(a, b) / longer


def sequences(journeys: pd.DataFrame, journey: str = "current") -> dict[str, list[str]]:
    """Site -> normalised step names in step order, for one kind of journey."""
    rows = journeys[journeys["journey"] == journey].sort_values(["site", "order"])
    return {
        site: [normalise_step(s) for s in group["step"]]
        for site, group in rows.groupby("site", sort=True)
    }


def cross_site_consistency(journeys: pd.DataFrame) -> float:
    """Mean similarity over every pair of sites' current journeys; NaN with fewer than two."""
    current = sequences(journeys)
    scores = [similarity(a, b) for a, b in itertools.combinations(current.values(), 2)]
    return float(np.mean(scores)) if scores else math.nan


def journey_consistency(journeys: pd.DataFrame) -> pd.DataFrame:
    """Per site: its journey's size, scores against the defined journey and the other sites.

    Returns:
        One row per site with a current journey, columns ``site, steps, value_adding_steps,
        duration_days, contract_score, peer_score, follows_defined``. ``duration_days`` is the
        sum of the steps' typical durations (missing durations count as 0); ``follows_defined``
        is ``contract_score >= FOLLOWED`` (False when no journey is defined).
    """
    current = sequences(journeys)
    defined_journeys = sequences(journeys, "defined")
    rows = []
    for site, steps in current.items():
        mine = journeys[(journeys["journey"] == "current") & (journeys["site"] == site)]
        others = [similarity(steps, other) for key, other in current.items() if key != site]
        # a journey defined for the site itself wins over the contract-wide one
        defined = defined_journeys.get(site, defined_journeys.get(CONTRACT_WIDE))
        contract = similarity(steps, defined) if defined is not None else math.nan
        rows.append(
            {
                "site": site,
                "steps": len(steps),
                "value_adding_steps": int(mine["value_adding"].sum()),
                "duration_days": float(mine["duration_days"].fillna(0).sum()),
                "contract_score": contract,
                "peer_score": float(np.mean(others)) if others else math.nan,
                "follows_defined": bool(contract >= FOLLOWED),
            }
        )
    columns = ["site", "steps", "value_adding_steps", "duration_days", "contract_score"]
    return pd.DataFrame(rows, columns=[*columns, "peer_score", "follows_defined"])


@dataclass(frozen=True)
class JourneyPerformance:
    """Journey consistency beside performance against contract, per site.

    Attributes:
        sites: Columns ``site, consistency, score_basis, pct_of_target, follows_defined,
            above_contract``: ``consistency`` is the contract score, or the peer score where no
            journey is defined (``score_basis`` says which).
        correlation: Spearman's rank correlation of consistency and ``pct_of_target`` over the
            sites with both; NaN with fewer than ``MIN_CORRELATION_SITES`` such sites or no
            spread ("too few sites to say").
        followed_mean_pct: Mean ``pct_of_target`` of the sites following the defined journey.
        others_mean_pct: Mean ``pct_of_target`` of the other sites.
        p_value: The correlation's two-sided p-value (scipy's ``spearmanr``); NaN without one.
        n_sites: Sites with both figures (the n the correlation rests on).
    """

    sites: pd.DataFrame
    correlation: float
    followed_mean_pct: float
    others_mean_pct: float
    p_value: float = math.nan
    n_sites: int = 0


def consistency_vs_performance(
    consistency: pd.DataFrame, to_date: pd.DataFrame, headline_kpi: str
) -> JourneyPerformance:
    """Join each site's journey consistency to its headline % of target from step 1.

    Tests the method's claim: where the journey is defined and followed, performance is over
    100 %.

    Args:
        consistency: ``journey_consistency`` output.
        to_date: Step 1's ``performance_to_date`` (``site, measure, pct_of_target``).
        headline_kpi: The contract's headline KPI key.
    """
    headline = to_date.loc[
        (to_date["measure"] == headline_kpi) & (to_date["site"] != CONTRACT_WIDE),
        ["site", "pct_of_target"],
    ]
    has_defined = consistency["contract_score"].notna().any()
    basis = "contract_score" if has_defined else "peer_score"
    frame = consistency[["site", basis, "follows_defined"]].rename(columns={basis: "consistency"})
    frame.insert(2, "score_basis", "defined journey" if has_defined else "other sites")
    # site as text on both sides: an empty frame's object column would not merge with text
    frame = frame.astype({"site": "str"}).merge(
        headline.astype({"site": "str"}), on="site", how="left"
    )
    frame = frame[["site", "consistency", "score_basis", "pct_of_target", "follows_defined"]]
    frame = frame.assign(above_contract=frame["pct_of_target"] > 100)
    both = frame.dropna(subset=["consistency", "pct_of_target"])
    spread = both["consistency"].nunique() > 1 and both["pct_of_target"].nunique() > 1
    r = p = math.nan
    if len(both) >= MIN_CORRELATION_SITES and spread:
        rank = stats.spearmanr(both["consistency"], both["pct_of_target"])
        r, p = float(rank.statistic), float(rank.pvalue)
    followed = frame.loc[frame["follows_defined"], "pct_of_target"]
    others = frame.loc[~frame["follows_defined"], "pct_of_target"]
    return JourneyPerformance(
        sites=frame,
        correlation=r,
        followed_mean_pct=float(followed.mean()) if followed.notna().any() else math.nan,
        others_mean_pct=float(others.mean()) if others.notna().any() else math.nan,
        p_value=p,
        n_sites=len(both),
    )


@dataclass(frozen=True)
class JourneyComparison:
    """Today's journey against a proposed one, for the customer.

    Attributes:
        steps: Side by side, one row per step of either journey: ``step``, ``today_order``,
            ``proposed_order`` (missing where absent), ``status`` (``kept``, ``removed`` or
            ``added``), ``today_days``, ``proposed_days``, ``value_adding``.
        removed: Names of the steps the proposal removes, in today's order.
        added: Names of the steps it adds, in the proposed order.
        steps_today: Number of steps today.
        steps_proposed: Number of steps proposed.
        days_today: Customer time today (sum of typical durations, days).
        days_proposed: Customer time proposed.
        days_saved: ``days_today - days_proposed``.
        handoffs_today: Changes of owner between consecutive steps today (customer effort).
        handoffs_proposed: The same for the proposal.
        value_adding_share_today: Share of today's steps that add value for the customer.
        value_adding_share_proposed: The same for the proposal.
    """

    steps: pd.DataFrame
    removed: list[str]
    added: list[str]
    steps_today: int
    steps_proposed: int
    days_today: float
    days_proposed: float
    days_saved: float
    handoffs_today: int
    handoffs_proposed: int
    value_adding_share_today: float
    value_adding_share_proposed: float

    @property
    def steps_saved(self) -> int:
        """Steps the customer no longer goes through (net of added ones)."""
        return self.steps_today - self.steps_proposed

    def summary(self) -> dict[str, Any]:
        """Every figure but the steps, as plain values (one stored row per site)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "steps"}

    @classmethod
    def from_summary(cls, steps: pd.DataFrame, row: Mapping[str, Any]) -> JourneyComparison:
        """The comparison again, from its steps and a stored ``summary`` row."""
        values = {f.name: row[f.name] for f in fields(cls) if f.name != "steps"}
        # lists come back from a stored frame as arrays, numbers as numpy scalars
        return cls(
            steps=steps,
            **{k: list(v) if k in ("removed", "added") else _plain(v) for k, v in values.items()},
        )


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (anything else as it is)."""
    return value.item() if isinstance(value, np.generic) else value


def _keyed(steps: pd.DataFrame) -> pd.DataFrame:
    """Steps in order, keyed on normalised name and occurrence (a step done twice is two)."""
    out = steps.sort_values("order").reset_index(drop=True)
    names = out["step"].map(normalise_step)
    return out.assign(match=names + "#" + names.groupby(names).cumcount().astype(str))


def _display_rank(side: pd.DataFrame) -> list[float]:
    """Today's order; an added step goes just after the step it follows in the proposal."""
    after = {}
    last = 0.0
    for _, row in side.sort_values("proposed_order").iterrows():
        if pd.isna(row["proposed_order"]):
            continue
        if pd.isna(row["today_order"]):
            after[row["proposed_order"]] = last + 0.5
        else:
            last = float(row["today_order"])
    return [
        float(t) if not pd.isna(t) else after[p]
        for t, p in zip(side["today_order"], side["proposed_order"], strict=True)
    ]


def _handoffs(steps: pd.DataFrame) -> int:
    owners = steps.sort_values("order")["owner"].tolist()
    return sum(1 for a, b in itertools.pairwise(owners) if a != b)


def _share(steps: pd.DataFrame) -> float:
    return float(steps["value_adding"].mean()) if len(steps) else math.nan


def compare_journeys(today: pd.DataFrame, proposed: pd.DataFrame) -> JourneyComparison:
    """Compare two journeys (rows of one journey each) step by step, matching steps by name.

    Args:
        today: The steps of today's journey (a site's current one).
        proposed: The steps of the proposed journey.
    """
    a, b = _keyed(today), _keyed(proposed)
    merged = a.merge(b, on="match", how="outer", suffixes=("_today", "_proposed"))
    status = np.select(
        [merged["order_today"].isna(), merged["order_proposed"].isna()],
        ["added", "removed"],
        default="kept",
    )
    side = pd.DataFrame(
        {
            "step": merged["step_today"].fillna(merged["step_proposed"]),
            "today_order": merged["order_today"].astype("Int64"),
            "proposed_order": merged["order_proposed"].astype("Int64"),
            "status": status,
            "today_days": merged["duration_days_today"].astype("float64"),
            "proposed_days": merged["duration_days_proposed"].astype("float64"),
            "value_adding": merged["value_adding_proposed"].fillna(merged["value_adding_today"]),
        }
    )
    side["value_adding"] = side["value_adding"].astype(bool)
    side = side.assign(_rank=_display_rank(side)).sort_values(["_rank", "proposed_order"])
    side = side.drop(columns="_rank")
    days_today = float(a["duration_days"].fillna(0).sum())
    days_proposed = float(b["duration_days"].fillna(0).sum())
    return JourneyComparison(
        steps=side.reset_index(drop=True),
        removed=side.loc[side["status"] == "removed", "step"].tolist(),
        added=b.loc[~b["match"].isin(a["match"]), "step"].tolist(),
        steps_today=len(a),
        steps_proposed=len(b),
        days_today=days_today,
        days_proposed=days_proposed,
        days_saved=days_today - days_proposed,
        handoffs_today=_handoffs(a),
        handoffs_proposed=_handoffs(b),
        value_adding_share_today=_share(a),
        value_adding_share_proposed=_share(b),
    )


def today_and_proposed(journeys: pd.DataFrame, site: str) -> JourneyComparison | None:
    """Compare a site's current journey with the journey proposed for it.

    The proposal for the site itself wins over a contract-wide one (site ``ALL``).

    Returns:
        The comparison, or None when the site has no current journey or nothing is proposed.
    """
    current = journeys[(journeys["journey"] == "current") & (journeys["site"] == site)]
    proposed = journeys[journeys["journey"] == "proposed"]
    mine = proposed[proposed["site"] == site]
    if mine.empty:
        mine = proposed[proposed["site"] == CONTRACT_WIDE]
    if current.empty or mine.empty:
        return None
    return compare_journeys(current, mine)
