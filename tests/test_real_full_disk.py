"""A real full disk: the engagement folder on a small tmpfs, filled until a run hits it.

The fault corpus (test_fault_corpus.py) injects ENOSPC / EROFS by patching; this test lets the
kernel refuse the writes, wherever they fall. For each amount of room left, the run must fail
with a clear error (a ``WorkbookError``, never a bare ``OSError`` or ``sqlite3`` error), leave no
run folder that looks good without being good and nothing unfinished, keep the consultant's note,
and succeed once there is room again. Found this way, and fixed: with no room at all the run
lock's note failed when closed ("[Errno 28] No space left on device", a traceback), and with a
little room the store's backup failed with a bare "sqlite3.OperationalError: database or disk is
full" and left its half copy behind.

Mounting a tmpfs needs root with CAP_SYS_ADMIN (CI runs as root); elsewhere the test is skipped
and says why.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from faults import NOTEBOOKS, notes_in, quick_executor, type_a_note

from assessment.errors import WorkbookError
from assessment.runner import run_engagement, run_status

NOTE = "Paperwork takes all morning"
ROOM_LEFT_KB = (0, 4, 16, 64, 96, 128, 160, 192)
"""Room left on the disk before the second run; the demo-sized store is about 190 KB."""
OUTCOMES: dict[int, str] = {}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted for the test (unmounted after it)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)]
    try:
        mounted = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("a real full disk needs the mount command to make a small tmpfs")
    if mounted.returncode != 0:
        pytest.skip(
            "a real full disk needs to mount a small tmpfs (root with CAP_SYS_ADMIN): "
            f"{mounted.stderr.strip() or mounted.returncode}"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path, room_kb: int) -> Path:
    """Fill ``disk`` until ``room_kb`` KB are left; return the filler file."""
    stats = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as sink:
        sink.write(b"\0" * max(stats.f_bavail * stats.f_frsize - room_kb * 1024, 0))
    return filler


def looks_good_but_is_not(folder: Path) -> list[str]:
    runs = [p for p in (folder / "runs").iterdir() if p.is_dir()]
    plain = [p for p in runs if not p.name.startswith(".") and not p.name.endswith(".failed")]
    return [p.name for p in plain if run_status(p) != "succeeded"]


@pytest.mark.parametrize("room_kb", ROOM_LEFT_KB)
def test_a_run_on_a_full_disk_fails_clearly_and_loses_nothing(
    room_kb: int, small_disk: Path, make_engagement: Callable[..., Path]
) -> None:
    folder = make_engagement(small_disk / "engagement")
    type_a_note(folder, NOTE)
    run_engagement(folder, notebooks=NOTEBOOKS, executor=quick_executor)
    filler = fill(small_disk, room_kb)
    try:
        run_engagement(folder, notebooks=NOTEBOOKS, executor=quick_executor)
        OUTCOMES[room_kb] = "succeeded"
    except WorkbookError as error:  # anything else (OSError, sqlite3.Error) fails the test
        message = str(error)
        assert "Traceback" not in message and str(folder) in message
        said = message.replace(str(folder), "<engagement>").splitlines()[0]
        OUTCOMES[room_kb] = f"{type(error).__name__}: {said[:110]}"
    finally:
        filler.unlink()
    if list((folder / "runs").glob("*.failed")):
        OUTCOMES[room_kb] += " (run folder ended .failed)"
    assert looks_good_but_is_not(folder) == []
    assert list((folder / "runs").glob(".incomplete-*")) == []
    assert list((folder / "backups").glob("*.tmp")) == []  # no half backup left
    assert notes_in(folder) == [NOTE]
    again = run_engagement(folder, notebooks=NOTEBOOKS, executor=quick_executor)
    assert run_status(again.folder) == "succeeded"


def test_real_full_disk_summary() -> None:
    """Runs last: which failure each amount of room met; most must have failed, one mid-run."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # as the fault corpus's summary: one process
        pytest.skip("the full-disk summary needs every case in one process: `make test` runs it")
    if len(OUTCOMES) < len(ROOM_LEFT_KB):
        pytest.skip("run with the full-disk tests (they need to mount a tmpfs)")
    for room_kb, outcome in sorted(OUTCOMES.items()):
        print(f"\n{room_kb:>4} KB left: {outcome}", end="")
    failed = [room for room, outcome in OUTCOMES.items() if outcome != "succeeded"]
    assert 0 in failed and len(failed) >= len(ROOM_LEFT_KB) // 2  # the disk really was full
    assert any(outcome.endswith(".failed)") for outcome in failed_outcomes(OUTCOMES))


def failed_outcomes(outcomes: dict[int, str]) -> list[str]:
    """The outcomes of the runs that failed (one at least hit the disk mid-run)."""
    return [outcome for outcome in outcomes.values() if outcome != "succeeded"]
