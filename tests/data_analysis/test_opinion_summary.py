"""A rule that holds at many sites reads as one hypothesis; at a few sites nothing changes."""

import pandas as pd
import pytest

from assessment.data_analysis.opinion import Hypothesis
from assessment.data_analysis.opinion_summary import SITES_COLUMNS, summarise_by_rule
from assessment.terminology import words

NAMES = {f"s{i}": f"Site {i}" for i in range(1, 11)}


def conversion_gap(i: int, p: float, rate: float) -> Hypothesis:
    return Hypothesis(
        key=f"conversion-gap:s{i}",
        kind="conversion",
        site=f"s{i}",
        kpi=None,
        title=f"Site {i} converts fewer starts into outcomes than Site 10",
        statement="...",
        figures={
            "conversion_to_outcome": rate,
            "best_site": "s10",
            "best_conversion_to_outcome": 0.5,
            "ratio_to_best": rate / 0.5,
            "p_value": p,
            "strength": "strong",
        },
    )


def littles(i: int, ratio: float) -> Hypothesis:
    return Hypothesis(
        key=f"data-quality:littles-law:s{i}",
        kind="data-quality",
        site=f"s{i}",
        kpi=None,
        title=f"Caseload data for Site {i} do not add up",
        statement="...",
        figures={"ratio": ratio, "strength": "data check"},
    )


CONTRACT = Hypothesis(
    key="perf-gap:ALL:job_outcomes",
    kind="performance",
    site=None,
    kpi="job_outcomes",
    title="The contract as a whole at 60% of target on job outcomes",
    statement="...",
    figures={"p_value": 0.0001, "strength": "very strong"},
)


def test_five_sites_or_fewer_keep_a_hypothesis_each() -> None:
    hyps = [CONTRACT, *(conversion_gap(i, 0.001 * i, 0.1) for i in range(1, 6))]

    found, sites = summarise_by_rule(hyps, NAMES, words())

    assert [h.key for h in found] == [h.key for h in hyps]
    assert sites.empty and list(sites.columns) == SITES_COLUMNS


def test_six_sites_fold_into_one_hypothesis_naming_the_strongest_five() -> None:
    # p-values out of order: the strongest (smallest) come first in the statement and the table
    p_values = {1: 0.03, 2: 0.0002, 3: 0.01, 4: 0.0001, 5: 0.02, 6: 0.004}
    hyps = [CONTRACT, *(conversion_gap(i, p, 0.05 + i / 100) for i, p in p_values.items())]

    found, sites = summarise_by_rule(hyps, NAMES, words())

    assert [h.key for h in found] == ["perf-gap:ALL:job_outcomes", "conversion-gap:SITES"]
    folded = found[1]
    assert folded.site is None and folded.kind == "conversion"
    assert folded.title == "6 of 10 sites convert fewer starts into outcomes than the best"
    assert folded.statement == (
        "6 of the contract's 10 sites convert their starts into outcomes at 22% or less of the "
        "rate of Site 10 (50%). Each is more than chance on its own (p = 0.030 at the weakest). "
        "Strongest first: Site 4 (9%), Site 2 (7%), Site 6 (11%), Site 3 (8%), Site 5 (10%), "
        "and 1 more site; every one is listed with its figures in the table of sites behind "
        "the opinion."
    )
    # its strength is the weakest site's: each of them holds at least that firmly
    assert folded.figures["p_value"] == 0.03
    assert folded.figures["strongest_p"] == 0.0001
    assert (folded.figures["sites"], folded.figures["of_sites"]) == (6, 10)
    assert sites["rule"].eq("conversion-gap:SITES").all()
    assert sites["site"].tolist() == ["s4", "s2", "s6", "s3", "s5", "s1"]
    assert sites["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert sites["figure"].tolist()[:2] == ["9%", "7%"]


def test_data_checks_fold_by_how_far_off_they_are() -> None:
    ratios = [1.3, 0.5, 1.4, 1.31, 2.2, 1.26]
    hyps = [littles(i, r) for i, r in enumerate(ratios, start=1)]

    found, sites = summarise_by_rule(hyps, NAMES, words())

    assert len(found) == 1
    folded = found[0]
    assert folded.key == "data-quality:littles-law:SITES"
    assert folded.p_value is None and "more than chance" not in folded.statement
    # the furthest-off site decides whether the check is material to the client's opinion
    assert folded.figures["ratio"] == 2.2
    assert sites["site"].tolist() == ["s5", "s2", "s3", "s4", "s1", "s6"]


def test_the_client_words_are_used() -> None:
    hyps = [littles(i, 1.5) for i in range(1, 7)]
    clinic_words = words()
    clinic_words = type(clinic_words)(
        **{**clinic_words.__dict__, "site": "clinic", "sites": "clinics"}
    )

    found, _ = summarise_by_rule(hyps, NAMES, clinic_words)

    assert found[0].title == "Caseload data for 6 of 10 clinics do not add up"
    assert "and 1 more clinic;" in found[0].statement


@pytest.mark.parametrize("limit", [2, 3])
def test_the_limit_sets_how_many_are_named(limit: int) -> None:
    hyps = [conversion_gap(i, 0.001 * i, 0.1) for i in range(1, 6)]

    found, sites = summarise_by_rule(hyps, NAMES, words(), limit=limit)

    assert len(found) == 1
    assert found[0].statement.count("(10%)") == limit
    assert isinstance(sites, pd.DataFrame) and len(sites) == 5


@pytest.fixture(scope="module")
def many_sites(tmp_path_factory: pytest.TempPathFactory):
    """The demo contract at 24 sites (data/demo/generate.py), run through step 1."""
    import importlib.util
    import sys
    from pathlib import Path

    from assessment import data_analysis as step1
    from assessment.engagement import load_engagement

    script = Path(__file__).resolve().parents[2] / "data" / "demo" / "generate.py"
    spec = importlib.util.spec_from_file_location("demo_generate_many", script)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator  # dataclasses look their module up while built
    spec.loader.exec_module(generator)
    out = tmp_path_factory.mktemp("many")
    generator.generate_contract(generator.northshore(customers=24_000, sites=24), out)
    engagement = load_engagement(out / "northshore")
    return step1.analyse(engagement, step1.read_inputs(engagement))


def test_at_24_sites_no_rule_names_more_than_five_sites_one_by_one(many_sites) -> None:
    hyps = many_sites.hypotheses
    site_level = hyps[hyps["site"].notna()]
    rules = site_level["key"].str.replace(r":site-\d+", ":SITE", regex=True)
    assert rules.value_counts().max() <= 5
    folded = hyps[hyps["key"].str.contains(":SITES")]
    assert len(folded) >= 1
    sites = many_sites.opinion_sites
    for row in folded.itertuples():
        rows = sites[sites["rule"] == row.key]
        # the table holds every site the folded hypothesis counts, ranked from 1
        assert len(rows) == row.figures["sites"] > 5
        assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
        assert rows["site_name"].iloc[0] in row.statement
    # ranked by strength: data checks last, the rest by p-value
    p = [f.get("p_value") for f in hyps["figures"]]
    tested = [v for v in p if v is not None]
    assert tested == sorted(tested)
    assert all(v is None for v in p[len(tested) :])
