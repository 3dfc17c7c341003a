"""The report a run stored, shown again: what ``assess serve`` has Voila execute.

Voila executes every cell of the notebook it serves. Re-running ``notebooks/report.ipynb`` there
would import pandas and Altair and redraw every chart for each visitor (seconds of work, and a
report that could differ from the run's ``report.html`` if the store changed since). Instead,
:func:`served_notebook` builds a notebook with the run's markdown cells and, for every code cell
that showed something, one call of :func:`show_stored`, which publishes the outputs the run
recorded in its executed ``report.ipynb``. The Voila page therefore shows exactly that run, and a
kernel is ready in the time it takes to start.

This module is imported by those kernels: it stays light (no pandas, no nbformat).
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path
from typing import Any

from IPython.display import publish_display_data

from assessment.run_folder import INTERNAL_BANNER_TAG

__all__ = ["client_outputs", "served_notebook", "show_stored"]

HIDDEN_OUTPUT_TYPES = frozenset({"stream", "error"})
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
SETUP_CELL_ID = "aw-served-setup"
WHAT_IF_CELL_ID = "what-if-scenarios"
"""The report's "What if" section: the served page adds the live controls after it."""
LIVE_WHAT_IF_ID = "aw-what-if-live"


def client_outputs(cell: dict[str, Any]) -> list[dict[str, Any]]:
    """The outputs of a code cell a client may see: no stdout / stderr, errors or widgets."""
    return [
        output
        for output in cell.get("outputs", [])
        if output.get("output_type") not in HIDDEN_OUTPUT_TYPES
        and WIDGET_MIMETYPE not in output.get("data", {})
        and output.get("data")
    ]


@functools.lru_cache(maxsize=4)
def _cells_by_id(path: str, mtime_ns: int) -> dict[str, dict[str, Any]]:
    del mtime_ns  # part of the cache key
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return {cell["id"]: cell for cell in notebook["cells"] if "id" in cell}


def show_stored(report: str | Path, cell_id: str) -> None:
    """Publish the outputs the run stored for one cell of its executed report notebook.

    Args:
        report: The run's executed ``report.ipynb``.
        cell_id: The cell's id (stable: the report notebook's cell ids never change).

    Raises:
        KeyError: The executed report has no cell with this id.
    """
    path = Path(report)
    cells = _cells_by_id(str(path), path.stat().st_mtime_ns)
    if cell_id not in cells:
        raise KeyError(f"{path}: no cell with id {cell_id!r}")
    for output in client_outputs(cells[cell_id]):
        publish_display_data(output["data"], output.get("metadata", {}))


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def served_notebook(executed_report: Path, live_what_if: bool = False) -> dict[str, Any]:
    """The notebook Voila serves for one run (nbformat 4 as a plain dict).

    Markdown cells are copied; each code cell of the executed report that showed something
    becomes ``show_stored(report, "<its id>")`` under the same id; the rest (parameters, set-up)
    is left out.

    Args:
        executed_report: The run's executed ``report.ipynb`` (papermill's output).
        live_what_if: Add the live "What if" controls after that section (``--what-if``).
    """
    report = json.loads(Path(executed_report).read_text(encoding="utf-8"))
    setup = (
        "from assessment.stored_report import show_stored\n\n"
        f"report = {str(Path(executed_report).resolve())!r}"
    )
    cells: list[dict[str, Any]] = [_code_cell(SETUP_CELL_ID, setup)]
    for cell in report["cells"]:
        if INTERNAL_BANNER_TAG in cell.get("metadata", {}).get("tags", []):
            continue  # the working paper's "internal" banner is not part of the report
        if cell.get("cell_type") == "markdown":
            cells.append(
                {"cell_type": "markdown", "id": cell["id"], "metadata": {}, "source": _source(cell)}
            )
        elif cell.get("cell_type") == "code" and client_outputs(cell):
            cells.append(_code_cell(cell["id"], f"show_stored(report, {cell['id']!r})"))
            folder = engagement_dir(report, Path(executed_report))
            if live_what_if and cell["id"] == WHAT_IF_CELL_ID and folder is not None:
                # the one live cell: the client's controls, computed in the page's kernel
                live = (
                    "from assessment.recommendations.what_if import show_what_if\n\n"
                    f"show_what_if({str(folder)!r})"
                )
                cells.append(_code_cell(LIVE_WHAT_IF_ID, live))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
            "language_info": {"name": "python"},
            "title": report.get("metadata", {}).get("title", "Client report"),
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def engagement_dir(report: dict[str, Any], executed_report: Path) -> Path | None:
    """The engagement folder the run's report was executed for (its papermill parameters)."""

    def rank(cell: dict[str, Any]) -> int:  # papermill's injected values win over defaults
        tags = cell.get("metadata", {}).get("tags", [])
        return 0 if "injected-parameters" in tags else 1 if "parameters" in tags else 2

    for cell in sorted(report["cells"], key=rank):
        if cell.get("cell_type") != "code" or rank(cell) == 2:
            continue
        for line in _source(cell).splitlines():
            name, _, value = line.partition("=")
            if name.strip() == "engagement_dir":
                try:
                    found = ast.literal_eval(value.split("#")[0].strip())
                except (ValueError, SyntaxError):
                    continue
                folder = (executed_report.parent / str(found)).resolve()
                if folder.is_dir():
                    return folder
    return None


def _code_cell(cell_id: str, source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": [],
        "source": source,
    }
