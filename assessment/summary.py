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


class ContractStanding(BaseModel):
    """Where the contract stands on its headline KPI, to date.

    Attributes:
        kpi_label: The headline KPI's label.
        actual: Delivered to date.
        target: Contracted to date.
        pct_of_contract: ``actual`` as a percentage of ``target`` (104.2 means 104.2 %).
        best_site / best_pct: The site furthest ahead and its percentage.
        worst_site / worst_pct: The site furthest behind and its percentage.
        sites_above: Sites at or above their contracted target.
    """

    model_config = ConfigDict(frozen=True)

    kpi_label: str
    actual: float
    target: float
    pct_of_contract: float
    best_site: str
    best_pct: float
    worst_site: str
    worst_pct: float
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


class RoadmapPosition(BaseModel):
    """The contract's place on the roadmap: the stage reached and the next one."""

    model_config = ConfigDict(frozen=True)

    stages: list[tuple[str, float | None]]
    reached: str
    next_stage: str | None
    next_pct: float | None
    today_pct: float


def roadmap_position(engagement: Engagement, pct_of_contract: float) -> RoadmapPosition:
    """Place today's performance on the engagement's roadmap stages.

    A stage with a fraction is reached when performance is at or above it (0.55 = 55 % of the
    contracted target); the stage without a fraction is base camp, where the contract starts.
    """
    stages = [(s.name, s.fraction) for s in engagement.roadmap.stages]
    today = pct_of_contract / 100
    reached = stages[0][0]
    next_stage: tuple[str, float] | None = None
    for name, fraction in stages:
        if fraction is None:
            continue
        if today >= fraction:
            reached = name
        elif next_stage is None:
            next_stage = (name, fraction)
    return RoadmapPosition(
        stages=stages,
        reached=reached,
        next_stage=next_stage[0] if next_stage else None,
        next_pct=next_stage[1] * 100 if next_stage else None,
        today_pct=pct_of_contract,
    )


def _pct(value: float) -> str:
    return f"{value:,.0f}%"


def _roadmap_html(position: RoadmapPosition) -> str:
    """The roadmap: a track with a tick per stage and today's marker, the stages named below.

    The names sit in a row of equal columns (not at their levels), so two close stages (85 % and
    100 %) never print over each other; the marker is clamped to the summit and anchored inside
    the track near either end.
    """
    top = max([f for _, f in position.stages if f is not None] + [1.0]) * 100
    marker = min(max(position.today_pct, 0.0), top) / top * 100
    ticks, stops = [], []
    for name, fraction in position.stages:
        label = "today's level" if fraction is None else _pct(fraction * 100)
        if fraction is not None:
            ticks.append(
                f"<span class='aw-roadmap-tick' style='left:{fraction * 100 / top * 100:.1f}%'>"
                "</span>"
            )
        reached = " aw-reached" if name == position.reached else ""
        stops.append(
            f"<li class='aw-stage{reached}'>"
            f"<span class='aw-stage-name'>{html.escape(name)}</span>"
            f"<span class='aw-stage-level'>{html.escape(label)}</span></li>"
        )
    end = " aw-start" if marker < 12 else " aw-end" if marker > 88 else ""
    return (
        "<div class='aw-roadmap' role='img' aria-label='Roadmap from base camp to the summit: "
        f"today at {_pct(position.today_pct)} of contract'>"
        f"<div class='aw-roadmap-track'><div class='aw-roadmap-fill' style='width:{marker:.1f}%'>"
        f"</div>{''.join(ticks)}<div class='aw-roadmap-marker{end}' style='left:{marker:.1f}%'>"
        f"<span>Today {html.escape(_pct(position.today_pct))}</span></div></div>"
        f"<ol class='aw-roadmap-stages'>{''.join(stops)}</ol></div>"
    )


def _tile(label: str, value: str, note: str) -> str:
    return (
        f"<div class='aw-tile'><span class='aw-tile-label'>{html.escape(label)}</span>"
        f"<span class='aw-tile-value'>{html.escape(value)}</span>"
        f"<span class='aw-tile-note'>{html.escape(note)}</span></div>"
    )


def executive_summary(
    engagement: Engagement,
    standing: ContractStanding,
    *,
    actions: Sequence[str] = (),
    recent: RecentLevel | None = None,
) -> HTML:
    """The summary a client reads first: headline figures, the roadmap, the next actions.

    Args:
        engagement: The engagement (its roadmap stages).
        standing: Where the contract stands (from step 1's stored results).
        actions: The most valuable actions, once step 5 has agreed them (at most three shown).
        recent: The recent level step 5's roadmap measures, once a plan is published: the
            roadmap places the contract by it (so the summary and the roadmap section agree);
            before that, by the figure to date.

    Returns:
        Escaped HTML: three tiles, a few sentences, the roadmap and, when given, the actions.
    """
    s = standing
    level = recent.pct_of_contract if recent is not None else s.pct_of_contract
    position = roadmap_position(engagement, level)
    tiles = "".join(
        [
            _tile(
                s.kpi_label,
                _pct(s.pct_of_contract),
                f"of contract to date ({s.actual:,.0f} of {s.target:,.0f})",
            ),
            _tile("Furthest ahead", _pct(s.best_pct), s.best_site),
            _tile("Furthest behind", _pct(s.worst_pct), s.worst_site),
        ]
    )
    if position.next_stage:
        next_step = (
            f"Next stage: {position.next_stage}, at {_pct(position.next_pct or 0)} of the "
            "contracted target."
        )
    else:
        next_step = "The contract has reached the summit: the task is to hold it there."
    above = (
        f"At or above contract: {', '.join(s.sites_above)}."
        if s.sites_above
        else "No site is at its contracted target yet."
    )
    standing_text = (
        f"The contract stands at {_pct(s.pct_of_contract)} of its contracted "
        f"{s.kpi_label.lower()} to date, at the stage '{position.reached}' of the roadmap."
    )
    if recent is not None:
        standing_text = (
            f"The contract stands at {_pct(s.pct_of_contract)} of its contracted "
            f"{s.kpi_label.lower()} to date; over {recent.period} it delivered "
            f"{_pct(recent.pct_of_contract)}, at the stage '{position.reached}' of the roadmap."
        )
    sentences = [standing_text, above, next_step]
    text = "".join(f"<li>{html.escape(line)}</li>" for line in sentences)
    action_items = "".join(f"<li>{html.escape(a)}</li>" for a in list(actions)[:3])
    actions_html = (
        f"<h3>The three most valuable actions</h3><ol class='aw-actions'>{action_items}</ol>"
        if action_items
        else ""
    )
    return HTML(
        "<section class='aw-summary'>"
        f"<div class='aw-tiles'>{tiles}</div><ul class='aw-summary-text'>{text}</ul>"
        f"<h3>Roadmap: from base camp to the summit</h3>{_roadmap_html(position)}"
        f"{actions_html}</section>"
    )
