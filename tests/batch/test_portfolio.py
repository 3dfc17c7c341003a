"""portfolio.yaml: read, validated, and every problem named with its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.batch.portfolio import load_portfolio
from assessment.errors import InputError

from .conftest import copy_engagement


def _write(folder: Path, text: str) -> Path:
    path = folder / "portfolio.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_contracts_relative_to_the_file(tmp_path: Path) -> None:
    copy_engagement(tmp_path / "acme", "Acme")
    path = _write(
        tmp_path,
        "name: Mine\nworkers: 3\ncontracts:\n"
        "  - key: acme\n    path: acme\n    parameters: {period: '2025-12'}\n",
    )
    portfolio = load_portfolio(path)
    assert portfolio.name == "Mine" and portfolio.workers == 3
    assert portfolio.folder(portfolio.contracts[0]) == (tmp_path / "acme").resolve()
    assert portfolio.contracts[0].parameters == {"period": "2025-12"}
    assert portfolio.output_dir == tmp_path.resolve() / "runs"


def test_unknown_key_names_file_line_and_field(tmp_path: Path) -> None:
    copy_engagement(tmp_path / "acme", "Acme")
    path = _write(
        tmp_path, "name: Mine\ncontracts:\n  - key: acme\n    path: acme\n    paramters: {}\n"
    )
    with pytest.raises(InputError) as caught:
        load_portfolio(path)
    message = str(caught.value)
    assert str(path) in message and "line 5" in message
    assert "'contracts.0.paramters'" in message and "unknown key" in message


def test_missing_folder_names_file_line_and_field(tmp_path: Path) -> None:
    copy_engagement(tmp_path / "acme", "Acme")
    path = _write(
        tmp_path,
        "name: Mine\ncontracts:\n  - key: acme\n    path: acme\n  - key: gone\n    path: nowhere\n",
    )
    with pytest.raises(InputError) as caught:
        load_portfolio(path)
    message = str(caught.value)
    assert "1 problem found" in message
    assert "line 6" in message and "'contracts.1.path'" in message
    assert "folder not found" in message and "nowhere" in message


def test_reserved_parameters_and_bad_scheduler(tmp_path: Path) -> None:
    copy_engagement(tmp_path / "acme", "Acme")
    path = _write(
        tmp_path,
        "name: Mine\nscheduler: host:8786\ncontracts:\n"
        "  - key: acme\n    path: acme\n    parameters: {run_dir: x}\n",
    )
    with pytest.raises(InputError) as caught:
        load_portfolio(path)
    message = str(caught.value)
    assert "line 2, 'scheduler'" in message and "tcp://" in message
    assert "'contracts.0.parameters'" in message and "run_dir" in message
    assert "set by the runner" in message


def test_repeated_keys(tmp_path: Path) -> None:
    copy_engagement(tmp_path / "acme", "Acme")
    path = _write(
        tmp_path,
        "name: Mine\ncontracts:\n  - key: acme\n    path: acme\n  - key: acme\n    path: acme\n",
    )
    with pytest.raises(InputError, match="acme repeated"):
        load_portfolio(path)


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_portfolio(tmp_path / "portfolio.yaml")
    path = _write(tmp_path, "name: [unclosed\ncontracts: []\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_portfolio(path)
