"""The executive summary's figures from step 1: the sites at either end, with their intervals."""

from pathlib import Path

import pandas as pd
import pytest

from assessment import data_analysis as step1
from assessment.data_analysis.client import _end_site
from assessment.engagement import load_engagement

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_northshores_ends_carry_their_intervals_and_are_real() -> None:
    engagement = load_engagement(DEMO / "northshore")
    result = step1.analyse(engagement, step1.read_inputs(engagement))
    standing = step1.contract_standing(result, engagement)
    # Harbour Street: 194 job outcomes against 159 (122%, 90% to 161% as the performance table
    # shows it), ahead of the rest after Holm's correction; Westfield House behind.
    assert (standing.best_site, round(standing.best_pct)) == ("Harbour Street", 122)
    assert (round(standing.best_low), round(standing.best_high)) == (90, 161)
    assert standing.best_ahead
    assert standing.worst_site == "Westfield House" and standing.worst_behind


def _sites(verdicts: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site": list("abc"),
            "pct_of_target": [300.0, 130.0, 80.0],  # descending, as contract_standing sorts
            "pct_low": [20.0, 110.0, 70.0],
            "pct_high": [900.0, 150.0, 91.0],
            "verdict": verdicts,
        }
    )


@pytest.mark.parametrize(
    ("verdicts", "top", "expected"),
    [
        # A small site at 300% is not ahead (too few cases): the site that is, is furthest ahead.
        (["too few cases", "ahead", "behind"], True, ("b", True)),
        (["too few cases", "ahead", "behind"], False, ("c", True)),
        # Nothing more than noise: the highest and lowest, not called "furthest".
        (["no clear difference"] * 3, True, ("a", False)),
        (["no clear difference"] * 3, False, ("c", False)),
    ],
)
def test_the_end_sites_rule(verdicts: list[str], top: bool, expected: tuple[str, bool]) -> None:
    verdict = "ahead" if top else "behind"
    row, real = _end_site(_sites(verdicts), verdict, top=top)
    assert (row["site"], real) == expected
