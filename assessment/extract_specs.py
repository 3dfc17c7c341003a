"""Where each client extract is and how it maps to ours: the ``inputs:`` of engagement.yaml.

Every mapping goes our key -> their name (``columns``, ``measures``, ``targets``); reading
options (``header_row``, ``encoding``, ``na_values``, ``dayfirst``) say how to open the file.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal

from pydantic import Field, field_validator, model_validator

from assessment.model_base import Category, _Strict


class _Extract(_Strict):
    """Where a client extract is and how its columns map to ours (our key: their column)."""

    path: str = Field(
        min_length=1,
        description="The file, relative to the engagement folder (.csv, .xlsx, .parquet).",
    )
    sheet: str | None = Field(
        default=None, description="Sheet name, for Excel files.", examples=["KPI extract"]
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="Our field -> the client's column name."
    )
    header_row: int = Field(
        default=1,
        ge=1,
        description="Row of the column names (skip title rows above it).",
        examples=[3],
    )
    encoding: str | None = Field(
        default=None,
        description="CSV text encoding; by default UTF-8 (with or without BOM), then cp1252.",
        examples=["cp1252"],
    )
    na_values: list[str] = Field(
        default_factory=list,
        description="Cell texts that mean 'no value' (such as n/a, -, TBC): read as blanks.",
        examples=[["n/a", "-", "TBC"]],
    )
    dayfirst: bool = Field(
        default=True,
        description="Read 03/04/2024 as 3 April; used only when no value of the column decides it.",
        examples=[False],
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError as error:
                raise ValueError(
                    "unknown encoding (expected one such as utf-8, utf-8-sig, cp1252, latin-1)"
                ) from error
        return encoding


def _outside(path: str) -> bool:
    """Whether a path as written leaves the folder it is relative to."""
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return True
    depth = 0
    for part in PurePosixPath(path.replace("\\", "/")).parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return True
    return False


class KpiExtract(_Extract):
    """The KPI extract: long (one row per measure) or wide (one column per measure).

    ``updates`` lists newer extracts of the same layout, oldest first (a client sends the latest
    months when the engagement runs again): a month a later file holds replaces that month of
    every earlier file, per site and measure.
    """

    layout: Literal["long", "wide"] = Field(
        default="long",
        description="long: one row per site, month and measure; wide: one column per measure.",
    )
    measures: dict[str, str] = Field(
        default_factory=dict,
        description="KPI key -> the client's name for it: long, the measure name in the "
        "measure column; wide, the column of actuals.",
    )
    targets: dict[str, str] = Field(
        default_factory=dict,
        description="Wide only: KPI key -> target column.",
        examples=[{"referrals": "Referral target"}],
    )
    updates: list[str] = Field(
        default_factory=list,
        description="Newer extracts, same layout; later months win.",
        examples=[["inputs/kpi_extract_2026-06.csv"]],
    )
    data_to: dt.date | None = Field(
        default=None,
        description="The last day the newest extract covers: a month ending after it is "
        "incomplete and is never used (without it, months not yet ended on the run day are).",
    )


class CaseloadExtract(_Extract):
    """The caseload extract: one row per customer.

    Our fields: customer_id, site, referral_date, start_date, outcome_date, exit_date.
    """


class WorkSamplingExtract(_Extract):
    """Work-sampling observations; our fields: observed_at, site, role, activity."""

    activities: dict[str, Category] = Field(
        min_length=1,
        description="Each activity observed -> value_adding, value_enabling or non_value.",
    )


class Inputs(_Strict):
    """The client extracts of this engagement."""

    kpi: KpiExtract | None = Field(
        default=None,
        description="The KPI extract: actuals (and targets) per site and month; needed to run.",
    )
    caseload: CaseloadExtract | None = Field(
        default=None, description="The caseload extract: one row per customer."
    )
    work_sampling: WorkSamplingExtract | None = Field(
        default=None, description="A work-sampling (time-and-motion) study."
    )
    allow_outside: bool = Field(
        default=False,
        description="Allow paths outside the engagement folder (a shared drive, say).",
        examples=[True],
    )

    @model_validator(mode="after")
    def _inside_the_folder(self) -> Inputs:
        # checked against the folder again when read (a link may point out of it); lexically
        # here, so a consultant hears it from `assess check` before any file is opened
        if self.allow_outside:
            return self
        named = {}
        if self.kpi is not None:
            named["kpi.path"] = self.kpi.path
            named |= {f"kpi.updates[{n}]": path for n, path in enumerate(self.kpi.updates)}
        for name in ("caseload", "work_sampling"):
            spec = getattr(self, name)
            if spec is not None:
                named[f"{name}.path"] = spec.path
        outside = [f"inputs.{key} '{path}'" for key, path in named.items() if _outside(path)]
        if outside:
            raise ValueError(
                f"{', '.join(outside)} leaves the engagement folder (an absolute path or '..'): "
                "copy the file into the folder, or set inputs.allow_outside: true"
            )
        return self
