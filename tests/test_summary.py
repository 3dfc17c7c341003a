"""The executive summary: where the contract stands and its place on the roadmap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.summary import (
    ContractStanding,
    RecentLevel,
    executive_summary,
    roadmap_position,
)


@pytest.fixture
def engagement(engagement_dir: Path):
    return load_engagement(engagement_dir)


def standing(pct: float) -> ContractStanding:
    return ContractStanding(
        kpi_label="Job outcomes",
        actual=pct,
        target=100,
        pct_of_contract=pct,
        best_site="North <Hub>",
        best_pct=111.4,
        worst_site="South Hub",
        worst_pct=17.9,
        sites_above=["North <Hub>"],
    )


@pytest.mark.parametrize(
    ("pct", "reached", "next_stage"),
    [
        (24.0, "Base camp", "Camp 1"),
        (55.0, "Camp 1", "Camp 2"),
        (84.9, "Camp 1", "Camp 2"),
        (90.0, "Camp 2", "The summit"),
        (99.0, "Camp 2", "The summit"),
        (104.0, "The summit", None),
    ],
)
def test_roadmap_position(engagement, pct: float, reached: str, next_stage: str | None) -> None:
    position = roadmap_position(engagement, pct)
    assert (position.reached, position.next_stage) == (reached, next_stage)


def test_summary_reads_as_a_client_would_and_escapes_names(engagement) -> None:
    page = executive_summary(engagement, standing(25.1)).data
    assert "25%" in page and "111%" in page and "18%" in page
    assert "stage &#x27;Base camp&#x27;" in page
    assert "Next stage: Camp 1, at 55% of the contracted target." in page
    assert "North &lt;Hub&gt;" in page and "<Hub>" not in page
    assert "most valuable actions" not in page  # step 5 adds them


def test_summary_lists_at_most_three_actions(engagement) -> None:
    actions = ["Define one customer journey", "Fix referral data", "Coach advisers", "Fourth"]
    page = executive_summary(engagement, standing(90), actions=actions).data
    assert "The three most valuable actions" in page
    assert "Coach advisers" in page and "Fourth" not in page


def test_summit_reached_says_hold_it(engagement) -> None:
    page = executive_summary(engagement, standing(104)).data
    assert "reached the summit" in page


def test_a_published_plan_places_the_contract_by_its_recent_level(engagement) -> None:
    # 25.1% to date, but 54% over the last three months: the roadmap (as in step 5's section)
    # marks 54%, still short of Camp 1 at 55%
    recent = RecentLevel(pct_of_contract=54.0, period="the three months to June 2026")
    page = executive_summary(engagement, standing(25.1), recent=recent).data
    text = re.sub(r"<[^>]+>", " ", page)
    assert "25% of its contracted job outcomes to date" in text
    assert "over the three months to June 2026 it delivered 54%" in text
    assert "Today 54%" in text
    assert "at the stage &#x27;Base camp&#x27;" in text
