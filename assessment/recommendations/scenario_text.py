"""Scenarios as a consultant types and reads them at the terminal (``assess scenario``).

:func:`parse_levers` turns ``ID=PCT[,delay=M]`` and ``--leave-out ID`` into levers, naming every
malformed one at once; :func:`scenario_lines` says what a saved scenario projects beside the
agreed plan, computed by :func:`~assessment.recommendations.scenarios.compare` (nothing here
computes a figure).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assessment.errors import InputError, Problem
from assessment.recommendations.scenarios import (
    Lever,
    PlanBasis,
    Projection,
    Scenario,
    compare,
    end_label,
)

LEVER_FORMAT = "ID=PCT or ID=PCT,delay=MONTHS (PCT 0-100 % of the target's gain, MONTHS 0 or more)"
_LEVER = re.compile(
    r"^\s*(?P<id>[^=,\s]+)\s*=\s*(?P<pct>\d+(?:\.\d+)?)\s*(?:,\s*delay\s*=\s*(?P<delay>\d+)\s*)?$"
)


def _lever(spec: str) -> tuple[str, Lever] | Problem:
    """One ``--action`` value as (action id, lever), or the problem with it."""
    found = _LEVER.match(spec)
    if found is None:
        return Problem("--action", f"expected {LEVER_FORMAT}", field=spec)
    share = float(found["pct"])
    if share > 100:
        return Problem(
            "--action", f"share of the target must be 0-100 %, got {share:g}", field=spec
        )
    return found["id"], Lever(share=share, delay=int(found["delay"] or 0))


def parse_levers(actions: Sequence[str], leave_out: Sequence[str]) -> dict[str, Lever]:
    """The levers of ``--action ID=PCT[,delay=M]`` and ``--leave-out ID`` values.

    Raises:
        InputError: Every malformed value, and any action given twice, at once.
    """
    levers: dict[str, Lever] = {}
    problems: list[Problem] = []
    parsed = [_lever(spec) for spec in actions] + [
        (a.strip(), Lever(left_out=True)) for a in leave_out
    ]
    for item in parsed:
        if isinstance(item, Problem):
            problems.append(item)
        elif item[0] in levers:
            problems.append(Problem("scenario", "action moved twice: give it once", field=item[0]))
        else:
            levers[item[0]] = item[1]
    if problems:
        raise InputError(problems)
    return levers


def lever_text(action_id: str, lever: Lever) -> str:
    """One lever in words: "a3 left out", "a1 at 50 % of its target, 3 months late"."""
    if lever.left_out:
        return f"{action_id} left out"
    parts = [] if lever.share == 100 else [f"at {lever.share:g} % of its target"]
    if lever.delay:
        parts.append(f"{lever.delay} month{'s' if lever.delay != 1 else ''} late")
    return f"{action_id} {', '.join(parts) or 'as agreed'}"


def levers_text(scenario: Scenario, site_names: dict[str, str]) -> str:
    """Every lever of a scenario on one line (the agreed plan's when it moves none)."""
    parts = [lever_text(a, lever) for a, lever in sorted(scenario.levers.items())]
    parts += [
        f"{site_names.get(s, s)} reaches the benchmark's rate"
        for s in sorted(scenario.benchmark_sites)
    ]
    return "; ".join(parts) or "as agreed"


def _figures(p: Projection, fmt: Callable[[object], str]) -> str:
    ret = "–" if p.cost <= 0 else f"{p.plan_return:,.1f} ×"
    return (
        f"{p.end_level:,.0f}% ({p.end_stage}), value {fmt(p.value)}, cost {fmt(p.cost)}, "
        f"return {ret}"
    )


def scenario_lines(basis: PlanBasis, scenario: Scenario, fmt: Callable[[object], str]) -> list[str]:
    """What the scenario projects over the contract's last months, beside the agreed plan."""
    agreed, moved = compare(basis, scenario)
    return [
        f"  {end_label(basis, agreed)}:",
        f"    agreed plan: {_figures(agreed, fmt)}",
        f"    {scenario.name}: {_figures(moved, fmt)}",
    ]
