"""The executive summary: where the contract stands and its place on the roadmap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.summary import (
    ContractStanding,
    executive_summary,
    roadmap_agreed,
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
    assert "The contract delivered 60% of its contracted job outcomes over to date." in page
    assert "are agreed with you in the recommendations step" in page
    assert "Base camp" not in page


def test_the_roadmap_is_drawn_once(engagement) -> None:
    assert "aw-roadmap" in executive_summary(engagement, standing(60.0)).data
    below = executive_summary(engagement, standing(60.0), roadmap_below=True).data
    assert "aw-roadmap" not in below  # step 5's section draws it
    assert "next Camp 2 at 85%" in below  # the stage is still named


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


def test_summary_reads_as_a_client_would_and_escapes_names(engagement) -> None:
    page = executive_summary(engagement, standing(25.1)).data
    assert "25%" in page and "111%" in page and "18%" in page
    # before step 1 stored its months, base camp is the figure to date
    assert "Now 25% of contract: at base camp; next Camp 1 at 55%." in page
    assert "North &lt;Hub&gt;" in page and "<Hub>" not in page
    assert "most valuable actions" not in page  # step 5 adds them


def test_summary_lists_at_most_three_actions(engagement) -> None:
    actions = ["Define one customer journey", "Fix referral data", "Coach advisers", "Fourth"]
    page = executive_summary(engagement, standing(90), actions=actions).data
    assert "The three most valuable actions" in page
    assert "Coach advisers" in page and "Fourth" not in page
    one = executive_summary(engagement, standing(90), actions=actions[:1]).data
    assert "The most valuable action<" in one


def test_above_the_summit_says_hold_it(engagement) -> None:
    page = executive_summary(engagement, standing(104)).data
    assert "above the summit (100%): hold it." in page
    assert "plunge" not in page


def test_every_tile_names_its_months(engagement) -> None:
    page = executive_summary(
        engagement, standing(25.1).model_copy(update={"period": "Jan 2024–Jun 2026"})
    ).data
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Job outcomes, Jan 2024–Jun 2026" in text
    assert "Highest % of target, Jan 2024–Jun 2026" in text  # not shown to be ahead
    assert "The contract delivered 25% of its contracted job outcomes over Jan 2024–Jun 2026." in (
        text
    )


def test_no_site_at_target_is_said_in_the_client_s_words(engagement_dir: Path) -> None:
    path = engagement_dir / "engagement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "terminology:\n  site: clinic\n", encoding="utf-8"
    )
    clinics = load_engagement(engagement_dir)
    none_above = standing(60.0).model_copy(update={"sites_above": []})
    page = executive_summary(clinics, none_above).data
    assert "No clinic is at its contracted target over to date." in page
    assert "site" not in re.sub(r"<[^>]+>", " ", page)


def test_a_site_is_furthest_ahead_only_when_the_comparison_says_so(engagement) -> None:
    real = standing(60.0).model_copy(
        update={
            "best_low": 90.2,
            "best_high": 161.3,
            "best_ahead": True,
            "worst_low": 12.0,
            "worst_high": 25.4,
            "worst_behind": True,
        }
    )
    text = re.sub(r"<[^>]+>", " ", executive_summary(engagement, real).data)
    assert "Furthest ahead, to date" in text
    assert "North &lt;Hub&gt; (95% interval 90–161%; ahead of the rest of the contract)" in text
    assert "South Hub (95% interval 12–25%; behind the rest of the contract)" in text
    noise = real.model_copy(update={"best_ahead": False, "worst_behind": False})
    text = re.sub(r"<[^>]+>", " ", executive_summary(engagement, noise).data)
    assert "Furthest" not in text
    assert "Highest % of target, to date" in text and "Lowest % of target, to date" in text
    assert "(95% interval 90–161%; no clear difference from the rest of the contract)" in text
