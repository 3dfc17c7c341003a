"""What a batch produced, per contract and in total, as data: written as ``summary.json``.

Each contract's line joins how its run ended with where it stands: its headline KPI to date
(read from the figures step 1 stored, through the store: the batch never recomputes them) and
its position on its roadmap, from base camp to the summit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from assessment.batch.contract import ContractOutcome
from assessment.engagement import Engagement, load_engagement
from assessment.errors import WorkbookError
from assessment.files import write_atomically
from assessment.store import Store
from assessment.summary import roadmap_position

PERFORMANCE_FRAME = "data_analysis.performance_to_date"
PERIODS_FRAME = "data_analysis.performance_by_period"
"""Step 1's monthly performance: its first and last months are the period the data covers."""
ROADMAP_FRAME = "recommendations.roadmap"
"""Step 5's published roadmap: each stage's level and the date it should be reached by."""
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
    period_from: str | None = Field(default=None, description="First month of data (YYYY-MM).")
    period_to: str | None = Field(
        default=None, description="Last month of data (YYYY-MM): what the figures are as of."
    )
    due_stage: str | None = Field(
        default=None, description="The latest stage the roadmap plans to reach by period_to."
    )
    due_pct: float | None = Field(default=None, description="That stage's level, % of target.")
    rag: str | None = Field(default=None, description="green, amber or red: see RAG_RULE.")


RAG_POINTS = 10.0
"""How far below the roadmap's planned level (points of % of target) a contract is still amber."""

RAG_RULE = (
    "Green: at or above the level the roadmap plans for the data's latest month. "
    f"Amber: below it by less than {RAG_POINTS:.0f} points of the contracted target. "
    f"Red: {RAG_POINTS:.0f} points or more below it. The level is the headline KPI over the "
    "last three months once an action plan is published, to date before that."
)
"""The red / amber / green rule, stated on the portfolio index beside the colours."""


def roadmap_rag(level: float, due_pct: float | None) -> str:
    """Red, amber or green against the roadmap (:data:`RAG_RULE`).

    Args:
        level: Where the contract is, % of the contracted target.
        due_pct: The level the roadmap plans for now (None: no stage due yet).
    """
    if due_pct is None or level >= due_pct:
        return "green"
    return "amber" if level > due_pct - RAG_POINTS else "red"


def due_stage(stages: list[tuple[str, float | None, Any]], as_of: Any) -> tuple[str, float] | None:
    """The latest stage whose date has come by the end of the month ``as_of``.

    Args:
        stages: ``(name, level %, date or None)`` in roadmap order.
        as_of: The data's last month.
    """
    if as_of is None:
        return None
    month_end = pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)
    due = None
    for name, level, when in stages:
        if level is None or when is None or pd.isna(when) or when == "":
            continue
        if pd.Timestamp(when) <= month_end:
            due = (name, float(level))
    return due


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
            periods = store.frame(PERIODS_FRAME) if store.has_frame(PERIODS_FRAME) else None
            planned = store.frame(ROADMAP_FRAME) if store.has_frame(ROADMAP_FRAME) else None
    except (WorkbookError, OSError, ValueError, KeyError):
        return None
    return _standing(engagement, frame, trajectory, periods, planned)


def _stage_dates(engagement: Engagement, planned: Any) -> list[tuple[str, float | None, Any]]:
    """Each stage's level and date: step 5's published roadmap, else engagement.yaml's ``by``."""
    if planned is not None and not planned.empty:
        return [
            (str(r.name), None if pd.isna(r.pct) else float(r.pct), r.date)
            for r in planned.itertuples()
        ]
    return [
        (s.name, None if s.fraction is None else s.fraction * 100, s.by)
        for s in engagement.roadmap.stages
    ]


def _standing(
    engagement: Engagement,
    frame: Any,
    trajectory: Any = None,
    periods: Any = None,
    planned: Any = None,
) -> Standing | None:
    """The standing; placed on the roadmap by step 5's recent level when a plan is published.

    The client report's summary does the same, so the index and the report agree. Its red /
    amber / green compares that level with the stage the roadmap plans for the data's month.
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
    months = None if periods is None or periods.empty else pd.to_datetime(periods["period"])
    as_of = None if months is None else months.max()
    due = due_stage(_stage_dates(engagement, planned), as_of)
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
        period_from=None if months is None else f"{months.min():%Y-%m}",
        period_to=None if as_of is None else f"{as_of:%Y-%m}",
        due_stage=None if due is None else due[0],
        due_pct=None if due is None else round(due[1], 1),
        rag=roadmap_rag(level, None if due is None else due[1]),
    )


def write_summary(summary: BatchSummary, path: Path) -> Path:
    """Write the summary as JSON, atomically."""
    return write_atomically(path, json.dumps(summary.model_dump(), indent=2) + "\n")
