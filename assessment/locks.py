"""Locks that say who holds them: one run of an engagement at a time, one batch of a portfolio.

A lock is ``fcntl.flock`` on a small file; the holder writes its pid, host, command and start
time into it, so whoever finds the lock taken can say who has it. The kernel releases a flock
when its holder dies however it dies (killed, out of memory), so a crash never leaves a stale
lock behind, and the file itself is never deleted (deleting a lock file is a race).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assessment.errors import WorkbookError

ENGAGEMENT_LOCK = ".run.lock"
"""In an engagement's ``runs/``: held by ``assess run`` and by a batch's run of the contract."""
PORTFOLIO_LOCK = ".batch.lock"
"""In a portfolio's ``runs/``: held by ``assess batch`` (and ``--resume``) while it runs."""
POLL_SECONDS = 0.2


class LockBusy(WorkbookError):
    """The lock is held by another process (named in the message)."""


def holder(path: Path) -> str:
    """Who holds the lock at ``path``, in words (as its holder wrote it)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return (
        f"pid {info.get('pid')} on {info.get('host')} ({info.get('command')}, "
        f"since {info.get('since')})"
    )


def _describe(what: str) -> str:
    return json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": what or " ".join(["assess", *sys.argv[1:]])[:200],
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )


@contextmanager
def hold(
    path: Path,
    what: str,
    *,
    wait: bool = True,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    busy: Callable[[str], str] | None = None,
) -> Iterator[None]:
    """Hold the lock at ``path`` for the ``with`` block.

    Args:
        path: The lock file (created if needed).
        what: What the holder is doing, written for others to read (e.g. ``assess run``).
        wait: Wait for the lock (True) or raise at once when it is taken.
        timeout: Seconds to wait at most (None: as long as it takes).
        on_wait: Called once with the holder's description when we start waiting.
        busy: Builds the error message from the holder's description.

    Raises:
        LockBusy: The lock is taken and ``wait`` is False, or ``timeout`` passed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle, path, wait=wait, timeout=timeout, on_wait=on_wait, busy=busy)
        handle.seek(0)
        handle.truncate()
        _note_holder(handle, what)
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # nobody holds it now
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _note_holder(handle: Any, what: str) -> None:
    """Write who holds the lock, for others to read.

    Written straight to the file, unbuffered: on a full disk the note is left blank (the lock
    itself holds), instead of a buffered write failing later, when the file is closed, with a
    bare "No space left on device" (found on a real full disk, tests/test_real_full_disk.py).
    """
    with contextlib.suppress(OSError):
        os.write(handle.fileno(), _describe(what).encode("utf-8"))


def _acquire(
    handle: object,
    path: Path,
    *,
    wait: bool,
    timeout: float | None,
    on_wait: Callable[[str], None] | None,
    busy: Callable[[str], str] | None,
) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            who = holder(path)
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                message = busy(who) if busy else f"{path} is locked by {who}"
                raise LockBusy(message) from None
            if on_wait is not None and not told:
                on_wait(who)
                told = True
            time.sleep(POLL_SECONDS)
