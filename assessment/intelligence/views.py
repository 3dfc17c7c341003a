"""What step 2 shows: the hypotheses with what local knowledge says, forms, and the summaries.

Two audiences: the consultant's own views (``hypothesis_cards``, the forms) show who said what;
``basis_of_opinion`` and ``agreed_areas_table`` are shareable with the client and never carry a
name or a role.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.intelligence import store as db
from assessment.intelligence.leaning import agreed_areas, leaning_by_hypothesis, leaning_counts
from assessment.intelligence.models import STANCE_LABELS, IntelligenceNote, ScopeArea
from assessment.presentation import callout, table

_LEANING_WORDS = {
    "supported": "Supported by local knowledge",
    "challenged": "Challenged by local knowledge",
    "context": "Given context",
    "not yet discussed": "Not yet discussed",
}


def figures_text(figures: dict[str, object]) -> str:
    """A hypothesis's figures as one readable line ('pct of target 25.1 · actual 1,262')."""
    parts = []
    for name, value in figures.items():
        if isinstance(value, float):
            shown = f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
        elif isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = str(value)
        parts.append(f"{name.replace('_', ' ')} {shown}")
    return " · ".join(parts)


def leaning(engagement: Engagement) -> pd.DataFrame:
    """Every current hypothesis with its notes counted by stance and how they lean."""
    with db.open_store(engagement) as store:
        return leaning_by_hypothesis(store.hypotheses(), db.notes(store))


def hypothesis_cards(engagement: Engagement) -> HTML:
    """Each hypothesis with its figures and what local knowledge says (internal: names shown)."""
    with db.open_store(engagement) as store:
        hypotheses = store.hypotheses()
        notes = db.notes(store)
    if hypotheses.empty:
        return callout("Initial opinion", ["Run step 1 first: there are no hypotheses yet."])
    by_key: dict[str, list[IntelligenceNote]] = {}
    for note in notes:
        by_key.setdefault(note.hypothesis_key, []).append(note)
    sites = engagement.site_names()
    cards = []
    for row in hypotheses.itertuples():
        heard = "".join(
            f"<li><b>{html.escape(STANCE_LABELS[n.stance])}</b> — {html.escape(n.note)} "
            f"<i>({html.escape(n.source_name)}, {html.escape(n.source_role)}"
            f"{', ' + html.escape(sites.get(n.site, n.site)) if n.site else ''}, "
            f"{n.recorded_on:%d %b %Y})</i></li>"
            for n in by_key.get(row.key, [])
        )
        cards.append(
            f"<div class='aw-card'><h4>{html.escape(row.title)}</h4>"
            f"<p>{html.escape(row.statement)}</p>"
            f"<p class='aw-figures'>{html.escape(figures_text(row.figures))}</p>"
            f"<p class='aw-key'>Key: <code>{html.escape(row.key)}</code></p>"
            f"<ul>{heard or '<li>Not yet discussed.</li>'}</ul></div>"
        )
    return HTML("".join(cards))


def notes_table(notes: Sequence[IntelligenceNote], titles: dict[str, str]) -> str:
    """The notes as an internal HTML table (who said it included)."""
    if not notes:
        return "<p>No intelligence recorded yet.</p>"
    frame = pd.DataFrame([n.model_dump() for n in notes])
    frame["hypothesis"] = frame["hypothesis_key"].map(titles).fillna(frame["hypothesis_key"])
    frame["stance"] = frame["stance"].map(STANCE_LABELS)
    shown = table(
        frame,
        {
            "hypothesis": "Hypothesis",
            "stance": "Local knowledge",
            "source_name": "Who (internal)",
            "source_role": "Role",
            "site": "Site",
            "note": "Note",
            "recorded_on": "Date",
        },
    )
    return str(shown.data)


def leaning_summary(engagement: Engagement) -> list[HTML]:
    """How local knowledge leans: counts per leaning and the table per hypothesis."""
    by_hypothesis = leaning(engagement)
    counts = leaning_counts(by_hypothesis)
    lines = [f"{_LEANING_WORDS[r.leaning]}: {r.hypotheses}" for r in counts.itertuples()]
    shown = by_hypothesis.assign(leaning=by_hypothesis["leaning"].map(_LEANING_WORDS))
    return [
        callout("How local knowledge leans", lines),
        table(
            shown,
            {
                "title": "Hypothesis",
                "supports": "Supports",
                "challenges": "Challenges",
                "context": "Context",
                "leaning": "Leaning",
            },
        ),
    ]


def basis_of_opinion(engagement: Engagement) -> HTML:
    """The one-page basis of the opinion to share: hypotheses, their data, how they lean.

    Shareable with the client: no names or roles of the people who gave intelligence.
    """
    with db.open_store(engagement) as store:
        hypotheses = store.hypotheses()
        by_hypothesis = leaning_by_hypothesis(hypotheses, db.notes(store))
    if hypotheses.empty:
        return callout("Basis of our opinion", ["Run step 1 first: there are no hypotheses yet."])
    frame = by_hypothesis.assign(
        figures=hypotheses["figures"].map(figures_text).to_numpy(),
        leaning=by_hypothesis["leaning"].map(_LEANING_WORDS),
    )
    intro = (
        f"<p class='aw-caption'>{html.escape(engagement.client.name)}: what the data suggests "
        f"about {html.escape(engagement.contract.name)}, and what we have heard so far.</p>"
    )
    body = table(
        frame,
        {
            "title": "Hypothesis",
            "statement": "What the data shows",
            "figures": "Figures",
            "leaning": "Local knowledge",
        },
    )
    return HTML(
        f"<section class='aw-basis'><h3>Basis of our opinion</h3>{intro}{body.data}</section>"
    )


def areas_table(areas: Sequence[ScopeArea], titles: dict[str, str]) -> str:
    """The scope areas as an HTML table."""
    if not areas:
        return "<p>No scope areas recorded yet.</p>"
    frame = pd.DataFrame([a.model_dump() for a in areas])
    frame["hypothesis"] = frame["hypothesis_key"].map(lambda k: titles.get(k, k) if k else None)
    frame["agreed"] = frame["agreed"].map({True: "agreed", False: "not agreed"})
    columns = {
        "title": "Scope area",
        "description": "What it covers",
        "hypothesis": "Tests",
        "agreed": "In scope?",
    }
    return str(table(frame, columns).data)


def agreed_areas_table(engagement: Engagement) -> HTML:
    """The areas agreed to be in scope (shareable: no names)."""
    with db.open_store(engagement) as store:
        areas = agreed_areas(db.areas(store))
    if not areas:
        return callout("Agreed scope areas", ["No area has been agreed to be in scope yet."])
    frame = pd.DataFrame([a.model_dump() for a in areas])
    return table(
        frame,
        {"title": "Agreed scope area", "description": "What it covers"},
        caption="Areas the client agreed the engagement will look at.",
    )
