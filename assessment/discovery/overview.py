"""What notebook 04 shows, a cell at a time: each function returns the items of one section.

Each function takes the engagement or its :class:`~assessment.discovery.step.Discovery` result and
returns a list of tables, callouts and charts for :func:`assessment.presentation.show`, so the
notebook holds no logic. Everything shown goes through :mod:`assessment.discovery.views` (escaped)
and :mod:`assessment.discovery.charts`.
"""

from __future__ import annotations

from typing import Any

from assessment.discovery import charts, views
from assessment.discovery import store as tables
from assessment.discovery.analysis import item_counts
from assessment.discovery.journey import JourneyComparison, today_and_proposed
from assessment.discovery.step import Discovery, analyse
from assessment.discovery.vocabulary import CONTRACT_WIDE, vocabulary
from assessment.engagement import Engagement
from assessment.presentation import callout

Shown = list[Any]


def overview(engagement: Engagement) -> Discovery:
    """Every result of step 4 for the engagement, from what its store holds now."""
    with tables.open_store(engagement) as store:
        return analyse(engagement, store)


def coverage(result: Discovery) -> Shown:
    """Evidence items by heading x dimension (heatmap), by site and by kind of source."""
    if result.evidence.empty:
        return [callout("Evidence", ["No evidence recorded yet."])]
    vocab, evidence = result.vocabulary, result.evidence
    by_site_source = item_counts(evidence, ["site", "source_type"])
    return [
        charts.evidence_heatmap(result.counts, vocab),
        charts.evidence_heatmap(by_site_source, vocab, rows="site", columns="source_type"),
        views.counts_table(item_counts(evidence, ["source_type"]), vocab, ["source_type"]),
        views.counts_table(item_counts(evidence, ["heading"]), vocab, ["heading"]),
        views.counts_table(by_site_source, vocab, ["site", "source_type"]),
    ]


def hypotheses(result: Discovery) -> Shown:
    """Each hypothesis tested against the evidence: verdicts in a line each, bars and a table."""
    if result.verdicts.empty:
        return [callout("Hypotheses", ["No hypotheses yet: run step 1 first."])]
    return [
        views.verdict_callout(result.verdicts),
        charts.verdict_bars(result.verdicts),
        views.verdict_table(result.verdicts, result.vocabulary),
    ]


def journeys(result: Discovery) -> Shown:
    """Consistency per site, its relation to performance, and every journey step by step."""
    if result.journeys.empty:
        return [callout("Customer journeys", ["No journey recorded yet."])]
    vocab = result.vocabulary
    shown: Shown = [views.consistency_table(result.consistency, vocab)]
    if result.performance is not None:
        shown += [
            views.performance_callout(result.performance),
            charts.consistency_scatter(result.performance, vocab.allowed("sites")),
        ]
    return [*shown, views.journey_table(result.journeys, vocab)]


def least_consistent_site(result: Discovery) -> str | None:
    """The site whose journey strays furthest from the defined one (most steps on a tie)."""
    frame = result.consistency
    if frame.empty:
        return None
    ranked = frame.assign(score=frame["contract_score"].fillna(frame["peer_score"]).fillna(0))
    ranked = ranked.sort_values(["score", "steps", "site"], ascending=[True, False, True])
    return str(ranked["site"].iloc[0])


def comparison(result: Discovery, site: str | None = None) -> JourneyComparison | None:
    """Today's journey of a site (the least consistent by default) against the proposed one."""
    chosen = site or least_consistent_site(result)
    return None if chosen is None else today_and_proposed(result.journeys, chosen)


def today_and_proposed_views(result: Discovery, site: str | None = None) -> Shown:
    """Today's journey against the proposed one for the customer, side by side."""
    chosen = site or least_consistent_site(result)
    compared = comparison(result, chosen)
    if compared is None:
        return [callout("Proposed journey", ["No proposed journey recorded yet."])]
    name = result.vocabulary.label("sites", chosen or CONTRACT_WIDE)
    return [
        callout("Today and proposed", [f"{name}'s journey today against the proposed journey."]),
        views.comparison_callout(compared),
        charts.journey_side_by_side(compared),
        views.comparison_table(compared),
    ]


def suggestions(result: Discovery) -> Shown:
    """Findings suggested by confirmed hypotheses and dense evidence clusters."""
    if result.suggestions.empty:
        return [callout("Suggested findings", ["Nothing to suggest yet."])]
    return [views.suggestions_table(result.suggestions, result.vocabulary)]


def evidence_log(engagement: Engagement) -> Any:
    """The stored evidence log (internal: names interviewees), or a note when empty."""
    # the log only: the analyses of overview() are not needed to list what was recorded
    with tables.open_store(engagement) as store:
        evidence = tables.evidence(store)
    if evidence.empty:
        return callout("Evidence log", ["No evidence recorded yet."])
    return views.evidence_table(evidence, vocabulary(engagement))


def findings_log(result: Discovery) -> Any:
    """The stored draft findings by heading, or a note when there are none."""
    if result.findings.empty:
        return callout("Draft findings", ["No finding written yet."])
    return views.findings_table(result.findings, result.vocabulary)
