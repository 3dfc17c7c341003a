"""What step 1 shows of work sampling: how staff time is spent, with its interval and n."""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.data_analysis import work_sampling_charts
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.step import DataAnalysis
from assessment.data_analysis.views import with_interval
from assessment.engagement import Engagement
from assessment.presentation import number, share, table
from assessment.terminology import say, words


def sampling_charts(result: DataAnalysis, engagement: Engagement | None = None) -> list[alt.Chart]:
    """How staff time is spent per site, and the value-adding share with its 95% interval."""
    if result.sampling_by_site is None or result.value_adding is None:
        return []
    by_site = result.sampling_by_site[result.sampling_by_site["site"] != ALL_SITES]
    w = words(engagement)
    return [
        work_sampling_charts.work_sampling_profile(by_site, w),
        work_sampling_charts.value_adding_with_ci(result.value_adding, w),
    ]


def sampling_table(result: DataAnalysis, engagement: Engagement | None = None) -> HTML | None:
    """Share of observed time spent with the people served per site, with interval and n."""
    if result.value_adding is None:
        return None
    frame = result.value_adding.copy()
    frame["share_text"] = [
        with_interval(v, lo, hi, share)
        for v, lo, hi in frame[["share", "ci_low", "ci_high"]].itertuples(index=False)
    ]
    columns = {
        "site_name": say("{Site}", engagement),
        "n": "Observations",
        "value_adding": say("With the {customer}", engagement),
        "share_text": "Share (95% interval)",
    }
    formats = {"n": number, "value_adding": number, "required_n": number}
    if "design_effect" in frame:
        columns |= {"design_effect": "Design effect of rounds"}
        columns |= {"required_n_relative": "Needed for ±20% of the share"}
        formats |= {"design_effect": lambda v: number(v, 2), "required_n_relative": number}
    columns |= {"required_n": "Needed for ±3 pp", "sufficient": "Enough?"}
    formats["sufficient"] = lambda v: "yes" if v else "more needed"
    overall = frame[frame["site"] == ALL_SITES]
    weighting = str(overall["weighting"].iloc[0]) if "weighting" in frame and len(overall) else ""
    return table(
        frame,
        columns,
        formats,
        caption=say(
            "Work sampling: share of observed staff time spent on value-adding {customer} "
            f"work{_observed(result)}. Observations taken in rounds (several staff at one "
            "moment) are alike, so the interval and the sample sizes count them at their design "
            "effect." + (f" Overall: {weighting}." if weighting else ""),
            engagement,
        ),
    )


def _observed(result: DataAnalysis) -> str:
    """' (observed 3 Mar–28 Mar 2025)', from the stored extract dates; '' without them."""
    sources = result.sources
    if sources is None or "work_sampling" not in set(sources["source"]):
        return ""
    row = sources[sources["source"] == "work_sampling"].iloc[0]
    first, last = pd.Timestamp(row["first"]), pd.Timestamp(row["last"])
    return f", observed {first:%d %b %Y} to {last:%d %b %Y}"
