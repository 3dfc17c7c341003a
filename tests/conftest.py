"""Shared fixtures: a small, valid engagement folder built in tmp_path.

The engagement uses the client's own column names (mapped in engagement.yaml), as a real one
does, so tests check that messages speak the client's words. Row numbers in the CSVs are as a
spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

ENGAGEMENT_YAML = """\
schema_version: 1
client:
  name: Acme Employment
  sector: Employment services
contract:
  name: Acme main contract
  reference: ACME-001
  desired_outcome: Customers move into sustained employment
  start: 2024-01-01
  end: 2025-12-31
  headline_kpi: job_outcomes
sites:
  - key: north
    name: North Hub
    aliases: [NTH, Northern]
  - key: south
    name: South Hub
    aliases: [STH]
kpis:
  - key: referrals
    label: Referrals
    target_per_period: 100
  - key: starts
    label: Starts
    target_per_period: 80
    site_targets:
      south: 60
  - key: job_outcomes
    label: Job outcomes
    target_per_period: 20
    value_per_unit: 1500
inputs:
  kpi:
    path: inputs/kpi.csv
    columns:
      site: Office
      period: Month
      measure: Metric
      actual: Achieved
      target: Goal
    measures:
      referrals: Refs
      starts: Starts
      job_outcomes: Jobs
  caseload:
    path: inputs/caseload.csv
    columns:
      customer_id: Client Ref
      site: Office
      referral_date: Referred
      start_date: Started
      outcome_date: Job Date
      exit_date: Left
  work_sampling:
    path: inputs/work_sampling.csv
    columns:
      observed_at: When
      site: Office
      role: Job title
      activity: Doing
    activities:
      Customer appointment: value_adding
      Case notes: value_enabling
      Waiting: non_value
team:
  - name: Lead Consultant
    role: Engagement lead
    day_rate: 950
"""

# rows 2-7; only North Hub's Jobs has a target in the extract
KPI_CSV = """\
Office,Month,Metric,Achieved,Goal
North Hub,2024-01,Refs,90,
North Hub,2024-01,Starts,70,
North Hub,2024-01,Jobs,15,25
South Hub,2024-01,Refs,110,
South Hub,2024-01,Starts,50,
South Hub,2024-01,Jobs,18,
"""

# day-first dates, as the client's system exports them
CASELOAD_CSV = """\
Client Ref,Office,Referred,Started,Job Date,Left
C001,North Hub,03/01/2024,10/01/2024,,
C002,South Hub,05/01/2024,,,20/02/2024
C003,NTH,15/01/2024,01/02/2024,15/03/2024,
"""

WORK_SAMPLING_CSV = """\
When,Office,Job title,Doing
02/01/2024 09:00,North Hub,Adviser,Customer appointment
02/01/2024 09:30,South Hub,Adviser,Case notes
02/01/2024 10:00,South Hub,Team leader,Waiting
"""

DEFAULT_FILES = {
    "engagement.yaml": ENGAGEMENT_YAML,
    "inputs/kpi.csv": KPI_CSV,
    "inputs/caseload.csv": CASELOAD_CSV,
    "inputs/work_sampling.csv": WORK_SAMPLING_CSV,
}


def write_file(folder: Path, relative: str, text: str) -> Path:
    """(Re)write one file of an engagement folder; returns its path."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def make_engagement(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_engagement(folder=None, files=None) -> folder``.

    Writes the default valid engagement into ``folder`` (a path, or a name under tmp_path;
    ``tmp_path/"engagement"`` by default), with any file replaced by the text given for its
    relative path, e.g. ``make_engagement(files={"inputs/kpi.csv": "..."})``.
    """

    def make(folder: str | Path | None = None, files: dict[str, str] | None = None) -> Path:
        root = tmp_path / (folder or "engagement")  # an absolute folder is used as it is
        for relative, text in {**DEFAULT_FILES, **(files or {})}.items():
            write_file(root, relative, text)
        return root

    return make


@pytest.fixture
def engagement_dir(make_engagement: Callable[..., Path]) -> Path:
    """A minimal valid engagement: 2 sites, 3 KPIs, KPI, caseload and work-sampling CSVs."""
    return make_engagement()


@pytest.fixture
def rewrite() -> Callable[[Path, str, str], Path]:
    """Helper: ``rewrite(folder, "inputs/kpi.csv", text)`` replaces one file of an engagement."""
    return write_file


_CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> dict[str, object]:
    """Launch options of Debian's Chromium for Playwright (``chromium.launch(**chromium)``).

    Skipped on a developer's machine without Chromium, but a failure in CI (``CI`` set), where
    .ci/run installs it and a skip would hide a broken set-up.
    """
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        message = f"Chromium not found at {path} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {"executable_path": path, "args": _CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="module")
def browser(chromium: dict) -> Iterator:
    """Headless Chromium driven by Playwright, one per test module, closed after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**chromium)
        try:
            yield launched
        finally:
            launched.close()


OPINION = [
    {
        "key": "perf-gap:north:job_outcomes",
        "kind": "performance",
        "site": "north",
        "kpi": "job_outcomes",
        "title": "North Hub at 60% of target on job outcomes",
        "statement": "North Hub delivers 60% of its contracted job outcomes.",
        "figures": {"pct_of_target": 60.0, "actual": 15.0},
    },
    {
        "key": "time-with-customer:south",
        "kind": "time-with-customer",
        "site": "south",
        "kpi": None,
        "title": "Little time with customers at South Hub",
        "statement": "Staff at South Hub spend 7.0% of their time with customers.",
        "figures": {"share": 0.07, "n": 256},
    },
    {
        "key": "data-quality:littles-law:north",
        "kind": "data-quality",
        "site": "north",
        "kpi": None,
        "title": "Caseload data for North Hub do not add up",
        "statement": "The caseload data for North Hub do not add up.",
        "figures": {"ratio": 1.31},
    },
]
"""A hand-made initial opinion (step 1's hypotheses) for the tests of steps 2 and 3."""


@pytest.fixture
def opinion_engagement(engagement_dir: Path):
    """The minimal engagement, loaded, with ``OPINION`` stored as step 1's hypotheses."""
    from assessment.engagement import load_engagement
    from assessment.store import Store

    engagement = load_engagement(engagement_dir)
    with Store(engagement.store_path) as store:
        store.sync_hypotheses("data_analysis", OPINION)
    return engagement


@pytest.fixture
def starts_to_date() -> pd.DataFrame:
    """Performance to date of two measures at three sites; Eastgate is below contract."""
    return pd.DataFrame(
        {
            "site": ["north", "east", "south", "north"],
            "site_name": ["Northshore", "Eastgate", "Southport", "Northshore"],
            "measure": ["starts", "starts", "starts", "outcomes"],
            "actual": [125.0, 87.0, 104.2, 10.0],
            "target": [120.0, 100.0, 100.0, 20.0],
            "pct_of_target": [104.2, 87.0, 104.2, 50.0],
            "gap": [5.0, -13.0, 4.2, -10.0],
        }
    )


KERNEL_FIXTURES = frozenset(
    {"demo_report_run", "demo_run", "northshore_run", "mixed_batch", "served"}
)
"""Fixtures that run notebooks on kernels (or serve them): a test using one is a notebook test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a kernel-starting fixture ``notebook``.

    ``make test-fast`` runs ``-m "not notebook and not browser"``: a test that starts a kernel
    through a shared fixture must not slip into it because its author forgot the mark.
    """
    for item in items:
        if KERNEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.notebook)
