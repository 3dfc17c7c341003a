"""Backups of an engagement's store: one before each run, the last few kept, and restoring one.

The store holds what consultants typed (notes, evidence, the action plan): a damaged file must
never mean lost work. Before each run the store is checked page by page and copied with SQLite's
online backup (consistent even while a notebook has it open) into ``backups/`` beside it; the
newest :data:`KEEP` copies are kept. ``assess restore`` puts one back, after keeping the current
file aside (as ``backups/<name>-before-restore-<time>.sqlite``) so a restore loses nothing either.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from assessment.errors import WorkbookError
from assessment.store import Store
from assessment.store_file import BACKUPS_DIR, StoreDamaged, check_file

KEEP = 5
"""Backups kept per store (the oldest beyond this are removed after each new one)."""


class RestoreError(WorkbookError):
    """No backup to restore, or the named backup is not a good store."""


def backups(store_path: Path) -> list[Path]:
    """The store's backups taken before runs, oldest first."""
    folder = store_path.parent / BACKUPS_DIR
    found = [
        p for p in folder.glob(f"{store_path.stem}-*.sqlite") if "before-restore" not in p.name
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))  # run ids of one second


def backup_before_run(store_path: Path, run_id: str) -> Path | None:
    """Check the store and copy it to ``backups/<name>-<run_id>.sqlite``; keep the last five.

    Returns:
        The backup, or None when there is no store yet (a first run).

    Raises:
        StoreDamaged: The store is damaged (named, with its latest backup): the run must not
            start on it.
    """
    if not store_path.exists():
        return None
    with Store(store_path) as store:
        store.check()
        target = store.backup_to(
            store_path.parent / BACKUPS_DIR / f"{store_path.stem}-{run_id}.sqlite"
        )
    for old in backups(store_path)[:-KEEP]:
        old.unlink(missing_ok=True)
    return target


def restore(store_path: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put a backup back in place of the store (the newest by default).

    The current file, good or damaged, is first moved to ``backups/`` under a ``before-restore``
    name; SQLite's ``-wal`` and ``-shm`` files of the old store are moved with it (left in place
    they would be replayed onto the restored copy).

    Returns:
        (the backup restored, where the previous store was kept or None if there was none).

    Raises:
        RestoreError: No backup exists, or the chosen one is not a good store.
    """
    chosen = backup or (backups(store_path) or [None])[-1]
    if chosen is None or not chosen.is_file():
        raise RestoreError(
            f"{store_path}: no backup to restore in {store_path.parent / BACKUPS_DIR}"
            if backup is None
            else f"{backup}: no such backup"
        )
    _check_backup(chosen)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    kept = store_path.parent / BACKUPS_DIR / f"{store_path.stem}-before-restore-{stamp}.sqlite"
    previous = None
    if store_path.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(store_path, kept)
        previous = kept
    for suffix in ("-wal", "-shm"):
        side = store_path.with_name(store_path.name + suffix)
        if side.exists():
            if previous is not None:
                os.replace(side, kept.with_name(kept.name + suffix))
            else:
                side.unlink()
    tmp = store_path.with_name(f".{store_path.name}.restoring")
    shutil.copyfile(chosen, tmp)
    os.replace(tmp, store_path)
    return chosen, previous


def _check_backup(path: Path) -> None:
    try:
        check_file(path)
        with Store(path) as store:
            store.check()
    except StoreDamaged as error:
        raise RestoreError(f"{path}: this backup is damaged too ({error})") from None
