"""A work-sampling study is labelled with its sites and days, never as the contract."""

from __future__ import annotations

from pathlib import Path

from readable_text import plain

from assessment import data_analysis as step1
from assessment.data_analysis.performance import ALL_SITES
from assessment.engagement import load_engagement

# 40 observations over three days, none with a customer: 0 of 40, Wilson interval 0-8.8%, so the
# study is surely below the 15% floor (three observations would say nothing).
ONE_CLINIC = "When,Office,Job title,Doing\n" + "".join(
    f"0{1 + i % 3}/10/2024 {9 + i // 6:02d}:{i % 6 * 10:02d},North Hub,Adviser,Waiting\n"
    for i in range(40)
)


def test_a_study_at_one_site_over_three_days_is_named_so(engagement_dir: Path, rewrite) -> None:
    rewrite(engagement_dir, "inputs/work_sampling.csv", ONE_CLINIC)
    engagement = load_engagement(engagement_dir)

    result = step1.analyse(engagement, step1.read_inputs(engagement))

    overall = result.value_adding[result.value_adding["site"] == ALL_SITES]
    # the days as every date is written ("1 Oct 2024"), kept on one line
    assert overall["site_name"].tolist() == ["Study: North Hub, 1–3\u00a0Oct\u00a02024"]
    titles = [plain(t) for t in result.hypotheses["title"]]
    assert "Little time with customers across the study (North Hub, 1–3 Oct 2024)" in titles
    assert not any("across the contract" in t for t in titles)
    # the KPI figures are still the contract's
    to_date = result.performance_to_date
    assert "Contract total" in to_date.loc[to_date["site"] == ALL_SITES, "site_name"].tolist()
