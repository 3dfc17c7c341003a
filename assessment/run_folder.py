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
CLIENT_FILES = (REPORT_HTML, MANIFEST_FILE, STATUS_FILE)
"""The client part of a run folder: the report and its provenance, safe to hand over."""
WORKING_PAPERS = "working-papers"
"""The consultant's part of a run folder: the executed notebooks, with names and internal notes.

Kept apart by folder and by name (``<notebook>.internal.ipynb``), and each opens with a banner
(a markdown cell tagged ``INTERNAL_BANNER_TAG``), so the client part can be published or mailed
without them."""
INTERNAL_BANNER_TAG = "aw-internal-banner"


def working_paper_name(notebook: str) -> str:
    """The executed notebook's name in a run: ``01_data_analysis.internal.ipynb``."""
    return f"{Path(notebook).stem}.internal.ipynb"


def executed_notebook(run_folder: Path, notebook: str) -> Path:
    """Where a run keeps the executed ``notebook`` (runs made before the split: at the top)."""
    path = Path(run_folder) / WORKING_PAPERS / working_paper_name(notebook)
    old = Path(run_folder) / Path(notebook).name
    return old if not path.exists() and old.exists() else path


def incomplete_folder(runs: Path, run_id: str) -> Path:
    """Where a run is written until it succeeds or fails."""
    return runs / f"{INCOMPLETE_PREFIX}{run_id}"


def failed_folder(runs: Path, run_id: str) -> Path:
    """Where a failed run is kept."""
    return runs / f"{run_id}{FAILED_SUFFIX}"


def run_id_of(run_folder: Path) -> str:
    """The run id of a run folder, whatever became of the run."""
    return run_folder.name.removeprefix(INCOMPLETE_PREFIX).removesuffix(FAILED_SUFFIX)
