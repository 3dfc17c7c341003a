"""Step 1 counts only complete months inside the contract: "to date" and the opinion follow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment import data_analysis as step1
from assessment.engagement import load_engagement

KPI = """Office,Month,Metric,Achieved,Profile
North Hub,2023-12,Jobs,99,
North Hub,2024-01,Jobs,10,
North Hub,2024-02,Jobs,20,
North Hub,2024-03,Jobs,1,
South Hub,2024-01,Jobs,5,
South Hub,2024-02,Jobs,5,
South Hub,2024-03,Jobs,0,
"""


@pytest.fixture
def partial(engagement_dir: Path, rewrite) -> Path:
    # December 2023 is before the contract; the data runs to 5 March 2024: March is partial
    rewrite(engagement_dir, "inputs/kpi.csv", KPI)
    text = (engagement_dir / "engagement.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    path: inputs/kpi.csv\n", "    path: inputs/kpi.csv\n    data_to: 2024-03-05\n"
    )
    (engagement_dir / "engagement.yaml").write_text(text, encoding="utf-8")
    return engagement_dir


def test_to_date_leaves_out_a_partial_month_and_months_before_the_contract(partial: Path) -> None:
    engagement = load_engagement(partial)
    result = step1.analyse(engagement, step1.read_inputs(engagement), as_of=dt.date(2024, 4, 2))
    rows = result.performance_to_date
    north = rows[(rows["site"] == "north") & (rows["measure"] == "job_outcomes")].iloc[0]
    # January and February only: 10 + 20 = 30 outcomes; not 99 (Dec 2023), not 1 (5 days of March)
    assert (north["actual"], north["periods"]) == (30, 2)
    assert set(result.performance_by_period["period"].dt.strftime("%Y-%m")) == {
        "2024-01",
        "2024-02",
    }
    flags = step1.months_flagged(result, engagement).data
    assert "Dec 2023: outside the contract period" in flags
    assert "Mar 2024: incomplete: the data runs to 05 March 2024" in flags
    assert "KPI figures to date cover Jan–Feb 2024" in flags


def test_marking_step_1_done_freezes_the_opinion_on_the_data_that_counts_now(
    partial: Path,
) -> None:
    engagement = load_engagement(partial)
    step1.save(engagement, step1.analyse(engagement, step1.read_inputs(engagement)))
    said = step1.freeze_opinion(engagement, as_of=dt.date(2024, 4, 2))
    assert said.endswith("hypotheses on the data of Jan–Feb 2024.")
    frozen = step1.load(engagement).opinion_snapshot
    assert set(frozen["period"]) == {"Jan–Feb 2024"}
    assert set(frozen["formed_on"]) == {"2024-04-02"}
    # a later run keeps the frozen opinion as it is
    step1.save(engagement, step1.analyse(engagement, step1.read_inputs(engagement)))
    assert set(step1.load(engagement).opinion_snapshot["formed_on"]) == {"2024-04-02"}
    # the client reads which data it was formed on, never the day a run stored it
    shown = step1.opinion_for_client(step1.load(engagement)).data
    assert "The initial opinion as formed on the data of Jan–Feb 2024, kept as it was" in shown
    assert "April 2024" not in shown and "2024-04-02" not in shown
