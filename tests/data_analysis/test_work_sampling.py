"""Work sampling: Wilson intervals, sample sizes and profiles on hand-counted observations."""

import math

import numpy as np
import pandas as pd
import pytest

from assessment.data_analysis.performance import ALL_SITES
from assessment.data_analysis.work_sampling import (
    design_effect,
    required_sample_size,
    sampling_profile,
    value_adding_share,
    wilson_interval,
    wilson_interval_array,
)

Z = 1.959964  # two-sided 95% normal quantile


def observations(counts: dict[tuple[str, str, str, str], int]) -> pd.DataFrame:
    """A work-sampling frame with ``count`` rows per (site, role, activity, category)."""
    rows = [key for key, count in counts.items() for _ in range(count)]
    frame = pd.DataFrame(rows, columns=["site", "role", "activity", "category"])
    frame.insert(0, "observed_at", pd.Timestamp("2024-03-01 10:00"))
    return frame


@pytest.fixture
def two_sites_ten_observations() -> pd.DataFrame:
    # site-a (4): 1 appointment (value adding), 2 case notes (enabling), 1 waiting (non value)
    # site-b (6): 3 appointments, 3 waiting; never seen on case notes.
    return observations(
        {
            ("site-a", "adviser", "Customer appointment", "value_adding"): 1,
            ("site-a", "adviser", "Case notes", "value_enabling"): 2,
            ("site-a", "manager", "Waiting", "non_value"): 1,
            ("site-b", "adviser", "Customer appointment", "value_adding"): 3,
            ("site-b", "manager", "Waiting", "non_value"): 3,
        }
    )


def pick(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.logical_and.reduce([frame[k] == v for k, v in where.items()])
    matches = frame[mask]
    assert len(matches) == 1, where
    return matches.iloc[0]


def test_wilson_interval_of_the_classic_study():
    # 18 of 256 observations with the customer: p = 0.0703, z² / n = 3.8415 / 256 = 0.01501.
    # centre = (0.0703 + 0.0075) / 1.01501 = 0.07667
    # half   = 1.96 / 1.01501 × sqrt(0.0703 × 0.9297 / 256 + 3.8415 / (4 × 256²)) = 0.03173
    # -> 4.5% to 10.8%.
    low, high = wilson_interval(18, 256)

    assert round(18 / 256, 4) == 0.0703
    assert (round(low, 3), round(high, 3)) == (0.045, 0.108)


def test_wilson_interval_at_the_edges():
    # k = 0: low 0, high z² / (n + z²) = 3.8415 / 13.8415 = 0.278 for n = 10;
    # k = n: low n / (n + z²) = 10 / 13.8415 = 0.722, high 1.
    # A single observation, 1 of 1: low 1 / (1 + 3.8415) = 0.207.
    assert wilson_interval(0, 10)[0] == 0.0
    assert round(wilson_interval(0, 10)[1], 3) == 0.278
    assert round(wilson_interval(10, 10)[0], 3) == 0.722
    assert wilson_interval(10, 10)[1] == 1.0
    assert round(wilson_interval(1, 1)[0], 3) == 0.207


def test_wilson_interval_array_matches_the_scalar_and_leaves_empty_groups_undefined():
    low, high = wilson_interval_array([18, 0, 0], [256, 10, 0])

    assert (low[0], high[0]) == wilson_interval(18, 256)
    assert (low[1], high[1]) == wilson_interval(0, 10)
    assert math.isnan(low[2]) and math.isnan(high[2])


def test_wilson_interval_narrows_at_lower_confidence():
    low95, high95 = wilson_interval(18, 256, 0.95)
    low80, high80 = wilson_interval(18, 256, 0.80)

    assert low95 < low80 < high80 < high95


@pytest.mark.parametrize(("successes", "n"), [(1, 0), (-1, 10), (11, 10)])
def test_wilson_interval_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(successes, n)


def test_required_sample_size():
    # p = 0.07, e = 0.03: 1.96² × 0.07 × 0.93 / 0.03² = 3.8415 × 0.0651 / 0.0009 = 277.9 -> 278.
    # p = 0.5, e = 0.05: 3.8415 × 0.25 / 0.0025 = 384.1 -> 385.
    assert required_sample_size(0.07, 0.03) == 278
    assert required_sample_size(0.5, 0.05) == 385
    assert required_sample_size(0.0, 0.03) == 1


@pytest.mark.parametrize(
    ("share", "precision", "confidence"), [(1.5, 0.03, 0.95), (0.5, 0, 0.95), (0.5, 0.03, 1.0)]
)
def test_required_sample_size_rejects_impossible_parameters(share, precision, confidence):
    with pytest.raises(ValueError):
        required_sample_size(share, precision, confidence)


def test_sampling_profile_by_site_with_every_category_and_the_contract(
    two_sites_ten_observations,
):
    result = sampling_profile(two_sites_ten_observations)

    assert list(result.columns) == ["site", "category", "count", "n", "share", "ci_low", "ci_high"]
    assert list(result["site"]) == ["site-a"] * 3 + ["site-b"] * 3 + [ALL_SITES] * 3
    assert list(result["category"][:3]) == ["value_adding", "value_enabling", "non_value"]
    a = pick(result, site="site-a", category="value_enabling")
    assert (a["count"], a["n"], a["share"]) == (2, 4, 0.5)
    # Never observed: 0 of 6, interval 0 to z² / (6 + z²) = 3.8415 / 9.8415 = 0.390.
    b = pick(result, site="site-b", category="value_enabling")
    assert (b["count"], b["n"], b["share"], b["ci_low"]) == (0, 6, 0.0, 0.0)
    assert round(b["ci_high"], 3) == 0.390
    # Contract: 4 of 10 value adding. centre = (0.4 + 0.19207) / 1.38415 = 0.42775,
    # half = 1.96 × sqrt(0.024 + 0.0096) / 1.38415 = 0.25957 -> 0.168 to 0.687.
    total = pick(result, site=ALL_SITES, category="value_adding")
    assert (total["count"], total["n"], total["share"]) == (4, 10, 0.4)
    assert (round(total["ci_low"], 3), round(total["ci_high"], 3)) == (0.168, 0.687)


def test_sampling_profile_by_activity_and_role(two_sites_ten_observations):
    result = sampling_profile(two_sites_ten_observations, by=("site", "role"), level="activity")

    assert list(result.columns[:3]) == ["site", "role", "activity"]
    # Advisers at site-a: 1 appointment and 2 case notes of 3 observations.
    notes = pick(result, site="site-a", role="adviser", activity="Case notes")
    assert (notes["count"], notes["n"]) == (2, 3)
    # Across the contract, advisers: 1 + 3 = 4 appointments of 6 adviser observations.
    advisers = pick(result, site=ALL_SITES, role="adviser", activity="Customer appointment")
    assert (advisers["count"], advisers["n"]) == (4, 6)
    assert set(result["activity"]) == {"Case notes", "Customer appointment", "Waiting"}


def test_sampling_profile_rejects_an_unknown_level(two_sites_ten_observations):
    with pytest.raises(ValueError, match="level"):
        sampling_profile(two_sites_ten_observations, level="role_group")


def test_value_adding_share_with_sample_size_check(two_sites_ten_observations):
    # site-a: 1 of 4 = 25%; needed for ±3 pp at 25%: 3.8415 × 0.25 × 0.75 / 0.0009 = 800.3 -> 801.
    result = value_adding_share(two_sites_ten_observations)

    assert list(result.columns) == [
        "site",
        "n",
        "value_adding",
        "share",
        "ci_low",
        "ci_high",
        "rounds",
        "design_effect",
        "n_effective",
        "required_n",
        "required_n_relative",
        "sufficient",
        "weighting",
    ]
    a = pick(result, site="site-a")
    assert (a["n"], a["value_adding"], a["share"], a["required_n"]) == (4, 1, 0.25, 801)
    assert not a["sufficient"]
    assert list(result["site"]) == ["site-a", "site-b", ALL_SITES]


def test_the_classic_study_is_just_short_of_three_points_precision():
    # 18 of 256 (p = 0.0703125): ±3 pp needs 3.84146 × 0.0703125 × 0.9296875 / 0.0009
    # = 3.84146 × 0.0653687 / 0.0009 = 279.01 -> 280 > 256.
    # 21 of 300 (7%) needs 278 -> enough for ±3 pp, but ±20% of 7% (±1.4 pp) needs
    # 3.84146 × 0.93 / (0.04 × 0.07) = 1,275.9 -> 1,276: not enough for a share that small.
    small = observations({("site-a", "nurse", "With patient", "value_adding"): 18})
    small = pd.concat(
        [small, observations({("site-a", "nurse", "Paperwork", "non_value"): 238})],
        ignore_index=True,
    )
    big = observations(
        {
            ("site-b", "nurse", "With patient", "value_adding"): 21,
            ("site-b", "nurse", "Paperwork", "non_value"): 279,
        }
    )

    result = value_adding_share(pd.concat([small, big], ignore_index=True))

    a, b = pick(result, site="site-a"), pick(result, site="site-b")
    assert (a["n"], a["value_adding"], round(a["share"], 4)) == (256, 18, 0.0703)
    assert (a["required_n"], a["sufficient"]) == (280, False)
    assert (b["required_n"], b["required_n_relative"], b["sufficient"]) == (278, 1276, False)


def test_value_adding_share_never_observed_plans_on_the_upper_bound():
    # 0 of 6: the observed 0% would say "one observation is enough"; the plan uses the upper
    # bound 0.390 instead: 3.8415 × 0.390 × 0.610 / 0.0009 -> about 1,016 observations.
    obs = observations({("site-a", "adviser", "Waiting", "non_value"): 6})

    result = value_adding_share(obs)

    a = pick(result, site="site-a")
    assert (a["value_adding"], a["share"], a["ci_low"]) == (0, 0.0, 0.0)
    assert a["required_n"] == required_sample_size(a["ci_high"], 0.03)
    assert 1000 < a["required_n"] < 1030
    assert not a["sufficient"]


def test_value_adding_share_of_a_single_observation():
    obs = observations({("site-a", "adviser", "Customer appointment", "value_adding"): 1})

    a = pick(value_adding_share(obs), site="site-a")

    assert (a["n"], a["value_adding"], a["share"], a["ci_high"]) == (1, 1, 1.0, 1.0)
    assert round(a["ci_low"], 3) == 0.207
    assert not a["sufficient"]


def test_seed_000_study_keeps_its_wilson_interval_without_rounds():
    # The method's example: 256 observations at separate moments, 18 with the patient.
    obs = observations(
        {
            ("ward", "nurse", "With patient", "value_adding"): 18,
            ("ward", "nurse", "Notes", "non_value"): 238,
        }
    )
    obs["observed_at"] = pd.date_range("2024-03-01 09:00", periods=256, freq="7min")

    result = value_adding_share(obs)

    for row in (pick(result, site="ward"), pick(result, site=ALL_SITES)):
        assert (row["n"], row["value_adding"], row["rounds"], row["design_effect"]) == (
            256,
            18,
            0,
            1,
        )
        assert (round(row["ci_low"], 3), round(row["ci_high"], 3)) == (0.045, 0.108)
    assert pick(result, site=ALL_SITES)["weighting"] == "one site"


def stratum(site: str, hits: int, n: int, start: str) -> pd.DataFrame:
    """``n`` observations at separate moments at one site, the first ``hits`` value adding."""
    frame = observations(
        {
            (site, "adviser", "Customer appointment", "value_adding"): hits,
            (site, "adviser", "Waiting", "non_value"): n - hits,
        }
    )
    frame["observed_at"] = pd.date_range(start, periods=n, freq="min")
    return frame


def test_contract_share_is_weighted_by_staff():
    # a: 10 of 100 (10%), 30 staff; b: 40 of 100 (40%), 10 staff. Weights 0.75 and 0.25:
    # share 0.75 × 0.10 + 0.25 × 0.40 = 0.175; variance 0.75² × 0.09 / 100 + 0.25² × 0.24 / 100
    # = 0.00050625 + 0.00015 = 0.00065625; effective n = 0.175 × 0.825 / 0.00065625 = 220.
    obs = pd.concat([stratum("a", 10, 100, "2024-03-01"), stratum("b", 40, 100, "2024-03-02")])

    weighted = pick(value_adding_share(obs, staff={"a": 30, "b": 10}), site=ALL_SITES)
    pooled = pick(value_adding_share(obs), site=ALL_SITES)

    assert weighted["share"] == pytest.approx(0.175)
    assert weighted["n_effective"] == pytest.approx(220.0)
    assert weighted["weighting"] == "weighted by staff"
    assert (weighted["ci_low"], weighted["ci_high"]) == pytest.approx(
        [float(v) for v in wilson_interval_array(0.175 * 220, 220)], rel=1e-9
    )
    # Without staff for every site: 50 of 200 pooled, and the table says it is unweighted.
    assert pooled["share"] == pytest.approx(0.25)
    assert pooled["weighting"] == "unweighted: no staff count for every site"
    some = pick(value_adding_share(obs, staff={"a": 30}), site=ALL_SITES)
    assert some["share"] == pytest.approx(0.25)


def test_rounds_widen_the_interval_and_the_sample_size_by_the_design_effect():
    # 4 rounds of 5 staff: all 5 with customers, none, all 5, none. p = 10 / 20 = 0.5.
    # Ratio-estimator variance 4/3 × (4 × 2.5²) / 20² = 0.083333; a random sample's 0.25 / 20
    # = 0.0125: design effect 6.667, effective n 3.
    rows = []
    for moment, hits in zip(["09:00", "10:00", "11:00", "12:00"], [5, 0, 5, 0], strict=True):
        part = stratum("a", hits, 5, f"2024-03-01 {moment}")
        part["observed_at"] = pd.Timestamp(f"2024-03-01 {moment}")
        rows.append(part)

    a = pick(value_adding_share(pd.concat(rows, ignore_index=True)), site="a")

    assert a["rounds"] == 4
    assert a["design_effect"] == pytest.approx(20 / 3)
    assert a["n_effective"] == pytest.approx(3.0)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(
        [float(v) for v in wilson_interval_array(1.5, 3.0)]
    )
    # ±3 pp at 50%: 3.84146 × 0.25 / 0.0009 = 1,067.07 × 6.667 = 7,113.8 -> 7,114.
    assert a["required_n"] == 7114


def test_design_effect_is_one_without_rounds():
    assert design_effect(np.array([1, 0, 1]), np.array([1, 1, 1])) == 1.0
    assert design_effect(np.array([3]), np.array([10])) == 1.0  # one round: nothing to estimate
