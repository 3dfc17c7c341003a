"""A batch's workers die with it, and a second batch of the same portfolio is refused clearly.

Reproduces issue 15: killing ``assess batch``'s main process left its workers finishing
contracts for a minute or more, and an immediate ``--resume`` ran a contract beside them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from processes import descendants, living

from assessment import locks
from assessment.batch.portfolio import load_portfolio
from assessment.batch.run import run_batch

SLOW_STEP = """\
import time
from pathlib import Path
Path(run_dir, "started").write_text("yes")
time.sleep(120)
"""


def _slow_notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("01_step.ipynb", "report.ipynb"):
        notebook = nbformat.v4.new_notebook()
        parameters = nbformat.v4.new_code_cell('engagement_dir = ""\nrun_dir = ""\nrun_id = ""')
        parameters.metadata["tags"] = ["parameters"]
        notebook.cells = [parameters, nbformat.v4.new_code_cell(SLOW_STEP)]
        notebook.metadata["kernelspec"] = {"name": "python3", "language": "python"}
        nbformat.write(notebook, folder / name)
    return folder


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return "?"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_and_kernels_die_with_their_batch(
    make_portfolio: Callable[..., Path], tmp_path: Path
) -> None:
    path = make_portfolio(["one", "two"])
    env = os.environ | {"ASSESS_NOTEBOOKS": str(_slow_notebooks(tmp_path / "slow"))}
    command = [sys.executable, "-m", "assessment.cli", "batch", str(path), "--workers", "2"]
    batch = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        started = [path.parent / key / "runs" for key in ("one", "two")]
        while time.monotonic() < deadline:
            if all(runs.is_dir() and list(runs.glob(".incomplete-*/started")) for runs in started):
                break
            time.sleep(0.3)
        else:
            pytest.fail("the slow contracts did not start within 90 s")
        below = descendants(batch.pid)
        assert len(below) >= 4  # fork server, two workers, their kernel templates and kernels
        batch.send_signal(signal.SIGKILL)
        batch.wait(10)
        deadline = time.monotonic() + 10
        while living(below) and time.monotonic() < deadline:
            time.sleep(0.2)
        survivors = {pid: _command(pid) for pid in living(below)}
        assert survivors == {}, "processes outlived their batch"
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.wait()


def test_a_second_batch_of_the_portfolio_is_refused_naming_the_first(
    make_portfolio: Callable[..., Path], use_tiny_notebooks: Path
) -> None:
    path = make_portfolio(["one"])
    portfolio = load_portfolio(path)
    first = locks.hold(portfolio.output_dir / locks.PORTFOLIO_LOCK, "assess batch (the first)")
    refused = pytest.raises(locks.LockBusy, match=r"another batch of .* is running \(pid \d+")
    with first, refused:
        run_batch(portfolio, workers=1, quiet=True, resume=True)
    summary = run_batch(portfolio, workers=1, quiet=True)  # once the first has ended
    assert summary.counts["succeeded"] == 1
