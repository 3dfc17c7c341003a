"""The store's file: created whole, checked at every open, and errors that name it.

A damaged store is refused with :class:`StoreDamaged` naming its latest backup (taken before each
run, see :mod:`assessment.backups`); one that cannot be written with :class:`StoreUnwritable`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from assessment.errors import WorkbookError


class StoreDamaged(WorkbookError):
    """The store file is empty, not a database, cut short or corrupted (message names it)."""


class StoreUnwritable(WorkbookError):
    """The store cannot be written: a read-only folder or file, or a full disk."""


SQLITE_HEADER = b"SQLite format 3\x00"
BACKUPS_DIR = "backups"
"""Beside the store: a copy taken before each run (see :mod:`assessment.backups`)."""


def latest_backup(path: Path) -> Path | None:
    """The newest backup of the store at ``path``, if any."""
    found = (path.parent / BACKUPS_DIR).glob(f"{path.stem}-*.sqlite")
    ordered = sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))
    return ordered[-1] if ordered else None


def damaged(path: Path, what: str) -> StoreDamaged:
    """The error for a damaged store: what is wrong, nothing written, and its latest backup."""
    backup = latest_backup(path)
    if backup is None:
        remedy = "no backup of it exists yet (a backup is taken before each run)"
    else:
        remedy = f"the latest backup is {backup}: bring it back with assess restore {path.parent}"
    return StoreDamaged(f"{path}: {what}. Nothing was written to it; {remedy}")


def create_file(path: Path, migrations: Sequence[str]) -> None:
    """Create a new store whole from the core ``migrations``, then put it in place.

    A store file is never seen empty: otherwise a process opening the store while another
    creates it would find a zero-length file, which :func:`check_file` must refuse (an emptied
    store must not pass for a new one).
    """
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            for number, script in enumerate(migrations, start=1):
                conn.execute("BEGIN IMMEDIATE")
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
        finally:
            conn.close()
        with suppress(FileExistsError):  # another process put its new store there first
            os.link(tmp, path)
    except OSError as error:
        raise unwritable(path, error) from None
    except sqlite3.Error as error:
        raise unwritable(path, error) from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)


def check_file(path: Path) -> None:
    """Refuse a store file that exists but cannot be a good store: cheap checks, at every open.

    An empty file would otherwise be taken for a new store (and every entry made in the notebooks
    lost without a word); another file's bytes, or a store cut short, would fail later with a bare
    ``DatabaseError``.

    Raises:
        StoreDamaged: Zero length, not a SQLite database, or shorter than its header says.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return  # a new store
    if size == 0:
        raise damaged(path, "the workbook store is empty (0 bytes), not a new store")
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise damaged(path, "not a workbook store (not a SQLite database)")
    if len(header) < 100:
        raise damaged(path, "the workbook store is cut short (shorter than its header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the header's page count is current
    if valid and pages and size < pages * page_size:
        raise damaged(
            path, f"the workbook store is cut short ({size} bytes of {pages * page_size})"
        )


def unwritable(path: Path, error: BaseException) -> StoreUnwritable:
    """The clear error for a store that cannot be written (read-only place, full disk)."""
    return StoreUnwritable(
        f"{path}: the workbook store cannot be written ({error}). Check that the engagement "
        "folder is writable and the disk has room; nothing was changed"
    )
