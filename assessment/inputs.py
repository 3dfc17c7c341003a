"""Read client extracts (CSV, Excel, Parquet), map their columns to ours and check them.

Every reader returns a canonical frame (see docs/architecture.md) or raises an InputError that
lists each problem with the file, the row as the client's spreadsheet shows it, the column in the
client's words, and what was expected. Checks are vectorised: a million-row caseload is checked in
a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from assessment.dates import parse_dates
from assessment.engagement import Engagement, KpiExtract, _Extract
from assessment.errors import InputError, Problem
from assessment.input_checks import implausible_kpi, input_warnings
from assessment.tables import (
    ReadOptions,
    _check_workbook,
    decode_text,
    header_hint,
    read_csv_text,
)

KPI_COLUMNS = ("site", "period", "measure", "actual", "target")
CASELOAD_COLUMNS = (
    "customer_id",
    "site",
    "referral_date",
    "start_date",
    "outcome_date",
    "exit_date",
)
SAMPLING_COLUMNS = ("observed_at", "site", "role", "activity")
_CASELOAD_DATES = ("referral_date", "start_date", "outcome_date", "exit_date")
_READERS = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}


@dataclass(frozen=True)
class Extracts:
    """The validated client extracts of one engagement (None where not provided)."""

    kpi: pd.DataFrame
    caseload: pd.DataFrame | None
    work_sampling: pd.DataFrame | None
    notices: tuple[Problem, ...] = ()
    """Warnings: read, but worth a look (months outside the contract, a cp1252 file...)."""


class _Collector:
    """Collects the problems of one file, so all are reported together."""

    def __init__(self, where: str, first_row: int) -> None:
        self.where = where
        self.first_row = first_row  # spreadsheet row number of the first data row
        self.problems: list[Problem] = []

    def rows(
        self, mask: pd.Series, column: str | pd.Series, expected: str, values: pd.Series
    ) -> None:
        """Record one problem per offending row (the error text caps what is shown).

        ``column`` is the client's column, or one per row where rows come from several columns
        (an unpivoted wide sheet).
        """
        # frames keep the index of the client's file (one label per data row, also after a wide
        # sheet is unpivoted), so a label plus the header offset is the row the client sees
        positions = mask.to_numpy(dtype=bool).nonzero()[0]
        for position in positions[:50]:
            value = values.iloc[position]
            if pd.isna(value):
                value = "blank"
            elif isinstance(value, np.generic):  # show 4, not np.int64(4)
                value = value.item()
            self.problems.append(
                Problem(
                    self.where,
                    f"{expected} (got {value!r})",
                    location=f"row {int(mask.index[position]) + self.first_row}",
                    field=column if isinstance(column, str) else str(column.iloc[position]),
                )
            )
        extra = int(mask.sum()) - 50
        if extra > 0:
            if not isinstance(column, str):
                column = ", ".join(sorted({str(c) for c in column.iloc[positions[50:]]}))
            more = f"{extra} more row(s) like these"
            self.problems.append(Problem(self.where, more, None, column, count=extra))

    def add(self, message: str, field: str | None = None) -> None:
        """Record a problem of the file as a whole."""
        self.problems.append(Problem(self.where, message, field=field))

    def raise_if_any(self) -> None:
        """Raise an InputError holding every problem recorded."""
        if self.problems:
            raise InputError(self.problems)


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    spec: _Extract | None = None,
    notices: list[Problem] | None = None,
) -> tuple[pd.DataFrame, str, int]:
    """Read a client file as text-faithful columns.

    Args:
        path: The file.
        sheet: The Excel sheet (the first by default).
        spec: The extract's reading options (header_row, encoding); defaults without it.
        notices: Where to add what the reader had to guess (a cp1252 file, say).

    Returns:
        The raw frame, a description of where it came from (file and sheet), and the spreadsheet
        row number of its first data row (the row under the header; 1 for Parquet records).

    Raises:
        InputError: Missing, empty or unreadable file, unknown format or sheet.
    """
    where = f"{path} [sheet '{sheet}']" if sheet else str(path)
    kind = _READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError.single(
            path, f"cannot read '{path.suffix}' files (expected .csv, .xlsx or .parquet)"
        )
    if not path.is_file():
        raise InputError.single(path, "file not found (check inputs in engagement.yaml)")
    if path.stat().st_size == 0:
        raise InputError.single(path, "the file is empty (expected a header row and data)")
    options = ReadOptions.of(spec)
    try:
        frame, first_row = _read(path, kind, sheet, options, notices)
    except InputError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise InputError.single(path, "the file is empty (expected a header row and data)") from exc
    except Exception as exc:  # a corrupt file: name it rather than show a parser traceback
        raise InputError.single(path, f"could not be read as {kind}: {exc}") from exc
    if frame.empty:
        raise InputError.single(
            where,
            "no data rows (expected at least one row under the header, row "
            f"{options.header_row}; set header_row: if the column names are lower down)",
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.reset_index(drop=True), where, first_row


def _read(
    path: Path,
    kind: str,
    sheet: str | None,
    options: ReadOptions,
    notices: list[Problem] | None,
) -> tuple[pd.DataFrame, int]:
    header = options.header_row - 1
    if kind == "csv":
        text = decode_text(path, options.encoding, notices)
        return read_csv_text(text, header), options.header_row + 1
    if kind == "parquet":
        # one thread: a caseload decodes in 0.1 s of CPU alone, where Arrow's pool spends half as
        # much again coordinating its threads (more on a loaded machine), and a batch runs
        # engagements side by side in processes of their own anyway
        return pd.read_parquet(path, use_threads=False), 1
    _check_workbook(path)
    # calamine (Rust) reads a workbook about ten times faster than openpyxl, with the same types;
    # pandas makes it the default for .xlsx in a coming version.
    with pd.ExcelFile(path, engine="calamine") as book:
        if sheet is None:
            sheet = book.sheet_names[0]
        elif sheet not in book.sheet_names:
            raise InputError.single(
                path,
                f"no sheet named '{sheet}' (the workbook has: {', '.join(book.sheet_names)})",
                field="sheet",
            )
        # keep "n/a", "NA" and the like as the client wrote them: na_values decides
        frame = pd.read_excel(
            book, sheet_name=sheet, header=header, keep_default_na=False, na_values=[""]
        )
        return frame, options.header_row + 1


def _mapped(
    raw: pd.DataFrame,
    spec: _Extract,
    required: Iterable[str],
    optional: Iterable[str],
    check: _Collector,
) -> pd.DataFrame:
    """Rename the client's columns to ours, reporting each required column that is missing."""
    rename = {}
    missing = []
    for ours in [*required, *optional]:
        theirs = spec.columns.get(ours, ours)
        if theirs in raw.columns:
            rename[theirs] = ours
        elif ours in required:
            missing.append(theirs)
            check.add(
                f"missing column '{theirs}' (mapped to '{ours}' in engagement.yaml; "
                f"the file has: {', '.join(map(str, raw.columns))})",
                field=theirs,
            )
    hint = header_hint(raw, missing, check.first_row - 1) if missing else None
    if hint:
        check.add(hint, field="header_row")
    check.raise_if_any()
    return raw[list(rename)].rename(columns=rename)


def _theirs(spec: _Extract, ours: str) -> str:
    return spec.columns.get(ours, ours)


def _blank(values: pd.Series, spec: _Extract | None) -> pd.Series:
    """Empty cells, and cells whose text ``na_values`` says means 'no value'."""
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return values.isna()  # typed dates or numbers (Parquet, Excel): only missing is blank
    text = values.astype("string").str.strip()
    blank = values.isna() | text.isna() | (text == "")
    if spec is not None and spec.na_values:
        blank |= text.str.casefold().isin({v.strip().casefold() for v in spec.na_values})
    return blank.fillna(True).astype(bool)


def _dates(values: pd.Series, spec: _Extract, ours: str, check: _Collector) -> pd.Series:
    """Parse dates, the day/month order decided by the whole column; problems name their rows."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    result = parse_dates(values, _blank(values, spec), dayfirst=spec.dayfirst)
    column = _theirs(spec, ours)
    if result.invalid.any():
        check.rows(result.invalid, column, _expected_date(values, result.invalid), values)
    if result.wrong_order.any():
        read, other = (
            ("day-first", "month-first") if result.dayfirst else ("month-first", "day-first")
        )
        expected = (
            f"a {read} date like the rest of the column; this one is only a date {other}: "
            "write it as YYYY-MM-DD"
        )
        check.rows(result.wrong_order, column, expected, values)
    if result.ambiguous.any():
        check.add(_ambiguous(values, result.ambiguous, result.dayfirst, check), field=column)
    return result.values


def _expected_date(values: pd.Series, invalid: pd.Series) -> str:
    words = {"n/a", "na", "-", "tbc", "none", "null", "unknown", "?"}
    seen = set(values[invalid].astype("string").str.strip().str.casefold().dropna())
    if seen & words:
        return "expected a date such as 2024-03-31 (list 'no value' words under na_values)"
    return "expected a date such as 2024-03-31"


def _ambiguous(values: pd.Series, mask: pd.Series, dayfirst: bool | None, check: _Collector) -> str:
    """One message listing the values that could be read either way, and their rows."""
    rows = [int(i) + check.first_row for i in mask[mask].index[:10]]
    shown = ", ".join(f"'{v}'" for v in pd.unique(values[mask].astype(str))[:5])
    more = f" and {int(mask.sum()) - len(rows)} more" if mask.sum() > len(rows) else ""
    order = "day-first" if dayfirst else "month-first"
    return (
        f"{int(mask.sum())} date(s) such as {shown} (rows {', '.join(map(str, rows))}{more}) "
        f"read either way, in a column that mixes both orders; they were read {order}: "
        "check them with the client, or write them as YYYY-MM-DD"
    )


def _numbers(
    values: pd.Series, column: str | pd.Series, check: _Collector, spec: _Extract | None = None
) -> pd.Series:
    """Parse non-negative numbers; text and negative counts are problems naming their rows."""
    blank = _blank(values, spec)
    parsed = pd.to_numeric(values.where(~blank), errors="coerce").astype("float64")
    bad = parsed.isna() & ~blank
    if bad.any():
        check.rows(bad, column, "expected a number", values)
    negative = parsed < 0
    if negative.any():
        check.rows(negative, column, "expected a count of 0 or more", values)
    return parsed


def _sites(values: pd.Series, engagement: Engagement, column: str, check: _Collector) -> pd.Series:
    """Map site names, keys and aliases (any case) to site keys."""
    lookup: dict[str, str] = {}
    for site in engagement.sites:
        for name in (site.key, site.name, *site.aliases):
            lookup[name.strip().casefold()] = site.key
    # normalise each distinct spelling once, not each row: a million-row caseload has a few
    # hundred spellings at most; several spellings (name, alias, key) may share a key
    codes, spellings = pd.factorize(values, use_na_sentinel=True)
    mapped = [lookup.get(str(s).strip().casefold()) for s in spellings]
    table = pd.array([*mapped, None], dtype="string")  # the last slot answers code -1 (blank)
    keys = pd.Series(table.take(np.where(codes < 0, len(mapped), codes)), index=values.index)
    unknown = keys.isna()
    if unknown.any():
        known = ", ".join(s.name for s in engagement.sites)
        expected = f"a site named in engagement.yaml (one of: {known})"
        check.rows(unknown, column, expected, values)
    return keys.astype(str)


def _required_text(
    values: pd.Series, column: str, check: _Collector, spec: _Extract | None = None
) -> pd.Series:
    text = values.astype("string").str.strip()
    blank = _blank(values, spec)
    if blank.any():
        check.rows(blank, column, "a value is required", values)
    return text.astype(str)


def read_kpi(engagement: Engagement, notices: list[Problem] | None = None) -> pd.DataFrame:
    """Read the KPI extract and its updates as the canonical long frame, targets filled.

    A month a later file (``inputs.kpi.updates``) holds replaces that month of every earlier
    file, per site and measure, so a client's newer extract can restate a month too.

    Args:
        engagement: The engagement.
        notices: Where to add what had to be guessed (warnings, not errors).

    Raises:
        InputError: Every problem of a file, by row and column (the first bad file's).
    """
    spec = engagement.inputs.kpi
    if spec is None:
        raise InputError.single(
            engagement.root / "engagement.yaml",
            "no KPI extract mapped yet: put the client's file in inputs/ and run "
            f"assess map {engagement.root} FILE --write",
            field="inputs.kpi",
        )
    paths = [spec.path, *spec.updates]
    frames = [_read_kpi_file(engagement, path, notices) for path in paths]
    out = pd.concat(frames, ignore_index=True)
    out = out.drop_duplicates(["site", "period", "measure"], keep="last")
    check = _Collector(str(engagement.input_path(spec.path)), 2)
    out = _fill_targets(out, engagement, check)
    check.raise_if_any()
    out = out.sort_values(["measure", "site", "period"], ignore_index=True)
    # the initial opinion is formed on the first extract's months (updates come later)
    first_to = frames[0]["period"].max() if len(frames[0]) else None
    out.attrs["first_extract_to"] = None if first_to is None else f"{first_to:%Y-%m-%d}"
    return out


def _read_kpi_file(
    engagement: Engagement, path: str, notices: list[Problem] | None
) -> pd.DataFrame:
    """One KPI extract as the long frame (targets as given), every problem named by row."""
    spec = engagement.inputs.kpi
    assert spec is not None  # read_kpi says when it is missing
    raw, where, first_row = read_table(
        engagement.input_path(path), spec.sheet, spec=spec, notices=notices
    )
    check = _Collector(where, first_row)
    if spec.layout == "wide":
        raw = _wide_to_long(raw, engagement.measure_names(), spec, check)
    frame = _mapped(raw, spec, ("site", "period", "measure", "actual"), ("target",), check)
    out = pd.DataFrame(index=frame.index)
    out["site"] = _sites(frame["site"], engagement, _theirs(spec, "site"), check)
    period = _dates(frame["period"], spec, "period", check)
    out["period"] = period.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    out["measure"] = _measures(frame["measure"], engagement, spec, check)
    actual_column: str | pd.Series = _theirs(spec, "actual")
    target_column: str | pd.Series = _theirs(spec, "target")
    if spec.layout == "wide":  # name the sheet's column each value came from
        actual_column = frame["measure"].map(engagement.measure_names())
        target_column = frame["measure"].map(spec.targets)
    out["actual"] = _numbers(frame["actual"], actual_column, check, spec)
    missing = _blank(frame["actual"], spec)
    if missing.any():
        check.rows(missing, actual_column, "an actual value is required", frame["actual"])
    target = frame["target"] if "target" in frame else pd.Series(pd.NA, index=frame.index)
    out["target"] = _numbers(target, target_column, check, spec)
    check.raise_if_any()
    contracted = _fill_targets(out, engagement, _Collector(where, first_row))["target"]
    implausible_kpi(out, contracted, engagement, (actual_column, target_column), check)
    check.raise_if_any()
    duplicated = out.duplicated(["site", "period", "measure"], keep=False)
    if duplicated.any():
        shown = out["site"] + " " + out["period"].dt.strftime("%Y-%m") + " " + out["measure"]
        check.rows(duplicated, "site/period/measure", "one row per site, month and measure", shown)
    check.raise_if_any()
    return out


def _wide_to_long(
    raw: pd.DataFrame, measures: dict[str, str], spec: KpiExtract, check: _Collector
) -> pd.DataFrame:
    """Turn one column per measure into one row per measure (the client's sheet is kept)."""
    keys = [_theirs(spec, "site"), _theirs(spec, "period")]
    wanted = [*keys, *measures.values(), *spec.targets.values()]
    missing = [c for c in wanted if c not in raw.columns]
    for column in missing:
        check.add(
            f"missing column '{column}' (named in engagement.yaml; "
            f"the file has: {', '.join(map(str, raw.columns))})",
            field=column,
        )
    hint = header_hint(raw, missing, check.first_row - 1) if missing else None
    if hint:
        check.add(hint, field="header_row")
    if not spec.measures:
        check.add("a wide KPI extract needs 'measures' (KPI key: column) in engagement.yaml")
    check.raise_if_any()
    parts = []
    for kpi, actual_column in measures.items():
        part = raw[keys].copy()
        part["measure"] = kpi
        part["actual"] = raw[actual_column]
        target_column = spec.targets.get(kpi)
        part["target"] = raw[target_column] if target_column else pd.NA
        parts.append(part)
    # keep the index: each value still knows the sheet row it came from
    return pd.concat(parts, ignore_index=False)


def _measures(
    values: pd.Series, engagement: Engagement, spec: KpiExtract, check: _Collector
) -> pd.Series:
    """Map the client's measure names (or our keys and labels) to KPI keys."""
    lookup = {k.key.casefold(): k.key for k in engagement.kpis}
    lookup |= {k.label.casefold(): k.key for k in engagement.kpis}
    names = engagement.measure_names()
    if spec.layout == "long":  # wide: the rows already hold KPI keys
        lookup |= {theirs.strip().casefold(): ours for ours, theirs in names.items()}
    keys = values.astype("string").str.strip().str.casefold().map(lookup)
    unknown = keys.isna()
    if unknown.any():
        expected = ", ".join(names.values() or [k.label for k in engagement.kpis])
        check.rows(unknown, _theirs(spec, "measure"), f"a known measure ({expected})", values)
    return keys.astype("string").astype(str)


def _fill_targets(kpi: pd.DataFrame, engagement: Engagement, check: _Collector) -> pd.DataFrame:
    """Blank targets take the contract's: site target, else per-period target, else total spread."""
    months = max(
        1,
        (engagement.contract.end.year - engagement.contract.start.year) * 12
        + engagement.contract.end.month
        - engagement.contract.start.month
        + 1,
    )
    out = kpi.copy()
    for spec in engagement.kpis:
        rows = (out["measure"] == spec.key) & out["target"].isna()
        if not rows.any():
            continue
        per_site = out.loc[rows, "site"].map(spec.site_targets).astype("float64")
        fallback = spec.target_per_period
        if fallback is None and spec.target_total is not None:
            fallback = spec.target_total / months / len(engagement.sites)
        filled = per_site.fillna(fallback) if fallback is not None else per_site
        out.loc[rows, "target"] = filled
        if filled.isna().any():
            check.add(
                f"no target for '{spec.key}': give a target column in the extract, or "
                f"target_per_period / site_targets / target_total in engagement.yaml",
                field="target",
            )
    return out


def read_caseload(
    engagement: Engagement, notices: list[Problem] | None = None
) -> pd.DataFrame | None:
    """Read the caseload extract (one row per customer), or None when the engagement has none.

    Raises:
        InputError: Every problem of the file, by row and column.
    """
    spec = engagement.inputs.caseload
    if spec is None:
        return None
    raw, where, first_row = read_table(
        engagement.input_path(spec.path), spec.sheet, spec=spec, notices=notices
    )
    check = _Collector(where, first_row)
    frame = _mapped(raw, spec, ("customer_id", "site", "referral_date"), _CASELOAD_DATES[1:], check)
    out = pd.DataFrame(index=frame.index)
    out["customer_id"] = _required_text(
        frame["customer_id"], _theirs(spec, "customer_id"), check, spec
    )
    out["site"] = _sites(frame["site"], engagement, _theirs(spec, "site"), check)
    for column in _CASELOAD_DATES:
        values = frame[column] if column in frame else pd.Series(pd.NaT, index=frame.index)
        out[column] = _dates(values, spec, column, check)
    no_referral = _blank(frame["referral_date"], spec)
    if no_referral.any():
        column = _theirs(spec, "referral_date")
        check.rows(no_referral, column, "a referral date is required", frame["referral_date"])
    _date_order(out, spec, check)
    # the row-by-row mask is built only when something repeats
    repeated = (
        pd.Series(False, index=out.index)
        if _all_distinct(out["customer_id"])
        else out["customer_id"].duplicated(keep="first")
    )
    if repeated.any():
        column = _theirs(spec, "customer_id")
        expected = "one row per customer: this id appears on an earlier row"
        check.rows(repeated, column, expected, out["customer_id"])
    check.raise_if_any()
    return out.reset_index(drop=True)


def _all_distinct(ids: pd.Series) -> bool:
    """Whether no id appears twice.

    Extracts usually come in id order: ids that strictly increase are all distinct, which one
    comparison of neighbours shows (4 ms for a million, where hashing them takes 120 ms). Any
    other order, or a blank id, is hashed.
    """
    values = ids.array
    if len(values) > 1 and not ids.isna().any():
        try:
            if bool((values[1:] > values[:-1]).all()):
                return True
        except TypeError:  # ids of mixed types do not order
            pass
    return bool(ids.is_unique)


def _date_order(out: pd.DataFrame, spec: _Extract, check: _Collector) -> None:
    """A customer's events happen in order: referral, start, then outcome or exit."""
    # an exit is checked against the start, or against the referral of a customer who never
    # started, so one wrong date is reported once
    exit_floor = out["start_date"].fillna(out["referral_date"])
    for later, earlier, floor in (
        ("start_date", "referral date", out["referral_date"]),
        ("outcome_date", "start date", out["start_date"]),
        ("exit_date", "start (or referral) date", exit_floor),
    ):
        wrong = out[later] < floor
        if wrong.any():
            shown = out[later].dt.strftime("%Y-%m-%d")
            expected = f"not before the {earlier} of the same customer"
            check.rows(wrong, _theirs(spec, later), expected, shown)


def read_work_sampling(
    engagement: Engagement, notices: list[Problem] | None = None
) -> pd.DataFrame | None:
    """Read work-sampling observations with each activity's category, or None when absent.

    Raises:
        InputError: Every problem of the file, by row and column.
    """
    spec = engagement.inputs.work_sampling
    if spec is None:
        return None
    raw, where, first_row = read_table(
        engagement.input_path(spec.path), spec.sheet, spec=spec, notices=notices
    )
    check = _Collector(where, first_row)
    frame = _mapped(raw, spec, SAMPLING_COLUMNS, (), check)
    out = pd.DataFrame(index=frame.index)
    out["observed_at"] = _dates(frame["observed_at"], spec, "observed_at", check)
    missing = _blank(frame["observed_at"], spec)
    if missing.any():
        column = _theirs(spec, "observed_at")
        check.rows(missing, column, "a date and time is required", frame["observed_at"])
    out["site"] = _sites(frame["site"], engagement, _theirs(spec, "site"), check)
    out["role"] = _required_text(frame["role"], _theirs(spec, "role"), check, spec)
    out["activity"] = _required_text(frame["activity"], _theirs(spec, "activity"), check, spec)
    lookup = {name.strip().casefold(): cat for name, cat in spec.activities.items()}
    out["category"] = out["activity"].str.casefold().map(lookup)
    unmapped = out["category"].isna()
    if unmapped.any():
        check.rows(
            unmapped,
            _theirs(spec, "activity"),
            "an activity listed under inputs.work_sampling.activities in engagement.yaml",
            frame["activity"],
        )
    check.raise_if_any()
    out["category"] = out["category"].astype(str)
    return out.reset_index(drop=True)


def read_extracts(engagement: Engagement) -> Extracts:
    """Read and check every extract of the engagement, reporting all files' problems at once.

    Raises:
        InputError: The problems of every file that has any.
    """
    problems: list[Problem] = []
    notices: list[Problem] = engagement.notices()
    results = {}
    for name, reader in (
        ("kpi", read_kpi),
        ("caseload", read_caseload),
        ("work_sampling", read_work_sampling),
    ):
        try:
            results[name] = reader(engagement, notices)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(_once(problems))
    extracts = Extracts(**results)
    notices += input_warnings(engagement, extracts)
    return Extracts(**results, notices=tuple(_once(notices)))


def _once(problems: list[Problem]) -> list[Problem]:
    """Each problem once (an update file and its extract may share a fault), in order."""
    return list(dict.fromkeys(problems))
