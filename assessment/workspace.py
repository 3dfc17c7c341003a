"""``assess open``: the engagement's own working copies of the step notebooks, in JupyterLab.

The committed notebooks stay clean; each engagement gets copies in ``ENGAGEMENT/work/`` with its
parameters injected by Papermill's prepare-only mode (the notebook is parameterised, not run),
so a consultant never edits a path by hand. ``interactive = True`` in the copies turns the
forms on (batch runs keep the notebooks' default, False, and show the stored entries instead).
An existing working copy is never overwritten: it holds the consultant's own cells and outputs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from jupyterlab_server.workspaces_handler import WorkspacesManager

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


LAB_DIR = ".jupyterlab"
"""JupyterLab's settings and workspace for this engagement (hidden in the file browser)."""

NO_NEWS = {"fetchNews": "false", "checkForUpdates": False}
"""No "get notified about official Jupyter news?" pop-up over the first cells, no update check."""

WHOLE_NOTEBOOK = {"windowingMode": "none"}
"""Every cell stays rendered (the step notebooks are short): no blank cells while scrolling."""


@dataclass(frozen=True)
class LabSetup:
    """How to start JupyterLab on an engagement's working copies.

    Attributes:
        folder: The working folder, JupyterLab's root (the file browser shows nothing else).
        settings_dir: JupyterLab's user settings for this engagement only.
        workspaces_dir: Its workspace: the step notebooks open in order.
        arguments: The command line options (server on this machine only).
        environment: Environment variables naming the two folders.
    """

    folder: Path
    settings_dir: Path
    workspaces_dir: Path
    arguments: tuple[str, ...]
    environment: dict[str, str]

    def command(self, *extra: str) -> list[str]:
        """The command starting JupyterLab, with extra options (a port, a token)."""
        return [sys.executable, "-m", "jupyterlab", *self.arguments, *extra]


def configure_lab(folder: Path) -> LabSetup:
    """Write the engagement's JupyterLab settings and workspace (once) and say how to start it.

    The settings turn the news pop-up off; the workspace opens the step notebooks in order
    (a layout the consultant changed is kept: the files are written only when missing).
    """
    folder = Path(folder).resolve()
    lab = folder / LAB_DIR
    settings = lab / "settings"
    workspaces = lab / "workspaces"
    _write_once(
        settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
        json.dumps(NO_NEWS, indent=2),
    )
    _write_once(
        settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
        json.dumps(WHOLE_NOTEBOOK, indent=2),
    )
    if not any(workspaces.glob("*.jupyterlab-workspace")):
        notebooks = sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb"))
        WorkspacesManager(str(workspaces)).save("default", json.dumps(_layout(notebooks)))
    arguments = (
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    )
    environment = {
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(workspaces),
    }
    return LabSetup(folder, settings, workspaces, arguments, environment)


def _write_once(path: Path, text: str) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _layout(notebooks: list[str]) -> dict[str, object]:
    """A JupyterLab workspace with the notebooks open as tabs, in order, the first in front."""
    ids = [f"notebook:{name}" for name in notebooks]
    data: dict[str, object] = {
        "layout-restorer:data": {
            "main": {
                "dock": {"type": "tab-area", "currentIndex": 0, "widgets": ids},
                "current": ids[0] if ids else None,
            },
            "left": {"collapsed": False, "visible": True, "current": "filebrowser"},
        },
        "file-browser-filebrowser:cwd": {"path": ""},
    }
    for name, widget in zip(notebooks, ids, strict=True):
        data[widget] = {"data": {"path": name, "factory": "Notebook"}}
    return {"data": data, "metadata": {"id": "default"}}


def start_lab(folder: Path) -> int:
    """Run JupyterLab on the working copies, on this machine only; returns its exit code."""
    setup = configure_lab(folder)
    return subprocess.call(setup.command(), env={**os.environ, **setup.environment})
