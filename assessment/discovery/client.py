"""Step 4 in the client report: findings by heading, journey consistency, today against proposed.

Everything here reads the client-safe frames :func:`assessment.discovery.step.save` stored (see
``client_frames``), never the evidence log: no interviewee name can reach the report through
these functions, and the report shows the discovery as it was when notebook 04 last ran.
"""

from __future__ import annotations

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
from assessment.discovery.vocabulary import Vocabulary, vocabulary
from assessment.engagement import Engagement
from assessment.periods import stored_periods
from assessment.presentation import callout, number, table
from assessment.store import Store

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
    findings["quotes"] = _quotes_of(findings, frames.get("quotes"))
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
                "Findings from interviews, team sessions, observations, customer feedback and "
                "documents; a finding resting on one kind of source only is marked weak."
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


def _quotes_of(findings: pd.DataFrame, quotes: pd.DataFrame | None) -> list[str]:
    """Each finding's shareable quotes as one text cell ("…" — role, site)."""
    if quotes is None or quotes.empty:
        return ["–"] * len(findings)
    by_id = quotes.set_index("evidence_id")
    cells = []
    for ids in findings["quote_ids"]:
        shown = [_quote(by_id.loc[i]) for i in ids if i in by_id.index][:2]
        cells.append(" ".join(shown) or "–")
    return cells


def _quote(row: pd.Series) -> str:
    who = ", ".join(str(v) for v in (row["role"], row["site"]) if isinstance(v, str) and v)
    return f"“{row['text']}”" + (f" ({who})" if who else "")


def journeys_for_client(engagement: Engagement) -> Shown:
    """Journey consistency per site and its relation to performance against contract."""
    frames = _frames(engagement, "journey_consistency", "journey_summary", "journey_performance")
    if frames is None or frames["journey_consistency"].empty:
        return _not_yet("The customer journey")
    vocab = vocabulary(engagement)
    shown: Shown = [consistency_table(frames["journey_consistency"], vocab)]
    sites = frames.get("journey_performance")
    if sites is not None and not sites.empty:
        summary = frames["journey_summary"].iloc[0]
        relation = JourneyPerformance(
            sites=sites,
            correlation=float(summary["correlation"]),
            followed_mean_pct=float(summary["followed_mean_pct"]),
            others_mean_pct=float(summary["others_mean_pct"]),
        )
        months = stored_periods(engagement)
        shown = [
            performance_callout(relation, months.to_date.label() if months else ""),
            consistency_scatter(relation, engagement.site_names()),
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
    title = f"Cutting out the complexity for the customer: {names.get(site, site)}"
    return [
        comparison_callout(comparison, title),
        journey_side_by_side(comparison),
        table(
            changes,
            {
                "site_label": "Site",
                "steps_today": "Steps today",
                "steps_proposed": "Steps proposed",
                "days_today": "Customer days today",
                "days_proposed": "Customer days proposed",
                "handoffs_today": "Hand-offs today",
                "handoffs_proposed": "Hand-offs proposed",
            },
            {
                "days_today": lambda d: number(d, 1),
                "days_proposed": lambda d: number(d, 1),
            },
            caption="Every site's journey today against the proposed journey.",
        ),
    ]
