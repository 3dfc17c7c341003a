"""What a batch produced, per contract and in total, as data: written as ``summary.json``.

Each contract's line joins how its run ended with where it stands: its headline KPI to date
(read from the figures step 1 stored, through the store: the batch never recomputes them) and
its position on its roadmap, from base camp to the summit.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assessment.batch.contract import ContractOutcome
from assessment.engagement import Engagement, load_engagement
from assessment.errors import WorkbookError
from assessment.files import write_atomically
from assessment.periods import Period, stored_periods
from assessment.roadmap_state import RoadmapState, contract_roadmap, roadmap_agreed, roadmap_state
from assessment.store import Store

PERFORMANCE_FRAME = "data_analysis.performance_to_date"
"""Step 1's stored performance to date (one row per site and measure; site ``ALL`` = contract)."""
CONTRACT_ROW = "ALL"


class Stage(BaseModel):
    """A roadmap stage as the roadmap state orders it (passed stages before base camp)."""

    name: str
    pct: float | None = None
    is_base: bool = False
    passed: bool = False
    reached: bool = False


class Standing(BaseModel):
    """A contract's headline KPI to date and its place on the roadmap (one roadmap state)."""

    client: str
    contract: str
    kpi: str
    kpi_label: str
    actual: float
    target: float
    pct_of_target: float
    period: str = Field(default="to date", description="The months of the figure to date.")
    stage: str
    next_stage: str | None = None
    stages: list[Stage] = Field(default_factory=list)
    roadmap: str = Field(default="", description="The roadmap in two sentences (with months).")
    agreed: bool = Field(default=True, description="Whether the client agreed the stages.")
    recent_pct: float | None = Field(default=None, description="The level now, when newer.")
    recent_period: str | None = Field(default=None, description="Its months ('Apr–Jun 2026').")
    data_to: str | None = Field(
        default=None, description="The last month of the data (YYYY-MM): what it is as of."
    )
    due_stage: str | None = Field(
        default=None, description="The latest stage the roadmap plans to reach by data_to."
    )
    due_pct: float | None = Field(default=None, description="That stage's level, % of target.")
    rag: str | None = Field(default=None, description="green, amber or red: see RAG_RULE.")
    level_period: str | None = Field(
        default=None, description="The months of the level the roadmap places the contract by."
    )
    level_actual: float | None = Field(default=None, description="Its actual over those months.")
    level_target: float | None = Field(default=None, description="Its target over those months.")
    lower_is_better: bool = Field(default=False, description="The headline KPI falls to improve.")


RAG_POINTS = 10.0
"""How far below the roadmap's planned level (points of % of target) a contract is still amber."""

RAG_RULE = (
    "Green: at or above the level the roadmap plans for the data's latest month. "
    f"Amber: below it by less than {RAG_POINTS:.0f} points of the contracted target. "
    f"Red: {RAG_POINTS:.0f} points or more below it. The level is the one the roadmap places "
    "the contract by: the headline KPI over its recent months."
)
"""The red / amber / green rule, stated on the portfolio index beside the colours."""


def roadmap_rag(level: float | None, due_pct: float | None) -> str | None:
    """Red, amber or green against the roadmap (:data:`RAG_RULE`); None without a level.

    Args:
        level: Where the contract is, % of the contracted target (the roadmap state's level).
        due_pct: The level the roadmap plans for now (None: no stage due yet).
    """
    if level is None:
        return None
    if due_pct is None or level >= due_pct:
        return "green"
    return "amber" if level > due_pct - RAG_POINTS else "red"


def due_stage(state: RoadmapState, data_to: dt.date | None) -> tuple[str, float] | None:
    """The highest stage of the plan whose date has come by ``data_to`` (the data's last day).

    Base camp is where the plan starts, not a stage it is due to reach: a contract that began
    above the summit and holds it is not behind its roadmap.
    """
    if data_to is None:
        return None
    due = [
        (s.name, s.pct)
        for s in state.stages
        if not s.is_base and s.pct is not None and s.date is not None and s.date <= data_to
    ]
    return max(due, key=lambda stage: stage[1]) if due else None


class ContractReport(ContractOutcome):
    """One contract's line of the summary."""

    standing: Standing | None = None


class BatchSummary(BaseModel):
    """A whole batch: what ran where, and how every contract ended."""

    portfolio: str
    file: str
    batch_id: str
    started_at: str
    finished_at: str
    seconds: float
    executor: str
    workers: int
    scheduler: str | None = None
    counts: dict[str, int]
    index: str
    contracts: list[ContractReport]
    interrupted: bool = False

    @property
    def failed(self) -> list[ContractReport]:
        """The contracts that failed."""
        return [c for c in self.contracts if c.status == "failed"]


def standing(folder: str | Path) -> Standing | None:
    """Where a contract stands, from step 1's stored figures; None if none are stored."""
    try:
        engagement = load_engagement(folder)
        if not engagement.store_path.exists():
            return None
        with Store(engagement.store_path) as store:
            if not store.has_frame(PERFORMANCE_FRAME):
                return None
            frame = store.frame(PERFORMANCE_FRAME)
        state = contract_roadmap(engagement)
        months = stored_periods(engagement)
    except (WorkbookError, OSError, ValueError, KeyError):
        return None
    return _standing(
        engagement,
        frame,
        state,
        months.to_date.label() if months else "to date",
        months.to_date if months else None,
    )


def _standing(
    engagement: Engagement,
    frame: Any,
    state: RoadmapState | None,
    period: str,
    months: Period | None = None,
) -> Standing | None:
    """The standing, placed by the one roadmap state the client report's sections read too.

    Its red / amber / green compares the state's level with the stage the roadmap plans for the
    data's last month (``months``: the period the figures to date cover).
    """
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = frame[(frame["measure"] == kpi.key) & (frame["site"] == CONTRACT_ROW)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    pct = float(row["pct_of_target"])
    if state is None:
        stages = [(s.name, s.fraction, s.by) for s in engagement.roadmap.stages]
        state = roadmap_state(
            kpi.label, stages, pct, None, None, None, agreed=roadmap_agreed(engagement)
        )
    nxt = state.next_stage
    due = due_stage(state, months.end if months else None)
    return Standing(
        client=engagement.client.name,
        contract=engagement.contract.name,
        kpi=kpi.key,
        kpi_label=kpi.label,
        actual=float(row["actual"]),
        target=float(row["target"]),
        pct_of_target=round(pct, 1),
        period=period,
        stage=state.reached,
        next_stage=nxt.name if nxt else None,
        stages=[
            Stage(name=s.name, pct=s.pct, is_base=s.is_base, passed=s.passed, reached=s.reached)
            for s in state.stages
        ],
        roadmap=state.sentence(),
        agreed=state.agreed,
        recent_pct=None if state.now_pct is None else round(state.now_pct, 1),
        recent_period=state.now_period.label() if state.now_period else None,
        data_to=f"{months.last:%Y-%m}" if months else None,
        due_stage=due[0] if due else None,
        due_pct=round(due[1], 1) if due else None,
        rag=roadmap_rag(state.level, due[1] if due else None),
        level_period=state.level_period.label() if state.level_period else None,
        level_actual=state.level_counts[0] if state.level_counts else None,
        level_target=state.level_counts[1] if state.level_counts else None,
        lower_is_better=kpi.better == "lower",
    )


def write_summary(summary: BatchSummary, path: Path) -> Path:
    """Write the summary as JSON, atomically."""
    return write_atomically(path, json.dumps(summary.model_dump(), indent=2) + "\n")
