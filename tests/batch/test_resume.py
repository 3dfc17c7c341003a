"""--resume: only contracts that failed, never finished or changed since their last good run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assessment.cli import main

from .conftest import break_kpi_extract

pytestmark = pytest.mark.notebook  # runs batches on kernels


def _batch(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = main(["batch", str(path), "--workers", "2", "--resume", "--quiet", "--json"])
    summary = json.loads(capsys.readouterr().out)
    return code, {c["key"]: c["status"] for c in summary["contracts"]}


def _runs(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "runs").iterdir() if p.is_dir())


def test_resume_reruns_only_failed_and_changed_contracts(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_portfolio(["steady", "changed", "flaky"])
    root = path.parent
    (root / "flaky" / "FAIL").write_text("", encoding="utf-8")
    assert _batch(path, capsys) == (
        1,
        {"steady": "succeeded", "changed": "succeeded", "flaky": "failed"},
    )
    first = _runs(root / "steady")

    # the failure fixed, nothing else changed: only the failed contract runs again
    (root / "flaky" / "FAIL").unlink()
    assert _batch(path, capsys) == (
        0,
        {"steady": "skipped", "changed": "skipped", "flaky": "succeeded"},
    )
    assert _runs(root / "steady") == first

    # a second resume runs nothing at all
    assert _batch(path, capsys) == (
        0,
        {"steady": "skipped", "changed": "skipped", "flaky": "skipped"},
    )

    # new figures in one contract's extract: only that one runs
    break_kpi_extract(root / "changed")
    code, statuses = _batch(path, capsys)
    assert (code, statuses) == (1, {"steady": "skipped", "changed": "failed", "flaky": "skipped"})
    assert _runs(root / "steady") == first


def test_changed_parameters_rerun_the_contract(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_portfolio(["only"])
    assert _batch(path, capsys) == (0, {"only": "succeeded"})
    text = path.read_text(encoding="utf-8").replace("parameters: {}", "parameters: {period: x}")
    path.write_text(text, encoding="utf-8")
    assert _batch(path, capsys) == (0, {"only": "succeeded"})
    assert _batch(path, capsys) == (0, {"only": "skipped"})


def test_a_new_capture_sheet_reruns_the_contract(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a consultant drops the week's filled capture sheet into captures/: its rows must reach
    # the report, so the contract is out of date although no extract changed
    path = make_portfolio(["only"])
    assert _batch(path, capsys) == (0, {"only": "succeeded"})
    captures = path.parent / "only" / "captures"
    captures.mkdir(exist_ok=True)
    (captures / "week2.xlsx").write_bytes(b"not opened by the tiny notebooks")
    assert _batch(path, capsys) == (0, {"only": "succeeded"})
    assert _batch(path, capsys) == (0, {"only": "skipped"})
