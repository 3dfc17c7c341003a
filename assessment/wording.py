"""What a consultant reads in a form: validation messages in plain words, short names.

pydantic and the steps' checks speak to developers ("String should have at least 1 character");
:func:`plain` says the same to the person at the form ("Please fill this in."). :func:`short`
names a long entry in a one-line picker without cutting a word in half. :func:`kpi_noun` turns a
KPI's label into the thing it counts, for a sentence ("of its contracted patients discharged well").
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["kpi_noun", "plain", "short"]

_PLAIN: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    (
        r"(Field required|required field is missing|String should have at least 1 char\w*)",
        lambda m: "Please fill this in.",
    ),
    (
        r"String should have at least (\d+) characters",
        lambda m: f"Please write at least {m[1]} characters.",
    ),
    (
        r"String should have at most (\d+) characters?",
        lambda m: f"Too long: please keep it to {int(m[1]):,} characters or fewer.",
    ),
    (
        r"Input should be a valid date.*|Input should be a valid datetime.*",
        lambda m: "Please pick a date.",
    ),
    (r"Input should be a valid (number|integer).*", lambda m: "Please enter a number."),
    (r"Input should be greater than or equal to (\S+)", lambda m: f"Please enter {m[1]} or more."),
    (r"Input should be greater than (\S+)", lambda m: f"Please enter a number above {m[1]}."),
    (r"Input should be less than or equal to (\S+)", lambda m: f"Please enter {m[1]} or less."),
    (r"Input should be a valid string", lambda m: "Please fill this in."),
    (r"Input should be (?:'[^']*'(?:, | or )?)+", lambda m: "Please choose one of the options."),
    (
        r"unknown value (.*) \(expected one of: (.*)\)",
        lambda m: f"{m[1]} is not in the list: please pick one (for example {m[2]}).",
    ),
    (
        r"unknown ([a-z][a-z ]*) ('[^']*') \(expected one of: .*\)",
        lambda m: f"No {m[1]} called {m[2]}: please pick one from the list.",
    ),
    (
        r"no hypothesis with key ('[^']*').*",
        lambda m: f"No hypothesis called {m[1]}: please pick one from the list.",
    ),
    (r"^Value error, ", lambda m: ""),
)
"""Validation jargon (pydantic's, the checks' own) -> what a consultant reads next to a field."""


def plain(message: str) -> str:
    """A validation message in plain words (unknown messages are returned as they are)."""
    for pattern, words in _PLAIN:
        found = re.search(pattern, message)
        if found:
            text = message[: found.start()] + words(found) + message[found.end() :]
            return text[:1].upper() + text[1:]
    return message


def short(text: str, width: int = 60) -> str:
    """A one-line name for a picker: the text, cut at a word with "…" when longer than width."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(",;:") + "…"


_PARTICIPLE = re.compile(r"^[A-Za-z]+ed$")


def kpi_noun(label: str, unit: str) -> str:
    """A KPI's label as the things it counts, to stand where a sentence needs a noun.

    A label is usually a noun already ("Job outcomes", "Patients seen"): it is used as it is, its
    first letter lower-cased mid-sentence (an acronym such as "KPI" keeps its case). A label that
    names an event and no plural thing ("Discharged well", "Housed") takes the KPI's unit before
    it: "of its contracted patients discharged well", never "of its contracted discharged well".

    Args:
        label: The KPI's label (engagement.yaml ``label``).
        unit: What it counts, in the client's words (``unit``: "patients").
    """
    text = " ".join(label.split())
    core = re.sub(r"\([^)]*\)", " ", text).split()
    lowered = text if text[1:2].isupper() else text[:1].lower() + text[1:]
    plural = any(len(w) > 2 and w.lower().endswith("s") and not w.endswith("ss") for w in core)
    if core and _PARTICIPLE.match(core[0]) and not plural and unit.strip():
        return f"{unit.strip()} {lowered}"
    return lowered
