"""What step 2 shows: the hypotheses with what local knowledge says, forms, and the summaries.

Two audiences: the consultant's own views (``hypothesis_cards``, the forms) show who said what;
``basis_of_opinion`` and ``agreed_areas_table`` are shareable with the client and never carry a
name or a role.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as w
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.intelligence import store as db
from assessment.intelligence.leaning import agreed_areas, leaning_by_hypothesis, leaning_counts
from assessment.intelligence.models import STANCE_LABELS, IntelligenceNote, ScopeArea
from assessment.pickers import keys_toggle
from assessment.presentation import Formatter, callout, number, pct, share, table

_LEANING_WORDS = {
    "supported": "Supported by local knowledge",
    "challenged": "Challenged by local knowledge",
    "context": "Given context",
    "not yet discussed": "Not yet discussed",
}


def _points(value: float) -> str:
    return f"{value:,.0f} points"


_FIGURES: dict[str, tuple[str, Formatter]] = {
    "pct_of_target": ("{} of target", pct),
    "actual": ("{} achieved", number),
    "target": ("target {}", number),
    "gap": ("{} short of target", number),
    "rank": ("ranked {}", number),
    "threshold_pct": ("flagged below {} of target", pct),
    "contract_pct": ("contract as a whole at {} of target", pct),
    "conversion_to_outcome": ("{} of starts converted to outcomes", share),
    "starts": ("{} starts", number),
    "outcomes": ("{} outcomes", number),
    "best_conversion_to_outcome": ("best site converts {}", share),
    "ratio_to_best": ("{} of the best site's rate", share),
    "best_pct": ("best {} of target", pct),
    "worst_pct": ("lowest {} of target", pct),
    "spread_pp": ("spread {}", _points),
    "threshold_pp": ("flagged above a spread of {}", _points),
    "cv": ("variation between sites {}", share),
    "n_sites": ("{} sites", number),
    "share": ("{} of time with customers", share),
    "value_adding": ("{} observations with customers", number),
    "n": ("{} observations", number),
    "required_n": ("{} needed for ±5 points", number),
    "threshold_share": ("flagged below {}", share),
    "caseload": ("caseload {}", number),
    "expected_caseload": ("expected {}", number),
    "ratio": ("{} of the expected caseload", lambda v: share(v, 0)),
    "mean_days_in_service": ("{} days in service on average", number),
    "starts_per_month": ("{} starts a month", lambda v: number(v, 1)),
    "open_at_start": ("{} open at the start", number),
    "open_at_end": ("{} open at the end", number),
}
"""Figure name -> how the consultant reads it (wording and format as in the report)."""


def figures_text(figures: dict[str, object], sites: Mapping[str, str] | None = None) -> str:
    """A hypothesis's figures in words, formatted as in the report.

    For example "30% of target · 1,952 achieved · 4,556 short of target · flagged below 80% of
    target"; a site is named ("best site Harbour Street"), never given by its key.
    """
    names = sites or {}
    parts = []
    if "ci_low" in figures and "ci_high" in figures:
        interval = f"95% interval {share(figures['ci_low'])}–{share(figures['ci_high'])}"
    else:
        interval = ""
    before = {"best_pct": "best_site", "worst_pct": "worst_site"}  # a site before its figure
    order = [n for f in _FIGURES for n in (before.get(f), f) if n]
    ranked = sorted(figures.items(), key=lambda i: order.index(i[0]) if i[0] in order else 99)
    for name, value in ranked:
        if name in ("ci_low", "ci_high"):
            continue
        if name in ("best_site", "worst_site"):
            word = "best" if name == "best_site" else "lowest"
            parts.append(f"{word} site {names.get(str(value), str(value))}")
        elif name in _FIGURES and isinstance(value, int | float):
            wording, shown = _FIGURES[name]
            parts.append(wording.format(shown(value)))
        else:
            parts.append(f"{name.replace('_', ' ')} {value}")
        if name == "share" and interval:
            parts[-1] += f" ({interval})"
    return " · ".join(parts)


def leaning(engagement: Engagement) -> pd.DataFrame:
    """Every current hypothesis with its notes counted by stance and how they lean."""
    with db.open_store(engagement) as store:
        return leaning_by_hypothesis(store.hypotheses(), db.notes(store))


def hypothesis_cards(engagement: Engagement, show_keys: bool = False) -> HTML:
    """Each hypothesis with its figures and what local knowledge says (internal: names shown).

    Args:
        engagement: The engagement.
        show_keys: Also show each hypothesis's key (what a capture sheet may be typed with).
    """
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
        key = f"<p class='aw-key'>Key: <code>{html.escape(row.key)}</code></p>"
        cards.append(
            f"<div class='aw-card'><h4>{html.escape(row.title)}</h4>"
            f"<p>{html.escape(row.statement)}</p>"
            f"<p class='aw-figures'>{html.escape(figures_text(row.figures, sites))}</p>"
            f"{key if show_keys else ''}"
            f"<ul>{heard or '<li>Not yet discussed.</li>'}</ul></div>"
        )
    return HTML("".join(cards))


def hypotheses_view(engagement: Engagement, interactive: bool) -> HTML | w.VBox:
    """The hypothesis cards; in ``assess open`` with a "show keys" box (keys for capture sheets)."""
    if not interactive:
        return hypothesis_cards(engagement)
    return keys_toggle(lambda keys: hypothesis_cards(engagement, show_keys=keys))


def notes_table(
    notes: Sequence[IntelligenceNote],
    titles: dict[str, str],
    sites: Mapping[str, str] | None = None,
) -> str:
    """The notes as an internal HTML table (who said it included; sites by name)."""
    if not notes:
        return "<p>No intelligence recorded yet.</p>"
    names = sites or {}
    frame = pd.DataFrame([n.model_dump() for n in notes])
    frame["site"] = frame["site"].map(
        lambda k: names.get(k, k) if isinstance(k, str) else "All sites"
    )
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
        {"recorded_on": lambda d: f"{d:%d %b %Y}"},
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
    sites = engagement.site_names()
    frame = by_hypothesis.assign(
        figures=hypotheses["figures"].map(lambda f: figures_text(f, sites)).to_numpy(),
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
