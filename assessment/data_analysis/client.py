"""Step 1 in the client report: where the contract stands and the initial opinion.

The report also shows step 1's charts and tables through the same :mod:`.views` as the
notebook (they carry no internal detail); what only the client sees is here.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from assessment.data_analysis.opinion_views import with_sites_behind
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.snapshot import then_and_now
from assessment.data_analysis.step import DataAnalysis
from assessment.data_analysis.views import littles_law_table, to_date_label, with_strength
from assessment.engagement import Engagement
from assessment.presentation import callout, section_heading, table
from assessment.summary import ContractStanding


def contract_standing(result: DataAnalysis, engagement: Engagement) -> ContractStanding:
    """Where the contract stands on its headline KPI: the figures of the executive summary."""
    kpi = engagement.kpi(engagement.contract.headline_kpi)
    rows = result.performance_to_date[result.performance_to_date["measure"] == kpi.key]
    total = rows[rows["site"] == ALL_SITES].iloc[0]
    sites = rows[rows["site"] != ALL_SITES].sort_values("pct_of_target", ascending=False)
    best, worst = sites.iloc[0], sites.iloc[-1]
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
        sites_above=sites.loc[sites["pct_of_target"] >= 100, "site_name"].astype(str).tolist(),
    )


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
    formed = pd.Timestamp(str(snapshot["formed_on"].iloc[0]))
    shown = table(
        then_and_now(snapshot, hypotheses),
        {"title": "Hypothesis", "then": f"Then: {then}", "now": f"Now: {now}"},
        caption=f"The initial opinion as formed on {formed:%d %B %Y} on the data of {then}, "
        f"kept as it was; beside it, what the data of {now} says.",
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
