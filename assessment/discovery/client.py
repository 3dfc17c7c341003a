"""Step 4 in the client report: findings by heading, journey consistency, today against proposed.

Everything here reads the client-safe frames :func:`assessment.discovery.step.save` stored (see
``client_frames``), never the evidence log: no interviewee name can reach the report through
these functions, and the report shows the discovery as it was when notebook 04 last ran.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.discovery.charts import consistency_scatter, journey_side_by_side
from assessment.discovery.journey import JourneyComparison, JourneyPerformance
from assessment.discovery.step import STEP
from assessment.discovery.views import (
    comparison_callout,
    consistency_table,
    performance_callout,
)
from assessment.discovery.vocabulary import CONTRACT_WIDE, Vocabulary, vocabulary
from assessment.engagement import Engagement
from assessment.periods import stored_periods
from assessment.presentation import callout, days, table
from assessment.store import Store
from assessment.terminology import say, words

Shown = list[HTML | alt.TopLevelMixin]


def _frames(engagement: Engagement, *names: str) -> dict[str, pd.DataFrame] | None:
    """The stored discovery frames by short name (those stored; the first is required).

    Returns:
        None until notebook 04 has saved the first frame named.
    """
    if not engagement.store_path.exists():
        return None
    with Store(engagement.store_path) as store:
        if not store.has_frame(f"{STEP}.{names[0]}"):
            return None
        return {n: store.frame(f"{STEP}.{n}") for n in names if store.has_frame(f"{STEP}.{n}")}


def _not_yet(title: str) -> Shown:
    return [callout(title, ["Discovery has not been recorded yet."])]


def strength(items: int, kinds: int, weak: bool) -> str:
    """How strongly the evidence supports a finding, in words a client reads.

    >>> strength(7, 3, False)
    'Strong: 7 items from 3 kinds of source'
    >>> strength(4, 1, True)
    'Weak: 4 items, one kind of source only'
    """
    if weak:
        return f"Weak: {items} item{'s' * (items != 1)}, one kind of source only"
    return f"Strong: {items} items from {kinds} kinds of source"


def findings_for_client(engagement: Engagement) -> Shown:
    """Draft findings under the method's headings, each with its evidence strength and quotes.

    A finding resting on one kind of source is marked weak (the method triangulates). Quotes
    are the shareable ones linked to a finding, attributed as the stored quotes allow.
    """
    frames = _frames(engagement, "findings", "quotes")
    if frames is None or frames["findings"].empty:
        return _not_yet("What we found")
    vocab = vocabulary(engagement)
    findings = _by_heading(frames["findings"], vocab)
    findings["strength"] = [
        strength(int(i), int(k), bool(w))
        for i, k, w in zip(
            findings["evidence_items"], findings["source_kinds"], findings["weak"], strict=True
        )
    ]
    findings["quotes"] = _quotes_of(findings, frames.get("quotes"), _site_words(engagement))
    return [
        table(
            findings,
            {
                "heading_label": "Heading",
                "statement": "Finding",
                "strength": "Evidence",
                "quotes": "What we heard",
            },
            caption=(
                say(
                    "Findings from interviews, team sessions, observations, {customer} feedback "
                    "and documents; a finding resting on one kind of source only is marked weak.",
                    engagement,
                )
            ),
            kind="aw-findings",
        )
    ]


def _by_heading(findings: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    order = {key: n for n, key in enumerate(vocab.headings)}
    out = findings.assign(
        heading_label=findings["heading"].map(lambda k: vocab.headings.get(k, k)),
        _order=findings["heading"].map(order),
    )
    return out.sort_values("_order", kind="stable").drop(columns="_order")


def _site_words(engagement: Engagement) -> dict[str, str]:
    """Site key -> what a client reads: the site's name, or "across the contract"."""
    return engagement.site_names() | {CONTRACT_WIDE: "across the contract"}


def _quotes_of(
    findings: pd.DataFrame, quotes: pd.DataFrame | None, sites: dict[str, str]
) -> list[str]:
    """Each finding's shareable quotes as one text cell (“…” — Role, Site name)."""
    if quotes is None or quotes.empty:
        return ["–"] * len(findings)
    by_id = quotes.set_index("evidence_id")
    cells = []
    for ids in findings["quote_ids"]:
        shown = [_quote(by_id.loc[i], sites) for i in ids if i in by_id.index][:2]
        cells.append(" ".join(shown) or "–")
    return cells


def _quote(row: pd.Series, sites: dict[str, str]) -> str:
    """A quote and who said it, in the client's words: a role and a site's name, never a key."""
    site = row["site"]
    site = sites.get(site, site) if isinstance(site, str) and site else None
    role = row["role"] if isinstance(row["role"], str) and row["role"] else None
    who = ", ".join(v for v in (role, site) if v)
    who = who[:1].upper() + who[1:]
    return f"“{row['text']}”" + (f" — {who}" if who else "")


def journeys_for_client(engagement: Engagement) -> Shown:
    """Journey consistency per site and its relation to performance against contract."""
    frames = _frames(engagement, "journey_consistency", "journey_summary", "journey_performance")
    if frames is None or frames["journey_consistency"].empty:
        return _not_yet(say("The {customer} journey", engagement))
    vocab = vocabulary(engagement)
    chosen = words(engagement)
    shown: Shown = [consistency_table(frames["journey_consistency"], vocab, chosen)]
    sites = frames.get("journey_performance")
    if sites is not None and not sites.empty:
        summary = frames["journey_summary"].iloc[0]
        relation = JourneyPerformance(
            sites=sites,
            correlation=float(summary["correlation"]),
            followed_mean_pct=float(summary["followed_mean_pct"]),
            others_mean_pct=float(summary["others_mean_pct"]),
            p_value=float(summary.get("correlation_p", math.nan)),
            n_sites=int(summary.get("correlation_n", len(sites))),
        )
        months = stored_periods(engagement)
        shown = [
            performance_callout(relation, months.to_date.label() if months else ""),
            consistency_scatter(relation, engagement.site_names(), chosen),
            *shown,
        ]
    return shown


def journey_change_for_client(engagement: Engagement) -> Shown:
    """Today's journey against the proposed one: per site, and side by side for the largest gain."""
    frames = _frames(engagement, "journey_changes", "journey_comparison")
    if frames is None or "journey_comparison" not in frames:
        return [callout("Today's journey and the proposed one", ["No journey proposed yet."])]
    changes = frames["journey_changes"].copy()
    steps = frames["journey_comparison"]
    site = str(steps["site"].iloc[0])
    row = changes.set_index("site").loc[site]
    comparison = JourneyComparison.from_summary(steps.drop(columns="site"), row)
    names = engagement.site_names()
    changes["site_label"] = changes["site"].map(lambda s: names.get(s, s))
    chosen = words(engagement)
    title = f"Cutting out the complexity for the {chosen.customer}: {names.get(site, site)}"
    return [
        comparison_callout(comparison, title, chosen),
        journey_side_by_side(comparison, chosen),
        table(
            changes,
            {
                "site_label": say("{Site}", engagement),
                "steps_today": "Steps today",
                "steps_proposed": "Steps proposed",
                "days_today": say("{Customer} days today", engagement),
                "days_proposed": say("{Customer} days proposed", engagement),
                "handoffs_today": "Hand-offs today",
                "handoffs_proposed": "Hand-offs proposed",
            },
            {
                "days_today": days,
                "days_proposed": days,
            },
            caption="Every site's journey today against the proposed journey.",
        ),
    ]
