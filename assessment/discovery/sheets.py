"""Discovery's capture sheets: evidence, journeys and findings typed offline, imported whole.

A sheet's columns are the rows of :mod:`.rows` (the same as the forms' fields).

The sheets are registered with the one capture-sheet registry (:mod:`assessment.capture`): the
same reader, ledger and all-or-nothing import as every step (re-importing changes nothing and an
older sheet never overwrites newer edits). Discovery brings its own check (:func:`prepare`):
the three sheets are checked together, and a journey is one unit: a changed journey in a sheet
replaces that (journey, site) whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessment.capture import SheetSpec
from assessment.capture_registry import Prepared, SheetGroup, imported, ledger, register
from assessment.discovery import store as tables
from assessment.discovery.models import Evidence, Finding, JourneyStep
from assessment.discovery.rows import (
    EVIDENCE_SHEET,
    FINDING_SHEET,
    JOURNEY_SHEET,
    EvidenceRow,
    FindingRow,
    JourneyRow,
    evidence_input,
    evidence_rows,
    finding_input,
    finding_rows,
    hypothesis_names,
    journey_input,
    journey_rows,
    row_field,
)
from assessment.discovery.validation import validate_evidence, validate_findings, validate_journey
from assessment.discovery.vocabulary import vocabulary
from assessment.engagement import Engagement
from assessment.entries import Entry, Transaction
from assessment.errors import InputError, Problem
from assessment.store import Store


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


def current_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Discovery's stored entries per sheet, as rows (``assess capture`` pre-fills them)."""
    return {
        EVIDENCE_SHEET: [r.model_dump() for r in evidence_rows(store)],
        JOURNEY_SHEET: [r.model_dump() for r in journey_rows(store)],
        FINDING_SHEET: [r.model_dump() for r in finding_rows(store)],
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
