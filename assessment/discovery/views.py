"""What discovery shows: escaped tables and callouts for the notebook and the client report.

Views choose, label and format; they compute nothing. Every text (a quote, a role, a step name)
goes through :mod:`assessment.presentation`, which escapes it, so a comment holding HTML or a
script is shown as text and never run. Client views take a
:class:`~assessment.discovery.confidentiality.ClientView`, which holds no names by construction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from assessment.discovery.journey import (
    FOLLOWED,
    MIN_CORRELATION_SITES,
    JourneyComparison,
    JourneyPerformance,
)
from assessment.discovery.vocabulary import Kind, Vocabulary
from assessment.presentation import callout, days, number, pct, share, table
from assessment.terminology import Words
from assessment.terminology import words as default_words

VERDICT_LABELS = {
    "confirmed": "Confirmed",
    "refuted": "Refuted",
    "mixed": "Mixed",
    "untested": "Untested",
}


def _labels(values: Iterable[str], vocab: Vocabulary, kind: Kind) -> str:
    return ", ".join(vocab.label(kind, v) for v in values)


def _with_labels(frame: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """Add ``*_label`` columns for every coded column present."""
    out = frame.copy()
    for column, kind in (
        ("heading", "headings"),
        ("source_type", "source_types"),
        ("sentiment", "sentiments"),
        ("site", "sites"),
        ("dimension", "dimensions"),
    ):
        if column in out:
            out[f"{column}_label"] = out[column].map(
                lambda v, k=kind: v if pd.isna(v) else vocab.label(k, v)
            )
    if "dimensions" in out:
        out["dimensions_label"] = out["dimensions"].map(lambda d: _labels(d, vocab, "dimensions"))
    return out


def evidence_table(evidence: pd.DataFrame, vocab: Vocabulary) -> HTML:
    """The consultant's evidence log, newest first (internal: it names interviewees)."""
    frame = _with_labels(evidence.sort_values("date", ascending=False), vocab)
    frame["bearing"] = frame["bears_on"].map(
        lambda bs: "; ".join(f"{b['direction']} {b['hypothesis_key']}" for b in bs)
    )
    frame["shared"] = frame["shareable"].map({True: "yes", False: "no"})
    return table(
        frame,
        {
            "date": "Date",
            "source_type_label": "Source",
            "site_label": "Site",
            "role": "Role",
            "interviewee": "Interviewee (internal)",
            "heading_label": "Heading",
            "dimensions_label": "Dimensions",
            "sentiment_label": "Sentiment",
            "text": "Comment or quote",
            "bearing": "Hypotheses",
            "shared": "Shareable",
        },
        {
            "date": lambda d: f"{d:%d %b %Y}",
            # a group session or a document has no interviewee: a blank, not "nan"
            "interviewee": lambda v: "" if str(v) in ("None", "nan", "<NA>") else str(v),
        },
        caption=f"{len(frame)} evidence items. Interviewee names stay in this workbook.",
    )


def counts_table(counts: pd.DataFrame, vocab: Vocabulary, by: Iterable[str]) -> HTML:
    """Evidence items per cell of a breakdown (``evidence_counts`` summed over the rest)."""
    keys = list(by)
    frame = _with_labels(counts.groupby(keys, as_index=False)["items"].sum(), vocab)
    titles = {"heading": "Heading", "dimension": "Dimension", "site": "Site"}
    titles["source_type"] = "Source"
    columns = {f"{k}_label": titles[k] for k in keys} | {"items": "Items"}
    return table(frame, columns, {"items": number})


def verdict_table(verdicts: pd.DataFrame, vocab: Vocabulary) -> HTML:
    """Each hypothesis: its verdict, the counts behind it and how many kinds of source agree."""
    frame = verdicts.copy()
    frame["verdict_label"] = frame["verdict"].map(VERDICT_LABELS)
    frame["sources"] = frame["source_types"].map(lambda s: _labels(s, vocab, "source_types"))
    frame["strength"] = [
        "weak: one kind of source" if w else ("" if v in ("mixed", "untested") else "triangulated")
        for w, v in zip(frame["weak"], frame["verdict"], strict=True)
    ]
    return table(
        frame,
        {
            "title": "Hypothesis",
            "verdict_label": "Verdict",
            "confirms": "Confirming",
            "refutes": "Refuting",
            "kinds_agreeing": "Kinds of source agreeing",
            "sources": "Sources",
            "strength": "Strength",
        },
        {"confirms": number, "refutes": number, "kinds_agreeing": number},
        caption=(
            "Confirmed: confirming items at least twice the refuting ones; refuted: the reverse; "
            "mixed: neither. A verdict resting on one kind of source is weak."
        ),
    )


def verdict_callout(verdicts: pd.DataFrame) -> HTML:
    """How the hypotheses fared, in one line per verdict.

    A verdict resting on one kind of source is marked where it stands ("Confirmed … (one kind of
    source so far)"), and the last line says how both hold: the verdict stands, but it is not a
    finding until another kind of source agrees.
    """
    lines = []
    for key, label in VERDICT_LABELS.items():
        chosen = verdicts[verdicts["verdict"] == key]
        if not chosen.empty:
            titles = [
                f"{t} (one kind of source so far)" if w else t
                for t, w in zip(chosen["title"], chosen["weak"], strict=True)
            ]
            lines.append(f"{label} ({len(titles)}): {'; '.join(titles)}")
    weak = verdicts[verdicts["weak"]]
    if not weak.empty:
        named = "; ".join(
            f"{t} ({VERDICT_LABELS[v].lower()})"
            for t, v in zip(weak["title"], weak["verdict"], strict=True)
        )
        lines.append(
            f"The verdict stands, but rests on one kind of source: find another kind (an "
            f"observation, a group session, customer feedback) before it becomes a finding: {named}"
        )
    return callout("Hypotheses tested against the evidence", lines or ["No hypotheses yet."])


def journey_table(journeys: pd.DataFrame, vocab: Vocabulary) -> HTML:
    """Journey steps as recorded, one row per step, grouped by journey and site."""
    frame = _with_labels(journeys, vocab)
    frame["adds_value"] = frame["value_adding"].map({True: "yes", False: "no"})
    return table(
        frame,
        {
            "journey": "Journey",
            "site_label": "Site",
            "order": "Order",
            "step": "Step",
            "owner": "Owner",
            "channel": "Channel",
            "duration_days": "Typical days",
            "adds_value": "Adds value",
        },
        {"order": number, "duration_days": days},
    )


def consistency_table(
    consistency: pd.DataFrame, vocab: Vocabulary, words: Words | None = None
) -> HTML:
    """Per site: steps, their days and consistency with the defined journey and other sites."""
    w = (words or default_words()).mapping()
    frame = _with_labels(consistency, vocab)
    frame["follows"] = frame["follows_defined"].map({True: "yes", False: "no"})
    return table(
        frame,
        {
            "site_label": w["Site"],
            "steps": "Steps",
            "value_adding_steps": "Value-adding steps",
            "duration_days": "Typical days",
            "contract_score": "Consistency with defined journey",
            "peer_score": f"Consistency with other {w['sites']}",
            "follows": "Follows the defined journey",
        },
        {
            "steps": number,
            "value_adding_steps": number,
            "duration_days": days,
            "contract_score": lambda s: share(s, 0),
            "peer_score": lambda s: share(s, 0),
        },
        caption="Consistency: the steps two journeys share in the same order, over the longer one.",
    )


def performance_callout(relation: JourneyPerformance, months: str = "") -> HTML:
    """Whether sites that follow the defined journey perform better (the method's claim).

    ``months`` names the period of the performance figures ("Jan 2024–Jun 2026").
    """
    over = f" over {months}" if months else ""
    followed = relation.sites["follows_defined"]
    basis = f"{FOLLOWED:.0%} of its steps, in order"
    if followed.any() and not followed.all():
        first = (
            f"Sites following the defined journey ({basis}): {pct(relation.followed_mean_pct)} "
            f"of target on average{over}; the others: {pct(relation.others_mean_pct)}."
        )
    elif followed.any():
        first = f"Every site follows the defined journey ({basis})."
    else:
        first = f"No site follows a defined journey ({basis})."
    lines = [
        first,
        correlation_words(relation),
    ]
    return callout("Journey consistency and performance", lines)


def correlation_words(relation: JourneyPerformance) -> str:
    """The rank correlation with its n and p-value, or "too few sites to say"."""
    n, r = relation.n_sites, relation.correlation
    if n < MIN_CORRELATION_SITES:
        return (
            f"Consistency and performance across sites: too few sites to say ({n} with both "
            f"figures; a correlation needs at least {MIN_CORRELATION_SITES})."
        )
    if math.isnan(r):
        return f"Consistency and performance across {n} sites: no spread to correlate."
    p = relation.p_value
    sure = "more than chance" if p < 0.05 else "within what chance gives"
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.2f}"
    return (
        f"Rank correlation (Spearman) of consistency and performance across {n} sites: "
        f"{r:+.2f} ({p_text}: {sure})."
    )


def comparison_table(comparison: JourneyComparison) -> HTML:
    """Today's and the proposed journey step by step: kept, removed or added."""
    return table(
        comparison.steps,
        {
            "step": "Step",
            "today_order": "Today",
            "proposed_order": "Proposed",
            "status": "Change",
            "today_days": "Days today",
            "proposed_days": "Days proposed",
        },
        {
            "today_order": number,
            "proposed_order": number,
            "today_days": lambda d: number(d, 1),
            "proposed_days": lambda d: number(d, 1),
        },
    )


def comparison_callout(
    comparison: JourneyComparison, title: str | None = None, words: Words | None = None
) -> HTML:
    """What the proposed journey saves the people served, in four lines (client's words)."""
    c = comparison
    w = words or default_words()
    title = title or f"Cutting out the complexity for the {w.customer}"
    removed = "; ".join(c.removed) or "none"
    return callout(
        title,
        [
            f"Steps: {c.steps_today} today, {c.steps_proposed} proposed (removed: {removed}).",
            f"{w.mapping()['Customer']} time: {number(c.days_today, 1)} days today, "
            f"{number(c.days_proposed, 1)} "
            f"proposed: {number(c.days_saved, 1)} days saved.",
            f"Hand-offs between owners: {c.handoffs_today} today, {c.handoffs_proposed} proposed.",
            f"Value-adding steps: {share(c.value_adding_share_today, 0)} today, "
            f"{share(c.value_adding_share_proposed, 0)} proposed.",
        ],
    )


def suggestions_table(suggestions: pd.DataFrame, vocab: Vocabulary) -> HTML:
    """Suggested findings (from confirmed hypotheses and dense clusters) to start writing from."""
    frame = _with_labels(suggestions, vocab)
    frame["origin_label"] = frame["origin"].map(
        {"hypothesis": "Confirmed hypothesis", "cluster": "Evidence cluster"}
    )
    return table(
        frame,
        {
            "origin_label": "Suggested by",
            "heading_label": "Heading",
            "statement": "Suggested finding",
            "items": "Items",
            "kinds": "Kinds of source",
        },
        {"items": number, "kinds": number},
    )


def findings_table(findings: pd.DataFrame, vocab: Vocabulary) -> HTML:
    """The consultant's draft findings under their headings, with how much evidence each has."""
    frame = _with_labels(findings, vocab)
    order = {key: i for i, key in enumerate(vocab.headings)}
    frame = frame.assign(_order=frame["heading"].map(order)).sort_values("_order", kind="stable")
    frame["evidence"] = frame["evidence_ids"].map(len)
    return table(
        frame,
        {"heading_label": "Heading", "statement": "Finding", "evidence": "Evidence items"},
        {"evidence": number},
    )
