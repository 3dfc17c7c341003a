"""Runs that lose nothing: a damaged store is named, backed up stores come back, faults end failed.

Each test reproduces a failure seen on the product (issue 15): a truncated or garbage store gave
a bare DatabaseError (or, empty, was silently taken for a new one), a full disk or read-only
folder gave a traceback and left the run ``.incomplete``, ``.incomplete-*`` folders were never
cleaned, and two runs of a fresh engagement at once failed. (``run_log``, never written, was
removed with its docs on main.)
"""

from __future__ import annotations

import errno
import multiprocessing
import threading
from pathlib import Path

import pytest
from faults import DAMAGES, NOTEBOOKS, notes_in, quick_executor, type_a_note

from assessment import locks
from assessment.backups import KEEP, backups
from assessment.cli import main
from assessment.engagement import load_engagement
from assessment.errors import RunFailed
from assessment.runner import run_engagement
from assessment.store import Store
from assessment.store_file import StoreDamaged


def run(folder: Path, **kwargs) -> object:
    return run_engagement(folder, notebooks=NOTEBOOKS, executor=quick_executor, **kwargs)


def store_of(folder: Path) -> Path:
    return load_engagement(folder).store_path


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_store_is_named_with_its_backup_and_restored(
    engagement_dir: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    type_a_note(engagement_dir)
    run(engagement_dir)  # takes the backup
    DAMAGES[damage](store_of(engagement_dir))
    with pytest.raises(StoreDamaged) as raised:
        run(engagement_dir)
    message = str(raised.value)
    assert str(store_of(engagement_dir)) in message
    assert str(backups(store_of(engagement_dir))[-1]) in message
    assert len(list((engagement_dir / "runs").glob("2*"))) == 1  # no run started on it
    assert main(["restore", str(engagement_dir)]) == 0
    assert notes_in(engagement_dir) == ["Paperwork takes all morning"]
    kept = list((engagement_dir / "backups").glob("*before-restore*.sqlite"))
    assert len(kept) == 1  # the damaged file is kept aside, not deleted


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{e}", "{e}/x.xlsx"],
        ["plan", "export", "{e}", "{e}/p.xlsx"],
        ["capture", "{e}", "{e}/c.xlsx"],
    ],
)
def test_commands_name_a_damaged_store_without_a_traceback(
    engagement_dir: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    type_a_note(engagement_dir)
    DAMAGES["garbage"](store_of(engagement_dir))
    assert main([part.format(e=engagement_dir) for part in command]) == 2
    err = capsys.readouterr().err
    assert str(store_of(engagement_dir)) in err and "not a SQLite database" in err
    assert "Traceback" not in err


def test_backups_keep_the_last_five(engagement_dir: Path) -> None:
    type_a_note(engagement_dir)
    ids = [run(engagement_dir).run_id for _ in range(KEEP + 2)]
    kept = backups(store_of(engagement_dir))
    assert len(kept) == KEEP
    assert [p.stem.removeprefix("workbook-") for p in kept] == ids[-KEEP:]


def test_a_full_disk_ends_the_run_failed_with_a_clear_error(engagement_dir: Path) -> None:
    def full(notebook: Path, output: Path, parameters: dict) -> None:
        quick_executor(notebook, output, parameters)
        if notebook.name == "report.ipynb":
            raise OSError(errno.ENOSPC, "No space left on device", str(output))

    with pytest.raises(RunFailed, match="No space left on device"):
        run_engagement(engagement_dir, notebooks=NOTEBOOKS, executor=full)
    runs = engagement_dir / "runs"
    assert [p.name.endswith(".failed") for p in runs.iterdir() if p.is_dir()] == [True]


def test_a_read_only_folder_gives_a_clear_error(
    engagement_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args, **kwargs) -> None:
        if self.name.startswith(".incomplete-"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(RunFailed, match=r"Read-only file system.*writable"):
        run(engagement_dir)


def test_stale_unfinished_runs_are_removed_by_the_next_run(engagement_dir: Path) -> None:
    stale = engagement_dir / "runs" / ".incomplete-20250101-000000-dead"
    stale.mkdir(parents=True)
    (stale / "manifest.json").write_text("{}")
    result = run(engagement_dir)
    assert not stale.exists() and result.folder.is_dir()


def test_a_second_run_says_who_holds_the_engagement_or_waits(engagement_dir: Path) -> None:
    lock = engagement_dir / "runs" / locks.ENGAGEMENT_LOCK
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with locks.hold(lock, "assess run (the first)"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(
            locks.LockBusy, match=r"is being run by pid \d+ .*assess run \(the first\)"
        ):
            run(engagement_dir, wait=False)
        told: list[str] = []

        def waiting(who: str) -> None:  # the first run ends once the second is waiting
            told.append(who)
            threading.Timer(0.3, release.set).start()

        result = run(engagement_dir, on_wait=waiting)
    finally:
        release.set()
        thread.join()
    assert result.folder.is_dir() and "assess run (the first)" in told[0]


def _run_in_process(folder: str, barrier: multiprocessing.synchronize.Barrier, results) -> None:
    barrier.wait(30)
    try:
        run(Path(folder))
        results.put("ok")
    except Exception as error:  # reported to the test, which names it
        results.put(f"{type(error).__name__}: {error}")


def test_two_runs_of_a_fresh_engagement_at_once_both_succeed(
    make_engagement, tmp_path: Path
) -> None:
    context = multiprocessing.get_context("fork")
    outcomes = []
    for trial in range(4):
        folder = make_engagement(f"fresh-{trial}")
        barrier, results = context.Barrier(2), context.Queue()
        processes = [
            context.Process(target=_run_in_process, args=(str(folder), barrier, results))
            for _ in range(2)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(120)
        outcomes += [results.get(timeout=5) for _ in processes]
        good = [p for p in (folder / "runs").iterdir() if p.is_dir() and not p.name.startswith(".")]
        assert len(good) == 2, outcomes
    assert outcomes == ["ok"] * 8


def _create_schema(path: str, barrier, results) -> None:
    barrier.wait(30)
    try:
        with Store(path) as store:
            from assessment.capture import COMPONENT, MIGRATIONS

            store.ensure_schema(COMPONENT, MIGRATIONS)
        results.put("ok")
    except Exception as error:
        results.put(f"{type(error).__name__}: {error}")


def test_schema_creation_is_safe_when_processes_race(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    outcomes = []
    for trial in range(6):
        path = str(tmp_path / f"race-{trial}.sqlite")
        barrier, results = context.Barrier(4), context.Queue()
        processes = [
            context.Process(target=_create_schema, args=(path, barrier, results)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        outcomes += [results.get(timeout=5) for _ in processes]
    assert outcomes == ["ok"] * 24
