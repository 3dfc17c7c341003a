"""Step 1 as a whole: read the extracts, run every analysis, store the results and hypotheses.

``analyse`` is pure (frames in, results out); ``save`` writes everything in one transaction per
kind; ``load`` reads the stored results back for the client report, which never recomputes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import pandas as pd

from assessment.data_analysis.comparisons import site_comparison
from assessment.data_analysis.flow import flow_by_month, flow_by_site, littles_law_check
from assessment.data_analysis.flow_plan_inputs import FlowPlan, build_flow_plan
from assessment.data_analysis.flow_plan_report import flow_plan_hypotheses
from assessment.data_analysis.incidence import Incidence, cumulative_incidence
from assessment.data_analysis.opinion import Hypothesis, hypotheses_frame, initial_opinion
from assessment.data_analysis.opinion_summary import summarised
from assessment.data_analysis.performance import (
    ALL_SITES,
    performance_by_period,
    performance_to_date,
)
from assessment.data_analysis.snapshot import SNAPSHOT_FRAME, snapshot_frame, with_periods
from assessment.data_analysis.survival import cohort_conversion, time_to_outcome
from assessment.data_analysis.trends import count_trend
from assessment.data_analysis.work_sampling import sampling_profile, value_adding_share
from assessment.engagement import Engagement
from assessment.inputs import Extracts, read_extracts
from assessment.periods import Period, engagement_month_table, periods_from
from assessment.presentation import Done
from assessment.store import Store
from assessment.terminology import words

STEP = "data_analysis"
CONTRACT_NAME = "Contract total"


@dataclass(frozen=True)
class DataAnalysis:
    """Every result of step 1; frames carry ``site_name`` beside ``site`` for display.

    ``site_comparison`` holds each site's % of target with its interval and its verdict against
    the rest of the contract; ``time_to_outcome`` the chance of an outcome over time per site
    (cumulative incidence) and ``survival`` its curves; ``flow`` carries the 12-month cohort
    conversion beside the window ratio.
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
    months: pd.DataFrame | None = None
    opinion_snapshot: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    flow_plan: pd.DataFrame | None = None
    flow_plan_months: pd.DataFrame | None = None
    flow_plan_levers: pd.DataFrame | None = None
    flow_plan_rates: pd.DataFrame | None = None
    opinion_sites: pd.DataFrame | None = None
    """Every site of a rule that holds at more than ``opinion_summary.MAX_SITES`` sites (the
    opinion names the strongest of them in one hypothesis); empty when no rule is folded."""


def read_inputs(engagement: Engagement) -> Extracts:
    """Read and check the engagement's extracts (every problem reported at once)."""
    return read_extracts(engagement)


def counted_kpi(
    engagement: Engagement, kpi: pd.DataFrame, as_of: dt.date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI rows of the months that count, and the table of every month with why it is out.

    A month the data does not cover completely, or outside the contract, would make "to date",
    the recent level, trends and baselines wrong (five days of a month read as a collapse), so
    it is flagged and left out of every figure.
    """
    months = engagement_month_table(engagement, kpi["period"], as_of)
    used = set(months.loc[months["used"], "period"])
    return kpi[kpi["period"].isin(used)].reset_index(drop=True), months


def analyse(
    engagement: Engagement, extracts: Extracts, as_of: dt.date | None = None
) -> DataAnalysis:
    """Run step 1 on validated extracts.

    Args:
        engagement: The engagement (thresholds, KPIs, sites).
        extracts: The validated extracts from ``read_inputs``.
        as_of: The run's day (default today): months not ended by then are incomplete.

    Returns:
        All results, ready to show and to store; KPI figures cover only the months that count.
    """
    lower = frozenset(k.key for k in engagement.kpis if k.better == "lower")
    settings = engagement.analysis
    headline = engagement.contract.headline_kpi
    kpi, months = counted_kpi(engagement, extracts.kpi, as_of)
    by_period = performance_by_period(kpi, lower)
    to_date = performance_to_date(kpi, lower)
    direction = count_trend(kpi, headline, months=settings.trend_months, lower_is_better=lower)
    comparison = site_comparison(
        kpi, min_volume=engagement.method.min_volume, lower_is_better=lower
    )
    flow = month = littles = timing = curves = incidence = None
    if extracts.caseload is not None:
        flow = flow_by_site(extracts.caseload)
        cohort = cohort_conversion(extracts.caseload)
        flow = flow.merge(cohort, on="site", how="left")
        month = flow_by_month(extracts.caseload)
        littles = littles_law_check(extracts.caseload, settings.littles_tolerance)
        # One estimate of the chance of an outcome for the time-to-outcome table and the plan.
        incidence = cumulative_incidence(extracts.caseload)
        timing, curves = time_to_outcome(extracts.caseload, estimate=incidence)
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
        plan = flow_plan(engagement, kpi, extracts.caseload, flow, month, value, incidence)
    study = study_label(extracts.work_sampling, engagement)
    periods = periods_from(months, settings.recent_months)
    caseload = _months_of(month)
    found = opinion(engagement, comparison, flow, value, littles, study)
    if plan is not None:
        label = engagement.kpi(headline).label
        found += flow_plan_hypotheses(
            plan, engagement.site_names(), label, headline, engagement, limit=None
        )
    found, sites_behind = summarised(engagement, found)
    hypotheses = with_periods(
        hypotheses_frame(found),
        periods.to_date if periods else None,
        caseload,
    )
    baseline_kpi, baseline = _baseline(kpi, extracts.kpi.attrs.get("first_extract_to"))
    baseline_comparison = site_comparison(
        baseline_kpi, min_volume=engagement.method.min_volume, lower_is_better=lower
    )
    first_opinion = opinion(engagement, baseline_comparison, flow, value, littles, study)
    formed = with_periods(
        hypotheses_frame(summarised(engagement, first_opinion)[0]),
        baseline,
        caseload,
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
        "opinion_sites": sites_behind,
    }
    # a work-sampling study is its sites and days, never "the contract"
    study_names = names | ({ALL_SITES: study} if study else {})
    named = {
        k: _with_site_names(v, study_names if k.startswith(("sampling", "value")) else names)
        for k, v in frames.items()
    }
    return DataAnalysis(
        **named,
        hypotheses=hypotheses,
        months=months,
        sources=sources_frame(extracts),
        opinion_snapshot=snapshot_frame(formed, baseline, as_of or dt.date.today()),
    )


def sources_frame(extracts: Extracts) -> pd.DataFrame:
    """The first and last day each extract with dates covers, so every figure can name them."""
    rows = []
    if extracts.caseload is not None:
        dates = extracts.caseload["referral_date"].dropna()
        rows.append(("caseload", dates.min(), dates.max()))
    if extracts.work_sampling is not None:
        seen = extracts.work_sampling["observed_at"].dropna()
        rows.append(("work_sampling", seen.min(), seen.max()))
    frame = pd.DataFrame(rows, columns=["source", "first", "last"])
    for column in ("first", "last"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _months_of(frame: pd.DataFrame | None) -> Period | None:
    """The months a monthly frame covers (the caseload's flow by month), None without one."""
    if frame is None or frame.empty:
        return None
    return Period(pd.Timestamp(frame["period"].min()), pd.Timestamp(frame["period"].max()))


def _baseline(kpi: pd.DataFrame, first_to: object) -> tuple[pd.DataFrame, Period | None]:
    """The counted KPI months the initial opinion is formed on: those of the first extract."""
    rows = kpi if first_to is None else kpi[kpi["period"] <= pd.Timestamp(first_to)]
    if rows.empty:
        rows = kpi
    if rows.empty:
        return rows, None
    return rows, Period(pd.Timestamp(rows["period"].min()), pd.Timestamp(rows["period"].max()))


def flow_plan(
    engagement: Engagement,
    kpi: pd.DataFrame,
    caseload: pd.DataFrame,
    flow: pd.DataFrame,
    month: pd.DataFrame | None,
    value: pd.DataFrame | None,
    incidence: Incidence | None = None,
) -> FlowPlan | None:
    """The flow plan to the contract end, from the sites' own rates (None past the end).

    Args:
        engagement: The engagement (targets, contract end, staff, maximum caseload).
        kpi: The KPI months that count (complete months only).
        caseload: The validated caseload (the rates are measured on it).
        flow: ``flow_by_site`` output.
        month: ``flow_by_month`` output.
        value: ``value_adding_share`` output, or None.
        incidence: The chance of an outcome over time (``cumulative_incidence(caseload)``), the
            estimate the time-to-outcome table shows; computed here when not given.
    """
    return build_flow_plan(
        caseload,
        kpi,
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
        incidence=incidence,
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
    study: str | None = None,
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
        words=words(engagement),
        study=study,
    )


def study_label(observations: pd.DataFrame | None, engagement: Engagement) -> str | None:
    """What a work-sampling study covers: "Study: Riverside Clinic, 01-03 Oct 2025".

    The sites observed (all of them named when fewer than the contract's) and the first and
    last day; None without a study.
    """
    if observations is None or observations.empty:
        return None
    names = engagement.site_names()
    seen = set(observations["site"].unique())  # once, not once per site
    observed = [names[s] for s in names if s in seen]
    sites = (
        f"all {len(names)} {words(engagement).sites}"
        if len(observed) == len(names) and len(names) > 2
        else " and ".join(observed)
    )
    first, last = observations["observed_at"].min(), observations["observed_at"].max()
    if first.date() == last.date():
        days = f"{first:%d %b %Y}"
    elif (first.year, first.month) == (last.year, last.month):
        days = f"{first:%d}–{last:%d %b %Y}"
    else:
        days = f"{first:%d %b %Y} to {last:%d %b %Y}"
    return f"Study: {sites}, {days}"


def _site_names(engagement: Engagement) -> dict[str, str]:
    return engagement.site_names() | {ALL_SITES: CONTRACT_NAME}


def _with_site_names(frame: pd.DataFrame | None, names: dict[str, str]) -> pd.DataFrame | None:
    if frame is None or "site" not in frame:
        return frame
    out = frame.copy(deep=False)  # copy-on-write: the new column never touches the original
    position = out.columns.get_loc("site") + 1
    out.insert(position, "site_name", out["site"].map(names).fillna(out["site"]))
    return out


def save(engagement: Engagement, result: DataAnalysis, reform_opinion: bool = False) -> Done:
    """Store step 1's results and hypotheses in the engagement's workbook store.

    Hypotheses are synchronised by their stable keys, so annotations made in later steps stay
    attached to them through any number of re-runs. The initial opinion is frozen the first time
    (or when the consultant re-forms it on purpose, ``reform_opinion``), never silently after.

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
        if store.has_frame(SNAPSHOT_FRAME) and not reform_opinion:
            frames.pop(SNAPSHOT_FRAME, None)
        store.put_frames(STEP, frames)
        store.sync_hypotheses(STEP, records)
    return Done(
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


def freeze_opinion(engagement: Engagement, as_of: dt.date | None = None) -> str:
    """Form the initial opinion again on the data that counts now, and freeze it (step 1 done).

    The consultant marks step 1 done when the opinion the scope will be agreed on is settled:
    from then on later runs show it as "then" beside "now" and never rewrite it.

    Returns:
        One sentence: how many hypotheses were frozen, on which months.
    """
    result = analyse(engagement, read_inputs(engagement), as_of)
    found = periods_from(result.months, engagement.analysis.recent_months)
    period = found.to_date if found is not None else None
    frame = snapshot_frame(result.hypotheses, period, as_of or dt.date.today())
    with Store(engagement.store_path) as store:
        store.put_frames(STEP, {SNAPSHOT_FRAME: frame})
    months = period.label() if period is not None else "no complete month"
    return f"Initial opinion frozen: {len(frame)} hypotheses on the data of {months}."
