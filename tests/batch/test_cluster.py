"""The same batch on a real Dask cluster (a LocalCluster on 127.0.0.1 started by the test)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.runner import run_status

pytestmark = pytest.mark.notebook  # runs contracts on kernels


def test_batch_runs_on_a_dask_scheduler(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from distributed import LocalCluster

    path = make_portfolio(["north", "south"])
    (path.parent / "south" / "FAIL").write_text("", encoding="utf-8")
    with LocalCluster(
        host="127.0.0.1",
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    ) as cluster:
        code = main(["batch", str(path), "--scheduler", cluster.scheduler_address, "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 1
    assert summary["executor"] == "dask" and summary["scheduler"].startswith("tcp://127.0.0.1:")
    by_key = {c["key"]: c for c in summary["contracts"]}
    assert by_key["north"]["status"] == "succeeded"
    assert run_status(Path(by_key["north"]["run_folder"])) == "succeeded"
    assert by_key["south"]["status"] == "failed"
    assert "asked to fail" in by_key["south"]["error"]
    assert (path.parent / "runs" / "index.html").is_file()
