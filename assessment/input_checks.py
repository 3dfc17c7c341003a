"""Checks that stop a figure that would be silently wrong, and warnings worth a look.

The readers in :mod:`assessment.inputs` check that each cell is what its column needs (a date, a
number, a known site). These checks look at what the values mean: a target of zero makes "% of
target" meaningless, 1e300 or a decimal count is a typo, a leaving date in 2031 cannot be in
today's extract. Errors stop the run; warnings are listed by ``assess check`` and in step 1's
data-quality section. All are vectorised over the frame.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from assessment.engagement import MAX_VALUE, Engagement, _Extract
from assessment.errors import Problem

if TYPE_CHECKING:
    from assessment.inputs import Extracts

PLAUSIBLE_RATIO = 100.0
"""A value over this many times its target is a typo or a unit error, not a good month."""

BLANK_SHARE = 0.5
"""Above this share of blanks, a column that is usually filled is worth a look."""

_SHOWN = 5


class _Rows(Protocol):
    def rows(
        self, mask: pd.Series, column: str | pd.Series, expected: str, values: pd.Series
    ) -> None: ...


def implausible_kpi(
    kpi: pd.DataFrame,
    contracted: pd.Series,
    engagement: Engagement,
    columns: tuple[str | pd.Series, str | pd.Series],
    check: _Rows,
) -> None:
    """Record the KPI values no report should show: targets of 0, absurd sizes, decimal counts.

    Args:
        kpi: One extract as read (site, period, measure, actual, target as given).
        contracted: The target of each row once blanks take the contract's (same index).
        engagement: The engagement (which KPIs count things).
        columns: The client's column of the actuals and of the targets (one per row for a
            wide sheet).
        check: The file's problem collector.
    """
    actual_column, target_column = columns
    target = kpi["target"]
    # a month's target may be 0 (a contract's ramp-up profile), but a site whose targets are
    # all 0 for a measure has no "% of target" at all
    total = contracted.groupby([kpi["site"], kpi["measure"]]).transform("sum")
    zero = (target == 0) & (total <= 0)
    if zero.any():
        expected = (
            "a target above 0 in some month (every month of this site and measure has 0, "
            "and the KPI is shown as a % of its target)"
        )
        check.rows(zero, target_column, expected, target)
    huge_target = target > MAX_VALUE
    if huge_target.any():
        check.rows(huge_target, target_column, f"a target of at most {MAX_VALUE:,.0f}", target)
    actual = kpi["actual"]
    bound = (contracted.where(contracted > 0) * PLAUSIBLE_RATIO).clip(upper=MAX_VALUE)
    huge = (actual > bound.fillna(MAX_VALUE)) & ~huge_target
    if huge.any():
        expected = (
            f"a value at most {PLAUSIBLE_RATIO:.0f} times its target (and at most "
            f"{MAX_VALUE:,.0f}): a typo or a different unit?"
        )
        check.rows(huge, actual_column, expected, actual)
    counting = kpi["measure"].isin([k.key for k in engagement.kpis if k.counts])
    fraction = counting & actual.notna() & (actual != actual.round()) & ~huge
    if fraction.any():
        units = {k.key: k.unit for k in engagement.kpis}
        unit = kpi.loc[fraction, "measure"].map(units).iloc[0]
        expected = (
            f"a whole number (the KPI counts {unit}; set counts: false on a KPI that does not)"
        )
        check.rows(fraction, actual_column, expected, actual)


def input_warnings(
    engagement: Engagement, extracts: Extracts, *, today: dt.date | None = None
) -> list[Problem]:
    """Warnings about valid extracts: months outside the contract, future dates, many blanks."""
    today = today or dt.date.today()
    inputs = engagement.inputs
    found = _kpi_months(engagement, extracts.kpi, today)
    if extracts.caseload is not None and inputs.caseload is not None:
        dates = ("referral_date", "start_date", "outcome_date", "exit_date")
        found += _late_dates(engagement, extracts.caseload, inputs.caseload, dates, today)
        found += _blank_shares(engagement, extracts.caseload, inputs.caseload)
    if extracts.work_sampling is not None and inputs.work_sampling is not None:
        spec = inputs.work_sampling
        found += _late_dates(engagement, extracts.work_sampling, spec, ("observed_at",), today)
    return found


def _kpi_months(engagement: Engagement, kpi: pd.DataFrame, today: dt.date) -> list[Problem]:
    contract = engagement.contract
    spec = engagement.inputs.kpi
    assert spec is not None  # the KPI extract was read
    where = str(engagement.input_path(spec.path))
    column = spec.columns.get("period", "period")
    first = pd.Timestamp(contract.start.replace(day=1))
    months = kpi["period"]
    found = []
    for mask, what in (
        (months < first, f"before the contract starts ({contract.start:%d %b %Y})"),
        (months > pd.Timestamp(contract.end), f"after the contract ends ({contract.end:%d %b %Y})"),
        (months > pd.Timestamp(today), f"after today ({today:%d %b %Y})"),
    ):
        if mask.any():
            shown = _listed(months[mask].drop_duplicates().sort_values().dt.strftime("%b %Y"))
            message = (
                f"{int(mask.sum())} row(s) for months {what}: {shown}; they are not part of "
                "the contract's figures to date. Check the extract or the contract dates"
            )
            found.append(Problem(where, message, field=column))
    return found


def _late_dates(
    engagement: Engagement,
    frame: pd.DataFrame,
    spec: _Extract,
    columns: tuple[str, ...],
    today: dt.date,
) -> list[Problem]:
    """Dates after today (no extract holds the future) or after the contract's end."""
    where = str(engagement.input_path(spec.path))
    first_row = _first_row(spec)
    end = pd.Timestamp(engagement.contract.end) + pd.Timedelta(days=1)
    limit = min(pd.Timestamp(today) + pd.Timedelta(days=1), end)
    found = []
    for column in columns:
        late = frame[column] >= limit
        if late.any():
            rows = ", ".join(str(int(i) + first_row) for i in late[late].index[:_SHOWN])
            more = f" and {int(late.sum()) - _SHOWN} more" if late.sum() > _SHOWN else ""
            latest = frame.loc[late, column].max()
            message = (
                f"{int(late.sum())} date(s) after today or the contract's end "
                f"({engagement.contract.end:%d %b %Y}), latest {latest:%d %b %Y} "
                f"(rows {rows}{more}): a typo, or a date planned rather than happened?"
            )
            found.append(Problem(where, message, field=spec.columns.get(column, column)))
    return found


def _blank_shares(engagement: Engagement, frame: pd.DataFrame, spec: _Extract) -> list[Problem]:
    """A start-date column mostly blank, or an outcome or exit column wholly blank."""
    where = str(engagement.input_path(spec.path))
    found = []
    for column, limit in (("start_date", BLANK_SHARE), ("outcome_date", 1.0), ("exit_date", 1.0)):
        if column not in spec.columns:
            continue  # not mapped: blank by design
        share = float(frame[column].isna().mean())
        if share >= limit and len(frame):
            message = (
                f"{share:.0%} of rows are blank: is '{spec.columns[column]}' the right column, "
                "and is the extract complete?"
            )
            found.append(Problem(where, message, field=spec.columns[column]))
    return found


def _first_row(spec: _Extract) -> int:
    return 1 if spec.path.lower().endswith(".parquet") else spec.header_row + 1


def _listed(values: pd.Series) -> str:
    shown = ", ".join(values.iloc[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")
