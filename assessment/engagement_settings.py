"""The settings sections of ``engagement.yaml``: team, budget, roadmap, analysis, method, words.

Typed, validated records that :class:`assessment.engagement.Engagement` holds, each with the one
default of its setting (:data:`DEFAULT_CURRENCY`, :data:`DEFAULT_MIN_GROUP_SIZE`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
)

from assessment.model_base import Key, _Strict


class TeamMember(_Strict):
    """A member of the engagement team."""

    name: str = Field(min_length=1, description="The team member's name.")
    role: str = Field(min_length=1, description="Their role in the engagement.")
    day_rate: float = Field(
        ge=0, description="Their day rate, for the costs of the scope (step 3)."
    )


DEFAULT_CURRENCY = "GBP"
"""The currency of money figures when engagement.yaml names none."""
DEFAULT_MIN_GROUP_SIZE = 3
"""The fewest people a breakdown shown to the client may rest on, unless the method says."""


class Budget(_Strict):
    """What the client has set aside for the engagement; step 3's plan is costed against it."""

    amount: float = Field(gt=0, description="The budget.", examples=[25000])
    currency: str = Field(
        default=DEFAULT_CURRENCY, min_length=1, max_length=8, description="Its currency code."
    )


class RoadmapStage(_Strict):
    """A stage of the improvement roadmap; ``fraction`` None means today's level (base camp).

    ``by`` is the date the stage should be reached; without it step 5 dates the stage by the
    latest target date of the actions that carry it.
    """

    name: str = Field(min_length=1, description="The stage's name (Base camp, Camp 1...).")
    fraction: float | None = Field(
        default=None,
        gt=0,
        le=1.5,
        description="Share of the contracted target; none for base camp (today's level).",
        examples=[0.55],
    )
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

    underperformance_pct: float = Field(
        default=80.0, gt=0, description="A site below this % of target is a hypothesis."
    )
    conversion_ratio: float = Field(
        default=0.6, gt=0, le=1, description="Starts per referral below this is a hypothesis."
    )
    spread_pp: float = Field(
        default=40.0, gt=0, description="Sites further apart than this (points) are a hypothesis."
    )
    value_adding_floor: float = Field(
        default=0.15, gt=0, lt=1, description="Value-adding time below this share is a hypothesis."
    )
    sampling_precision: float = Field(
        default=0.03, gt=0, lt=0.5, description="Half-width of the work-sampling interval aimed at."
    )
    sampling_relative_precision: float = Field(
        default=0.2, gt=0, lt=1, description="Work-sampling half-width aimed at, as a share of it."
    )
    littles_tolerance: float = Field(
        default=0.25,
        gt=0,
        description="Caseload data off Little's law by more than this are flagged.",
    )
    trend_months: int = Field(
        default=12, ge=6, description="Most complete months a trend is fitted over (6 or more)."
    )
    recent_months: int = Field(
        default=3, ge=1, le=12, description="Complete months of the 'recent' level (roadmap)."
    )
    value_horizon_months: int | None = Field(
        default=None,
        ge=1,
        description="Months after an action's target date its value counts; default: to the "
        "contract's end.",
    )
    customer_time_goal: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="A share of staff time with customers the flow plan restates capacity at.",
    )


Label = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Vocabulary = dict[Key, Label]


class Method(_Strict):
    """The firm's coding vocabularies for discovery (step 4): data, so a firm adapts its method.

    Each vocabulary maps a key (what the store keeps) to the label people read; a vocabulary given
    in engagement.yaml replaces its default whole. ``min_group_size`` is the fewest people any
    breakdown shown to the client may rest on; ``min_volume`` the fewest cases a site comparison
    may rest on.
    """

    headings: Vocabulary = Field(
        min_length=1,
        description="Comment headings of discovery: key -> label.",
        default_factory=lambda: {
            "customer_experience": "Customer experience",
            "leadership_mi": "Leadership & MI",
            "resources": "Resources",
            "targets_measures": "Targets & measures aligned to outcomes",
        },
    )
    dimensions: Vocabulary = Field(
        min_length=1,
        description="Assessment dimensions a comment is rated against.",
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
        description="Kinds of evidence (interview, observation...).",
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
        description="How a comment reads: key -> label.",
        default_factory=lambda: {
            "positive": "Positive",
            "neutral": "Neutral",
            "negative": "Negative",
        },
    )
    min_group_size: int = Field(
        default=DEFAULT_MIN_GROUP_SIZE,
        ge=1,
        description="Fewest people any breakdown shown to the client rests on.",
    )
    min_volume: int = Field(
        default=30,
        ge=1,
        description="Fewest cases a site needs before step 1 calls it behind, ahead or the "
        "benchmark.",
    )
    max_caseload_per_adviser: int | None = Field(
        default=None,
        ge=1,
        description="Most customers one adviser should carry: the flow plan's capacity ceiling.",
    )

    @field_validator("headings", "dimensions", "source_types", "sentiments")
    @classmethod
    def _distinct_labels(cls, vocabulary: dict[str, str]) -> dict[str, str]:
        # a label may be typed instead of its key (capture sheets), so two must never be alike
        labels = [label.casefold() for label in vocabulary.values()]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise ValueError(f"labels must be distinct: {', '.join(repeated)} repeated")
        return vocabulary


class Terminology(_Strict):
    """The client's own words for the people served, the staff, the sites and the outcome.

    Every client-facing text, chart, tooltip and form takes its words from here (through
    :func:`assessment.terminology.words`): a health provider's report says patient, clinician
    and clinic, never customer. Plurals default to the word with an s.
    """

    customer: Label = Field(default="customer", description="One person the service serves.")
    customers: Label | None = Field(
        default=None, description="Their plural (default: customer + s).", examples=["people"]
    )
    adviser: Label = Field(
        default="adviser",
        description="A member of staff who works with them.",
        examples=["clinician"],
    )
    advisers: Label | None = Field(default=None, description="Their plural (default: + s).")
    site: Label = Field(default="site", description="A delivery site.", examples=["clinic"])
    sites: Label | None = Field(default=None, description="Their plural (default: + s).")
    outcome: Label | None = Field(
        default=None,
        description="The name of the outcome the contract pays for (default: Successful "
        "Customer Outcome, in the word for customer).",
        examples=["Discharged well"],
    )
