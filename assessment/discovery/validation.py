"""Discovery's checks: a batch of evidence, journey steps or findings, checked whole.

Records are checked in two passes that report together: the shape of each field (pydantic, the
records of :mod:`assessment.discovery.models`), then the references the engagement defines
(headings, dimensions, source types, sentiments, sites, hypothesis keys). Labels are accepted where
keys are expected (a capture sheet says "Leadership & MI", the store keeps ``leadership_mi``), and
every problem of a batch is raised at once, naming the row and the field, so nothing is stored
until the whole batch is right.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from assessment.discovery.models import Evidence, Finding, JourneyStep
from assessment.discovery.vocabulary import CONTRACT_WIDE, Kind, Vocabulary
from assessment.errors import InputError, Problem

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
