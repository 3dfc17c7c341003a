"""Evidence counts, hypothesis verdicts with triangulation and suggested findings, by hand.

The fixture: eight evidence items (E1-E8) and five hypotheses (h1-h5); "+" confirms, "-" refutes.

| item | source            | site  | heading             | dimensions              | bears on |
| ---- | ----------------- | ----- | ------------------- | ----------------------- | -------- |
| E1   | one_to_one        | north | customer_experience | delivery_method, morale | h1+ h3-  |
| E2   | group_session     | north | customer_experience | delivery_method         | h1+ h4+  |
| E3   | observation       | south | customer_experience | delivery_method         | h1+      |
| E4   | one_to_one        | south | leadership_mi       | culture                 | h1-      |
| E5   | one_to_one        | east  | resources           | morale                  | h2+ h4-  |
| E6   | one_to_one        | east  | resources           | morale                  | h2+      |
| E7   | customer_feedback | north | customer_experience | delivery_method         | h3- h9+  |
| E8   | document          | ALL   | targets_measures    | contracted_kpis         | h3+      |

Sentiments: negative, except E4 positive and E6, E8 neutral.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from assessment.discovery.analysis import (
    counts_by,
    dense_clusters,
    evidence_counts,
    hypothesis_verdicts,
    suggest_findings,
    verdict,
    verdict_summary,
)
from assessment.discovery.models import evidence_frame
from assessment.discovery.validation import validate_evidence
from assessment.discovery.vocabulary import Vocabulary

from .conftest import evidence_item

C, R = "confirms", "refutes"


def on(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"hypothesis_key": key, "direction": direction} for key, direction in pairs]


ROWS: list[dict[str, Any]] = [
    evidence_item(
        id="E1", dimensions=["delivery_method", "morale"], bears_on=on(("h1", C), ("h3", R))
    ),
    evidence_item(
        id="E2", source_type="group_session", participants=5, bears_on=on(("h1", C), ("h4", C))
    ),
    evidence_item(id="E3", source_type="observation", site="south", bears_on=on(("h1", C))),
    evidence_item(
        id="E4", site="south", heading="leadership_mi", dimensions=["culture"],
        sentiment="positive", bears_on=on(("h1", R)),
    ),
    evidence_item(
        id="E5", site="east", heading="resources", dimensions=["morale"],
        bears_on=on(("h2", C), ("h4", R)),
    ),
    evidence_item(
        id="E6", site="east", heading="resources", dimensions=["morale"], sentiment="neutral",
        bears_on=on(("h2", C)),
    ),
    evidence_item(id="E7", source_type="customer_feedback", bears_on=on(("h3", R), ("h9", C))),
    evidence_item(
        id="E8", source_type="document", site="ALL", heading="targets_measures",
        dimensions=["contracted_kpis"], sentiment="neutral", bears_on=on(("h3", C)),
    ),
]  # fmt: skip


@pytest.fixture
def evidence(vocab: Vocabulary) -> pd.DataFrame:
    keys = {"h1", "h2", "h3", "h4", "h5", "h9"}
    return evidence_frame(validate_evidence(ROWS, vocab, keys))


@pytest.fixture
def hypotheses() -> pd.DataFrame:
    # h9 is not among them: evidence about a hypothesis not asked about is ignored
    return pd.DataFrame(
        {"key": ["h1", "h2", "h3", "h4", "h5"], "title": ["One", "Two", "Three", "Four", "Five"]}
    )


# -- the verdict rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confirms", "refutes", "expected"),
    [
        (0, 0, "untested"),
        (1, 0, "confirmed"),  # 1 >= 2 * 0
        (2, 1, "confirmed"),  # 2 >= 2 * 1
        (3, 2, "mixed"),  # 3 < 4 and 2 < 6
        (1, 1, "mixed"),
        (0, 1, "refuted"),
        (1, 2, "refuted"),  # 2 >= 2 * 1
        (2, 3, "mixed"),
    ],
)
def test_verdict_rule(confirms: int, refutes: int, expected: str) -> None:
    assert verdict(confirms, refutes) == expected


def test_verdicts_counts_and_triangulation(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame
) -> None:
    verdicts = hypothesis_verdicts(evidence, hypotheses).set_index("key")
    # h1: confirmed by E1 (one_to_one), E2 (group_session), E3 (observation); refuted by E4.
    #     3 >= 2 * 1: confirmed; three kinds of source agree: not weak.
    # h2: confirmed by E5 and E6, both one_to_one: confirmed, one kind: weak.
    # h3: refuted by E1 (one_to_one) and E7 (customer_feedback), confirmed by E8:
    #     2 >= 2 * 1: refuted; two kinds of source: not weak.
    # h4: confirmed by E2, refuted by E5: 1 against 1, mixed (no prevailing direction).
    # h5: no evidence: untested.
    assert verdicts["verdict"].to_dict() == {
        "h1": "confirmed",
        "h2": "confirmed",
        "h3": "refuted",
        "h4": "mixed",
        "h5": "untested",
    }
    assert verdicts["confirms"].tolist() == [3, 2, 1, 1, 0]
    assert verdicts["refutes"].tolist() == [1, 0, 2, 1, 0]
    assert verdicts["kinds_agreeing"].tolist() == [3, 1, 2, 0, 0]
    assert verdicts["weak"].tolist() == [False, True, False, False, False]
    assert verdicts.loc["h1", "source_types"] == ["group_session", "observation", "one_to_one"]
    assert verdicts.loc["h1", "confirm_ids"] == ["E1", "E2", "E3"]
    assert verdicts.loc["h1", "refute_ids"] == ["E4"]
    assert verdicts.loc["h3", "source_types"] == ["customer_feedback", "one_to_one"]
    assert verdicts.loc["h1", "title"] == "One"


def test_min_kinds_is_configurable(evidence: pd.DataFrame, hypotheses: pd.DataFrame) -> None:
    # with three kinds required, h3 (two kinds) becomes weak too; h1 (three) stays sound
    verdicts = hypothesis_verdicts(evidence, hypotheses, min_kinds=3)
    assert verdicts["weak"].tolist() == [False, True, True, False, False]


def test_verdicts_without_evidence_are_all_untested(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame
) -> None:
    verdicts = hypothesis_verdicts(evidence.iloc[0:0], hypotheses[["key"]])
    assert verdicts["verdict"].tolist() == ["untested"] * 5
    assert verdicts["title"].tolist() == ["h1", "h2", "h3", "h4", "h5"]  # key stands in


def test_verdict_summary_lists_every_verdict(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame
) -> None:
    summary = verdict_summary(hypothesis_verdicts(evidence, hypotheses))
    assert summary.to_dict("list") == {
        "verdict": ["confirmed", "refuted", "mixed", "untested"],
        "hypotheses": [2, 1, 1, 1],
    }


# -- counts -------------------------------------------------------------------------------------


def test_evidence_counts_long_frame(evidence: pd.DataFrame) -> None:
    counts = evidence_counts(evidence)
    assert list(counts.columns) == ["heading", "dimension", "site", "source_type", "items"]
    # 8 items, E1 on two dimensions: 9 item-dimension pairs; E5 and E6 share one cell
    assert counts["items"].sum() == 9
    assert len(counts) == 8
    cell = counts[
        (counts["heading"] == "resources")
        & (counts["dimension"] == "morale")
        & (counts["site"] == "east")
        & (counts["source_type"] == "one_to_one")
    ]
    assert cell["items"].tolist() == [2]


def test_counts_by_heading_and_dimension(evidence: pd.DataFrame) -> None:
    grid = counts_by(evidence_counts(evidence), ["heading", "dimension"])
    # customer_experience x delivery_method: E1, E2, E3, E7 = 4; x morale: E1 = 1
    # leadership_mi x culture: E4; resources x morale: E5, E6; targets_measures x KPIs: E8
    assert grid.to_dict("list") == {
        "heading": [
            "customer_experience",
            "customer_experience",
            "leadership_mi",
            "resources",
            "targets_measures",
        ],
        "dimension": ["delivery_method", "morale", "culture", "morale", "contracted_kpis"],
        "items": [4, 1, 1, 2, 1],
    }


def test_counts_by_site_and_source(evidence: pd.DataFrame) -> None:
    by_site = counts_by(evidence_counts(evidence), ["site"]).set_index("site")["items"]
    # north: E1 (2 dims) + E2 + E7 = 4; south: E3 + E4 = 2; east: E5 + E6 = 2; ALL: E8 = 1
    assert by_site.to_dict() == {"ALL": 1, "east": 2, "north": 4, "south": 2}


# -- suggested findings -------------------------------------------------------------------------


def test_dense_clusters_need_enough_items_from_enough_kinds(evidence: pd.DataFrame) -> None:
    clusters = dense_clusters(evidence, min_items=3, min_kinds=2)
    # only customer_experience x delivery_method has >= 3 items (4, from four kinds);
    # resources x morale has 2 items from one kind
    assert clusters[["heading", "dimension", "items", "kinds", "negative"]].to_dict("records") == [
        {
            "heading": "customer_experience",
            "dimension": "delivery_method",
            "items": 4,
            "kinds": 4,
            "negative": 4,
        }
    ]
    assert clusters.loc[0, "evidence_ids"] == ["E1", "E2", "E3", "E7"]
    # two items are enough with min_items=2, but one kind of source is not
    assert len(dense_clusters(evidence, min_items=2, min_kinds=2)) == 1
    assert len(dense_clusters(evidence, min_items=2, min_kinds=1)) == 2


def test_suggested_findings_from_confirmed_hypotheses_then_clusters(
    evidence: pd.DataFrame, hypotheses: pd.DataFrame, vocab: Vocabulary
) -> None:
    verdicts = hypothesis_verdicts(evidence, hypotheses)
    suggestions = suggest_findings(verdicts, evidence, vocab)
    # h1 and h2 are confirmed; h1's confirming items are all customer_experience, h2's resources
    shown = suggestions.fillna({"hypothesis_key": "(none)"})
    assert shown[["origin", "heading", "hypothesis_key", "items", "kinds", "weak"]].to_dict(
        "records"
    ) == [
        {
            "origin": "hypothesis",
            "heading": "customer_experience",
            "hypothesis_key": "h1",
            "items": 3,
            "kinds": 3,
            "weak": False,
        },
        {
            "origin": "hypothesis",
            "heading": "resources",
            "hypothesis_key": "h2",
            "items": 2,
            "kinds": 1,
            "weak": True,
        },
        {
            "origin": "cluster",
            "heading": "customer_experience",
            "hypothesis_key": "(none)",
            "items": 4,
            "kinds": 4,
            "weak": False,
        },
    ]
    assert suggestions.loc[1, "statement"].endswith("weak: rests on one kind of source.")
    assert "One: confirmed by 3 item(s) from 3 kinds of source" in suggestions.loc[0, "statement"]
    assert suggestions.loc[2, "statement"].startswith("Customer experience / Delivery method: 4")


def test_a_tie_of_headings_goes_to_the_first_in_the_method(vocab: Vocabulary) -> None:
    rows = [
        evidence_item(id="a", heading="resources", bears_on=on(("h1", C))),
        evidence_item(id="b", heading="leadership_mi", bears_on=on(("h1", C))),
    ]
    frame = evidence_frame(validate_evidence(rows, vocab, {"h1"}))
    verdicts = hypothesis_verdicts(frame, pd.DataFrame({"key": ["h1"], "title": ["One"]}))
    (heading,) = suggest_findings(verdicts, frame, vocab)["heading"]
    # one item each: leadership_mi comes before resources in the method's headings
    assert heading == "leadership_mi"
