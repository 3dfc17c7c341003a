"""``assess new``, ``check``, ``schema`` and ``map``: start an engagement and check its files."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def _new(args: argparse.Namespace) -> int:
    from assessment.scaffold import new_engagement

    folder = new_engagement(args.path, args.client, start=args.start, end=args.end)
    print(f"New engagement for {args.client} in {folder}")
    print(f"Next: edit {folder / 'engagement.yaml'} (sites, KPIs), put the client's files in")
    print(f"{folder / 'inputs'}, map each with: assess map {folder} FILE --write")
    print(f"then run: assess check {folder}")
    return 0


def iso_date(text: str) -> dt.date:
    """A command-line date, YYYY-MM-DD; argparse names the argument if it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2025-04-01, got '{text}'"
        ) from None


def _check(args: argparse.Namespace) -> int:
    from assessment.scaffold import check_engagement

    report = check_engagement(args.path)
    print(report.summary())
    if report.extracts is None:
        print("OK: engagement.yaml is valid.")
        return 0
    warnings = report.warnings()
    if warnings:
        count = len(report.extracts.notices)
        print(f"{count} warning{'s' if count > 1 else ''} (read, but worth a look):\n{warnings}")
    print("OK: engagement.yaml and every extract are valid.")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from assessment import reference

    if args.write:
        written = reference.write_reference()
        for path in written:
            print(f"wrote {path}")
        if not written:
            print("The schema and the reference are up to date.")
        return 0
    print(reference.reference_text() if args.reference else reference.schema_text(), end="")
    return 0


def _map(args: argparse.Namespace) -> int:
    from assessment.engagement import load_engagement
    from assessment.mapping import merge_into_engagement, proposal_yaml, propose

    engagement = load_engagement(args.path)
    proposal = propose(engagement, args.file, args.kind)
    print(proposal_yaml(proposal), end="")
    if args.write:
        written = merge_into_engagement(engagement, proposal)
        print(f"Wrote inputs.{proposal.kind} into {written}; next: assess check {args.path}")
    else:
        print(
            f"Add it to engagement.yaml, or run again with --write; then: assess check {args.path}"
        )
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """``assess new``, ``check``, ``schema`` and ``map``: an engagement's folder and files."""
    new = commands.add_parser("new", help="start a new engagement folder from the templates")
    new.add_argument("path", type=Path, help="the new engagement folder")
    new.add_argument("--client", required=True, help="the client's name")
    new.add_argument("--start", type=iso_date, required=True, help="contract start (YYYY-MM-DD)")
    new.add_argument("--end", type=iso_date, required=True, help="contract end (YYYY-MM-DD)")
    new.set_defaults(handler=_new)

    check = commands.add_parser("check", help="validate engagement.yaml and every extract")
    check.add_argument("path", type=Path, help="the engagement folder")
    check.set_defaults(handler=_check)

    schema = commands.add_parser("schema", help="print the JSON Schema of engagement.yaml")
    schema.add_argument(
        "--reference", action="store_true", help="print the Markdown reference of every key"
    )
    schema.add_argument(
        "--write", action="store_true", help="renew the shipped schema and docs reference"
    )
    schema.set_defaults(handler=_schema)

    map_ = commands.add_parser("map", help="propose how engagement.yaml maps a client's file")
    map_.add_argument("path", type=Path, help="the engagement folder")
    map_.add_argument("file", type=Path, help="the client's file (CSV, Excel or Parquet)")
    map_.add_argument(
        "--kind", choices=["kpi", "caseload", "work_sampling"], help="what the file holds"
    )
    map_.add_argument(
        "--write", action="store_true", help="merge the proposal into engagement.yaml"
    )
    map_.set_defaults(handler=_map)
