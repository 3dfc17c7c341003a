"""A KPI where a sentence needs a noun: "of its contracted patients discharged well"."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.wording import kpi_noun

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"

# every KPI of the four demo contracts, as it reads after "delivers 72% of its contracted"
DEMO_NOUNS = {
    "northshore": {
        "referrals": "referrals (on-flow)",
        "starts": "starts",
        "job_outcomes": "job outcomes",
        "sustained_outcomes": "sustained job outcomes (26 weeks)",
    },
    "riverside": {"referrals": "referrals", "starts": "starts", "job_outcomes": "job outcomes"},
    "eastfield": {
        "referrals": "referrals",
        "starts": "starts",
        "job_outcomes": "job outcomes",
        "early_leavers": "early leavers (within 6 weeks)",
    },
    "brookside": {
        "referrals": "referrals",
        "seen": "patients seen",
        "discharged_well": "patients discharged well",
    },
}


@pytest.mark.parametrize("key", sorted(DEMO_NOUNS))
def test_every_demo_kpi_reads_as_a_noun_after_its_contracted(key: str) -> None:
    engagement = load_engagement(DEMO / key)

    assert engagement.kpi_nouns() == DEMO_NOUNS[key]


def test_a_label_naming_an_event_takes_its_unit_and_a_noun_stays_as_it_is() -> None:
    assert kpi_noun("Discharged well", "patients") == "patients discharged well"
    assert kpi_noun("Housed", "families") == "families housed"
    # a participle before a plural noun is an adjective: the label is a noun already
    assert kpi_noun("Sustained job outcomes (26 weeks)", "customers") == (
        "sustained job outcomes (26 weeks)"
    )
    assert kpi_noun("KPI 4 outcomes", "customers") == "KPI 4 outcomes"  # an acronym keeps its case


def test_engagement_yaml_may_name_the_noun_itself(engagement_dir: Path) -> None:
    path = engagement_dir / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    assert "label: Job outcomes\n" in text
    path.write_text(
        text.replace("label: Job outcomes\n", "label: Job outcomes\n    noun: people in work\n"),
        encoding="utf-8",
    )

    assert load_engagement(engagement_dir).kpi("job_outcomes").as_noun() == "people in work"
