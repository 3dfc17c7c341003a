"""`assess batch` on generated portfolios, against the naive loop and plain Python, in one run.

Every figure is measured here, in this run, on this machine:

- ``assess batch --workers 2`` on 10, 25 and 50 copies of the demo engagement (northshore:
  20,000 customers, 4 sites): seconds per contract (wall clock / contracts), and peak memory of
  the whole process tree (batch, workers, kernels) during the 50-contract batch;
- the naive way (a shell loop of ``papermill`` CLI calls, one per notebook, then
  ``jupyter nbconvert --no-input``), on a smaller sample, reported per contract;
- plain Python: the same code as the notebooks' cells, executed in one Python process with an
  in-process IPython shell (so results are formatted as a notebook would show them), with no
  kernel, no Papermill and no notebook files, reported per contract.

    .venv/bin/python bench/bench_batch.py [--sizes 10 25 50] [--naive 5] [--plain 10]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def make_portfolio(source: Path, folder: Path, count: int) -> Path:
    """``count`` copies of the generated demo engagement (own client names) and portfolio.yaml."""
    folder.mkdir(parents=True)
    contracts = []
    for number in range(1, count + 1):
        key = f"c{number:03d}"
        shutil.copytree(source, folder / key, ignore=shutil.ignore_patterns("runs", "*.sqlite*"))
        config = folder / key / "engagement.yaml"
        text = config.read_text(encoding="utf-8")
        text = text.replace("name: Northshore Employment Services", f"name: Client {key}", 1)
        config.write_text(text, encoding="utf-8")
        contracts.append({"key": key, "path": key, "parameters": {}})
    path = folder / "portfolio.yaml"
    data = {"name": f"Bench portfolio of {count}", "contracts": contracts}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:  # a process of the tree ended while it was listed: next sample
        return 0
    for each in tree:
        with contextlib.suppress(psutil.Error):  # a process that just ended
            total += each.memory_info().rss
    return total


def time_batch(portfolio: Path, workers: int, *, svg_service: bool = True) -> tuple[float, int]:
    """Wall-clock seconds of ``assess batch`` and the peak RSS of its process tree.

    ``svg_service=False`` runs it with each kernel starting vl-convert itself (the baseline of
    :mod:`assessment.svgserver`).
    """
    command = [str(BIN / "assess"), "batch", str(portfolio), "--workers", str(workers), "--quiet"]
    env = os.environ | {"AW_SVG_SERVICE": "on" if svg_service else "off"}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    peak, watched = 0, psutil.Process(process.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.1):
            peak = max(peak, _tree_rss(watched))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"assess batch failed ({code}) on {portfolio}")
    return seconds, peak


def time_naive(folders: list[Path], notebooks: list[Path]) -> float:
    """A shell loop of papermill CLI calls, one per notebook, then nbconvert --no-input."""
    lines = ["set -e"]
    for folder in folders:
        out = folder / "runs" / "naive"
        lines.append(f"mkdir -p {shlex.quote(str(out))}")
        for notebook in notebooks:
            lines.append(
                f"{BIN}/papermill --no-progress-bar --log-level WARNING "
                f"{shlex.quote(str(notebook))} {shlex.quote(str(out / notebook.name))} "
                f"-p engagement_dir {shlex.quote(str(folder))} -p run_dir {shlex.quote(str(out))} "
                f"-p run_id naive --cwd {shlex.quote(str(out))}"
            )
        lines.append(
            f"{BIN}/jupyter nbconvert --to html --no-input --log-level WARN "
            f"{shlex.quote(str(out / 'report.ipynb'))}"
        )
    start = time.perf_counter()
    subprocess.run(["bash", "-c", "\n".join(lines)], check=True, capture_output=True)
    return time.perf_counter() - start


def time_plain(folders: list[Path]) -> float:
    """The notebooks' code in one fresh Python process (imports paid once, as in a script)."""
    command = [sys.executable, __file__, "--plain-run", *map(str, folders)]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def _cells(notebook: Path) -> list[str]:
    """A notebook's code cells after the parameters cell."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    return [c.source for c in cells if "parameters" not in c.metadata.get("tags", [])]


def plain_run(folders: list[Path]) -> None:
    """Run every notebook's code for each folder in this process; results formatted, not kept."""
    from IPython.core.interactiveshell import InteractiveShell

    from assessment.runner import step_notebooks

    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda *args, **kwargs: None  # formatted, then dropped
    shell.displayhook.write_format_data = lambda *args, **kwargs: None
    shell.displayhook.write_output_prompt = lambda: None
    code = {nb.name: _cells(nb) for nb in step_notebooks()}
    for folder in folders:
        shell.reset(new_session=False)
        parameters = {"engagement_dir": str(folder), "run_dir": "", "run_id": "plain"}
        parameters["interactive"] = False
        shell.user_ns.update(parameters)
        for name, cells in code.items():
            for source in cells:
                ast.parse(source)
                result = shell.run_cell(source, store_history=False)
                if not result.success:
                    raise SystemExit(f"{folder} {name}: {result.error_in_exec!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--naive", type=int, default=5, help="contracts for the naive loop")
    parser.add_argument("--plain", type=int, default=10, help="contracts for plain Python")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--plain-run", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_run:
        plain_run(args.plain_run)
        return
    from assessment.runner import step_notebooks

    notebooks = step_notebooks()
    with tempfile.TemporaryDirectory(prefix="aw-bench-") as tmp:
        root = Path(tmp)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "data" / "demo" / "generate.py"),
                "--out",
                str(root / "src"),
                "--quiet",
            ],
            check=True,
        )
        source = root / "src" / "northshore"
        naive_folders = list(make_portfolio(source, root / "naive", args.naive).parent.glob("c*"))
        naive = time_naive(sorted(naive_folders), notebooks) / args.naive
        plain_folders = sorted(make_portfolio(source, root / "plain", args.plain).parent.glob("c*"))
        plain = time_plain(plain_folders) / args.plain
        batch: dict[int, tuple[float, int]] = {}
        for size in args.sizes:
            portfolio = make_portfolio(source, root / f"batch{size}", size)
            seconds, peak = time_batch(portfolio, args.workers)
            batch[size] = (seconds / size, peak)
        smallest = min(args.sizes)
        without = make_portfolio(source, root / "no-service", smallest)
        no_service = time_batch(without, args.workers, svg_service=False)[0] / smallest
    largest = max(args.sizes)
    per_contract, peak = batch[largest]
    names = ", ".join(n.name for n in notebooks)
    print(f"notebooks per contract: {len(notebooks)} ({names}) + report.html")
    print(f"machine: {psutil.cpu_count()} cores; batch with --workers {args.workers}")
    print(
        f"naive loop (papermill CLI per notebook + nbconvert), {args.naive} contracts: "
        f"{naive:.2f} s/contract"
    )
    print(f"plain Python (one process, no kernels), {args.plain} contracts: {plain:.2f} s/contract")
    for size, (seconds, _) in batch.items():
        print(f"assess batch, {size} contracts: {seconds:.2f} s/contract")
    print(
        f"assess batch, {smallest} contracts, each kernel starting vl-convert itself: "
        f"{no_service:.2f} s/contract (shared SVG service: {no_service / batch[smallest][0]:.2f}x "
        "faster)"
    )
    print(f"speed-up over the naive loop ({largest} contracts): {naive / per_contract:.1f}x")
    print(f"batch / plain Python: {per_contract / plain:.2f}x")
    print(f"peak memory of the {largest}-contract batch (all processes): {peak / 2**30:.2f} GB")


if __name__ == "__main__":
    main()
