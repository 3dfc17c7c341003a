"""Step 5's capture sheet imported without clicks, and the client views: escaped, stored only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment import recommendations as step5
from assessment.discovery import store as discovery_store
from assessment.engagement import Engagement
from assessment.errors import InputError
from assessment.recommendations import publishing as pub
from assessment.recommendations import sheets as captures
from assessment.recommendations import store as db
from assessment.sheets import import_file, import_pending, import_pending_files

from .conftest import action, recommendation


def sheet_rows() -> dict[str, list[dict[str, object]]]:
    """r1 and a1 as a consultant types them (names, labels, dd/mm/yyyy), and a publish row."""
    rec = recommendation(agreed="yes", agreed_on="10/07/2025")
    act = action(site="North Hub", set_on="05/07/2025", target_date="30/09/2025", status="On track")
    publish = {"id": "p1", "published_by": "Consultant", "published_on": "12/07/2025"}
    return {"Recommendations": [rec], "Actions": [act], "Publish": [publish]}


def test_the_capture_sheet_imports_once_and_publishes(
    engagement: Engagement, tmp_path: Path
) -> None:
    folder = engagement.root / "captures"
    captures.write_sheet(folder / "05_recommendations.xlsx", sheet_rows())
    first = import_pending(engagement)
    assert "Recommendations: 1 new or changed" in first.data
    assert "Actions: 1 new or changed" in first.data
    assert "Actions: 0 new or changed, 1 already imported" in import_pending(engagement).data
    with db.open_store(engagement) as store:
        [saved] = db.actions(store)
    assert (saved.site, saved.status, saved.target_date) == (
        "north",
        "on_track",
        dt.date(2025, 9, 30),
    )
    assert "Action plan published: version 1" in step5.publish_pending(engagement).data
    assert step5.action_plan_for_client(engagement).data.count("<tr class='aw-action'>") == 1


def test_a_failing_plan_is_not_published_and_says_why(saved: Callable) -> None:
    engagement = saved(acts=[action(target=95.0)])
    captures.write_sheet(
        engagement.root / "captures" / "05.xlsx", {"Publish": sheet_rows()["Publish"]}
    )
    import_pending_files(engagement)
    shown = step5.publish_pending(engagement).data
    assert "Not published: the plan fails the SMART check" in shown
    assert "95% is above what any site achieves now (South Hub, 80%, 95% interval " in shown
    assert "No action plan published yet" in step5.action_plan_for_client(engagement).data


def test_client_views_before_publishing_say_so(engagement: Engagement) -> None:
    assert "No action plan published yet" in step5.action_plan_for_client(engagement).data
    assert "No action plan published yet" in step5.value_for_client(engagement).data
    assert "No action plan published yet" in step5.progress_for_client(engagement).data
    assert "No action plan published yet" in step5.roadmap_for_client(engagement)[0].data
    assert step5.most_valuable_actions(engagement) == []


def test_client_views_escape_text_and_show_the_figures(saved: Callable) -> None:
    script = "<script>alert(1)</script>"
    engagement = saved(
        recs=[recommendation(title=f"Journey {script}")], acts=[action(owner=f"Manager {script}")]
    )
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    plan = step5.action_plan_for_client(engagement).data
    assert "<table class='aw-table aw-action-plan'>" in plan
    assert script not in plan and "Journey &lt;script&gt;alert(1)&lt;/script&gt;" in plan
    # the baseline names its months, in the plan and in the summary's most valuable actions
    assert "30% (Apr–Jun 2025) → 50%" in plan and "30 Sep 2025" in plan and "✓ SMART" in plan
    value = step5.value_for_client(engagement).data
    assert script not in value and "£18,000" in value and "£3,800" in value and "4.7 ×" in value
    assert script not in step5.progress_for_client(engagement).data
    sentence, chart, stages = step5.roadmap_for_client(engagement)
    # Camp 1 (55%) is at base camp's level: passed before the plan; Camp 2 has no action
    assert "already passed" in stages.data and "no date yet" in stages.data
    assert (
        "Base camp: 55% of contract over Apr–Jun 2025. Now 55% of contract over Apr–Jun 2025: "
        "at base camp; next Camp 2 at 85%." in sentence.data
    )
    # said once: the chart's title and subtitle name what it draws, never the state again
    title = chart.to_dict()["title"]
    assert title["text"] == "Job outcomes: actual against the roadmap"
    assert "Base camp" not in str(title) and "Now " not in str(title)
    assert step5.most_valuable_actions(engagement) == [
        "Train North Hub advisers to follow South Hub's journey (Job outcomes (North Hub): "
        "30% over Apr–Jun 2025 → 50% by 30\u00a0Sep\u00a02025): worth £18,000 in outcome "
        "payments to Dec 2025, for £3,800."  # a date never wraps
    ]


def test_a_bad_capture_row_is_named_and_nothing_is_imported(
    engagement: Engagement, tmp_path: Path
) -> None:
    rows = sheet_rows()
    rows["Actions"][0] |= {"stage": "Base camp", "target_date": "31/13/2025"}
    path = captures.write_sheet(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError) as raised:
        import_file(engagement, path)
    text = str(raised.value)
    assert "bad.xlsx, sheet 'Actions', row 3, 'Roadmap stage': unknown value 'Base camp'" in text
    assert "row 3, 'Target date'" in text
    with db.open_store(engagement) as store:
        assert db.recommendations(store) == []  # the valid Recommendations sheet is not applied


def test_a_name_of_someone_interviewed_never_reaches_the_client_plan(saved: Callable) -> None:
    engagement = saved(acts=[action(owner="Grace Mensah", status_note="Grace is on it")])
    item = {
        "source_type": "one_to_one",
        "site": "north",
        "role": "Adviser",
        "interviewee": "Grace Mensah",
        "date": "2025-03-04",
        "text": "No journey.",
        "heading": "customer_experience",
        "dimensions": ["delivery_method"],
        "sentiment": "negative",
        "bears_on": [],
        "shareable": False,
    }
    with db.open_store(engagement) as store:
        discovery_store.add_evidence(store, engagement, [item])
    pub.publish(engagement, "Consultant", dt.date(2025, 7, 12))
    shown = (
        step5.action_plan_for_client(engagement).data + step5.progress_for_client(engagement).data
    )
    assert "Grace" not in shown and "Mensah" not in shown and "[name]" in shown


def test_a_sheet_made_before_client_days_still_imports(
    engagement: Engagement, tmp_path: Path
) -> None:
    # a column added to the model since the sheet was made (with a default) is not required
    import openpyxl

    path = captures.write_sheet(tmp_path / "old.xlsx", sheet_rows())
    book = openpyxl.load_workbook(path)
    actions = book["Actions"]
    headers = [c.value for c in actions[1]]
    actions.delete_cols(headers.index("Client staff days") + 1)
    book.save(path)
    import_file(engagement, path)
    with db.open_store(engagement) as store:
        [saved] = db.actions(store)
    assert saved.client_days is None and saved.target == 50.0
