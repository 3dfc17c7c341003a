"""The client's own words: one function decides every word a client reads for people and places.

Client-facing texts are written as templates with the words in braces, such as
``"Time with the {customer}"`` or ``"{Customers} in service"``, and :func:`say` fills them
from ``terminology:`` in engagement.yaml (capitalised when the brace is). A health provider's
report then reads "Time with the patient", and no text decides its own word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessment.engagement import Engagement
from assessment.engagement_settings import Terminology

_KEYS = ("customer", "customers", "adviser", "advisers", "site", "sites", "outcome")


@dataclass(frozen=True)
class Words:
    """The words of one engagement, singular and plural, in running-text case."""

    customer: str
    customers: str
    adviser: str
    advisers: str
    site: str
    sites: str
    outcome: str

    def mapping(self) -> dict[str, str]:
        """Each word under its key, and capitalised under its capitalised key."""
        out = {key: getattr(self, key) for key in _KEYS}
        out |= {key.capitalize(): _capital(value) for key, value in out.items()}
        return out


def words(engagement: Engagement | None = None) -> Words:
    """The engagement's words (the defaults without one): the one place words are decided."""
    terms = engagement.terminology if engagement is not None else Terminology()
    customer = terms.customer
    return Words(
        customer=customer,
        customers=terms.customers or _plural(customer),
        adviser=terms.adviser,
        advisers=terms.advisers or _plural(terms.adviser),
        site=terms.site,
        sites=terms.sites or _plural(terms.site),
        outcome=terms.outcome or f"Successful {_capital(customer)} Outcome",
    )


def say(text: str, engagement: Engagement | None = None) -> str:
    """Fill a client-facing template: ``say("{Customers} seen", engagement)``.

    Braces name a word (``{customer}``, ``{Customers}``, ``{site}``, ``{outcome}`` ...); any
    other brace is left as it is.
    """
    return text.format_map(_Words(words(engagement).mapping()))


class _Words(dict[str, str]):
    """Words by key; a brace naming no word is left as written (a label may hold braces)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def reword(text: str, engagement: Engagement | None = None) -> str:
    """A default text written in our words (customer, site), in the client's words.

    Whole words only: "site" becomes "clinic", "Sites" "Clinics"; "website" stays.

    For the method's default labels (such as "Customer experience"), which are data and so
    carry no braces; a label the consultant wrote in engagement.yaml is never reworded.
    """
    chosen = words(engagement).mapping()
    return re.sub(
        r"\b(customers|customer|Customers|Customer|sites|site|Sites|Site)\b",
        lambda m: chosen[m.group(1)],
        text,
    )


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]
