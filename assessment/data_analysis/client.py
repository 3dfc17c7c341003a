"""Step 1 in the client report: where the contract stands and the initial opinion.

The report also shows step 1's charts and tables through the same :mod:`.views` as the
notebook (they carry no internal detail); what only the client sees is here.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.snapshot import then_and_now
from assessment.data_analysis.step import DataAnalysis
from assessment.data_analysis.views import to_date_label
from assessment.engagement import Engagement
from assessment.presentation import callout, table
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


def opinion_for_client(result: DataAnalysis) -> HTML:
    """The initial opinion as formed, beside what today's data says (no internal keys).

    The opinion the scope was agreed on is frozen with its period; it is never rewritten.
    """
    snapshot = result.opinion_snapshot
    if snapshot is None or snapshot.empty:
        if result.hypotheses.empty:
            return callout("Initial opinion", ["The data suggests no hypothesis yet."])
        frame = pd.DataFrame(result.hypotheses)
        return table(frame, {"title": "Hypothesis", "statement": "What the data shows"})
    then = str(snapshot["period"].iloc[0]) or "the first extract"
    now = to_date_label(result)
    formed = pd.Timestamp(str(snapshot["formed_on"].iloc[0]))
    return table(
        then_and_now(snapshot, result.hypotheses),
        {"title": "Hypothesis", "then": f"Then: {then}", "now": f"Now: {now}"},
        caption=f"The initial opinion as formed on {formed:%d %B %Y} on the data of {then}, "
        f"kept as it was; beside it, what the data of {now} says.",
    )
