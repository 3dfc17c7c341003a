"""Step 1 in the client report: where the contract stands and the initial opinion.

The report also shows step 1's charts and tables through the same :mod:`.views` as the
notebook (they carry no internal detail); what only the client sees is here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import HTML

from assessment.data_analysis.comparisons import AHEAD, BEHIND
from assessment.data_analysis.flow_views import littles_law_table
from assessment.data_analysis.opinion_views import with_sites_behind
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.snapshot import then_and_now
from assessment.data_analysis.step import DataAnalysis
from assessment.data_analysis.views import to_date_label, with_strength
from assessment.engagement import Engagement
from assessment.presentation import callout, section_heading, table
from assessment.summary import ContractStanding


def contract_standing(result: DataAnalysis, engagement: Engagement) -> ContractStanding:
    """Where the contract stands on its headline KPI: the figures of the executive summary."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date[result.performance_to_date["measure"] == kpi.key]
    total = rows[rows["site"] == ALL_SITES].iloc[0]
    sites = rows[rows["site"] != ALL_SITES].sort_values(["pct_of_target", "site"], ascending=False)
    sites = _with_verdicts(sites, result.site_comparison, kpi.key)
    best, best_ahead = _end_site(sites, AHEAD, top=True)
    worst, worst_behind = _end_site(sites, BEHIND, top=False)
    return ContractStanding(
        period=to_date_label(result, engagement),
        kpi_label=kpi.label,
        actual=float(total["actual"]),
        target=float(total["target"]),
        pct_of_contract=float(total["pct_of_target"]),
        best_site=str(best["site_name"]),
        best_pct=float(best["pct_of_target"]),
        worst_site=str(worst["site_name"]),
        worst_pct=float(worst["pct_of_target"]),
        best_low=_known(best["pct_low"]),
        best_high=_known(best["pct_high"]),
        best_ahead=best_ahead,
        worst_low=_known(worst["pct_low"]),
        worst_high=_known(worst["pct_high"]),
        worst_behind=worst_behind,
        sites_above=sites.loc[sites["pct_of_target"] >= 100, "site_name"].astype(str).tolist(),
    )


def _with_verdicts(
    sites: pd.DataFrame, comparison: pd.DataFrame | None, measure: str
) -> pd.DataFrame:
    """The sites' rows with their interval and verdict against the rest (``site_comparison``)."""
    columns = ["pct_low", "pct_high", "verdict"]
    if comparison is None or comparison.empty:
        return sites.assign(pct_low=np.nan, pct_high=np.nan, verdict="")
    rows = comparison[comparison["measure"] == measure].set_index("site")[columns]
    return sites.join(rows, on="site")


def _end_site(sites: pd.DataFrame, verdict: str, *, top: bool) -> tuple[pd.Series, bool]:
    """The site at the top (or bottom) of the summary, and whether the difference is real.

    The one rule for the summary's tiles: among the sites the comparison calls ``verdict``
    ("ahead" or "behind" the rest of the contract, corrected for the sites compared), the one
    furthest that way; when none is, simply the highest (or lowest), not called "furthest".
    ``sites`` are in descending order of % of target.
    """
    ordered = sites if top else sites.iloc[::-1]
    real = ordered[ordered["verdict"] == verdict]
    return (real.iloc[0], True) if len(real) else (ordered.iloc[0], False)


def _known(value: object) -> float | None:
    return float(value) if pd.notna(value) else None


MATERIAL_RATIO = 1.5
"""A data check is material to the opinion when the figures are off by more than half (the
caseload over 1.5 times, or under 1/1.5 of, what throughput and time in service imply); below
that it belongs in the data-quality appendix only (ramp-up months alone move it that much)."""


def _material(hypotheses: pd.DataFrame) -> pd.Series:
    """Which hypotheses belong in the client's opinion: all but immaterial data checks."""
    checks = hypotheses["kind"] == "data-quality"
    ratio = hypotheses["figures"].map(lambda f: f.get("ratio") if isinstance(f, dict) else None)
    ratio = pd.to_numeric(ratio, errors="coerce")
    material = (ratio > MATERIAL_RATIO) | (ratio < 1 / MATERIAL_RATIO)
    return ~checks | material.fillna(False)


def opinion_for_client(result: DataAnalysis) -> HTML:
    """The initial opinion as formed, beside what today's data says (no internal keys).

    The opinion the scope was agreed on is frozen with its period; it is never rewritten. Data
    checks reach it only when material; all of them are in the data-quality appendix.
    """
    hypotheses = result.hypotheses
    if not hypotheses.empty:
        hypotheses = hypotheses[_material(hypotheses)]
    snapshot = result.opinion_snapshot
    if snapshot is not None and not snapshot.empty:
        checks = snapshot["key"].astype(str).str.startswith("data-quality:")
        snapshot = snapshot[~checks | snapshot["key"].isin(set(hypotheses.get("key", [])))]
    if snapshot is None or snapshot.empty:
        if hypotheses.empty:
            return callout("Initial opinion", ["The data suggests no hypothesis yet."])
        shown = table(
            with_strength(hypotheses),
            {
                "title": "Hypothesis",
                "strength_text": "Strength",
                "statement": "What the data shows",
            },
        )
        return with_sites_behind(shown, result)
    then = str(snapshot["period"].iloc[0]) or "the first extract"
    now = to_date_label(result)
    # named by its data, not by the day a run stored it: a re-run demo (or a store rebuilt)
    # would date the opinion after the scope and the plan that were agreed on it
    shown = table(
        then_and_now(snapshot, hypotheses),
        {"title": "Hypothesis", "then": f"Then: {then}", "now": f"Now: {now}"},
        caption=f"The initial opinion as formed on the data of {then}, kept as it was; beside "
        f"it, what the data of {now} says.",
    )
    return with_sites_behind(shown, result)


def data_quality_for_client(result: DataAnalysis, engagement: Engagement) -> list[HTML]:
    """The appendix of data checks (Little's law), or nothing when no check is flagged."""
    hypotheses = result.hypotheses
    checks = hypotheses[hypotheses["kind"] == "data-quality"] if not hypotheses.empty else None
    if checks is None or checks.empty:
        return []
    intro = (
        f"{section_heading('Appendix: data quality')}<p>Checks of the extracts themselves. "
        "A caseload that "
        "does not add up (Little's law: caseload = starts × time in service) usually means "
        "missing dates in the extract, or months of ramp-up; the figures above are as the "
        "extract gives them.</p>"
    )
    shown: list[HTML] = [
        HTML(intro),
        table(checks, {"title": "Check", "statement": "What the data show"}),
    ]
    littles = littles_law_table(result, engagement)
    return [*shown, littles] if littles is not None else shown
