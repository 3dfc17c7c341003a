"""``assess run``, ``batch``, ``serve`` and ``export``: run engagements, hand the report over."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


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


def add_run_commands(commands: argparse._SubParsersAction) -> None:
    """``assess run`` and ``assess batch``: one engagement, or every contract of a portfolio."""
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


def add_report_commands(commands: argparse._SubParsersAction) -> None:
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
