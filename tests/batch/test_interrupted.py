"""An interrupted contract never leaves a run that looks good; the others still complete."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment.batch import run as batch_run
from assessment.batch.contract import ContractTask, run_contract, up_to_date
from assessment.batch.local import DIED, run_local
from assessment.batch.portfolio import load_portfolio
from assessment.batch.run import plan
from assessment.runner import run_status

pytestmark = pytest.mark.notebook  # runs contracts on kernels


def _looks_good_but_is_not(folder: Path) -> list[str]:
    """Run folders named like a good run (runs/<id>) whose status is not succeeded."""
    runs = [p for p in (folder / "runs").iterdir() if p.is_dir()]
    plain = [p for p in runs if not p.name.startswith(".") and not p.name.endswith(".failed")]
    return [p.name for p in plain if run_status(p) != "succeeded"]


def test_killed_worker_fails_its_contract_only(
    make_portfolio: Callable[..., Path], use_tiny_notebooks: Path
) -> None:
    path = make_portfolio(["victim", "bystander"])
    (path.parent / "victim" / "KILL").write_text("", encoding="utf-8")  # kernel kills its worker
    tasks, _ = plan(load_portfolio(path), "kill-1", resume=False)
    outcomes = {o.key: o for o in run_local(tasks, workers=2)}
    assert outcomes["bystander"].status == "succeeded"
    victim = outcomes["victim"]
    assert victim.status == "failed" and victim.error == DIED
    assert _looks_good_but_is_not(path.parent / "victim") == []
    assert not (path.parent / "victim" / "runs" / "kill-1").exists()
    # what it left is marked unfinished, so --resume runs it again
    assert (path.parent / "victim" / "runs" / ".incomplete-kill-1").is_dir()
    assert up_to_date(path.parent / "victim", {}) is None
    assert up_to_date(path.parent / "bystander", {}) is not None


def test_error_mid_contract_leaves_no_good_looking_run(
    make_portfolio: Callable[..., Path], use_tiny_notebooks: Path
) -> None:
    path = make_portfolio(["one"])
    folder = path.parent / "one"
    # the report notebook is missing: the run stops between notebooks with an unexpected error
    task = ContractTask(
        key="one",
        folder=str(folder),
        run_id="boom-1",
        notebooks=[str(use_tiny_notebooks / "01_step.ipynb"), str(folder / "missing.ipynb")],
    )
    outcome = run_contract(task)
    assert outcome.status == "failed" and "missing.ipynb" in (outcome.error or "")
    assert _looks_good_but_is_not(folder) == []
    assert not (folder / "runs" / "boom-1").exists()
    assert up_to_date(folder, {}) is None


def test_ctrl_c_still_writes_the_summary_and_index(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the first contract finishes, then the user presses Ctrl-C while the second runs
    path = make_portfolio(["done", "cut"])
    portfolio = load_portfolio(path)
    real = batch_run._execute

    def first_then_ctrl_c(tasks, address, slots, progress):
        running = real(tasks[:1], address, slots, progress)
        yield from running
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_run, "_execute", first_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt) as caught:
        batch_run.run_batch(portfolio, workers=1, quiet=True)

    summary = json.loads((path.parent / "runs" / "summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] is True
    assert summary["counts"] == {"succeeded": 1, "failed": 0, "skipped": 0, "interrupted": 1}
    statuses = {c["key"]: c["status"] for c in summary["contracts"]}
    assert statuses == {"done": "succeeded", "cut": "interrupted"}
    index = (path.parent / "runs" / "index.html").read_text(encoding="utf-8")
    assert "Not refreshed: the batch was stopped before it ran" in index
    assert "summary" in str(caught.value)
    # --resume picks up exactly the contract that did not finish
    assert up_to_date(path.parent / "done", {}) is not None
    assert up_to_date(path.parent / "cut", {}) is None
