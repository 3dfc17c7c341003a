"""Fixtures of discovery tests: a vocabulary, an evidence-row factory, a store with hypotheses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assessment.discovery.vocabulary import Vocabulary, default_vocabulary
from assessment.store import Store

SITES = {"north": "North Hub", "south": "South Hub", "east": "East Hub"}
HYPOTHESES = ["h1", "h2", "h3", "h4", "h5"]


@pytest.fixture
def vocab() -> Vocabulary:
    """The method's default vocabulary with three sites."""
    return default_vocabulary(SITES)


def evidence_item(**overrides: Any) -> dict[str, Any]:
    """A valid evidence row (as a form or a capture sheet gives it), with fields overridden."""
    row: dict[str, Any] = {
        "source_type": "one_to_one",
        "site": "north",
        "role": "Adviser",
        "date": "2025-03-04",
        "text": "We do not have a defined customer journey.",
        "heading": "customer_experience",
        "dimensions": ["delivery_method"],
        "sentiment": "negative",
        "bears_on": [],
        "shareable": False,
    }
    return row | overrides


@pytest.fixture
def make_item() -> Callable[..., dict[str, Any]]:
    """Factory of valid evidence rows: ``make_item(site="south", ...)``."""
    return evidence_item


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A workbook store holding step 1's hypotheses h1 to h5 (titles "Hypothesis h1", ...)."""
    with Store(tmp_path / "workbook.sqlite") as opened:
        opened.sync_hypotheses(
            "data_analysis",
            [
                {
                    "key": key,
                    "kind": "test",
                    "site": None,
                    "kpi": None,
                    "title": f"Hypothesis {key}",
                    "statement": f"Statement of {key}",
                    "figures": {},
                }
                for key in HYPOTHESES
            ],
        )
        yield opened
