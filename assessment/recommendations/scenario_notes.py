"""What each What if control can move, in words, so no control changes nothing silently.

A control can leave the figures still for a reason the client cannot see: the action is due
within the data (its effect is in the actual figures), its measure has no value, or another
action on the same measure already closes the gap it would close (value is counted once). Each
note is decided by projecting the scenario (:func:`~assessment.recommendations.scenarios.project`),
never by a second rule. Pure: a basis in, sentences out.
"""

from __future__ import annotations

import math

import pandas as pd

from assessment.periods import window
from assessment.presentation import date_text, month_text
from assessment.recommendations.models import ALL_SITES
from assessment.recommendations.scenarios import (
    Benchmark,
    Lever,
    PlanBasis,
    Projection,
    Scenario,
    add_months,
    project,
)

_SHORT = 60
"""Characters of another action's task quoted in a note."""


def _short(task: str) -> str:
    return task if len(task) <= _SHORT else task[: _SHORT - 1].rstrip() + "…"


def _same(a: Projection, b: Projection) -> bool:
    """Whether two projections show the same KPI figures and the same value."""
    same_value = (math.isnan(a.value) and math.isnan(b.value)) or math.isclose(
        a.value, b.value, abs_tol=0.5
    )
    return same_value and all(
        math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a.levels, b.levels, strict=True)
    )


def _kpi_same(a: Projection, b: Projection) -> bool:
    return all(math.isclose(x, y, abs_tol=1e-9) for x, y in zip(a.levels, b.levels, strict=True))


def panel_note(basis: PlanBasis) -> str:
    """The whole panel's note when the data covers the contract's last month ('' otherwise)."""
    if basis.data_last < basis.contract_end.replace(day=1):
        return ""
    return (
        f"The data covers the contract to its end ({date_text(basis.data_to)}): the "
        f"{basis.kpi_label} figures are the actual and no control changes them; the controls "
        "move the plan's value, cost and return."
    )


def control_notes(basis: PlanBasis, agreed: Projection) -> dict[str, str]:
    """Per action, what its controls cannot move and why ('' when they move the figures)."""
    tasks = dict(zip(basis.plan["action_id"].astype(str), basis.plan["task"], strict=True))
    notes = {}
    for r in basis.plan.itertuples():
        a = str(r.action_id)
        if pd.isna(r.baseline) or pd.isna(r.units):
            notes[a] = "A measure without a value in money: these controls move the cost only."
            continue
        left = project(basis, Scenario("x", {a: Lever(left_out=True)}))
        if str(r.measure) != basis.headline:
            moves = "cost only" if _same(agreed, left) else "value and cost"
            notes[a] = (
                f"Not the {basis.kpi_label} measure: these controls move its {moves}, not the "
                "figures of the roadmap."
            )
        elif basis.frozen(r.target_date):
            notes[a] = (
                f"Due by {date_text(pd.Timestamp(str(r.target_date)).date())}, so its effect is "
                f"in the actual figures (data to {date_text(basis.data_to)}): these controls "
                "move value and cost only."
            )
        elif _kpi_same(agreed, left):
            others = [
                _short(str(tasks[str(o.action_id)]))
                for o in basis.plan.itertuples()
                if str(o.action_id) != a
                and str(o.measure) == str(r.measure)
                and (str(o.site) in (ALL_SITES, str(r.site)))
            ]
            they = "they close" if len(others) > 1 else "it closes"
            named = " and ".join(f"“{o}”" for o in others) or "other actions"
            moves = "value and cost move" if not _same(agreed, left) else "the cost moves"
            notes[a] = (
                f"Shares the {basis.kpi_label} gap with {named}: {they} it already, so moving "
                f"this action changes no figure of the roadmap while "
                f"{'they stand' if len(others) > 1 else 'it stands'}; {moves}."
            )
        else:
            notes[a] = ""
    return notes


def benchmark_label(basis: PlanBasis, bench: Benchmark, names: dict[str, str]) -> str:
    """The switch's words: whose rate, how much, over which months, from when, and the rule."""
    base = window(pd.Timestamp(basis.base_month), basis.window).label()
    recent = window(pd.Timestamp(basis.data_last), basis.window).label()
    start = month_text(add_months(bench.by, 1).replace(day=1))
    site, best = names.get(bench.site, bench.site), names.get(bench.benchmark, bench.benchmark)
    return (
        f"{site} ({bench.baseline:,.0f}% of contract over {recent}) reaches {best}'s rate "
        f"when the plan was set ({bench.rate:,.0f}% over {base}) from {start}, beyond the "
        "plan's own targets for it"
    )
