"""What a batch produced, per contract and in total, as data: written as ``summary.json``.

Each contract's line joins how its run ended with where it stands: its headline KPI to date
(read from the figures step 1 stored, through the store: the batch never recomputes them) and
its position on its roadmap, from base camp to the summit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assessment.batch.contract import ContractOutcome
from assessment.engagement import Engagement, load_engagement
from assessment.errors import WorkbookError
from assessment.files import write_atomically
from assessment.periods import stored_periods
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
    return _standing(engagement, frame, state, months.to_date.label() if months else "to date")


def _standing(
    engagement: Engagement, frame: Any, state: RoadmapState | None, period: str
) -> Standing | None:
    """The standing, placed by the one roadmap state the client report's sections read too."""
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
    )


def write_summary(summary: BatchSummary, path: Path) -> Path:
    """Write the summary as JSON, atomically."""
    return write_atomically(path, json.dumps(summary.model_dump(), indent=2) + "\n")
