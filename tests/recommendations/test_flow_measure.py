"""An action measured on a flow-plan figure ("Starts per month") takes its baseline from step 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from assessment.engagement import Engagement
from assessment.recommendations import measures
from assessment.recommendations import store as db

from .conftest import action


def _flow_months() -> pd.DataFrame:
    months = pd.to_datetime(["2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01"])
    frame = pd.DataFrame(
        {
            "site": ["north"] * 5 + ["south"] * 5,
            "period": list(months) * 2,
            "planned": [False] * 4 + [True] + [False] * 4 + [True],
            "actual_starts": [10, 20, 30, 40, None, 1, 2, 3, 4, None],
            "actual_referrals": [15, 25, 35, 45, None, 2, 3, 4, 5, None],
            "needed_starts": [50.0] * 10,
        }
    )
    frame["actual_starts"] = frame["actual_starts"].astype(float)
    frame["actual_referrals"] = frame["actual_referrals"].astype(float)
    return frame


def test_baseline_is_the_three_months_before_the_action_was_set() -> None:
    flow = _flow_months()
    # Set on 5 July: the window is April–June: (20 + 30 + 40) / 3 = 30 starts a month.
    assert measures.flow_measure_baseline(
        flow, "Starts per month", "north", dt.date(2025, 7, 5)
    ) == (
        pytest.approx(30.0),
        pd.Timestamp("2025-06-01"),
    )
    # Set on 20 May: March and April only (May not yet complete).
    value, month = measures.flow_measure_baseline(
        flow, "referrals a month", "north", dt.date(2025, 5, 20)
    )
    assert value == pytest.approx(20.0) and month == pd.Timestamp("2025-04-01")
    # The contract: both sites summed each month, April–June: (22 + 33 + 44) / 3 = 33.
    value, _ = measures.flow_measure_baseline(flow, "Starts per month", "ALL", dt.date(2025, 7, 5))
    assert value == pytest.approx(33.0)
    assert (
        measures.flow_measure_baseline(flow, "Morale score", "north", dt.date(2025, 7, 5)) is None
    )
    assert (
        measures.flow_measure_baseline(None, "Starts per month", "north", dt.date(2025, 7, 5))
        is None
    )


def test_the_draft_plan_shows_the_computed_baseline(
    engagement: Engagement, saved: Callable
) -> None:
    with db.open_store(engagement) as store:
        store.put_frames("data_analysis", {db.FLOW_PLAN_FRAME: _flow_months()})
    saved(acts=[action(measure="Starts per month", target=50.0)])
    with db.open_store(engagement) as store:
        row = db.draft_plan(engagement, store).iloc[0]
    assert not row["is_kpi"]
    assert row["baseline"] == pytest.approx(30.0)
    assert row["measure_label"] == "Starts per month (North Hub)"
