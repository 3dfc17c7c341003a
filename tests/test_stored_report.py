"""The notebook `assess serve` has Voila run: it replays a run's stored outputs, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment import stored_report
from assessment.stored_report import served_notebook, show_stored


@pytest.fixture
def executed_report(tmp_path: Path) -> Path:
    """An executed-looking report: parameters, a cover, noise that must not reach the client."""
    cells = [
        {
            "cell_type": "code",
            "id": "rp-00",
            "metadata": {"tags": ["parameters"]},
            "source": "engagement_dir = ''",
            "outputs": [],
            "execution_count": 1,
        },
        {
            "cell_type": "code",
            "id": "rp-01",
            "metadata": {},
            "source": "cover(engagement)",
            "execution_count": 2,
            "outputs": [
                {"output_type": "stream", "name": "stderr", "text": "WARNING noise"},
                {
                    "output_type": "execute_result",
                    "execution_count": 2,
                    "metadata": {},
                    "data": {
                        "text/html": "<section class='aw-cover'>Acme</section>",
                        "text/plain": "<HTML>",
                    },
                },
            ],
        },
        {
            "cell_type": "markdown",
            "id": "rp-02",
            "metadata": {},
            "source": ["## Executive ", "summary"],
        },
        {
            "cell_type": "code",
            "id": "rp-03",
            "metadata": {},
            "source": "1 / 0",
            "execution_count": 3,
            "outputs": [
                {
                    "output_type": "error",
                    "ename": "ZeroDivisionError",
                    "evalue": "x",
                    "traceback": [],
                }
            ],
        },
        {
            "cell_type": "code",
            "id": "rp-04",
            "metadata": {},
            "source": "form",
            "execution_count": 4,
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "application/vnd.jupyter.widget-view+json": {"model_id": "m"},
                        "text/plain": "w",
                    },
                }
            ],
        },
    ]
    path = tmp_path / "report.ipynb"
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


def test_served_notebook_keeps_markdown_and_cells_that_showed_something(
    executed_report: Path,
) -> None:
    notebook = served_notebook(executed_report)
    cells = [(c["id"], c["cell_type"], c["source"]) for c in notebook["cells"]]
    assert cells == [
        (
            "aw-served-setup",
            "code",
            "from assessment.stored_report import show_stored\n\n"
            f"report = {str(executed_report.resolve())!r}",
        ),
        ("rp-01", "code", "show_stored(report, 'rp-01')"),
        ("rp-02", "markdown", "## Executive summary"),
    ]
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def test_show_stored_publishes_only_what_a_client_may_see(
    executed_report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[dict] = []
    monkeypatch.setattr(
        stored_report, "publish_display_data", lambda data, metadata: published.append(data)
    )
    show_stored(executed_report, "rp-01")
    show_stored(executed_report, "rp-03")
    show_stored(executed_report, "rp-04")
    assert published == [
        {"text/html": "<section class='aw-cover'>Acme</section>", "text/plain": "<HTML>"}
    ]


def test_show_stored_names_an_unknown_cell(executed_report: Path) -> None:
    with pytest.raises(KeyError, match="rp-99"):
        show_stored(executed_report, "rp-99")


def test_the_what_if_section_gets_the_one_live_cell_after_it_with_what_if(
    executed_report: Path, tmp_path: Path
) -> None:
    # the run's report of an engagement in ./acme: its "What if" table, then the live controls
    (tmp_path / "acme").mkdir()
    notebook = json.loads(executed_report.read_text())
    notebook["cells"][0]["source"] = 'engagement_dir = "acme"  # set by assess run'
    what_if = dict(notebook["cells"][1], id="what-if-scenarios")
    notebook["cells"].append(what_if)
    executed_report.write_text(json.dumps(notebook))
    plain = [c["id"] for c in served_notebook(executed_report)["cells"]]
    assert plain[-1] == "what-if-scenarios"  # without --what-if: the stored table only
    live = served_notebook(executed_report, live_what_if=True)["cells"]
    cells = [(c["id"], c["source"]) for c in live]
    assert cells[-2:] == [
        ("what-if-scenarios", "show_stored(report, 'what-if-scenarios')"),
        (
            "aw-what-if-live",
            "from assessment.recommendations.what_if import show_what_if\n\n"
            f"show_what_if({str((tmp_path / 'acme').resolve())!r})",
        ),
    ]
