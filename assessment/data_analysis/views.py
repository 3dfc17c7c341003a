"""What step 1 shows: tables and charts of its results, for the notebook and the client report.

Views take a ``DataAnalysis`` (fresh from ``analyse`` or read back by ``load``) and return display
objects; they compute nothing beyond choosing and labelling what to show.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.data_analysis import charts
from assessment.data_analysis.opinion_views import with_sites_behind
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.step import DataAnalysis
from assessment.engagement import Engagement
from assessment.inputs import Extracts
from assessment.periods import Periods, periods_from
from assessment.presentation import callout, number, pct, table
from assessment.terminology import say, words


def periods(result: DataAnalysis, engagement: Engagement) -> Periods | None:
    """The engagement's named periods (to date, recent) from the months step 1 counted."""
    if result.months is None:
        return None
    return periods_from(result.months, engagement.analysis.recent_months)


def to_date_label(result: DataAnalysis, engagement: Engagement | None = None) -> str:
    """'Jan 2024–Jun 2026': the months every figure "to date" covers (to date needs no N)."""
    found = None if result.months is None else periods_from(result.months, 1)
    return found.to_date.label() if found else "to date"


def months_flagged(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Which months the KPI figures cover, and each month left out with why."""
    found = periods(result, engagement)
    if found is None:
        return callout("Months used", ["No complete month of KPI data inside the contract."])
    lines = [
        f"KPI figures to date cover {found.to_date.label()} ({found.data_to_label().lower()}); "
        f"the recent level covers {found.recent.label()}."
    ]
    lines += [f"Left out: {flag}." for flag in found.flagged]
    return callout("Months used", lines)


def inputs_summary(engagement: Engagement, extracts: Extracts) -> HTML:
    """What was read: each extract, its rows and the months or dates it covers."""
    rows = [("KPI extract", engagement.inputs.kpi.path, len(extracts.kpi), extracts.kpi["period"])]
    if extracts.caseload is not None and engagement.inputs.caseload is not None:
        dates = extracts.caseload["referral_date"]
        rows.append(("Caseload", engagement.inputs.caseload.path, len(extracts.caseload), dates))
    if extracts.work_sampling is not None and engagement.inputs.work_sampling is not None:
        obs = extracts.work_sampling
        path = engagement.inputs.work_sampling.path
        rows.append(("Work sampling", path, len(obs), obs["observed_at"]))
    frame = pd.DataFrame(
        [
            {"what": what, "file": path, "rows": n, "from": dates.min(), "to": dates.max()}
            for what, path, n, dates in rows
        ]
    )
    read = table(
        frame,
        {"what": "Extract", "file": "File", "rows": "Rows", "from": "From", "to": "To"},
        {"rows": number},
        caption="Every extract was read and passed its checks.",
    )
    if not extracts.notices:
        return read
    # the warnings of assess check, here too: the consultant may never have run check
    notes = [f"{Path(n.where).name}{f' ({n.field})' if n.field else ''}: {n.message}"
             for n in extracts.notices]  # fmt: skip
    worth = callout(f"{len(notes)} thing(s) in the data worth a look", notes, kind="warning")
    return HTML(read.data + worth.data)


def headline(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Where the contract stands on its headline KPI, in three sentences, with intervals."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date[result.performance_to_date["measure"] == kpi.key]
    if result.site_comparison is not None:
        keep = ["site", "measure", "pct_low", "pct_high", "verdict"]
        rows = rows.merge(result.site_comparison[keep], on=["site", "measure"], how="left")
    else:
        rows = rows.assign(pct_low=float("nan"), pct_high=float("nan"), verdict="")
    total = rows[rows["site"] == ALL_SITES].iloc[0]
    sites = rows[rows["site"] != ALL_SITES].sort_values("pct_of_target", ascending=False)
    best, worst = sites.iloc[0], sites.iloc[-1]

    def level(row: pd.Series) -> str:
        return with_interval(row["pct_of_target"], row["pct_low"], row["pct_high"])

    # "Above contract" is a claim: only where the whole interval is above 100%.
    above = sites[sites["pct_low"] > 100]["site_name"].tolist()
    lines = [
        f"The contract has delivered {number(total['actual'])} {kpi.label.lower()} against a "
        f"target of {number(total['target'])} over {to_date_label(result, engagement)}: "
        f"{level(total)} of contract.",
        f"Highest: {best['site_name']} at {level(best)}; lowest: {worst['site_name']} at "
        f"{level(worst)} (95% intervals).",
        (
            f"Surely above contract: {', '.join(above)}."
            if above
            else say("No {site} is surely above its contracted target.", engagement)
        ),
    ]
    return callout(f"{kpi.label}: where the contract stands", lines, kind="headline")


def performance_table(result: DataAnalysis, engagement: Engagement) -> HTML:
    """Performance against contract to date, per KPI and site, with intervals and verdicts."""
    frame = result.performance_to_date.copy()
    labels = engagement.kpi_labels()
    frame["kpi"] = frame["measure"].map(labels)
    columns = {"kpi": "KPI", "site_name": say("{Site}", engagement)}
    columns |= {"actual": "Actual", "target": "Target"}
    formats = {"actual": number, "target": number, "gap": number}
    comparison = result.site_comparison
    if comparison is not None:
        keep = ["site", "measure", "pct_low", "pct_high", "verdict"]
        frame = frame.merge(comparison[keep], on=["site", "measure"], how="left")
        frame["pct_with_interval"] = [
            with_interval(p, lo, hi)
            for p, lo, hi in frame[["pct_of_target", "pct_low", "pct_high"]].itertuples(index=False)
        ]
        frame["verdict"] = frame["verdict"].fillna("").replace("", "–")
        columns |= {"pct_with_interval": "% of target (95% interval)", "gap": "Gap (units)"}
        columns |= {"verdict": "Against the rest of the contract"}
    else:
        columns |= {"pct_of_target": "% of target", "gap": "Gap (units)"}
        formats["pct_of_target"] = pct
    order = {key: i for i, key in enumerate(labels)}
    frame = frame.assign(
        _kpi=frame["measure"].map(order), _all=frame["site"] == ALL_SITES
    ).sort_values(["_kpi", "_all", "pct_of_target"], ascending=[True, True, False])
    volume = engagement.method.min_volume
    return table(
        frame,
        columns,
        formats,
        caption=f"Actuals against contracted targets, {to_date_label(result, engagement)} "
        "(complete months inside the contract). "
        + say(
            "A {site} is ahead or behind only when it differs from the rest of the contract at "
            f"95%, corrected for the number of {{sites}} compared, and has at least {volume} "
            "cases.",
            engagement,
        ),
    )


def with_interval(value: float, low: float, high: float, fmt=pct) -> str:
    """'27% (24% to 32%)': a value with its 95% interval; the value alone without one."""
    if pd.isna(value):
        return "–"
    if pd.isna(low) or pd.isna(high):
        return fmt(value)
    return f"{fmt(value)} ({fmt(low)} to {fmt(high)})"


def performance_chart(result: DataAnalysis, engagement: Engagement) -> alt.Chart:
    """Headline KPI, % of target per site, against the 100% contract line."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date
    sites = rows[(rows["measure"] == kpi.key) & (rows["site"] != ALL_SITES)]
    return charts.performance_by_site(
        sites, kpi.key, kpi.label, to_date_label(result), words=words(engagement)
    )


def trend_chart(result: DataAnalysis, engagement: Engagement) -> alt.Chart:
    """Headline KPI, % of target per month and site, with a clickable site legend."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_by_period
    chosen = rows[rows["measure"] == kpi.key]
    return charts.performance_trend(chosen, kpi.key, kpi.label, words(engagement))


def trend_table(result: DataAnalysis, engagement: Engagement | None = None) -> HTML:
    """Direction of travel per site, stated only where the count model is sure of it."""
    frame = result.trend.copy()
    months = pd.to_datetime(frame["last_period"]).dropna()
    last = f" ({months.max():%b %Y})" if not months.empty else ""
    frame["compared"] = [
        _trend_window(method, start, end, periods)
        for method, start, end, periods in frame[
            ["method", "window_start", "window_end", "periods"]
        ].itertuples(index=False)
    ]
    frame["change_text"] = [
        with_interval(c * 100, lo * 100, hi * 100, lambda v: f"{v:+,.0f}%")
        for c, lo, hi in frame[["change", "change_low", "change_high"]].itertuples(index=False)
    ]
    return table(
        frame,
        {
            "site_name": say("{Site}", engagement),
            "last_pct_of_target": f"Latest month{last}, % of target",
            "compared": "Compared",
            "change_text": "Change (95% interval)",
            "direction": "Direction",
        },
        {"last_pct_of_target": pct},
        caption="A direction is stated only when the 95% interval of the change excludes zero "
        "(a count model of each month's actual against its target; at least 6 complete months). "
        "With 13 months or more the latest months are compared with the same months a year "
        "earlier, so seasons are not mistaken for a trend.",
    )


def _trend_window(method: str, start: object, end: object, periods: int) -> str:
    """What a trend row compares, with its months."""
    if not method:
        return f"{periods} month(s): too few"
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if method == "change on a year earlier":
        now = last - pd.DateOffset(months=periods // 2 - 1)
        return f"{now:%b}–{last:%b %Y} against a year earlier"
    return f"per month, {first:%b %Y} to {last:%b %Y}"


def opinion_table(result: DataAnalysis) -> HTML:
    """The initial opinion, strongest first: each hypothesis, its strength, statement and key."""
    if result.hypotheses.empty:
        return callout("Initial opinion", ["The data suggests no hypothesis yet."])
    shown = table(
        with_strength(result.hypotheses),
        {
            "title": "Hypothesis",
            "strength_text": "Strength",
            "statement": "What the data shows",
            "key": "Key",
        },
        caption="Hypotheses the data suggests, strongest evidence first, to test with local "
        "knowledge (step 2) and evidence (step 4). A pattern that chance could explain is not "
        "listed.",
    )
    return with_sites_behind(shown, result)


def with_strength(hypotheses: pd.DataFrame) -> pd.DataFrame:
    """The hypotheses with their strength in words from their figures ("strong", "data check")."""
    frame = pd.DataFrame(hypotheses)
    frame["strength_text"] = [
        str(f.get("strength", "")) if isinstance(f, dict) else "" for f in frame["figures"]
    ]
    return frame
