"""The initial opinion: which hypotheses fire, what they say, and that their keys stay put."""

import json

import pandas as pd
import pytest

from assessment.data_analysis.comparisons import site_comparison
from assessment.data_analysis.flow import littles_law_check
from assessment.data_analysis.opinion import Hypothesis, hypotheses_frame, initial_opinion
from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.work_sampling import value_adding_share

SITE_NAMES = {"site-a": "Site A", "site-b": "Site B", "site-c": "Site C"}
KPI_LABELS = {"job_outcomes": "Job outcomes", "starts": "Starts"}


def to_date_of(pcts: dict[str, float], measure: str = "job_outcomes") -> pd.DataFrame:
    """site_comparison of one month where each site's target is 100 (actual = percentage)."""
    kpi = pd.DataFrame(
        {
            "site": list(pcts),
            "period": pd.Timestamp("2024-01-01"),
            "measure": measure,
            "actual": [float(v) for v in pcts.values()],
            "target": 100.0,
        }
    )
    return site_comparison(kpi)


def flow_of(starts_outcomes: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """The columns of flow_by_site the opinion reads, with a contract row."""
    frame = pd.DataFrame(
        [(site, s, o) for site, (s, o) in starts_outcomes.items()],
        columns=["site", "starts", "outcomes"],
    )
    total = pd.DataFrame([(ALL_SITES, frame["starts"].sum(), frame["outcomes"].sum())])
    frame = pd.concat([frame, total.set_axis(frame.columns, axis=1)], ignore_index=True)
    return frame.assign(conversion_to_outcome=frame["outcomes"] / frame["starts"])


def observations(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Work-sampling rows: per site, (with the customer, elsewhere) observation counts."""
    rows = []
    for site, (with_customer, elsewhere) in counts.items():
        rows += [(site, "adviser", "Customer appointment", "value_adding")] * with_customer
        rows += [(site, "adviser", "Waiting", "non_value")] * elsewhere
    frame = pd.DataFrame(rows, columns=["site", "role", "activity", "category"])
    frame.insert(0, "observed_at", pd.Timestamp("2024-03-01"))
    return frame


@pytest.fixture
def three_sites_one_lagging() -> dict[str, pd.DataFrame]:
    # Job outcomes to date: A 120%, B 62%, C 95%; contract 277 / 300 = 92%.
    # Conversion start -> outcome: A 48 / 100 = 48%, B 24 / 100 = 24% (half of A, below
    # 0.6 × 48% = 28.8%), C 20 / 50 = 40% (above 28.8%).
    # Time with customers: A 60 / 200 = 30%; B 18 / 256 = 7.0% (4.5%-10.8%); contract
    # 78 / 456 = 17.1%, above the 15% floor.
    return {
        "to_date": to_date_of({"site-a": 120, "site-b": 62, "site-c": 95}),
        "flow": flow_of({"site-a": (100, 48), "site-b": (100, 24), "site-c": (50, 20)}),
        "value_share": value_adding_share(observations({"site-a": (60, 140), "site-b": (18, 238)})),
    }


def opinion(inputs: dict[str, pd.DataFrame], **kwargs: object) -> list[Hypothesis]:
    return initial_opinion(
        inputs["to_date"],
        inputs["flow"],
        inputs["value_share"],
        headline_kpi="job_outcomes",
        site_names=SITE_NAMES,
        kpi_labels=KPI_LABELS,
        **kwargs,
    )


def by_key(hyps: list[Hypothesis]) -> dict[str, Hypothesis]:
    return {h.key: h for h in hyps}


def test_the_data_suggests_these_hypotheses_strongest_first(three_sites_one_lagging):
    # p-values (hand-computed in the tests below and in test_comparisons): spread 0.0001, time
    # with customers 0.0002, B behind 0.0004 (Holm × 3), A ahead 0.0009 (Holm × 2), conversion
    # 0.022 (Holm × 3).
    hyps = opinion(three_sites_one_lagging)

    assert [h.key for h in hyps] == [
        "spread:job_outcomes",
        "time-with-customer:site-b",
        "perf-gap:site-b:job_outcomes",
        "benchmark:site-a:job_outcomes",
        "conversion-gap:site-b",
    ]
    assert [h.figures["strength"] for h in hyps] == ["very strong"] * 4 + ["moderate"]


def test_site_below_contract(three_sites_one_lagging):
    h = by_key(opinion(three_sites_one_lagging))["perf-gap:site-b:job_outcomes"]

    assert (h.kind, h.site, h.kpi) == ("performance", "site-b", "job_outcomes")
    # Garwood interval of 62: 47.5 to 79.5; against the rest 215 / 200 = 108%.
    assert h.statement == (
        "Site B delivers 62% (95% interval 48–79%) of its contracted job outcomes to date "
        "(62 against a target of 100, a gap of 38); behind the rest of the contract at 108% "
        "(p < 0.001, corrected for the number of sites compared)."
    )
    assert h.figures["pct_of_target"] == 62.0
    assert h.figures["p_value"] == pytest.approx(3 * 0.000139, abs=2e-5)


def test_conversion_gap_names_both_sites_and_both_rates(three_sites_one_lagging):
    h = by_key(opinion(three_sites_one_lagging))["conversion-gap:site-b"]

    # A converts better than the rest: 48 / 100 against 44 / 150, z = 2.37, p = 0.018, × 2 (Holm,
    # after B's 0.0074 × 3) = 0.036. So A is the benchmark; B against A: 24 / 100 against 48 / 100,
    # se sqrt(1/24 + 1/48) = 0.25, z = -2.77, p = 0.0056; C against A: p = 0.49. × 2 (Holm) = 0.011.
    assert h.statement == (
        "Site B delivers 62% of its contracted job outcomes while converting 24% of its starts "
        "into outcomes, half the rate of Site A (48%); Site A converts more than the rest of the "
        "contract, and the gap to it is more than chance (p = 0.011, corrected for the number of "
        "sites compared). Conversion here is the flow table's window ratio, outcomes ÷ starts "
        "over the same months."
    )
    assert h.figures["ratio_to_best"] == 0.5
    assert h.figures["best_site"] == "site-a"


def test_conversion_gap_gives_the_ratio_in_numbers_when_it_is_no_simple_fraction():
    # B converts 22 / 100 against A's 48 / 100: 0.458 of A's rate, not close enough to half
    # (within 0.03) for words -> "46% of the rate of".
    inputs = {
        "to_date": to_date_of({"site-a": 120, "site-b": 62}),
        "flow": flow_of({"site-a": (100, 48), "site-b": (100, 22)}),
        "value_share": None,
    }

    h = by_key(opinion(inputs))["conversion-gap:site-b"]

    assert "22% of its starts into outcomes, 46% of the rate of Site A (48%)" in h.statement


def test_conversion_gap_near_a_third_says_so_in_words():
    # 17 / 100 against 48 / 100: 0.354, within 0.03 of a third.
    inputs = {
        "to_date": to_date_of({"site-a": 120, "site-b": 62}),
        "flow": flow_of({"site-a": (100, 48), "site-b": (100, 17)}),
        "value_share": None,
    }

    h = by_key(opinion(inputs))["conversion-gap:site-b"]

    assert "17% of its starts into outcomes, about a third of the rate of Site A (48%)" in (
        h.statement
    )


def test_site_with_no_starts_gets_no_conversion_hypothesis():
    inputs = {
        "to_date": to_date_of({"site-a": 120, "site-b": 62}),
        "flow": flow_of({"site-a": (100, 48), "site-b": (0, 0)}),
        "value_share": None,
    }

    assert not [h for h in opinion(inputs) if h.kind == "conversion"]


def test_spread_between_best_and_worst(three_sites_one_lagging):
    h = by_key(opinion(three_sites_one_lagging))["spread:job_outcomes"]

    assert (h.site, h.kpi) == (None, "job_outcomes")
    # Pooled 277 / 300: expected 92.33 each; chi-square 8.29 + 9.96 + 0.08 = 18.3 on 2 df.
    assert h.statement == (
        "Performance depends on the site, not the contract: on job outcomes, Site A delivers "
        "120% of target (99–143%) and Site B 62% (48–79%), a spread of 58 percentage points "
        "across the 3 sites with enough cases; more than chance allows (p < 0.001)."
    )
    assert h.figures["p_value"] == pytest.approx(0.0001, abs=1e-4)


def test_time_with_customer_carries_its_interval_and_sample_size(three_sites_one_lagging):
    h = by_key(opinion(three_sites_one_lagging))["time-with-customer:site-b"]

    # 18 of 256 = 7.0%, Wilson 4.5%-10.8%; ±20% of 7.03% needs 3.8415 × 0.9297 / (0.04 ×
    # 0.0703) = 1,270 > 256 observations.
    assert h.statement == (
        "Staff at Site B spend 7.0% of their observed time with customers (95% interval 4.5% "
        "to 10.8%, below 15%; 18 of 256 observations). The sample is small: about 1,270 "
        "observations would be needed for a firm figure."
    )
    assert (h.figures["ci_low"], h.figures["ci_high"]) == (0.0449, 0.1084)


def test_benchmark_site_above_contract(three_sites_one_lagging):
    h = by_key(opinion(three_sites_one_lagging))["benchmark:site-a:job_outcomes"]

    # A 120 / 100 against the rest 157 / 200: ratio 1.53, z = 3.50, p = 0.00047, × 2 (Holm).
    assert h.statement == (
        "Site A delivers 120% (95% interval 99–143%) of its contracted job outcomes, ahead of "
        "the rest of the contract at 78% (p < 0.001, corrected for the number of sites "
        "compared): what Site A does differently is the benchmark for the other sites."
    )


def test_contract_below_threshold_is_a_contract_hypothesis():
    # 60 + 70 = 130 of 200 = 65% (Garwood 54-77%): the contract itself is surely below target.
    # The sites do not differ from each other (60 vs 70: p = 0.38 before correction), so neither
    # is "behind"; A's own interval (46-77%) lies under 80%, B's (55-88%) does not. A's p-value:
    # z = log(60 / 80) / sqrt(1 / 60) = -2.228, one-sided p = 0.013.
    hyps = opinion(
        {"to_date": to_date_of({"site-a": 60, "site-b": 70}), "flow": None, "value_share": None}
    )

    assert [h.key for h in hyps] == ["perf-gap:ALL:job_outcomes", "perf-gap:site-a:job_outcomes"]
    assert hyps[1].statement.endswith(
        "surely below 80% (p = 0.013), though no different from the rest of the contract at 70%."
    )
    assert hyps[0].site is None
    assert hyps[0].statement.startswith(
        "The contract as a whole delivers 65% (95% interval 54–77%) of the contracted job "
        "outcomes to date"
    )


def test_thresholds_are_parameters(three_sites_one_lagging):
    hyps = opinion(
        three_sites_one_lagging,
        underperformance_pct=50,
        conversion_ratio=0.4,
        spread_pp=60,
        value_adding_floor=0.05,
        benchmark_pct=150,
    )

    assert hyps == []


def test_keys_stay_the_same_when_the_figures_change(three_sites_one_lagging):
    before = opinion(three_sites_one_lagging)
    changed = {
        "to_date": to_date_of({"site-a": 131, "site-b": 55, "site-c": 97}),
        "flow": flow_of({"site-a": (120, 60), "site-b": (90, 20), "site-c": (50, 21)}),
        "value_share": value_adding_share(observations({"site-a": (70, 130), "site-b": (25, 300)})),
    }

    after = opinion(changed)

    assert sorted(h.key for h in after) == sorted(h.key for h in before)
    assert {h.statement for h in after} != {h.statement for h in before}


def test_littles_law_flags_become_data_quality_hypotheses(three_sites_one_lagging):
    # site-c: one customer in service since January, nobody ever left: L > 0 but λW = 0.
    caseload = pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "site": ["site-c", "site-a"],
            "referral_date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "start_date": pd.to_datetime(["2024-01-02", None]),
            "outcome_date": pd.NaT,
            "exit_date": pd.NaT,
        }
    )
    littles = littles_law_check(caseload, as_of=pd.Timestamp("2024-06-30"))

    hyps = opinion(three_sites_one_lagging, littles=littles)

    quality = [h for h in hyps if h.kind == "data-quality"]
    assert [h.key for h in quality] == ["data-quality:littles-law:site-c"]
    assert quality[0].statement.startswith(
        "The caseload data for Site C do not add up: between 1 Jul 2023 and 30 Jun 2024"
    )
    assert "no customer left service" in quality[0].statement
    assert "exits may be missing" in quality[0].statement


def test_unknown_names_fall_back_to_keys():
    hyps = initial_opinion(
        to_date_of({"north": 50, "south": 120}),
        None,
        None,
        "job_outcomes",
        site_names={},
        kpi_labels={},
    )

    # The key starts the sentence, so it gets a capital; the KPI key is used as it is.
    north = next(h for h in hyps if h.key == "perf-gap:north:job_outcomes")
    assert north.statement.startswith(
        "North delivers 50% (95% interval 37–66%) of its contracted job_outcomes"
    )


def test_figures_are_plain_json(three_sites_one_lagging):
    for h in opinion(three_sites_one_lagging):
        assert json.loads(json.dumps(h.figures, allow_nan=False)) == h.figures
        assert {type(v) for v in h.figures.values()} <= {int, float, str}


def test_hypotheses_frame_for_display(three_sites_one_lagging):
    hyps = opinion(three_sites_one_lagging)

    frame = hypotheses_frame(hyps)

    assert list(frame.columns) == ["key", "kind", "site", "kpi", "title", "statement", "figures"]
    assert list(frame["key"]) == [h.key for h in hyps]
    assert frame["figures"].iloc[0] == hyps[0].figures
    assert hypotheses_frame([]).empty


def test_littles_law_statement_gives_the_figures_behind_the_flag(three_sites_one_lagging):
    # site-a: one start a day through 2022-2023, each staying 30 days, but every fifth customer
    # lost their exit date. λ = 1 start a day = 30.4 a month, W = 30 days: λW = 30.
    starts = pd.date_range("2022-01-01", "2023-12-31", freq="D")
    caseload = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(starts))],
            "site": "site-a",
            "referral_date": starts,
            "start_date": starts,
            "outcome_date": pd.NaT,
            "exit_date": (starts + pd.Timedelta(days=30)).where(starts.day_of_year % 5 != 0),
        }
    )
    littles = littles_law_check(caseload, as_of=pd.Timestamp("2023-12-31"))

    h = by_key(opinion(three_sites_one_lagging, littles=littles))["data-quality:littles-law:site-a"]

    assert "30.4 starts a month × 30 days in service imply 30 (ratio " in h.statement
    assert h.figures["starts_per_month"] == 30.4375
    assert h.figures["expected_caseload"] == 30.0
