"""Step 3's records: scope items and their deliverables, discovery activities, agreements."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from assessment.entries import Entry

ActivityKind = Literal[
    "interviews", "group_session", "observation", "analysis", "feedback", "management"
]
KIND_LABELS: dict[str, str] = {
    "interviews": "One-to-one interviews",
    "group_session": "Group / team sessions",
    "observation": "Observations",
    "analysis": "Analysis",
    "feedback": "Feedback and reporting",
    "management": "Engagement management",
}


class ScopeItem(Entry):
    """One piece of the scope of work, under an agreed area, with what it delivers."""

    area_id: str = Field(min_length=1, title="Scope area", description="Title of an agreed area")
    title: str = Field(min_length=1, max_length=120, title="Scope item")
    detail: str = Field(default="", title="Detail")
    deliverable: str = Field(min_length=1, title="Deliverable", description="What the client gets")


class Activity(Entry):
    """A discovery activity: who does it, where, when and for how many days."""

    title: str = Field(min_length=1, max_length=120, title="Activity")
    kind: ActivityKind = Field(title="Kind", description=", ".join(KIND_LABELS))
    scope_item_id: str | None = Field(
        default=None, title="Scope item", description="Title of the scope item (optional)"
    )
    site: str | None = Field(default=None, title="Site", description="Site name; blank: all")
    person: str = Field(min_length=1, title="Team member", description="Name, as in the team")
    start: dt.date = Field(title="Start", description="dd/mm/yyyy")
    end: dt.date = Field(title="End", description="dd/mm/yyyy, not before the start")
    days: float = Field(gt=0, le=366, title="Days", description="Days of work, e.g. 1.5")

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"end ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y})")
        return end


class Agreement(Entry):
    """The client's agreement to the scope of work as it stands when it is recorded."""

    agreed_by: str = Field(min_length=1, title="Agreed by", description="The client's name")
    agreed_role: str = Field(min_length=1, title="Their role")
    agreed_on: dt.date = Field(title="Agreed on", description="dd/mm/yyyy")
    note: str = Field(default="", title="Note")
