"""The coding vocabularies of discovery, read from the engagement's ``method`` section.

Headings, assessment dimensions, source types and sentiments are data (see
:class:`assessment.engagement.Method`, whose defaults are the method's own lists), so a firm adapts
its method in engagement.yaml without touching code. Every discovery function takes a
:class:`Vocabulary` instead of a hard-coded list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assessment.engagement import Engagement
from assessment.engagement_settings import DEFAULT_MIN_GROUP_SIZE, Method
from assessment.terminology import reword

CONTRACT_WIDE = "ALL"
"""Site value of evidence or a journey about the contract as a whole (as in step 1)."""

Kind = Literal["headings", "dimensions", "source_types", "sentiments", "sites"]


@dataclass(frozen=True)
class Vocabulary:
    """Allowed keys (with their labels) of every coded field, and the group-size floor.

    Attributes:
        headings: Heading key -> label, in the method's order.
        dimensions: Assessment dimension key -> label.
        source_types: Source type key -> label.
        sentiments: Sentiment key -> label.
        sites: Site key -> name; ``ALL`` (the contract as a whole) is always allowed.
        min_group_size: The fewest people a breakdown shown to the client may rest on.
    """

    headings: Mapping[str, str]
    dimensions: Mapping[str, str]
    source_types: Mapping[str, str]
    sentiments: Mapping[str, str]
    sites: Mapping[str, str] = field(default_factory=dict)
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE

    def allowed(self, kind: Kind) -> dict[str, str]:
        """Key -> label of one vocabulary (sites include ``ALL``)."""
        values = dict(getattr(self, kind))
        if kind == "sites":
            values.setdefault(CONTRACT_WIDE, "Contract as a whole")
        return values

    def resolve(self, kind: Kind, value: object) -> str | None:
        """The key meant: the key, its label or a site's alias, in any case; None if unknown."""
        allowed = self.allowed(kind)
        text = str(value).strip()
        if text in allowed:
            return text
        wanted = text.casefold()
        found = next(
            (k for k, label in allowed.items() if wanted in (k.casefold(), label.casefold())),
            None,
        )
        if found is None and kind == "sites":  # a site's aliases name it too, as in the extracts
            found = getattr(self.sites, "aliases", {}).get(wanted)
        return found

    def label(self, kind: Kind, key: str) -> str:
        """The label of a key, or the key itself when it is not (or no longer) in the vocabulary."""
        return self.allowed(kind).get(key, key)


def from_method(method: Method, sites: Mapping[str, str] | None = None) -> Vocabulary:
    """The vocabulary of a ``method`` section (with the engagement's sites, when given)."""
    return Vocabulary(
        headings=dict(method.headings),
        dimensions=dict(method.dimensions),
        source_types=dict(method.source_types),
        sentiments=dict(method.sentiments),
        sites=sites if sites is not None else {},
        min_group_size=method.min_group_size,
    )


def vocabulary(engagement: Engagement) -> Vocabulary:
    """The engagement's vocabulary: its ``method`` section (or the defaults) and its sites."""
    method = engagement.method
    # the method's default labels speak of customers: in the client's words unless the
    # consultant wrote the vocabulary in engagement.yaml
    reworded = {
        name: {key: reword(label, engagement) for key, label in getattr(method, name).items()}
        for name in ("headings", "dimensions", "source_types", "sentiments")
        if name not in method.model_fields_set
    }
    return from_method(method.model_copy(update=reworded), engagement.site_choices())


def default_vocabulary(sites: Mapping[str, str] | None = None) -> Vocabulary:
    """The method's default vocabulary (for tests and engagements without a ``method`` section)."""
    return from_method(Method(), sites)
