"""Journey consistency, its relation to performance and today against proposed, by hand.

The contract's defined journey (D) and each site's current one:

    D      Referral, Initial assessment, Action plan, Job search, Job outcome   (5 steps)
    north  Referral, Initial assessment, Action plan, Job search, Job outcome   (5)
    south  Referral, Action plan, Initial assessment, Job outcome               (4)
    east   Referral, Triage, "Initial Assessment.", Job search                  (4)

Longest common subsequences (LCS) over the longer length:

    north-D      5/5 = 1.0
    south-D      3/5 = 0.6   (Referral, Initial assessment, Job outcome)
    east-D       3/5 = 0.6   (Referral, initial assessment, Job search: case and "." ignored)
    north-south  3/5 = 0.6   north-east 3/5 = 0.6   south-east 2/4 = 0.5 (Referral, IA)

Peer scores: north (0.6 + 0.6) / 2 = 0.6, south (0.6 + 0.5) / 2 = 0.55, east 0.55;
across sites (0.6 + 0.6 + 0.5) / 3 = 0.5667.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from assessment.discovery.journey import (
    compare_journeys,
    consistency_vs_performance,
    cross_site_consistency,
    journey_consistency,
    lcs_length,
    normalise_step,
    similarity,
    today_and_proposed,
)
from assessment.discovery.models import journey_frame
from assessment.discovery.validation import validate_journey
from assessment.discovery.vocabulary import Vocabulary

DEFINED = ["Referral", "Initial assessment", "Action plan", "Job search", "Job outcome"]
SOUTH = ["Referral", "Action plan", "Initial assessment", "Job outcome"]
EAST = ["Referral", "Triage", "Initial Assessment.", "Job search"]


def rows(journey: str, site: str, steps: list[str], **kw: Any) -> list[dict[str, Any]]:
    return [
        {"journey": journey, "site": site, "order": n, "step": s, "value_adding": n % 2 == 0} | kw
        for n, s in enumerate(steps, start=1)
    ]


@pytest.fixture
def journeys(vocab: Vocabulary) -> pd.DataFrame:
    batch = (
        rows("defined", "ALL", DEFINED)
        + rows("current", "north", DEFINED, duration_days=2.0)
        + rows("current", "south", SOUTH)
        + rows("current", "east", EAST)
    )
    return journey_frame(validate_journey(batch, vocab))


def test_lcs_and_similarity() -> None:
    assert lcs_length("ABCBDAB", "BDCABA") == 4  # the textbook example: BCBA
    assert lcs_length([], ["a"]) == 0
    assert similarity(["a", "b", "c"], ["a", "b", "c"]) == 1.0
    assert similarity(["a", "b", "c"], ["c", "b", "a"]) == pytest.approx(1 / 3)  # order counts
    assert similarity(["a", "b"], ["a", "b", "c", "d"]) == 0.5  # missing steps count
    assert similarity([], []) == 1.0


def test_step_names_are_normalised() -> None:
    assert normalise_step("  Initial   Assessment. ") == "initial assessment"
    assert normalise_step("IAG-screening") == "iag screening"
    assert normalise_step("Job search") != normalise_step("Job-searching")


def test_consistency_per_site(journeys: pd.DataFrame) -> None:
    frame = journey_consistency(journeys).set_index("site")
    assert frame["contract_score"].to_dict() == pytest.approx(
        {"east": 0.6, "north": 1.0, "south": 0.6}
    )
    assert frame["peer_score"].to_dict() == pytest.approx(
        {"east": 0.55, "north": 0.6, "south": 0.55}
    )
    assert frame["follows_defined"].to_dict() == {"east": False, "north": True, "south": False}
    assert frame["steps"].to_dict() == {"east": 4, "north": 5, "south": 4}
    # north: five steps of 2 days; value-adding steps are the even ones (2 and 4)
    assert frame.loc["north", "duration_days"] == 10.0
    assert frame.loc["north", "value_adding_steps"] == 2


def test_cross_site_consistency(journeys: pd.DataFrame) -> None:
    assert cross_site_consistency(journeys) == pytest.approx(1.7 / 3)
    one_site = journeys[journeys["site"].isin(["north", "ALL"])]
    assert math.isnan(cross_site_consistency(one_site))


def test_without_a_defined_journey_the_contract_score_is_missing(journeys: pd.DataFrame) -> None:
    frame = journey_consistency(journeys[journeys["journey"] == "current"])
    assert frame["contract_score"].isna().all()
    assert not frame["follows_defined"].any()


def test_consistency_against_performance(journeys: pd.DataFrame) -> None:
    to_date = pd.DataFrame(
        {
            "site": ["north", "south", "east", "ALL", "north"],
            "measure": ["jobs", "jobs", "jobs", "jobs", "starts"],
            "pct_of_target": [120.0, 80.0, 60.0, 86.7, 10.0],
        }
    )
    relation = consistency_vs_performance(journey_consistency(journeys), to_date, "jobs")
    sites = relation.sites.set_index("site")
    assert sites["pct_of_target"].to_dict() == {"east": 60.0, "north": 120.0, "south": 80.0}
    assert sites["score_basis"].unique().tolist() == ["defined journey"]
    assert sites["above_contract"].to_dict() == {"east": False, "north": True, "south": False}
    # Three sites are too few to say whether consistency and performance go together.
    assert math.isnan(relation.correlation)
    assert relation.n_sites == 3
    assert relation.followed_mean_pct == 120.0  # north alone follows the defined journey
    assert relation.others_mean_pct == 70.0  # (80 + 60) / 2


def test_rank_correlation_with_its_p_value_from_five_sites() -> None:
    # consistency 0.2 .. 1.0 (ranks 1..5); % of target 50, 70, 60, 90, 110 (ranks 1, 3, 2, 4, 5):
    # d = (0, 1, -1, 0, 0), rho = 1 - 6 × 2 / (5 × 24) = 0.9; t = 0.9 × sqrt(3 / 0.19) = 3.576 on
    # 3 df: p = 0.037.
    sites = ["s1", "s2", "s3", "s4", "s5"]
    consistency = pd.DataFrame(
        {
            "site": sites,
            "contract_score": [0.2, 0.4, 0.6, 0.8, 1.0],
            "peer_score": math.nan,
            "follows_defined": [False, False, False, True, True],
        }
    )
    to_date = pd.DataFrame(
        {"site": sites, "measure": "jobs", "pct_of_target": [50.0, 70.0, 60.0, 90.0, 110.0]}
    )
    relation = consistency_vs_performance(consistency, to_date, "jobs")
    assert relation.correlation == pytest.approx(0.9)
    assert relation.p_value == pytest.approx(0.037, abs=0.001)
    assert relation.n_sites == 5


def test_no_correlation_from_two_sites(journeys: pd.DataFrame) -> None:
    to_date = pd.DataFrame(
        {"site": ["north", "south"], "measure": ["jobs", "jobs"], "pct_of_target": [120.0, 80.0]}
    )
    relation = consistency_vs_performance(journey_consistency(journeys), to_date, "jobs")
    assert math.isnan(relation.correlation)  # east has no figure: two points are not a relation


def test_peer_score_stands_in_when_no_journey_is_defined(journeys: pd.DataFrame) -> None:
    to_date = pd.DataFrame(
        {"site": ["north", "south", "east"], "measure": "jobs", "pct_of_target": [1.0, 2.0, 3.0]}
    )
    current = journey_consistency(journeys[journeys["journey"] == "current"])
    relation = consistency_vs_performance(current, to_date, "jobs")
    assert relation.sites["score_basis"].unique().tolist() == ["other sites"]
    assert relation.sites.set_index("site")["consistency"].to_dict() == pytest.approx(
        {"east": 0.55, "north": 0.6, "south": 0.55}
    )


TODAY = [
    ("Referral", "Centre", 10.0, False),
    ("Initial assessment", "Adviser", 5.0, True),
    ("Action plan", "Adviser", 2.0, True),
    ("Job search", "Employer team", 20.0, False),
    ("Job outcome", "Adviser", 1.0, True),
]
PROPOSED = [
    ("Initial assessment", "Adviser", 3.0, True),
    ("Action plan", "Adviser", 2.0, True),
    ("Warm handover", "Adviser", 1.0, True),
    ("Job outcome", "Adviser", 1.0, True),
]


def journey(kind: str, steps: list[tuple[str, str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "journey": kind,
                "site": "north",
                "order": n,
                "step": name,
                "owner": owner,
                "channel": "",
                "duration_days": days,
                "value_adding": adds,
            }
            for n, (name, owner, days, adds) in enumerate(steps, start=1)
        ]
    )


def test_today_against_proposed() -> None:
    c = compare_journeys(journey("current", TODAY), journey("proposed", PROPOSED))
    assert c.removed == ["Referral", "Job search"]
    assert c.added == ["Warm handover"]
    assert (c.steps_today, c.steps_proposed, c.steps_saved) == (5, 4, 1)
    # today 10 + 5 + 2 + 20 + 1 = 38 days; proposed 3 + 2 + 1 + 1 = 7; saved 31
    assert (c.days_today, c.days_proposed, c.days_saved) == (38.0, 7.0, 31.0)
    # owners today: Centre > Adviser > Adviser > Employer team > Adviser: 3 hand-offs
    assert (c.handoffs_today, c.handoffs_proposed) == (3, 0)
    assert c.value_adding_share_today == pytest.approx(3 / 5)
    assert c.value_adding_share_proposed == 1.0
    # side by side in today's order, the added step just after the step it follows
    assert c.steps["step"].tolist() == [
        "Referral",
        "Initial assessment",
        "Action plan",
        "Warm handover",
        "Job search",
        "Job outcome",
    ]
    assert c.steps["status"].tolist() == ["removed", "kept", "kept", "added", "removed", "kept"]
    assert c.steps["proposed_order"].tolist()[:4] == [pd.NA, 1, 2, 3]


def test_a_step_done_twice_is_two_steps() -> None:
    today = journey("current", [("Review", "A", 1.0, False)] * 2 + [("Exit", "A", 1.0, True)])
    proposed = journey("proposed", [("Review", "A", 1.0, False), ("Exit", "A", 1.0, True)])
    c = compare_journeys(today, proposed)
    assert c.removed == ["Review"]  # the second review goes, the first stays
    assert c.steps["status"].tolist() == ["kept", "removed", "kept"]


def test_today_and_proposed_prefers_the_sites_own_proposal() -> None:
    today = journey("current", TODAY)
    wide = journey("proposed", PROPOSED[:1]).assign(site="ALL")
    own = journey("proposed", PROPOSED)
    both = pd.concat([today, wide, own], ignore_index=True)
    assert today_and_proposed(both, "north").steps_proposed == 4  # north's own proposal
    assert today_and_proposed(pd.concat([today, wide]), "north").steps_proposed == 1
    assert today_and_proposed(today, "north") is None  # nothing proposed
    assert today_and_proposed(both, "south") is None  # no current journey


def test_a_journey_defined_for_one_site_wins_over_the_contracts(
    journeys: pd.DataFrame, vocab: Vocabulary
) -> None:
    own = journey_frame(validate_journey(rows("defined", "south", SOUTH), vocab))
    frame = journey_consistency(pd.concat([journeys, own], ignore_index=True)).set_index("site")
    # south now follows its own defined journey exactly; the others keep the contract's
    assert frame["contract_score"].to_dict() == pytest.approx(
        {"east": 0.6, "north": 1.0, "south": 1.0}
    )
