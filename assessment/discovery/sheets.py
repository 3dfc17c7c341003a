"""Discovery's capture sheets: evidence, journeys and findings typed offline, imported whole.

A sheet row is flat (what a consultant types in a spreadsheet or a form): lists are text
separated by ``;`` and the hypotheses an item bears on sit in two columns, *Confirms* and
*Refutes*. :class:`EvidenceRow`, :class:`JourneyRow` and :class:`FindingRow` describe those rows
(they are the worksheets' columns and the forms' fields); ``*_input`` turns a row into the
mapping the checks of :mod:`assessment.discovery.models` take, labels and hypothesis titles
accepted where keys are expected.

The sheets are registered with the one capture-sheet registry (:mod:`assessment.capture`): the
same reader, ledger and all-or-nothing import as every step (re-importing changes nothing and an
older sheet never overwrites newer edits). Discovery brings its own check (:func:`prepare`):
the three sheets are checked together, and a journey is one unit: a changed journey in a sheet
replaces that (journey, site) whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from assessment.capture import SheetSpec, _day_first
from assessment.capture_registry import Prepared, SheetGroup, imported, ledger, register
from assessment.discovery import store as tables
from assessment.discovery.models import (
    Evidence,
    Finding,
    JourneyKind,
    JourneyStep,
    validate_evidence,
    validate_findings,
    validate_journey,
)
from assessment.discovery.vocabulary import vocabulary
from assessment.engagement import Engagement
from assessment.entries import Entry, Transaction
from assessment.errors import InputError, Problem
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


def _in_columns(
    error: InputError, model: type[Entry], rows: Mapping[int, Mapping[str, Any]]
) -> list[Problem]:
    """The problems of a sheet's check, each naming the column (its header) instead of a field."""
    out = []
    for problem in error.problems:
        number = int(problem.location.split()[-1]) if problem.location else 0
        name = row_field(problem.field, problem.message, rows.get(number, {}))
        info = model.model_fields.get(name)
        column = (info.title or name) if info is not None else problem.field
        out.append(dataclasses.replace(problem, field=column))
    return out


def _checked(
    check: Callable[[list[dict[str, Any]], Sequence[int]], list[Any]],
    rows: Sequence[Any],
    make: Callable[[Any], dict[str, Any]],
    model: type[Entry],
    problems: list[Problem],
) -> list[Any]:
    """Run one sheet's check; its problems join ``problems`` (named by column), records return."""
    try:
        return check([make(row) for row in rows], [row.number for row in rows])
    except InputError as error:
        problems += _in_columns(error, model, {row.number: row.values for row in rows})
        return []


# -- importing -------------------------------------------------------------------------------------


def _not_generic(tx: Transaction, entry: Any) -> None:
    raise TypeError("discovery sheets are imported by assessment.discovery.capture.prepare")


SHEETS: tuple[SheetSpec, ...] = tuple(
    SheetSpec(name, model, lambda store, engagement: {}, _not_generic)
    for name, model in (
        (EVIDENCE_SHEET, EvidenceRow),
        (JOURNEY_SHEET, JourneyRow),
        (FINDING_SHEET, FindingRow),
    )
)
"""The discovery worksheets, in import order (findings name evidence of the same file)."""


@dataclass
class Plan:
    """A checked discovery import, ready to write in one transaction."""

    file: str
    applied: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    steps: list[JourneyStep] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ledger: list[tuple[str, str, str]] = field(default_factory=list)


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(parts)).encode("utf-8")).hexdigest()


def _journey_units(rows: Sequence[Any]) -> dict[str, tuple[str, list[Any]]]:
    """Journey rows grouped by (journey, site) as typed: unit id -> (content hash, rows)."""
    units: dict[str, list[Any]] = {}
    for row in rows:
        kind = str(row.values.get("journey") or "current").strip().casefold()
        site = str(row.values.get("site") or "").strip().casefold()
        units.setdefault(f"{kind}|{site}", []).append(row)
    return {unit: (_digest([r.digest for r in found]), found) for unit, found in units.items()}


def prepare(store: Store, engagement: Engagement, path: Path, rows: list[Any]) -> Prepared:
    """Check a workbook's discovery rows (absent sheets: nothing to do); what to write.

    Rows (and whole journeys) imported before with the same content are skipped.

    Raises:
        InputError: Every problem of every sheet, naming file, sheet, row and column.
    """
    done = imported(store)
    by_sheet = {spec.name: [r for r in rows if r.sheet is spec] for spec in SHEETS}
    plan = Plan(path.name)
    fresh = {name: _fresh(plan, name, found, done) for name, found in by_sheet.items()}
    _check(plan, store, engagement, path, fresh, by_sheet)
    return Prepared(plan.applied, plan.unchanged, lambda tx, now: write_plan(tx, plan, now))


def _fresh(plan: Plan, sheet: str, rows: list[Any], done: set[tuple[str, str, str]]) -> list[Any]:
    """The rows not imported before (journeys: whole journeys), noting them for the ledger."""
    if not rows:
        return []
    units = (
        _journey_units(rows)
        if sheet == JOURNEY_SHEET
        else {r.row_id: (r.digest, [r]) for r in rows}
    )
    new = {u: v for u, v in units.items() if (sheet, u, v[0]) not in done}
    plan.ledger += [(sheet, unit, digest) for unit, (digest, _) in new.items()]
    plan.applied[sheet] = len(new)
    plan.unchanged[sheet] = len(units) - len(new)
    return [row for _, found in new.values() for row in found]


def _check(
    plan: Plan,
    store: Store,
    engagement: Engagement,
    path: Path,
    fresh: Mapping[str, list[Any]],
    every: Mapping[str, list[Any]],
) -> None:
    """Check every fresh row of the three sheets; raise once with every problem."""
    vocab, names = vocabulary(engagement), hypothesis_names(store)
    keys = tables.hypothesis_keys(store)

    def where(sheet: str) -> str:
        return f"{path.name}, sheet '{sheet}'"

    problems: list[Problem] = []
    plan.evidence = _checked(
        lambda rows, numbers: validate_evidence(
            rows, vocab, keys, where=where(EVIDENCE_SHEET), first_row=numbers
        ),
        fresh[EVIDENCE_SHEET], lambda r: evidence_input(r.values, names) | {"id": r.row_id},
        EvidenceRow, problems,
    )  # fmt: skip
    plan.steps = _checked(
        lambda rows, numbers: validate_journey(
            rows, vocab, where=where(JOURNEY_SHEET), first_row=numbers
        ),
        fresh[JOURNEY_SHEET], lambda r: journey_input(r.values), JourneyRow, problems,
    )  # fmt: skip
    # a finding may rest on evidence stored before or on any evidence row of this file
    known = {row.id for row in tables.evidence_records(store)}
    known |= {r.row_id for r in every[EVIDENCE_SHEET]}
    plan.findings = _checked(
        lambda rows, numbers: validate_findings(
            rows, vocab, known, where=where(FINDING_SHEET), first_row=numbers
        ),
        fresh[FINDING_SHEET], lambda r: finding_input(r.values) | {"id": r.row_id}, FindingRow,
        problems,
    )  # fmt: skip
    if problems:
        raise InputError(problems)
    plan.groups = list(dict.fromkeys((s.journey, s.site) for s in plan.steps))


def write_plan(tx: Transaction, plan: Plan, now: str) -> None:
    """Write a checked import inside the import's transaction: three tables and the ledger."""
    tables.write_evidence(tx, plan.evidence, now)
    tables.write_journeys(tx, plan.groups, plan.steps)
    tables.write_findings(tx, plan.findings, now)
    for sheet, unit, digest in plan.ledger:
        ledger(tx, sheet, unit, digest, plan.file, now)


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


def _evidence_rows(store: Store) -> list[EvidenceRow]:
    return [evidence_row(e) for e in tables.evidence_records(store)]


def _step_id(journey: str, site: str, order: int) -> str:
    return f"{journey}|{site}|{order}"


def _journey_rows(store: Store) -> list[JourneyRow]:
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


def _finding_rows(store: Store) -> list[FindingRow]:
    return [finding_row(f) for f in tables.finding_records(store)]


def current_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Discovery's stored entries per sheet, as rows (``assess capture`` pre-fills them)."""
    return {
        EVIDENCE_SHEET: [r.model_dump() for r in _evidence_rows(store)],
        JOURNEY_SHEET: [r.model_dump() for r in _journey_rows(store)],
        FINDING_SHEET: [r.model_dump() for r in _finding_rows(store)],
    }


def ledger_units(rows: list[Any]) -> set[tuple[str, str, str]]:
    """What the ledger records for these rows: a line per row, per whole journey for journeys."""
    units = set()
    for spec in SHEETS:
        mine = [row for row in rows if row.sheet is spec]
        found = (
            _journey_units(mine)
            if spec.name == JOURNEY_SHEET
            else {r.row_id: (r.digest, [r]) for r in mine}
        )
        units |= {(spec.name, unit, digest) for unit, (digest, _) in found.items()}
    return units


GROUP = register(SheetGroup(4, SHEETS, current_rows, prepare, ledger_units))
