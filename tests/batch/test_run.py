"""`assess batch` end to end on tiny notebooks: failure isolation, exit codes, summary, index."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment.cli import main
from assessment.run_folder import executed_notebook
from assessment.runner import run_status

from .conftest import break_kpi_extract, copy_engagement, write_portfolio


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v or "" for k, v in attrs if k == "href"]


@pytest.fixture(scope="module")
def mixed_batch(
    tmp_path_factory: pytest.TempPathFactory, tiny_notebooks: Path
) -> tuple[Path, int, dict, str]:
    """Three contracts: `good`, `baddata` (an extract with a word for a number), `badcell`."""
    root = tmp_path_factory.mktemp("mixed")
    keys = ["good", "baddata", "badcell"]
    for key in keys:
        copy_engagement(root / key, f"Client {key}")
    path = write_portfolio(root, [{"key": k, "path": k} for k in keys])
    break_kpi_extract(root / "baddata")
    (root / "badcell" / "FAIL").write_text("", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSESS_NOTEBOOKS", str(tiny_notebooks))
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["batch", str(path), "--workers", "2", "--quiet", "--json"])
    return path, code, json.loads(out.getvalue()), err.getvalue()


@pytest.mark.notebook
def test_failures_are_isolated_and_named(mixed_batch: tuple[Path, int, dict, str]) -> None:
    path, code, summary, err = mixed_batch
    assert code == 1
    assert summary["counts"] == {"succeeded": 1, "failed": 2, "skipped": 0}
    by_key = {c["key"]: c for c in summary["contracts"]}
    assert [c["key"] for c in summary["contracts"]] == ["good", "baddata", "badcell"]
    good = by_key["good"]
    assert good["status"] == "succeeded" and run_status(Path(good["run_folder"])) == "succeeded"
    bad_data = by_key["baddata"]
    assert bad_data["status"] == "failed" and bad_data["notebook"] is None
    assert "kpi_extract.csv" in bad_data["error"] and "row 2" in bad_data["error"]
    bad_cell = by_key["badcell"]
    assert bad_cell["notebook"] == "01_step.ipynb" and bad_cell["cell"] == 3  # In [3]
    assert "AssertionError: asked to fail" in bad_cell["error"]
    assert bad_cell["run_folder"].endswith(".failed")
    assert run_status(Path(bad_cell["run_folder"])) == "failed"
    # --quiet: nothing but the failures, one line each, on stderr
    lines = err.strip().splitlines()
    assert lines == [
        f"failed: baddata: failed: {bad_data['error'].splitlines()[0]}",
        "failed: badcell: failed in 01_step.ipynb, cell 3: AssertionError: asked to fail",
    ]
    written = json.loads((path.parent / "runs" / "summary.json").read_text())
    assert written == summary


@pytest.mark.notebook
def test_index_lists_every_contract_with_links_that_exist(
    mixed_batch: tuple[Path, int, dict, str],
) -> None:
    path, _, summary, _ = mixed_batch
    index = Path(summary["index"])
    assert index == path.parent / "runs" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "Test portfolio &lt;&amp;&gt;" in html and "<&>" not in html  # escaped
    for key in ("good", "baddata", "badcell"):
        assert f'<tr id="{key}">' in html
    # a failed run is told in words; a good one needs no word at all
    assert html.count("Not refreshed: its latest run failed") == 2 and "succeeded" not in html
    assert "01_step.ipynb, cell 3" in html and "asked to fail" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # offline
    parser = _Links()
    parser.feed(html)
    assert len(parser.hrefs) >= 3
    assert not any(h.endswith(".ipynb") for h in parser.hrefs)  # working papers: --internal
    for href in parser.hrefs:
        assert not href.startswith("/")
        assert (index.parent / href).exists(), href
    assert any(
        h.endswith("good/runs/" + summary["batch_id"] + "/report.html") for h in parser.hrefs
    )


@pytest.mark.notebook
def test_outputs_are_papermill_notebooks(mixed_batch: tuple[Path, int, dict, str]) -> None:
    import nbformat

    _, _, summary, _ = mixed_batch
    good = next(c for c in summary["contracts"] if c["key"] == "good")
    executed = nbformat.read(
        executed_notebook(Path(good["run_folder"]), "01_step.ipynb"), as_version=4
    )
    papermill = executed.metadata["papermill"]
    assert papermill["parameters"]["engagement_dir"] == good["folder"]
    assert papermill["parameters"]["run_id"] == summary["batch_id"]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    manifest = json.loads((Path(good["run_folder"]) / "manifest.json").read_text())
    assert manifest["status"] == "succeeded" and manifest["parameters"] == {}


@pytest.mark.notebook
def test_progress_and_final_lines_without_quiet(
    make_portfolio: Callable[..., Path],
    use_tiny_notebooks: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_portfolio(["one"])
    assert main(["batch", str(path), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "1 contracts in" in captured.out and "1 succeeded, 0 failed, 0 skipped" in captured.out
    assert f"Index: {path.parent / 'runs' / 'index.html'}" in captured.out
    assert "one: succeeded in" in captured.err and "done 1, running 0, failed 0" in captured.err


def test_bad_portfolio_exits_2_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "portfolio.yaml"
    path.write_text("name: X\ncontracts:\n  - key: a\n    path: missing\n", encoding="utf-8")
    assert main(["batch", str(path)]) == 2
    assert "'contracts.0.path'" in capsys.readouterr().err
