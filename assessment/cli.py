"""The ``assess`` command: start, check and run engagements."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from assessment import __version__
from assessment.errors import WorkbookError


def _new(args: argparse.Namespace) -> int:
    from assessment.scaffold import new_engagement

    folder = new_engagement(args.path, args.client)
    print(f"New engagement for {args.client} in {folder}")
    print(f"Next: edit {folder / 'engagement.yaml'}, put the client's extracts in")
    print(f"{folder / 'inputs'}, then run: assess check {folder}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from assessment.scaffold import check_engagement

    report = check_engagement(args.path)
    print(report.summary())
    print("OK: engagement.yaml and every extract are valid.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from assessment.runner import run_engagement

    def progress(name: str, seconds: float) -> None:
        if not args.quiet:
            print(f"  ran {name} in {seconds:.1f} s", flush=True)

    if not args.quiet:
        print(f"Running {args.path} ...", flush=True)
    result = run_engagement(args.path, on_notebook=progress)
    print(f"Run {result.run_id} succeeded in {result.seconds:.1f} s.")
    print(f"Report: {result.report.resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="assess",
        description="Assessment Workbook: run client improvement engagements from notebooks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser("new", help="start a new engagement folder from the templates")
    new.add_argument("path", type=Path, help="the new engagement folder")
    new.add_argument("--client", required=True, help="the client's name")
    new.set_defaults(handler=_new)

    check = commands.add_parser("check", help="validate engagement.yaml and every extract")
    check.add_argument("path", type=Path, help="the engagement folder")
    check.set_defaults(handler=_check)

    run = commands.add_parser("run", help="run the step notebooks and write the client report")
    run.add_argument("path", type=Path, help="the engagement folder")
    run.add_argument("--quiet", action="store_true", help="print only the outcome")
    run.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assess`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except WorkbookError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
