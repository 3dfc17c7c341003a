"""The engagement's named periods: which months every figure covers, and which months count.

A figure a client reads is only comparable with another when both cover the same months, so the
months are decided here once and named in every label:

- a month *counts* when the data covers all of it (its last day is on or before the day the data
  runs to) and it lies inside the contract period; other months are flagged in step 1 and never
  used for a figure, a trend or a baseline;
- *to date* runs from the contract's first month to the last complete month;
- *recent* is the last N complete months (``analysis.recent_months``, default 3): the level the
  roadmap and the action plan measure;
- *baseline* is the data the initial opinion was formed on (frozen with it, see
  :mod:`assessment.data_analysis.snapshot`); an action's own window is the N months ending at the
  last complete month before it was set.

Pure functions over plain months, plus :func:`stored_periods`, which reads what step 1 stored.
Shared code: it never imports a step.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from assessment.engagement import Engagement

MONTHS_FRAME = "data_analysis.months"
"""Step 1's stored table of the extract's months: whether each is complete and counts."""
MONTH_COLUMNS = ["period", "in_contract", "complete", "used", "note"]


def month_end(month: pd.Timestamp | dt.date) -> dt.date:
    """The last day of a month."""
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def month_start(day: dt.date | pd.Timestamp) -> pd.Timestamp:
    """The first day of the month of ``day``, as the Timestamp the KPI frame uses."""
    return pd.Timestamp(year=day.year, month=day.month, day=1)


@dataclass(frozen=True)
class Period:
    """A run of whole months, named for the reader.

    Attributes:
        first: The first month (its first day).
        last: The last month (its first day).
    """

    first: pd.Timestamp
    last: pd.Timestamp

    @property
    def months(self) -> int:
        """How many months it covers."""
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def end(self) -> dt.date:
        """Its last day."""
        return month_end(self.last)

    def label(self) -> str:
        """The months in short: 'Jun 2026', 'Apr–Jun 2026', 'Jan 2024–Jun 2026'."""
        if self.first == self.last:
            return f"{self.last:%b %Y}"
        if self.first.year == self.last.year:
            return f"{self.first:%b}–{self.last:%b %Y}"
        return f"{self.first:%b %Y}–{self.last:%b %Y}"

    def to_label(self) -> str:
        """Up to its last month: 'to June 2026'."""
        return f"to {self.last:%B %Y}"


def window(last: pd.Timestamp, months: int) -> Period:
    """The ``months`` months ending with ``last``."""
    first = pd.Timestamp(last) - pd.DateOffset(months=months - 1)
    return Period(month_start(first), month_start(last))


def month_table(
    months: Iterable[pd.Timestamp],
    contract_start: dt.date,
    contract_end: dt.date,
    data_to: dt.date | None,
    as_of: dt.date,
) -> pd.DataFrame:
    """Each month of the data: inside the contract? complete? used for figures? and why not.

    Args:
        months: The months the KPI data holds (first days).
        contract_start: The contract's first day.
        contract_end: The contract's last day.
        data_to: The last day the data covers, when the client says so (``inputs.kpi.data_to``).
        as_of: The day of the run: a month that has not ended by then cannot be complete.

    Returns:
        Columns ``MONTH_COLUMNS``, one row per month in order; ``used`` is complete and in the
        contract; ``note`` says why a month is not used ('' when it is).
    """
    covered_to = min(d for d in (data_to, as_of) if d is not None)
    rows = []
    # the KPI rows repeat each month once per site and measure: convert each month once
    distinct = pd.Series(months if isinstance(months, pd.Series) else list(months))
    for month in sorted({month_start(pd.Timestamp(m)) for m in distinct.drop_duplicates()}):
        inside = month_start(contract_start) <= month <= month_start(contract_end)
        complete = month_end(month) <= covered_to
        note = ""
        if not complete:
            note = f"incomplete: the data runs to {covered_to:%d %B %Y}"
        elif not inside:
            note = "outside the contract period"
        rows.append(
            {
                "period": month,
                "in_contract": inside,
                "complete": complete,
                "used": inside and complete,
                "note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=MONTH_COLUMNS)
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    return frame


@dataclass(frozen=True)
class Periods:
    """The engagement's named periods, from the months that count.

    Attributes:
        to_date: Contract start (or its first month with data) to the last complete month.
        recent: The last ``recent_months`` complete months.
        flagged: Months of the data not used, each with why ('Jul 2026: incomplete: ...').
    """

    to_date: Period
    recent: Period
    flagged: tuple[str, ...] = ()

    @property
    def data_to(self) -> dt.date:
        """The last day of the last complete month: what the cover says the data runs to."""
        return self.to_date.end

    def data_to_label(self) -> str:
        """'Data to 30 June 2026'."""
        return f"Data to {self.data_to:%d %B %Y}"


def periods_from(months: pd.DataFrame, recent_months: int) -> Periods | None:
    """The named periods of a month table (``month_table``); None when no month counts."""
    used = months.loc[months["used"], "period"].sort_values()
    if used.empty:
        return None
    last = pd.Timestamp(used.iloc[-1])
    recent = window(last, recent_months)
    first_recent = max(recent.first, pd.Timestamp(used.iloc[0]))
    flagged = tuple(
        f"{pd.Timestamp(r.period):%b %Y}: {r.note}" for r in months.itertuples() if not r.used
    )
    return Periods(
        to_date=Period(pd.Timestamp(used.iloc[0]), last),
        recent=Period(first_recent, last),
        flagged=flagged,
    )


def engagement_month_table(
    engagement: Engagement, months: Iterable[pd.Timestamp], as_of: dt.date | None = None
) -> pd.DataFrame:
    """``month_table`` with the engagement's contract period and the day its data runs to."""
    return month_table(
        months,
        engagement.contract.start,
        engagement.contract.end,
        engagement.inputs.kpi.data_to,
        as_of or dt.date.today(),
    )


def stored_periods(engagement: Engagement) -> Periods | None:
    """The named periods step 1 stored for this engagement (None before step 1 has run)."""
    from assessment.store import Store  # the store is only needed when reading

    if not engagement.store_path.exists():
        return None
    with Store(engagement.store_path) as store:
        if not store.has_frame(MONTHS_FRAME):
            return None
        months = store.frame(MONTHS_FRAME)
    months["period"] = pd.to_datetime(months["period"])
    return periods_from(months, engagement.analysis.recent_months)
