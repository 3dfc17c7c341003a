"""Discovery's records: evidence items, journey steps and draft findings, and their checks.

Records are checked in two passes that report together: the shape of each field (pydantic), then
the references the engagement defines (headings, dimensions, source types, sentiments, sites,
hypothesis keys). Labels are accepted where keys are expected (a capture sheet says "Leadership &
MI", the store keeps ``leadership_mi``), and every problem of a batch is raised at once, naming the
row and the field, so nothing is stored until the whole batch is right.

``interviewee`` is internal: it helps the consultant count people and follow up, and never leaves
the consultant's workbook (see :mod:`assessment.discovery.confidentiality`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.discovery.vocabulary import CONTRACT_WIDE, Kind, Vocabulary
from assessment.entries import Entry
from assessment.errors import InputError, Problem

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


M = TypeVar("M", bound=BaseModel)

RowNumbers = int | Sequence[int]
"""The first row's number (rows count up from it), or every row's own number (a sheet's rows)."""

EVIDENCE_CODES: dict[str, Kind] = {
    "source_type": "source_types",
    "site": "sites",
    "heading": "headings",
    "sentiment": "sentiments",
    "dimensions": "dimensions",
}
"""Coded fields of evidence and the vocabulary each is checked against."""


@dataclass
class Parsed(Generic[M]):
    """One row of a batch after the shape check.

    Attributes:
        number: The row number shown in problems.
        data: The row as given (a mapping).
        record: The record, or None when the row's shape is wrong.
        problems: The shape problems of the row.
        bad_fields: Top-level fields with a shape problem (not checked further).
    """

    number: int
    data: dict[str, Any]
    record: M | None
    problems: list[Problem]
    bad_fields: set[str]

    @property
    def values(self) -> dict[str, Any]:
        """The record's values when it is whole, else the row as given."""
        return self.record.model_dump() if self.record is not None else self.data


def parse(
    model: type[M], rows: Iterable[M | Mapping[str, Any]], where: str, first_row: RowNumbers = 1
) -> list[Parsed[M]]:
    """Check the shape of every row of a batch (records are checked again too).

    A record made with ``model_construct`` or ``model_copy`` skips validation, so records are
    validated again: nothing unchecked may reach the store.
    """
    parsed = []
    numbered = (
        zip(itertools.count(first_row), rows)
        if isinstance(first_row, int)
        else zip(first_row, rows, strict=True)
    )
    for number, row in numbered:
        data = row.model_dump() if isinstance(row, BaseModel) else dict(row)
        try:
            parsed.append(Parsed(number, data, model.model_validate(data), [], set()))
        except ValidationError as exc:
            found = _problems(exc, where, number)
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            parsed.append(Parsed(number, data, None, found, bad))
    return parsed


def _problems(exc: ValidationError, where: str, number: int) -> list[Problem]:
    found = []
    for error in exc.errors():
        dotted = ".".join(str(part) for part in error["loc"]) or None
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "string_too_long":
            got = len(error["input"])
            message = f"{message} (got {got} characters: shorten it or split it in two)"
        elif error["type"] == "missing":
            message = "required field is missing"
        found.append(Problem(where, message, location=f"row {number}", field=dotted))
    return found


def _resolve(
    vocab: Vocabulary, kind: Kind, value: str, where: str, row: int, field: str
) -> tuple[str, list[Problem]]:
    """The key a value means, or a problem naming what is allowed."""
    key = vocab.resolve(kind, value)
    if key is not None:
        return key, []
    allowed = ", ".join(vocab.allowed(kind))
    message = f"unknown {kind.rstrip('s').replace('_', ' ')} {value!r} (expected one of: {allowed})"
    return value, [Problem(where, message, location=f"row {row}", field=field)]


def coded(
    row: Parsed[Any], codes: Mapping[str, Kind], vocab: Vocabulary, where: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Resolve a row's coded fields (text or lists of text) to keys, with a problem per unknown.

    Fields whose shape is wrong are left to their shape problem, so one mistake is reported once;
    a broken row still has its other coded fields checked, so every problem shows in one pass.
    """
    values, resolved, problems = row.values, {}, []
    for field, kind in codes.items():
        value = values.get(field)
        items = value if isinstance(value, list) else [value]
        if field in row.bad_fields or not all(isinstance(v, str) for v in items):
            continue
        keys = []
        for item in items:
            key, bad = _resolve(vocab, kind, item, where, row.number, field)
            keys.append(key)
            problems += bad
        resolved[field] = list(dict.fromkeys(keys)) if isinstance(value, list) else keys[0]
    return resolved, problems


def _unknown_hypotheses(
    row: Parsed[Any], hypothesis_keys: Collection[str], where: str
) -> list[Problem]:
    bears_on = row.values.get("bears_on")
    if "bears_on" in row.bad_fields or not isinstance(bears_on, list):
        return []
    named = [b.get("hypothesis_key") for b in bears_on if isinstance(b, Mapping)]
    return [
        Problem(
            where,
            f"no hypothesis with key {key!r} (see the hypotheses of steps 1-2)",
            location=f"row {row.number}",
            field="bears_on",
        )
        for key in named
        if isinstance(key, str) and key not in hypothesis_keys
    ]


def _repeated_ids(records: list[Any], where: str) -> list[Problem]:
    ids = [r.id for r in records]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    return [Problem(where, f"id {i!r} repeated in the batch", field="id") for i in repeated]


def validate_evidence(
    rows: Iterable[Evidence | Mapping[str, Any]],
    vocab: Vocabulary,
    hypothesis_keys: Collection[str],
    *,
    where: str = "evidence",
    first_row: RowNumbers = 1,
) -> list[Evidence]:
    """Evidence records ready to store: every field and reference checked, keys resolved.

    Args:
        rows: Records or mappings (labels accepted for coded fields).
        vocab: The engagement's vocabulary (and sites).
        hypothesis_keys: Keys of the hypotheses evidence may bear on.
        where: How problems name the batch (a capture sheet's file name).
        first_row: The number of the first row in problems (2 for a sheet under its header),
            or each row's own number (rows of a sheet with gaps).

    Raises:
        InputError: Listing every problem of every row.
    """
    checked: list[Evidence] = []
    problems: list[Problem] = []
    for row in parse(Evidence, rows, where, first_row):
        resolved, found = coded(row, EVIDENCE_CODES, vocab, where)
        problems += row.problems + found + _unknown_hypotheses(row, hypothesis_keys, where)
        if row.record is not None:
            checked.append(row.record.model_copy(update=resolved))
    problems += _repeated_ids(checked, where)
    if problems:
        raise InputError(problems)
    return checked


def validate_journey(
    rows: Iterable[JourneyStep | Mapping[str, Any]],
    vocab: Vocabulary,
    *,
    where: str = "journey",
    first_row: RowNumbers = 1,
) -> list[JourneyStep]:
    """Journey steps ready to store: sites resolved, each journey's step orders unique.

    A site's current journey belongs to a real site; the contract's defined journey and a proposed
    journey may be contract-wide (site ``ALL``).

    Raises:
        InputError: Listing every problem, including each repeated step order.
    """
    steps: list[JourneyStep] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, int], int] = {}
    for row in parse(JourneyStep, rows, where, first_row):
        resolved, found = coded(row, {"site": "sites"}, vocab, where)
        problems += row.problems + found
        record, number = row.record, row.number
        if record is None:
            continue
        site = resolved["site"]
        if record.journey == "current" and site == CONTRACT_WIDE:
            message = "a current journey belongs to one site (ALL is for defined or proposed)"
            problems.append(Problem(where, message, location=f"row {number}", field="site"))
        key = (record.journey, site, record.order)
        if key in seen:
            message = (
                f"step order {record.order} repeated in the {record.journey} journey of "
                f"{site} (first at row {seen[key]})"
            )
            problems.append(Problem(where, message, location=f"row {number}", field="order"))
        seen.setdefault(key, number)
        steps.append(record.model_copy(update={"site": site}))
    if problems:
        raise InputError(problems)
    return steps


def validate_findings(
    rows: Iterable[Finding | Mapping[str, Any]],
    vocab: Vocabulary,
    evidence_ids: Collection[str],
    *,
    where: str = "findings",
    first_row: RowNumbers = 1,
) -> list[Finding]:
    """Findings ready to store: heading resolved, every linked evidence item known.

    Raises:
        InputError: Listing every problem of every row.
    """
    checked: list[Finding] = []
    problems: list[Problem] = []
    for row in parse(Finding, rows, where, first_row):
        resolved, found = coded(row, {"heading": "headings"}, vocab, where)
        problems += row.problems + found
        linked = row.values.get("evidence_ids")
        if "evidence_ids" not in row.bad_fields and isinstance(linked, list):
            unknown = [i for i in linked if i not in evidence_ids]
            if unknown:
                message = f"no evidence item with id {', '.join(map(repr, unknown))}"
                problems.append(
                    Problem(where, message, location=f"row {row.number}", field="evidence_ids")
                )
        if row.record is not None:
            checked.append(row.record.model_copy(update=resolved))
    problems += _repeated_ids(checked, where)
    if problems:
        raise InputError(problems)
    return checked


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
