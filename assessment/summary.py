"""The executive summary of the client report: where the contract stands and where it goes next.

Steps hand over plain figures (a :class:`ContractStanding`, later the most valuable actions);
this module turns them into the summary a client reads first, with the roadmap from base camp
to the summit drawn in HTML and CSS (no chart library: it prints and reads without JavaScript).
Shared code: it never imports a step.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from IPython.display import HTML
from pydantic import BaseModel, ConfigDict, Field

from assessment.engagement import Engagement
from assessment.roadmap_state import (
    NOT_AGREED,
    RoadmapState,
    contract_roadmap,
    roadmap_agreed,
    roadmap_state,
)
from assessment.terminology import say


class ContractStanding(BaseModel):
    """Where the contract stands on its headline KPI, to date.

    Attributes:
        kpi_label: The headline KPI's label.
        actual: Delivered to date.
        target: Contracted to date.
        pct_of_contract: ``actual`` as a percentage of ``target`` (104.2 means 104.2 %).
        best_site / best_pct: The site the summary holds up at the top, and its percentage: the
            highest of those ahead of the rest of the contract when any is, else the highest.
        best_low / best_high: Its percentage's 95% interval (None when not known).
        best_ahead: Whether the comparison with the rest of the contract (corrected for the
            number of sites compared) says it is ahead: only then is it "furthest ahead".
        worst_site / worst_pct / worst_low / worst_high / worst_behind: The same at the bottom.
        sites_above: Sites at or above their contracted target.
    """

    model_config = ConfigDict(frozen=True)

    kpi_label: str
    period: str = Field(default="to date", description="The months it covers: 'Jan 2024–Jun 2026'.")
    actual: float
    target: float
    pct_of_contract: float
    best_site: str
    best_pct: float
    worst_site: str
    worst_pct: float
    best_low: float | None = None
    best_high: float | None = None
    best_ahead: bool = False
    worst_low: float | None = None
    worst_high: float | None = None
    worst_behind: bool = False
    sites_above: list[str] = Field(default_factory=list)


class RecentLevel(BaseModel):
    """The headline KPI's recent level, on the measure step 5's roadmap uses.

    Attributes:
        pct_of_contract: Delivered as a percentage of the contracted target over ``period``.
        period: The months it covers, in words ("the three months to June 2026").
    """

    model_config = ConfigDict(frozen=True)

    pct_of_contract: float
    period: str


def _pct(value: float) -> str:
    return f"{value:,.0f}%"


def _roadmap_html(state: RoadmapState) -> str:
    """The roadmap: a track with a tick per stage and the marker now, the stages named below.

    The names sit in a row of equal columns (not at their levels), so two close stages (85 % and
    100 %) never print over each other; the marker is clamped to the top and anchored inside the
    track near either end.
    """
    levels = [st.pct for st in state.stages if st.pct is not None]
    top = max([*levels, 100.0])
    level = state.level if state.level is not None else 0.0
    marker = min(max(level, 0.0), top) / top * 100
    ticks, stops = [], []
    for stage in state.stages:
        label = _pct(stage.pct) if stage.pct is not None else "–"
        if stage.pct is not None:
            ticks.append(
                f"<span class='aw-roadmap-tick' style='left:{stage.pct / top * 100:.1f}%'></span>"
            )
        reached = " aw-reached" if stage.name == state.reached else ""
        reached += " aw-passed" if stage.passed else ""
        stops.append(
            f"<li class='aw-stage{reached}'>"
            f"<span class='aw-stage-name'>{html.escape(stage.name)}</span>"
            f"<span class='aw-stage-level'>{html.escape(label)}</span></li>"
        )
    months = state.now_period or state.base_period
    now = f"Now {_pct(level)}" + (f" ({months.label()})" if months else "")
    # a wide label ("Now 107% (Apr–Jun 2026)") centred near an end would pass the column
    end = " aw-start" if marker < 33 else " aw-end" if marker > 67 else ""
    return (
        "<div class='aw-roadmap' role='img' aria-label='Roadmap from base camp to the summit: "
        f"{html.escape(now, quote=True)} of contract'>"
        f"<div class='aw-roadmap-track'><div class='aw-roadmap-fill' style='width:{marker:.1f}%'>"
        f"</div>{''.join(ticks)}<div class='aw-roadmap-marker{end}' style='left:{marker:.1f}%'>"
        f"<span>{html.escape(now)}</span></div></div>"
        f"<ol class='aw-roadmap-stages'>{''.join(stops)}</ol></div>{_passed_note(state)}"
    )


def _passed_note(state: RoadmapState) -> str:
    """The stages base camp already lay above when the plan began, in one line."""
    passed = [s.name for s in state.stages if s.passed]
    if not passed:
        return ""
    names = ", ".join(passed[:-1]) + (" and " if len(passed) > 1 else "") + passed[-1]
    return (
        f"<p class='aw-caption'>{html.escape(names)}: already passed at base camp "
        f"({_pct(state.base_pct or 0)}).</p>"
    )


def _site_tile(
    top: bool, s: ContractStanding, site: str, pct: float, low: float | None, high: float | None
) -> str:
    """The site at the top or the bottom, with its interval; "furthest" only when it is real.

    A site is "furthest ahead" (or "behind") only when the comparison with the rest of the
    contract says the difference is more than noise; otherwise the tile says "highest" or
    "lowest" and that the difference is not clear.
    """
    real = s.best_ahead if top else s.worst_behind
    if real:
        label = "Furthest ahead" if top else "Furthest behind"
        verdict = "ahead of" if top else "behind"
        verdict = f"{verdict} the rest of the contract"
    else:
        label = "Highest % of target" if top else "Lowest % of target"
        verdict = "no clear difference from the rest of the contract"
    known = low is not None and high is not None
    interval = f"95% interval {low:,.0f}–{high:,.0f}%; " if known else ""
    return _tile(f"{label}, {s.period}", _pct(pct), f"{site} ({interval}{verdict})")


def _tile(label: str, value: str, note: str) -> str:
    return (
        f"<div class='aw-tile'><span class='aw-tile-label'>{html.escape(label)}</span>"
        f"<span class='aw-tile-value'>{html.escape(value)}</span>"
        f"<span class='aw-tile-note'>{html.escape(note)}</span></div>"
    )


def standing_state(engagement: Engagement, standing: ContractStanding) -> RoadmapState:
    """The contract's roadmap state; before step 1 stored its months, by the figure to date."""
    state = contract_roadmap(engagement)
    if state is not None:
        return state
    stages = [(s.name, s.fraction, s.by) for s in engagement.roadmap.stages]
    return roadmap_state(
        standing.kpi_label,
        stages,
        standing.pct_of_contract,
        None,
        None,
        None,
        agreed=roadmap_agreed(engagement),
    )


def executive_summary(
    engagement: Engagement,
    standing: ContractStanding,
    *,
    actions: Sequence[str] = (),
    recent: RecentLevel | None = None,
    roadmap_below: bool = False,
) -> HTML:
    """The summary a client reads first: headline figures, the roadmap, the next actions.

    Args:
        engagement: The engagement (its roadmap stages, its stored roadmap state).
        standing: Where the contract stands to date (from step 1's stored results).
        actions: The most valuable actions, once step 5 has agreed them (at most three shown).
        recent: Kept for callers of an earlier version; the roadmap's level now comes from the
            one roadmap state (:func:`assessment.roadmap_state.contract_roadmap`), which the
            roadmap section, progress and the portfolio index read too.
        roadmap_below: The report shows the roadmap in a section of its own (step 5): the
            summary then says where the contract stands but draws no second roadmap.

    Returns:
        Escaped HTML: three tiles, a few sentences, the roadmap and, when given, the actions.
    """
    del recent  # the roadmap state decides the level now, for every section alike
    s = standing
    state = standing_state(engagement, s)
    tiles = "".join(
        [
            _tile(
                f"{s.kpi_label}, {s.period}",
                _pct(s.pct_of_contract),
                f"of contract ({s.actual:,.0f} of {s.target:,.0f})",
            ),
            _site_tile(True, s, s.best_site, s.best_pct, s.best_low, s.best_high),
            _site_tile(False, s, s.worst_site, s.worst_pct, s.worst_low, s.worst_high),
        ]
    )
    above = (
        f"At or above contract over {s.period}: {', '.join(s.sites_above)}."
        if s.sites_above
        else say("No {site} is at its contracted target over ", engagement) + f"{s.period}."
    )
    standing_text = (
        f"The contract delivered {_pct(s.pct_of_contract)} of its contracted "
        f"{s.kpi_label.lower()} over {s.period}."
    )
    agreed = state.agreed
    # no stage is named before the client has agreed the stages (the state says so)
    roadmap_lines = [state.base_sentence(), state.now_sentence()] if agreed else [NOT_AGREED]
    sentences = [standing_text, above, *roadmap_lines]
    text = "".join(f"<li>{html.escape(line)}</li>" for line in sentences)
    listed = list(actions)[:3]
    action_items = "".join(f"<li>{html.escape(a)}</li>" for a in listed)
    count = {1: "", 2: " two", 3: " three"}.get(len(listed), "")
    heading = f"The{count} most valuable action{'s' if len(listed) > 1 else ''}"
    actions_html = (
        f"<h3>{heading}</h3><ol class='aw-actions'>{action_items}</ol>" if action_items else ""
    )
    roadmap = (
        f"<h3>Roadmap: from base camp to the summit</h3>{_roadmap_html(state)}"
        if agreed and not roadmap_below
        else ""
    )
    return HTML(
        "<section class='aw-summary'>"
        f"<div class='aw-tiles'>{tiles}</div><ul class='aw-summary-text'>{text}</ul>"
        f"{roadmap}{actions_html}</section>"
    )
