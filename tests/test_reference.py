"""The engagement.yaml reference: the shipped JSON Schema and docs page follow the model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from assessment import reference
from assessment.cli import main
from assessment.yamlfile import Loader

ROOT = Path(__file__).resolve().parents[1]
ENGAGEMENTS = sorted((ROOT / "data" / "demo").glob("*/engagement.yaml"))


def test_shipped_schema_is_the_models() -> None:
    assert reference.SCHEMA_FILE.read_text(encoding="utf-8") == reference.schema_text(), (
        "assessment/engagement.schema.json is out of date: run assess schema --write"
    )


def test_reference_page_is_the_models() -> None:
    assert reference.REFERENCE_FILE.read_text(encoding="utf-8") == reference.reference_text(), (
        "docs/engagement-reference.md is out of date: run assess schema --write"
    )


def test_every_key_is_explained_and_every_required_key_has_an_example() -> None:
    rows = [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in reference.reference_text().splitlines()
        if line.startswith("| `")
    ]
    rows = [r for r in rows if len(r) == 6]  # not the table of our fields
    assert len(rows) > 80
    unexplained = [r[0] for r in rows if not r[5]]
    assert not unexplained, f"keys without a meaning: {unexplained}"
    without_example = [r[0] for r in rows if r[2] == "yes" and not r[4]]
    sections = {"`inputs.kpi`"}  # a section's example is its own table
    assert not set(without_example) - sections
    assert "| `inputs.kpi.header_row` | integer | no | `1` | `3` |" in reference.reference_text()


@pytest.mark.parametrize("path", ENGAGEMENTS, ids=lambda p: p.parent.name)
def test_schema_accepts_the_demo_engagements(path: Path) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)

    jsonschema.validate(document, reference.engagement_schema())


def test_schema_refuses_a_misspelt_key() -> None:
    document = yaml.load(ENGAGEMENTS[0].read_text(encoding="utf-8"), Loader=Loader)
    document["inputs"]["kpi"]["header_rows"] = 3

    with pytest.raises(jsonschema.ValidationError, match="header_rows"):
        jsonschema.validate(document, reference.engagement_schema())


def test_assess_schema_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(reference.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert "header_row" in printed["$defs"]["KpiExtract"]["properties"]


def test_template_and_new_engagements_point_editors_at_the_schema(tmp_path: Path) -> None:
    template = ROOT / "templates" / "engagement" / "engagement.yaml"
    first = template.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../assessment/engagement.schema.json"
    assert (template.parent / first.split("=", 1)[1]).resolve() == reference.SCHEMA_FILE

    assert (
        main(
            [
                "new",
                str(tmp_path / "acme"),
                "--client",
                "Acme",
                "--start",
                "2025-04-01",
                "--end",
                "2027-03-31",
            ]
        )
        == 0
    )

    line = (tmp_path / "acme" / "engagement.yaml").read_text(encoding="utf-8").splitlines()[0]
    pointed = (tmp_path / "acme" / line.split("=", 1)[1]).resolve()
    assert pointed == reference.SCHEMA_FILE
