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
    roadmap_agreed,
    roadmap_position,
)

AGREED_ROADMAP = """\
roadmap:  # agreed with the client: the method's stages
  stages:
    - name: Base camp
    - {name: Camp 1, fraction: 0.55}
    - {name: Camp 2, fraction: 0.85}
    - {name: The summit, fraction: 1.0}
"""


@pytest.fixture
def engagement(engagement_dir: Path):
    path = engagement_dir / "engagement.yaml"
    path.write_text(path.read_text(encoding="utf-8") + AGREED_ROADMAP, encoding="utf-8")
    return load_engagement(engagement_dir)


def test_stages_not_agreed_are_never_named(engagement_dir: Path) -> None:
    default = load_engagement(engagement_dir)  # no roadmap: in engagement.yaml

    page = executive_summary(default, standing(60.0)).data

    assert not roadmap_agreed(default)
    assert "Camp" not in page and "aw-roadmap" not in page
    assert "The contract stands at 60% of its contracted job outcomes to date." in page
    assert "are agreed with you in the recommendations step" in page


def test_the_roadmap_is_drawn_once(engagement) -> None:
    assert "aw-roadmap" in executive_summary(engagement, standing(60.0)).data
    below = executive_summary(engagement, standing(60.0), roadmap_below=True).data
    assert "aw-roadmap" not in below  # step 5's section draws it
    assert "stage &#x27;Camp 1&#x27;" in below


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
