"""The portfolio model: which contracts a batch runs, with their parameters, read from YAML.

``portfolio.yaml`` lists the contracts of a delivery lead's portfolio, each an engagement folder
(relative to the file) with optional notebook parameters, for example the period to report::

    name: Employment services portfolio
    scheduler: tcp://10.0.0.5:8786   # optional: run on this Dask cluster
    workers: 2                       # optional: local worker processes
    contracts:
      - key: northshore
        path: northshore
        parameters: {period: "2025-12"}

Every problem is reported at once, naming the file, the YAML line and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from assessment.engagement import ENGAGEMENT_FILE, Key
from assessment.errors import InputError, Problem
from assessment.run_folder import RUNS_DIR
from assessment.yamlfile import node_at, read_yaml_model

RESERVED_PARAMETERS = frozenset({"engagement_dir", "run_dir", "run_id"})
"""Parameters the runner sets itself; a portfolio may not override them."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContractEntry(_Strict):
    """One contract of the portfolio: an engagement folder and its notebook parameters."""

    key: Key
    path: str = Field(min_length=1, description="The engagement folder, relative to the file.")
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _not_reserved(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        clash = sorted(RESERVED_PARAMETERS & set(parameters))
        if clash:
            raise ValueError(f"{', '.join(clash)} is set by the runner, not by the portfolio")
        return parameters


class Portfolio(_Strict):
    """A delivery lead's portfolio: its contracts and, optionally, where to run them."""

    name: str = Field(min_length=1)
    contracts: list[ContractEntry] = Field(min_length=1)
    scheduler: str | None = Field(default=None, description="A Dask scheduler address.")
    workers: int | None = Field(default=None, ge=1, le=256)

    _file: Path = PrivateAttr(default=Path("portfolio.yaml"))

    @field_validator("scheduler")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(tcp|tls|ws|wss)://\S+", value):
            raise ValueError("expected a Dask scheduler address such as tcp://10.0.0.5:8786")
        return value

    @model_validator(mode="after")
    def _unique_keys(self) -> Portfolio:
        keys = [c.key for c in self.contracts]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"contract keys must be unique: {', '.join(repeated)} repeated")
        return self

    @property
    def file(self) -> Path:
        """The portfolio file this was read from."""
        return self._file

    @property
    def root(self) -> Path:
        """The folder the contract paths are relative to."""
        return self._file.parent

    @property
    def output_dir(self) -> Path:
        """Where the batch writes the portfolio index and summary (``runs/`` beside the file)."""
        return self.root / RUNS_DIR

    def folder(self, contract: ContractEntry) -> Path:
        """A contract's engagement folder, resolved against the portfolio file."""
        path = Path(contract.path).expanduser()
        return (path if path.is_absolute() else self.root / path).resolve()


def load_portfolio(path: str | Path) -> Portfolio:
    """Read and validate ``portfolio.yaml``, checking every contract folder exists.

    Args:
        path: The portfolio file.

    Returns:
        The validated portfolio, which knows its file.

    Raises:
        InputError: The file is missing, is not valid YAML, breaks the model, or names a folder
            without an engagement.yaml; every problem with its YAML line and field.
    """
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise InputError.single(file, "file not found: expected a portfolio YAML file")
    portfolio, node = read_yaml_model(file, Portfolio, "expected a mapping with name and contracts")
    portfolio._file = file
    missing = _missing_folders(portfolio, node)
    if missing:
        raise InputError(missing)
    return portfolio


def _missing_folders(portfolio: Portfolio, root: yaml.Node | None) -> list[Problem]:
    """A problem for every contract whose folder holds no engagement.yaml."""
    problems = []
    for index, contract in enumerate(portfolio.contracts):
        folder = portfolio.folder(contract)
        if (folder / ENGAGEMENT_FILE).is_file():
            continue
        what = "folder not found" if not folder.is_dir() else f"no {ENGAGEMENT_FILE} in folder"
        node = node_at(root, ["contracts", index, "path"])
        line = f"line {node.start_mark.line + 1}" if node is not None else None
        problems.append(
            Problem(
                str(portfolio.file),
                f"{what} {folder} (expected an engagement folder, relative to this file)",
                location=line,
                field=f"contracts.{index}.path",
            )
        )
    return problems
