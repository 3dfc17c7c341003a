"""What step 1 shows of flow: on-flow, off-flow, time to outcome and the Little's-law check.

Tables and charts of the caseload extract's results, for the notebook and the client report.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.data_analysis import outcome_charts
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.step import DataAnalysis
from assessment.data_analysis.views import with_interval
from assessment.engagement import Engagement
from assessment.periods import Period
from assessment.presentation import number, share, table
from assessment.terminology import say, words


def caseload_period(result: DataAnalysis) -> Period | None:
    """The months the caseload extract covers (its flow by month)."""
    frame = result.flow_by_month
    if frame is None or frame.empty:
        return None
    months = pd.to_datetime(frame["period"])
    return Period(months.min(), months.max())


def flow_table(result: DataAnalysis, engagement: Engagement | None = None) -> HTML | None:
    """On-flow, off-flow and conversion per site: the window ratio beside the cohort rate."""
    if result.flow is None:
        return None
    frame = result.flow.copy()
    columns = {
        "site_name": say("{Site}", engagement),
        "referrals": "Referrals",
        "starts": "Starts",
        "outcomes": "Outcomes",
        "exits": "Exits",
        "open_caseload": "Caseload now",
        "conversion_to_start": "Referral → start",
        "conversion_to_outcome": "Outcomes ÷ starts (same window)",
        "throughput_per_month": "Exits per month",
    }
    caption = _flow_caption(result, engagement)
    if "cohort_rate" in frame:
        first = frame.iloc[0]
        frame["cohort_text"] = [
            with_interval(r, lo, hi, share)
            for r, lo, hi in frame[["cohort_rate", "cohort_low", "cohort_high"]].itertuples(
                index=False
            )
        ]
        cohort = f"Started {first['cohort_start']:%b %Y}–{first['cohort_end']:%b %Y}"
        columns["cohort_text"] = f"{cohort}: outcome within 12 months (95% interval)"
        caption += (
            " Outcomes ÷ starts counts events in the same window, whoever they belong to; the "
            "cohort rate follows those who started in one 12-month window for 12 months each."
        )
    return table(
        frame,
        columns,
        {
            "referrals": number,
            "starts": number,
            "outcomes": number,
            "exits": number,
            "open_caseload": number,
            "conversion_to_start": share,
            "conversion_to_outcome": share,
            "throughput_per_month": lambda v: number(v, 1),
        },
        caption=caption,
    )


def _flow_caption(result: DataAnalysis, engagement: Engagement | None = None) -> str:
    months = caseload_period(result)
    covered = say(", {customers} referred ", engagement) + months.label() if months else ""
    return say(
        f"{{Customers}} flowing through each {{site}}, from the caseload extract{covered}: its "
        "months may differ from the KPI extract's, so its counts differ from the KPI table's.",
        engagement,
    )


def time_to_outcome_table(
    result: DataAnalysis, engagement: Engagement | None = None
) -> HTML | None:
    """Time from start to outcome per site: the median, or the chance by 6 or 12 months."""
    timing = result.time_to_outcome
    if timing is None or "left" not in timing:
        # None, or stored by a version that censored exits: its chances are not this
        # definition's, and showing them beside the flow plan's would give two numbers.
        return None
    frame = timing.copy()
    frame["median_text"] = [
        "not reached" if pd.isna(m) else with_interval(m, lo, hi, number)
        for m, lo, hi in frame[["median_days", "median_low", "median_high"]].itertuples(index=False)
    ]
    for months in (6, 12):
        cols = [f"outcome_{months}m", f"outcome_{months}m_low", f"outcome_{months}m_high"]
        frame[f"by_{months}"] = [
            with_interval(v, lo, hi, lambda x: share(x, 1))
            for v, lo, hi in frame[cols].itertuples(index=False)
        ]
    return table(
        frame,
        {
            "site_name": say("{Site}", engagement),
            "started": "Started",
            "outcomes": "Outcomes",
            "left": "Left without an outcome",
            "waiting": "Still waiting",
            "median_text": "Median days to outcome (95% interval)",
            "by_6": "Chance of an outcome within 6 months (95% interval)",
            "by_12": "Chance of an outcome within 12 months (95% interval)",
        },
        {"started": number, "outcomes": number, "left": number, "waiting": number},
        caption=say(
            f"Time from start to outcome for everyone who started{_starts(frame)}, followed to "
            f"{_day(frame['as_of'].iloc[0])}. {{Customers}} still waiting count until the end "
            "of the data; leaving without an outcome ends the wait (someone who has left cannot "
            "get one), so those who left count as having none (cumulative incidence, "
            "Aalen–Johansen). The flow plan uses the same 12-month chance; the flow table's "
            "cohort rate is the same measure for the starters of one year only. Where fewer than "
            "half have an outcome the median is not reached, and the chances within 6 and 12 "
            "months say more.",
            engagement,
        ),
        kind="aw-time-to-outcome",
    )


def _starts(timing: pd.DataFrame) -> str:
    """' from Jan 2024 to Dec 2025': the months of the starts a time-to-outcome figure covers."""
    if "first_start" not in timing or timing["first_start"].isna().all():
        return ""  # stored before the starts were recorded with it
    first, last = timing["first_start"].iloc[0], timing["last_start"].iloc[0]
    return f" from {first:%b %Y} to {last:%b %Y}"


def flow_charts(result: DataAnalysis, engagement: Engagement | None = None) -> list[alt.Chart]:
    """The funnel from referral to outcome, and the chance of an outcome over time, per site."""
    if result.flow is None:
        return []
    sites = result.flow[result.flow["site"] != ALL_SITES]
    shown = [outcome_charts.flow_funnel(sites, words(engagement))]
    timing = result.time_to_outcome
    # curves stored by a version that censored exits are another definition: not shown
    if result.survival is not None and timing is not None and "left" in timing:
        names = result.flow.set_index("site")["site_name"]
        curves = result.survival.assign(
            site_name=result.survival["site"].map(names).fillna(result.survival["site"])
        )
        shown.append(outcome_charts.outcome_over_time(curves[curves["site"] != ALL_SITES]))
    return shown


def littles_law_table(result: DataAnalysis, engagement: Engagement | None = None) -> HTML | None:
    """The data check: caseload against throughput × time in service, with what a flag means."""
    if result.littles_law is None:
        return None
    return table(
        result.littles_law,
        {
            "site_name": say("{Site}", engagement),
            "caseload": "Caseload (L)",
            "starts_per_day": "Starts per day (λ)",
            "mean_days_in_service": "Days in service (W)",
            "expected_caseload": "λ × W",
            "ratio": "L ÷ (λ × W)",
            "flag": "Check the data?",
            "explanation": "Why",
        },
        {
            "caseload": number,
            "starts_per_day": lambda v: number(v, 2),
            "mean_days_in_service": number,
            "expected_caseload": number,
            "ratio": lambda v: number(v, 2),
            "flag": lambda v: "yes" if v else "no",
        },
        caption="Little's law: in a steady service the caseload equals throughput × time in "
        "service. A large difference usually means missing dates in the extract.",
    )


def _day(value: object) -> str:
    day = pd.Timestamp(value)
    return f"{day.day} {day:%b %Y}"
