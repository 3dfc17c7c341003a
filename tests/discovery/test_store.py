"""Discovery's tables: what goes in comes back; a bad batch leaves the store exactly as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from assessment.discovery import store as discovery
from assessment.discovery.models import TEXT_MAX
from assessment.discovery.vocabulary import Vocabulary
from assessment.errors import InputError
from assessment.store import Store

Item = Callable[..., dict[str, Any]]


def snapshot(store: Store) -> dict[str, Any]:
    """Everything discovery holds, to compare before and after a rejected write."""
    return {
        "counts": dict(discovery.counts(store)),
        "evidence": discovery.evidence(store).to_json(date_format="iso"),
        "journeys": discovery.journeys(store).to_json(),
        "findings": discovery.findings(store).to_json(),
    }


def steps(site: str, names: list[str], journey: str = "current") -> list[dict[str, Any]]:
    return [
        {"journey": journey, "site": site, "order": n, "step": s, "owner": "Adviser"}
        for n, s in enumerate(names, start=1)
    ]


@pytest.fixture
def filled(store: Store, vocab: Vocabulary, make_item: Item) -> Store:
    """A store with two evidence items (e1, e2), two journeys and one finding on e1."""
    discovery.add_evidence(
        store,
        vocab,
        [
            make_item(
                id="e1",
                interviewee="Jane Smith",
                dimensions=["morale", "culture"],
                bears_on=[
                    {"hypothesis_key": "h2", "direction": "refutes"},
                    {"hypothesis_key": "h1", "direction": "confirms"},
                ],
                shareable=True,
            ),
            make_item(id="e2", source_type="group_session", participants=5, site="south"),
        ],
    )
    discovery.replace_journeys(
        store, vocab, steps("north", ["Referral", "Assessment"]) + steps("south", ["Referral"])
    )
    discovery.save_findings(
        store,
        vocab,
        [{"id": "f1", "heading": "resources", "statement": "S", "evidence_ids": ["e1"]}],
    )
    return store


def test_evidence_round_trip(filled: Store) -> None:
    frame = discovery.evidence(filled).set_index("id")
    assert frame.index.tolist() == ["e1", "e2"]
    e1 = frame.loc["e1"]
    assert e1["interviewee"] == "Jane Smith"
    assert e1["dimensions"] == ["morale", "culture"]  # order kept
    assert e1["bears_on"] == [
        {"hypothesis_key": "h2", "direction": "refutes"},
        {"hypothesis_key": "h1", "direction": "confirms"},
    ]
    assert bool(e1["shareable"]) is True
    assert e1["date"] == pd.Timestamp("2025-03-04")
    assert frame.loc["e2", "participants"] == 5
    assert discovery.counts(filled)["discovery_bearings"] == 2


def test_labels_are_stored_as_keys(store: Store, vocab: Vocabulary, make_item: Item) -> None:
    (new_id,) = discovery.add_evidence(
        store,
        vocab,
        [make_item(heading="Leadership & MI", site="East Hub", dimensions=["Revenue"])],
    )
    row = discovery.evidence(store).iloc[0]
    assert (row["id"], row["heading"], row["site"], row["dimensions"]) == (
        new_id,
        "leadership_mi",
        "east",
        ["revenue"],
    )


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({"heading": "Finance"}, "unknown heading 'Finance'"),
        ({"dimensions": ["morale", "happiness"]}, "unknown dimension 'happiness'"),
        (
            {"bears_on": [{"hypothesis_key": "nope", "direction": "confirms"}]},
            "no hypothesis with key 'nope'",
        ),
        ({"text": "x" * (TEXT_MAX + 1)}, "at most 2000 characters (got 2001 characters"),
        ({"sentiment": "furious"}, "unknown sentiment 'furious'"),
    ],
)
def test_a_bad_item_rejects_the_whole_batch_and_leaves_the_store_unchanged(
    filled: Store, vocab: Vocabulary, make_item: Item, bad: dict[str, Any], expected: str
) -> None:
    before = snapshot(filled)
    batch = [make_item(id="ok"), make_item(id="bad", **bad)]
    with pytest.raises(InputError) as caught:
        discovery.save_evidence(filled, vocab, batch)
    assert expected in str(caught.value)
    assert "row 2" in str(caught.value)
    assert snapshot(filled) == before  # not even the good row was stored


def test_add_refuses_a_known_id_and_update_an_unknown_one(
    filled: Store, vocab: Vocabulary, make_item: Item
) -> None:
    before = snapshot(filled)
    with pytest.raises(InputError, match="evidence 'e1' already exists"):
        discovery.add_evidence(filled, vocab, [make_item(id="e1")])
    with pytest.raises(InputError, match="no evidence item with id 'e9' to update"):
        discovery.update_evidence(filled, vocab, [make_item(id="e9")])
    assert snapshot(filled) == before


def test_update_replaces_an_item_whole(filled: Store, vocab: Vocabulary, make_item: Item) -> None:
    discovery.update_evidence(
        filled,
        vocab,
        [
            make_item(
                id="e1", text="Changed", bears_on=[{"hypothesis_key": "h3", "direction": "refutes"}]
            )
        ],
    )
    e1 = discovery.evidence(filled).set_index("id").loc["e1"]
    assert e1["text"] == "Changed"
    assert e1["bears_on"] == [{"hypothesis_key": "h3", "direction": "refutes"}]
    assert pd.isna(e1["interviewee"])  # the update did not give one: replaced whole
    assert discovery.counts(filled)["discovery_bearings"] == 1


def test_evidence_on_a_retired_hypothesis_stays_editable(
    filled: Store, vocab: Vocabulary, make_item: Item
) -> None:
    filled.sync_hypotheses("data_analysis", [])  # a re-run retires h1 to h5
    rows = [make_item(id="e1", bears_on=[{"hypothesis_key": "h1", "direction": "confirms"}])]
    discovery.update_evidence(filled, vocab, rows)
    assert (
        discovery.evidence(filled).set_index("id").loc["e1", "bears_on"][0]["hypothesis_key"]
        == "h1"
    )


def test_delete_evidence(filled: Store, vocab: Vocabulary) -> None:
    before = snapshot(filled)
    with pytest.raises(InputError) as caught:
        discovery.delete_evidence(filled, ["e2", "e1", "zz"])
    assert "no evidence item with id 'zz'" in str(caught.value)
    assert "evidence 'e1' supports finding 'f1'" in str(caught.value)
    assert snapshot(filled) == before
    discovery.delete_evidence(filled, ["e2"])
    assert discovery.evidence(filled)["id"].tolist() == ["e1"]
    discovery.delete_findings(filled, ["f1"])
    discovery.delete_evidence(filled, ["e1"])
    assert discovery.counts(filled) == {
        "discovery_evidence": 0,
        "discovery_bearings": 0,  # cascaded
        "discovery_journey_steps": 3,
        "discovery_findings": 0,
        "discovery_finding_evidence": 0,
    }


def test_the_store_itself_refuses_an_overlong_text(filled: Store) -> None:
    # a writer that skips the checks still meets the table's own constraint
    before = snapshot(filled)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):  # noqa: SIM117
        with filled.transaction() as tx:
            tx.execute("UPDATE discovery_evidence SET text = 'short' WHERE id = 'e2'")
            tx.execute(
                "UPDATE discovery_evidence SET text = ? WHERE id = 'e1'", ("x" * (TEXT_MAX + 1),)
            )
    assert snapshot(filled) == before  # the first update was rolled back with it


def test_bearings_must_name_a_stored_hypothesis_in_the_table_too(filled: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), filled.transaction() as tx:
        tx.execute(
            "INSERT INTO discovery_bearings(evidence_id, hypothesis_key, direction, position) "
            "VALUES ('e2', 'nope', 'confirms', 0)"
        )


# -- journeys -----------------------------------------------------------------------------------


def test_replacing_a_journey_replaces_that_journey_only(filled: Store, vocab: Vocabulary) -> None:
    discovery.replace_journeys(filled, vocab, steps("North Hub", ["Triage", "Plan", "Outcome"]))
    frame = discovery.journeys(filled)
    assert frame[frame["site"] == "north"]["step"].tolist() == ["Triage", "Plan", "Outcome"]
    assert frame[frame["site"] == "south"]["step"].tolist() == ["Referral"]
    assert list(frame.columns) == [
        "journey",
        "site",
        "order",
        "step",
        "owner",
        "channel",
        "duration_days",
        "value_adding",
    ]


def test_a_journey_with_repeated_step_orders_leaves_the_store_unchanged(
    filled: Store, vocab: Vocabulary
) -> None:
    before = snapshot(filled)
    rows = [*steps("north", ["Triage", "Plan"]), {"site": "north", "order": 2, "step": "Outcome"}]
    with pytest.raises(InputError, match="step order 2 repeated in the current journey of north"):
        discovery.replace_journeys(filled, vocab, rows)
    assert snapshot(filled) == before


def test_defined_and_proposed_journeys_live_beside_the_current_ones(
    filled: Store, vocab: Vocabulary
) -> None:
    discovery.replace_journeys(
        filled,
        vocab,
        steps("ALL", ["Referral", "Assessment"], "defined") + steps("north", ["Plan"], "proposed"),
    )
    frame = discovery.journeys(filled)
    assert sorted(set(zip(frame["journey"], frame["site"], strict=True))) == [
        ("current", "north"),
        ("current", "south"),
        ("defined", "ALL"),
        ("proposed", "north"),
    ]
    discovery.delete_journey(filled, "proposed", "north")
    assert "proposed" not in set(discovery.journeys(filled)["journey"])


# -- findings -----------------------------------------------------------------------------------


def test_findings_round_trip_and_rejections(filled: Store, vocab: Vocabulary) -> None:
    discovery.save_findings(
        filled,
        vocab,
        [
            {
                "id": "f1",
                "heading": "Leadership & MI",
                "statement": "New",
                "evidence_ids": ["e2", "e1"],
            }
        ],
    )
    (finding,) = discovery.finding_records(filled)
    assert (finding.heading, finding.statement, finding.evidence_ids) == (
        "leadership_mi",
        "New",
        ["e2", "e1"],
    )
    before = snapshot(filled)
    with pytest.raises(InputError) as caught:
        discovery.save_findings(
            filled,
            vocab,
            [
                {"heading": "Resources", "statement": "fine", "evidence_ids": ["e1"]},
                {"heading": "Money", "statement": "x" * (TEXT_MAX + 1), "evidence_ids": ["e7"]},
            ],
        )
    # every problem at once, those of a row broken in shape included
    assert {(p.location, p.field) for p in caught.value.problems} == {
        ("row 2", "statement"),
        ("row 2", "heading"),
        ("row 2", "evidence_ids"),
    }
    assert snapshot(filled) == before
    with pytest.raises(InputError, match="no finding with id 'f9'"):
        discovery.delete_findings(filled, ["f9"])


def test_schema_is_versioned_and_set_up_once(store: Store) -> None:
    discovery.ensure(store)
    discovery.ensure(store)
    rows = store.query("SELECT version FROM schema_components WHERE component = 'discovery'")
    assert [r["version"] for r in rows] == [len(discovery.MIGRATIONS)]
