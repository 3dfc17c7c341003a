"""The names of a run folder and of the files in it, in one place.

A run of an engagement is written to ``runs/.incomplete-<id>/`` and becomes ``runs/<id>/`` when it
succeeds or ``runs/<id>.failed/`` when it fails (see :mod:`assessment.runner`). The runner, the
batch, ``assess serve``, ``assess export`` and the workspace all find runs and their files
through these names.
"""

from __future__ import annotations

from pathlib import Path

RUNS_DIR = "runs"
"""Under an engagement folder (runs) and beside a portfolio file (the batch's index)."""
REPORT_NOTEBOOK = "report.ipynb"
"""The client report notebook, in ``notebooks/`` and executed in each run folder."""
REPORT_HTML = "report.html"
"""The self-contained offline report a run writes."""
STATUS_FILE = "status.json"
MANIFEST_FILE = "manifest.json"
LATEST_FILE = "LATEST"
"""Names the newest succeeded run of an engagement."""
INCOMPLETE_PREFIX = ".incomplete-"
FAILED_SUFFIX = ".failed"


def incomplete_folder(runs: Path, run_id: str) -> Path:
    """Where a run is written until it succeeds or fails."""
    return runs / f"{INCOMPLETE_PREFIX}{run_id}"


def failed_folder(runs: Path, run_id: str) -> Path:
    """Where a failed run is kept."""
    return runs / f"{run_id}{FAILED_SUFFIX}"


def run_id_of(run_folder: Path) -> str:
    """The run id of a run folder, whatever became of the run."""
    return run_folder.name.removeprefix(INCOMPLETE_PREFIX).removesuffix(FAILED_SUFFIX)
