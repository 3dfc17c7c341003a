"""Step 4 in the client report: read from the stored client-safe frames only."""

from __future__ import annotations

import re

import pytest
from IPython.display import HTML
from readable_text import plain

from assessment.discovery import analyse, save
from assessment.discovery import store as tables
from assessment.discovery.client import (
    findings_for_client,
    journey_change_for_client,
    journeys_for_client,
    strength,
)
from assessment.engagement import Engagement, load_engagement
from assessment.store import Store

from .test_step import NAMES, engagement  # noqa: F401  (the captured engagement fixture)


def html_of(shown: list) -> str:
    return " ".join(item.data for item in shown if isinstance(item, HTML))


def text_of(shown: list) -> str:
    return plain(re.sub(r"<[^>]+>", " ", html_of(shown)))


@pytest.fixture
def saved(engagement: Engagement) -> Engagement:  # noqa: F811
    """The captured engagement with findings, a proposed journey and step 4 saved."""
    with Store(engagement.store_path) as store:
        ids = store.query("SELECT id, source_type FROM discovery_evidence ORDER BY rowid")
        one_to_ones = [r["id"] for r in ids if r["source_type"] == "one_to_one"]
        tables.save_findings(
            store,
            engagement,
            [
                # evidence of two kinds (one-to-one and observation): strong
                {"heading": "customer_experience", "statement": "No defined journey <b>x</b>",
                 "evidence_ids": [r["id"] for r in ids[:2]]},
                # one-to-ones only: one kind of source, weak
                {"heading": "resources", "statement": f"{NAMES[0]} says advisers are stretched",
                 "evidence_ids": one_to_ones[:2]},
            ],
        )  # fmt: skip
        proposed = ["Referral", "Plan"]
        tables.replace_journeys(
            store,
            engagement,
            [
                {"journey": "proposed", "site": "ALL", "order": n, "step": s,
                 "duration_days": 1.0}
                for n, s in enumerate(proposed, start=1)
            ],
        )  # fmt: skip
        result = analyse(engagement, store)
    save(engagement, result)
    return engagement


def test_strength_says_strong_or_weak_with_the_counts() -> None:
    assert strength(7, 3, False) == "Strong: 7 items from 3 kinds of source"
    assert strength(1, 1, True) == "Weak: 1 item, one kind of source only"


def test_findings_show_by_heading_with_strength_and_no_name(saved: Engagement) -> None:
    shown = findings_for_client(saved)
    text = text_of(shown)
    # headings in the method's order: customer experience before resources
    assert text.index("Customer experience") < text.index("Resources")
    assert "Strong: 2 items from 2 kinds of source" in text
    assert "Weak: 2 items, one kind of source only" in text
    assert "[name] says advisers are stretched" in text
    for person in NAMES:
        assert person not in html_of(shown)
    # the consultant's text is shown as text, never as markup
    assert "No defined journey &lt;b&gt;x&lt;/b&gt;" in html_of(shown)
    assert "aw-findings" in html_of(shown)


def test_journeys_show_consistency_beside_performance(saved: Engagement) -> None:
    text = text_of(journeys_for_client(saved))
    assert "North Hub" in text and "South Hub" in text
    assert "100%" in text and "33%" in text  # north 3/3, south 1/3 of the defined journey
    assert "110% of target on average" in text  # north follows it and is at 110%


def test_today_against_proposed_shows_the_steps_removed(saved: Engagement) -> None:
    # north today: Referral, Assessment, Plan; proposed: Referral, Plan (1 day each).
    # Today's steps carry no durations (0 days), so both sites "save" -2 days and the first
    # site, north, is the one shown side by side.
    text = text_of(journey_change_for_client(saved))
    assert "Cutting out the complexity for the customer: North Hub" in text
    assert "Steps: 3 today, 2 proposed (removed: Assessment)." in text
    assert "Hand-offs between owners: 0 today, 0 proposed." in text
    assert "South Hub" in text  # the per-site table has every site


def test_before_step_4_each_section_says_so(engagement_dir) -> None:
    fresh = load_engagement(engagement_dir)
    assert "Discovery has not been recorded yet." in text_of(findings_for_client(fresh))
    assert "Discovery has not been recorded yet." in text_of(journeys_for_client(fresh))
    assert "No journey proposed yet." in text_of(journey_change_for_client(fresh))
