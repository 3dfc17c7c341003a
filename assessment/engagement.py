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
from typing import Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from assessment.branding import Branding
from assessment.engagement_settings import (
    Analysis,
    Budget,
    Method,
    Roadmap,
    TeamMember,
    Terminology,
)
from assessment.errors import InputError, Problem

# the extract specs and the model base live in modules of their own; imported from here too
from assessment.extract_specs import CaseloadExtract as CaseloadExtract
from assessment.extract_specs import Inputs
from assessment.extract_specs import KpiExtract as KpiExtract
from assessment.extract_specs import WorkSamplingExtract as WorkSamplingExtract
from assessment.extract_specs import _Extract as _Extract
from assessment.model_base import MAX_VALUE as MAX_VALUE
from assessment.model_base import Category as Category
from assessment.model_base import Key, _Strict
from assessment.run_folder import RUNS_DIR
from assessment.yamlfile import read_yaml_model

ENGAGEMENT_FILE = "engagement.yaml"
STORE_FILE = "workbook.sqlite"


class Client(_Strict):
    """The organisation the engagement serves."""

    name: str = Field(min_length=1, description="The client's name, shown on the report's cover.")
    sector: str | None = Field(default=None, description="The client's sector, for the index.")


class Contract(_Strict):
    """The contract whose outcomes the engagement improves."""

    name: str = Field(min_length=1, description="The contract's name.")
    reference: str = Field(min_length=1, description="The client's reference for the contract.")
    desired_outcome: str = Field(
        min_length=1, description="The outcome the contract pays for, in the client's words."
    )
    start: dt.date = Field(description="First day of the contract (YYYY-MM-DD).")
    end: dt.date = Field(description="Last day of the contract (YYYY-MM-DD).")
    headline_kpi: Key = Field(description="The KPI the roadmap and the headline are measured on.")

    @model_validator(mode="after")
    def _end_after_start(self) -> Contract:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class SiteNames(dict[str, str]):
    """Site key -> name, carrying the other spellings (aliases) that also name a site.

    Used as the choices of a ``site`` field: forms and capture sheets resolve a typed key, name
    or alias (any case) to the key, as the extracts do.

    Attributes:
        aliases: Casefolded alias -> site key.
    """

    def __init__(self, names: dict[str, str], aliases: dict[str, str] | None = None) -> None:
        super().__init__(names)
        self.aliases = dict(aliases or {})

    def __or__(self, other: Any) -> SiteNames:  # keep the aliases when a choice is added
        return SiteNames({**self, **dict(other)}, self.aliases)

    def __ror__(self, other: Any) -> SiteNames:
        return SiteNames({**dict(other), **self}, self.aliases)


class Site(_Strict):
    """A delivery site; extracts may name it by key, name or any alias.

    ``staff`` (people delivering at the site) weights the site in the contract's work-sampling
    share; without it for every site the contract's share is stated as unweighted.
    """

    key: Key = Field(description="Short id: lower case letters, digits, '-' or '_'.")
    name: str = Field(min_length=1, description="The site's name as the client writes it.")
    aliases: list[str] = Field(
        default_factory=list, description="Other spellings the client's files use for the site."
    )
    staff: int | None = Field(
        default=None, ge=1, description="People delivering at the site (weights work sampling)."
    )


class Kpi(_Strict):
    """A contracted KPI.

    Targets are per site per month (``target_per_period``, overridable per site in
    ``site_targets``) or for the whole contract (``target_total``). A target given in the KPI
    extract wins over both.
    """

    key: Key = Field(description="Short id: lower case letters, digits, '-' or '_'.")
    label: str = Field(min_length=1, description="The KPI's name in the report.")
    unit: str = Field(
        default="customers", description="What the KPI counts, in the client's words."
    )
    counts: bool = Field(
        default=True,
        description="The KPI counts things (people, referrals): a decimal value is an error.",
        examples=[False],
    )
    better: Literal["higher", "lower"] = Field(
        default="higher", description="Whether more (higher) or less (lower) is better."
    )
    # a KPI is shown as a percentage of its target: a target of 0 would divide by zero and an
    # absurd one would print a figure nobody can read, so both are refused here
    target_per_period: float | None = Field(
        default=None, gt=0, le=MAX_VALUE, description="Target per site per month."
    )
    site_targets: dict[str, float] = Field(
        default_factory=dict,
        description="Site key -> target per month, overriding the above.",
        examples=[{"site-b": 60}],
    )
    target_total: float | None = Field(
        default=None,
        gt=0,
        le=MAX_VALUE,
        description="Target for the whole contract, spread evenly over sites and months.",
        examples=[4800],
    )
    value_per_unit: float = Field(default=0.0, ge=0, description="Value of one unit, for ROI.")

    @field_validator("site_targets")
    @classmethod
    def _positive(cls, targets: dict[str, float]) -> dict[str, float]:
        bad = [site for site, value in targets.items() if not 0 < value <= MAX_VALUE]
        if bad:
            raise ValueError(
                f"targets must be above 0 and at most {MAX_VALUE:,.0f} (not for {', '.join(bad)})"
            )
        return targets


class Engagement(_Strict):
    """One client engagement, as described by its ``engagement.yaml``."""

    schema_version: Literal[1] = Field(default=1, description="The version of this file's layout.")
    client: Client
    contract: Contract
    sites: list[Site] = Field(min_length=1)
    kpis: list[Kpi] = Field(min_length=1)
    inputs: Inputs = Field(
        default_factory=Inputs, description="The client's files and how they map to ours."
    )
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
    terminology: Terminology = Field(
        default_factory=Terminology,
        description="The client's words (patient, clinician, clinic) for every client-facing text.",
    )

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
        measures = self._measures()
        if not measures.keys() <= set(kpi_keys) and not self._measures_reversed():
            unknown = ", ".join(sorted(set(measures) - set(kpi_keys)))
            problems.append(
                f"inputs.kpi.measures names unknown KPI(s) {unknown} (expected KPI key: the "
                f"client's name, with KPI keys among: {', '.join(kpi_keys)})"
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
        """Resolve an input path given in engagement.yaml against the engagement folder.

        Raises:
            InputError: The path leads out of the folder (through a link, say) and
                ``inputs.allow_outside`` is not set: a client's file is read only from its
                own engagement.
        """
        path = Path(relative)
        path = path if path.is_absolute() else self._root / path
        root = self._root.resolve()
        if not self.inputs.allow_outside and not path.resolve().is_relative_to(root):
            raise InputError.single(
                self._root / ENGAGEMENT_FILE,
                f"'{relative}' leads outside the engagement folder {root}: copy the file into "
                "the folder, or set inputs.allow_outside: true",
                field="inputs",
            )
        return path

    def measure_names(self) -> dict[str, str]:
        """KPI key -> the client's name for it (measure name or column), as inputs.kpi says.

        The old direction of the long layout (their name: KPI key) is still read; see
        :meth:`notices` for the message asking to turn it round.
        """
        measures = self._measures()
        if self._measures_reversed():
            return {ours: theirs for theirs, ours in measures.items()}
        return dict(measures)

    def _measures(self) -> dict[str, str]:
        return self.inputs.kpi.measures if self.inputs.kpi is not None else {}

    def _measures_reversed(self) -> bool:
        keys = {k.key for k in self.kpis}
        measures = self._measures()
        return bool(measures) and not set(measures) & keys and set(measures.values()) <= keys

    def notices(self) -> list[Problem]:
        """Things in engagement.yaml that are read, but should be written differently."""
        if not self._measures_reversed():
            return []
        example = next(iter(self._measures().items()))
        return [
            Problem(
                str(self._root / ENGAGEMENT_FILE),
                f"measures are written their name -> KPI key ({example[0]}: {example[1]}); "
                f"write them KPI key -> their name ({example[1]}: {example[0]}), as columns "
                "and the wide layout do. Read the old way this time.",
                field="inputs.kpi.measures",
            )
        ]

    def site_names(self) -> dict[str, str]:
        """Site key -> display name, in the order of engagement.yaml."""
        return {s.key: s.name for s in self.sites}

    def site_choices(self) -> SiteNames:
        """Site key -> name, with every alias of engagement.yaml (what a typed site may say)."""
        aliases = {a.strip().casefold(): s.key for s in self.sites for a in s.aliases}
        return SiteNames(self.site_names(), aliases)

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
