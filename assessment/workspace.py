"""``assess open``: the engagement's own working copies of the step notebooks, in JupyterLab.

The committed notebooks stay clean; each engagement gets copies in ``ENGAGEMENT/work/`` with its
parameters injected by Papermill's prepare-only mode (the notebook is parameterised, not run),
so a consultant never edits a path by hand. ``interactive = True`` in the copies turns the
forms on (batch runs keep the notebooks' default, False, and show the stored entries instead).
An existing working copy is never overwritten: it holds the consultant's own cells and outputs.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill

from assessment.engagement import load_engagement
from assessment.paths import notebooks_dir
from assessment.run_folder import REPORT_NOTEBOOK
from assessment.runner import step_notebooks

WORK_DIR = "work"


@dataclass
class Workspace:
    """The working copies of one engagement: those made now and those kept from before."""

    folder: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def prepare(engagement_dir: str | Path) -> Workspace:
    """Make any missing working copy of the step notebooks, with the engagement's parameters.

    Raises:
        InputError: engagement.yaml is missing or invalid.
    """
    engagement = load_engagement(engagement_dir)
    work = engagement.root / WORK_DIR
    work.mkdir(exist_ok=True)
    workspace = Workspace(work)
    for notebook in step_notebooks(notebooks_dir()):
        if notebook.name == REPORT_NOTEBOOK:
            continue
        target = work / notebook.name
        if target.exists():
            workspace.kept.append(target)
            continue
        # relative to the copy's folder, so the engagement folder can be moved or shared
        parameters: dict[str, object] = {"engagement_dir": "..", "run_dir": "", "run_id": ""}
        if _declares(notebook, "interactive"):
            parameters["interactive"] = True
        papermill.execute_notebook(
            str(notebook),
            str(target),
            parameters=parameters,
            prepare_only=True,
            kernel_name="python3",
            progress_bar=False,
        )
        workspace.created.append(target)
    return workspace


def _declares(notebook: Path, name: str) -> bool:
    """Whether the notebook's parameters cell sets ``name`` (only forms notebooks do)."""
    cells = nbformat.read(notebook, as_version=4).cells
    return any(
        "parameters" in c.metadata.get("tags", []) and f"{name} =" in c.source for c in cells
    )


def start_lab(folder: Path) -> int:
    """Run JupyterLab on the working copies, on this machine only; returns its exit code."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={folder}",
    ]
    return subprocess.call(command)
