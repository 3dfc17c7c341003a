"""Discovery's records: evidence items, journey steps and draft findings, and their frames.

The shape of each field is checked here (pydantic); the checks of a whole batch against the
engagement's references are in :mod:`assessment.discovery.validation`.

``interviewee`` is internal: it helps the consultant count people and follow up, and never leaves
the consultant's workbook (see :mod:`assessment.discovery.confidentiality`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assessment.entries import Entry

TEXT_MAX = 2000
"""Longest comment, quote or finding statement the store accepts (characters)."""

NAME_MAX = 120
"""Longest role, interviewee, owner, channel or step name."""

Direction = Literal["confirms", "refutes"]
JourneyKind = Literal["current", "defined", "proposed"]

EVIDENCE_COLUMNS = [
    "id",
    "source_type",
    "site",
    "role",
    "interviewee",
    "participants",
    "date",
    "text",
    "heading",
    "dimensions",
    "sentiment",
    "bears_on",
    "shareable",
]
JOURNEY_COLUMNS = [
    "journey",
    "site",
    "order",
    "step",
    "owner",
    "channel",
    "duration_days",
    "value_adding",
]
FINDING_COLUMNS = ["id", "heading", "statement", "evidence_ids"]


class Bearing(BaseModel):
    """What one evidence item says about one hypothesis."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hypothesis_key: str = Field(min_length=1, title="Hypothesis")
    direction: Direction = Field(title="Bears on it", description="confirms or refutes")


class Evidence(Entry):
    """One item of discovery evidence: a comment, quote or observation, with its coding."""

    source_type: str = Field(min_length=1, title="Source", description="Kind of source")
    site: str = Field(min_length=1, title="Site", description="Site key or name; ALL: contract")
    role: str = Field(min_length=1, max_length=NAME_MAX, title="Role")
    interviewee: str | None = Field(
        default=None, max_length=NAME_MAX, title="Interviewee", description="Internal only"
    )
    participants: int | None = Field(
        default=None, ge=1, title="Participants", description="People in a group session"
    )
    date: dt.date = Field(title="Date")
    text: str = Field(min_length=1, max_length=TEXT_MAX, title="Comment or quote")
    heading: str = Field(min_length=1, title="Heading")
    dimensions: list[str] = Field(min_length=1, title="Assessment dimensions")
    sentiment: str = Field(min_length=1, title="Sentiment")
    bears_on: list[Bearing] = Field(default_factory=list, title="Hypotheses it bears on")
    shareable: bool = Field(default=False, title="Quote may be shown to the client")

    @field_validator("interviewee")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("dimensions")
    @classmethod
    def _once_each(cls, values: list[str]) -> list[str]:
        # a dimension named twice is harmless, but would count the item twice in the heatmap
        return list(dict.fromkeys(v.strip() for v in values))

    @field_validator("bears_on")
    @classmethod
    def _one_direction_per_hypothesis(cls, values: list[Bearing]) -> list[Bearing]:
        keys = [b.hypothesis_key for b in values]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"hypothesis named more than once: {', '.join(repeated)}")
        return values


class JourneyStep(BaseModel):
    """One step of a customer journey: a site's current one, the contract's or a proposed one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    journey: JourneyKind = Field(default="current", title="Journey")
    site: str = Field(min_length=1, title="Site", description="Site key or name; ALL: contract")
    order: int = Field(ge=1, title="Step order")
    step: str = Field(min_length=1, max_length=NAME_MAX, title="Step")
    owner: str = Field(default="", max_length=NAME_MAX, title="Owner")
    channel: str = Field(default="", max_length=NAME_MAX, title="Channel")
    duration_days: float | None = Field(default=None, ge=0, title="Typical duration (days)")
    value_adding: bool = Field(default=False, title="Value adding for the customer")


class Finding(Entry):
    """A draft finding the consultant writes, resting on evidence items; it feeds step 5."""

    heading: str = Field(min_length=1, title="Heading")
    statement: str = Field(min_length=1, max_length=TEXT_MAX, title="Finding")
    evidence_ids: list[str] = Field(default_factory=list, title="Evidence")

    @field_validator("evidence_ids")
    @classmethod
    def _once_each(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


def evidence_frame(records: Iterable[Evidence]) -> pd.DataFrame:
    """Evidence records as a frame: one row per item, columns ``EVIDENCE_COLUMNS``.

    ``dimensions`` holds a list of keys and ``bears_on`` a list of ``{hypothesis_key,
    direction}`` dicts; ``date`` is a datetime64 and ``participants`` a nullable integer.
    """
    rows = [r.model_dump(include=set(EVIDENCE_COLUMNS)) for r in records]
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["interviewee"] = frame["interviewee"].astype("str")
    frame["participants"] = frame["participants"].astype("Int64")
    frame["shareable"] = frame["shareable"].astype(bool)
    return frame


def journey_frame(steps: Iterable[JourneyStep]) -> pd.DataFrame:
    """Journey steps as a frame, columns ``JOURNEY_COLUMNS``, sorted by journey, site, order."""
    frame = pd.DataFrame([s.model_dump() for s in steps], columns=JOURNEY_COLUMNS)
    frame["order"] = frame["order"].astype("int64")
    frame["duration_days"] = frame["duration_days"].astype("float64")
    frame["value_adding"] = frame["value_adding"].astype(bool)
    return frame.sort_values(["journey", "site", "order"], ignore_index=True)


def finding_frame(records: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a frame, columns ``FINDING_COLUMNS`` (``evidence_ids`` a list)."""
    return pd.DataFrame([r.model_dump() for r in records], columns=FINDING_COLUMNS)
