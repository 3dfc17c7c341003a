"""The evidence log of notebook 04: filtered, counted per option and paged."""

from __future__ import annotations

from assessment.discovery.log import ANY, EvidenceLog, filtered, option_counts
from assessment.discovery.models import evidence_frame
from assessment.discovery.validation import validate_evidence

TITLES = {"h1": "Eastgate Centre at 27% of target", "h2": "Harbour has no defined journey"}


def _frame(vocab, make_item):
    rows = [
        make_item(
            site="north",
            sentiment="negative",
            bears_on=[{"hypothesis_key": "h1", "direction": "confirms"}],
        ),
        make_item(site="north", sentiment="positive", text="Good morning huddles."),
        make_item(
            site="south",
            sentiment="negative",
            bears_on=[{"hypothesis_key": "h1", "direction": "refutes"}],
        ),
        make_item(
            site="south",
            source_type="observation",
            bears_on=[{"hypothesis_key": "h2", "direction": "confirms"}],
        ),
        make_item(site="east", heading="resources"),
    ]
    return evidence_frame(validate_evidence(rows, vocab, {"h1", "h2"}))


def test_filters_combine_and_count_what_each_option_would_leave(vocab, make_item) -> None:
    frame = _frame(vocab, make_item)
    assert len(filtered(frame, {"site": "north"})) == 2
    assert len(filtered(frame, {"hypothesis": "h1"})) == 2  # confirming or refuting
    assert len(filtered(frame, {"site": "south", "hypothesis": "h1"})) == 1
    assert len(filtered(frame, {"site": ANY, "sentiment": ANY})) == 5
    # with sentiment "negative" chosen, each site would leave: north 1, south 2, east 1
    counts = option_counts(frame, {"sentiment": "negative"}, "site", ["north", "south", "east"])
    assert counts == {"north": 1, "south": 2, "east": 1}


def test_the_log_pages_filters_and_names_things(vocab, make_item) -> None:
    frame = _frame(vocab, make_item)
    log = EvidenceLog(lambda: frame, vocab, TITLES, page_size=2)
    assert "Items 1–2 of 5 (page 1 of 3; 5 in the log)" in log.status.value
    assert log.previous.disabled and not log.next.disabled
    log.turn(1)
    log.turn(1)
    assert "Items 5–5 of 5 (page 3 of 3" in log.status.value and log.next.disabled
    assert dict(log.filters["site"].options)["South Hub (2)"] == "south"
    assert dict(log.filters["site"].options)["All (5)"] == ANY
    log.choose(hypothesis="h1")
    assert "Items 1–2 of 2 (page 1 of 1; 5 in the log)" in log.status.value
    options = dict(log.filters["hypothesis"].options)
    assert options["Eastgate Centre at 27% of target (2)"] == "h1"
    # the other filters now count within hypothesis h1: East Hub has none, so it is not offered
    assert [label for label, _ in log.filters["site"].options] == [
        "All (2)",
        "North Hub (1)",
        "South Hub (1)",
    ]
    page = log.table.value
    assert "confirms: Eastgate Centre at 27% of target" in page and "h1" not in page
    assert "North Hub" in page and "north" not in page  # names, not keys
    log.show_keys.value = True
    assert "<th>Id</th>" in log.table.value
    log.choose(hypothesis=ANY, site="east")
    assert "Items 1–1 of 1 (page 1 of 1; 5 in the log)" in log.status.value


def test_an_empty_log_says_so(vocab, make_item) -> None:
    frame = _frame(vocab, make_item).iloc[0:0]
    log = EvidenceLog(lambda: frame, vocab, TITLES)
    assert "No item matches these filters (0 in the log)." in log.status.value


def test_an_item_without_interviewee_shows_a_blank(vocab, make_item) -> None:
    frame = _frame(vocab, make_item)  # the fixture's items name no interviewee
    log = EvidenceLog(lambda: frame, vocab, TITLES)
    assert ">nan<" not in log.table.value and ">None<" not in log.table.value
    assert log.table.value.count("<td></td>") == len(frame)
