"""Step 2's records: what local knowledge says about each hypothesis, and the scope areas.

Who said something (name and role) is kept for the consultant's own follow-up and is internal:
nothing that reaches a client carries it (see ``views.basis_of_opinion``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from assessment.entries import Entry

Stance = Literal["supports", "challenges", "context"]
STANCE_LABELS: dict[str, str] = {
    "supports": "Supports",
    "challenges": "Challenges",
    "context": "Adds context",
}


class IntelligenceNote(Entry):
    """One piece of local knowledge about a hypothesis of the initial opinion."""

    hypothesis_key: str = Field(min_length=1, title="Hypothesis", description="Its key or title")
    stance: Stance = Field(title="Local knowledge", description="supports, challenges or context")
    source_name: str = Field(min_length=1, title="Who said it", description="Internal only")
    source_role: str = Field(min_length=1, title="Their role", description="Internal only")
    site: str | None = Field(default=None, title="Site", description="Site name; blank: all")
    note: str = Field(min_length=1, title="Note", description="What they said, in brief")
    recorded_on: dt.date = Field(title="Date", description="When it was said (dd/mm/yyyy)")


class ScopeArea(Entry):
    """An area the engagement may look at, and whether the client agreed it is in scope."""

    title: str = Field(min_length=1, max_length=120, title="Scope area")
    description: str = Field(default="", title="What it covers")
    hypothesis_key: str | None = Field(
        default=None, title="Hypothesis", description="The hypothesis it tests (optional)"
    )
    agreed: bool = Field(default=False, title="Agreed in scope", description="yes or no")
