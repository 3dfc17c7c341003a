"""The warm-kernel engine: one kernel per contract, shared by its notebooks, never by two."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.engines import papermill_engines

from assessment.batch.engine import ENGINE_NAME, WarmKernelEngine
from assessment.batch.local import run_local
from assessment.batch.portfolio import load_portfolio
from assessment.batch.run import plan

pytestmark = pytest.mark.notebook  # starts kernels


def test_no_state_crosses_from_one_contract_to_the_next(
    make_portfolio: Callable[..., Path], use_tiny_notebooks: Path
) -> None:
    portfolio = load_portfolio(make_portfolio(["a", "b"]))
    tasks, _ = plan(portfolio, "iso-1", resume=False)
    # one worker: contract b runs in the same worker process, right after a
    outcomes = {o.key: o for o in run_local(tasks, workers=1)}
    assert [o.status for o in outcomes.values()] == ["succeeded", "succeeded"]
    seen_a, seen_b = (
        json.loads((Path(outcomes[k].run_folder) / "seen.json").read_text()) for k in "ab"
    )
    clean = {"variable": False, "cache": None, "env": None, "max_rows": 60}
    assert {k: seen_b[k] for k in clean} == clean, "contract a's state leaked into b"
    assert {k: seen_a[k] for k in clean} == clean
    assert seen_a["pid"] != seen_b["pid"], "each contract has a kernel of its own"
    # each contract's notebooks ran in its own run folder's working papers (papermill's cwd)
    key = portfolio.contracts[1].key
    assert seen_b["cwd"].endswith(f"{key}/runs/.incomplete-iso-1/working-papers")
    # within one contract the kernel is shared: its report saw what its step left
    by_report = json.loads((Path(outcomes["b"].run_folder) / "seen_by_report.json").read_text())
    assert by_report == {"variable": "Client B", "cache": "Client B"}


def test_engine_is_registered_and_runs_alone(tmp_path: Path, tiny_notebooks: Path) -> None:
    assert papermill_engines.get_engine(ENGINE_NAME) is WarmKernelEngine
    # without a contract kernel (papermill --engine assessment) it starts one of its own
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(tiny_notebooks / "report.ipynb"),
        str(output),
        parameters={"run_dir": str(tmp_path), "engagement_dir": "x"},
        engine_name=ENGINE_NAME,
        progress_bar=False,
    )
    executed = nbformat.read(output, as_version=4)
    assert executed.metadata["papermill"]["parameters"]["engagement_dir"] == "x"
    assert json.loads((tmp_path / "seen_by_report.json").read_text())["variable"] is None
