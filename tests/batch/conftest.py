"""Fixtures for batch tests: small portfolios of copies of a demo engagement, tiny notebooks.

The tiny notebooks stand in for the real ones (``ASSESS_NOTEBOOKS``) where a test is about the
batch machinery, not the analysis: they fail on request (a ``FAIL`` file in the engagement),
kill their worker on request (``KILL``), and record what state they can see from earlier
contracts, so isolation between contracts can be checked.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

STEP_SETUP = """\
import json
import os
from pathlib import Path

import pandas as pd

import assessment.paths as cache_home
from assessment.engagement import load_engagement

engagement = load_engagement(engagement_dir)
assert not (Path(engagement_dir) / "FAIL").exists(), "asked to fail"
(Path(engagement_dir) / "KILL").exists() and os.kill(int(os.environ["ASSESS_WORKER_PID"]), 9)
"""
# what this contract's kernel can see of earlier contracts, then leave traces of this one
STEP_SPY = """\
seen = {
    "variable": "secret" in globals(),
    "cache": getattr(cache_home, "aw_test_cache", None),
    "env": os.environ.get("AW_TEST_SECRET"),
    "max_rows": pd.get_option("display.max_rows"),
    "cwd": os.getcwd(),
    "pid": os.getpid(),
}
Path(run_dir, "seen.json").write_text(json.dumps(seen))
secret = engagement.client.name
cache_home.aw_test_cache = engagement.client.name
os.environ["AW_TEST_SECRET"] = engagement.client.name
pd.set_option("display.max_rows", 7)
"""
REPORT_SPY = """\
import json
from pathlib import Path

import assessment.paths as cache_home

seen = {"variable": globals().get("secret")}
seen["cache"] = getattr(cache_home, "aw_test_cache", None)
Path(run_dir, "seen_by_report.json").write_text(json.dumps(seen))
"""


def _notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('engagement_dir = ""\nrun_dir = ""\nrun_id = ""')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Tiny report"), parameters]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    return notebook


@pytest.fixture(scope="session")
def tiny_notebooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebooks folder with 01_step.ipynb and report.ipynb, each a few lines."""
    folder = tmp_path_factory.mktemp("notebooks")
    nbformat.write(_notebook(STEP_SETUP, STEP_SPY), folder / "01_step.ipynb")
    nbformat.write(_notebook(REPORT_SPY, "engagement_dir"), folder / "report.ipynb")
    return folder


@pytest.fixture
def use_tiny_notebooks(monkeypatch: pytest.MonkeyPatch, tiny_notebooks: Path) -> Path:
    """Runs (and worker processes started from now on) use the tiny notebooks."""
    monkeypatch.setenv("ASSESS_NOTEBOOKS", str(tiny_notebooks))
    return tiny_notebooks


def copy_engagement(target: Path, client: str, source: str = "eastfield") -> Path:
    """A copy of a demo engagement under another client name, without runs or store."""
    shutil.copytree(DEMO / source, target, ignore=shutil.ignore_patterns("runs", "*.sqlite*"))
    config = target / "engagement.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("name: Eastfield Community Trust", f"name: {client}"), encoding="utf-8"
    )
    return target


def write_portfolio(folder: Path, contracts: list[dict[str, Any]], **extra: Any) -> Path:
    """portfolio.yaml in ``folder``."""
    path = folder / "portfolio.yaml"
    data = {"name": "Test portfolio <&>", **extra, "contracts": contracts}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def make_portfolio(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_portfolio(["a", "b"]) -> portfolio.yaml`` over copies of eastfield."""

    def make(keys: list[str], **extra: Any) -> Path:
        for key in keys:
            copy_engagement(tmp_path / key, f"Client {key.upper()}")
        contracts = [{"key": k, "path": k, "parameters": {}} for k in keys]
        return write_portfolio(tmp_path, contracts, **extra)

    return make


def break_kpi_extract(folder: Path) -> None:
    """Put a word where the first KPI row's 'Achieved' number should be (row 2)."""
    path = folder / "inputs" / "kpi_extract.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "lots"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
