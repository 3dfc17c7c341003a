"""Guess how a client's file maps to ours: header row, layout, a column for each of our fields.

Every guess carries its reason (a comment in the proposed YAML), because the consultant must be
able to check it in a glance: "by name and content: 98% of values are site names". Columns are
recognised by their name (a list of the words clients use) and by what they hold (site names,
dates, numbers, measure names), the date order from the whole column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assessment.engagement import Engagement
from assessment.errors import InputError, Problem
from assessment.mapping.profile import Profile, numberlike, profile
from assessment.tables import _check_workbook, decode_text

KINDS = ("kpi", "caseload", "work_sampling")
_NAMES = {
    "site": ("site", "office", "clinic", "centre", "center", "location", "hub", "branch", "team",
             "practice", "service", "venue", "area"),
    "period": ("month", "period", "reporting month", "month ending", "date"),
    "measure": ("measure", "metric", "kpi", "indicator", "measure name"),
    "actual": ("actual", "achieved", "value", "count", "result", "number", "total", "volume"),
    "target": ("target", "goal", "profile", "plan", "expected", "contracted"),
    "customer_id": ("id", "ref", "reference", "customer", "client", "patient", "participant",
                    "nhs number", "case", "person"),
    "referral_date": ("referral", "referred", "received", "referral date", "date referred"),
    "start_date": ("start", "started", "first appointment", "first contact", "enrolled",
                   "attached", "assessment", "begin"),
    "outcome_date": ("outcome", "job", "discharged well", "success", "goal met", "recovered",
                     "into work"),
    "exit_date": ("exit", "left", "leaving", "left service", "discharge", "discharged", "closed",
                  "end"),
    "observed_at": ("observed at", "observed", "time", "when", "timestamp", "date time"),
    "role": ("role", "job title", "grade", "staff", "position", "staff role"),
    "activity": ("activity", "doing", "task", "observation", "what"),
}  # fmt: skip
_FIELDS = {
    "kpi": ("site", "period", "measure", "actual", "target"),
    "caseload": ("customer_id", "site", "referral_date", "start_date", "outcome_date", "exit_date"),
    "work_sampling": ("observed_at", "site", "role", "activity"),
}
_REQUIRED = {"site", "period", "measure", "actual", "customer_id", "referral_date",
             "observed_at", "role", "activity"}  # fmt: skip
_TARGET_WORDS = re.compile(r"\b(target|goal|profile|plan|expected|contracted|tgt)s?\b", re.I)
_ADDING = (
    "patient",
    "customer",
    "client",
    "appointment",
    "consultation",
    "treatment",
    "session",
    "home visit",
    "assessment",
    "therapy",
    "coaching",
    "interview",
    "with",
    "face",
)
_WASTE = ("wait", "idle", "travel", "chasing", "break", "rework", "search", "looking for",
          "duplicat", "delay")  # fmt: skip


@dataclass
class Guess:
    """One key of the proposal and why it was guessed."""

    value: object
    why: str


@dataclass
class Proposal:
    """The proposed ``inputs.<kind>`` block, each key with its reason, and what to check."""

    kind: str
    guesses: dict[str, Guess] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def block(self) -> dict[str, object]:
        """The block as plain data (``columns.site`` keys nested)."""
        out: dict[str, object] = {}
        for key, guess in self.guesses.items():
            head, _, rest = key.partition(".")
            if rest:
                out.setdefault(head, {})[rest] = guess.value  # type: ignore[index]
            else:
                out[head] = guess.value
        return out


@dataclass
class _Table:
    frame: pd.DataFrame
    header_row: int | None  # spreadsheet row of the names; None for Parquet
    sheet: str | None
    sheets: list[str]
    encoding: str | None


def propose(engagement: Engagement, path: Path, kind: str | None = None) -> Proposal:
    """Read ``path`` and propose how engagement.yaml should map it.

    Args:
        engagement: The engagement (its sites and KPIs are what the file is matched against).
        path: The client's file (CSV, Excel or Parquet).
        kind: kpi, caseload or work_sampling; guessed from the columns when None.

    Raises:
        InputError: The file cannot be read, or no header row is found.
    """
    table = _read(path)
    profiles = {column: profile(table.frame[column], engagement) for column in table.frame}
    kind = kind or _guess_kind(profiles)
    proposal = Proposal(kind)
    _where(proposal, engagement, path, table)
    matched = _columns(proposal, profiles, kind)
    if kind == "kpi":
        _kpi_layout(proposal, engagement, table.frame, profiles, matched)
    if kind == "work_sampling" and "activity" in matched:
        _activities(proposal, table.frame[matched["activity"]])
    _dates_and_blanks(proposal, table, profiles, matched)
    return proposal


def _read(path: Path) -> _Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError.single(path, "file not found")
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
        frame.columns = [str(c).strip() for c in frame.columns]
        return _Table(frame, None, None, [], None)
    if suffix in (".xlsx", ".xlsm"):
        _check_workbook(path)
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        name = max(sheets, key=lambda s: int(sheets[s].notna().sum().sum()))
        return _with_header(sheets[name], name, list(sheets), None, path)
    if suffix not in (".csv", ".txt"):
        raise InputError.single(path, "expected a .csv, .xlsx or .parquet file")
    notices: list[Problem] = []
    text = decode_text(path, None, notices)
    width = max((len(row) for row in csv.reader(io.StringIO(text))), default=1)
    grid = pd.read_csv(io.StringIO(text), header=None, names=range(width), dtype=str,
                       keep_default_na=False, na_values=[""])  # fmt: skip
    return _with_header(grid, None, [], "cp1252" if notices else None, path)


def _with_header(
    grid: pd.DataFrame, sheet: str | None, sheets: list[str], encoding: str | None, path: Path
) -> _Table:
    """Find the header row: the first row mostly of names (not numbers or dates), data under it."""
    filled = grid.notna() & (grid.astype("string").apply(lambda c: c.str.strip()) != "")
    width = int(filled.head(60).sum(axis=1).max() or 0)
    for row in range(min(30, len(grid) - 1)):
        cells = [str(v).strip() for v in grid.iloc[row][filled.iloc[row]]]
        names = [c for c in cells if not numberlike(c)]
        if len(names) >= max(2, 0.6 * width) and filled.iloc[row + 1].sum() >= 2:
            frame = grid.iloc[row + 1 :].copy()
            frame.columns = [
                str(v).strip() if f else ""
                for v, f in zip(grid.iloc[row], filled.iloc[row], strict=True)
            ]
            frame = frame.loc[:, [c != "" for c in frame.columns]]
            frame = frame[filled.iloc[row + 1 :].any(axis=1)]
            return _Table(frame.reset_index(drop=True), row + 1, sheet, sheets, encoding)
    raise InputError.single(path, "found no row of column names in the first 30 rows")


def _guess_kind(profiles: dict[str, Profile]) -> str:
    names = " ".join(profiles).casefold()
    if any(w in names for w in ("activity", "doing", "task")) and len(profiles) <= 8:
        return "work_sampling"
    dated = sum(p.dates >= 0.8 for p in profiles.values())
    unique_id = any(p.unique >= 0.95 and p.dates < 0.5 and p.numeric < 1 for p in profiles.values())
    return "caseload" if dated >= 2 and unique_id else "kpi"


def _where(proposal: Proposal, engagement: Engagement, path: Path, table: _Table) -> None:
    root = engagement.root.resolve()
    absolute = path.resolve()
    if absolute.is_relative_to(root):
        proposal.guesses["path"] = Guess(absolute.relative_to(root).as_posix(), "the file given")
    else:
        proposal.guesses["path"] = Guess(str(absolute), "the file given")
        proposal.notes.append(
            f"{path} is outside the engagement folder: copy it into {root / 'inputs'} and "
            "change path (or set inputs.allow_outside: true)"
        )
    if table.sheet:
        others = [s for s in table.sheets if s != table.sheet]
        why = (
            f"the sheet with the most data (the workbook also has: {', '.join(others)})"
            if others
            else "the only sheet"
        )
        proposal.guesses["sheet"] = Guess(table.sheet, why)
    if table.header_row and table.header_row > 1:
        proposal.guesses["header_row"] = Guess(
            table.header_row, "the first row of column names; rows above it are titles"
        )
    if table.encoding:
        proposal.guesses["encoding"] = Guess(table.encoding, "not UTF-8: Windows' encoding fits")


def _name_score(column: str, ours: str) -> float:
    name = re.sub(r"[^a-z0-9]+", " ", column.casefold()).strip()
    best = 0.0
    for word in _NAMES[ours]:
        if name == word:
            return 1.0
        if re.search(rf"\b{re.escape(word)}", name):
            best = max(best, 0.8 if len(word) > 2 else 0.6)
        best = max(best, 0.5 * difflib.SequenceMatcher(None, name, word).ratio())
    return best


def _fits(ours: str, p: Profile) -> tuple[bool, str]:
    """Whether a column's content fits our field, and what it holds."""
    if ours == "site":
        return p.sites >= 0.5, f"{p.sites:.0%} of values are site names or aliases"
    if ours in ("period", "referral_date", "start_date", "outcome_date", "exit_date"):
        return p.dates >= 0.8, f"{p.dates:.0%} of values are dates"
    if ours == "observed_at":
        return p.dates >= 0.8, f"dates{' and times' if p.times else ''}"
    if ours in ("actual", "target"):
        return p.numeric >= 0.8, f"{p.numeric:.0%} of values are numbers"
    if ours == "customer_id":
        return p.unique >= 0.9 and p.sites < 0.5, f"{p.unique:.0%} of values are distinct"
    texts = "1 text throughout" if p.distinct == 1 else f"{p.distinct} distinct texts"
    return p.numeric < 0.5 and p.dates < 0.5 and p.sites < 0.5, texts


def _columns(proposal: Proposal, profiles: dict[str, Profile], kind: str) -> dict[str, str]:
    """Our field -> their column, each the best-named column whose content fits."""
    matched: dict[str, str] = {}
    for ours in _FIELDS[kind]:
        scored = []
        for column, found in profiles.items():
            fits, holds = _fits(ours, found)
            if fits and column not in matched.values():
                content_only = ours == "site" and found.sites >= 0.8
                score = _name_score(column, ours) + (0.5 if content_only else 0.0)
                scored.append((score, column, holds))
        scored.sort(key=lambda item: -item[0])
        if scored and scored[0][0] >= 0.4:
            score, column, holds = scored[0]
            by = "name and content" if _name_score(column, ours) >= 0.6 else "content"
            matched[ours] = column
            proposal.guesses[f"columns.{ours}"] = Guess(column, f"by {by}: {holds}")
        elif ours in _REQUIRED and not (kind == "kpi" and ours in ("measure", "actual")):
            proposal.notes.append(f"no column found for {ours}: add columns.{ours} by hand")
    return matched


def _similar(a: str, b: str) -> float:
    clean = lambda s: re.sub(r"[^a-z0-9]+", " ", _TARGET_WORDS.sub("", s.casefold())).split()  # noqa: E731
    left, right = {w[:5] for w in clean(a)}, {w[:5] for w in clean(b)}
    overlap = len(left & right) / max(len(left | right), 1)
    return max(
        overlap, difflib.SequenceMatcher(None, " ".join(clean(a)), " ".join(clean(b))).ratio()
    )


def _kpi_layout(
    proposal: Proposal,
    engagement: Engagement,
    frame: pd.DataFrame,
    profiles: dict[str, Profile],
    matched: dict[str, str],
) -> None:
    if "measure" in matched and "actual" in matched:
        proposal.guesses["layout"] = Guess("long", "one column of measure names, one of values")
        names = frame[matched["measure"]].dropna().astype(str).str.strip().unique()
        _pair(proposal, engagement, list(names), "measures", "measure names")
        return
    for key in ("columns.measure", "columns.actual", "columns.target"):
        proposal.guesses.pop(key, None)
    for key in ("measure", "actual", "target"):  # wide: these are measures' columns
        matched.pop(key, None)
    used = set(matched.values())
    numeric = [c for c, p in profiles.items() if p.numeric >= 0.8 and c not in used]
    targets = [c for c in numeric if _TARGET_WORDS.search(c)]
    actuals = [c for c in numeric if c not in targets]
    proposal.guesses["layout"] = Guess("wide", f"{len(actuals)} columns of values side by side")
    _pair(proposal, engagement, actuals, "measures", "columns")
    chosen = proposal.guesses["measures"].value if "measures" in proposal.guesses else {}
    if targets and isinstance(chosen, dict):
        for key, column in chosen.items():
            best = max(targets, key=lambda t: _similar(t, column))
            if _similar(best, column) >= 0.5:
                proposal.guesses.setdefault(
                    "targets", Guess({}, "by name: the target beside each measure")
                )
                proposal.guesses["targets"].value[key] = best  # type: ignore[index]


def _pair(
    proposal: Proposal, engagement: Engagement, names: list[str], key: str, what: str
) -> None:
    """KPI key -> the client's name most like its label or key."""
    pairs: dict[str, str] = {}
    for kpi in engagement.kpis:
        free = [n for n in names if n not in pairs.values()]
        if not free:
            break
        best = max(free, key=lambda n: max(_similar(n, kpi.label), _similar(n, kpi.key)))
        if max(_similar(best, kpi.label), _similar(best, kpi.key)) >= 0.45:
            pairs[kpi.key] = best
    left = [n for n in names if n not in pairs.values()]
    missing = [k.key for k in engagement.kpis if k.key not in pairs]
    why = f"{what} most like each KPI's label"
    if left:
        why += f"; not used: {', '.join(left[:6])}"
    proposal.guesses[key] = Guess(pairs, why)
    if missing:
        proposal.notes.append(
            f"no {what[:-1]} found for KPI(s) {', '.join(missing)}: add them under {key}"
        )


def _activities(proposal: Proposal, values: pd.Series) -> None:
    found = {}
    for activity in values.dropna().astype(str).str.strip().unique():
        words = activity.casefold()
        if any(w in words for w in _WASTE):
            found[activity] = "non_value"
        elif any(w in words for w in _ADDING):
            found[activity] = "value_adding"
        else:
            found[activity] = "value_enabling"
    proposal.guesses["activities"] = Guess(
        found, "guessed from each activity's words: check every one"
    )


def _dates_and_blanks(
    proposal: Proposal, table: _Table, profiles: dict[str, Profile], matched: dict[str, str]
) -> None:
    orders = {}
    for column in matched.values():
        p = profiles[column]
        if p.dates >= 0.8 and p.dayfirst is not None:
            orders[column] = p.dayfirst
        if p.wrong:
            order = "day-first" if p.dayfirst else "month-first"
            proposal.notes.append(
                f"'{column}' is read {order} (most of its values), but {', '.join(p.wrong)} "
                "fit only the other order: ask the client, or correct them in the file"
            )
        if p.ambiguous:
            proposal.notes.append(
                f"'{column}' mixes both orders; these could be either: {', '.join(p.ambiguous)}"
            )
    if orders and all(orders.values()):
        why = f"day-first, as the whole of {', '.join(orders)} reads (a value past 12 decides)"
        proposal.guesses["dayfirst"] = Guess(True, why)
    elif orders and not any(orders.values()):
        why = f"month-first, as the whole of {', '.join(orders)} reads (a value past 12 decides)"
        proposal.guesses["dayfirst"] = Guess(False, why)
    elif orders and not all(orders.values()):
        proposal.notes.append(f"date columns disagree on the order: {orders}")
    words = sorted({w for c in matched.values() for w in profiles[c].na_words})
    if words:
        proposal.guesses["na_values"] = Guess(words, "cells that mean 'no value' in mapped columns")
