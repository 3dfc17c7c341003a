"""`assess open` (working copies with parameters injected) and `assess import` from the shell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat

from assessment.capture import write_workbook
from assessment.cli import main
from assessment.sheets import SHEETS


def parameters_of(notebook: Path) -> str:
    cells = nbformat.read(notebook, as_version=4).cells
    injected = [c for c in cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    return injected[0].source


def test_open_prepares_working_copies_and_keeps_them(engagement_dir: Path, capsys) -> None:
    assert main(["open", str(engagement_dir), "--no-lab"]) == 0
    work = engagement_dir / "work"
    names = sorted(p.name for p in work.glob("*.ipynb"))
    assert names[:3] == ["01_data_analysis.ipynb", "02_intelligence.ipynb", "03_scoping.ipynb"]
    assert "report.ipynb" not in names
    source = parameters_of(work / "02_intelligence.ipynb")
    assert 'engagement_dir = ".."' in source and "interactive = True" in source
    # the consultant's own copy is never overwritten when the engagement is opened again
    mine = work / "02_intelligence.ipynb"
    notebook = nbformat.read(mine, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("my own notes"))
    nbformat.write(notebook, mine)
    assert main(["open", str(engagement_dir), "--no-lab"]) == 0
    assert "my own notes" in mine.read_text(encoding="utf-8")
    assert "kept your working copy" in capsys.readouterr().out


def test_import_command_reports_counts_and_errors(opinion_engagement, tmp_path, capsys) -> None:
    folder = str(opinion_engagement.root)
    good = {"id": "a1", "title": "Time with customers", "agreed": "yes"}
    path = write_workbook(tmp_path / "areas.xlsx", SHEETS, {"Scope areas": [good]})
    assert main(["import", folder, str(path)]) == 0
    assert "Scope areas: 1 new or changed" in capsys.readouterr().out
    bad = {
        "id": "x1",
        "title": "Interviews",
        "kind": "interviews",
        "person": "Lead Consultant",
        "start": dt.date(2025, 3, 3),
        "end": dt.date(2025, 3, 3),
        "days": -1,
    }
    path = write_workbook(tmp_path / "bad.xlsx", SHEETS, {"Activities": [bad]})
    assert main(["import", folder, str(path)]) == 2
    error = capsys.readouterr().err
    assert "bad.xlsx, sheet 'Activities', row 3, 'Days'" in error


def test_capture_command_writes_a_sheet_once(opinion_engagement, tmp_path, capsys) -> None:
    target = tmp_path / "offline.xlsx"
    assert main(["capture", str(opinion_engagement.root), str(target)]) == 0
    assert target.is_file() and "assess import" in capsys.readouterr().out
    assert main(["capture", str(opinion_engagement.root), str(target)]) == 2  # never overwrites
    assert "exists already" in capsys.readouterr().err


def test_open_configures_jupyterlab_for_the_engagement(engagement_dir: Path) -> None:
    import json

    from assessment.workspace import configure_lab

    assert main(["open", str(engagement_dir), "--no-lab"]) == 0
    work = engagement_dir / "work"
    setup = configure_lab(work)
    notification = (
        setup.settings_dir / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    )
    assert json.loads(notification.read_text()) == {"fetchNews": "false", "checkForUpdates": False}
    [space] = setup.workspaces_dir.glob("*.jupyterlab-workspace")
    layout = json.loads(space.read_text())["data"]["layout-restorer:data"]["main"]
    assert layout["dock"]["widgets"][:3] == [
        "notebook:01_data_analysis.ipynb",
        "notebook:02_intelligence.ipynb",
        "notebook:03_scoping.ipynb",
    ]
    assert layout["current"] == "notebook:01_data_analysis.ipynb"
    command = setup.command("--no-browser")
    assert f"--ServerApp.root_dir={work.resolve()}" in command
    assert "--ServerApp.ip=127.0.0.1" in command and "--LabApp.news_url=None" in command
    assert setup.environment["JUPYTERLAB_SETTINGS_DIR"] == str(setup.settings_dir)
    # a layout the consultant changed is theirs: opening again does not reset it
    space.write_text(space.read_text().replace('"currentIndex": 0', '"currentIndex": 2'))
    assert main(["open", str(engagement_dir), "--no-lab"]) == 0
    assert '"currentIndex": 2' in space.read_text()
