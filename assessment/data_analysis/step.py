"""Step 1 as a whole: read the extracts, run every analysis, store the results and hypotheses.

``analyse`` is pure (frames in, results out); ``save`` writes everything in one transaction per
kind; ``load`` reads the stored results back for the client report, which never recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from assessment.data_analysis.comparisons import site_comparison
from assessment.data_analysis.flow import flow_by_month, flow_by_site, littles_law_check
from assessment.data_analysis.flow_plan_inputs import FlowPlan, build_flow_plan
from assessment.data_analysis.flow_plan_report import flow_plan_hypotheses
from assessment.data_analysis.opinion import (
    Hypothesis,
    hypotheses_frame,
    initial_opinion,
    rank_by_strength,
)
from assessment.data_analysis.performance import (
    ALL_SITES,
    performance_by_period,
    performance_to_date,
)
from assessment.data_analysis.survival import cohort_conversion, time_to_outcome
from assessment.data_analysis.trends import count_trend
from assessment.data_analysis.work_sampling import sampling_profile, value_adding_share
from assessment.engagement import Engagement
from assessment.inputs import Extracts, read_extracts
from assessment.store import Store

STEP = "data_analysis"
CONTRACT_NAME = "Contract total"


@dataclass(frozen=True)
class DataAnalysis:
    """Every result of step 1; frames carry ``site_name`` beside ``site`` for display.

    ``site_comparison`` holds each site's % of target with its interval and its verdict against
    the rest of the contract; ``time_to_outcome`` the Kaplan–Meier summary per site and
    ``survival`` its curves; ``flow`` carries the 12-month cohort conversion beside the window
    ratio.
    """

    performance_by_period: pd.DataFrame
    performance_to_date: pd.DataFrame
    trend: pd.DataFrame
    flow: pd.DataFrame | None
    flow_by_month: pd.DataFrame | None
    littles_law: pd.DataFrame | None
    sampling_by_site: pd.DataFrame | None
    sampling_by_role: pd.DataFrame | None
    value_adding: pd.DataFrame | None
    hypotheses: pd.DataFrame
    site_comparison: pd.DataFrame | None = None
    time_to_outcome: pd.DataFrame | None = None
    survival: pd.DataFrame | None = None
    flow_plan: pd.DataFrame | None = None
    flow_plan_months: pd.DataFrame | None = None
    flow_plan_levers: pd.DataFrame | None = None
    flow_plan_rates: pd.DataFrame | None = None


def read_inputs(engagement: Engagement) -> Extracts:
    """Read and check the engagement's extracts (every problem reported at once)."""
    return read_extracts(engagement)


def analyse(engagement: Engagement, extracts: Extracts) -> DataAnalysis:
    """Run step 1 on validated extracts.

    Args:
        engagement: The engagement (thresholds, KPIs, sites).
        extracts: The validated extracts from ``read_inputs``.

    Returns:
        All results, ready to show and to store.
    """
    lower = frozenset(k.key for k in engagement.kpis if k.better == "lower")
    settings = engagement.analysis
    headline = engagement.contract.headline_kpi
    by_period = performance_by_period(extracts.kpi, lower)
    to_date = performance_to_date(extracts.kpi, lower)
    direction = count_trend(
        extracts.kpi, headline, months=settings.trend_months, lower_is_better=lower
    )
    comparison = site_comparison(
        extracts.kpi, min_volume=engagement.method.min_volume, lower_is_better=lower
    )
    flow = month = littles = timing = curves = None
    if extracts.caseload is not None:
        flow = flow_by_site(extracts.caseload)
        cohort = cohort_conversion(extracts.caseload)
        flow = flow.merge(cohort, on="site", how="left")
        month = flow_by_month(extracts.caseload)
        littles = littles_law_check(extracts.caseload, settings.littles_tolerance)
        timing, curves = time_to_outcome(extracts.caseload)
    by_site = by_role = value = None
    if extracts.work_sampling is not None:
        obs = extracts.work_sampling
        by_site = sampling_profile(obs, by=("site",))
        by_role = sampling_profile(obs, by=("site", "role"))
        value = value_adding_share(
            obs,
            precision=settings.sampling_precision,
            relative_precision=settings.sampling_relative_precision,
            staff={s.key: s.staff for s in engagement.sites if s.staff is not None},
        )
    plan = None
    if extracts.caseload is not None and flow is not None:
        plan = flow_plan(engagement, extracts, flow, month, value)
    hypotheses = opinion(engagement, comparison, flow, value, littles)
    if plan is not None:
        names_ = engagement.site_names()
        label = engagement.kpi(headline).label
        hypotheses = rank_by_strength(
            [*hypotheses, *flow_plan_hypotheses(plan, names_, label, headline)]
        )
    names = _site_names(engagement)
    frames = {
        "performance_by_period": by_period,
        "performance_to_date": to_date,
        "trend": direction,
        "flow": flow,
        "flow_by_month": month,
        "littles_law": littles,
        "sampling_by_site": by_site,
        "sampling_by_role": by_role,
        "value_adding": value,
        "site_comparison": comparison,
        "time_to_outcome": timing,
        "survival": curves,
        "flow_plan": None if plan is None else plan.summary,
        "flow_plan_months": None if plan is None else plan.months,
        "flow_plan_levers": None if plan is None else plan.levers,
        "flow_plan_rates": None if plan is None else plan.rates,
    }
    named = {k: _with_site_names(v, names) for k, v in frames.items()}
    return DataAnalysis(**named, hypotheses=hypotheses_frame(hypotheses))


def flow_plan(
    engagement: Engagement,
    extracts: Extracts,
    flow: pd.DataFrame,
    month: pd.DataFrame | None,
    value: pd.DataFrame | None,
) -> FlowPlan | None:
    """The flow plan to the contract end, from the sites' own rates (None past the end)."""
    if extracts.caseload is None:
        return None
    return build_flow_plan(
        extracts.caseload,
        extracts.kpi,
        flow,
        month,
        headline_kpi=engagement.contract.headline_kpi,
        future_targets=monthly_targets(engagement, engagement.contract.headline_kpi),
        contract_end=pd.Timestamp(engagement.contract.end),
        staff={s.key: s.staff for s in engagement.sites if s.staff is not None},
        value_adding=value,
        max_caseload=engagement.method.max_caseload_per_adviser,
        customer_time_goal=engagement.analysis.customer_time_goal,
        min_volume=engagement.method.min_volume,
    )


def monthly_targets(engagement: Engagement, kpi_key: str) -> dict[str, float]:
    """Each site's monthly target for a KPI from engagement.yaml (as the extract's blanks take)."""
    kpi, contract = engagement.kpi(kpi_key), engagement.contract
    months = max(
        1,
        (contract.end.year - contract.start.year) * 12
        + contract.end.month
        - contract.start.month
        + 1,
    )
    fallback = kpi.target_per_period
    if fallback is None and kpi.target_total is not None:
        fallback = kpi.target_total / months / len(engagement.sites)
    targets = {s.key: kpi.site_targets.get(s.key, fallback) for s in engagement.sites}
    return {site: float(t) for site, t in targets.items() if t is not None}


def opinion(
    engagement: Engagement,
    comparison: pd.DataFrame,
    flow: pd.DataFrame | None,
    value: pd.DataFrame | None,
    littles: pd.DataFrame | None,
) -> list[Hypothesis]:
    """The initial opinion: hypotheses the data suggests, with the engagement's thresholds."""
    s = engagement.analysis
    return initial_opinion(
        comparison,
        flow,
        value,
        headline_kpi=engagement.contract.headline_kpi,
        site_names=engagement.site_names(),
        kpi_labels=engagement.kpi_labels(),
        littles=littles,
        underperformance_pct=s.underperformance_pct,
        conversion_ratio=s.conversion_ratio,
        spread_pp=s.spread_pp,
        value_adding_floor=s.value_adding_floor,
        min_volume=engagement.method.min_volume,
    )


def _site_names(engagement: Engagement) -> dict[str, str]:
    return engagement.site_names() | {ALL_SITES: CONTRACT_NAME}


def _with_site_names(frame: pd.DataFrame | None, names: dict[str, str]) -> pd.DataFrame | None:
    if frame is None or "site" not in frame:
        return frame
    out = frame.copy()
    position = out.columns.get_loc("site") + 1
    out.insert(position, "site_name", out["site"].map(names).fillna(out["site"]))
    return out


def save(engagement: Engagement, result: DataAnalysis) -> str:
    """Store step 1's results and hypotheses in the engagement's workbook store.

    Hypotheses are synchronised by their stable keys, so annotations made in later steps stay
    attached to them through any number of re-runs.

    Returns:
        One sentence saying what was stored where.
    """
    frames = {
        f"{STEP}.{f.name}": getattr(result, f.name)
        for f in fields(result)
        if f.name != "hypotheses" and getattr(result, f.name) is not None
    }
    records = result.hypotheses.to_dict(orient="records")
    with Store(engagement.store_path) as store:
        store.put_frames(STEP, frames)
        store.sync_hypotheses(STEP, records)
    return (
        f"Stored {len(frames)} result tables and {len(records)} hypotheses in "
        f"{engagement.store_path.name}."
    )


def load(engagement: Engagement) -> DataAnalysis:
    """Read step 1's stored results (for the report, which never recomputes them).

    Raises:
        KeyError: Step 1 has not been run for this engagement.
    """
    with Store(engagement.store_path) as store:
        values = {}
        for f in fields(DataAnalysis):
            if f.name == "hypotheses":
                continue
            name = f"{STEP}.{f.name}"
            values[f.name] = store.frame(name) if store.has_frame(name) else None
        if values["performance_to_date"] is None:
            raise KeyError(f"step 1 has not been run for {engagement.root}: run it first")
        hypotheses = store.hypotheses()
    return DataAnalysis(**values, hypotheses=hypotheses[hypotheses["kind"].notna()])
