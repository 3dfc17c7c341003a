"""The initial opinion frozen with its period, shown later as then and now."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from readable_text import plain

from assessment.data_analysis.snapshot import snapshot_frame, then_and_now, with_periods
from assessment.periods import Period

BASELINE = Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-01"))
NOW = Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2026-06-01"))
CASELOAD = Period(pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-01"))


def hypotheses(pct: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": ["perf-gap:ALL:jobs", "conversion-gap:west"],
            "kind": ["performance", "conversion"],
            "title": ["Contract below target", "West converts fewer starts"],
            "statement": [
                f"The contract delivers {pct}% of its contracted job outcomes to date.",
                "West converts 7% of its starts into outcomes.",
            ],
            "figures": [{"pct_of_target": pct}, {"conversion": 0.07}],
        }
    )


def test_statements_name_their_months_instead_of_to_date() -> None:
    named = with_periods(hypotheses(25), BASELINE, CASELOAD)
    assert plain(named["statement"].iloc[0]) == (
        "The contract delivers 25% of its contracted job outcomes to December 2025."
    )
    assert plain(named["statement"].iloc[1]) == (
        "West converts 7% of its starts into outcomes (KPIs Jan 2024–Dec 2025; caseload "
        "Jan 2024–Dec 2025)."
    )


def test_then_stays_as_formed_and_now_shows_todays_data() -> None:
    frozen = snapshot_frame(
        with_periods(hypotheses(25), BASELINE, None), BASELINE, dt.date(2026, 1, 5)
    )
    assert set(map(plain, frozen["period"])) == {"Jan 2024–Dec 2025"}
    assert set(frozen["period_to"]) == {"2025-12-31"}
    today = with_periods(hypotheses(30), NOW, None).iloc[[0]]
    shown = then_and_now(frozen, today)
    assert shown["then"].iloc[0].startswith("The contract delivers 25%")
    assert shown["now"].iloc[0].startswith("The contract delivers 30%")
    assert shown["now"].iloc[1] == "No longer suggested by the data."
