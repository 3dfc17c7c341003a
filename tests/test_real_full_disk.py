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
from typing import Any

import pytest
from faults import NOTEBOOKS, notes_in, quick_executor, type_a_note

from assessment.engagement import load_engagement
from assessment.errors import WorkbookError
from assessment.runner import run_engagement, run_status

NOTE = "Paperwork takes all morning"
MID_RUN = "0 KB from the first notebook"
"""The disk fills once the run is under way (the backup taken, the run folder begun)."""
ROOM_LEFT = (
    "0 KB",
    "16 KB",
    "store - 64 KB",
    "store + 0 KB",
    "store + 8 KB",
    "store + 16 KB",
    "store + 24 KB",
    "store + 32 KB",
    "store + 48 KB",
    "store + 64 KB",
    "store + 256 KB",
    MID_RUN,
)
"""Room left on the disk before the second run. The store's size differs from machine to machine
(about 190 KB here), and a run fails mid-way only when its backup fits and the rest does not, so
most amounts are given against the store's size."""
OUTCOMES: dict[str, str] = {}


def room_kb(case: str, store_kb: int) -> int:
    """The KB to leave free for ``case`` (one of ``ROOM_LEFT``) when the store has ``store_kb``."""
    words = case.removesuffix(" KB").split()
    if words[0] != "store":
        return int(words[0])
    sign = 1 if words[1] == "+" else -1
    return max(store_kb + sign * int(words[2]), 0)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs mounted for the test (unmounted after it)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)]
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


def fill(disk: Path, left_kb: int) -> Path:
    """Fill ``disk`` until ``left_kb`` KB are left; return the filler file."""
    stats = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as sink:
        sink.write(b"\0" * max(stats.f_bavail * stats.f_frsize - left_kb * 1024, 0))
    return filler


def filling_first(disk: Path) -> Callable[[Path, Path, dict[str, Any]], None]:
    """The quick executor, with the disk filled (nothing left) before the first notebook."""

    def execute(notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
        if not (disk / "filler").exists():
            fill(disk, 0)
        quick_executor(notebook, output, parameters)

    return execute


def looks_good_but_is_not(folder: Path) -> list[str]:
    runs = [p for p in (folder / "runs").iterdir() if p.is_dir()]
    plain = [p for p in runs if not p.name.startswith(".") and not p.name.endswith(".failed")]
    return [p.name for p in plain if run_status(p) != "succeeded"]


@pytest.mark.parametrize("room", ROOM_LEFT)
def test_a_run_on_a_full_disk_fails_clearly_and_loses_nothing(
    room: str, small_disk: Path, make_engagement: Callable[..., Path]
) -> None:
    folder = make_engagement(small_disk / "engagement")
    type_a_note(folder, NOTE)
    run_engagement(folder, notebooks=NOTEBOOKS, executor=quick_executor)
    store_kb = load_engagement(folder).store_path.stat().st_size // 1024
    filler = small_disk / "filler"
    executor = quick_executor
    if room == MID_RUN:
        executor = filling_first(small_disk)
    else:
        fill(small_disk, room_kb(room, store_kb))
    try:
        run_engagement(folder, notebooks=NOTEBOOKS, executor=executor)
        OUTCOMES[room] = "succeeded"
    except WorkbookError as error:  # anything else (OSError, sqlite3.Error) fails the test
        message = str(error)
        assert "Traceback" not in message and str(folder) in message
        said = message.replace(str(folder), "<engagement>").splitlines()[0]
        OUTCOMES[room] = f"{type(error).__name__}: {said[:110]}"
    finally:
        filler.unlink(missing_ok=True)
    if list((folder / "runs").glob("*.failed")):
        OUTCOMES[room] += " (run folder ended .failed)"
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
    if len(OUTCOMES) < len(ROOM_LEFT):
        pytest.skip("run with the full-disk tests (they need to mount a tmpfs)")
    for room, outcome in OUTCOMES.items():
        print(f"\n{room:>14} left: {outcome}", end="")
    failed = [room for room, outcome in OUTCOMES.items() if outcome != "succeeded"]
    assert "0 KB" in failed and len(failed) >= len(ROOM_LEFT) // 2  # the disk really was full
    assert any(outcome.endswith(".failed)") for outcome in failed_outcomes(OUTCOMES))


def failed_outcomes(outcomes: dict[int, str]) -> list[str]:
    """The outcomes of the runs that failed (one at least hit the disk mid-run)."""
    return [outcome for outcome in outcomes.values() if outcome != "succeeded"]
