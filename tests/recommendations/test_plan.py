"""The plan in the store: validation, the computed baseline, publishing, freezing, progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from assessment.engagement import Engagement
from assessment.errors import InputError
from assessment.recommendations import publishing as pub
from assessment.recommendations import store as db
from assessment.recommendations.plan import progress as plan_progress

from .conftest import MONTHS, action, performance_frame, recommendation


def draft(engagement: Engagement) -> pd.DataFrame:
    with db.open_store(engagement) as store:
        return db.draft_plan(engagement, store)


def stored_frame(engagement: Engagement, name: str) -> pd.DataFrame:
    with db.open_store(engagement) as store:
        return store.frame(f"recommendations.{name}")


def test_a_kpi_baseline_is_computed_and_the_value_and_cost_follow(saved: Callable) -> None:
    row = draft(saved()).iloc[0]
    # set on 5 July 2025: the window ending June, North 18 / 60 = 30 %
    assert row["baseline"] == pytest.approx(30)
    assert row["measure"] == "job_outcomes" and row["unit"] == "%"
    # (50 - 30) % x 20 a month x 3 months after September x 1,500 = 18,000; 4 days x 950
    assert row["value"] == pytest.approx(18_000)
    assert row["cost"] == pytest.approx(3_800)
    assert row["smart_passed"] and row["failing"] == ""


def test_a_typed_baseline_of_a_kpi_is_ignored(saved: Callable) -> None:
    row = draft(saved(acts=[action(baseline=99.0)])).iloc[0]
    assert row["baseline"] == pytest.approx(30)


def test_a_bad_batch_lists_every_problem_and_stores_nothing(engagement: Engagement) -> None:
    recs = [recommendation(agreed_by="")]
    acts = [action(site="west", stage="Camp 9"), action(id="a2", target=None)]
    with pytest.raises(InputError) as raised:
        db.save_plan(engagement, recs, acts)
    text = str(raised.value)
    assert "recommendations, row 1: an agreed recommendation needs who agreed it and when" in text
    assert "actions, row 1, 'site': unknown value 'west'" in text
    assert "actions, row 1, 'stage': unknown value 'Camp 9'" in text
    assert "actions, row 2, 'target'" in text
    with db.open_store(engagement) as store:
        assert db.recommendations(store) == [] and db.actions(store) == []


def test_publish_refuses_a_failing_action_naming_it_and_the_rule(saved: Callable) -> None:
    engagement = saved(acts=[action(target=90.0, owner="")])
    with pytest.raises(InputError) as raised:
        pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    text = str(raised.value)
    assert "action 'Train North Hub advisers to follow South Hub's journey', 'Specific'" in text
    assert (
        "'Achievable': 90% is above what any site achieves now "
        "(South Hub, 80%, 95% interval 59% to 106%)" in text
    )
    with db.open_store(engagement) as store:
        assert not store.has_frame("recommendations.plan") and db.publications(store) == []


def test_only_agreed_recommendations_are_published(saved: Callable) -> None:
    not_agreed = recommendation(id="r2", title="Not agreed", agreed=False, agreed_by="")
    engagement = saved(
        recs=[recommendation(), not_agreed],
        acts=[action(), action(id="a2", recommendation_id="r2", target=90.0)],  # fails SMART
    )
    assert pub.publish(engagement, "Consultant", dt.date(2025, 7, 12)) == 1
    assert list(stored_frame(engagement, "plan")["action_id"]) == ["a1"]


def test_a_published_plan_is_frozen_until_published_again(saved: Callable) -> None:
    engagement = saved()
    assert pub.publish(engagement, "Consultant", dt.date(2025, 7, 12)) == 1
    assert pub.publish(engagement, "Consultant", dt.date(2025, 7, 13)) == 1  # nothing changed
    db.save_plan(engagement, [], [action(target=60.0)])
    assert stored_frame(engagement, "plan")["target"].tolist() == [50.0]  # still version 1
    assert pub.publish(engagement, "Consultant", dt.date(2025, 7, 20)) == 2
    assert stored_frame(engagement, "plan")["target"].tolist() == [60.0]


def test_the_roadmap_starts_at_the_contract_level_at_the_baseline(saved: Callable) -> None:
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    stages = stored_frame(engagement, "roadmap")
    # base camp: ALL in the window ending June, 66 / 120 = 55 %; Camp 1 dated by a1
    assert stages["pct"].round(6).tolist() == [55.0, 55.0, 85.0, 100.0]
    dates = stages["date"].tolist()
    assert dates[:2] + dates[3:] == ["2025-06-30", "2025-09-30", "2025-12-31"]
    assert pd.isna(dates[2])  # Camp 2: no action, no stated date


def test_progress_on_newer_data_keeps_the_frozen_baseline(saved: Callable) -> None:
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    progress = stored_frame(engagement, "progress").iloc[0]
    # data to June: now 30 %, three months earlier (March) 20 %: up; but the report is made
    # after 30 September 2025 with the target unmet on the data: late, never "on track"
    assert (progress["current"], progress["trend"], progress["progress"]) == (
        pytest.approx(30),
        "up",
        "late",
    )
    # on 12 July 2025 the trend (+10 points in 3 months) takes 30 % to about 40 % by 30
    # September, short of 50 %: at risk
    with db.open_store(engagement) as store:
        data, plan = db.performance(store), db.draft_plan(engagement, store)
    early = plan_progress(engagement, plan, data, today=dt.date(2025, 7, 12)).iloc[0]
    assert early["progress"] == "at_risk"
    newer = pd.concat([performance_frame(), later_months(north=[10, 10, 10])])
    with db.open_store(engagement) as store:
        store.put_frames("data_analysis", {db.PERFORMANCE_FRAME: newer})
    assert pub.refresh_progress(engagement)
    progress = stored_frame(engagement, "progress").iloc[0]
    # July to September, North 30 / 60 = 50 %: the target is met; the baseline stays 30 %
    assert progress["current"] == pytest.approx(50) and progress["progress"] == "done"
    assert progress["baseline"] == pytest.approx(30)


def test_an_action_past_its_date_and_short_of_target_is_late(saved: Callable) -> None:
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    newer = pd.concat([performance_frame(), later_months(north=[6, 6, 6, 6])])
    with db.open_store(engagement) as store:
        store.put_frames("data_analysis", {db.PERFORMANCE_FRAME: newer})
    pub.refresh_progress(engagement)
    progress = stored_frame(engagement, "progress").iloc[0]
    # data to October (after 30 September), North Aug-Oct 18 / 60 = 30 % < 50 %: late
    assert progress["current"] == pytest.approx(30) and progress["progress"] == "late"
    assert progress["trend"] == "flat"  # 30 % now and in July


def later_months(north: list[float]) -> pd.DataFrame:
    """Months after June 2025 with North's job outcomes given and South at 16."""
    months = pd.date_range(MONTHS[-1] + pd.DateOffset(months=1), periods=len(north), freq="MS")
    rows = [
        {"site": s, "measure": "job_outcomes", "period": p, "actual": float(a), "target": t}
        for p, n in zip(months, north, strict=True)
        for s, a, t in (("north", n, 20.0), ("south", 16, 20.0), ("ALL", n + 16, 40.0))
    ]
    return pd.DataFrame(rows)


def test_a_form_saving_blank_numbers_as_zero_does_not_unpublish_the_plan(saved: Callable) -> None:
    engagement = saved()
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    # a form shows a blank number as 0: a KPI's typed baseline is unused, no cost is 0
    db.save_plan(engagement, [], [action(baseline=0.0, current=0.0, cost=0.0)])
    with db.open_store(engagement) as store:
        assert db.digest(engagement, store) == db.publications(store)[-1]["digest"]
    db.save_plan(engagement, [], [action(days=5.0)])  # a real change
    with db.open_store(engagement) as store:
        assert db.digest(engagement, store) != db.publications(store)[-1]["digest"]
