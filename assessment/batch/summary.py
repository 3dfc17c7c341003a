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
from assessment.store import Store
from assessment.summary import roadmap_position

PERFORMANCE_FRAME = "data_analysis.performance_to_date"
"""Step 1's stored performance to date (one row per site and measure; site ``ALL`` = contract)."""
TRAJECTORY_FRAME = "recommendations.trajectory"
"""Step 5's roadmap trajectory once a plan is published (``period``, ``pct``: the headline KPI's
level over the last three months, the measure its roadmap and the client report place it by)."""
CONTRACT_ROW = "ALL"


class Stage(BaseModel):
    """A roadmap stage; ``fraction`` None is base camp (where the contract is today)."""

    name: str
    fraction: float | None = None


class Standing(BaseModel):
    """A contract's headline KPI to date and its place on the roadmap."""

    client: str
    contract: str
    kpi: str
    kpi_label: str
    actual: float
    target: float
    pct_of_target: float
    stage: str
    next_stage: str | None = None
    stages: list[Stage] = Field(default_factory=list)
    recent_pct: float | None = Field(
        default=None, description="Level over the last three months, once a plan is published."
    )
    recent_to: str | None = Field(default=None, description="Its last month (YYYY-MM).")


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
            trajectory = (
                store.frame(TRAJECTORY_FRAME) if store.has_frame(TRAJECTORY_FRAME) else None
            )
    except (WorkbookError, OSError, ValueError, KeyError):
        return None
    return _standing(engagement, frame, trajectory)


def _standing(engagement: Engagement, frame: Any, trajectory: Any = None) -> Standing | None:
    """The standing; placed on the roadmap by step 5's recent level when a plan is published.

    The client report's summary does the same, so the index and the report agree.
    """
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = frame[(frame["measure"] == kpi.key) & (frame["site"] == CONTRACT_ROW)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    stages = [Stage(name=s.name, fraction=s.fraction) for s in engagement.roadmap.stages]
    pct = float(row["pct_of_target"])
    recent = None if trajectory is None or trajectory.empty else trajectory.iloc[-1]
    level = pct if recent is None else float(recent["pct"])
    position = roadmap_position(engagement, level)  # the same stages the client report shows
    return Standing(
        client=engagement.client.name,
        contract=engagement.contract.name,
        kpi=kpi.key,
        kpi_label=kpi.label,
        actual=float(row["actual"]),
        target=float(row["target"]),
        pct_of_target=round(pct, 1),
        stage=position.reached,
        next_stage=position.next_stage,
        stages=stages,
        recent_pct=None if recent is None else round(float(recent["pct"]), 1),
        recent_to=None if recent is None else f"{recent['period']:%Y-%m}",
    )


def write_summary(summary: BatchSummary, path: Path) -> Path:
    """Write the summary as JSON, atomically."""
    return write_atomically(path, json.dumps(summary.model_dump(), indent=2) + "\n")
