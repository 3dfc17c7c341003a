"""What a client's column holds: names, numbers, dates (and their order), site names, blanks.

The mapping assistant recognises a column by its content as much as by its name; a profile is
computed once per column, over its distinct values where it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from assessment.dates import parse_dates
from assessment.engagement import Engagement

NA_WORDS = ("n/a", "na", "-", "tbc", "none", "null", "unknown", "not known", "?")
"""Cell texts that usually mean 'no value' (proposed as na_values when found)."""


def numberlike(text: str) -> bool:
    """Whether a header cell is a number or a date (a data row, not a row of names)."""
    return bool(re.fullmatch(r"[-+£$€]?[\d,.]+%?|\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?.*", text))


@dataclass
class Profile:
    """Shares of a column's values that are filled, numbers, dates or site names, and more.

    Attributes:
        filled: Share of cells with a value (not blank, not a 'no value' word).
        numeric: Share of values that are numbers (0 for a date column).
        dates: Share of values that are dates, in either order.
        sites: Share of values that name a site (key, name or alias).
        distinct: Distinct values.
        unique: Distinct values per value (1.0: an identifier).
        times: Whether the dates carry times of day.
        dayfirst: The order the whole column decides (None: either fits every value).
        wrong: Values that fit only the other order.
        ambiguous: Values read either way in a column that mixes both orders.
        na_words: The 'no value' words found.
    """

    filled: float
    numeric: float
    dates: float
    sites: float
    distinct: int
    unique: float
    times: bool
    dayfirst: bool | None
    wrong: list[str]
    ambiguous: list[str]
    na_words: list[str]


def profile(values: pd.Series, engagement: Engagement) -> Profile:
    """What one column holds, against the engagement's sites."""
    text = values.astype("string").str.strip()
    blank = values.isna() | text.isna() | (text == "")
    na = text.str.casefold().isin(NA_WORDS) & ~blank
    present = values[~blank & ~na]
    n = max(len(present), 1)
    numeric = pd.to_numeric(present, errors="coerce").notna().mean() if len(present) else 0.0
    parsed = parse_dates(values, blank | na)
    dates = float(parsed.values.notna().sum() + parsed.wrong_order.sum()) / n
    lookup = {
        name.strip().casefold() for s in engagement.sites for name in (s.key, s.name, *s.aliases)
    }
    sites = (
        float(present.astype(str).str.strip().str.casefold().isin(lookup).mean())
        if len(present)
        else 0.0
    )
    times = bool(parsed.values.dropna().dt.time.astype(str).ne("00:00:00").any())
    return Profile(
        filled=len(present) / max(len(values), 1),
        numeric=float(numeric) if dates < 0.8 else 0.0,
        dates=dates if numeric < 1.0 or dates >= 0.99 else 0.0,
        sites=sites,
        distinct=int(present.nunique()),
        unique=present.nunique() / n,
        times=times,
        dayfirst=parsed.dayfirst,
        wrong=list(dict.fromkeys(values[parsed.wrong_order].astype(str)))[:5],
        ambiguous=list(dict.fromkeys(values[parsed.ambiguous].astype(str)))[:5],
        na_words=sorted(set(values[na].astype(str).str.strip())),
    )
