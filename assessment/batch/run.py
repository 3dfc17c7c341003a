"""``assess batch``: run every contract of a portfolio, then write its index and summary.

Contracts run in parallel, on local worker processes by default or on a Dask cluster, each on
its own kernel, each through the runner's run-folder discipline. With ``resume`` a contract whose
newest run succeeded on today's inputs and parameters (SHA-256 of engagement.yaml and every
extract) is not run again. The batch writes ``runs/index.html`` and ``runs/summary.json`` beside
``portfolio.yaml``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Generator
from contextlib import AbstractContextManager, closing
from typing import TextIO

from assessment import locks
from assessment.batch.contract import ContractOutcome, ContractTask, up_to_date
from assessment.batch.index import write_index
from assessment.batch.local import default_workers, run_local
from assessment.batch.portfolio import ContractEntry, Portfolio
from assessment.batch.progress import Progress
from assessment.batch.summary import BatchSummary, ContractReport, standing, write_summary
from assessment.errors import WorkbookError
from assessment.run_folder import REPORT_HTML
from assessment.runner import new_run_id, step_notebooks

INDEX_FILE = "index.html"
SUMMARY_FILE = "summary.json"


class SchedulerUnreachable(WorkbookError):
    """The Dask scheduler named on the command line or in portfolio.yaml did not answer."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def plan(
    portfolio: Portfolio, batch_id: str, *, resume: bool, warm_imports: bool = True
) -> tuple[list[ContractTask], list[ContractOutcome]]:
    """Split the portfolio into contracts to run and, with ``resume``, those up to date."""
    tasks, skipped = [], []
    notebooks = [str(n) for n in step_notebooks()]  # decided once, here: workers may differ
    for contract in portfolio.contracts:
        folder = portfolio.folder(contract)
        last = up_to_date(folder, contract.parameters) if resume else None
        if last is not None:
            skipped.append(
                ContractOutcome(
                    key=contract.key,
                    folder=str(folder),
                    status="skipped",
                    run_id=last.name,
                    run_folder=str(last),
                    report=str(last / REPORT_HTML),
                    reason=f"inputs unchanged since run {last.name}",
                )
            )
            continue
        tasks.append(
            ContractTask(
                key=contract.key,
                folder=str(folder),
                run_id=batch_id,
                parameters=contract.parameters,
                notebooks=notebooks,
                warm_imports=warm_imports,
            )
        )
    return tasks, skipped


def run_batch(
    portfolio: Portfolio,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    quiet: bool = False,
    stream: TextIO | None = None,
    warm_imports: bool = True,
    internal: bool = False,
) -> BatchSummary:
    """Run the portfolio's contracts and write the index and the summary.

    Args:
        portfolio: The portfolio (see :func:`assessment.batch.portfolio.load_portfolio`).
        workers: Local worker processes (default: portfolio.yaml's, else one per core).
        scheduler: A Dask scheduler address (default: portfolio.yaml's); runs there if given.
        resume: Skip contracts whose last run succeeded on today's inputs and parameters.
        quiet: No progress display.
        stream: Where the progress display goes (stderr by default).
        warm_imports: Pre-import the heavy modules in each contract's kernel.
        internal: The index links the working papers too (a consultants' index, not a client's).

    Returns:
        The batch's summary (also written to ``runs/summary.json`` beside portfolio.yaml).

    Raises:
        SchedulerUnreachable: The Dask scheduler did not answer.
        LockBusy: Another batch of this portfolio is running (named in the message).
    """
    with portfolio_lock(portfolio):
        return _run_batch(
            portfolio,
            workers=workers,
            scheduler=scheduler,
            resume=resume,
            quiet=quiet,
            stream=stream,
            warm_imports=warm_imports,
            internal=internal,
        )


def portfolio_lock(portfolio: Portfolio) -> AbstractContextManager[None]:
    """One batch of a portfolio at a time: a second one (or ``--resume``) is refused at once.

    Waiting would hide a scheduled batch behind a stuck one; refusing names the batch that runs.
    """

    def busy(who: str) -> str:
        return (
            f"another batch of {portfolio.file} is running ({who}): wait for it to end, or stop "
            "it, before running or resuming this portfolio"
        )

    return locks.hold(
        portfolio.output_dir / locks.PORTFOLIO_LOCK,
        f"assess batch {portfolio.file}",
        wait=False,
        busy=busy,
    )


def _run_batch(
    portfolio: Portfolio,
    *,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    quiet: bool,
    stream: TextIO | None,
    warm_imports: bool,
    internal: bool,
) -> BatchSummary:
    began, started_at = time.perf_counter(), _now()
    batch_id = new_run_id()
    tasks, skipped = plan(portfolio, batch_id, resume=resume, warm_imports=warm_imports)
    address = scheduler or portfolio.scheduler
    slots = _slots(address) if address else workers or portfolio.workers or default_workers()
    outcomes = {o.key: o for o in skipped}
    interrupted = False
    try:
        with (
            Progress(len(tasks), slots, quiet=quiet, stream=stream) as progress,
            closing(_execute(tasks, address, slots, progress)) as running,
        ):
            for outcome in running:
                outcomes[outcome.key] = outcome
                progress.finish(outcome)
    except KeyboardInterrupt:
        # Ctrl-C: the workers are stopped by now (their runs stay .incomplete, never good);
        # the summary and index still say what finished and what did not, then we stop
        interrupted = True
    reports = [_report(outcomes.get(c.key) or _not_run(portfolio, c)) for c in portfolio.contracts]
    out = portfolio.output_dir
    summary = BatchSummary(
        portfolio=portfolio.name,
        file=str(portfolio.file),
        batch_id=batch_id,
        started_at=started_at,
        finished_at=_now(),
        seconds=round(time.perf_counter() - began, 2),
        executor="dask" if address else "local",
        workers=slots,
        scheduler=address,
        counts={s: sum(r.status == s for r in reports) for s in STATUSES if s != "interrupted"}
        | ({"interrupted": sum(r.status == "interrupted" for r in reports)} if interrupted else {}),
        index=str(out / INDEX_FILE),
        contracts=reports,
        interrupted=interrupted,
    )
    write_summary(summary, out / SUMMARY_FILE)
    write_index(summary, out / INDEX_FILE, internal=internal)
    if interrupted:
        raise BatchInterrupted(summary)
    return summary


STATUSES = ("succeeded", "failed", "skipped", "interrupted")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch, raised once its summary and index are written.

    Attributes:
        summary: The batch's summary: contracts not finished are ``interrupted``.
    """

    def __init__(self, summary: BatchSummary) -> None:
        super().__init__(f"batch interrupted; summary in {summary.index}")
        self.summary = summary


def _not_run(portfolio: Portfolio, contract: ContractEntry) -> ContractOutcome:
    return ContractOutcome(
        key=contract.key,
        folder=str(portfolio.folder(contract)),
        status="interrupted",
        reason="the batch was interrupted before this contract finished (--resume runs it)",
    )


def _slots(address: str) -> int:
    from assessment.batch.cluster import cluster_slots

    try:
        return cluster_slots(address)
    except (OSError, TimeoutError) as error:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer ({error}); start it, or drop "
            "--scheduler (and portfolio.yaml's scheduler:) to run on this machine"
        ) from error


def _execute(
    tasks: list[ContractTask], address: str | None, slots: int, progress: Progress
) -> Generator[ContractOutcome, None, None]:
    if not tasks:
        return iter_nothing()
    if address:
        from assessment.batch.cluster import run_on_cluster

        return run_on_cluster(tasks, address, on_start=progress.start)
    return run_local(tasks, slots, on_start=progress.start)


def iter_nothing() -> Generator[ContractOutcome, None, None]:
    """No contract to run (all up to date)."""
    yield from ()


def _report(outcome: ContractOutcome) -> ContractReport:
    """The outcome with the contract's standing (left out for a failed run: it is stale)."""
    figures = standing(outcome.folder) if outcome.status != "failed" else None
    return ContractReport(**outcome.model_dump(), standing=figures)
