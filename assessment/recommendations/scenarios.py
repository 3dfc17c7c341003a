"""What if: the published plan projected under a scenario, beside the agreed plan.

A scenario moves the plan's levers: per action the share of its target reached (0-100 %, the
gain from its baseline), a delay in months and a switch to leave it out; per site optionally
"reaches the benchmark's rate" (an extra claim on the headline KPI). Everything is computed by
step 5's one set of functions, never a second implementation:

- value is :func:`~assessment.recommendations.value.shared_values` on the scenario's claims (a
  gap is valued once, shared in steps), with :func:`~assessment.recommendations.value.value_months`;
- the headline KPI per month is base camp plus the contract's gain from the headline actions
  whose target month has passed (gain counts from the month after the target date, the rule the
  value uses), shared by the same function (one unit, one month), so two actions on one measure
  never lift the line twice;
- the roadmap stage reached by each stage's date is read off
  :func:`~assessment.roadmap_state.roadmap_state` with the projected level then.

Pure: plain frames and numbers in, a :class:`Projection` out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from assessment.periods import Period
from assessment.recommendations.models import ALL_SITES
from assessment.recommendations.value import Claim, shared_values, value_months
from assessment.roadmap_state import roadmap_state


@dataclass(frozen=True)
class Lever:
    """One action's levers: share of its target's gain reached (%), months late, left out."""

    share: float = 100.0
    delay: int = 0
    left_out: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 100:
            raise ValueError(f"share of the target reached must be 0-100 %, got {self.share}")
        if self.delay < 0:
            raise ValueError(f"delay must be 0 or more months, got {self.delay}")


@dataclass(frozen=True)
class Benchmark:
    """A site that could reach the benchmark's rate of the headline KPI.

    Attributes:
        site: The site's key.
        baseline: Its level now, % of its contracted target.
        rate: The benchmark site's level, % of contracted target.
        units: The site's contracted units per month of the headline KPI.
        by: When it would reach it.
    """

    site: str
    baseline: float
    rate: float
    units: float
    by: dt.date


@dataclass(frozen=True)
class Scenario:
    """A named set of levers (actions not named keep the agreed plan's)."""

    name: str = "Agreed plan"
    levers: Mapping[str, Lever] = field(default_factory=dict)
    benchmark_sites: frozenset[str] = frozenset()

    def lever(self, action_id: str) -> Lever:
        """The action's levers (the agreed plan's when not moved)."""
        return self.levers.get(action_id, Lever())


@dataclass(frozen=True)
class PlanBasis:
    """What the projection needs of the published plan (see :func:`basis_from_frames`).

    Attributes:
        plan: The published plan (``recommendations.plan``): action_id, measure, site, baseline,
            target, target_date, units, price, value_claimed, cost.
        stages: The roadmap's stages: (name, fraction or None for base camp, date or None).
        headline: The headline KPI's key.
        kpi_label: Its label.
        base_pct: Base camp's level, % of contract.
        base_month: The plan's baseline month (its first day).
        contract_end: The contract's last day.
        contract_units: Contracted units per month of the headline KPI, whole contract.
        horizon: ``analysis.value_horizon_months`` (None: to the contract's end).
        benchmarks: Sites that could reach the benchmark's rate.
    """

    plan: pd.DataFrame
    stages: tuple[tuple[str, float | None, dt.date | None], ...]
    headline: str
    kpi_label: str
    base_pct: float
    base_month: dt.date
    contract_end: dt.date
    contract_units: float
    horizon: int | None = None
    benchmarks: tuple[Benchmark, ...] = ()


@dataclass(frozen=True)
class StageAt:
    """A stage's date and what the projection reaches by then."""

    name: str
    date: dt.date
    level: float
    reached: str


@dataclass(frozen=True)
class Projection:
    """A scenario's figures: the headline KPI per month, the stages, the money."""

    name: str
    months: tuple[dt.date, ...]
    levels: tuple[float, ...]
    stages: tuple[StageAt, ...]
    end_level: float
    end_stage: str
    value: float
    cost: float

    @property
    def plan_return(self) -> float:
        """Value over cost (NaN without a cost)."""
        return self.value / self.cost if self.cost > 0 else math.nan


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clipped to the month's last day)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class _Move:
    """One claim on a KPI under the scenario, with its (moved) target date."""

    action_id: str
    kpi: str
    site: str
    baseline: float
    target: float
    units: float
    price: float
    date: dt.date
    cost: float


def _moves(basis: PlanBasis, scenario: Scenario) -> list[_Move]:
    moves = []
    for r in basis.plan.itertuples():
        lever = scenario.lever(str(r.action_id))
        if lever.left_out:
            continue
        cost = 0.0 if pd.isna(r.cost) else float(r.cost)
        if pd.isna(r.baseline) or pd.isna(r.units):  # a named measure: cost only, not valued
            moves.append(_Move(str(r.action_id), "", "", 0, 0, 0, math.nan, _day(r), cost))
            continue
        baseline = float(r.baseline)
        target = baseline + (float(r.target) - baseline) * lever.share / 100
        price = math.nan if pd.isna(r.value_claimed) or pd.isna(r.price) else float(r.price)
        date = add_months(_day(r), lever.delay)
        moves.append(
            _Move(
                str(r.action_id), str(r.measure), str(r.site), baseline, target,
                float(r.units), price, date, cost,
            )
        )  # fmt: skip
    for b in basis.benchmarks:
        if b.site in scenario.benchmark_sites:
            moves.append(
                _Move(
                    f"benchmark:{b.site}", basis.headline, b.site, b.baseline, b.rate,
                    b.units, math.nan, b.by, 0.0,
                )
            )  # fmt: skip
    return moves


def _day(row: object) -> dt.date:
    return pd.Timestamp(str(row.target_date)).date()  # type: ignore[attr-defined]


def _value(basis: PlanBasis, moves: Sequence[_Move]) -> float:
    claims = [
        Claim(
            m.action_id, m.kpi, m.site, m.baseline, m.target, m.units,
            value_months(m.date, basis.contract_end, basis.horizon), m.price,
        )
        for m in moves
        if m.kpi and not math.isnan(m.price)
    ]  # fmt: skip
    values, _ = shared_values(claims, ALL_SITES)
    return sum(values.values())


def _level(basis: PlanBasis, moves: Sequence[_Move], through: dt.date) -> float:
    """Base camp plus the contract's gain of the actions due by ``through``'s month.

    Shared by the one sharing rule with one unit and one month each, so the points are the
    contract's and two actions on one measure never lift the line twice.
    """
    active = [
        Claim(m.action_id, m.kpi, m.site, m.baseline, m.target, m.units, 1, 1.0)
        for m in moves
        if m.kpi == basis.headline and _month(m.date) <= _month(through)
    ]
    if not active or basis.contract_units <= 0:
        return basis.base_pct
    values, _ = shared_values(active, ALL_SITES)
    return basis.base_pct + sum(values.values()) / basis.contract_units * 100


def _reached(basis: PlanBasis, level: float) -> str:
    state = roadmap_state(
        basis.kpi_label,
        basis.stages,
        basis.base_pct,
        Period(pd.Timestamp(basis.base_month), pd.Timestamp(basis.base_month)),
        level,
        None,
    )
    return state.reached


def project(basis: PlanBasis, scenario: Scenario) -> Projection:
    """The scenario's headline KPI per month to the contract's end, stages reached and money."""
    moves = _moves(basis, scenario)
    months = tuple(
        d.date()
        for d in pd.date_range(
            add_months(basis.base_month, 1), _month(basis.contract_end), freq="MS"
        )
    )
    # a gain counts from the month after its target date (the value's rule)
    levels = tuple(_level(basis, moves, add_months(m, -1)) for m in months)
    stages = []
    for name, fraction, date in basis.stages:
        if fraction is None or date is None:
            continue
        level = _level(basis, moves, min(date, basis.contract_end))  # delivered by its date
        stages.append(StageAt(name, date, level, _reached(basis, level)))
    end = levels[-1] if levels else basis.base_pct
    return Projection(
        name=scenario.name,
        months=months,
        levels=levels,
        stages=tuple(stages),
        end_level=end,
        end_stage=_reached(basis, end),
        value=_value(basis, moves),
        cost=sum(m.cost for m in moves),
    )


def compare(basis: PlanBasis, scenario: Scenario) -> tuple[Projection, Projection]:
    """The agreed plan's projection and the scenario's, side by side."""
    return project(basis, Scenario()), project(basis, scenario)
