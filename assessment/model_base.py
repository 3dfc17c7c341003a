"""The base of every record of engagement.yaml: strict keys, and the shared field types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Key = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", strip_whitespace=True)
]
Category = Literal["value_adding", "value_enabling", "non_value"]
MAX_VALUE = 1e9
"""No KPI figure or target of a service contract comes near a billion: larger is a typo or a
unit error (pence for pounds), and would print as a number nobody can read."""


class _Strict(BaseModel):
    """Base of every record here: unknown keys are errors (a typo must never pass silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
