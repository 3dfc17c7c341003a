"""Step 4 as a whole: read what was captured, run every analysis, store the results.

``analyse`` reads the evidence, journeys and findings of the store, the hypotheses of steps 1-2
and step 1's performance to date, and computes everything the notebook shows. ``save`` stores the
results the client report needs as frames; none of them holds an interviewee name (the client
frames come from :func:`confidentiality.client_view`, the others carry no ``interviewee``
column), so the report reads them without recomputing and without touching the evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from assessment.discovery import store as tables
from assessment.discovery.analysis import evidence_counts, hypothesis_verdicts, suggest_findings
from assessment.discovery.confidentiality import ClientView, client_findings, client_view
from assessment.discovery.journey import (
    JourneyComparison,
    JourneyPerformance,
    consistency_vs_performance,
    cross_site_consistency,
    journey_consistency,
    today_and_proposed,
)
from assessment.discovery.vocabulary import Vocabulary, vocabulary
from assessment.engagement import Engagement
from assessment.presentation import Done
from assessment.store import Store

STEP = "discovery"
PERFORMANCE_FRAME = "data_analysis.performance_to_date"


@dataclass(frozen=True)
class Discovery:
    """Every result of step 4.

    Attributes:
        vocabulary: The engagement's coding vocabulary.
        evidence: The evidence log (internal: names interviewees).
        counts: ``evidence_counts``: items per heading, dimension, site and source type.
        verdicts: ``hypothesis_verdicts`` over the current hypotheses.
        suggestions: ``suggest_findings``.
        journeys: Every journey step.
        consistency: ``journey_consistency`` per site.
        cross_site: Mean consistency over all pairs of sites (NaN with fewer than two).
        performance: Consistency beside step 1's headline % of target; None before step 1.
        findings: The consultant's draft findings.
        client: What of the evidence the client may see.
    """

    vocabulary: Vocabulary
    evidence: pd.DataFrame
    counts: pd.DataFrame
    verdicts: pd.DataFrame
    suggestions: pd.DataFrame
    journeys: pd.DataFrame
    consistency: pd.DataFrame
    cross_site: float
    performance: JourneyPerformance | None
    findings: pd.DataFrame
    client: ClientView


def analyse(engagement: Engagement, store: Store) -> Discovery:
    """Run every analysis of step 4 on what the store holds.

    Args:
        engagement: The engagement (vocabularies, sites, headline KPI, group-size floor).
        store: Its workbook store.
    """
    vocab = vocabulary(engagement)
    evidence = tables.evidence(store)
    journeys = tables.journeys(store)
    verdicts = hypothesis_verdicts(evidence, store.hypotheses())
    consistency = journey_consistency(journeys)
    performance = None
    if store.has_frame(PERFORMANCE_FRAME):
        to_date = store.frame(PERFORMANCE_FRAME)
        headline = engagement.contract.headline_kpi
        performance = consistency_vs_performance(consistency, to_date, headline)
    return Discovery(
        vocabulary=vocab,
        evidence=evidence,
        counts=evidence_counts(evidence),
        verdicts=verdicts,
        suggestions=suggest_findings(verdicts, evidence, vocab),
        journeys=journeys,
        consistency=consistency,
        cross_site=cross_site_consistency(journeys),
        performance=performance,
        findings=tables.findings(store),
        client=client_view(evidence, vocab.min_group_size),
    )


def client_frames(result: Discovery) -> dict[str, pd.DataFrame]:
    """The frames the client report reads, by stored name; none can hold a name.

    Verdicts keep their counts and kinds of source but not the evidence ids behind them; quotes
    and findings are the confidentiality module's client-safe versions.
    """
    verdicts = result.verdicts.drop(columns=["confirm_ids", "refute_ids"])
    frames = {
        "verdicts": verdicts,
        "quotes": result.client.quotes,
        "findings": client_findings(result.findings, result.evidence),
        "journey_consistency": result.consistency,
        "journey_summary": pd.DataFrame(
            {
                "cross_site_consistency": [result.cross_site],
                "correlation": [_performance_value(result, "correlation")],
                "correlation_p": [_performance_value(result, "p_value")],
                "correlation_n": [_performance_value(result, "n_sites")],
                "followed_mean_pct": [_performance_value(result, "followed_mean_pct")],
                "others_mean_pct": [_performance_value(result, "others_mean_pct")],
            }
        ),
    }
    if result.performance is not None:
        frames["journey_performance"] = result.performance.sites
    comparisons = journey_changes(result.journeys)
    if comparisons:
        frames["journey_changes"] = changes_frame(comparisons)
        site, largest = max(comparisons.items(), key=lambda pair: pair[1].days_saved)
        frames["journey_comparison"] = largest.steps.assign(site=site)
    return {f"{STEP}.{name}": frame for name, frame in frames.items()}


def journey_changes(journeys: pd.DataFrame) -> dict[str, JourneyComparison]:
    """Each site's current journey against the one proposed for it, by site key."""
    sites = journeys.loc[journeys["journey"] == "current", "site"].drop_duplicates()
    found = {site: today_and_proposed(journeys, site) for site in sites}
    return {site: comparison for site, comparison in found.items() if comparison is not None}


def changes_frame(comparisons: dict[str, JourneyComparison]) -> pd.DataFrame:
    """One row per site: every figure of its comparison (steps, days, hand-offs, shares)."""
    return pd.DataFrame([{"site": site, **c.summary()} for site, c in comparisons.items()])


def _performance_value(result: Discovery, name: str) -> float:
    return math.nan if result.performance is None else float(getattr(result.performance, name))


def save(engagement: Engagement, result: Discovery) -> Done:
    """Store step 4's client-safe results as frames, in one transaction.

    Returns:
        One sentence saying what was stored where.
    """
    frames = client_frames(result)
    with Store(engagement.store_path) as store:
        store.put_frames(STEP, frames)
    return Done(
        f"Stored {len(frames)} result tables for the report (client-safe: no names, small "
        f"groups suppressed) in {engagement.store_path.name}."
    )
