r"""Generate the demo engagements and the demo portfolio shipped in ``data/demo``.

Three fictional contracts, each an engagement folder (``engagement.yaml`` + client extracts in the
client's own words), and ``portfolio.yaml`` listing them:

- ``northshore``: Northshore Employment Services, Work and Health Programme — North Lot. Four
  sites; only Harbour Street has a defined customer journey and it is the only site above 100% of
  its contracted job outcomes. KPI extract: Excel, wide; caseload: Parquet; work sampling: CSV.
  Westfield House's caseload misses about 8% of its exits (the deliberate data problem).
- ``riverside``: Riverside Pathways, three sites, improving after a customer-journey redesign.
- ``eastfield``: Eastfield Community Trust, two sites, stable.

The script is seeded and deterministic: running it twice writes byte-identical files (fixed
workbook properties and zip timestamps in the xlsx, no timestamps in the Parquet metadata, fixed
number formats and ``\\n`` line endings in the CSVs). Customers are simulated one array at a time
(never one Python loop per customer), so a million customers take seconds.

Usage::

    python data/demo/generate.py                       # rewrite the committed demo
    python data/demo/generate.py --out /tmp/demo       # somewhere else
    python data/demo/generate.py --out /tmp/big --customers 1000000 --sites 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import sys
import textwrap
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

SEED = 20240101
"""Base seed. Each contract draws from its own stream ``[SEED, stream]``, so one never shifts
another. The stream numbers were picked among the first 60 as ones whose noise does not blur the
story (a small site's last six months can look like a decline by chance alone): see README.md."""

DEFAULT_CUSTOMERS = 20_000
"""Customers of the main (northshore) engagement as committed."""

DEFAULT_SITES = 4
"""Sites of the main engagement as committed (Harbour Street, Millbrook, Eastgate, Westfield)."""

FIXED_TIME = dt.datetime(2026, 1, 5, 9, 0, 0)
"""Created/modified time written into the xlsx properties (the day the extracts were 'taken')."""

_ZIP_TIME = (2026, 1, 5, 9, 0, 0)
_APP_XML = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Microsoft Excel</Application></Properties>'
)
"""docProps/app.xml without the writing library's version (which would change the bytes)."""
_BANK_HOLIDAYS = np.array(
    [
        "2023-01-02",
        "2023-04-07",
        "2023-04-10",
        "2023-05-01",
        "2023-05-08",
        "2023-05-29",
        "2023-08-28",
        "2023-12-25",
        "2023-12-26",
        "2024-01-01",
        "2024-03-29",
        "2024-04-01",
        "2024-05-06",
        "2024-05-27",
        "2024-08-26",
        "2024-12-25",
        "2024-12-26",
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-05",
        "2025-05-26",
        "2025-08-25",
        "2025-12-25",
        "2025-12-26",
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
    ],
    dtype="datetime64[D]",
)
_CALENDAR = np.busdaycalendar(holidays=_BANK_HOLIDAYS)
"""Working days: Monday to Friday except bank holidays in England (2023-2026)."""
_DAY = np.timedelta64(1, "D")
_SEASON = np.array([1.10, 1.05, 1.05, 0.95, 1.00, 1.00, 0.95, 0.85, 1.05, 1.05, 1.00, 0.80])
"""Referral seasonality by calendar month (January first): quiet in August and December."""


# --------------------------------------------------------------------------------------------
# Specifications: what each contract, site and KPI looks like
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """How customers of one site move through the service, and what the site is contracted to do.

    Attributes:
        referrals: Expected referrals per month (relative weight of the site's on-flow).
        start_rate: Share of referrals who start.
        start_days: Mean days from referral to start.
        outcome_rate: Share of starters who reach a job outcome (before any trend).
        outcome_rate_end: The share for customers starting at the end of the KPI window; it
            moves linearly from ``outcome_rate`` from ``trend_from`` on (None: no trend).
        trend_from: Where in the KPI window (0 = first day, 1 = last) the trend begins.
        outcome_days: Mean days from start to job outcome.
        sustain_rate: Share of job outcomes sustained for 26 weeks.
        dropout_rate: Share of starters without an outcome who leave early.
        dropout_days: Mean days in service of those early leavers.
        programme_days: Days a starter without an outcome stays at most.
        missing_exits: Share of the site's exits left without an exit date in the extract.
        targets: Steady-state monthly target per KPI key.
        sampling: Work-sampling counts (value adding, value enabling, non value) of 256.
    """

    referrals: float
    start_rate: float
    start_days: float
    outcome_rate: float
    outcome_rate_end: float | None
    outcome_days: float
    sustain_rate: float
    dropout_rate: float
    dropout_days: float
    programme_days: int
    targets: Mapping[str, float]
    sampling: tuple[int, int, int]
    trend_from: float = 0.0
    missing_exits: float = 0.0


@dataclass(frozen=True)
class SiteSpec:
    """A delivery site and how each client extract spells its name.

    Attributes:
        key: Our site key (never written into an extract).
        name: Display name (used by the caseload extract).
        kpi_label: The spelling of the KPI extract (an alias).
        sampling_label: The spelling of the work-sampling sheet (an alias).
        behaviour: How the site performs.
        staff: People delivering at the site (weights the contract's work-sampling share).
    """

    key: str
    name: str
    kpi_label: str
    sampling_label: str
    behaviour: Behaviour
    staff: int | None = None

    @property
    def aliases(self) -> list[str]:
        """Spellings other than the name found in the extracts."""
        return [self.kpi_label, self.sampling_label]


@dataclass(frozen=True)
class KpiSpec:
    """A contracted KPI, the caseload event it counts and how the client's extract names it.

    Attributes:
        key: Our KPI key.
        label: Display label.
        unit: Unit of the count.
        event: Caseload event counted per month: referral, start, outcome, sustained or
            early_leaver.
        client_name: Measure name (long extract) or actual column (wide extract).
        client_target: Target column (wide extract only).
        ramp: Target profile over the first contract months (1.0 after).
        value_per_unit: Value of one unit, for ROI.
        better: "higher" or "lower".
        extract_target: Whether the KPI extract carries the target (else blank: the contract's).
    """

    key: str
    label: str
    unit: str
    event: str
    client_name: str
    client_target: str = ""
    ramp: tuple[float, ...] = ()
    value_per_unit: float = 0.0
    better: str = "higher"
    extract_target: bool = True


@dataclass(frozen=True)
class Vocabulary:
    """The client's words for work-sampling activities and roles.

    Attributes:
        activities: Per category, the activities and their relative frequency.
        roles: Roles and, per category, the chance each role is the one observed.
    """

    activities: Mapping[str, Sequence[tuple[str, float]]]
    roles: Mapping[str, Sequence[tuple[str, float]]]


@dataclass(frozen=True)
class ContractSpec:
    """One demo engagement: client, contract, sites, KPIs, extract formats and column names.

    The KPI window is ``months`` months from ``first_month``; column maps are ours -> theirs.
    """

    key: str
    stream: int
    client: str
    contract: str
    reference: str
    start: dt.date
    end: dt.date
    first_month: str
    months: int
    customers: int
    sites: tuple[SiteSpec, ...]
    kpis: tuple[KpiSpec, ...]
    default_site: str
    vocabulary: Vocabulary
    study_start: dt.date
    kpi_format: str  # "wide-xlsx" or "long-csv"
    kpi_columns: Mapping[str, str]
    kpi_month_format: str  # "date" (Excel dates), "%Y-%m" or "%d/%m/%Y"
    caseload_format: str  # "parquet" or "csv"
    caseload_columns: Mapping[str, str]
    id_prefix: str
    sampling_columns: Mapping[str, str]
    team: tuple[tuple[str, str, int], ...]
    story: str
    id_digits: int = 6
    caseload_from: str = ""  # first month of referrals when the caseload predates the KPIs
    headline_kpi: str = "job_outcomes"
    sector: str = "Employment services"
    desired_outcome: str = "Customers move into sustained employment"
    terminology: tuple[tuple[str, str], ...] = ()  # the client's words (engagement.yaml)
    roadmap_agreed: bool = True  # False: no roadmap: in engagement.yaml until step 5 agrees it

    @property
    def referrals_from(self) -> str:
        """First month of referrals in the caseload (its history may start before the KPIs)."""
        return self.caseload_from or self.first_month


# --------------------------------------------------------------------------------------------
# The three demo contracts
# --------------------------------------------------------------------------------------------

_NORTHSHORE_VOCABULARY = Vocabulary(
    activities={
        "value_adding": [
            ("1-2-1 appointment with customer", 0.55),
            ("Job search with customer", 0.30),
            ("Group workshop", 0.15),
        ],
        "value_enabling": [
            ("Case notes", 0.40),
            ("Employer engagement", 0.25),
            ("Case conference", 0.20),
            ("Team huddle", 0.15),
        ],
        "non_value": [
            ("Compliance paperwork", 0.40),
            ("Waiting for customer (no show)", 0.22),
            ("Chasing information", 0.16),
            ("Re-keying data", 0.12),
            ("Internal email", 0.10),
        ],
    },
    roles={
        "value_adding": [("Employment adviser", 0.85), ("Team leader", 0.15)],
        "value_enabling": [
            ("Employment adviser", 0.60),
            ("Team leader", 0.25),
            ("Administrator", 0.15),
        ],
        "non_value": [("Employment adviser", 0.50), ("Team leader", 0.10), ("Administrator", 0.40)],
    },
)

_J = "job_outcomes"


def _northshore_behaviours() -> dict[str, Behaviour]:
    """The four site archetypes of the main contract (also reused by ``--sites N``)."""
    return {
        # A defined, consistent customer journey: above contract, converts best, 20% with customers
        "harbour": Behaviour(
            referrals=20,
            start_rate=0.88,
            start_days=9,
            outcome_rate=0.37,
            outcome_rate_end=None,
            outcome_days=95,
            sustain_rate=0.85,
            dropout_rate=0.30,
            dropout_days=150,
            programme_days=365,
            targets={"referrals": 20, "starts": 16, _J: 6, "sustained_outcomes": 5},
            sampling=(51, 125, 80),
        ),
        "millbrook": Behaviour(
            referrals=40,
            start_rate=0.80,
            start_days=16,
            outcome_rate=0.19,
            outcome_rate_end=None,
            outcome_days=125,
            sustain_rate=0.75,
            dropout_rate=0.50,
            dropout_days=140,
            programme_days=365,
            targets={"referrals": 40, "starts": 32, _J: 10, "sustained_outcomes": 7},
            sampling=(21, 95, 140),
        ),
        # Declining: started near 40% of its job-outcome target, ends near 20%
        "eastgate": Behaviour(
            referrals=365,
            start_rate=0.72,
            start_days=20,
            outcome_rate=0.125,
            outcome_rate_end=0.03,
            trend_from=0.45,
            outcome_days=135,
            sustain_rate=0.70,
            dropout_rate=0.60,
            dropout_days=120,
            programme_days=365,
            targets={"referrals": 365, "starts": 290, _J: 110, "sustained_outcomes": 80},
            sampling=(18, 82, 156),
        ),
        # Improving from a low base; its caseload extract misses exits (the data problem)
        "westfield": Behaviour(
            referrals=400,
            start_rate=0.65,
            start_days=24,
            outcome_rate=0.06,
            outcome_rate_end=0.18,
            trend_from=0.45,
            outcome_days=135,
            sustain_rate=0.65,
            dropout_rate=0.78,
            dropout_days=85,
            programme_days=365,
            targets={"referrals": 400, "starts": 320, _J: 120, "sustained_outcomes": 85},
            sampling=(14, 74, 168),
            missing_exits=0.08,
        ),
    }


_NORTHSHORE_SITES = (
    ("harbour", "Harbour Street", "HARBOUR ST", "Harbour St office"),
    ("millbrook", "Millbrook Road", "MILLBROOK RD", "Millbrook office"),
    ("eastgate", "Eastgate Centre", "EASTGATE CTR", "Eastgate office"),
    ("westfield", "Westfield House", "WESTFIELD HSE", "Westfield office"),
)

_NORTHSHORE_STAFF = {"harbour": 3, "millbrook": 5, "eastgate": 40, "westfield": 45}
"""Advisers per site: the small sites are small teams, so the contract's share is weighted."""

_JOB_RAMP = (0.0, 0.1, 0.3, 0.5, 0.7, 0.85)


def northshore(customers: int = DEFAULT_CUSTOMERS, sites: int = DEFAULT_SITES) -> ContractSpec:
    """The main demo engagement; ``customers`` and ``sites`` scale it for benchmarks.

    With the default four sites the named sites are used; any other number gives sites
    ``site-001`` … cycling through the four archetypes. Targets scale with the customers per site
    so the story (percentages of target) holds at any size.
    """
    behaviours = _northshore_behaviours()
    if sites == DEFAULT_SITES:
        chosen = [(k, n, code, obs, behaviours[k]) for k, n, code, obs in _NORTHSHORE_SITES]
    else:
        archetypes = list(behaviours.values())
        chosen = [
            (
                f"site-{i:03d}",
                f"Site {i:03d}",
                f"S{i:03d}",
                f"Site {i:03d} office",
                archetypes[(i - 1) % len(archetypes)],
            )
            for i in range(1, sites + 1)
        ]
    default_volume = sum(b.referrals for b in behaviours.values())
    chosen_volume = sum(c[4].referrals for c in chosen)
    scale = customers / DEFAULT_CUSTOMERS * default_volume / chosen_volume
    site_specs = tuple(
        SiteSpec(key, name, code, obs, _scaled(behaviour, scale), _NORTHSHORE_STAFF.get(key))
        for key, name, code, obs, behaviour in chosen
    )
    return ContractSpec(
        key="northshore",
        stream=35,
        client="Northshore Employment Services",
        contract="Work and Health Programme — North Lot",
        reference="WHP-NL-2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2026, 12, 31),
        first_month="2024-01",
        months=24,
        customers=customers,
        sites=site_specs,
        kpis=(
            KpiSpec(
                "referrals",
                "Referrals (on-flow)",
                "customers",
                "referral",
                "Referrals",
                "Referral target",
                ramp=(0.8, 0.9),
            ),
            KpiSpec(
                "starts",
                "Starts",
                "customers",
                "start",
                "Starts",
                "Start target",
                ramp=(0.6, 0.85),
            ),
            KpiSpec(
                _J,
                "Job outcomes",
                "customers",
                "outcome",
                "Job outcomes",
                "Job outcome target",
                ramp=_JOB_RAMP,
                value_per_unit=1500,
            ),
            KpiSpec(
                "sustained_outcomes",
                "Sustained job outcomes (26 weeks)",
                "customers",
                "sustained",
                "Sustained outcomes",
                "Sustained outcome target",
                ramp=(0.0,) * 7 + _JOB_RAMP[1:],
                value_per_unit=1000,
            ),
        ),
        default_site=site_specs[min(2, len(site_specs) - 1)].key,  # an Eastgate-like site
        vocabulary=_NORTHSHORE_VOCABULARY,
        study_start=dt.date(2025, 11, 3),
        kpi_format="wide-xlsx",
        kpi_columns={"site": "Office", "period": "Month"},
        kpi_month_format="date",
        caseload_format="parquet",
        caseload_columns={
            "customer_id": "Participant ref",
            "site": "Office",
            "referral_date": "Referred",
            "start_date": "Started",
            "outcome_date": "Job outcome date",
            "sustained_date": "Sustained outcome date",
            "exit_date": "Left programme",
        },
        id_prefix="WHP",
        id_digits=max(6, len(str(customers))),
        sampling_columns={
            "observed_at": "Date/time",
            "site": "Office",
            "role": "Job role",
            "activity": "Activity observed",
        },
        team=(
            ("Alex Morgan", "Engagement lead", 950),
            ("Priya Shah", "Senior consultant", 780),
            ("Tom Reid", "Data analyst", 560),
        ),
        story=(
            "Only Harbour Street follows a defined customer journey and it is the only site "
            "above contract; the contract as a whole sits near base camp."
        ),
    )


def _scaled(behaviour: Behaviour, scale: float) -> Behaviour:
    """The behaviour with its volume and targets multiplied by ``scale`` (1.0: unchanged)."""
    if scale == 1.0:
        return behaviour
    targets = {k: max(1.0, float(round(v * scale))) for k, v in behaviour.targets.items()}
    return replace(behaviour, referrals=behaviour.referrals * scale, targets=targets)


def riverside() -> ContractSpec:
    """Riverside Pathways: three sites, improving after a customer-journey redesign."""
    vocabulary = Vocabulary(
        activities={
            "value_adding": [("Coaching session", 0.6), ("CV and applications with customer", 0.4)],
            "value_enabling": [
                ("Updating CRM", 0.45),
                ("Employer visit", 0.30),
                ("Team meeting", 0.25),
            ],
            "non_value": [
                ("Audit file checks", 0.35),
                ("Waiting for customer", 0.30),
                ("Phone chasing", 0.20),
                ("Printing and scanning", 0.15),
            ],
        },
        roles={
            "value_adding": [("Work coach", 0.8), ("Senior work coach", 0.2)],
            "value_enabling": [
                ("Work coach", 0.55),
                ("Senior work coach", 0.25),
                ("Admin officer", 0.20),
            ],
            "non_value": [
                ("Work coach", 0.45),
                ("Senior work coach", 0.10),
                ("Admin officer", 0.45),
            ],
        },
    )

    def site(
        referrals: float, rate: float, rate_end: float, sampling: tuple[int, int, int]
    ) -> Behaviour:
        return Behaviour(
            referrals=referrals,
            start_rate=0.80,
            start_days=14,
            outcome_rate=rate,
            outcome_rate_end=rate_end,
            trend_from=1 / 6,  # the redesigned journey from October 2024
            outcome_days=110,
            sustain_rate=0.75,
            dropout_rate=0.45,
            dropout_days=130,
            programme_days=365,
            targets={"referrals": 55, "starts": 44, _J: 11},
            sampling=sampling,
        )

    return ContractSpec(
        key="riverside",
        stream=12,
        client="Riverside Pathways",
        contract="Pathways to Work — Riverside Lot",
        reference="PTW-RS-2023",
        start=dt.date(2023, 7, 1),
        end=dt.date(2026, 6, 30),
        first_month="2024-07",
        months=18,
        caseload_from="2023-07",
        customers=5_000,
        sites=(
            SiteSpec(
                "quayside",
                "Quayside Hub",
                "RS-QUAY",
                "Quayside team",
                site(60, 0.12, 0.34, (30, 100, 126)),
            ),
            SiteSpec(
                "old-town",
                "Old Town Centre",
                "RS-OLDT",
                "Old Town team",
                site(55, 0.11, 0.31, (22, 98, 136)),
            ),
            SiteSpec(
                "northgate",
                "Northgate Office",
                "RS-NGTE",
                "Northgate team",
                site(52, 0.10, 0.26, (20, 95, 141)),
            ),
        ),
        kpis=(
            KpiSpec(
                "referrals",
                "Referrals",
                "customers",
                "referral",
                "Referrals received",
                extract_target=False,
            ),
            KpiSpec(
                "starts", "Starts", "customers", "start", "Programme starts", extract_target=False
            ),
            KpiSpec(
                _J,
                "Job outcomes",
                "customers",
                "outcome",
                "Job outcomes (paid)",
                ramp=(0.0, 0.2, 0.45, 0.7, 0.9),
                value_per_unit=1200,
            ),
        ),
        default_site="quayside",
        vocabulary=vocabulary,
        study_start=dt.date(2025, 11, 10),
        kpi_format="long-csv",
        kpi_columns={
            "site": "Site",
            "period": "Month",
            "measure": "Measure",
            "actual": "Actual",
            "target": "Target",
        },
        kpi_month_format="%Y-%m",
        caseload_format="csv",
        caseload_columns={
            "customer_id": "Customer No",
            "site": "Site",
            "referral_date": "Referral Date",
            "start_date": "Start Date",
            "outcome_date": "Outcome Date",
            "exit_date": "Exit Date",
        },
        id_prefix="RP",
        sampling_columns={
            "observed_at": "Observed",
            "site": "Site",
            "role": "Role",
            "activity": "Activity",
        },
        team=(("Priya Shah", "Engagement lead", 900), ("Tom Reid", "Data analyst", 560)),
        story="Improving: a redesigned customer journey, from October 2024, lifts job outcomes.",
    )


def eastfield() -> ContractSpec:
    """Eastfield Community Trust: two youth-employment sites, stable performance."""
    vocabulary = Vocabulary(
        activities={
            "value_adding": [("Youth coaching", 0.65), ("Job search session", 0.35)],
            "value_enabling": [
                ("Employer liaison", 0.35),
                ("Case recording", 0.45),
                ("Safeguarding checks", 0.20),
            ],
            "non_value": [
                ("Duplicate data entry", 0.35),
                ("Waiting", 0.35),
                ("Looking for information", 0.30),
            ],
        },
        roles={
            "value_adding": [("Youth worker", 0.85), ("Employer adviser", 0.15)],
            "value_enabling": [
                ("Youth worker", 0.5),
                ("Employer adviser", 0.35),
                ("Centre manager", 0.15),
            ],
            "non_value": [
                ("Youth worker", 0.6),
                ("Employer adviser", 0.2),
                ("Centre manager", 0.2),
            ],
        },
    )

    def site(referrals: float, rate: float, sampling: tuple[int, int, int]) -> Behaviour:
        return Behaviour(
            referrals=referrals,
            start_rate=0.82,
            start_days=10,
            outcome_rate=rate,
            outcome_rate_end=None,
            outcome_days=70,
            sustain_rate=0.7,
            dropout_rate=0.40,
            dropout_days=45,
            programme_days=183,
            targets={"referrals": 58, "starts": 48, _J: 14, "early_leavers": 8},
            sampling=sampling,
        )

    return ContractSpec(
        key="eastfield",
        stream=26,
        client="Eastfield Community Trust",
        contract="Youth Employment Support — Eastfield",
        reference="YES-EF-2024",
        start=dt.date(2024, 4, 1),
        end=dt.date(2026, 3, 31),
        first_month="2025-01",
        months=12,
        caseload_from="2024-04",
        customers=2_400,
        sites=(
            SiteSpec(
                "central",
                "Eastfield Central",
                "EF CENTRAL",
                "Central hub",
                site(60, 0.225, (24, 104, 128)),
            ),
            SiteSpec(
                "parkside",
                "Parkside Youth Hub",
                "EF PARKSIDE",
                "Parkside hub",
                site(54, 0.17, (20, 100, 136)),
            ),
        ),
        kpis=(
            KpiSpec("referrals", "Referrals", "young people", "referral", "Referrals"),
            KpiSpec("starts", "Starts", "young people", "start", "Starts"),
            KpiSpec(
                _J,
                "Job outcomes",
                "young people",
                "outcome",
                "Into work",
                ramp=(0.0, 0.3, 0.65, 0.9),
                value_per_unit=1100,
            ),
            KpiSpec(
                "early_leavers",
                "Early leavers (within 6 weeks)",
                "young people",
                "early_leaver",
                "Early leavers",
                better="lower",
            ),
        ),
        default_site="central",
        vocabulary=vocabulary,
        study_start=dt.date(2025, 10, 6),
        kpi_format="long-csv",
        kpi_columns={
            "site": "Centre",
            "period": "Period",
            "measure": "KPI",
            "actual": "Achieved",
            "target": "Profile",
        },
        kpi_month_format="%d/%m/%Y",
        caseload_format="csv",
        caseload_columns={
            "customer_id": "ID",
            "site": "Centre",
            "referral_date": "Date referred",
            "start_date": "Date started",
            "outcome_date": "Date into work",
            "exit_date": "Date left",
        },
        id_prefix="EF",
        sampling_columns={
            "observed_at": "Timestamp",
            "site": "Centre",
            "role": "Staff role",
            "activity": "What they were doing",
        },
        team=(("Alex Morgan", "Engagement lead", 950), ("Sam Okafor", "Consultant", 700)),
        story="Stable: just under 80% of its job-outcome profile, month after month.",
    )


def brookside() -> ContractSpec:
    """Brookside Community Health: two clinics, step 1 only, in the provider's own words."""
    vocabulary = Vocabulary(
        activities={
            "value_adding": [("Patient consultation", 0.6), ("Home visit", 0.4)],
            "value_enabling": [
                ("Clinical notes", 0.5),
                ("Referral letters", 0.3),
                ("Team huddle", 0.2),
            ],
            "non_value": [
                ("Waiting for a room", 0.4),
                ("Chasing results", 0.35),
                ("Re-keying data", 0.25),
            ],
        },
        roles={
            "value_adding": [("Clinician", 0.8), ("Healthcare assistant", 0.2)],
            "value_enabling": [("Clinician", 0.5), ("Administrator", 0.5)],
            "non_value": [("Clinician", 0.6), ("Administrator", 0.4)],
        },
    )

    def clinic(referrals: float, rate: float, sampling: tuple[int, int, int]) -> Behaviour:
        return Behaviour(
            referrals=referrals,
            start_rate=0.9,
            start_days=14,
            outcome_rate=rate,
            outcome_rate_end=None,
            outcome_days=60,
            sustain_rate=0.8,
            dropout_rate=0.3,
            dropout_days=40,
            programme_days=150,
            targets={"referrals": 90, "seen": 80, "discharged_well": 45},
            sampling=sampling,
        )

    return ContractSpec(
        key="brookside",
        stream=31,
        client="Brookside Community Health",
        contract="Community Clinics — Brookside",
        reference="BCH-CC-2024",
        start=dt.date(2024, 7, 1),
        end=dt.date(2026, 6, 30),
        first_month="2024-07",
        months=15,
        customers=2_600,
        sites=(
            SiteSpec(
                "riverside-clinic",
                "Riverside Clinic",
                "RIVERSIDE",
                "Riverside",
                clinic(88, 0.55, (70, 100, 86)),
            ),
            SiteSpec(
                "hilltop-clinic",
                "Hilltop Clinic",
                "HILLTOP",
                "Hilltop",
                clinic(80, 0.42, (45, 110, 101)),
            ),
        ),
        kpis=(
            KpiSpec("referrals", "Referrals", "patients", "referral", "Referrals received"),
            KpiSpec("seen", "Patients seen", "patients", "start", "First appointments"),
            KpiSpec(
                "discharged_well",
                "Discharged well",
                "patients",
                "outcome",
                "Discharged well",
                ramp=(0.3, 0.7),
                value_per_unit=400,
            ),
        ),
        default_site="riverside-clinic",
        vocabulary=vocabulary,
        study_start=dt.date(2025, 9, 8),
        kpi_format="long-csv",
        kpi_columns={
            "site": "Clinic",
            "period": "Month",
            "measure": "Measure",
            "actual": "Actual",
            "target": "Target",
        },
        kpi_month_format="%b-%Y",  # "Jul-2025", as the provider's MI system labels months
        caseload_format="csv",
        caseload_columns={
            "customer_id": "Patient ID",
            "site": "Clinic",
            "referral_date": "Date referred",
            "start_date": "First appointment",
            "outcome_date": "Discharged well",
            "exit_date": "Left service",
        },
        id_prefix="BCH",
        sampling_columns={
            "observed_at": "Observed at",
            "site": "Clinic",
            "role": "Staff role",
            "activity": "Activity",
        },
        team=(("Alex Morgan", "Engagement lead", 950),),
        story="Step 1 only: the data analysis of a community health provider, in its own words "
        "(patients, clinicians, clinics); Hilltop discharges fewer patients well.",
        headline_kpi="discharged_well",
        roadmap_agreed=False,
        sector="Community health",
        desired_outcome="Patients are discharged well, their treatment complete",
        terminology=(
            ("customer", "patient"),
            ("adviser", "clinician"),
            ("site", "clinic"),
            ("outcome", "Discharged well"),
        ),
    )


# --------------------------------------------------------------------------------------------
# Simulation: customers, KPI counts, work-sampling observations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """Simulated customers as arrays (dates are ``datetime64[D]``, NaT where not happened).

    ``exit`` is the exit as the client's extract shows it; ``true_exit`` is what really happened
    (they differ only where a site's extract misses exits).
    """

    site: np.ndarray
    referral: np.ndarray
    start: np.ndarray
    outcome: np.ndarray
    sustained: np.ndarray
    exit: np.ndarray
    true_exit: np.ndarray


def _month_starts(spec: ContractSpec, first: str | None = None) -> np.ndarray:
    """First day of each month from ``first`` (the KPI window's) on, plus the day after the end."""
    begin = np.datetime64(first or spec.first_month, "M")
    end = np.datetime64(spec.first_month, "M") + spec.months
    months = begin + np.arange((end - begin).astype(np.int64) + 1)
    return months.astype("datetime64[D]")


def data_end(spec: ContractSpec) -> np.datetime64:
    """Last day of the data window: the day the extracts were taken."""
    return _month_starts(spec)[-1] - _DAY


def _profile(ramp: Sequence[float], contract_month: np.ndarray) -> np.ndarray:
    """Target profile of each contract month (0 = the first): ``ramp``, then 1.0."""
    values = np.asarray([*ramp, 1.0], dtype=float)
    return values[np.clip(contract_month.astype(np.int64), 0, len(ramp))]


def _days(
    rng: np.random.Generator, mean: np.ndarray, shape: float, lo: int, hi: np.ndarray
) -> np.ndarray:
    """Whole days drawn from a gamma distribution with the given means, clipped to [lo, hi]."""
    draws = rng.gamma(shape, 1.0, size=len(mean)) * (mean / shape)
    return np.clip(np.rint(draws), lo, hi).astype(np.int64) * _DAY


def _workday(dates: np.ndarray) -> np.ndarray:
    """Move dates off weekends and bank holidays to the next working day (NaT stays NaT)."""
    return np.busday_offset(dates, 0, roll="forward", busdaycal=_CALENDAR)


def simulate_caseload(spec: ContractSpec, rng: np.random.Generator) -> Caseload:
    """Customers of every site: referral, start, job outcome, sustained outcome and exit dates.

    Referrals per site and month are one multinomial draw (so the total is exactly
    ``spec.customers``), spread over the working days of the month. Everything after is drawn
    for all customers at once; events after the end of the data window are blanked.
    """
    starts_of_month = _month_starts(spec, spec.referrals_from)
    n_sites, n_months = len(spec.sites), len(starts_of_month) - 1
    months = starts_of_month[:-1].astype("datetime64[M]")
    calendar = months.astype(np.int64) % 12
    referral_kpi = next(k for k in spec.kpis if k.event == "referral")
    ramp = _profile(referral_kpi.ramp, months - np.datetime64(spec.start, "M"))
    volume = np.array([s.behaviour.referrals for s in spec.sites])
    weight = volume[:, None] * (_SEASON[calendar] * ramp)[None, :]
    counts = rng.multinomial(spec.customers, (weight / weight.sum()).ravel())
    cell = np.repeat(np.arange(n_sites * n_months), counts)
    site, month = cell // n_months, cell % n_months
    n = len(site)
    workdays = np.busday_count(starts_of_month[:-1], starts_of_month[1:], busdaycal=_CALENDAR)
    offset = np.floor(rng.random(n) * workdays[month]).astype(np.int64)
    referral = np.busday_offset(
        starts_of_month[:-1][month], offset, roll="forward", busdaycal=_CALENDAR
    )
    # the client's system numbers customers as they are referred
    order = np.lexsort((site, referral))
    site, referral = site[order], referral[order]

    def param(name: str) -> np.ndarray:
        values = [getattr(s.behaviour, name) for s in spec.sites]
        if name == "outcome_rate_end":
            values = [
                v if v is not None else s.behaviour.outcome_rate
                for v, s in zip(values, spec.sites, strict=True)
            ]
        return np.array(values, dtype=float)[site]

    programme = param("programme_days").astype(np.int64)
    started = rng.random(n) < param("start_rate")
    start = _workday(referral + _days(rng, param("start_days"), 3.0, 1, np.full(n, 56)))
    # the trend runs across the KPI window (flat before it)
    first_day, last_day = _month_starts(spec)[0], data_end(spec)
    position = np.clip((start - first_day) / (last_day - first_day), 0.0, 1.0)
    begin = param("trend_from")
    progress = np.clip((position - begin) / np.maximum(1.0 - begin, 1e-9), 0.0, 1.0)
    rate = param("outcome_rate") + (param("outcome_rate_end") - param("outcome_rate")) * progress
    achieved = started & (rng.random(n) < np.clip(rate, 0.0, 0.95))
    outcome = _workday(start + _days(rng, param("outcome_days"), 2.5, 14, programme))
    sustained_ok = achieved & (rng.random(n) < param("sustain_rate"))
    sustained = outcome + np.timedelta64(182, "D")  # 26 weeks in work
    dropout = rng.random(n) < param("dropout_rate")
    exit_date = np.select(
        [~started, achieved, dropout],
        [
            referral + rng.integers(14, 71, n) * _DAY,  # closed: never started
            outcome + rng.integers(0, 61, n) * _DAY,  # left into work
            start + _days(rng, param("dropout_days"), 1.5, 7, programme),  # disengaged
        ],
        default=start + programme * _DAY,  # completed the programme without a job
    )
    exit_date = _workday(exit_date)

    def seen(dates: np.ndarray, happened: np.ndarray) -> np.ndarray:
        return np.where(happened & (dates <= last_day), dates, np.datetime64("NaT"))

    start = seen(start, started)
    outcome = seen(outcome, achieved)
    sustained = seen(sustained, sustained_ok)
    true_exit = seen(exit_date, np.ones(n, dtype=bool))
    shown_exit = _drop_exits(spec, rng, site, start, true_exit)
    return Caseload(site, referral, start, outcome, sustained, shown_exit, true_exit)


def _drop_exits(
    spec: ContractSpec,
    rng: np.random.Generator,
    site: np.ndarray,
    start: np.ndarray,
    exit_date: np.ndarray,
) -> np.ndarray:
    """Blank a share of exits at sites whose extract misses them (customers long gone).

    The share is of all the site's exits from service; the blanked ones are drawn from exits
    more than a year before the end of the data (left on paper, never keyed in).
    """
    shown = exit_date.copy()
    long_ago = data_end(spec) - np.timedelta64(365, "D")
    for code, s in enumerate(spec.sites):
        share = s.behaviour.missing_exits
        if share <= 0:
            continue
        exits = (site == code) & ~np.isnat(start) & ~np.isnat(exit_date)
        candidates = np.flatnonzero(exits & (exit_date <= long_ago))
        k = min(len(candidates), round(share * int(exits.sum())))
        shown[np.sort(rng.choice(candidates, size=k, replace=False))] = np.datetime64("NaT")
    return shown


def _events(spec: ContractSpec, caseload: Caseload, event: str) -> np.ndarray:
    """Dates of one kind of event (NaT where none), as the KPI extract counts them."""
    if event == "early_leaver":
        # left within six weeks of starting, without a job (the client's MI counts true exits)
        quick = (caseload.true_exit - caseload.start) <= np.timedelta64(42, "D")
        early = quick & np.isnat(caseload.outcome)
        return np.where(early, caseload.true_exit, np.datetime64("NaT"))
    return {
        "referral": caseload.referral,
        "start": caseload.start,
        "outcome": caseload.outcome,
        "sustained": caseload.sustained,
    }[event]


def kpi_figures(spec: ContractSpec, caseload: Caseload) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per KPI key: (actual, target) as site-by-month arrays.

    Actuals are counts of the caseload's events, so the KPI extract and the caseload agree
    exactly. Targets are the steady-state targets times the KPI's ramp-up profile, rounded.
    """
    n_sites, n_months = len(spec.sites), spec.months
    first = np.datetime64(spec.first_month, "M")
    contract_month = (first - np.datetime64(spec.start, "M")) + np.arange(n_months)
    figures = {}
    for kpi in spec.kpis:
        dates = _events(spec, caseload, kpi.event)
        month = (dates.astype("datetime64[M]") - first).astype(np.int64)
        inside = ~np.isnat(dates) & (month >= 0)  # the caseload may start before the KPIs
        cell = caseload.site[inside] * n_months + month[inside]
        actual = np.bincount(cell, minlength=n_sites * n_months).reshape(n_sites, n_months)
        steady = np.array([s.behaviour.targets[kpi.key] for s in spec.sites], dtype=float)
        profile = _profile(kpi.ramp, contract_month)
        target = np.floor(steady[:, None] * profile[None, :] + 0.5)
        figures[kpi.key] = (actual, target)
    return figures


def simulate_sampling(spec: ContractSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Exactly 256 work-sampling observations per site, over the two weeks of the study.

    Each site's category counts are exact (e.g. 18 of 256 value adding); activities within a
    category follow the vocabulary's weights (largest remainder), and the order, roles and
    moments of observation are random.
    """
    per_site = 256
    vocab = spec.vocabulary
    categories = ("value_adding", "value_enabling", "non_value")
    names = [a for c in categories for a, _ in vocab.activities[c]]
    category_of = np.array([i for i, c in enumerate(categories) for _ in vocab.activities[c]])
    rows = []
    for s in spec.sites:
        codes = []
        for c, count in zip(categories, s.behaviour.sampling, strict=True):
            weights = np.array([w for _, w in vocab.activities[c]])
            base = names.index(vocab.activities[c][0][0])
            codes.append(np.repeat(base + np.arange(len(weights)), _split(count, weights)))
        rows.append(np.concatenate(codes))
    activity = rng.permuted(np.vstack(rows), axis=1).ravel()
    site = np.repeat(np.arange(len(spec.sites)), per_site)
    category = category_of[activity]
    roles = sorted({r for c in categories for r, _ in vocab.roles[c]})
    cumulative = np.zeros((len(categories), len(roles)))
    for i, c in enumerate(categories):
        for r, p in vocab.roles[c]:
            cumulative[i, roles.index(r)] = p
    cumulative = np.cumsum(cumulative, axis=1)
    role = (rng.random(len(activity))[:, None] >= cumulative[category]).sum(axis=1)
    role = np.minimum(role, len(roles) - 1)
    study = np.datetime64(spec.study_start, "D")
    day = np.busday_offset(study, rng.integers(0, 10, len(site)), busdaycal=_CALENDAR)
    minute = 9 * 60 + 5 * rng.integers(0, 96, len(site))
    observed = day.astype("datetime64[m]") + minute.astype("timedelta64[m]")
    frame = pd.DataFrame(
        {
            "observed_at": observed,
            "site": site,
            "role": np.array(roles, dtype=object)[role],
            "activity": np.array(names, dtype=object)[activity],
            "category": np.array(categories, dtype=object)[category],
        }
    )
    return frame.sort_values(["observed_at", "site"], kind="stable", ignore_index=True)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole counts summing to ``total`` in proportion to ``weights`` (largest remainder)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


# --------------------------------------------------------------------------------------------
# Writing the client extracts (deterministic bytes)
# --------------------------------------------------------------------------------------------


def _csv(frame: pd.DataFrame, path: Path) -> None:
    r"""Write a CSV with ``\\n`` line endings and no index (text already formatted)."""
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _date_text(dates: np.ndarray, fmt: str) -> pd.Series:
    """Dates as text in the client's format; blanks where NaT."""
    return pd.Series(pd.to_datetime(dates)).dt.strftime(fmt).fillna("")


UPDATE_MONTHS = 6
"""Months of the client's next KPI extract, after the data window (fewer if the contract ends)."""

UPDATE_NAME = "kpi_extract_update"
_UPDATE_GAIN = 0.04
"""Monthly gain in % of target of a site below contract once the action plan is at work."""


def update_months(spec: ContractSpec) -> np.ndarray:
    """First day of each month of the next extract: up to six months, within the contract."""
    first = np.datetime64(spec.first_month, "M") + spec.months
    last = min(first + UPDATE_MONTHS - 1, np.datetime64(spec.end, "M"))
    return (first + np.arange((last - first).astype(np.int64) + 1)).astype("datetime64[D]")


def update_figures(
    spec: ContractSpec, figures: Mapping[str, tuple[np.ndarray, np.ndarray]], seed: int = SEED
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per KPI key: (actual, target) of the months after the window, as the next extract has them.

    Each site starts from its % of target over the window's last three months; sites below
    contract gain four points a month (the agreed actions at work), sites above hold. Poisson
    noise from a stream of its own, so the first extract stays exactly as it was.
    """
    rng = np.random.default_rng([seed, spec.stream, 2026])
    n_months = len(update_months(spec))
    step = np.arange(1, n_months + 1)[None, :]
    out = {}
    for kpi in spec.kpis:
        actual, target = figures[kpi.key]
        recent = actual[:, -3:].sum(axis=1) / np.maximum(target[:, -3:].sum(axis=1), 1)
        improving = kpi.better == "higher"  # fewer early leavers would be the gain: held
        gain = np.where(improving & (recent[:, None] < 1.0), _UPDATE_GAIN * step, 0.0)
        steady = np.repeat(target[:, -1:], n_months, axis=1)
        expected = steady * np.minimum(recent[:, None] + gain, np.maximum(recent[:, None], 1.0))
        out[kpi.key] = (rng.poisson(expected), steady)
    return out


def write_kpi_extract(
    spec: ContractSpec,
    figures: Mapping[str, tuple[np.ndarray, np.ndarray]],
    folder: Path,
    periods: np.ndarray | None = None,
    name: str = "kpi_extract",
) -> Path:
    """Write a KPI extract as the client's MI produces it (wide Excel or long CSV).

    Args:
        spec: The contract.
        figures: Per KPI key, (actual, target) site-by-month arrays for ``periods``.
        folder: The engagement's inputs folder.
        periods: First day of each month; the data window by default.
        name: The file name without its extension.
    """
    periods = _month_starts(spec)[:-1] if periods is None else periods
    n_sites, n_months = len(spec.sites), len(periods)
    # one row per month and site, months outermost (the MI appends a month at a time)
    site_idx = np.tile(np.arange(n_sites), n_months)
    month_idx = np.repeat(np.arange(n_months), n_sites)
    labels = np.array([s.kpi_label for s in spec.sites], dtype=object)[site_idx]
    if spec.kpi_format == "wide-xlsx":
        columns: dict[str, object] = {
            spec.kpi_columns["site"]: labels,
            spec.kpi_columns["period"]: pd.to_datetime(periods[month_idx]),
        }
        for kpi in spec.kpis:
            actual, target = figures[kpi.key]
            columns[kpi.client_name] = actual[site_idx, month_idx].astype(np.int64)
            columns[kpi.client_target] = target[site_idx, month_idx].astype(np.int64)
        path = folder / f"{name}.xlsx"
        notes = [
            f"{spec.client}: KPI extract, {spec.contract} ({spec.reference})",
            f"Source: performance MI, months {periods[0].astype('datetime64[M]')!s} to "
            f"{periods[-1].astype('datetime64[M]')!s}, taken {FIXED_TIME:%d/%m/%Y}.",
            "Targets are the contract's monthly profile (ramp-up in the first months).",
            "Data is on the sheet 'KPI extract'.",
        ]
        _write_xlsx(path, "KPI extract", pd.DataFrame(columns), notes)
        return path
    parts = []
    month_text = (
        _date_text(periods, spec.kpi_month_format).to_numpy(dtype=object)
        if spec.kpi_month_format != "date"
        else periods
    )
    for order, kpi in enumerate(spec.kpis):
        actual, target = figures[kpi.key]
        target_values = pd.array(target[site_idx, month_idx].astype(np.int64), dtype="Int64")
        if not kpi.extract_target:
            target_values = pd.array([pd.NA] * len(site_idx), dtype="Int64")
        parts.append(
            pd.DataFrame(
                {
                    "_month": month_idx,
                    "_site": site_idx,
                    "_kpi": order,
                    spec.kpi_columns["site"]: labels,
                    spec.kpi_columns["period"]: month_text[month_idx],
                    spec.kpi_columns["measure"]: kpi.client_name,
                    spec.kpi_columns["actual"]: actual[site_idx, month_idx].astype(np.int64),
                    spec.kpi_columns["target"]: target_values,
                }
            )
        )
    long = pd.concat(parts, ignore_index=True).sort_values(
        ["_month", "_site", "_kpi"], kind="stable"
    )
    path = folder / f"{name}.csv"
    _csv(long.drop(columns=["_month", "_site", "_kpi"]), path)
    return path


def _write_xlsx(path: Path, sheet: str, frame: pd.DataFrame, notes: Sequence[str]) -> None:
    """Write a workbook with a notes sheet first and the data sheet named ``sheet``.

    Byte-identical on every run: fixed document properties, and the zip rewritten with fixed
    entry times and no compression (deflate output may differ between zlib builds).
    """
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    info = book.active
    info.title = "Notes"
    for line in notes:
        info.append([line])
    info.column_dimensions["A"].width = 90
    data = book.create_sheet(sheet)
    data.append(list(frame.columns))
    for cell in data[1]:
        cell.font = Font(bold=True)
    records = frame.astype(object).to_numpy().tolist()
    for record in records:
        data.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in record])
    for position, column in enumerate(frame.columns, start=1):
        letter = data.cell(row=1, column=position).column_letter
        data.column_dimensions[letter].width = max(10, len(str(column)) + 2)
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            for (cell,) in data.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "mmm yyyy"
    data.freeze_panes = "A2"
    book.properties.creator = "Performance MI"
    book.properties.lastModifiedBy = "Performance MI"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            entry.external_attr = 0o600 << 16
            content = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                content = _APP_XML.encode("utf-8")
            target.writestr(entry, content)
    path.write_bytes(fixed.getvalue())


def write_caseload(spec: ContractSpec, caseload: Caseload, folder: Path) -> Path:
    """Write the caseload extract: one row per customer, in the client's column names."""
    n = len(caseload.site)
    digits = spec.id_digits
    numbers = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(digits)
    ids = (spec.id_prefix + numbers).to_numpy(dtype=object)
    names = np.array([s.name for s in spec.sites], dtype=object)[caseload.site]
    cols = spec.caseload_columns
    dates = {
        "referral_date": caseload.referral,
        "start_date": caseload.start,
        "outcome_date": caseload.outcome,
        "sustained_date": caseload.sustained,
        "exit_date": caseload.exit,
    }
    if spec.caseload_format == "parquet":
        arrays = {
            cols["customer_id"]: pa.array(ids, pa.string()),
            cols["site"]: pa.array(names, pa.string()),
        }
        for ours, values in dates.items():
            if ours in cols:
                arrays[cols[ours]] = pa.array(values.astype("datetime64[ms]"), pa.timestamp("ms"))
        path = folder / "caseload.parquet"
        pq.write_table(pa.table(arrays), path, compression="snappy", store_schema=False)
        return path
    frame = pd.DataFrame({cols["customer_id"]: ids, cols["site"]: names})
    for ours, values in dates.items():
        if ours in cols:
            frame[cols[ours]] = _date_text(values, "%d/%m/%Y").to_numpy(dtype=object)
    path = folder / "caseload.csv"
    _csv(frame, path)
    return path


def write_sampling(spec: ContractSpec, observations: pd.DataFrame, folder: Path) -> Path:
    """Write the work-sampling sheet as the observers typed it up (day-first date and time)."""
    cols = spec.sampling_columns
    labels = np.array([s.sampling_label for s in spec.sites], dtype=object)
    frame = pd.DataFrame(
        {
            cols["observed_at"]: observations["observed_at"].dt.strftime("%d/%m/%Y %H:%M"),
            cols["site"]: labels[observations["site"].to_numpy()],
            cols["role"]: observations["role"],
            cols["activity"]: observations["activity"],
        }
    )
    path = folder / "work_sampling.csv"
    _csv(frame, path)
    return path


# --------------------------------------------------------------------------------------------
# engagement.yaml and portfolio.yaml
# --------------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Safe YAML with list items indented under their key (as people write it)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


class _Inline(list):
    """A short list written on one line: ``aliases: [HARBOUR ST, Harbour St office]``."""


_Dumper.add_representer(
    _Inline, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True)
)


def _dump(document: object) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def engagement_document(spec: ContractSpec) -> dict[str, object]:
    """The engagement.yaml of a demo contract, as plain data."""
    default = next(s for s in spec.sites if s.key == spec.default_site)
    kpis = []
    for kpi in spec.kpis:
        standard = default.behaviour.targets[kpi.key]
        entry: dict[str, object] = {
            "key": kpi.key,
            "label": kpi.label,
            "unit": kpi.unit,
            "better": kpi.better,
            "target_per_period": _number(standard),
        }
        overrides = {
            s.key: _number(s.behaviour.targets[kpi.key])
            for s in spec.sites
            if s.behaviour.targets[kpi.key] != standard
        }
        if overrides:
            entry["site_targets"] = overrides
        entry["value_per_unit"] = _number(kpi.value_per_unit)
        kpis.append(entry)
    if spec.kpi_format == "wide-xlsx":
        kpi_input: dict[str, object] = {
            "path": "inputs/kpi_extract.xlsx",
            "sheet": "KPI extract",
            "layout": "wide",
            "columns": dict(spec.kpi_columns),
            "measures": {k.key: k.client_name for k in spec.kpis},
            "targets": {k.key: k.client_target for k in spec.kpis},
            "updates": [f"inputs/{UPDATE_NAME}.xlsx"],
        }
    else:
        kpi_input = {"path": "inputs/kpi_extract.csv", "layout": "long"}
        if spec.kpi_month_format.startswith("%d"):
            kpi_input["dayfirst"] = True  # months as 01/03/2025
        kpi_input["columns"] = dict(spec.kpi_columns)
        kpi_input["measures"] = {k.key: k.client_name for k in spec.kpis}
        kpi_input["updates"] = [f"inputs/{UPDATE_NAME}.csv"]
    caseload_columns = {k: v for k, v in spec.caseload_columns.items() if k != "sustained_date"}
    caseload: dict[str, object] = {"path": f"inputs/caseload.{spec.caseload_format}"}
    if spec.caseload_format == "csv":
        caseload["dayfirst"] = True
    caseload["columns"] = caseload_columns
    categories = ("value_adding", "value_enabling", "non_value")
    return {
        "schema_version": 1,
        "client": {"name": spec.client, "sector": spec.sector},
        "contract": {
            "name": spec.contract,
            "reference": spec.reference,
            "desired_outcome": spec.desired_outcome,
            "start": spec.start,
            "end": spec.end,
            "headline_kpi": spec.headline_kpi,
        },
        "sites": [
            {"key": s.key, "name": s.name, "aliases": _Inline(s.aliases)}
            | ({"staff": s.staff} if s.staff is not None else {})
            for s in spec.sites
        ],
        "kpis": kpis,
        "inputs": {
            "kpi": kpi_input,
            "caseload": caseload,
            "work_sampling": {
                "path": "inputs/work_sampling.csv",
                "dayfirst": True,
                "columns": dict(spec.sampling_columns),
                "activities": {a: c for c in categories for a, _ in spec.vocabulary.activities[c]},
            },
        },
        "team": [{"name": n, "role": r, "day_rate": d} for n, r, d in spec.team],
        **(
            {"budget": {"amount": _BUDGETS[spec.key], "currency": "GBP"}}
            if spec.key in _BUDGETS
            else {}
        ),
        **(
            {"client_day_rate": _CLIENT_DAY_RATES[spec.key]}
            if spec.key in _CLIENT_DAY_RATES
            else {}
        ),
        **({"roadmap": {"stages": _stages(spec)}} if spec.roadmap_agreed else {}),
        **({"terminology": dict(spec.terminology)} if spec.terminology else {}),
        **_FLOW_PLAN_SETTINGS.get(spec.key, {}),
    }


_FLOW_PLAN_SETTINGS: dict[str, dict[str, object]] = {
    "northshore": {
        "analysis": {"customer_time_goal": 0.2},
        "method": {"max_caseload_per_adviser": 60},
    }
}
"""Northshore's flow plan checks capacity: a maximum caseload and a time-with-customers goal."""


_STAGES = (("Camp 1", 0.55), ("Camp 2", 0.85), ("The summit", 1.0))
_STAGE_DATES = {
    "northshore": (dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)),
    "riverside": (dt.date(2026, 4, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 30)),
}
"""When each stage should be reached; without dates (eastfield) step 5 dates them by actions."""


def _stages(spec: ContractSpec) -> list[dict[str, object]]:
    dates = _STAGE_DATES.get(spec.key)
    stages: list[dict[str, object]] = [{"name": "Base camp"}]
    for number, (name, fraction) in enumerate(_STAGES):
        stage: dict[str, object] = {"name": name, "fraction": fraction}
        if dates:
            stage["by"] = dates[number]
        stages.append(stage)
    return stages


def _number(value: float) -> int | float:
    """Whole numbers as int, so the YAML reads 6 rather than 6.0."""
    return int(value) if float(value).is_integer() else float(value)


SCHEMA_COMMENT = "../../../assessment/engagement.schema.json"
"""Where YAML editors find the schema of engagement.yaml, from a demo engagement's folder."""


def render_engagement(spec: ContractSpec) -> str:
    """engagement.yaml text: the document with light comments, checked to load back equal."""
    document = engagement_document(spec)
    header = [
        f"# yaml-language-server: $schema={SCHEMA_COMMENT}",
        f"# engagement.yaml: demo engagement '{spec.key}' ({spec.client}).",
        *textwrap.wrap(spec.story, 98, initial_indent="# ", subsequent_indent="# "),
        "# Generated by data/demo/generate.py: change the script and regenerate, not this file.",
        "# Check it with: assess check PATH      Run it with: assess run PATH",
    ]
    comments = {
        "schema_version:": header,
        "client:": [""],
        "contract:": ["", "# The contract whose outcomes the engagement improves."],
        "  desired_outcome:": ["  # The Successful Customer Outcome, in the customer's terms."],
        "  headline_kpi:": ["  # The KPI the roadmap (base camp to summit) is measured on."],
        "sites:": ["", "# Delivery sites. The extracts name them by name or alias, never by key."],
        "kpis:": [
            "",
            "# Contracted KPIs: targets per site per month (site_targets override",
            "# target_per_period); value_per_unit feeds the ROI of step 5.",
            *(
                ["# The KPI extract's own target column wins where it has a value."]
                if all(k.extract_target for k in spec.kpis)
                else ["# The KPI extract gives targets for some measures only; blanks take these."]
            ),
        ],
        "inputs:": ["", "# The client's extracts, in their own column names (ours: theirs)."],
        "analysis:": [
            "",
            "# Flow plan: restate capacity at this share of staff time with customers.",
        ],
        "method:": ["", "# Flow plan: the most customers one adviser should carry."],
        "    updates:": [
            "    # The client's next extract: its months extend or replace the first's."
        ],
        "    measures:": (
            ["    # KPI key: column of actuals; targets: KPI key: column of targets."]
            if spec.kpi_format == "wide-xlsx"
            else ["    # KPI key: their measure name. A blank target takes the contract's."]
        ),
        "    activities:": [
            "    # Every activity observed, in the observers' words: value_adding (with the",
            "    # customer, towards the outcome), value_enabling (needed) or non_value.",
        ],
        "team:": ["", "# The engagement team, for the costs of the scope of work (step 3)."],
        "budget:": ["", "# The engagement's budget: step 3 costs the scope of work against it."],
        "client_day_rate:": [
            "",
            "# A day of the client's own staff: step 5 costs the client's days of each action.",
        ],
        "roadmap:": [
            "",
            "# Incremental improvement roadmap, as fractions of the contracted target;",
            "# base camp (no fraction) is today's level; by: the date a stage should be reached.",
        ],
    }
    lines = []
    for line in _dump(document).splitlines():
        for prefix in list(comments):
            if line.startswith(prefix):
                lines.extend(comments.pop(prefix))
                break
        lines.append(line)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != document:
        raise AssertionError(f"engagement.yaml of {spec.key} does not load back as written")
    return text


def render_portfolio(specs: Sequence[ContractSpec]) -> str:
    """portfolio.yaml: the demo contracts a delivery lead re-runs together."""
    document = {
        "name": "Demo portfolio — employment and community health services",
        "contracts": [{"key": s.key, "path": s.key, "parameters": {}} for s in specs],
    }
    header = (
        "# The demo portfolio: every contract `assess` re-runs as a batch. Paths are relative to\n"
        "# this file; parameters are passed to each contract's notebooks.\n"
        "# Generated by data/demo/generate.py.\n"
    )
    return header + _dump(document)


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """What was written for one contract, with its simulated data (for the summary)."""

    spec: ContractSpec
    files: list[Path]
    caseload: Caseload
    figures: dict[str, tuple[np.ndarray, np.ndarray]]
    sampling: pd.DataFrame


def generate_contract(spec: ContractSpec, out: Path, seed: int = SEED) -> Generated:
    """Simulate one contract and write its engagement folder under ``out / spec.key``."""
    rng = np.random.default_rng([seed, spec.stream])
    caseload = simulate_caseload(spec, rng)
    figures = kpi_figures(spec, caseload)
    sampling = simulate_sampling(spec, rng)
    folder = out / spec.key
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    yaml_path = folder / "engagement.yaml"
    yaml_path.write_bytes(render_engagement(spec).encode("utf-8"))
    files = [
        yaml_path,
        write_kpi_extract(spec, figures, inputs),
        write_kpi_extract(
            spec, update_figures(spec, figures, seed), inputs, update_months(spec), UPDATE_NAME
        ),
        write_caseload(spec, caseload, inputs),
        write_sampling(spec, sampling, inputs),
        *write_captures(spec, folder),
    ]
    return Generated(spec, files, caseload, figures, sampling)


def generate(
    out: Path,
    customers: int = DEFAULT_CUSTOMERS,
    sites: int = DEFAULT_SITES,
    seed: int = SEED,
) -> list[Generated]:
    """Write every demo contract and the portfolio under ``out``.

    Args:
        out: Output folder (``data/demo`` for the committed demo).
        customers: Customers of the main contract (northshore).
        sites: Sites of the main contract; 4 gives the named sites.
        seed: Base seed of the random streams.

    Returns:
        What was generated, contract by contract.
    """
    if customers < 1 or sites < 1:
        raise ValueError("customers and sites must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    specs = [northshore(customers, sites), riverside(), eastfield(), brookside()]
    results = [generate_contract(spec, out, seed) for spec in specs]
    (out / "portfolio.yaml").write_bytes(render_portfolio(specs).encode("utf-8"))
    return results


def summary(result: Generated) -> pd.DataFrame:
    """Headline figures per site: % of job-outcome target to date, conversion, value adding."""
    spec, caseload = result.spec, result.caseload
    actual, target = result.figures[spec.headline_kpi]
    start_kpi = next(k.key for k in spec.kpis if k.event == "start")
    starts = result.figures[start_kpi][0].sum(axis=1)
    value = result.sampling.assign(va=result.sampling["category"] == "value_adding")
    share = value.groupby("site")["va"].agg(["sum", "size"])
    frame = pd.DataFrame(
        {
            "site": [s.key for s in spec.sites],
            "customers": np.bincount(caseload.site, minlength=len(spec.sites)),
            "job_outcomes": actual.sum(axis=1),
            "target": target.sum(axis=1).astype(np.int64),
            "pct_of_target": 100 * actual.sum(axis=1) / target.sum(axis=1),
            "conversion": actual.sum(axis=1) / np.maximum(starts, 1),
            "value_adding": share["sum"].to_numpy(),
            "observations": share["size"].to_numpy(),
        }
    )
    total = pd.DataFrame(
        {
            "site": ["ALL"],
            "customers": [len(caseload.site)],
            "job_outcomes": [actual.sum()],
            "target": [int(target.sum())],
            "pct_of_target": [100 * actual.sum() / target.sum()],
            "conversion": [actual.sum() / max(starts.sum(), 1)],
            "value_adding": [int(share["sum"].sum())],
            "observations": [int(share["size"].sum())],
        }
    )
    return pd.concat([frame, total], ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the demo (or a scaled copy) and print the headline figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--sites", type=int, default=DEFAULT_SITES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    results = generate(args.out, args.customers, args.sites, args.seed)
    elapsed = time.perf_counter() - began
    if not args.quiet:
        with pd.option_context("display.width", 120, "display.max_rows", 30):
            for result in results:
                print(f"\n{result.spec.key}: {result.spec.contract}")
                print(summary(result).round(3).to_string(index=False))
        files = [f for r in results for f in r.files] + [args.out / "portfolio.yaml"]
        size = sum(f.stat().st_size for f in files)
        print(f"\n{len(files)} files, {size / 1e6:.2f} MB, in {elapsed:.2f} s -> {args.out}")
    return 0


# --------------------------------------------------------------------------------------------
# Steps 2 and 3: intelligence notes and the agreed scope, as capture sheets
# --------------------------------------------------------------------------------------------

_BUDGETS: dict[str, int] = {"northshore": 20_000, "riverside": 12_000, "eastfield": 5_000}
"""The engagement budget (GBP) of each demo contract: Eastfield's plan deliberately exceeds it."""
_CLIENT_DAY_RATES = {"northshore": 220}
"""A day of the client's staff (GBP), for the client's days of step 5's actions."""


def _note(
    key: str,
    hypothesis: str,
    stance: str,
    who: str,
    role: str,
    site: str | None,
    note: str,
    on: str,
) -> dict[str, object]:
    return {
        "id": key,
        "hypothesis_key": hypothesis,
        "stance": stance,
        "source_name": who,
        "source_role": role,
        "site": site,
        "note": note,
        "recorded_on": dt.date.fromisoformat(on),
    }


def _area(key: str, title: str, description: str, hypothesis: str | None, agreed: bool) -> dict:
    return {
        "id": key,
        "title": title,
        "description": description,
        "hypothesis_key": hypothesis,
        "agreed": agreed,
    }


def _item(key: str, area: str, title: str, detail: str, deliverable: str) -> dict[str, object]:
    return {
        "id": key,
        "area_id": area,
        "title": title,
        "detail": detail,
        "deliverable": deliverable,
    }


def _activity(
    key: str, title: str, kind: str, item: str | None, site: str | None, who: str,
    start: str, end: str, days: float,
) -> dict[str, object]:  # fmt: skip
    return {
        "id": key,
        "title": title,
        "kind": kind,
        "scope_item_id": item,
        "site": site,
        "person": who,
        "start": dt.date.fromisoformat(start),
        "end": dt.date.fromisoformat(end),
        "days": days,
    }


def _agreement(key: str, who: str, role: str, on: str, note: str) -> dict[str, object]:
    return {
        "id": key,
        "agreed_by": who,
        "agreed_role": role,
        "agreed_on": dt.date.fromisoformat(on),
        "note": note,
    }


def _site_visits(
    sites: Sequence[tuple[str, str, str]], lead: str, consultant: str
) -> list[dict[str, object]]:
    """Interviews, a team session and an observation per site: (site key, site name, first day)."""
    rows = []
    for key, name, first in sites:
        day = dt.date.fromisoformat(first)
        nxt = (day + dt.timedelta(days=1)).isoformat()
        later = (day + dt.timedelta(days=7)).isoformat()
        rows += [
            _activity(f"act-{key}-int", f"Interviews, {name}", "interviews", "Map the customer "
                      "journey at each site", key, lead, first, nxt, 1.5),
            _activity(f"act-{key}-grp", f"Team session, {name}", "group_session", "Map the "
                      "customer journey at each site", key, consultant, nxt, nxt, 0.5),
            _activity(f"act-{key}-obs", f"Observation, {name}", "observation", "Observe a "
                      "working day at each site", key, consultant, later, later, 1),
        ]  # fmt: skip
    return rows


def northshore_fieldwork() -> dict[str, dict[str, list[dict[str, object]]]]:
    """Northshore's capture sheets: what the sites said, the scope v1 and the changed v2."""
    harbour, westfield = "benchmark:harbour:job_outcomes", "data-quality:littles-law:westfield"
    notes = [
        _note("in-01", harbour, "supports", "Grace Mensah", "Site manager", "harbour",
              "Every customer is screened in week one, we plan with them when they will be "
              "job-ready and hold a case conference every fortnight. It is written down and "
              "everyone follows it.", "2026-01-12"),
        _note("in-02", harbour, "supports", "Liam Doyle", "Employment adviser", "harbour",
              "New advisers shadow the journey for two weeks before they take a caseload.",
              "2026-01-12"),
        _note("in-03", westfield, "challenges", "Daniel Price", "Site manager", "westfield",
              "Our caseload figures are right: exits are keyed every Friday.", "2026-01-14"),
        _note("in-04", westfield, "challenges", "Karen Holt", "Team leader", "westfield",
              "The caseload is high because our customers stay longer, not because of the data.",
              "2026-01-14"),
        _note("in-05", westfield, "context", "Ruth Adeyemi", "Performance MI analyst", None,
              "Customers who left before the 2024 system migration were never re-keyed as exits.",
              "2026-01-15"),
        _note("in-06", "conversion-gap:westfield", "challenges", "Daniel Price", "Site manager",
              "westfield", "Our customers are further from work than Harbour Street's.",
              "2026-01-14"),
        _note("in-07", "time-with-customer:eastgate", "supports", "Mo Farouk",
              "Employment adviser", "eastgate", "Compliance paperwork takes most mornings; "
              "customers come in the afternoon.", "2026-01-13"),
        _note("in-08", "time-with-customer:ALL", "context", "Martin Fox",
              "Head of Performance", None, "The centre's guidance is built around the quality "
              "system, not around getting customers into work.", "2026-01-09"),
        _note("in-09", "conversion-gap:millbrook", "supports", "Ann Walsh", "Team leader",
              "millbrook", "We have no set point at which we plan a customer's move into work.",
              "2026-01-13"),
        _note("in-10", "spread:job_outcomes", "context", "Martin Fox", "Head of Performance",
              None, "Each site manager runs their own journey; only Harbour Street has written "
              "theirs down.", "2026-01-09"),
    ]  # fmt: skip
    areas = [
        _area("area-journey", "Customer journey consistency", "Is the customer journey defined, "
              "consistent across sites and aligned to job outcomes?", "spread:job_outcomes", True),
        _area("area-time", "Time with customers", "What takes advisers' time away from "
              "customers, and how to win it back.", "time-with-customer:ALL", True),
        _area("area-mi", "MI and data quality", "Whether the caseload and KPI figures can be "
              "trusted, starting with Westfield House's missing exits.", westfield, True),
        _area("area-employers", "Employer engagement", "How sites find vacancies for customers.",
              None, False),
    ]  # fmt: skip
    items = [
        _item("item-map", "Customer journey consistency", "Map the customer journey at each site",
              "Interviews and a team session per site.", "A journey map per site and where "
              "they differ"),
        _item("item-benchmark", "Customer journey consistency", "Compare with Harbour Street's "
              "journey", "Screening, planning and case conferences step by step.",
              "The benchmark journey, step by step"),
        _item("item-observe", "Time with customers", "Observe a working day at each site",
              "A day of observation per site.", "Where advisers' time goes and what takes it "
              "away from customers"),
        _item("item-reconcile", "MI and data quality", "Reconcile the caseload with the KPI "
              "returns", "Westfield House's exits.", "A reconciliation of Westfield House's "
              "caseload, with the missing exits"),
    ]  # fmt: skip
    sites = [
        ("harbour", "Harbour Street", "2026-02-02"),
        ("millbrook", "Millbrook Road", "2026-02-04"),
        ("eastgate", "Eastgate Centre", "2026-02-09"),
        ("westfield", "Westfield House", "2026-02-11"),
    ]
    reconcile = "Reconcile the caseload with the KPI returns"
    activities = [
        *_site_visits(sites, "Alex Morgan", "Priya Shah"),
        _activity("act-reconcile", "Caseload reconciliation", "analysis", reconcile, "westfield",
                  "Tom Reid", "2026-02-16", "2026-02-20", 3),
        _activity("act-feedback-lead", "Findings workshop", "feedback", None, None,
                  "Alex Morgan", "2026-03-09", "2026-03-09", 1),
        _activity("act-feedback-cons", "Findings workshop", "feedback", None, None,
                  "Priya Shah", "2026-03-09", "2026-03-09", 1),
        _activity("act-manage", "Engagement management", "management", None, None,
                  "Alex Morgan", "2026-02-02", "2026-03-13", 2),
    ]  # fmt: skip
    # v2: after the interviews, the client asked for every site's caseload to be reconciled
    changed_item = _item(
        "item-reconcile", "MI and data quality", "Reconcile the caseload with the KPI returns",
        "Every site's exits, Westfield House first.", "A reconciliation of every site's "
        "caseload, with the missing exits",
    )  # fmt: skip
    changed_activity = _activity(
        "act-reconcile", "Caseload reconciliation", "analysis", reconcile, None,
        "Tom Reid", "2026-02-16", "2026-02-24", 5,
    )  # fmt: skip
    return {
        "01_intelligence.xlsx": {"Intelligence": notes, "Scope areas": areas},
        "02_scope_v1.xlsx": {
            "Scope items": items,
            "Activities": activities,
            "Agreement": [
                _agreement("agree-v1", "Helen Carter", "Director of Operations", "2026-01-26",
                           "Agreed at the scoping meeting.")
            ],
        },
        "03_scope_v2.xlsx": {
            "Scope items": [changed_item],
            "Activities": [changed_activity],
            "Agreement": [
                _agreement("agree-v2", "Helen Carter", "Director of Operations", "2026-02-13",
                           "Reconciliation widened to every site.")
            ],
        },
    }  # fmt: skip


def _small_fieldwork(
    spec_key: str, people: tuple[str, str], sites: Sequence[tuple[str, str, str]],
    notes: list[dict[str, object]], client: tuple[str, str],
) -> dict[str, dict[str, list[dict[str, object]]]]:  # fmt: skip
    """A two-area scope agreed once, for the smaller demo contracts."""
    lead, second = people
    areas = [
        _area(f"{spec_key}-journey", "Customer journey consistency", "The journey at each site.",
              None, True),
        _area(f"{spec_key}-time", "Time with customers", "Where advisers' time goes.",
              "time-with-customer:ALL", True),
    ]  # fmt: skip
    items = [
        _item(f"{spec_key}-map", "Customer journey consistency", "Map the customer journey at "
              "each site", "", "A journey map per site"),
        _item(f"{spec_key}-observe", "Time with customers", "Observe a working day at each site",
              "", "Where advisers' time goes"),
    ]  # fmt: skip
    activities = [
        *_site_visits(sites, lead, second),
        _activity(f"{spec_key}-feedback", "Findings workshop", "feedback", None, None, lead,
                  "2026-03-02", "2026-03-02", 1),
    ]  # fmt: skip
    return {
        "01_fieldwork.xlsx": {
            "Intelligence": notes,
            "Scope areas": areas,
            "Scope items": items,
            "Activities": activities,
            "Agreement": [_agreement(f"{spec_key}-v1", *client, "2026-01-28", "")],
        }
    }


def riverside_fieldwork() -> dict[str, dict[str, list[dict[str, object]]]]:
    """Riverside's capture sheet: the redesigned journey, and a scope agreed once."""
    notes = [
        _note("rs-01", "perf-gap:ALL:job_outcomes", "context", "Sunita Rao", "Quality lead",
              None, "The new customer journey started at Quayside in October 2024 and reached "
              "every site by spring 2025.", "2026-01-19"),
        _note("rs-02", "perf-gap:northgate:job_outcomes", "supports", "Owen Hughes",
              "Team leader", "northgate", "Northgate was the last site to adopt the new journey.",
              "2026-01-20"),
    ]  # fmt: skip
    sites = [("quayside", "Quayside Hub", "2026-02-02"), ("old-town", "Old Town Centre",
             "2026-02-04"), ("northgate", "Northgate Office", "2026-02-09")]  # fmt: skip
    return _small_fieldwork(
        "rs", ("Priya Shah", "Tom Reid"), sites, notes, ("Nadia Brooks", "Head of delivery")
    )


def eastfield_fieldwork() -> dict[str, dict[str, list[dict[str, object]]]]:
    """Eastfield's capture sheet: a scope agreed once, costing more than the budget."""
    notes = [
        _note("ef-01", "perf-gap:parkside:job_outcomes", "challenges", "Leah Grant",
              "Youth worker", "parkside", "Parkside's young people need longer before they "
              "are ready for work.", "2026-01-21"),
        _note("ef-02", "time-with-customer:ALL", "supports", "Chris Lowe", "Youth worker",
              "central", "Most of the day goes on paperwork for the funder.", "2026-01-21"),
    ]  # fmt: skip
    sites = [("central", "Eastfield Central", "2026-02-03"), ("parkside", "Parkside Youth Hub",
             "2026-02-05")]  # fmt: skip
    return _small_fieldwork(
        "ef", ("Alex Morgan", "Sam Okafor"), sites, notes, ("Jas Kaur", "Centre manager")
    )


_FIELDWORK = {
    "northshore": northshore_fieldwork,
    "riverside": riverside_fieldwork,
    "eastfield": eastfield_fieldwork,
}


def write_captures(spec: ContractSpec, folder: Path) -> list[Path]:
    """Write a demo contract's capture sheets into ``folder/captures`` (named sites only).

    The notebooks of steps 2 and 3 import them on every run (idempotently), so the demo's store,
    which is never committed, gets its intelligence and agreed scope through the import path.
    """
    from assessment import intelligence, scoping
    from assessment.capture import write_workbook

    sheets = (*intelligence.SHEETS, *scoping.SHEETS)  # steps 2 and 3: one file per fieldwork

    make = _FIELDWORK.get(spec.key)
    if make is None or spec.sites[0].key.startswith("site-"):
        return []  # a scaled benchmark variant: no named sites to speak about
    paths = []
    for name, rows in make().items():
        paths.append(write_workbook(folder / "captures" / name, sheets, rows))
    paths += _sibling("discovery_demo").write_discovery(spec.key, folder / "captures")
    # step 5 after step 4: its plans answer the findings the step 4 sheet records
    return paths + _sibling("recommendations_demo").write_step5_captures(spec.key, folder)


def _sibling(name: str) -> ModuleType:
    """A module beside this script (the demo's step 4 and step 5 capture data)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
