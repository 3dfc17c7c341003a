"""What if, as the client sees it: saved scenarios beside the agreed plan, and the live controls.

:func:`scenarios_for_client` is the static report's small table (the agreed plan, then each
scenario the consultant saved). :func:`what_if_panel` is the served report's controls
(ipywidgets): every change calls :func:`~assessment.recommendations.scenarios.project` and
redraws the figures beside the agreed plan's. Neither computes a figure itself.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.periods import Period
from assessment.presentation import callout, date_text, money, month_text
from assessment.recommendations.scenario_notes import benchmark_label, control_notes, panel_note
from assessment.recommendations.scenario_store import (
    NO_PLAN,
    STALE_PLAN,
    load_basis,
    plan_is_current,
    saved_scenarios,
)
from assessment.recommendations.scenarios import (
    Lever,
    PlanBasis,
    Projection,
    Scenario,
    end_label,
    project,
)


def _no_basis(engagement: Engagement) -> HTML:
    """Why there is nothing to project: no plan yet, or one to publish again."""
    return callout("What if", [NO_PLAN if plan_is_current(engagement) else STALE_PLAN])


def _ret(p: Projection) -> str:
    return "–" if p.cost <= 0 else f"{p.plan_return:,.1f} ×"


def changes_html(basis: PlanBasis, scenario: Scenario, names: dict[str, str]) -> str:
    """What a saved scenario moves, in the plan's own words (the action's task), as a list."""
    tasks = dict(zip(basis.plan["action_id"].astype(str), basis.plan["task"], strict=True))
    items = []
    for action_id, lever in sorted(scenario.levers.items()):
        if lever.left_out:
            moved = "left out"
        else:
            late = f"{lever.delay} month{'s' if lever.delay != 1 else ''} late"
            moved = (
                ", ".join(
                    ([] if lever.share == 100 else [f"{lever.share:g}% of its target"])
                    + ([late] if lever.delay else [])
                )
                or "as agreed"
            )
        items.append(f"{tasks.get(action_id, action_id)}: {moved}")
    benches = {b.site: b for b in basis.benchmarks}
    items += [
        benchmark_label(basis, benches[s], names) if s in benches else f"{names.get(s, s)}"
        for s in sorted(scenario.benchmark_sites)
    ]
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f"<ul class='aw-scenario-changes'>{lis}</ul>" if lis else ""


def _row(
    p: Projection, fmt: Callable[[object], str], who: str, heading: str, changes: str = ""
) -> str:
    cells = (
        p.name,
        who,
        f"{p.end_level:,.0f}%",
        p.end_stage,
        fmt(p.value),
        fmt(p.cost),
        _ret(p),
    )
    labels = ("Scenario", "Saved", heading, "Roadmap position", "Value", "Cost", "Return")
    tds = "".join(
        f"<td data-label='{html.escape(label)}'><div>{html.escape(cell)}"
        f"{changes if label == 'Scenario' else ''}</div></td>"
        for label, cell in zip(labels, cells, strict=True)
    )
    return f"<tr>{tds}</tr>"


def scenarios_for_client(engagement: Engagement) -> HTML:
    """The agreed plan and each saved scenario: KPI and stage at the contract's end, money."""
    basis = load_basis(engagement)
    if basis is None:
        return _no_basis(engagement)
    fmt = money(engagement)
    agreed = project(basis, Scenario())
    heading = end_label(basis, agreed)
    rows = [_row(agreed, fmt, "agreed", heading)]
    names = engagement.site_names()
    for scenario, by, on in saved_scenarios(engagement):
        moved = changes_html(basis, scenario, names)
        rows.append(_row(project(basis, scenario), fmt, f"{by}, {date_text(on)}", heading, moved))
    columns = ("Scenario", "Saved", heading, "Roadmap position", "Value", "Cost", "Return")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in columns)
    caption = (
        "The agreed plan and the scenarios saved with it, projected by the same functions as the "
        f"plan over the contract's last {basis.window} months, the report's recent level; "
        f"months to {date_text(basis.data_to)} are the actual."
    )
    return HTML(
        f"<table class='aw-table aw-scenarios'><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def figures_html(
    basis: PlanBasis, agreed: Projection, scenario: Projection, fmt: Callable[[object], str]
) -> str:
    """The scenario's figures beside the agreed plan's (the served panel's output)."""
    span = agreed.end_period.label() if agreed.end_period else month_text(basis.contract_end)
    rows = [
        (end_label(basis, agreed), f"{agreed.end_level:,.0f}%", f"{scenario.end_level:,.0f}%"),
        (f"Roadmap position over {span}", agreed.end_stage, scenario.end_stage),
    ]
    for a, s in zip(agreed.stages, scenario.stages, strict=True):
        kind = "actual" if a.actual else "projected"
        rows.append(
            (
                f"Roadmap position by {date_text(a.date)} ({a.name}), over {a.period.label()} "
                f"({kind})",
                f"{a.reached}, {a.level:,.0f}%",
                f"{s.reached}, {s.level:,.0f}%",
            )
        )
    rows += [
        ("Value", fmt(agreed.value), fmt(scenario.value)),
        ("Cost", fmt(agreed.cost), fmt(scenario.cost)),
        ("Return", _ret(agreed), _ret(scenario)),
    ]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(n)}</th>"
        f"<td class='aw-agreed' data-label='Agreed plan'>{html.escape(a)}</td>"
        f"<td class='aw-projected' data-label='What if'>{html.escape(s)}</td></tr>"
        for n, a, s in rows
    )
    return (
        "<table class='aw-table aw-compact aw-what-if'><thead><tr><th></th><th>Agreed plan</th>"
        f"<th>What if</th></tr></thead><tbody>{body}</tbody></table>"
        + months_html(basis, agreed, scenario)
    )


def months_html(basis: PlanBasis, agreed: Projection, scenario: Projection) -> str:
    """The headline KPI per month to the contract's end, the agreed plan's beside the scenario's."""
    if not agreed.months:
        return ""
    span = Period(pd.Timestamp(agreed.months[0]), pd.Timestamp(agreed.months[-1])).label()
    caption = (
        f"{basis.kpi_label}, % of contracted target, each month over the {basis.window} months "
        f"to it, {span}: the actual to {date_text(basis.data_to)}"
        + (", projected after" if not all(agreed.actual_months) else "")
    )
    body = "".join(
        f"<tr><th scope='row'>{month_text(m)}{' (actual)' if actual else ''}</th>"
        f"<td class='aw-agreed' data-label='Agreed plan'>{a:,.0f}%</td>"
        f"<td class='aw-projected-month' data-label='What if'>{p:,.0f}%</td></tr>"
        for m, a, p, actual in zip(
            agreed.months, agreed.levels, scenario.levels, agreed.actual_months, strict=True
        )
    )
    return (
        "<table class='aw-table aw-compact aw-what-if-months'>"
        f"<caption>{html.escape(caption)}</caption>"
        "<thead><tr><th>Month</th><th>Agreed plan</th><th>What if</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _slider(value: int, top: int, step: int, label: str) -> widgets.IntSlider:
    """A slider whose label is never cut (its own width) and that fits a phone."""
    return widgets.IntSlider(
        value, 0, top, step, description=label, style={"description_width": "initial"},
        layout=widgets.Layout(width="auto", max_width="32rem"),
    )  # fmt: skip


def _checkbox(label: str) -> widgets.Checkbox:
    """A switch whose label is shown in full (ipywidgets cuts it at a fixed width otherwise)."""
    return widgets.Checkbox(
        False, description=label, indent=False, layout=widgets.Layout(width="auto")
    )


class WhatIfPanel:
    """The served report's controls: per action share, delay and leave-out; per site benchmark."""

    def __init__(
        self, basis: PlanBasis, fmt: Callable[[object], str], names: dict[str, str]
    ) -> None:
        self.basis, self.fmt = basis, fmt
        self.agreed = project(basis, Scenario())  # the plan as agreed: once, not per change
        self.share: dict[str, widgets.IntSlider] = {}
        self.delay: dict[str, widgets.IntSlider] = {}
        self.left_out: dict[str, widgets.Checkbox] = {}
        self.notes = control_notes(basis, self.agreed)  # what a control cannot move, and why
        rows = []
        note = panel_note(basis)
        if note:
            rows.append(widgets.HTML(f"<p class='aw-what-if-note'>{html.escape(note)}</p>"))
        for r in basis.plan.itertuples():
            a = str(r.action_id)
            self.share[a] = _slider(100, 100, 5, "% of its target reached")
            self.delay[a] = _slider(0, 12, 1, "Months late")
            self.left_out[a] = _checkbox("Leave this action out")
            label = widgets.HTML(f"<strong>{html.escape(str(r.task))}</strong>")
            said = self.notes.get(a, "")
            note_html = f"<p class='aw-control-note'>{html.escape(said)}</p>"
            extra = [widgets.HTML(note_html)] if said else []
            rows.append(
                widgets.VBox([label, *extra, self.share[a], self.delay[a], self.left_out[a]])
            )
        self.bench = {b.site: _checkbox(benchmark_label(basis, b, names)) for b in basis.benchmarks}
        self.output = widgets.HTML()
        for control in (*self.share.values(), *self.delay.values(), *self.left_out.values()):
            control.observe(self.update, names="value")
        for control in self.bench.values():
            control.observe(self.update, names="value")
        self.widget = widgets.VBox([*rows, *self.bench.values(), self.output])
        self.widget.add_class("aw-what-if-panel")  # the one widget the report's CSS shows
        self.update()

    def scenario(self) -> Scenario:
        """The scenario the controls describe."""
        levers = {
            a: Lever(self.share[a].value, self.delay[a].value, self.left_out[a].value)
            for a in self.share
        }
        sites = frozenset(s for s, box in self.bench.items() if box.value)
        return Scenario("What if", levers, sites)

    def update(self, _change: object = None) -> None:
        """Project the controls' scenario and redraw the figures beside the agreed plan's."""
        scenario = project(self.basis, self.scenario())
        self.output.value = figures_html(self.basis, self.agreed, scenario, self.fmt)


def what_if_panel(engagement: Engagement) -> WhatIfPanel | HTML:
    """The live what-if controls of the served report (a note before a plan is published)."""
    basis = load_basis(engagement)
    if basis is None:
        return _no_basis(engagement)
    return WhatIfPanel(basis, money(engagement), engagement.site_names())


def show_what_if(engagement_dir: str) -> None:
    """Display the live controls in the served page (the served notebook's one live cell)."""
    from IPython.display import display

    from assessment.engagement import load_engagement

    panel = what_if_panel(load_engagement(engagement_dir))
    display(panel.widget if isinstance(panel, WhatIfPanel) else panel)
