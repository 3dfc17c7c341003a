"""Run an engagement: execute its notebooks with Papermill into a run folder, then the report.

A run is written to ``runs/.incomplete-<id>/`` and moved to ``runs/<id>/`` only when every
notebook ran and ``report.html`` is written, so a folder under ``runs/`` that does not say
``succeeded`` in its ``status.json`` is never mistaken for a good run. A failing cell stops the run,
the folder becomes ``runs/<id>.failed/`` and the error names the notebook, the cell and the error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import secrets
import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import papermill
from papermill.exceptions import PapermillExecutionError

from assessment import __version__, locks
from assessment.backups import backup_before_run
from assessment.engagement import ENGAGEMENT_FILE, Engagement, load_engagement
from assessment.errors import RunFailed, WorkbookError
from assessment.files import write_atomically
from assessment.inputs import read_extracts
from assessment.paths import notebooks_dir
from assessment.run_folder import (
    FAILED_SUFFIX,
    INCOMPLETE_PREFIX,
    INTERNAL_BANNER_TAG,
    LATEST_FILE,
    MANIFEST_FILE,
    REPORT_HTML,
    REPORT_NOTEBOOK,
    RUNS_DIR,
    STATUS_FILE,
    WORKING_PAPERS,
    failed_folder,
    incomplete_folder,
    working_paper_name,
)
from assessment.stage import engagement_stage

IOPUB_TIMEOUT = 60
"""Seconds to wait for a cell's last output after it finished. Papermill's default (4 s) fails
good cells when a loaded machine is slow to deliver output; a cell that truly hangs is still
caught."""
INTERNAL_BANNER = (
    '<div style="border:2px solid #b42318;background:#fef3f2;color:#7a271a;padding:.6rem .9rem;'
    "font-weight:600\">INTERNAL WORKING PAPER: not for the client. It holds interviewees' names, "
    "quotes not cleared for sharing and internal notes. The client's report is report.html in "
    "the run folder.</div>"
)
"""The first cell of every working paper (tagged ``INTERNAL_BANNER_TAG``)."""

NotebookExecutor = Callable[[Path, Path, dict[str, Any]], None]
"""Executes one notebook: ``(notebook, output, parameters)``; raises PapermillExecutionError."""


def mark_internal(notebook_path: Path) -> None:
    """Open an executed notebook with the banner saying it is an internal working paper."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    banner = nbformat.v4.new_markdown_cell(INTERNAL_BANNER)
    banner.metadata["tags"] = [INTERNAL_BANNER_TAG]
    notebook.cells.insert(0, banner)
    write_atomically(notebook_path, nbformat.writes(notebook))


def step_notebooks(folder: Path | None = None) -> list[Path]:
    """The notebooks of a run in order: the numbered steps, then the client report."""
    folder = folder or notebooks_dir()
    steps = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    report = folder / REPORT_NOTEBOOK
    return [*steps, report] if report.exists() else steps


@dataclass
class RunResult:
    """What a finished run produced."""

    run_id: str
    folder: Path
    report: Path
    seconds: float
    notebooks: list[dict[str, Any]] = field(default_factory=list)


def new_run_id(now: dt.datetime | None = None) -> str:
    """A sortable, unique run id: UTC timestamp plus a short random suffix."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def file_digest(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_files(engagement: Engagement) -> dict[str, Path]:
    """engagement.yaml, every client extract and every capture sheet, by role.

    Capture sheets are inputs too: the step notebooks import them, so a changed sheet is a
    changed run (and ``assess batch --resume`` must run the contract again).
    """
    files = {"engagement.yaml": engagement.root / ENGAGEMENT_FILE}
    for name in ("kpi", "caseload", "work_sampling"):
        spec = getattr(engagement.inputs, name)
        if spec is not None:
            files[name] = engagement.input_path(spec.path)
    updates = engagement.inputs.kpi.updates if engagement.inputs.kpi is not None else []
    for number, update in enumerate(updates, start=1):
        files[f"kpi update {number}"] = engagement.input_path(update)
    for sheet in sorted((engagement.root / "captures").glob("*.xlsx")):
        if not sheet.name.startswith("~$"):  # Excel's lock file while a sheet is open
            files[f"capture {sheet.name}"] = sheet
    return files


def provenance(engagement: Engagement, run_id: str) -> dict[str, Any]:
    """The manifest of a run: what ran, when, with which workbook and exactly which inputs."""
    inputs = [
        {
            "role": role,
            "file": os.path.relpath(path, engagement.root),
            "sha256": file_digest(path),
            "bytes": path.stat().st_size,
        }
        for role, path in input_files(engagement).items()
    ]
    return {
        "run_id": run_id,
        "engagement": str(engagement.root),
        "client": engagement.client.name,
        "contract": engagement.contract.name,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workbook_version": __version__,
        "python": platform.python_version(),
        "inputs": inputs,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomically(path, json.dumps(data, indent=2, default=str) + "\n")


def run_engagement(
    folder: str | Path,
    *,
    run_id: str | None = None,
    notebooks: list[Path] | None = None,
    parameters: dict[str, Any] | None = None,
    on_notebook: Callable[[str, float], None] | None = None,
    executor: NotebookExecutor | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> RunResult:
    """Execute the engagement's notebooks in order and export the client report.

    One run of an engagement at a time: the run holds the engagement's lock (a second run waits,
    telling ``on_wait`` who holds it). Before any notebook runs, stale unfinished runs are
    removed and the store is checked and backed up (the last five backups are kept).

    Args:
        folder: The engagement folder.
        run_id: The run's id (a new timestamped id by default).
        notebooks: The notebooks to run (the step notebooks and the report by default).
        parameters: Extra notebook parameters (for example the period to report).
        on_notebook: Called with each notebook's name and seconds once it has run.
        executor: Runs one notebook (a fresh Papermill kernel per notebook by default; the
            batch passes one warmed kernel per contract, see ``assessment.batch.engine``).
        wait: Wait for another run of the engagement to end (else raise ``LockBusy``).
        on_wait: Called with the holder's description when the run has to wait.

    Returns:
        Where the run and its report are.

    Raises:
        InputError: engagement.yaml or an extract is invalid (checked before any kernel starts).
        RunFailed: A notebook failed, or the disk is full or read-only; the run folder is
            marked failed.
        StoreDamaged: The store is damaged (nothing ran; the error names its latest backup).
        LockBusy: ``wait`` is False and another run of the engagement holds its lock.
    """
    began = time.perf_counter()
    engagement = load_engagement(folder)
    read_extracts(engagement)  # a bad extract fails here, in a second, not in a kernel
    run_id = run_id or new_run_id()
    with engagement_lock(engagement, wait=wait, on_wait=on_wait):
        remove_stale_runs(engagement.runs_dir)  # under the lock: nobody else is running it
        _backup(engagement, run_id)  # a damaged store stops us here, before anything is written
        work = _new_run_folder(engagement.runs_dir, run_id)
        result = _run_in(work, engagement, run_id, notebooks, parameters, on_notebook, executor)
    result.seconds = time.perf_counter() - began
    return result


def engagement_lock(
    engagement: Engagement, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
) -> AbstractContextManager[None]:
    """The engagement's run lock: one run at a time (a second waits, or is refused naming who)."""

    def busy(who: str) -> str:
        return f"{engagement.root} is being run by {who}: wait for that run to end"

    try:
        engagement.runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunFailed(f"{engagement.runs_dir}: cannot create the runs folder ({error})") from None
    return locks.hold(
        engagement.runs_dir / locks.ENGAGEMENT_LOCK,
        f"assess run {engagement.root}",
        wait=wait,
        on_wait=on_wait,
        busy=busy,
    )


def remove_stale_runs(runs: Path) -> list[Path]:
    """Remove ``.incomplete-*`` folders: runs that died (killed, power cut) before finishing.

    Called with the engagement's run lock held, so no live run owns any of them.
    """
    stale = sorted(runs.glob(f"{INCOMPLETE_PREFIX}*")) if runs.is_dir() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def _backup(engagement: Engagement, run_id: str) -> None:
    try:
        backup_before_run(engagement.store_path, run_id)
    except OSError as error:  # a read-only folder, a full disk
        raise RunFailed(
            f"{engagement.store_path}: cannot back the store up before the run ({error}); check "
            "that the engagement folder is writable and the disk has room. Nothing was run"
        ) from None


def _new_run_folder(runs: Path, run_id: str) -> Path:
    work = incomplete_folder(runs, run_id)
    try:
        work.mkdir(parents=True)
    except OSError as error:  # a read-only folder, a full disk
        raise RunFailed(
            f"{runs}: cannot create the run folder ({error}); check that the engagement folder "
            "is writable and the disk has room"
        ) from None
    return work


def _run_in(
    work: Path,
    engagement: Engagement,
    run_id: str,
    notebooks: list[Path] | None,
    parameters: dict[str, Any] | None,
    on_notebook: Callable[[str, float], None] | None,
    executor: NotebookExecutor | None,
) -> RunResult:
    """Run the notebooks into ``work`` and publish it as ``runs/<id>/``; on failure ``.failed``."""
    from assessment.static_report import export_html, external_references

    runs = engagement.runs_dir
    failed = failed_folder(runs, run_id)
    manifest: dict[str, Any] = {"run_id": run_id}
    try:
        manifest = provenance(engagement, run_id) | {"parameters": parameters or {}}
        _write_json(work / MANIFEST_FILE, manifest)
        params = {"engagement_dir": str(engagement.root), "run_dir": str(work), "run_id": run_id}
        params |= parameters or {}
        timings = []
        execute = executor or _execute
        papers = work / WORKING_PAPERS
        papers.mkdir()
        for notebook in notebooks or step_notebooks():
            start = time.perf_counter()
            try:
                execute(notebook, papers / working_paper_name(notebook.name), params)
            except PapermillExecutionError as error:
                raise _fail(work, failed, manifest, notebook, error) from None
            seconds = time.perf_counter() - start
            timings.append({"notebook": notebook.name, "seconds": round(seconds, 2)})
            if on_notebook:
                on_notebook(notebook.name, seconds)
        # as the Voila page's; "Interim report: data analysis" until step 5 is published
        title = engagement_stage(engagement).page_title(engagement.client.name)
        manifest["title"] = title
        executed = papers / working_paper_name(REPORT_NOTEBOOK)
        report = export_html(executed, work / REPORT_HTML, title=title)
        leaks = external_references(report.read_text(encoding="utf-8"))
        if leaks:
            raise _fail_plain(work, failed, manifest, f"external URLs: {leaks}")
        for paper in sorted(papers.glob("*.ipynb")):  # after the export: not in the report
            mark_internal(paper)
        manifest |= {
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "notebooks": timings,
            "status": "succeeded",
        }
        _write_json(work / MANIFEST_FILE, manifest)
        _write_json(work / STATUS_FILE, {"status": "succeeded", "run_id": run_id})
        final = runs / run_id
        work.rename(final)
        (runs / LATEST_FILE).write_text(run_id + "\n", encoding="utf-8")
    except (OSError, WorkbookError) as error:
        if isinstance(error, RunFailed):
            raise
        # a full disk, a read-only folder, a store that cannot be written: the run ends failed
        message = f"{type(error).__name__}: {error}"
        raise _fail_plain(work, failed, manifest, message) from None
    return RunResult(run_id, final, final / REPORT_HTML, 0.0, notebooks=timings)


def _execute(notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(output.parent),
        iopub_timeout=IOPUB_TIMEOUT,
    )


def _fail(
    work: Path,
    failed: Path,
    manifest: dict[str, Any],
    notebook: Path,
    error: PapermillExecutionError,
) -> RunFailed:
    """Mark the run failed, naming the notebook, the cell and the error."""
    detail = {
        "status": "failed",
        "notebook": notebook.name,
        "cell": error.exec_count,
        "cell_index": error.cell_index,
        "error": f"{error.ename}: {error.evalue}",
    }
    _mark_failed(work, failed, manifest, detail)
    return RunFailed(
        f"{notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}\n"
        f"The partial run is kept in {failed} (marked failed)."
    )


def _fail_plain(work: Path, failed: Path, manifest: dict[str, Any], message: str) -> RunFailed:
    _mark_failed(work, failed, manifest, {"status": "failed", "error": message})
    return RunFailed(f"{message}\nThe partial run is kept in {failed} (marked failed).")


def _mark_failed(
    work: Path, failed: Path, manifest: dict[str, Any], detail: dict[str, Any]
) -> None:
    try:
        _write_json(work / STATUS_FILE, detail | {"run_id": manifest["run_id"]})
        _write_json(work / MANIFEST_FILE, manifest | detail)
    except OSError:
        pass  # a full disk: the folder's name still says failed
    if failed.exists():
        shutil.rmtree(failed)
    work.rename(failed)  # a rename needs no room on the disk


def run_status(run_folder: Path) -> str:
    """``succeeded``, ``failed`` or ``incomplete`` (no status written: never a good run)."""
    try:
        data = json.loads((run_folder / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # a run that failed on a full disk may have had no room for its status.json
        return "failed" if run_folder.name.endswith(FAILED_SUFFIX) else "incomplete"
    return str(data.get("status", "incomplete"))


def latest_run(engagement_folder: Path) -> Path | None:
    """The newest succeeded run of an engagement, if any."""
    runs = Path(engagement_folder) / RUNS_DIR
    if not runs.is_dir():
        return None
    good = [p for p in runs.iterdir() if p.is_dir() and run_status(p) == "succeeded"]
    return max(good, key=lambda p: p.name, default=None)
