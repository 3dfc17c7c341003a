"""The table of sites behind a folded hypothesis (a rule that holds at many sites)."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from assessment.data_analysis.step import DataAnalysis
from assessment.presentation import table


def sites_behind_opinion(result: DataAnalysis) -> HTML | None:
    """Every site of each rule the opinion folds, strongest first; None when none is folded.

    The folded hypothesis names its strongest sites; this table is the rest of its evidence, so
    a client can find their own site and a consultant can test any of them in step 2.
    """
    sites = result.opinion_sites
    if sites is None or sites.empty:
        return None
    titles = result.hypotheses.set_index("key")["title"] if not result.hypotheses.empty else None
    frame = pd.DataFrame(sites)
    frame["hypothesis"] = (
        frame["rule"].map(titles).fillna(frame["rule"]) if titles is not None else frame["rule"]
    )
    name = frame["site_name"] if "site_name" in frame else frame["site"]
    frame["site_shown"] = name.fillna(frame["site"])
    frame["rank_shown"] = frame["rank"].map(lambda r: f"{int(r)}")
    return table(
        frame,
        {
            "hypothesis": "Hypothesis",
            "rank_shown": "Rank",
            "site_shown": "Site",
            "figure": "Figure",
            "strength": "Strength",
        },
        caption="The sites behind each hypothesis that holds at many sites, strongest evidence "
        "first: the hypothesis names the first few.",
        kind="aw-opinion-sites",
    )


def with_sites_behind(shown: HTML, result: DataAnalysis) -> HTML:
    """``shown`` (the opinion), followed by the table of sites behind it when there is one."""
    sites = sites_behind_opinion(result)
    return shown if sites is None else HTML(f"{shown.data}{sites.data}")
