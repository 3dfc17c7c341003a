"""What a client may see: no names, role and site at most, no group of fewer than 3 people.

The fixture (S = shareable):

| item | source        | site  | role         | interviewee  | participants | S   |
| ---- | ------------- | ----- | ------------ | ------------ | ------------ | --- |
| C1   | one_to_one    | north | Adviser      | Jane Smith   |              | yes |
| C2   | one_to_one    | north | Adviser      | jane  smith  |              | no  |
| C3   | one_to_one    | north | Adviser      | Omar Khan    |              | yes |
| C4   | one_to_one    | north | Adviser      |              |              | yes |
| C5   | one_to_one    | north | Manager      | Priya Patel  |              | yes |
| C6   | group_session | south | Adviser      |              | 6            | yes |
| C7   | group_session | south | Adviser      |              | 4            | no  |
| C8   | one_to_one    | east  | Team leader  | Li Wei       |              | yes |
| C9   | document      | east  | Team leader  |              |              | no  |
| C10  | observation   | south | Receptionist |              |              | no  |

People per site x role (named people once each, an unnamed item one person, a session its
participants, the largest session only, a document nobody):

    north x Adviser       Jane Smith (C1 = C2), Omar Khan, one unnamed = 3   -> shown (4 items)
    north x Manager       Priya Patel = 1                                     -> suppressed
    south x Adviser       max(0 individuals, largest session 6) = 6          -> shown (2 items)
    south x Receptionist  one unnamed observation = 1                         -> suppressed
    east x Team leader    Li Wei = 1 (the document counts nobody)             -> suppressed

Attribution of each quote: C1, C3, C4, C6 site and role; C5 site only (north has Jane, Omar,
Priya and one unnamed = 4; Manager across sites is 1); C8 nothing (east: 1, Team leader: 1).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from assessment.discovery.confidentiality import (
    QUOTE_COLUMNS,
    attribution,
    client_findings,
    client_view,
    people,
    redact,
    suppressed_counts,
)
from assessment.discovery.models import evidence_frame, finding_frame
from assessment.discovery.validation import validate_evidence, validate_findings
from assessment.discovery.vocabulary import Vocabulary

from .conftest import evidence_item

NAMES = ["Jane Smith", "jane  smith", "Omar Khan", "Priya Patel", "Li Wei"]


def item(id_: str, source: str, site: str, role: str, **kw: Any) -> dict[str, Any]:
    return evidence_item(id=id_, source_type=source, site=site, role=role, **kw)


ROWS = [
    item("C1", "one_to_one", "north", "Adviser", interviewee="Jane Smith", shareable=True,
         text="Jane thinks the journey is unclear, ask Jane Smith."),
    item("C2", "one_to_one", "north", "Adviser", interviewee="jane  smith"),
    item("C3", "one_to_one", "north", "Adviser", interviewee="Omar Khan", shareable=True,
         text="Talk to OMAR KHAN about the MI; Khan knows."),
    item("C4", "one_to_one", "north", "Adviser", shareable=True, text="Nobody owns the journey."),
    item("C5", "one_to_one", "north", "Manager", interviewee="Priya Patel", shareable=True,
         text="I set the targets myself."),
    item("C6", "group_session", "south", "Adviser", participants=6, shareable=True,
         text="We all do it differently."),
    item("C7", "group_session", "south", "Adviser", participants=4),
    item("C8", "one_to_one", "east", "Team leader", interviewee="Li Wei", shareable=True,
         text="We follow the centre's guidance."),
    item("C9", "document", "east", "Team leader"),
    item("C10", "observation", "south", "Receptionist"),
]  # fmt: skip


@pytest.fixture
def evidence(vocab: Vocabulary) -> pd.DataFrame:
    return evidence_frame(validate_evidence(ROWS, vocab, set()))


def subset(evidence: pd.DataFrame, *ids: str) -> pd.DataFrame:
    return evidence[evidence["id"].isin(ids)]


def test_people_counting_rule(evidence: pd.DataFrame) -> None:
    assert people(subset(evidence, "C1", "C2")) == 1  # one name, in two spellings
    assert people(subset(evidence, "C1", "C2", "C3", "C4")) == 3
    assert people(subset(evidence, "C6", "C7")) == 6  # sessions may share people: the largest
    assert people(subset(evidence, "C4", "C6")) == 6  # max(1 individual, session of 6)
    assert people(subset(evidence, "C9")) == 0  # a document singles nobody out
    assert people(subset(evidence, "C10")) == 1
    assert people(subset(evidence, "C9"), impersonal=()) == 1


def test_breakdown_by_site_and_role_suppresses_small_groups(evidence: pd.DataFrame) -> None:
    counts = suppressed_counts(evidence, ["site", "role"], min_group_size=3)
    assert list(counts.columns) == ["site", "role", "items", "suppressed"]
    assert counts.astype({"items": "object"}).to_dict("records") == [
        {"site": "east", "role": "Team leader", "items": None, "suppressed": True},
        {"site": "north", "role": "Adviser", "items": 4, "suppressed": False},
        {"site": "north", "role": "Manager", "items": None, "suppressed": True},
        {"site": "south", "role": "Adviser", "items": 2, "suppressed": False},
        {"site": "south", "role": "Receptionist", "items": None, "suppressed": True},
    ]


@pytest.mark.parametrize(
    ("floor", "hidden"),
    [
        (1, []),  # every cell rests on at least one person (east: Li Wei)
        (2, ["north/Manager", "south/Receptionist", "east/Team leader"]),
        (4, ["north/Adviser", "north/Manager", "south/Receptionist", "east/Team leader"]),
    ],
)
def test_the_floor_is_configurable(evidence: pd.DataFrame, floor: int, hidden: list[str]) -> None:
    counts = suppressed_counts(evidence, ["site", "role"], min_group_size=floor)
    cells = counts["site"] + "/" + counts["role"]
    assert sorted(cells[counts["suppressed"]]) == sorted(hidden)


def test_suppression_by_heading_and_dimension(vocab: Vocabulary) -> None:
    rows = [
        evidence_item(id="a", interviewee="A", dimensions=["morale", "culture"]),
        evidence_item(id="b", interviewee="B", dimensions=["morale"]),
        evidence_item(id="c", interviewee="C", dimensions=["morale"]),
    ]
    frame = evidence_frame(validate_evidence(rows, vocab, set()))
    counts = suppressed_counts(frame, ["heading", "dimension"], min_group_size=3)
    # morale: A, B, C = 3 people -> 3 items shown; culture: A alone -> suppressed
    assert counts.set_index("dimension")["items"].astype("object").to_dict() == {
        "culture": None,
        "morale": 3,
    }


def test_attribution_levels(evidence: pd.DataFrame) -> None:
    levels = attribution(evidence, 3).set_index("id")["level"].to_dict()
    assert levels == {
        "C1": "site_role",
        "C2": "site_role",
        "C3": "site_role",
        "C4": "site_role",
        "C5": "site",
        "C6": "site_role",
        "C7": "site_role",
        "C8": "none",
        "C9": "none",
        "C10": "site",  # south: max(1 unnamed, session of 6) = 6
    }


def test_client_quotes_are_shareable_ones_attributed_no_further_than_allowed(
    evidence: pd.DataFrame,
) -> None:
    quotes = client_view(evidence, 3).quotes
    assert list(quotes.columns) == QUOTE_COLUMNS
    assert quotes["evidence_id"].tolist() == ["C1", "C3", "C4", "C5", "C6", "C8"]
    shown = quotes.set_index("evidence_id")
    assert shown.loc["C1", "text"] == "[name] thinks the journey is unclear, ask [name]."
    assert shown.loc["C3", "text"] == "Talk to [name] about the MI; [name] knows."
    assert (shown.loc["C1", "site"], shown.loc["C1", "role"]) == ("north", "Adviser")
    assert (shown.loc["C5", "site"], pd.isna(shown.loc["C5", "role"])) == ("north", True)
    assert pd.isna(shown.loc["C8", "site"]) and pd.isna(shown.loc["C8", "role"])


def every_cell(frame: pd.DataFrame) -> list[str]:
    cells = []
    for value in frame.to_numpy().ravel():
        cells += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return cells + [str(c) for c in frame.columns]


@pytest.mark.parametrize("floor", [1, 3, 5])
def test_a_client_view_never_contains_a_name_from_the_input(
    evidence: pd.DataFrame, floor: int
) -> None:
    view = client_view(evidence, floor)
    parts = {p for name in NAMES for p in name.split()}
    for frame in (view.quotes, view.by_site_role, view.by_heading_dimension):
        assert "interviewee" not in frame.columns
        for cell in every_cell(frame):
            for name in NAMES:
                assert " ".join(name.casefold().split()) not in " ".join(cell.casefold().split())
            for part in parts:
                assert not re.search(rf"\b{re.escape(part)}\b", cell, flags=re.IGNORECASE), (
                    part,
                    cell,
                )


def test_a_name_typed_into_a_role_does_not_leak(vocab: Vocabulary) -> None:
    rows = [
        evidence_item(id=f"x{n}", interviewee=name, role="Deputy to Ann Lee", shareable=True)
        for n, name in enumerate(["Ann Lee", "Bo Diaz", "Cy Park"])
    ]
    view = client_view(evidence_frame(validate_evidence(rows, vocab, set())), 3)
    assert set(view.quotes["role"]) == {"Deputy to [name]"}
    assert set(view.by_site_role["role"]) == {"Deputy to [name]"}


def test_redact_leaves_ordinary_words_alone() -> None:
    assert redact("Will will help; ask Will Hay.", ["Will Hay"]) == (
        "[name] will help; ask [name]."
    )
    assert redact(None, ["A B"]) is None


def test_client_findings_replace_names_and_list_shareable_quotes(
    evidence: pd.DataFrame, vocab: Vocabulary
) -> None:
    findings = finding_frame(
        validate_findings(
            [
                {
                    "heading": "resources",
                    "statement": "Omar Khan and priya patel both said so.",
                    "evidence_ids": ["C1", "C2", "C3"],
                }
            ],
            vocab,
            set(evidence["id"]),
        )
    )
    (row,) = client_findings(findings, evidence).to_dict("records")
    # full names match whatever their case
    assert row["statement"] == "[name] and [name] both said so."
    assert row["evidence_items"] == 3
    assert row["quote_ids"] == ["C1", "C3"]  # C2 is not shareable
    kinds = evidence.set_index("id").loc[["C1", "C2", "C3"], "source_type"]
    assert row["source_kinds"] == kinds.nunique()
    assert row["weak"] == (kinds.nunique() < 2)
