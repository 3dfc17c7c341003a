"""One contract of a batch: decide whether it needs a run, and run it in a worker.

:func:`run_contract` is the unit of work a batch hands to a worker process (local) or a Dask
worker (cluster): it runs the engagement through the runner's own run-folder discipline
(``runs/.incomplete-<id>/`` then ``runs/<id>/`` or ``runs/<id>.failed/``) on one warmed kernel of
its own, and never raises: any failure becomes a failed :class:`ContractOutcome` naming the
notebook, the cell and the error, so one contract's bad data never stops the others.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from assessment.batch.engine import WARM_IMPORTS, ContractKernel
from assessment.engagement import load_engagement
from assessment.errors import RunFailed, WorkbookError
from assessment.run_folder import (
    MANIFEST_FILE,
    RUNS_DIR,
    STATUS_FILE,
    failed_folder,
    incomplete_folder,
    run_id_of,
)
from assessment.runner import (
    RunResult,
    file_digest,
    input_files,
    run_engagement,
    run_status,
)

Status = Literal["succeeded", "failed", "skipped", "interrupted"]
KERNEL_TIMEOUT = "Kernel didn't respond"
"""papermill#776: parallel runs occasionally time out starting a kernel; retried once."""


class ContractTask(BaseModel):
    """What a worker needs to run one contract (plain data: it travels to other machines)."""

    key: str
    folder: str
    run_id: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    notebooks: list[str] = Field(default_factory=list, description="Default: the runner's.")
    warm_imports: bool = True


class ContractOutcome(BaseModel):
    """How one contract of a batch ended."""

    key: str
    folder: str
    status: Status
    run_id: str | None = None
    run_folder: str | None = None
    report: str | None = None
    seconds: float = 0.0
    attempts: int = 0
    reason: str = ""
    notebook: str | None = None
    cell: int | None = None
    error: str | None = None

    def describe(self) -> str:
        """How it ended, in one line: for a failure, the notebook, the cell and the error."""
        if self.status != "failed":
            return f"{self.status} in {self.seconds:.1f} s"
        where = ", ".join(p for p in (self.notebook, self.cell and f"cell {self.cell}") if p)
        first = (self.error or "").strip().splitlines() or [""]
        return f"failed{f' in {where}' if where else ''}: {first[0]}"


def run_with_kernel(
    folder: str | Path,
    *,
    run_id: str | None = None,
    parameters: dict[str, Any] | None = None,
    notebooks: list[Path] | None = None,
    warm_imports: bool = True,
    on_notebook: Callable[[str, float], None] | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> RunResult:
    """Run one engagement's notebooks on one fresh, warmed kernel of its own.

    What ``assess run`` does for one engagement and each contract of a batch does on its
    worker: built here, once, so a single run is exactly as quick as a contract of a batch. The
    kernel boots and imports while the runner checks the extracts.

    Raises:
        InputError: engagement.yaml or an extract is invalid.
        RunFailed: A notebook failed; the run folder is marked failed.
        LockBusy: ``wait`` is False and another run holds the engagement (``on_wait`` is told
            who holds it while waiting).
    """
    kernel = ContractKernel(warm_imports=WARM_IMPORTS if warm_imports else None)
    with kernel.start():
        return run_engagement(
            folder,
            run_id=run_id,
            parameters=parameters,
            notebooks=notebooks,
            on_notebook=on_notebook,
            executor=kernel.execute,
            wait=wait,
            on_wait=on_wait,
        )


def run_contract(task: ContractTask) -> ContractOutcome:
    """Run one contract's notebooks and report; failures are returned, never raised.

    A kernel that does not answer in time (papermill#776) is retried once with a clean run
    folder; every other failure is final.
    """
    began = time.perf_counter()
    _discard_incomplete(Path(task.folder), task.run_id)  # left by a worker that died on it
    outcome = _attempt(task)
    if outcome.status == "failed" and KERNEL_TIMEOUT in (outcome.error or ""):
        _discard_incomplete(Path(task.folder), task.run_id)
        outcome = _attempt(task).model_copy(update={"attempts": 2})
    return outcome.model_copy(update={"seconds": round(time.perf_counter() - began, 2)})


def _attempt(task: ContractTask) -> ContractOutcome:
    base = {"key": task.key, "folder": task.folder, "run_id": task.run_id, "attempts": 1}
    try:
        result = run_with_kernel(
            task.folder,
            run_id=task.run_id,
            parameters=task.parameters,
            notebooks=[Path(n) for n in task.notebooks] or None,
            warm_imports=task.warm_imports,
        )
    except RunFailed as error:
        return ContractOutcome(status="failed", **base, **_failure(task, str(error)))
    except WorkbookError as error:  # bad engagement.yaml or extract: found before any notebook
        return ContractOutcome(status="failed", **base, error=str(error))
    except Exception as error:  # a dead kernel, a full disk: this contract fails, not the batch
        return ContractOutcome(status="failed", **base, error=f"{type(error).__name__}: {error}")
    return ContractOutcome(
        status="succeeded",
        **base,
        run_folder=str(result.folder),
        report=str(result.report),
    )


def _failure(task: ContractTask, message: str) -> dict[str, Any]:
    """The notebook, cell and error the runner wrote into the failed run's status.json."""
    failed = failed_folder(Path(task.folder) / RUNS_DIR, task.run_id)
    try:
        status = json.loads((failed / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"error": message}
    return {
        "run_folder": str(failed),
        "notebook": status.get("notebook"),
        "cell": status.get("cell"),
        "error": status.get("error") or message,
    }


def _discard_incomplete(folder: Path, run_id: str) -> None:
    """Remove this batch's own unfinished run folder of a contract before retrying it."""
    shutil.rmtree(incomplete_folder(folder / RUNS_DIR, run_id), ignore_errors=True)


# -- resume ------------------------------------------------------------------------------------


def current_inputs(folder: Path) -> dict[str, str] | None:
    """SHA-256 of engagement.yaml and every extract, by file; None when it cannot be read."""
    try:
        engagement = load_engagement(folder)
        files = input_files(engagement)
        return {
            os.path.relpath(path, engagement.root): file_digest(path) for path in files.values()
        }
    except (WorkbookError, OSError, ValueError):
        return None


def _run_id(run_folder: Path) -> str:
    return run_id_of(run_folder)


def newest_run(folder: Path) -> Path | None:
    """The engagement's most recent run folder, whatever became of it."""
    runs = folder / RUNS_DIR
    if not runs.is_dir():
        return None
    found = [p for p in runs.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists()]
    return max(found, key=_run_id, default=None)


def up_to_date(folder: Path, parameters: dict[str, Any]) -> Path | None:
    """The last run, when it succeeded on exactly today's inputs and parameters; else None.

    A contract whose newest run failed or never finished (killed, interrupted) is not up to
    date, whatever its inputs: ``--resume`` runs it again.
    """
    last = newest_run(folder)
    if last is None or run_status(last) != "succeeded":
        return None
    try:
        manifest = json.loads((last / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    recorded = {i["file"]: i["sha256"] for i in manifest.get("inputs", [])}
    if recorded != current_inputs(folder) or manifest.get("parameters", {}) != parameters:
        return None
    return last
