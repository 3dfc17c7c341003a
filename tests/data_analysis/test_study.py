"""A work-sampling study is labelled with its sites and days, never as the contract."""

from __future__ import annotations

from pathlib import Path

from assessment import data_analysis as step1
from assessment.data_analysis.performance import ALL_SITES
from assessment.engagement import load_engagement

ONE_CLINIC = """\
When,Office,Job title,Doing
01/10/2024 09:00,North Hub,Adviser,Case notes
02/10/2024 09:30,North Hub,Adviser,Waiting
03/10/2024 10:00,North Hub,Team leader,Waiting
"""


def test_a_study_at_one_site_over_three_days_is_named_so(engagement_dir: Path, rewrite) -> None:
    rewrite(engagement_dir, "inputs/work_sampling.csv", ONE_CLINIC)
    engagement = load_engagement(engagement_dir)

    result = step1.analyse(engagement, step1.read_inputs(engagement))

    overall = result.value_adding[result.value_adding["site"] == ALL_SITES]
    assert overall["site_name"].tolist() == ["Study: North Hub, 01–03 Oct 2024"]
    titles = result.hypotheses["title"].tolist()
    assert "Little time with customers across the study (North Hub, 01–03 Oct 2024)" in titles
    assert not any("across the contract" in t for t in titles)
    # the KPI figures are still the contract's
    to_date = result.performance_to_date
    assert "Contract total" in to_date.loc[to_date["site"] == ALL_SITES, "site_name"].tolist()
