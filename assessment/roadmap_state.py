"""The one roadmap state: where the contract is between base camp and the summit.

Every sentence about the roadmap (the executive summary, the roadmap section, progress, the
portfolio index) is read off one :class:`RoadmapState`, built by :func:`roadmap_state`, so no two
of them can disagree. Rules:

- base camp is the headline KPI's recent level (the last N complete months) at the baseline;
- a stage at or below base camp was passed before the plan: it is shown as already passed and
  listed before base camp, so the stages read in increasing order;
- a stage is reached when the level now is at or above it; above the summit the task is to hold
  it (no planned line plunges back down to a stage already passed);
- a stage not reached whose date has come by the data's last day was missed, and is said so
  ("was due by 30 Jun 2026 and was not reached"), never "not reached yet";
- every level names its months.

:func:`contract_roadmap` builds the state of an engagement from what its steps stored. Shared
code: it reads stored frames by name and never imports a step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from assessment.engagement import Engagement
from assessment.periods import (
    Period,
    engagement_month_table,
    month_start,
    periods_from,
    window,
)

PLAN_ROADMAP_FRAME = "recommendations.roadmap"
PERFORMANCE_FRAME = "data_analysis.performance_by_period"
SNAPSHOT_FRAME = "data_analysis.opinion_snapshot"
MONTHS_FRAME = "data_analysis.months"
CONTRACT = "ALL"


NOT_AGREED = (
    "The stages of the roadmap to the contracted target are agreed with you in the "
    "recommendations step."
)
"""What every roadmap sentence says before the client has agreed the stages."""


def roadmap_agreed(engagement: Engagement) -> bool:
    """Whether the consultant has agreed the roadmap's stages (``roadmap:`` in engagement.yaml).

    The model's default stages (base camp, Camp 1 at 55%...) are the method's example, not a
    plan agreed with the client: a report shows stages as agreed only when this says so.
    """
    return "roadmap" in engagement.model_fields_set


@dataclass(frozen=True)
class StageState:
    """One stage as the reader sees it.

    Attributes:
        name: The stage's name.
        pct: Its level, % of the contracted target (base camp: the baseline level).
        date: When it should be reached (None: no date yet).
        is_base: Whether it is base camp.
        passed: At or below base camp: passed before the plan began.
        reached: The level now is at or above it.
    """

    name: str
    pct: float | None
    date: dt.date | None
    is_base: bool
    passed: bool
    reached: bool

    def when(self) -> str:
        """Its date as shown: '30 Jun 2026', 'already passed' or 'no date yet'."""
        if self.passed:
            return "already passed"
        return f"{self.date:%d %b %Y}" if self.date else "no date yet"


@dataclass(frozen=True)
class RoadmapState:
    """The contract on its roadmap: base camp, the level now, the stages, each with its months."""

    kpi_label: str
    stages: tuple[StageState, ...]
    base_pct: float | None
    base_period: Period | None
    now_pct: float | None
    now_period: Period | None
    agreed: bool = True
    level_counts: tuple[float, float] | None = None
    """The actual and target summed over :attr:`level_period` (None when not known): what a
    portfolio adds up across contracts of one measure and months."""

    @property
    def summit(self) -> StageState:
        """The last stage the plan aims at (the highest level)."""
        return (
            max((s for s in self.stages if not s.is_base), key=lambda s: s.pct or 0.0, default=None)
            or self.stages[-1]
        )

    @property
    def level(self) -> float | None:
        """The level the contract is placed by: now, else base camp."""
        return self.now_pct if self.now_pct is not None else self.base_pct

    @property
    def above_summit(self) -> bool:
        """At or above the summit: the task is to hold it."""
        top = self.summit.pct
        return self.level is not None and top is not None and self.level >= top

    @property
    def reached(self) -> str:
        """The highest stage reached now (base camp when none above it is)."""
        done = [s for s in self.stages if s.reached and not s.is_base and not s.passed]
        return done[-1].name if done else self.base.name

    @property
    def base(self) -> StageState:
        """Base camp."""
        return next(s for s in self.stages if s.is_base)

    @property
    def next_stage(self) -> StageState | None:
        """The first stage ahead, not yet reached (None above the summit)."""
        ahead = [s for s in self.stages if not s.is_base and not s.passed and not s.reached]
        return ahead[0] if ahead else None

    @property
    def ahead(self) -> tuple[StageState, ...]:
        """The stages still to climb from base camp (the planned line goes through these)."""
        return tuple(s for s in self.stages if not s.is_base and not s.passed)

    def base_sentence(self) -> str:
        """Base camp's level and months: 'Base camp: 36% of contract over Dec 2025–Feb 2026.'."""
        if self.base_pct is None:
            return "Base camp: no baseline level yet."
        months = f" over {self.base_period.label()}" if self.base_period else ""
        return f"Base camp: {self.base_pct:,.0f}% of contract{months}."

    @property
    def level_period(self) -> Period | None:
        """The months of :attr:`level`: now's, else base camp's."""
        return self.now_period if self.now_pct is not None else self.base_period

    @property
    def missed(self) -> tuple[StageState, ...]:
        """Stages ahead whose date has come by the data's last day and that are not reached.

        A stage due by the end of the data (its date on or before the last day of the level's
        months) has had its chance: it was missed, never "not reached yet".
        """
        period = self.level_period
        if period is None:
            return ()
        return tuple(
            s for s in self.ahead if not s.reached and s.date is not None and s.date <= period.end
        )

    def now_sentence(self) -> str:
        """Where the contract is now and what is next, 'above the summit: hold it', or a miss."""
        level = self.level
        if level is None:
            return "No level of the headline KPI yet."
        period = self.level_period
        months = f" over {period.label()}" if period else ""
        top = self.summit
        if self.above_summit:
            return (
                f"Now {level:,.0f}% of contract{months}: above the summit "
                f"({top.pct:,.0f}%): hold it."
            )
        if self.reached != self.base.name:
            where = f"{self.reached} reached"
        elif self.base_pct is not None and level > self.base_pct:
            where = "above base camp"
        else:
            where = "at base camp"
        missed = self.missed
        upcoming = next((s for s in self.ahead if not s.reached and s not in missed), None)
        if missed:
            return f"{_missed_words(missed)}: {level:,.0f}% of contract{months}, {where}." + (
                f" Next: {_next_words(upcoming)}." if upcoming else ""
            )
        if upcoming is None:
            return f"Now {level:,.0f}% of contract{months}: {where}."
        return f"Now {level:,.0f}% of contract{months}: {where}; next {_next_words(upcoming)}."

    def sentence(self) -> str:
        """The roadmap in two sentences: base camp, then now (no stage before they are agreed)."""
        if not self.agreed:
            return NOT_AGREED
        return f"{self.base_sentence()} {self.now_sentence()}"


def _next_words(stage: StageState) -> str:
    """'Camp 2 at 85% by 30 Sep 2026' (no date: no 'by')."""
    by = f" by {stage.date:%d %b %Y}" if stage.date else ""
    return f"{stage.name} at {stage.pct:,.0f}%{by}"


def _missed_words(missed: Sequence[StageState]) -> str:
    """'Camp 1 at 55% was due by 30 Jun 2026 and was not reached' (several: 'were')."""
    named = [f"{s.name} at {s.pct:,.0f}%" for s in missed]
    dates = {s.date for s in missed}
    if len(missed) == 1 or len(dates) == 1:
        verb = "was" if len(missed) == 1 else "were"
        return f"{_and(named)} {verb} due by {missed[0].date:%d %b %Y} and {verb} not reached"
    dated = [f"{n} (due by {s.date:%d %b %Y})" for n, s in zip(named, missed, strict=True)]
    return f"{_and(dated)} were not reached"


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def roadmap_state(
    kpi_label: str,
    stages: Sequence[tuple[str, float | None, dt.date | None]],
    base_pct: float | None,
    base_period: Period | None,
    now_pct: float | None,
    now_period: Period | None,
    agreed: bool = True,
    *,
    level_counts: tuple[float, float] | None = None,
) -> RoadmapState:
    """Decide the roadmap state (see the module docstring for the rules).

    Args:
        kpi_label: The headline KPI's label.
        stages: (name, fraction of the contracted target or None for base camp, date or None),
            in the engagement's order.
        base_pct: Base camp's level, % of the contracted target.
        base_period: The months base camp covers.
        now_pct: The level now (None before newer data).
        now_period: The months of the level now.
        agreed: Whether the client has agreed the stages (else no stage is named).
        level_counts: The actual and target behind the level the contract is placed by.

    Returns:
        The state; its stages sorted by level (passed stages first, then base camp, then the
        stages ahead).
    """
    level = now_pct if now_pct is not None else base_pct
    built = []
    for name, fraction, date in stages:
        is_base = fraction is None
        pct = base_pct if is_base else round(fraction * 100, 9)
        passed = (not is_base) and base_pct is not None and pct is not None and pct <= base_pct
        reached = level is not None and pct is not None and level >= pct
        built.append(StageState(name, pct, None if passed else date, is_base, passed, reached))
    order = sorted(
        range(len(built)),
        key=lambda i: (built[i].pct if built[i].pct is not None else -1.0, not built[i].is_base, i),
    )
    # passed stages sit at or below base camp: listed before it, so levels only increase
    ordered = [built[i] for i in order if built[i].passed] + [
        built[i] for i in order if not built[i].passed
    ]
    return RoadmapState(
        kpi_label, tuple(ordered), base_pct, base_period, now_pct, now_period, agreed, level_counts
    )


def counts_over(
    performance: pd.DataFrame, measure: str, period: Period
) -> tuple[float, float] | None:
    """The contract's actual and target summed over a period's months (None without data)."""
    rows = performance[
        (performance["measure"] == measure)
        & (performance["site"] == CONTRACT)
        & (pd.to_datetime(performance["period"]) >= period.first)
        & (pd.to_datetime(performance["period"]) <= period.last)
    ]
    if rows.empty:
        return None
    return float(rows["actual"].sum()), float(rows["target"].sum())


def level_over(
    performance: pd.DataFrame, measure: str, period: Period, lower_is_better: bool = False
) -> float | None:
    """The contract's actual as % of its target over a period's months (None without data)."""
    counts = counts_over(performance, measure, period)
    return None if counts is None else share(*counts, lower_is_better)


def share(actual: float, target: float, lower_is_better: bool = False) -> float | None:
    """Actual as % of target (target as % of actual where lower is better); None over zero."""
    top, bottom = (target, actual) if lower_is_better else (actual, target)
    return None if bottom == 0 else top / bottom * 100


def contract_roadmap(engagement: Engagement) -> RoadmapState | None:
    """The engagement's roadmap state from what its steps stored (None before step 1 has run).

    Base camp is the published plan's (its baseline month) once there is one, else the level at
    the end of the data the initial opinion was formed on; now is the last N complete months.
    """
    from assessment.store import Store  # only needed when reading

    if not engagement.store_path.exists():
        return None
    with Store(engagement.store_path) as store:
        frames = {
            name: store.frame(name) if store.has_frame(name) else None
            for name in (PLAN_ROADMAP_FRAME, PERFORMANCE_FRAME, SNAPSHOT_FRAME, MONTHS_FRAME)
        }
    performance, months = frames[PERFORMANCE_FRAME], frames[MONTHS_FRAME]
    if performance is None or performance.empty:
        return None
    if months is None:  # a store from before months were flagged: judge its months now
        months = engagement_month_table(engagement, pd.to_datetime(performance["period"]))
    months["period"] = pd.to_datetime(months["period"])
    n = engagement.analysis.recent_months
    periods = periods_from(months, n)
    if periods is None:
        return None
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    lower = kpi.better == "lower"
    declared = [(s.name, s.fraction, s.by) for s in engagement.roadmap.stages]
    plan = frames[PLAN_ROADMAP_FRAME]
    base_last = _baseline_month(plan, frames[SNAPSHOT_FRAME])
    if plan is not None and not plan.empty:
        dates = {r.name: _day(r.date) for r in plan.itertuples()}
        declared = [(name, f, dates.get(name) or by) for name, f, by in declared]
    base_last = base_last if base_last is not None else periods.recent.last
    base_period = window(base_last, n)
    base = level_over(performance, kpi.key, base_period, lower)
    now = level_over(performance, kpi.key, periods.recent, lower)
    same = base_period.last == periods.recent.last
    level_period = base_period if same or now is None else periods.recent
    return roadmap_state(
        kpi.label,
        declared,
        base,
        base_period,
        None if same else now,
        None if same else periods.recent,
        # a published plan is built on its stages: publishing it agreed them with the client
        agreed=roadmap_agreed(engagement) or (plan is not None and not plan.empty),
        level_counts=counts_over(performance, kpi.key, level_period),
    )


def _baseline_month(
    plan: pd.DataFrame | None, snapshot: pd.DataFrame | None
) -> pd.Timestamp | None:
    """The last month of the baseline: the plan's baseline month, else the opinion's data."""
    if plan is not None and not plan.empty:
        base = plan[plan["fraction"].isna()]
        if not base.empty and isinstance(base["date"].iloc[0], str | dt.date):
            return month_start(pd.Timestamp(str(base["date"].iloc[0])))
    if snapshot is not None and "period_to" in snapshot and not snapshot.empty:
        return month_start(pd.Timestamp(str(snapshot["period_to"].iloc[0])))
    return None


def _day(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(str(value)).date()
