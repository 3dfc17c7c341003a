"""The workbook store: schema version, transactions, frames, hypotheses that keep annotations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from assessment import store as store_module
from assessment.store import Store, StoreVersionError, open_store, write_frames
from assessment.store_schema import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "workbook.sqlite") as opened:
        yield opened


def hypothesis(key: str, statement: str, figures: dict[str, float]) -> dict[str, object]:
    return {
        "key": key,
        "kind": "underperformance",
        "site": "north",
        "kpi": "job_outcomes",
        "title": f"Title of {key}",
        "statement": statement,
        "figures": figures,
    }


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """Fix the store's clock, so first_seen and last_seen can be told apart."""
    monkeypatch.setattr(store_module, "_now", lambda: when)


def test_new_store_is_at_the_current_schema_version(store: Store) -> None:
    assert SCHEMA_VERSION >= 1
    assert store.version == SCHEMA_VERSION
    tables = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"frames", "hypotheses", "schema_components"} <= tables
    assert not {"annotations", "run_log"} & tables  # dropped: never used


def test_store_uses_wal_journal(store: Store) -> None:
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"


def test_reopening_a_store_keeps_its_content(tmp_path: Path) -> None:
    path = tmp_path / "workbook.sqlite"
    with Store(path) as first:
        first.put_frames("step1", {"kpi": pd.DataFrame({"a": [1.0]})})

    with Store(path) as again:
        assert again.version == SCHEMA_VERSION
        assert again.frame("kpi")["a"].tolist() == [1.0]


def test_frames_round_trip_with_their_dtypes(store: Store) -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-02-01"]).astype("datetime64[ns]"),
            "actual": [90.5, 110.0],
            "site": pd.Series(["north", "south"], dtype="str"),
        }
    )

    store.put_frames("step1", {"performance": frame})
    back = store.frame("performance")

    pd.testing.assert_frame_equal(back, frame)
    assert back.dtypes.to_dict() == {
        "period": "datetime64[ns]",
        "actual": "float64",
        "site": frame["site"].dtype,
    }


def test_put_frames_replaces_a_frame_whole(store: Store) -> None:
    store.put_frames("step1", {"kpi": pd.DataFrame({"a": [1, 2, 3]}), "other": pd.DataFrame()})
    store.put_frames("step1", {"kpi": pd.DataFrame({"b": [9]})})

    assert store.frame("kpi").to_dict("list") == {"b": [9]}
    assert store.frame_names() == ["kpi", "other"]
    assert store.frame_names("step2") == []
    assert store.has_frame("kpi")
    assert not store.has_frame("missing")


def test_missing_frame_says_which_step_to_run(store: Store) -> None:
    with pytest.raises(KeyError) as caught:
        store.frame("flow")

    assert caught.value.args[0] == (
        f"no stored result 'flow' in {store.path}: run the step that makes it"
    )


def test_failing_transaction_leaves_nothing_written(store: Store) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as tx:
        write_frames(tx, "step1", {"kpi": pd.DataFrame({"a": [1.0]})})
        raise RuntimeError("boom")

    assert store.frame_names() == []
    # and the store still takes writes afterwards
    store.put_frames("step1", {"kpi": pd.DataFrame({"a": [2.0]})})
    assert store.frame_names() == ["kpi"]


def test_sync_hypotheses_keeps_first_seen_and_updates_figures(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2024-01-01T09:00:00+00:00")
    store.sync_hypotheses("step1", [hypothesis("h-north", "North is at 60%", {"pct": 60.0})])
    at(monkeypatch, "2024-02-01T09:00:00+00:00")
    store.sync_hypotheses("step1", [hypothesis("h-north", "North is at 70%", {"pct": 70.0})])

    rows = store.hypotheses(include_retired=True)

    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["key"] == "h-north"
    assert row["statement"] == "North is at 70%"
    assert row["figures"] == {"pct": 70.0}
    assert row["status"] == "current"
    assert row["first_seen"] == "2024-01-01T09:00:00+00:00"
    assert row["last_seen"] == "2024-02-01T09:00:00+00:00"


def test_hypothesis_no_longer_suggested_is_retired_not_deleted(store: Store) -> None:
    store.sync_hypotheses(
        "step1",
        [hypothesis("h-north", "North low", {"pct": 60}), hypothesis("h-south", "South low", {})],
    )
    store.sync_hypotheses("step1", [hypothesis("h-south", "South low", {})])

    assert store.hypotheses()["key"].tolist() == ["h-south"]
    everything = store.hypotheses(include_retired=True).set_index("key")["status"].to_dict()
    assert everything == {"h-south": "current", "h-north": "retired"}


def test_hypotheses_keep_the_order_their_step_gave(store: Store) -> None:
    keys = ["h-c", "h-a", "h-b"]
    store.sync_hypotheses("step1", [hypothesis(k, k, {}) for k in keys])

    assert store.hypotheses()["key"].tolist() == keys


def test_annotation_survives_a_rerun_that_retires_its_hypothesis(store: Store) -> None:
    store.sync_hypotheses("step1", [hypothesis("h-north", "North low", {"pct": 60})])
    # a step's own table of entries keyed on a hypothesis (as step 2's notes are)
    store.ensure_schema(
        "annotating_step",
        (
            "CREATE TABLE annotations (hypothesis_key TEXT NOT NULL REFERENCES hypotheses(key), "
            "stance TEXT NOT NULL, note TEXT NOT NULL)",
        ),
    )
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO annotations(hypothesis_key, stance, note) VALUES (?, ?, ?)",
            ("h-north", "agree", "Seen on site visit"),
        )

    store.sync_hypotheses("step1", [hypothesis("h-south", "South low", {})])
    store.sync_hypotheses("step1", [hypothesis("h-north", "North low again", {"pct": 55})])

    notes = store.query("SELECT hypothesis_key, stance, note FROM annotations")
    assert [tuple(r) for r in notes] == [("h-north", "agree", "Seen on site visit")]
    assert store.hypotheses()["key"].tolist() == ["h-north"]


def test_store_from_a_newer_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "workbook.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    with pytest.raises(StoreVersionError) as caught:
        Store(path)

    message = str(caught.value)
    assert str(path) in message
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert f"newer than this workbook's {SCHEMA_VERSION}" in message
    assert "upgrade the workbook" in message
    # nothing was migrated over it
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_backup_writes_a_readable_copy(store: Store, tmp_path: Path) -> None:
    store.put_frames("step1", {"kpi": pd.DataFrame({"a": [1.5, 2.5]})})
    store.sync_hypotheses("step1", [hypothesis("h-north", "North low", {"pct": 60})])

    copy = store.backup_to(tmp_path / "backup" / "copy.sqlite")

    assert copy == tmp_path / "backup" / "copy.sqlite"
    assert not (tmp_path / "backup" / "copy.sqlite.tmp").exists()
    with Store(copy) as restored:
        assert restored.version == SCHEMA_VERSION
        assert restored.frame("kpi")["a"].tolist() == [1.5, 2.5]
        assert restored.hypotheses()["key"].tolist() == ["h-north"]


def test_component_schema_is_applied_once_and_in_order(tmp_path: Path) -> None:
    migrations = (
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
        "ALTER TABLE notes ADD COLUMN site TEXT",
    )
    with Store(tmp_path / "w.sqlite") as store:
        store.ensure_schema("notes", migrations[:1])
        with store.transaction() as tx:
            tx.execute("INSERT INTO notes(text) VALUES ('kept')")
        store.ensure_schema("notes", migrations)
        store.ensure_schema("notes", migrations)  # idempotent
        rows = store.query("SELECT text, site FROM notes")
        assert [tuple(r) for r in rows] == [("kept", None)]
        version = store.query("SELECT version FROM schema_components WHERE component='notes'")
        assert version[0]["version"] == 2


def test_component_schema_newer_than_code_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "w.sqlite") as store:
        store.ensure_schema("notes", ("CREATE TABLE notes (id INTEGER)", "SELECT 1"))
        with pytest.raises(StoreVersionError, match="'notes' tables have version 2"):
            store.ensure_schema("notes", ("CREATE TABLE notes (id INTEGER)",))
