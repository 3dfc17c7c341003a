"""Step 5's records: recommendations agreed with the client, their SMART actions, publishing.

A recommendation answers one or more of step 4's findings under an action area; each action turns
it into a specific task with a measure, a target, an owner and a date. The measure is either a
KPI of the engagement (its baseline is computed from step 1's data, never typed) or a named
measure with a typed baseline. Records stay editable drafts until the plan is published.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from assessment.entries import Entry

ALL_SITES = "ALL"
"""Site of an action measured on the contract as a whole."""

Status = Literal["not_started", "on_track", "at_risk", "late", "done"]
STATUS_LABELS: dict[str, str] = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "late": "Late",
    "done": "Done",
}


def finding_list(text: str) -> list[str]:
    """The finding ids of a comma- or semicolon-separated text, each once, in order."""
    parts = (p.strip() for p in text.replace(";", ",").split(","))
    return list(dict.fromkeys(p for p in parts if p))


class Recommendation(Entry):
    """A recommendation under an action area, answering findings, and whether the client agreed."""

    action_area: str = Field(min_length=1, max_length=80, title="Action area")
    title: str = Field(min_length=1, max_length=160, title="Recommendation")
    statement: str = Field(default="", max_length=2000, title="What we recommend")
    finding_ids: str = Field(
        min_length=1, title="Findings answered", description="Finding ids, comma-separated"
    )
    agreed: bool = Field(default=False, title="Agreed by the client", description="yes / no")
    agreed_by: str = Field(default="", max_length=120, title="Agreed by")
    agreed_on: dt.date | None = Field(default=None, title="Agreed on", description="dd/mm/yyyy")

    @field_validator("finding_ids")
    @classmethod
    def _normalised(cls, text: str) -> str:
        found = finding_list(text)
        if not found:
            raise ValueError("name at least one finding id (for example ns-f1)")
        return ", ".join(found)

    @model_validator(mode="after")
    def _agreement_named(self) -> Recommendation:
        if self.agreed and (not self.agreed_by or self.agreed_on is None):
            raise ValueError("an agreed recommendation needs who agreed it and when")
        return self

    @property
    def findings(self) -> list[str]:
        """The finding ids as a list."""
        return finding_list(self.finding_ids)


class Action(Entry):
    """One SMART action of a recommendation.

    ``measure`` is a KPI (its key or label) or any other named measure; ``site`` is a site or
    ``ALL`` for the contract. For a KPI, ``target`` is a % of the contracted target and the
    baseline comes from step 1's data; for a named measure both are in its own unit.
    """

    recommendation_id: str = Field(min_length=1, title="Recommendation")
    task: str = Field(min_length=1, max_length=400, title="Specific task")
    measure: str = Field(
        min_length=1, max_length=120, title="Measure", description="A KPI, or a named measure"
    )
    site: str = Field(default=ALL_SITES, title="Site", description="A site, or ALL")
    baseline: float | None = Field(
        default=None, title="Baseline", description="Named measures only (KPIs: computed)"
    )
    current: float | None = Field(
        default=None, title="Current value", description="Named measures only, on re-runs"
    )
    target: float = Field(title="Target", description="KPI: % of contracted target")
    expected_outcome: str = Field(min_length=1, max_length=400, title="Expected outcome")
    owner: str = Field(default="", max_length=120, title="Owner")
    set_on: dt.date = Field(default_factory=dt.date.today, title="Set on", description="dd/mm/yyyy")
    target_date: dt.date = Field(title="Target date", description="dd/mm/yyyy")
    stage: str = Field(min_length=1, title="Roadmap stage")
    days: float | None = Field(default=None, ge=0, title="Days", description="Days of effort")
    cost: float | None = Field(default=None, ge=0, title="Stated cost", description="Instead")
    client_days: float | None = Field(
        default=None, ge=0, title="Client staff days", description="The client's own effort"
    )
    stretch_reason: str = Field(
        default="", max_length=400, title="Stretch reason", description="Why a stretch target"
    )
    status: Status = Field(default="not_started", title="Status")
    status_note: str = Field(default="", max_length=400, title="Status note")
    status_date: dt.date | None = Field(default=None, title="Status date")


class Publication(Entry):
    """A request to publish the plan as it stands: who publishes it and when."""

    published_by: str = Field(min_length=1, max_length=120, title="Published by")
    published_on: dt.date = Field(title="Published on", description="dd/mm/yyyy")
    note: str = Field(default="", max_length=400, title="Note")
