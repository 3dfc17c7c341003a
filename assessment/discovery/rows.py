"""Discovery's rows: evidence, journeys and findings as a consultant types them (sheet or form).

A row is flat: lists are text separated by ``;`` and the hypotheses an item bears on sit in two
columns, *Confirms* and *Refutes*. :class:`EvidenceRow`, :class:`JourneyRow` and
:class:`FindingRow` describe those rows (the worksheets' columns and the forms' fields);
``*_input`` turns a row into the mapping the checks of :mod:`assessment.discovery.models` take,
labels and hypothesis titles accepted where keys are expected; ``*_rows`` give the stored
entries back as rows. :mod:`.sheets` (the capture sheets) and :mod:`.editors` (the forms) both
build on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import Field

from assessment.capture import _day_first
from assessment.discovery import store as tables
from assessment.discovery.models import Evidence, Finding, JourneyKind
from assessment.entries import Entry
from assessment.store import Store

SEPARATOR = ";"
"""Between the items of a multi-valued cell (dimensions, hypotheses, evidence ids)."""

EVIDENCE_SHEET, JOURNEY_SHEET, FINDING_SHEET = "Evidence", "Journeys", "Findings"


def _hypotheses(title: str) -> Any:
    """A column of hypotheses an item confirms or refutes."""
    return Field(default=None, title=title, description="Hypothesis keys or titles, separated by ;")


class EvidenceRow(Entry):
    """One evidence item as typed in a sheet or a form (lists as ``;``-separated text).

    Only the shape is checked here; lengths, codes and references are checked by the store, so
    a form shows every problem at once, as an import does.
    """

    source_type: str = Field(
        title="Source",
        description="One-to-one interview, Group work / team session, Observation, ...",
    )
    site: str = Field(title="Site", description="Site name, or ALL for the contract")
    role: str = Field(min_length=1, title="Role", description="Job role, no names")
    interviewee: str | None = Field(
        default=None, title="Interviewee", description="Internal only: never shown to the client"
    )
    participants: int | None = Field(
        default=None, title="Participants", description="How many people (group sessions)"
    )
    date: dt.date = Field(title="Date", description="dd/mm/yyyy")
    text: str = Field(min_length=1, title="Comment or quote")
    heading: str = Field(
        title="Heading",
        description="Customer experience; Leadership & MI; Resources; Targets & measures ...",
    )
    dimensions: str = Field(title="Dimensions", description="One or more, separated by ;")
    sentiment: str = Field(title="Sentiment", description="Positive, Neutral or Negative")
    confirms: str | None = _hypotheses("Confirms")
    refutes: str | None = _hypotheses("Refutes")
    shareable: bool = Field(
        default=False, title="Shareable", description="yes: the quote may be shown to the client"
    )


class JourneyRow(Entry):
    """One step of a journey as typed in a sheet or a form."""

    journey: JourneyKind = Field(
        default="current", title="Journey", description="current, defined or proposed"
    )
    site: str = Field(title="Site", description="Site name; ALL for the contract's journey")
    order: int = Field(title="Step order", description="1, 2, 3 ... within the journey")
    step: str = Field(title="Step")
    owner: str | None = Field(default=None, title="Owner", description="Who does it")
    channel: str | None = Field(default=None, title="Channel", description="Phone, face to face")
    duration_days: float | None = Field(
        default=None, title="Typical duration (days)", description="Customer's wait and time"
    )
    value_adding: bool = Field(
        default=False, title="Value adding", description="yes: worth it to the customer"
    )


class FindingRow(Entry):
    """One draft finding as typed in a sheet or a form."""

    heading: str = Field(title="Heading", description="One of the four headings")
    statement: str = Field(min_length=1, title="Finding", description="In a sentence")
    evidence_ids: str | None = Field(
        default=None, title="Evidence", description="Evidence ids, separated by ;"
    )


def split(value: object) -> list[str]:
    """The items of a ``;``-separated cell, stripped, blanks dropped."""
    if value is None:
        return []
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


YES_NO_FIELDS = frozenset({"shareable", "value_adding"})


def _given(values: Mapping[str, Any], skip: Sequence[str] = ()) -> dict[str, Any]:
    """A row's filled cells as model input: dd/mm/yyyy dates and yes/no (any case) understood."""
    out = {}
    for name, value in values.items():
        if value is None or name in skip:
            continue
        if isinstance(value, str) and name == "date":
            value = _day_first(value)
        elif isinstance(value, str) and name in YES_NO_FIELDS:
            value = value.casefold()
        out[name] = value
    return out


def evidence_input(
    values: Mapping[str, Any], hypotheses: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """An evidence row as input to ``validate_evidence`` (hypothesis titles resolved to keys).

    Args:
        values: The row's fields (see :class:`EvidenceRow`); empty cells as None.
        hypotheses: Casefolded key or title -> key; an unknown name is kept, to be reported.
    """
    names = hypotheses or {}
    data = _given(values, skip=("confirms", "refutes", "dimensions"))
    data["dimensions"] = split(values.get("dimensions"))
    data["bears_on"] = [
        {"hypothesis_key": names.get(name.casefold(), name), "direction": direction}
        for direction in ("confirms", "refutes")
        for name in split(values.get(direction))
    ]
    return data


def journey_input(values: Mapping[str, Any]) -> dict[str, Any]:
    """A journey row as input to ``validate_journey`` (blank owner and channel allowed)."""
    data = _given(values)
    for text in ("owner", "channel"):
        data.setdefault(text, "")
    data.setdefault("journey", "current")
    return {
        k: v.casefold() if k == "journey" and isinstance(v, str) else v for k, v in data.items()
    }


def finding_input(values: Mapping[str, Any]) -> dict[str, Any]:
    """A finding row as input to ``validate_findings``."""
    return _given(values, skip=("evidence_ids",)) | {
        "evidence_ids": split(values.get("evidence_ids"))
    }


def hypothesis_names(store: Store) -> dict[str, str]:
    """Casefolded key and title of every stored hypothesis -> its key (titles may be typed)."""
    names = {}
    for row in store.query("SELECT key, title FROM hypotheses"):
        names[str(row["title"]).casefold()] = row["key"]
        names[str(row["key"]).casefold()] = row["key"]
    return names


# -- where a problem sits -------------------------------------------------------------------------


def row_field(record_field: str | None, message: str, values: Mapping[str, Any]) -> str:
    """The row field (sheet column, form field) a problem of the checked record is about.

    A bearing belongs to *Confirms* or *Refutes*: the column naming the key in the message.
    """
    name = (record_field or "").split(".")[0]
    if name != "bears_on":
        return name
    for column in ("confirms", "refutes"):
        if any(repr(key) in message for key in split(values.get(column))):
            return column
    return "confirms"


# -- stored entries as rows (the sheet's pre-filled rows, the forms' entries) ---------------------


def evidence_row(item: Evidence) -> EvidenceRow:
    """A stored evidence item as the flat row a form or a sheet shows."""
    data = item.model_dump(exclude={"bears_on", "dimensions"})
    by_direction = {
        direction: f"{SEPARATOR} ".join(
            b.hypothesis_key for b in item.bears_on if b.direction == direction
        )
        or None
        for direction in ("confirms", "refutes")
    }
    return EvidenceRow.model_validate(
        data | by_direction | {"dimensions": f"{SEPARATOR} ".join(item.dimensions)}
    )


def evidence_rows(store: Store) -> list[EvidenceRow]:
    """Every stored evidence item as a row."""
    return [evidence_row(e) for e in tables.evidence_records(store)]


def _step_id(journey: str, site: str, order: int) -> str:
    return f"{journey}|{site}|{order}"


def journey_rows(store: Store) -> list[JourneyRow]:
    """Every stored journey step as a row (its id: journey, site and order)."""
    return [
        JourneyRow.model_validate(
            step | {"id": _step_id(step["journey"], step["site"], step["order"])}
        )
        for step in _no_nan(tables.journeys(store)).to_dict("records")
    ]


def _no_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (a form shows a blank, not NaN, and NaN fails the checks)."""
    return frame.astype(object).where(frame.notna(), None)


def finding_row(finding: Finding) -> FindingRow:
    """A stored finding as the flat row a form or a sheet shows."""
    ids = f"{SEPARATOR} ".join(finding.evidence_ids) or None
    return FindingRow.model_validate(finding.model_dump() | {"evidence_ids": ids})


def finding_rows(store: Store) -> list[FindingRow]:
    """Every stored finding as a row."""
    return [finding_row(f) for f in tables.finding_records(store)]
