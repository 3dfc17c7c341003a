"""Scope agreement is versioned; the report shows the agreed version, never a draft."""

from __future__ import annotations

import datetime as dt

from assessment import entries
from assessment.intelligence import store as step2
from assessment.intelligence.models import ScopeArea
from assessment.scoping import client, views
from assessment.scoping import store as db
from assessment.scoping.models import Activity, Agreement, ScopeItem


def agree(engagement, who: str, day: int) -> int:
    agreement = Agreement(agreed_by=who, agreed_role="Director", agreed_on=dt.date(2026, 1, day))
    with db.open_store(engagement) as store, store.transaction() as tx:
        return db.record_agreement(tx, agreement)


def test_versions_follow_changes_and_the_report_shows_the_agreed_one(opinion_engagement) -> None:
    e = opinion_engagement
    area = ScopeArea(title="Customer journey", agreed=True)
    item = ScopeItem(area_id=area.id, title="Map journeys", deliverable="A journey map per site")
    interview = Activity(
        title="Interviews, North Hub",
        kind="interviews",
        site="north",
        person="Lead Consultant",
        start=dt.date(2025, 2, 3),
        end=dt.date(2025, 2, 4),
        days=2,
    )
    with db.open_store(e) as store:
        entries.save_one(store, step2.AREAS, area)
        entries.save_one(store, db.ITEMS, item)
        entries.save_one(store, db.ACTIVITIES, interview)
    assert "not been agreed" in views.scope_status(e).data
    assert "not been agreed" in client.agreed_scope_for_client(e)[0].data
    assert agree(e, "Jo Client", 10) == 1
    assert agree(e, "Jo Client", 11) == 1  # the same scope agreed again keeps its version
    changed = item.model_copy(update={"deliverable": "A journey map and a benchmark"})
    with db.open_store(e) as store:
        entries.save_one(store, db.ITEMS, changed)
    status = views.scope_status(e).data
    assert "changed since version 1" in status and "draft version 2" in status
    report = "".join(str(getattr(x, "data", "")) for x in client.agreed_scope_for_client(e))
    assert "version 1" in report and "A journey map per site" in report
    assert "benchmark" not in report  # the draft never reaches the client
    assert agree(e, "Jo Client", 20) == 2
    shown = client.agreed_scope_for_client(e)
    report = "".join(str(getattr(x, "data", "")) for x in shown)
    assert "version 2" in report and "A journey map and a benchmark" in report
    assert "Scope agreed: version 2" in views.scope_status(e).data
    assert shown[-1].to_dict()["mark"]["type"] == "bar"  # the timetable as a Gantt chart
