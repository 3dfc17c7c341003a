"""The ``assess`` command: start, check and run engagements.

One module per group of commands: :mod:`~assessment.cli.preparing` (new, check, schema, map),
:mod:`~assessment.cli.running` (run, batch, serve, export) and :mod:`~assessment.cli.capturing`
(open, import, freeze-opinion, capture, plan, restore); :mod:`~assessment.cli.scenario`
(scenario save, list, delete).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assessment import __version__
from assessment.cli import capturing, preparing, running, scenario
from assessment.errors import WorkbookError


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="assess",
        description="Assessment Workbook: run client improvement engagements from notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    preparing.add_commands(commands)
    running.add_run_commands(commands)
    running.add_report_commands(commands)
    capturing.add_step_commands(commands)
    capturing.add_plan_commands(commands)
    scenario.add_scenario_commands(commands, preparing.iso_date)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assess`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except WorkbookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        print(f"interrupted{f': {interrupt}' if str(interrupt) else ''}", file=sys.stderr)
        return 130
