"""Step 4 end to end on a small engagement: analyse what the store holds, store what the client
report needs, and never store a name."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from assessment.discovery import STEP, analyse, save
from assessment.discovery import store as tables
from assessment.engagement import Engagement, load_engagement
from assessment.store import Store

from .conftest import evidence_item

NAMES = ["Ann Example", "Bob Example", "Cat Example", "Dan Example"]


@pytest.fixture
def engagement(engagement_dir: Path) -> Engagement:
    """The shared test engagement (sites north and south, headline KPI job_outcomes) with
    hypotheses, evidence and journeys captured."""
    engagement = load_engagement(engagement_dir)
    with Store(engagement.store_path) as store:
        store.sync_hypotheses(
            "data_analysis",
            [
                {
                    "key": key,
                    "kind": "test",
                    "site": None,
                    "kpi": None,
                    "title": title,
                    "statement": title,
                    "figures": {},
                }
                for key, title in [("h1", "No defined journey"), ("h2", "Too few advisers")]
            ],
        )
        to_date = pd.DataFrame(
            {
                "site": ["north", "south", "ALL"],
                "measure": "job_outcomes",
                "pct_of_target": [110.0, 60.0, 85.0],
            }
        )
        store.put_frames("data_analysis", {"data_analysis.performance_to_date": to_date})
        confirms = [{"hypothesis_key": "h1", "direction": "confirms"}]
        tables.add_evidence(
            store,
            engagement,
            [
                evidence_item(interviewee=NAMES[0], bears_on=confirms, shareable=True),
                evidence_item(interviewee=NAMES[1], bears_on=confirms, source_type="observation"),
                evidence_item(interviewee=NAMES[2], shareable=True, text=f"{NAMES[3]} agrees"),
                evidence_item(interviewee=NAMES[3], site="south", shareable=True),
            ],
        )
        steps = ["Referral", "Assessment", "Plan"]
        tables.replace_journeys(
            store,
            engagement,
            [
                {"journey": kind, "site": site, "order": n, "step": s}
                for kind, site, names in [
                    ("defined", "ALL", steps),
                    ("current", "north", steps),
                    ("current", "south", ["Plan", "Referral"]),
                ]
                for n, s in enumerate(names, start=1)
            ],
        )
    return engagement


def test_analyse_brings_every_result_together(engagement: Engagement) -> None:
    with Store(engagement.store_path) as store:
        result = analyse(engagement, store)
    assert result.verdicts.set_index("key")["verdict"].to_dict() == {
        "h1": "confirmed",  # 2 confirm, 0 refute, from two kinds of source
        "h2": "untested",
    }
    assert not result.verdicts["weak"].any()
    # north: 3/3 = 1.0; south [Plan, Referral] against [Referral, Assessment, Plan]: LCS 1 -> 1/3
    assert result.consistency.set_index("site")["contract_score"].to_dict() == pytest.approx(
        {"north": 1.0, "south": 1 / 3}
    )
    assert result.cross_site == pytest.approx(1 / 3)
    assert result.performance is not None
    assert result.performance.followed_mean_pct == 110.0
    assert math.isnan(result.performance.correlation)  # two sites only
    # north x Adviser: Ann, Bob, Cat = 3 people; south x Adviser: Dan alone -> suppressed
    counts = result.client.by_site_role.set_index("site")
    assert counts["suppressed"].to_dict() == {"north": False, "south": True}


def test_save_stores_client_safe_frames_without_any_name(engagement: Engagement) -> None:
    with Store(engagement.store_path) as store:
        result = analyse(engagement, store)
    save(engagement, result)
    with Store(engagement.store_path) as store:
        names = store.frame_names(STEP)
        assert "discovery.quotes" in names and "discovery.verdicts" in names
        assert "discovery.journey_performance" in names
        for name in names:
            text = store.frame(name).to_json(date_format="iso").casefold()
            for person in NAMES:
                for part in person.split():
                    assert not re.search(rf"\b{part.casefold()}\b", text), (name, part)
        quotes = store.frame("discovery.quotes")
    assert "[name] agrees" in quotes["text"].tolist()


def test_without_step_1_there_is_no_performance_relation(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)
    with Store(engagement.store_path) as store:
        result = analyse(engagement, store)
    assert result.performance is None
    assert result.evidence.empty and result.verdicts.empty
