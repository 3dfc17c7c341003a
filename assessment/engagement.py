"""The engagement model: what ``engagement.yaml`` holds, as typed, validated records.

An engagement folder is the unit of work: ``engagement.yaml`` describes the client, the contract
and its KPIs, the delivery sites, where each client extract is and how its columns map to ours,
the team and the roadmap. Every problem in the file is reported at once, each with its YAML line,
so a consultant fixes a typo in one pass.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from assessment.branding import Branding
from assessment.errors import InputError
from assessment.run_folder import RUNS_DIR
from assessment.yamlfile import read_yaml_model

ENGAGEMENT_FILE = "engagement.yaml"
STORE_FILE = "workbook.sqlite"

Key = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$", strip_whitespace=True)
]
Category = Literal["value_adding", "value_enabling", "non_value"]


class _Strict(BaseModel):
    """Base of every record here: unknown keys are errors (a typo must never pass silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Client(_Strict):
    """The organisation the engagement serves."""

    name: str = Field(min_length=1)
    sector: str | None = None


class Contract(_Strict):
    """The contract whose outcomes the engagement improves."""

    name: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    desired_outcome: str = Field(min_length=1, description="The Successful Customer Outcome.")
    start: dt.date
    end: dt.date
    headline_kpi: Key = Field(description="The KPI the roadmap and the headline are measured on.")

    @model_validator(mode="after")
    def _end_after_start(self) -> Contract:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class Site(_Strict):
    """A delivery site; extracts may name it by key, name or any alias."""

    key: Key
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class Kpi(_Strict):
    """A contracted KPI.

    Targets are per site per month (``target_per_period``, overridable per site in
    ``site_targets``) or for the whole contract (``target_total``). A target given in the KPI
    extract wins over both.
    """

    key: Key
    label: str = Field(min_length=1)
    unit: str = "customers"
    better: Literal["higher", "lower"] = "higher"
    target_per_period: float | None = Field(default=None, ge=0)
    site_targets: dict[str, float] = Field(default_factory=dict)
    target_total: float | None = Field(default=None, ge=0)
    value_per_unit: float = Field(default=0.0, ge=0, description="Value of one unit, for ROI.")

    @field_validator("site_targets")
    @classmethod
    def _non_negative(cls, targets: dict[str, float]) -> dict[str, float]:
        bad = [site for site, value in targets.items() if value < 0]
        if bad:
            raise ValueError(f"targets must be >= 0 (negative for {', '.join(bad)})")
        return targets


class _Extract(_Strict):
    """Where a client extract is and how its columns map to ours (ours: theirs)."""

    path: str = Field(min_length=1)
    sheet: str | None = Field(default=None, description="Sheet name, for Excel files.")
    columns: dict[str, str] = Field(default_factory=dict)
    dayfirst: bool = Field(default=True, description="Read 03/04/2024 as 3 April.")


class KpiExtract(_Extract):
    """The KPI extract: long (one row per measure) or wide (one column per measure).

    ``updates`` lists newer extracts of the same layout, oldest first (a client sends the latest
    months when the engagement runs again): a month a later file holds replaces that month of
    every earlier file, per site and measure.
    """

    layout: Literal["long", "wide"] = "long"
    measures: dict[str, str] = Field(
        default_factory=dict,
        description="Long: their measure names -> KPI keys. Wide: KPI key -> actual column.",
    )
    targets: dict[str, str] = Field(
        default_factory=dict, description="Wide only: KPI key -> target column."
    )
    updates: list[str] = Field(
        default_factory=list, description="Newer extracts, same layout; later months win."
    )
    data_to: dt.date | None = Field(
        default=None,
        description="The last day the newest extract covers: a month ending after it is "
        "incomplete and is never used (without it, months not yet ended on the run day are).",
    )


class CaseloadExtract(_Extract):
    """The caseload extract: one row per customer."""


class WorkSamplingExtract(_Extract):
    """Work-sampling observations and how each activity is categorised."""

    activities: dict[str, Category] = Field(min_length=1)


class Inputs(_Strict):
    """The client extracts of this engagement."""

    kpi: KpiExtract
    caseload: CaseloadExtract | None = None
    work_sampling: WorkSamplingExtract | None = None


class TeamMember(_Strict):
    """A member of the engagement team."""

    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    day_rate: float = Field(ge=0)


DEFAULT_CURRENCY = "GBP"
"""The currency of money figures when engagement.yaml names none."""
DEFAULT_MIN_GROUP_SIZE = 3
"""The fewest people a breakdown shown to the client may rest on, unless the method says."""


class Budget(_Strict):
    """What the client has set aside for the engagement; step 3's plan is costed against it."""

    amount: float = Field(gt=0)
    currency: str = Field(default=DEFAULT_CURRENCY, min_length=1, max_length=8)


class RoadmapStage(_Strict):
    """A stage of the improvement roadmap; ``fraction`` None means today's level (base camp).

    ``by`` is the date the stage should be reached; without it step 5 dates the stage by the
    latest target date of the actions that carry it.
    """

    name: str = Field(min_length=1)
    fraction: float | None = Field(default=None, gt=0, le=1.5)
    by: dt.date | None = Field(default=None, description="When the stage should be reached.")


def _default_stages() -> list[RoadmapStage]:
    return [
        RoadmapStage(name="Base camp", fraction=None),
        RoadmapStage(name="Camp 1", fraction=0.55),
        RoadmapStage(name="Camp 2", fraction=0.85),
        RoadmapStage(name="The summit", fraction=1.0),
    ]


class Roadmap(_Strict):
    """Stages of the incremental improvement plan, as fractions of the contracted target."""

    stages: list[RoadmapStage] = Field(default_factory=_default_stages, min_length=2)

    @field_validator("stages")
    @classmethod
    def _increasing(cls, stages: list[RoadmapStage]) -> list[RoadmapStage]:
        fractions = [s.fraction for s in stages if s.fraction is not None]
        if fractions != sorted(fractions) or len(set(fractions)) != len(fractions):
            raise ValueError("stage fractions must increase from one stage to the next")
        dates = [s.by for s in stages if s.by is not None]
        if dates != sorted(dates):
            raise ValueError("stage dates (by) must not go back in time from one stage to the next")
        return stages


class Analysis(_Strict):
    """Thresholds of step 1's initial opinion; defaults suit most contracts."""

    underperformance_pct: float = Field(default=80.0, gt=0)
    conversion_ratio: float = Field(default=0.6, gt=0, le=1)
    spread_pp: float = Field(default=40.0, gt=0)
    value_adding_floor: float = Field(default=0.15, gt=0, lt=1)
    sampling_precision: float = Field(default=0.03, gt=0, lt=0.5)
    littles_tolerance: float = Field(default=0.25, gt=0)
    trend_months: int = Field(default=6, ge=2)
    recent_months: int = Field(
        default=3, ge=1, le=12, description="Complete months of the 'recent' level (roadmap)."
    )
    value_horizon_months: int | None = Field(
        default=None,
        ge=1,
        description="Months after an action's target date its value counts; default: to the "
        "contract's end.",
    )


Label = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Vocabulary = dict[Key, Label]


class Method(_Strict):
    """The firm's coding vocabularies for discovery (step 4): data, so a firm adapts its method.

    Each vocabulary maps a key (what the store keeps) to the label people read; a vocabulary given
    in engagement.yaml replaces its default whole. ``min_group_size`` is the fewest people any
    breakdown shown to the client may rest on.
    """

    headings: Vocabulary = Field(
        min_length=1,
        default_factory=lambda: {
            "customer_experience": "Customer experience",
            "leadership_mi": "Leadership & MI",
            "resources": "Resources",
            "targets_measures": "Targets & measures aligned to outcomes",
        },
    )
    dimensions: Vocabulary = Field(
        min_length=1,
        default_factory=lambda: {
            "current_performance": "Current performance",
            "revenue": "Revenue",
            "alignment": "Alignment",
            "morale": "Morale",
            "contract": "Contract",
            "delivery_method": "Delivery method",
            "culture": "Culture",
            "landscape_knowledge": "Knowledge of the landscape",
            "contracted_kpis": "Contracted KPIs",
            "operations_alignment": "Operations alignment",
        },
    )
    source_types: Vocabulary = Field(
        min_length=1,
        default_factory=lambda: {
            "one_to_one": "One-to-one interview",
            "group_session": "Group work / team session",
            "observation": "Observation",
            "customer_feedback": "Customer feedback",
            "document": "Documents and resources",
        },
    )
    sentiments: Vocabulary = Field(
        min_length=1,
        default_factory=lambda: {
            "positive": "Positive",
            "neutral": "Neutral",
            "negative": "Negative",
        },
    )
    min_group_size: int = Field(default=DEFAULT_MIN_GROUP_SIZE, ge=1)

    @field_validator("headings", "dimensions", "source_types", "sentiments")
    @classmethod
    def _distinct_labels(cls, vocabulary: dict[str, str]) -> dict[str, str]:
        # a label may be typed instead of its key (capture sheets), so two must never be alike
        labels = [label.casefold() for label in vocabulary.values()]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise ValueError(f"labels must be distinct: {', '.join(repeated)} repeated")
        return vocabulary


class Engagement(_Strict):
    """One client engagement, as described by its ``engagement.yaml``."""

    schema_version: Literal[1] = 1
    client: Client
    contract: Contract
    sites: list[Site] = Field(min_length=1)
    kpis: list[Kpi] = Field(min_length=1)
    inputs: Inputs
    team: list[TeamMember] = Field(default_factory=list)
    budget: Budget | None = Field(default=None, description="The engagement's budget (step 3).")
    client_day_rate: float | None = Field(
        default=None, ge=0, description="A day of the client's staff, to cost their days (step 5)."
    )
    roadmap: Roadmap = Field(default_factory=Roadmap)
    analysis: Analysis = Field(default_factory=Analysis)
    branding: Branding | None = Field(
        default=None, description="Report look; overrides templates/branding.yaml."
    )
    method: Method = Field(default_factory=Method, description="Discovery vocabularies (step 4).")

    _root: Path = PrivateAttr(default=Path("."))

    @model_validator(mode="after")
    def _cross_references(self) -> Engagement:
        problems = []
        site_keys = [s.key for s in self.sites]
        kpi_keys = [k.key for k in self.kpis]
        for kind, keys in (("site", site_keys), ("KPI", kpi_keys)):
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            if repeated:
                problems.append(f"{kind} keys must be unique: {', '.join(repeated)} repeated")
        if self.contract.headline_kpi not in kpi_keys:
            problems.append(
                f"contract.headline_kpi '{self.contract.headline_kpi}' is not a KPI key "
                f"(expected one of: {', '.join(kpi_keys)})"
            )
        for kpi in self.kpis:
            unknown = sorted(set(kpi.site_targets) - set(site_keys))
            if unknown:
                problems.append(
                    f"kpis '{kpi.key}' site_targets name unknown site(s) {', '.join(unknown)}"
                )
        for stage in self.roadmap.stages:
            if stage.by is not None and not self.contract.start < stage.by <= self.contract.end:
                problems.append(
                    f"roadmap stage '{stage.name}' by {stage.by} is outside the contract "
                    f"({self.contract.start} to {self.contract.end})"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def root(self) -> Path:
        """The engagement folder."""
        return self._root

    @property
    def store_path(self) -> Path:
        """The engagement's workbook store."""
        return self._root / STORE_FILE

    @property
    def runs_dir(self) -> Path:
        """Where runs of this engagement are written."""
        return self._root / RUNS_DIR

    def input_path(self, relative: str) -> Path:
        """Resolve an input path given in engagement.yaml against the engagement folder."""
        path = Path(relative)
        return path if path.is_absolute() else self._root / path

    def site_names(self) -> dict[str, str]:
        """Site key -> display name, in the order of engagement.yaml."""
        return {s.key: s.name for s in self.sites}

    def kpi(self, key: str) -> Kpi:
        """The KPI with this key."""
        return next(k for k in self.kpis if k.key == key)

    def kpi_labels(self) -> dict[str, str]:
        """KPI key -> label."""
        return {k.key: k.label for k in self.kpis}


def load_engagement(folder: str | Path) -> Engagement:
    """Read and validate ``engagement.yaml`` in an engagement folder.

    Args:
        folder: The engagement folder, or the path of its engagement.yaml.

    Returns:
        The validated engagement, which knows its folder.

    Raises:
        InputError: When the file is missing, is not valid YAML, or breaks the model; every
            problem is listed with its YAML line.
    """
    path = Path(folder)
    if path.is_dir():
        path = path / ENGAGEMENT_FILE
    if not path.is_file():
        raise InputError.single(path, "file not found: an engagement folder needs engagement.yaml")
    stat = path.stat()
    # every notebook of a run loads the same file: parse it once per content (a copy each time,
    # so no caller can change another's); an edited file has a new size or time and is re-read
    loaded = _parsed(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    engagement = loaded.model_copy(deep=True)
    engagement._root = path.parent.resolve()
    return engagement


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int, size: int) -> Engagement:
    del mtime_ns, size  # part of the cache key
    engagement, _ = read_yaml_model(
        Path(path), Engagement, "expected a mapping of keys (client, contract, sites, ...)"
    )
    return engagement
