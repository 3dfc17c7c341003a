"""``assess open``, ``import``, ``freeze-opinion``, ``capture``, ``plan`` and ``restore``.

The consultant's commands on one engagement: its notebooks, capture sheets, action plan and store.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessment.engagement import Engagement


def _open(args: argparse.Namespace) -> int:
    from assessment.workspace import configure_lab, prepare, start_lab

    workspace = prepare(args.path)
    for path in workspace.created:
        print(f"  prepared {path}")
    for path in workspace.kept:
        print(f"  kept your working copy {path}")
    setup = configure_lab(workspace.folder)
    print(f"  JupyterLab settings in {setup.settings_dir.parent}: no news pop-up, the step")
    print("  notebooks open in order, the working folder as the root")
    if args.no_lab:
        return 0
    print(f"Starting JupyterLab on {workspace.folder} (127.0.0.1). Stop with Ctrl+C.", flush=True)
    return start_lab(workspace.folder)


def _checked(path: Path) -> Engagement:
    """The engagement, once its store has been read through (a damaged one is named)."""
    from assessment.engagement import load_engagement
    from assessment.store import Store

    engagement = load_engagement(path)
    if engagement.store_path.exists():
        with Store(engagement.store_path) as store:
            store.check()
    return engagement


def _import(args: argparse.Namespace) -> int:
    from assessment.sheets import import_file

    result = import_file(_checked(args.path), args.file)
    print(f"Imported {result.summary()}")
    return 0


def _freeze_opinion(args: argparse.Namespace) -> int:
    from assessment.data_analysis.step import freeze_opinion
    from assessment.engagement import load_engagement

    print(freeze_opinion(load_engagement(args.path)))
    return 0


def _capture(args: argparse.Namespace) -> int:
    from assessment.errors import InputError
    from assessment.sheets import write_engagement_sheet

    if args.file.exists():
        raise InputError.single(args.file, "exists already: choose a new file name")
    path = write_engagement_sheet(_checked(args.path), args.file)
    print(f"Capture sheet for offline entry: {path}")
    print(f"Import it when filled: assess import {args.path} {path}")
    return 0


def add_step_commands(commands: argparse._SubParsersAction) -> None:
    """``assess open``, ``assess import`` and ``assess capture``: the consultant's steps 2+."""
    open_ = commands.add_parser("open", help="open the engagement's step notebooks in JupyterLab")
    open_.add_argument("path", type=Path, help="the engagement folder")
    open_.add_argument(
        "--no-lab", action="store_true", help="prepare the working copies, do not start JupyterLab"
    )
    open_.set_defaults(handler=_open)

    imp = commands.add_parser("import", help="import a filled capture sheet (Excel)")
    imp.add_argument("path", type=Path, help="the engagement folder")
    imp.add_argument("file", type=Path, help="the capture sheet (.xlsx)")
    imp.set_defaults(handler=_import)

    freeze = commands.add_parser(
        "freeze-opinion", help="step 1 done: freeze the initial opinion on today's data"
    )
    freeze.add_argument("path", type=Path, help="the engagement folder")
    freeze.set_defaults(handler=_freeze_opinion)

    capture = commands.add_parser("capture", help="write a capture sheet to fill in offline")
    capture.add_argument("path", type=Path, help="the engagement folder")
    capture.add_argument("file", type=Path, help="the new capture sheet (.xlsx)")
    capture.set_defaults(handler=_capture)


def _plan(args: argparse.Namespace) -> int:
    from assessment.recommendations import export_plan, import_status

    engagement = _checked(args.path)
    if args.action == "export":
        print(f"Action plan for the client's tracking: {export_plan(engagement, args.file)}")
        print(f"Import their status updates with: assess plan import {args.path} {args.file}")
    else:
        print(f"Imported {import_status(engagement, args.file).summary()}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from assessment.backups import backups, restore
    from assessment.engagement import load_engagement
    from assessment.runner import engagement_lock

    engagement = load_engagement(args.path)
    if args.list:
        found = backups(engagement.store_path)
        for backup in found:
            print(backup)
        if not found:
            print(f"No backup of {engagement.store_path} yet (one is taken before each run).")
        return 0
    with engagement_lock(engagement, wait=False):  # never under a running run
        chosen, kept = restore(engagement.store_path, args.backup)
    print(f"Restored {engagement.store_path} from {chosen}.")
    if kept:
        print(f"The store it replaced is kept as {kept}.")
    return 0


def add_plan_commands(commands: argparse._SubParsersAction) -> None:
    """``assess plan export|import``: step 5's action plan in Excel, and its status updates."""
    plan = commands.add_parser("plan", help="export the action plan to Excel, import its statuses")
    plan.add_argument("action", choices=["export", "import"], help="export or import")
    plan.add_argument("path", type=Path, help="the engagement folder")
    plan.add_argument("file", type=Path, help="the action plan workbook (.xlsx)")
    plan.set_defaults(handler=_plan)

    restore = commands.add_parser("restore", help="bring back a backup of the engagement's store")
    restore.add_argument("path", type=Path, help="the engagement folder")
    restore.add_argument("backup", type=Path, nargs="?", help="the backup (default: the newest)")
    restore.add_argument("--list", action="store_true", help="list the backups, restore nothing")
    restore.set_defaults(handler=_restore)
