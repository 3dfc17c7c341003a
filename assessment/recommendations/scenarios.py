"""What if: the published plan projected under a scenario, beside the agreed plan.

A scenario moves the plan's levers: per action the share of its target reached (0-100 %, the
gain from its baseline), a delay in months and a switch to leave it out; per site optionally
"reaches the benchmark's rate" from the month after the data ends (an assumption beyond the
plan: only its gain above the plan's own targets for the site counts). Everything is computed
by step 5's one set of functions, never a second implementation:

- every level is the report's: % of the contracted target over the ``analysis.recent_months``
  months to its month (:mod:`assessment.periods`), read off the data wherever the data covers
  those months, so the agreed plan says what the roadmap says and no scenario changes the past;
- after the data's last month, a month is the level now plus the gain still to come: the
  headline actions due by the month before (a gain counts from the month after its target date,
  the rule the value uses) beyond those due within the data, shared by
  :func:`~assessment.recommendations.value.shared_values` (one unit, one month), so two actions
  on one measure never lift the line twice; an action due within the data keeps the agreed
  levers for the line (its effect is in the actual figures) and moves value and cost only;
- value is the same function on the scenario's claims, with
  :func:`~assessment.recommendations.value.value_months`;
- the roadmap position by each stage's date is read off
  :func:`~assessment.roadmap_state.roadmap_state` with the level over the months to then.

Pure: plain frames and numbers in, a :class:`Projection` out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from assessment.periods import Period, month_end, window
from assessment.recommendations.models import ALL_SITES
from assessment.recommendations.value import Claim, shared_values, value_months
from assessment.roadmap_state import roadmap_state, share


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
    """A site that could reach the benchmark site's rate of the headline KPI.

    The switch is an assumption beyond the plan: from the month after ``by`` (the data's last
    day) the site delivers the benchmark's rate; only its gain beyond the plan's own targets for
    that site counts, on top of what the plan's actions deliver.

    Attributes:
        site: The site's key.
        baseline: Its level now, % of its contracted target (the recent months).
        rate: The benchmark site's level, % of contracted target (the same months).
        units: The site's contracted units per month of the headline KPI.
        by: The day after which it delivers that rate (the data's last day).
        price: Value of one unit of the headline KPI (NaN: not valued).
        benchmark: The benchmark site's key.
    """

    site: str
    baseline: float
    rate: float
    units: float
    by: dt.date
    price: float = math.nan
    benchmark: str = ""


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
    """What the projection needs of the published plan (see ``scenario_store.load_basis``).

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
        actuals: The headline KPI's months that count (``assessment.periods``), whole contract:
            (first day, actual, target), in order; the report's figures are read off these.
        window: ``analysis.recent_months``: every level is over the N months to its month.
        lower_is_better: The headline KPI is better lower (its % is target over actual).
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
    actuals: tuple[tuple[dt.date, float, float], ...] = ()
    window: int = 3
    lower_is_better: bool = False

    @property
    def data_last(self) -> dt.date:
        """The last month (first day) of the data that counts; base camp's month without any."""
        return self.actuals[-1][0] if self.actuals else self.base_month

    @property
    def data_to(self) -> dt.date:
        """The last day of the data that counts."""
        return month_end(self.data_last)

    def frozen(self, target_date: object) -> bool:
        """Whether an action due on ``target_date`` counts within the data.

        Its gain counts from the month after that date: when the data covers that month, its
        effect on the headline KPI is in the actual figures, which no scenario changes.
        """
        return _month(pd.Timestamp(str(target_date)).date()) < self.data_last


@dataclass(frozen=True)
class StageAt:
    """A stage's date and what the projection reaches by then (over ``period``)."""

    name: str
    date: dt.date
    level: float
    reached: str
    period: Period
    actual: bool


@dataclass(frozen=True)
class Projection:
    """A scenario's figures: the headline KPI per month, the stages, the money.

    Every level is % of the contracted target over the ``window`` months to its month (the
    report's "recent" level), actual where the data covers all of them.
    """

    name: str
    months: tuple[dt.date, ...]
    levels: tuple[float, ...]
    stages: tuple[StageAt, ...]
    end_level: float
    end_stage: str
    value: float
    cost: float
    end_period: Period | None = None
    end_actual: bool = False
    actual_months: tuple[bool, ...] = ()

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


def _move(r: object, lever: Lever) -> _Move:
    """One plan row under its lever (a named measure: cost only, not valued)."""
    cost = 0.0 if pd.isna(r.cost) else float(r.cost)  # type: ignore[attr-defined]
    if pd.isna(r.baseline) or pd.isna(r.units):  # type: ignore[attr-defined]
        return _Move(str(r.action_id), "", "", 0, 0, 0, math.nan, _day(r), cost)  # type: ignore[attr-defined]
    baseline = float(r.baseline)  # type: ignore[attr-defined]
    target = baseline + (float(r.target) - baseline) * lever.share / 100  # type: ignore[attr-defined]
    price = (
        math.nan
        if pd.isna(r.value_claimed) or pd.isna(r.price)  # type: ignore[attr-defined]
        else float(r.price)  # type: ignore[attr-defined]
    )
    return _Move(
        str(r.action_id), str(r.measure), str(r.site), baseline, target,  # type: ignore[attr-defined]
        float(r.units), price, add_months(_day(r), lever.delay), cost,  # type: ignore[attr-defined]
    )  # fmt: skip


def _moves(basis: PlanBasis, scenario: Scenario, *, headline: bool = False) -> list[_Move]:
    """The plan's claims under the scenario.

    ``headline``: the claims that move the headline KPI's line, where an action due within the
    data keeps the agreed plan's levers (its effect is in the actual figures already).
    """
    moves = []
    for r in basis.plan.itertuples():
        lever = scenario.lever(str(r.action_id))
        if headline and basis.frozen(r.target_date):
            lever = Lever()
        if not lever.left_out:
            moves.append(_move(r, lever))
    return moves


def _day(row: object) -> dt.date:
    return pd.Timestamp(str(row.target_date)).date()  # type: ignore[attr-defined]


def _benchmarks(basis: PlanBasis, scenario: Scenario) -> list[tuple[Benchmark, float]]:
    """The switched-on benchmark sites, each with its units a month beyond the plan's targets.

    The site's gain counts only above the highest target the scenario's actions set for it on
    the headline KPI (so no unit is counted twice), on top of the plan's shared gain.
    """
    found = []
    plan = _moves(basis, scenario)
    for b in basis.benchmarks:
        if b.site not in scenario.benchmark_sites:
            continue
        own = [m.target for m in plan if m.kpi == basis.headline and m.site == b.site]
        floor = max([b.baseline, *own])
        found.append((b, max(b.rate - floor, 0.0) / 100 * b.units))
    return found


def _value(basis: PlanBasis, scenario: Scenario) -> float:
    claims = [
        Claim(
            m.action_id, m.kpi, m.site, m.baseline, m.target, m.units,
            value_months(m.date, basis.contract_end, basis.horizon), m.price,
        )
        for m in _moves(basis, scenario)
        if m.kpi and not math.isnan(m.price)
    ]  # fmt: skip
    values, _ = shared_values(claims, ALL_SITES)
    extra = sum(
        units * value_months(b.by, basis.contract_end, basis.horizon) * b.price
        for b, units in _benchmarks(basis, scenario)
        if not math.isnan(b.price)
    )
    return sum(values.values()) + extra


def _gain(
    basis: PlanBasis,
    moves: Sequence[_Move],
    extras: Sequence[tuple[Benchmark, float]],
    through: dt.date,
) -> float:
    """Units a month the scenario adds by ``through``'s month.

    The plan's actions due by then, shared by the one sharing rule (one unit, one month each, so
    two actions on one measure never lift the line twice), plus the benchmark sites' gains
    beyond the plan's.
    """
    active = [
        Claim(m.action_id, m.kpi, m.site, m.baseline, m.target, m.units, 1, 1.0)
        for m in moves
        if m.kpi == basis.headline and _month(m.date) <= _month(through)
    ]
    values, _ = shared_values(active, ALL_SITES) if active else ({}, [])
    return sum(values.values()) + sum(u for b, u in extras if _month(b.by) <= _month(through))


def _counts(basis: PlanBasis, pct: float) -> tuple[float, float]:
    """A projected month's (actual, target) at ``pct`` of its contracted units."""
    units = basis.contract_units
    if basis.lower_is_better:
        return (units * 100 / pct if pct > 0 else math.inf), units
    return units * pct / 100, units


def _month_counts(
    basis: PlanBasis, scenario: Scenario, months: Sequence[dt.date]
) -> dict[dt.date, tuple[float, float]]:
    """Each month's (actual, target): the data's where it counts, else projected.

    A projected month is the level now (the report's recent level) plus the gain still to come:
    what the scenario adds by the month before it (a gain counts from the month after its
    target date, the value's rule) beyond what it had added by the data's last month.
    """
    counts = {m: (a, t) for m, a, t in basis.actuals}
    if basis.contract_units <= 0:
        return counts
    now = _window_level(basis, counts, basis.data_last)
    now = basis.base_pct if now is None else now
    moves, extras = _moves(basis, scenario, headline=True), _benchmarks(basis, scenario)
    done = _gain(basis, moves, extras, add_months(basis.data_last, -1))  # in the data already
    for m in months:
        if m > basis.data_last:
            gained = _gain(basis, moves, extras, add_months(m, -1)) - done
            counts[m] = _counts(basis, now + gained / basis.contract_units * 100)
    return counts


def _window_level(
    basis: PlanBasis, counts: Mapping[dt.date, tuple[float, float]], last: dt.date
) -> float | None:
    """% of contract over the ``window`` months to ``last`` (the months there are)."""
    span = window(pd.Timestamp(last), basis.window)
    inside = [c for m, c in counts.items() if span.first.date() <= m <= last]
    if not inside:
        return None
    return share(sum(a for a, _ in inside), sum(t for _, t in inside), basis.lower_is_better)


def _period(basis: PlanBasis, last: dt.date) -> Period:
    """The months a level to ``last`` covers: the window, from the data's first month at most."""
    span = window(pd.Timestamp(last), basis.window)
    first = max(span.first, pd.Timestamp(basis.actuals[0][0])) if basis.actuals else span.first
    return Period(first, span.last)


def position(basis: PlanBasis, level: float, period: Period) -> str:
    """Where ``level`` over ``period`` puts the contract on the roadmap, by the one function.

    The reached stage of :func:`~assessment.roadmap_state.roadmap_state`, or "<the summit>, hold
    it" where it says the contract is at or above the summit (as the report's roadmap does).
    """
    base = Period(pd.Timestamp(basis.base_month), pd.Timestamp(basis.base_month))
    state = roadmap_state(basis.kpi_label, basis.stages, basis.base_pct, base, level, period)
    return f"{state.summit.name}, hold it" if state.above_summit else state.reached


def project(basis: PlanBasis, scenario: Scenario) -> Projection:
    """The scenario's headline KPI per month to the contract's end, stages reached and money.

    Each month's level is over the ``window`` months to it, like the report's; months the data
    covers are the actual, whatever the scenario.
    """
    months = tuple(
        d.date()
        for d in pd.date_range(
            add_months(basis.base_month, 1), _month(basis.contract_end), freq="MS"
        )
    )
    counts = _month_counts(basis, scenario, months)

    def level(last: dt.date) -> float:
        found = _window_level(basis, counts, last)
        return basis.base_pct if found is None else found

    levels = tuple(level(m) for m in months)
    stages = []
    for name, fraction, date in basis.stages:
        passed = fraction is not None and fraction * 100 <= basis.base_pct
        if fraction is None or date is None or passed:  # passed before the plan began
            continue
        last = _month(min(date, basis.contract_end))
        period = _period(basis, last)
        at = level(last)
        stages.append(
            StageAt(name, date, at, position(basis, at, period), period, last <= basis.data_last)
        )
    end = _month(basis.contract_end)
    end_period = _period(basis, end)
    end_level = level(end)
    return Projection(
        name=scenario.name,
        months=months,
        levels=levels,
        stages=tuple(stages),
        end_level=end_level,
        end_stage=position(basis, end_level, end_period),
        value=_value(basis, scenario),
        cost=sum(m.cost for m in _moves(basis, scenario)),
        end_period=end_period,
        end_actual=end <= basis.data_last,
        actual_months=tuple(m <= basis.data_last for m in months),
    )


def end_label(basis: PlanBasis, projection: Projection) -> str:
    """The end figure's name with exactly the months it covers, and whether they are actual.

    'Job outcomes, % of contracted target over Oct–Dec 2026 (projected)'.
    """
    period = projection.end_period
    months = f" over {period.label()}" if period else ""
    kind = "actual" if projection.end_actual else "projected"
    return f"{basis.kpi_label}, % of contracted target{months} ({kind})"


def compare(basis: PlanBasis, scenario: Scenario) -> tuple[Projection, Projection]:
    """The agreed plan's projection and the scenario's, side by side."""
    return project(basis, Scenario()), project(basis, scenario)
