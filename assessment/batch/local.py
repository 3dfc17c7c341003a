"""Run contracts in parallel on this machine: a process pool, one contract per task.

Each worker process runs one contract at a time on a kernel of its own (see
:mod:`assessment.batch.engine`). Workers say when they start a contract, so the progress display
shows what is running, and so a worker that dies (killed, out of memory) costs only the contract
it was running: that contract is tried once more in a new pool and then marked failed, while the
contracts that had not started yet simply go on.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from assessment.batch.contract import ContractOutcome, ContractTask, run_contract

_started: Any = None  # the worker's queue of "started" notes, set by _init_worker
MAX_STRIKES = 2
"""A contract whose worker died this many times is marked failed."""
DIED = "the worker process running this contract died (killed or out of memory), twice"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context() -> Any:
    """Workers forked from a clean server process that has imported the workbook once.

    A fresh server (never the batch's own process) means no inherited threads, locks or
    kernels; preloading saves each new worker about a second of imports. Elsewhere than Linux,
    spawn.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # the guard first: the fork server dies with this process (see its docstring)
    context.set_forkserver_preload(
        ["assessment.batch.forkserver_guard", "assessment.batch.contract"]
    )
    return context


def _init_worker(started: Any) -> None:
    global _started
    _started = started
    die_with_parent()


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have this process killed when its parent ends (Linux ``PR_SET_PDEATHSIG``).

    A worker's parent is the pool's fork server, which ends when the batch's process ends
    (however it ends: ``kill -9`` too); without this, workers killed with their batch went on
    finishing contracts for a minute or more, and an immediate ``--resume`` ran those contracts
    a second time beside them. The worker's kernel template and kernels end with the worker
    (see :mod:`.zygote`). Elsewhere than Linux, a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getppid()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)


def _run_in_worker(task: ContractTask) -> ContractOutcome:
    _started.put(task.key)
    return run_contract(task)


def run_local(
    tasks: list[ContractTask],
    workers: int,
    on_start: Callable[[str], None] | None = None,
) -> Iterator[ContractOutcome]:
    """Run the tasks on a pool of ``workers`` processes; yields outcomes as contracts finish.

    Args:
        tasks: The contracts to run.
        workers: How many worker processes (contracts at a time).
        on_start: Called with a contract's key when a worker starts it.
    """
    context = _context()
    pending = {task.key: task for task in tasks}
    strikes = dict.fromkeys(pending, 0)
    idle_rounds = 0  # pools that broke before any contract ended: workers cannot start
    while pending:
        if idle_rounds >= MAX_STRIKES:
            for task in pending.values():
                yield _died(task, "worker processes fail to start (see the errors above)")
            return
        before = len(pending)
        # after a worker died, the contracts it may have been running go first and one at a
        # time, so a second death is surely the contract's own and no neighbour is blamed
        suspects = [task for key, task in pending.items() if strikes[key]]
        round_tasks = suspects or list(pending.values())
        started: Any = context.Queue()
        running: set[str] = set()
        pool = ProcessPoolExecutor(
            max_workers=1 if suspects else min(workers, len(pending)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(started,),
        )
        try:
            futures = {pool.submit(_run_in_worker, task): task for task in round_tasks}
            for task, outcome in _collect(futures, started, running, on_start):
                if outcome is not None:
                    pending.pop(task.key)
                    yield outcome
                elif task.key in running:  # its worker died while running it
                    strikes[task.key] += 1
                    if strikes[task.key] >= MAX_STRIKES:
                        pending.pop(task.key)
                        yield _died(task, DIED)
        except BaseException:  # Ctrl-C, or the caller stopped listening: stop the workers now
            _terminate(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            started.close()
        idle_rounds = idle_rounds + 1 if len(pending) == before else 0


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers (ours); their kernels end with them, their runs stay unfinished.

    Waiting for running contracts would keep an interrupted batch alive for minutes, and a
    half-done run never looks good: it stays ``runs/.incomplete-<id>/``.
    """
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((pool._processes or {}).values()):  # no public way to reach them
        if process.is_alive():
            process.terminate()


def _collect(
    futures: dict[Future[ContractOutcome], ContractTask],
    started: Any,
    running: set[str],
    on_start: Callable[[str], None] | None,
) -> Iterator[tuple[ContractTask, ContractOutcome | None]]:
    """Yield each task with its outcome, or None when the pool broke under it."""
    waiting = set(futures)
    while waiting:
        done, waiting = wait(waiting, timeout=0.25, return_when=FIRST_COMPLETED)
        _drain(started, running, on_start)
        for future in done:
            try:
                yield futures[future], future.result()
            except BrokenProcessPool:
                yield futures[future], None


def _drain(started: Any, running: set[str], on_start: Callable[[str], None] | None) -> None:
    while True:
        try:
            key = started.get_nowait()
        except (queue.Empty, OSError, ValueError):
            return
        running.add(key)
        if on_start:
            on_start(key)


def _died(task: ContractTask, error: str) -> ContractOutcome:
    return ContractOutcome(
        key=task.key,
        folder=task.folder,
        status="failed",
        run_id=task.run_id,
        attempts=MAX_STRIKES,
        error=error,
    )
