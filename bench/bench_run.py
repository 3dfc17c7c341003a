"""`assess run` on the demo (step 1 + report) next to a bare Papermill run of an empty notebook.

Both are measured in the same run, so the kernel start-up overhead that every notebook pays is
visible beside the work the workbook does.

    .venv/bin/python bench/bench_run.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from assessment.runner import run_engagement, step_notebooks

ROOT = Path(__file__).resolve().parents[1]


def _empty_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = folder / "empty.ipynb"
    nbformat.write(notebook, path)
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = _empty_notebook(folder)
        start = time.perf_counter()
        papermill.execute_notebook(str(empty), str(folder / "out.ipynb"), progress_bar=False)
        bare = time.perf_counter() - start
        engagement = folder / "northshore"
        shutil.copytree(
            ROOT / "data" / "demo" / "northshore",
            engagement,
            ignore=shutil.ignore_patterns("runs", "*.sqlite*"),
        )
        result = run_engagement(engagement)
    count = len(step_notebooks())
    print(f"bare papermill run of an empty notebook: {bare:.2f} s")
    print(f"assess run on the demo ({count} notebooks + report.html): {result.seconds:.2f} s")
    for item in result.notebooks:
        print(f"  {item['notebook']}: {item['seconds']:.2f} s")
    print(
        f"ratio: {result.seconds / bare:.1f}x one empty notebook "
        f"({result.seconds / (bare * count):.1f}x the bare cost of {count} notebooks)"
    )


if __name__ == "__main__":
    main()
