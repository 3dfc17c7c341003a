"""The grid Kaplan–Meier gives statsmodels' SurvfuncRight figures, site by site, bit for bit."""

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from assessment.data_analysis.km_grid import kaplan_meier_by_group


@pytest.fixture
def customers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Four sites: ties and censoring, everyone reaching the outcome, nobody reaching it, one."""
    rng = np.random.default_rng(3)
    codes = np.repeat([0, 1, 2, 3], [400, 30, 25, 1])
    days = np.concatenate(
        [rng.integers(0, 300, 400), rng.integers(0, 40, 30), rng.integers(0, 90, 25), [12]]
    ).astype(float)
    event = np.concatenate(
        [rng.random(400) < 0.4, np.ones(30, bool), np.zeros(25, bool), np.ones(1, bool)]
    )
    return codes, days, event


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels: log(0) at S = 1
def test_every_site_and_the_pool_match_statsmodels_exactly(customers) -> None:
    codes, days, event = customers
    fits = kaplan_meier_by_group(codes, days, event, 4)
    assert fits is not None and len(fits) == 5
    groups = [codes == g for g in range(4)] + [np.ones(len(codes), bool)]
    for fit, members in zip(fits, groups, strict=True):
        expected = SurvfuncRight(days[members], event[members].astype(float))
        np.testing.assert_array_equal(fit.surv_times, expected.surv_times)
        np.testing.assert_array_equal(fit.surv_prob, expected.surv_prob)
        np.testing.assert_array_equal(fit.surv_prob_se, expected.surv_prob_se)
        assert fit.time.max() == expected.time.max()
        assert fit.quantile(0.5) == pytest.approx(expected.quantile(0.5), nan_ok=True)
        assert fit.quantile_ci(0.5) == pytest.approx(expected.quantile_ci(0.5), nan_ok=True)


def test_a_group_without_customers_has_no_estimate(customers) -> None:
    codes, days, event = customers
    fits = kaplan_meier_by_group(codes, days, event, 6)
    assert fits is not None
    assert fits[4] is None and fits[5] is None
    assert fits[6] is not None


def test_times_that_are_not_whole_days_are_left_to_statsmodels(customers) -> None:
    codes, days, event = customers
    assert kaplan_meier_by_group(codes, days + 0.5, event, 4) is None
