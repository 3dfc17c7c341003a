"""Run contracts on an existing Dask distributed cluster: each contract one task.

The workers run :func:`assessment.batch.contract.run_contract`, exactly what a local worker runs,
so they need this workbook installed and the engagement folders at the same paths (a shared file
system). Start Dask workers with ``--nthreads 1``: each contract has a kernel of its own and
keeps a core busy, so more threads than cores only queue work inside a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from assessment.batch.contract import ContractOutcome, ContractTask, run_contract


def cluster_slots(address: str, timeout: float = 10) -> int:
    """How many tasks the cluster at ``address`` runs at once (its worker threads)."""
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        return max(1, sum(client.nthreads().values()))


def run_on_cluster(
    tasks: list[ContractTask],
    address: str,
    on_start: Callable[[str], None] | None = None,
    timeout: float = 10,
) -> Iterator[ContractOutcome]:
    """Submit every contract to the Dask scheduler at ``address``; yield outcomes as they end.

    A worker that dies is Dask's to handle (it reschedules the task and gives up with
    ``KilledWorker`` after its allowed failures); whatever happens, the contract ends as an
    outcome here, never as an exception that would stop the others.
    """
    from distributed import Client, as_completed

    with Client(address, timeout=timeout) as client:
        futures = {}
        for task in tasks:
            future = client.submit(
                run_contract, task, key=f"assess-{task.key}-{task.run_id}", pure=False
            )
            futures[future] = task
            if on_start:
                on_start(task.key)  # submitted: Dask does not report when a task starts
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield future.result()
            except Exception as error:  # KilledWorker, a lost connection
                yield ContractOutcome(
                    key=task.key,
                    folder=task.folder,
                    status="failed",
                    run_id=task.run_id,
                    attempts=1,
                    error=f"{type(error).__name__} on the Dask cluster: {error}",
                )
