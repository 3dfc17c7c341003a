"""The set-up contract: pyproject, environment.yml, Makefile and CI agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _requirements(lines: list[str]) -> dict[str, str]:
    """name -> lower bound, from 'name>=1.2' strings."""
    out = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9.]*)\s*", line)
        assert match, f"'{line}' should be 'name>=version' (lower bounds only)"
        out[match.group(1).lower().replace("_", "-")] = match.group(2)
    return out


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _requirements(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and ">=" in d]
    assert _requirements(conda) == wanted
    assert "python=3.11" in env["dependencies"]


def test_card_packages_have_lower_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = _requirements(project["dependencies"])
    for package in ("jupyterlab", "pandas", "ipywidgets", "voila", "altair", "papermill"):
        assert package in names


def test_makefile_and_ci_use_the_readme_commands() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_run_outputs_are_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text().split()
    for pattern in (".venv/", "**/runs/", "*.sqlite"):
        assert pattern in ignored
