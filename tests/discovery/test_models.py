"""Discovery's records: the method vocabularies in engagement.yaml and every check of a batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assessment.discovery.models import TEXT_MAX, Evidence, evidence_frame
from assessment.discovery.validation import validate_evidence, validate_findings, validate_journey
from assessment.discovery.vocabulary import Vocabulary, default_vocabulary, vocabulary
from assessment.engagement import load_engagement
from assessment.errors import InputError

Item = Callable[..., dict[str, Any]]


# -- the method section of engagement.yaml ----------------------------------------------------


def test_engagement_without_method_section_gets_the_methods_defaults(engagement_dir: Path) -> None:
    vocab = vocabulary(load_engagement(engagement_dir))
    assert list(vocab.headings.values()) == [
        "Customer experience",
        "Leadership & MI",
        "Resources",
        "Targets & measures aligned to outcomes",
    ]
    assert len(vocab.dimensions) == 10
    assert vocab.dimensions["landscape_knowledge"] == "Knowledge of the landscape"
    assert list(vocab.source_types) == [
        "one_to_one",
        "group_session",
        "observation",
        "customer_feedback",
        "document",
    ]
    assert list(vocab.sentiments) == ["positive", "neutral", "negative"]
    assert vocab.min_group_size == 3
    assert vocab.sites == {"north": "North Hub", "south": "South Hub"}


def test_a_firm_adapts_its_method_in_engagement_yaml(engagement_dir: Path) -> None:
    path = engagement_dir / "engagement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "method:\n"
        + "  headings:\n"
        + "    outcomes: Outcomes\n"
        + "    people: People & culture\n"
        + "  min_group_size: 5\n",
        encoding="utf-8",
    )
    vocab = vocabulary(load_engagement(engagement_dir))
    assert vocab.headings == {"outcomes": "Outcomes", "people": "People & culture"}
    assert vocab.min_group_size == 5
    assert len(vocab.dimensions) == 10  # a vocabulary not given keeps its default


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("  headings:\n    Bad Key: Label\n", "method.headings"),
        ("  sentiments:\n    good: Good\n    fine: good\n", "labels must be distinct"),
        ("  min_group_size: 0\n", "method.min_group_size"),
        ("  headings: {}\n", "method.headings"),
    ],
)
def test_a_bad_method_section_is_named_with_its_line(
    engagement_dir: Path, section: str, expected: str
) -> None:
    path = engagement_dir / "engagement.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "method:\n" + section, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_engagement(engagement_dir)
    assert expected in str(caught.value)
    assert "line" in str(caught.value)


def test_vocabulary_resolves_keys_and_labels_in_any_case(vocab: Vocabulary) -> None:
    assert vocab.resolve("headings", "leadership_mi") == "leadership_mi"
    assert vocab.resolve("headings", " leadership & mi ") == "leadership_mi"
    assert vocab.resolve("sites", "North Hub") == "north"
    assert vocab.resolve("sites", "ALL") == "ALL"
    assert vocab.resolve("headings", "Finance") is None
    assert vocab.label("dimensions", "contracted_kpis") == "Contracted KPIs"
    assert vocab.label("dimensions", "retired_one") == "retired_one"


# -- evidence -----------------------------------------------------------------------------------


def test_valid_evidence_has_labels_resolved_to_keys(vocab: Vocabulary, make_item: Item) -> None:
    (record,) = validate_evidence(
        [
            make_item(
                source_type="Customer feedback",
                site="South Hub",
                heading="Targets & measures aligned to outcomes",
                dimensions=["Contracted KPIs", "morale", "Morale"],
                sentiment="Positive",
                bears_on=[{"hypothesis_key": "h1", "direction": "confirms"}],
            )
        ],
        vocab,
        {"h1"},
    )
    assert (record.source_type, record.site, record.heading, record.sentiment) == (
        "customer_feedback",
        "south",
        "targets_measures",
        "positive",
    )
    assert record.dimensions == ["contracted_kpis", "morale"]  # named twice, kept once
    assert record.bears_on[0].direction == "confirms"
    assert len(record.id) == 12  # a stable id is made once


def test_every_problem_of_a_batch_is_reported_at_once_with_row_and_field(
    vocab: Vocabulary, make_item: Item
) -> None:
    rows = [
        make_item(),  # row 1 is fine
        make_item(heading="Finance"),  # row 2
        make_item(dimensions=["morale", "happiness"]),  # row 3
        make_item(bears_on=[{"hypothesis_key": "h9", "direction": "confirms"}]),  # row 4
        make_item(text="x" * (TEXT_MAX + 1)),  # row 5
        make_item(dimensions=[]),  # row 6
        make_item(source_type="podcast", site="west"),  # row 7: two problems
        make_item(text="", heading="Finance"),  # row 8: broken in shape, still fully checked
    ]
    with pytest.raises(InputError) as caught:
        validate_evidence(rows, vocab, {"h1", "h2"}, where="capture.xlsx", first_row=2)
    found = {(p.location, p.field) for p in caught.value.problems}
    assert found == {
        ("row 3", "heading"),
        ("row 4", "dimensions"),
        ("row 5", "bears_on"),
        ("row 6", "text"),
        ("row 7", "dimensions"),
        ("row 8", "source_type"),
        ("row 8", "site"),
        ("row 9", "text"),
        ("row 9", "heading"),
    }
    message = str(caught.value)
    assert "capture.xlsx, row 3, 'heading': unknown heading 'Finance' (expected one of:" in message
    assert "unknown dimension 'happiness'" in message
    assert "no hypothesis with key 'h9'" in message
    assert "got 2001 characters" in message


def test_a_hypothesis_named_twice_on_one_item_is_an_error(
    vocab: Vocabulary, make_item: Item
) -> None:
    row = make_item(
        bears_on=[
            {"hypothesis_key": "h1", "direction": "confirms"},
            {"hypothesis_key": "h1", "direction": "refutes"},
        ]
    )
    with pytest.raises(InputError, match="hypothesis named more than once: h1"):
        validate_evidence([row], vocab, {"h1"})


def test_a_direction_other_than_confirms_or_refutes_is_an_error(
    vocab: Vocabulary, make_item: Item
) -> None:
    row = make_item(bears_on=[{"hypothesis_key": "h1", "direction": "supports"}])
    with pytest.raises(InputError, match=r"bears_on\.0\.direction"):
        validate_evidence([row], vocab, {"h1"})


def test_records_made_without_validation_are_checked_again(
    vocab: Vocabulary, make_item: Item
) -> None:
    # model_construct skips pydantic's checks: the batch check must not trust it
    row = make_item(id="abc", date=dt.date(2025, 3, 4), text="y" * (TEXT_MAX + 1))
    record = Evidence.model_construct(**row)
    with pytest.raises(InputError, match="at most 2000 characters"):
        validate_evidence([record], vocab, set())


def test_repeated_ids_in_a_batch_are_an_error(vocab: Vocabulary, make_item: Item) -> None:
    with pytest.raises(InputError, match="id 'e1' repeated in the batch"):
        validate_evidence([make_item(id="e1"), make_item(id="e1")], vocab, set())


def test_evidence_frame_has_the_canonical_columns_and_types(
    vocab: Vocabulary, make_item: Item
) -> None:
    records = validate_evidence(
        [make_item(participants=6, source_type="group_session"), make_item(interviewee="A B")],
        vocab,
        set(),
    )
    frame = evidence_frame(records)
    assert list(frame.columns)[:4] == ["id", "source_type", "site", "role"]
    assert str(frame["participants"].dtype) == "Int64"
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["interviewee"].isna().tolist() == [True, False]
    assert evidence_frame([]).columns.tolist() == frame.columns.tolist()


# -- journeys -----------------------------------------------------------------------------------


def step(site: str, order: int, name: str, **kw: Any) -> dict[str, Any]:
    return {"site": site, "order": order, "step": name} | kw


def test_journey_steps_resolve_sites_and_accept_a_contract_wide_defined_journey(
    vocab: Vocabulary,
) -> None:
    steps = validate_journey(
        [
            step("North Hub", 1, "Referral"),
            step("north", 2, "Assessment"),
            step("ALL", 1, "Referral", journey="defined"),
        ],
        vocab,
    )
    assert [(s.journey, s.site, s.order) for s in steps] == [
        ("current", "north", 1),
        ("current", "north", 2),
        ("defined", "ALL", 1),
    ]


def test_a_journey_with_repeated_step_orders_is_an_error(vocab: Vocabulary) -> None:
    rows = [
        step("north", 1, "Referral"),
        step("north", 2, "Assessment"),
        step("North Hub", 2, "Action plan"),  # row 3: repeats order 2 of north
        step("south", 2, "Action plan"),  # another site: fine
    ]
    with pytest.raises(InputError) as caught:
        validate_journey(rows, vocab, where="journeys.csv", first_row=2)
    (problem,) = caught.value.problems
    assert (problem.location, problem.field) == ("row 4", "order")
    assert "step order 2 repeated in the current journey of north (first at row 3)" in str(problem)


def test_a_current_journey_must_belong_to_a_site(vocab: Vocabulary) -> None:
    with pytest.raises(InputError, match="a current journey belongs to one site"):
        validate_journey([step("ALL", 1, "Referral")], vocab)


def test_bad_journey_fields_are_all_reported(vocab: Vocabulary) -> None:
    rows = [step("west", 0, ""), step("north", 1, "Referral", duration_days=-1)]
    with pytest.raises(InputError) as caught:
        validate_journey(rows, vocab)
    assert {(p.location, p.field) for p in caught.value.problems} == {
        ("row 1", "order"),
        ("row 1", "step"),
        ("row 1", "site"),  # a row broken in shape still has its site checked
        ("row 2", "duration_days"),
    }


# -- findings -----------------------------------------------------------------------------------


def test_findings_resolve_their_heading_and_know_their_evidence(vocab: Vocabulary) -> None:
    (finding,) = validate_findings(
        [{"heading": "Resources", "statement": "Too few advisers", "evidence_ids": ["a", "a"]}],
        vocab,
        {"a"},
    )
    assert (finding.heading, finding.evidence_ids) == ("resources", ["a"])


def test_a_finding_on_unknown_evidence_or_heading_is_an_error(vocab: Vocabulary) -> None:
    rows = [{"heading": "Money", "statement": "x", "evidence_ids": ["a", "zz"]}]
    with pytest.raises(InputError) as caught:
        validate_findings(rows, vocab, {"a"})
    assert {p.field for p in caught.value.problems} == {"heading", "evidence_ids"}
    assert "no evidence item with id 'zz'" in str(caught.value)


def test_default_vocabulary_without_sites_still_allows_the_contract(make_item: Item) -> None:
    vocab = default_vocabulary()
    (record,) = validate_evidence([make_item(site="ALL")], vocab, set())
    assert record.site == "ALL"
