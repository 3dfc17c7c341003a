"""engagement.yaml: a valid file loads; every mistake is reported with its key path and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.errors import InputError


def line_of(text: str, snippet: str) -> int:
    """The 1-based line of ``text`` holding ``snippet`` (as an editor shows it)."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if snippet in line)


@pytest.fixture
def yaml_text(engagement_dir: Path) -> str:
    """The valid engagement.yaml of the fixture, to be edited by a test."""
    return (engagement_dir / "engagement.yaml").read_text(encoding="utf-8")


def load_error(folder: Path, yaml_text: str) -> InputError:
    (folder / "engagement.yaml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_engagement(folder)
    return caught.value


def test_valid_engagement_loads_sites_kpis_and_defaults(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir)

    assert engagement.client.name == "Acme Employment"
    assert engagement.site_names() == {"north": "North Hub", "south": "South Hub"}
    assert engagement.sites[0].aliases == ["NTH", "Northern"]
    assert engagement.contract.headline_kpi == "job_outcomes"
    assert engagement.kpi("job_outcomes").label == "Job outcomes"
    assert engagement.kpi("job_outcomes").value_per_unit == 1500
    assert engagement.kpi("starts").site_targets == {"south": 60}
    assert engagement.contract.start == dt.date(2024, 1, 1)
    assert engagement.contract.end == dt.date(2025, 12, 31)
    assert [(s.name, s.fraction) for s in engagement.roadmap.stages] == [
        ("Base camp", None),
        ("Camp 1", 0.55),
        ("Camp 2", 0.85),
        ("The summit", 1.0),
    ]
    assert engagement.root == engagement_dir.resolve()
    assert engagement.store_path == engagement_dir.resolve() / "workbook.sqlite"
    assert engagement.input_path("inputs/kpi.csv") == engagement_dir.resolve() / "inputs/kpi.csv"


def test_loads_from_the_path_of_engagement_yaml_too(engagement_dir: Path) -> None:
    engagement = load_engagement(engagement_dir / "engagement.yaml")

    assert engagement.root == engagement_dir.resolve()


def test_misspelt_key_is_named_with_its_path_and_line(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("  sector: Employment", "  sectr: Employment")

    error = load_error(engagement_dir, text)

    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.where == str(engagement_dir / "engagement.yaml")
    assert problem.field == "client.sectr"
    assert problem.location == f"line {line_of(text, 'sectr:')}" == "line 4"
    assert "unknown key" in problem.message
    assert "engagement.yaml, line 4, 'client.sectr': unknown key" in str(error)


def test_misspelt_section_points_at_its_key_not_the_line_below(
    engagement_dir: Path, yaml_text: str
) -> None:
    text = yaml_text + "analysys:\n  spread_pp: 30\n"

    error = load_error(engagement_dir, text)

    assert [(p.field, p.location) for p in error.problems] == [
        ("analysys", f"line {line_of(text, 'analysys:')}")
    ]


def test_wrong_type_names_the_value_and_its_line(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("day_rate: 950", "day_rate: lots")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.field == "team.0.day_rate"
    assert problem.location == f"line {line_of(text, 'day_rate:')}"
    assert "valid number" in problem.message
    assert "(got 'lots')" in problem.message


def test_every_problem_of_the_file_is_reported_at_once(
    engagement_dir: Path, yaml_text: str
) -> None:
    text = yaml_text.replace("  sector:", "  sectr:").replace("950", "lots")

    error = load_error(engagement_dir, text)

    message = str(error)
    assert message.startswith("2 problems found:")
    assert f"line {line_of(text, 'sectr:')}, 'client.sectr'" in message
    assert f"line {line_of(text, 'day_rate:')}, 'team.0.day_rate'" in message


def test_invalid_yaml_syntax_names_the_line(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("reference: ACME-001", "reference: [ACME-001")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.message.startswith("not valid YAML")
    # the parser notices the unclosed list on the next key
    assert problem.location == f"line {line_of(text, 'reference:') + 1}"


def test_impossible_date_is_reported_by_key_and_line(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("end: 2025-12-31", "end: 2025-02-30")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.field == "contract.end"
    assert problem.location == f"line {line_of(text, 'end: 2025-02-30')}"
    assert "(got '2025-02-30')" in problem.message


def test_headline_kpi_must_be_one_of_the_kpis(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("headline_kpi: job_outcomes", "headline_kpi: jobs")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.message == (
        "contract.headline_kpi 'jobs' is not a KPI key "
        "(expected one of: referrals, starts, job_outcomes)"
    )


def test_site_keys_must_be_unique(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("key: south", "key: north").replace("south: 60", "north: 60")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.message == "site keys must be unique: north repeated"


def test_site_targets_must_name_known_sites(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("south: 60", "west: 60")

    error = load_error(engagement_dir, text)

    assert "kpis 'starts' site_targets name unknown site(s) west" in str(error)


def test_contract_end_must_be_after_start(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("end: 2025-12-31", "end: 2023-12-31")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.field == "contract"
    assert problem.location == f"line {line_of(text, 'contract:')}"
    assert problem.message == "end (2023-12-31) must be after start (2024-01-01)"


def test_required_key_missing_is_named(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text.replace("  reference: ACME-001\n", "")

    error = load_error(engagement_dir, text)

    [problem] = error.problems
    assert problem.field == "contract.reference"
    assert problem.message == "required key is missing"


def test_missing_engagement_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_engagement(tmp_path)

    [problem] = caught.value.problems
    assert problem.where == str(tmp_path / "engagement.yaml")
    assert "file not found" in problem.message


def test_empty_engagement_file_says_what_is_expected(engagement_dir: Path) -> None:
    error = load_error(engagement_dir, "")

    assert "expected a mapping of keys (client, contract, sites, ...)" in str(error)


ROADMAP_WITH_DATES = """
roadmap:
  stages:
    - name: Base camp
    - name: Camp 1
      fraction: 0.55
      by: {camp1}
    - name: The summit
      fraction: 1.0
      by: {summit}
"""


def test_roadmap_stages_may_carry_the_date_they_should_be_reached(
    engagement_dir: Path, yaml_text: str
) -> None:
    text = yaml_text + ROADMAP_WITH_DATES.format(camp1="2024-09-30", summit="2025-12-31")
    (engagement_dir / "engagement.yaml").write_text(text, encoding="utf-8")

    stages = load_engagement(engagement_dir).roadmap.stages

    assert [s.by for s in stages] == [None, dt.date(2024, 9, 30), dt.date(2025, 12, 31)]


def test_a_roadmap_date_outside_the_contract_is_named(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text + ROADMAP_WITH_DATES.format(camp1="2024-09-30", summit="2027-06-30")

    error = load_error(engagement_dir, text)

    assert "roadmap stage 'The summit' by 2027-06-30 is outside the contract" in str(error)


def test_roadmap_dates_must_not_go_back_in_time(engagement_dir: Path, yaml_text: str) -> None:
    text = yaml_text + ROADMAP_WITH_DATES.format(camp1="2025-09-30", summit="2024-12-31")

    error = load_error(engagement_dir, text)

    assert "stage dates (by) must not go back in time" in str(error)


def _edited(folder: Path, old: str, new: str) -> Path:
    path = folder / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_measures_written_the_old_way_are_read_with_a_notice(engagement_dir: Path) -> None:
    old = _edited(
        engagement_dir,
        "      referrals: Refs\n      starts: Starts\n      job_outcomes: Jobs\n",
        "      Refs: referrals\n      Starts: starts\n      Jobs: job_outcomes\n",
    )
    engagement = load_engagement(old)

    assert engagement.measure_names() == {
        "referrals": "Refs",
        "starts": "Starts",
        "job_outcomes": "Jobs",
    }
    (notice,) = engagement.notices()
    assert notice.field == "inputs.kpi.measures"
    assert "write them KPI key -> their name (referrals: Refs)" in notice.message


def test_measures_naming_an_unknown_kpi_are_an_error(engagement_dir: Path) -> None:
    typo = _edited(engagement_dir, "      starts: Starts\n", "      strats: Starts\n")

    with pytest.raises(InputError, match=r"inputs.kpi.measures names unknown KPI\(s\) strats"):
        load_engagement(typo)


def test_site_choices_carry_the_aliases_a_typed_site_may_use(engagement_dir: Path) -> None:
    from assessment.entries import check_values, resolve_choice

    choices = {"ALL": "ALL (the contract as a whole)"} | load_engagement(
        engagement_dir
    ).site_choices()
    assert dict(choices) == {
        "ALL": "ALL (the contract as a whole)",
        "north": "North Hub",
        "south": "South Hub",
    }
    for typed, key in [
        ("STH", "south"),
        ("northern", "north"),
        ("North Hub", "north"),
        ("ALL", "ALL"),
    ]:
        assert resolve_choice(typed, choices) == key, typed
    assert resolve_choice("Nowhere", choices) == "Nowhere"
    assert check_values({"site": "Nowhere"}, {"site": choices})  # reported, never guessed
