"""The flow plan's inputs (rates, grid), its levers, its hypothesis, and the Northshore demo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assessment import data_analysis as step1
from assessment.data_analysis import flow_plan as fp
from assessment.data_analysis import flow_plan_inputs as fpi
from assessment.data_analysis.flow import flow_by_site
from assessment.data_analysis.flow_plan_report import (
    enough_starts_p,
    flow_plan_hypotheses,
    monthly_shortfall,
    period_words,
)
from assessment.engagement import load_engagement

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "northshore"
NaT = pd.NaT


def _caseload() -> pd.DataFrame:
    """Ten starters at one site, referred 14 days before starting on 1 Jan 2025.

    Four get an outcome 61 days after starting; four leave on day 30 without one; two are still
    waiting on 31 Jan 2026, the end of the data.
    """
    start = pd.Timestamp("2025-01-01")
    outcome = [start + pd.Timedelta(days=61)] * 4 + [NaT] * 6
    exit_ = [start + pd.Timedelta(days=200)] * 4 + [start + pd.Timedelta(days=30)] * 4 + [NaT] * 2
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)],
            "site": "a",
            "referral_date": start - pd.Timedelta(days=14),
            "start_date": start,
            "outcome_date": pd.to_datetime(outcome),
            "exit_date": pd.to_datetime(exit_),
        }
    )
    # One referral that never started, and the last day of the data.
    late = {"customer_id": "z", "site": "a", "referral_date": pd.Timestamp("2026-01-31")}
    return pd.concat([frame, pd.DataFrame([late])], ignore_index=True)


def test_rates_count_leaving_without_an_outcome_as_no_outcome() -> None:
    caseload = _caseload()
    rates = fpi.plan_rates(caseload, flow_by_site(caseload), {"a": 2}).iloc[0]
    # 4 of 10 starters convert: those who left are not "still waiting" (that would give 4/6).
    assert rates["outcome_rate"] == pytest.approx(0.4)
    assert rates["outcome_lag"] == 2  # 61 days is two months
    assert rates["referral_lag"] == 0  # 14 days rounds to no whole month
    assert rates["start_rate"] == pytest.approx(10 / 11)
    assert rates["staff"] == 2.0
    assert np.isnan(rates["customer_share"])


def test_grid_takes_extract_targets_then_the_contracts_and_starts_after_the_data() -> None:
    on_flow = pd.DataFrame(
        {
            "site": ["a", "a"],
            "period": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "referrals": [20.0, 22.0],
            "starts": [10.0, 11.0],
        }
    )
    targets = pd.DataFrame(
        {"site": ["a"], "period": pd.to_datetime(["2026-02-01"]), "target": [7.0]}
    )
    grid = fpi.plan_grid(["a"], on_flow, targets, {"a": 5.0}, pd.Timestamp("2026-04-30"))
    assert list(grid.months.strftime("%Y-%m")) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert grid.now == 2
    assert grid.targets.tolist() == [[5.0, 7.0, 5.0, 5.0]]
    assert grid.starts[0, :2].tolist() == [10.0, 11.0]
    assert np.isnan(grid.starts[0, 2:]).all()


def _two_sites(outcomes_b: float, starts_b: float) -> tuple[fp.Grid, pd.DataFrame, pd.DataFrame]:
    months = pd.date_range("2026-01-01", periods=6, freq="MS")
    history = np.array([[100.0] * 3 + [np.nan] * 3, [starts_b / 12] * 3 + [np.nan] * 3])
    grid = fp.Grid(["a", "b"], months, 3, np.full((2, 6), 10.0), history, history * 2)
    rates = pd.DataFrame(
        {
            "site": ["a", "b"],
            "start_rate": [0.5, 0.5],
            "referral_lag": [0, 0],
            "outcome_rate": [0.1, outcomes_b / starts_b],
            "outcome_low": [0.09, outcomes_b / starts_b - 0.05],
            "outcome_high": [0.11, outcomes_b / starts_b + 0.05],
            "outcome_lag": [2, 2],
            "days_in_service": [fp.DAYS_PER_MONTH * 3] * 2,
            "staff": [5.0, 5.0],
            "customer_share": [0.1, 0.1],
        }
    )
    flow = pd.DataFrame(
        {"site": ["a", "b"], "starts": [1200.0, starts_b], "outcomes": [120.0, outcomes_b]}
    )
    return grid, rates, flow


def test_conversion_lever_raises_a_site_to_the_benchmark_when_the_difference_is_real() -> None:
    grid, rates, flow = _two_sites(outcomes_b=100, starts_b=250)  # 40% against 10%
    levers = fpi.plan_levers(grid, rates, flow, min_volume=30).set_index("site")
    assert levers.loc["a", "benchmark"] == "b"
    assert levers.loc["a", "conversion_real"]
    # 10 outcomes a month: 100 starts at 10%, 25 at the benchmark's 40%: 75 a month saved.
    assert levers.loc["a", "needed_starts"] == pytest.approx(100.0)
    assert levers.loc["a", "starts_saved_by_conversion"] == pytest.approx(75.0)
    assert levers.loc["b", "starts_saved_by_conversion"] == 0.0


def test_no_conversion_lever_when_the_benchmark_is_within_chance() -> None:
    grid, rates, flow = _two_sites(outcomes_b=5, starts_b=40)  # 12.5% of 40: noise
    levers = fpi.plan_levers(grid, rates, flow, min_volume=30).set_index("site")
    assert levers.loc["a", "benchmark"] == "b"
    assert not levers.loc["a", "conversion_real"]
    assert levers.loc["a", "starts_saved_by_conversion"] == 0.0


def test_timing_lever_one_month_sooner() -> None:
    grid, rates, flow = _two_sites(outcomes_b=100, starts_b=250)
    levers = fpi.plan_levers(grid, rates, flow).set_index("site")
    # Site a: Apr–Jun target 30; Apr and May come from Feb, Mar starts (10 each); only April's
    # starts convert by June: (30 - 20) / 0.1 = 100. A month sooner, May, Jun come from Mar
    # (10) and Apr–May starts: (30 - 10) / 0.1 / 2 = 100 a month: no start saved, but a month
    # of the plan's starts less in the caseload.
    assert levers.loc["a", "catch_up_starts"] == pytest.approx(100.0)
    assert levers.loc["a", "catch_up_if_shorter"] == pytest.approx(100.0)
    assert levers.loc["a", "caseload_saved_by_timing"] == pytest.approx(100.0)


def test_flow_gap_hypothesis_for_the_short_site_only() -> None:
    grid, rates, _ = _two_sites(outcomes_b=120, starts_b=144)  # b: 12 starts a month at 83%
    plan = fpi.FlowPlan(
        rates, fp.plan_months(grid, rates), fp.plan_summary(grid, rates), pd.DataFrame()
    )
    names = {"a": "Alder Street", "b": "Birch Lane"}
    hyps = flow_plan_hypotheses(plan, names, "Job outcomes", "job_outcomes")
    # a starts 100 a month but needs 10 / 10% = 100: on track. Make it start 50 instead.
    assert hyps == []
    grid.starts[0, :3] = 50.0
    plan = fpi.FlowPlan(
        rates, fp.plan_months(grid, rates), fp.plan_summary(grid, rates), pd.DataFrame()
    )
    (hyp,) = flow_plan_hypotheses(plan, names, "Job outcomes", "job_outcomes")
    assert hyp.key == "flow-gap:a"
    assert hyp.statement.startswith(
        "Alder Street starts 50 customers a month (January to March 2026); to reach its target "
        "of 30 job outcomes over April to June 2026 it needs 100 a month"
    )
    assert hyp.figures["starts_short"] == 50.0


def test_enough_starts_p_is_small_only_when_the_needed_rate_is_far_above_the_interval() -> None:
    assert enough_starts_p(0.10, 0.09, 0.11, 0.30) < 1e-6
    assert enough_starts_p(0.10, 0.09, 0.11, 0.10) == pytest.approx(0.5)


def test_period_words() -> None:
    assert period_words(pd.Timestamp("2026-07-01"), pd.Timestamp("2026-12-01")) == (
        "July to December 2026"
    )
    assert period_words(pd.Timestamp("2026-11-01"), pd.Timestamp("2027-02-01")) == (
        "November 2026 to February 2027"
    )


@pytest.fixture(scope="module")
def northshore() -> tuple[object, step1.DataAnalysis]:
    engagement = load_engagement(DEMO)
    return engagement, step1.analyse(engagement, step1.read_inputs(engagement))


def test_northshore_eastgate_and_westfield_start_too_few_for_their_targets(northshore) -> None:
    _, result = northshore
    plan = result.flow_plan.set_index("site")
    for site in ("eastgate", "westfield"):
        assert plan.loc[site, "materially_short"]
        assert plan.loc[site, "starts_short"] > 0.5 * plan.loc[site, "needed_starts"]
    for site in ("harbour", "millbrook"):
        assert not plan.loc[site, "materially_short"]
    assert plan.loc["eastgate", "plan_start"] == pd.Timestamp("2026-07-01")
    assert plan.loc["eastgate", "plan_end"] == pd.Timestamp("2026-12-01")
    keys = set(result.hypotheses["key"])
    assert {"flow-gap:eastgate", "flow-gap:westfield"} <= keys
    assert not {"flow-gap:harbour", "flow-gap:millbrook"} & keys
    statement = result.hypotheses.set_index("key").loc["flow-gap:eastgate", "statement"]
    assert "July to December 2026" in statement
    assert "a month short" in statement


def test_northshore_monthly_shortfall_names_each_month(northshore) -> None:
    engagement, result = northshore
    plan = fpi.FlowPlan(
        result.flow_plan_rates,
        result.flow_plan_months,
        result.flow_plan,
        result.flow_plan_levers,
    )
    rows = monthly_shortfall(plan, engagement.site_names())
    eastgate = rows[rows["site"] == "eastgate"]
    assert eastgate["period"].dt.strftime("%Y-%m").tolist() == ["2026-07", "2026-08"]
    assert (eastgate["starts_short"] > 0).all()


def test_feeding_the_northshore_plan_back_reproduces_its_targets(northshore) -> None:
    _, result = northshore
    rates = result.flow_plan_rates
    months = result.flow_plan_months
    for row in rates.itertuples():
        site = months[months["site"] == row.site].reset_index(drop=True)
        need = site["needed_starts"].to_numpy()[None, :]
        back = fp.expected_outcomes(np.nan_to_num(need), np.array([row.outcome_rate]), [0])
        shifted = fp.shift(back, np.array([row.outcome_lag]))[0]
        reached = ~np.isnan(site["needed_starts"].shift(row.outcome_lag).to_numpy())
        assert shifted[reached] == pytest.approx(site["target_outcomes"].to_numpy()[reached])


def test_many_short_sites_give_five_named_and_one_contract_hypothesis() -> None:
    months = pd.date_range("2026-01-01", periods=6, freq="MS")
    sites = [f"s{i}" for i in range(7)]
    history = np.array([[10.0 + i] * 3 + [np.nan] * 3 for i in range(7)])
    grid = fp.Grid(sites, months, 3, np.full((7, 6), 10.0), history, history * 2)
    rates = pd.DataFrame(
        {
            "site": sites,
            "start_rate": 0.5,
            "referral_lag": 0,
            "outcome_rate": 0.1,
            "outcome_low": 0.09,
            "outcome_high": 0.11,
            "outcome_lag": 2,
            "days_in_service": 90.0,
            "staff": 5.0,
            "customer_share": 0.1,
        }
    )
    plan = fpi.FlowPlan(
        rates, fp.plan_months(grid, rates), fp.plan_summary(grid, rates), pd.DataFrame()
    )
    hyps = flow_plan_hypotheses(plan, {}, "Job outcomes")
    # Each needs 100 a month; s0 starts 10 (90 short) ... s6 starts 16 (84 short).
    assert [h.key for h in hyps] == [*(f"flow-gap:s{i}" for i in range(5)), "flow-gap:ALL"]
    assert hyps[-1].figures["sites_short"] == 7
    assert hyps[-1].figures["starts_short"] == pytest.approx(sum(90 - i for i in range(7)))


def test_on_flow_from_the_kpi_extract_else_from_the_caseload() -> None:
    kpi = pd.DataFrame(
        {
            "site": ["a", "a", "a"],
            "period": pd.to_datetime(["2026-01-01"] * 3),
            "measure": ["referrals", "starts", "job_outcomes"],
            "actual": [20.0, 12.0, 3.0],
            "target": [20.0, 10.0, 4.0],
        }
    )
    from_kpi = fpi.on_flow_by_month(kpi, None)
    assert from_kpi[["referrals", "starts"]].values.tolist() == [[20.0, 12.0]]
    monthly = pd.DataFrame(
        {
            "site": ["a", "ALL"],
            "period": pd.to_datetime(["2026-01-01"] * 2),
            "referrals": [7, 7],
            "starts": [5, 5],
        }
    )
    from_caseload = fpi.on_flow_by_month(kpi[kpi["measure"] == "job_outcomes"], monthly)
    assert from_caseload[["site", "referrals", "starts"]].values.tolist() == [["a", 7, 5]]
    with pytest.raises(ValueError, match="needs referrals and starts"):
        fpi.on_flow_by_month(kpi[kpi["measure"] == "job_outcomes"], None)


def test_monthly_targets_from_engagement_yaml() -> None:
    from assessment.data_analysis.step import monthly_targets

    engagement = load_engagement(DEMO)
    targets = monthly_targets(engagement, "job_outcomes")
    # site_targets for Harbour, Millbrook, Westfield; Eastgate takes target_per_period (110)
    assert targets == {"harbour": 6.0, "millbrook": 10.0, "eastgate": 110.0, "westfield": 120.0}


def test_rates_are_checked_against_the_outcomes_reported() -> None:
    months = pd.date_range("2026-01-01", periods=8, freq="MS")
    starts = np.array([[100.0] * 6 + [np.nan] * 2])
    reported = np.array([[np.nan, np.nan, 10, 12, 14, 20, np.nan, np.nan]])
    grid = fp.Grid(["a"], months, 6, np.full((1, 8), 10.0), starts, starts * 2, reported)
    rates = pd.DataFrame(
        {
            "site": ["a"],
            "start_rate": [0.5],
            "referral_lag": [0],
            "outcome_rate": [0.1],
            "outcome_low": [0.09],
            "outcome_high": [0.11],
            "outcome_lag": [2],
            "days_in_service": [90.0],
            "staff": [5.0],
            "customer_share": [0.1],
        }
    )
    check = fpi.rates_check(fp.plan_months(grid, rates), recent=3).set_index("site")
    # Apr–Jun: 10 a month from the starts two months before; 12 + 14 + 20 = 46 reported.
    assert check.loc["a", "check_start"] == pd.Timestamp("2026-04-01")
    assert check.loc["a", "check_expected"] == pytest.approx(30.0)
    assert check.loc["a", "check_actual"] == pytest.approx(46.0)
    assert check.loc["ALL", "check_ratio"] == pytest.approx(46 / 30)


def test_northshore_westfield_is_flagged_where_the_extracts_disagree(northshore) -> None:
    _, result = northshore
    plan = result.flow_plan.set_index("site")
    assert plan.loc["westfield", "check_ratio"] > 2  # 346 reported where the rates give 148
    assert 0.8 <= plan.loc["millbrook", "check_ratio"] <= 1.25
    statements = result.hypotheses.set_index("key")["statement"]
    assert "Caution: over January to June 2026" in statements["flow-gap:westfield"]
    assert "may be overstated" in statements["flow-gap:westfield"]


def test_no_plan_once_the_data_reaches_the_contract_end() -> None:
    caseload = _caseload()
    kpi = pd.DataFrame(
        {
            "site": ["a"] * 2,
            "period": pd.to_datetime(["2026-01-01"] * 2),
            "measure": ["referrals", "starts"],
            "actual": [20.0, 12.0],
            "target": [20.0, 10.0],
        }
    )
    plan = fpi.build_flow_plan(
        caseload,
        kpi,
        flow_by_site(caseload),
        None,
        headline_kpi="job_outcomes",
        future_targets={"a": 5.0},
        contract_end=pd.Timestamp("2026-01-31"),
    )
    assert plan is None
    later = fpi.build_flow_plan(
        caseload,
        kpi,
        flow_by_site(caseload),
        None,
        headline_kpi="job_outcomes",
        future_targets={"a": 5.0},
        contract_end=pd.Timestamp("2026-06-30"),
    )
    # Feb–Jun at 5 a month; 40% convert, two months after starting: 12.5 starts a month in
    # Feb–Apr (later starts come too late); today's 12 a month.
    summary = later.summary.set_index("site")
    assert summary.loc["a", "target"] == pytest.approx(25.0)
    assert summary.loc["a", "needed_starts"] == pytest.approx(12.5)
    assert summary.loc["a", "starts_today"] == pytest.approx(12.0)
