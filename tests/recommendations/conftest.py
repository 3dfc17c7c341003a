"""Fixtures of step 5's tests: hand-made monthly performance, an engagement with two findings.

The engagement is the shared test engagement (tests/conftest.py): sites North Hub and South Hub,
contract 1 January 2024 to 31 December 2025, job outcomes worth 1,500 a unit, one team member at
950 a day, the default roadmap (base camp, 55 %, 85 %, the summit at 100 %).

Job outcomes, target 20 a month at each site (40 for the contract):

=====  =====  =====  =====  =====  =====  =====
month  Jan    Feb    Mar    Apr    May    Jun 2025
North  4      4      4      6      6      6
South  10     12     14     16     16     16
ALL    14     16     18     22     22     22
=====  =====  =====  =====  =====  =====  =====

Windows of three months: ending March, North 12/60 = 20 %, South 36/60 = 60 %, ALL 48/120 = 40 %;
ending June, North 18/60 = 30 %, South 48/60 = 80 %, ALL 66/120 = 55 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assessment.discovery import store as step4
from assessment.engagement import Engagement, load_engagement
from assessment.recommendations import store as db

MONTHS = pd.date_range("2025-01-01", periods=6, freq="MS")
NORTH = [4, 4, 4, 6, 6, 6]
SOUTH = [10, 12, 14, 16, 16, 16]


def performance_frame(north: list[float] = NORTH, south: list[float] = SOUTH) -> pd.DataFrame:
    """Monthly job outcomes per site and for the contract (ALL), target 20 per site."""
    rows = []
    for site, actuals in (("north", north), ("south", south)):
        rows += [
            {
                "site": site,
                "measure": "job_outcomes",
                "period": p,
                "actual": float(a),
                "target": 20.0,
            }
            for p, a in zip(MONTHS, actuals, strict=True)
        ]
    rows += [
        {
            "site": "ALL",
            "measure": "job_outcomes",
            "period": p,
            "actual": float(n + s),
            "target": 40.0,
        }
        for p, n, s in zip(MONTHS, north, south, strict=True)
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def performance() -> pd.DataFrame:
    """The table of the module docstring."""
    return performance_frame()


@pytest.fixture
def engagement(engagement_dir: Path, performance: pd.DataFrame) -> Engagement:
    """The test engagement with step 1's performance stored and findings f1, f2 from step 4."""
    loaded = load_engagement(engagement_dir)
    with db.open_store(loaded) as store:
        store.put_frames("data_analysis", {db.PERFORMANCE_FRAME: performance})
        step4.save_findings(
            store,
            loaded,
            [
                {"id": "f1", "heading": "customer_experience", "statement": "No defined journey."},
                {"id": "f2", "heading": "resources", "statement": "Little time with customers."},
            ],
        )
    return loaded


def recommendation(**overrides: Any) -> dict[str, Any]:
    """A valid, agreed recommendation answering f1."""
    row = {
        "id": "r1",
        "action_area": "Customer journey",
        "title": "One customer journey at every site",
        "finding_ids": "f1",
        "agreed": True,
        "agreed_by": "Client Director",
        "agreed_on": dt.date(2025, 7, 10),
    }
    return row | overrides


def action(**overrides: Any) -> dict[str, Any]:
    """A valid SMART action on North Hub's job outcomes, set on 5 July 2025.

    Baseline: the window ending June 2025 (the last month complete on 5 July) = 30 %; the best
    site then is South Hub at 80 %, so a target of 50 % is achievable.
    """
    row = {
        "id": "a1",
        "recommendation_id": "r1",
        "task": "Train North Hub advisers to follow South Hub's journey",
        "measure": "Job outcomes",
        "site": "north",
        "target": 50.0,
        "expected_outcome": "More North Hub customers into work",
        "owner": "North Hub manager",
        "set_on": dt.date(2025, 7, 5),
        "target_date": dt.date(2025, 9, 30),
        "stage": "Camp 1",
        "days": 4.0,
    }
    return row | overrides


@pytest.fixture
def saved(engagement: Engagement) -> Callable[..., Engagement]:
    """Factory: store recommendations and actions (default: r1 and a1); returns the engagement."""

    def save(
        recs: list[dict[str, Any]] | None = None, acts: list[dict[str, Any]] | None = None
    ) -> Engagement:
        db.save_plan(engagement, recs or [recommendation()], acts or [action()])
        return engagement

    return save
