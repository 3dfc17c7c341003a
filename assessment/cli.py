"""The ``assess`` command: start, check and run engagements."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assessment import __version__
from assessment.cli_scenario import add_scenario_commands
from assessment.errors import WorkbookError

if TYPE_CHECKING:
    from assessment.engagement import Engagement


def _new(args: argparse.Namespace) -> int:
    from assessment.scaffold import new_engagement

    folder = new_engagement(args.path, args.client, start=args.start, end=args.end)
    print(f"New engagement for {args.client} in {folder}")
    print(f"Next: edit {folder / 'engagement.yaml'} (sites, KPIs), put the client's files in")
    print(f"{folder / 'inputs'}, map each with: assess map {folder} FILE --write")
    print(f"then run: assess check {folder}")
    return 0


def _date(text: str) -> dt.date:
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


def _run(args: argparse.Namespace) -> int:
    from assessment.batch import run_with_kernel

    def progress(name: str, seconds: float) -> None:
        if not args.quiet:
            print(f"  ran {name} in {seconds:.1f} s", flush=True)

    if not args.quiet:
        print(f"Running {args.path} ...", flush=True)

    def waiting(who: str) -> None:
        print(f"Waiting: {args.path} is being run by {who} ...", file=sys.stderr, flush=True)

    result = run_with_kernel(
        args.path, on_notebook=progress, wait=not args.no_wait, on_wait=waiting
    )
    print(f"Run {result.run_id} succeeded in {result.seconds:.1f} s.")
    print(f"Report: {result.report.resolve()}")
    return 0


def _batch(args: argparse.Namespace) -> int:
    import json

    from assessment.batch import load_portfolio, run_batch

    portfolio = load_portfolio(args.portfolio)
    out = sys.stderr if args.json else sys.stdout  # with --json, stdout holds only the JSON
    if not args.quiet:
        print(f"Batch of {portfolio.name}: {len(portfolio.contracts)} contracts", file=out)
    summary = run_batch(
        portfolio,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        quiet=args.quiet,
        internal=args.internal,
    )
    for failed in summary.failed:
        print(f"failed: {failed.key}: {failed.describe()}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary.model_dump(), indent=2))
    if not args.quiet:
        counts = ", ".join(f"{v} {k}" for k, v in summary.counts.items())
        print(f"{len(summary.contracts)} contracts in {summary.seconds:.1f} s: {counts}.", file=out)
        print(f"Index: {summary.index}", file=out)
    return 1 if summary.failed else 0


def _serve(args: argparse.Namespace) -> int:
    from assessment.serve import ServeOptions, default_pool_size, serve

    options = ServeOptions(
        host=args.host,
        port=args.port,
        token=args.token or "",
        pool_size=default_pool_size(args.what_if) if args.pool_size is None else args.pool_size,
        refill_delay=args.refill_delay,
        max_kernels=args.max_kernels,
        kernel_idle=args.kernel_idle,
        what_if=args.what_if,
    )

    def announce(url: str) -> None:
        print(f"Serving the client report. Give the client this address:\n  {url}", flush=True)
        print("Stop with Ctrl+C.", flush=True)

    code = serve(args.path, options, announce=announce)
    # kernels are killed and the served folder removed by now; the interpreter's own shutdown
    # then waited about 2 s on Jupyter's threads, so SIGTERM took over 2 s to stop the server
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _export(args: argparse.Namespace) -> int:
    from assessment.export import export_report

    exported = export_report(args.run, args.to, pdf=args.pdf, paper=args.paper)
    print(f"Report: {exported.html.resolve()}")
    if exported.pdf:
        print(f"PDF: {exported.pdf.resolve()}")
    return 0


def _add_report_commands(commands: argparse._SubParsersAction) -> None:
    """``assess serve`` and ``assess export``: hand the client report to the client."""
    from assessment.serve import DEFAULT_KERNEL_IDLE, DEFAULT_REFILL_DELAY

    serve = commands.add_parser("serve", help="serve the client report in a browser (Voila)")
    serve.add_argument("path", type=Path, help="the engagement folder (latest run) or a run folder")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    serve.add_argument("--token", help="access token for the URL (default: a random one)")
    serve.add_argument(
        "--pool-size",
        type=int,
        help="pre-heated kernels (default 1, which renders the page once; 6 with --what-if)",
    )
    serve.add_argument(
        "--refill-delay",
        type=float,
        default=DEFAULT_REFILL_DELAY,
        help="seconds before a used pre-heated kernel is replaced (default %(default)s)",
    )
    serve.add_argument(
        "--max-kernels",
        type=int,
        help="kernels alive at most, the pool included (default: pool + 2); views beyond are "
        "served at once without a kernel",
    )
    serve.add_argument(
        "--kernel-idle",
        type=float,
        default=DEFAULT_KERNEL_IDLE,
        help="seconds a page's kernel lives on once no page is connected (default %(default)s)",
    )
    serve.add_argument(
        "--what-if",
        action="store_true",
        help="add the live What if controls (the page then loads Voila's widget managers)",
    )
    serve.set_defaults(handler=_serve)

    export = commands.add_parser("export", help="copy the self-contained report (and a PDF)")
    export.add_argument("run", type=Path, help="a run folder, or an engagement (its latest run)")
    export.add_argument("--to", type=Path, required=True, help="the folder to write into")
    export.add_argument("--pdf", action="store_true", help="also print a PDF with Chromium")
    export.add_argument(
        "--paper",
        choices=["a4", "letter"],
        default="a4",
        help="the PDF's paper: a4 (default) or letter (US)",
    )
    export.set_defaults(handler=_export)


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


def _add_step_commands(commands: argparse._SubParsersAction) -> None:
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


def _add_plan_commands(commands: argparse._SubParsersAction) -> None:
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
    new.add_argument("--start", type=_date, required=True, help="contract start (YYYY-MM-DD)")
    new.add_argument("--end", type=_date, required=True, help="contract end (YYYY-MM-DD)")
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

    run = commands.add_parser("run", help="run the step notebooks and write the client report")
    run.add_argument("path", type=Path, help="the engagement folder")
    run.add_argument("--quiet", action="store_true", help="print only the outcome")
    run.add_argument(
        "--no-wait",
        action="store_true",
        help="if the engagement is being run already, stop at once (default: wait for it)",
    )
    run.set_defaults(handler=_run)

    batch = commands.add_parser("batch", help="run every contract of a portfolio in parallel")
    batch.add_argument("portfolio", type=Path, help="the portfolio file (portfolio.yaml)")
    batch.add_argument("--workers", type=int, help="local worker processes (default: one a core)")
    batch.add_argument("--scheduler", help="run on this Dask scheduler (tcp://host:port)")
    batch.add_argument(
        "--resume", action="store_true", help="run only contracts failed or changed since"
    )
    batch.add_argument("--quiet", action="store_true", help="no progress; print only failures")
    batch.add_argument("--json", action="store_true", help="print the summary as JSON")
    batch.add_argument(
        "--internal",
        action="store_true",
        help="the index links the executed notebooks too (working papers: not for clients)",
    )
    batch.set_defaults(handler=_batch)
    _add_report_commands(commands)
    _add_step_commands(commands)
    _add_plan_commands(commands)
    add_scenario_commands(commands, _date)
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


if __name__ == "__main__":
    sys.exit(main())
