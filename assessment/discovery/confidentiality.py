"""What of the evidence a client may see: no names, role and site at most, no small groups.

Interviewee names never leave the consultant's workbook. Every frame built here for the client is
assembled column by column from an allow-list (``QUOTE_COLUMNS``, ``COUNT_COLUMNS``), so it cannot
carry ``interviewee`` by construction; on top of that, any known name found inside a quote, a role
or a site is replaced by ``[name]``.

Counting people (a lower bound, so that suppression errs on the side of hiding):

- an item with ``participants`` (a group session) stands for that many people; as two sessions
  may share people, a group of items counts only its largest session;
- an item with an ``interviewee`` name stands for that person, counted once however many items
  they gave (names compared ignoring case and spacing);
- any other item (a one-to-one, observation or customer comment without a name) stands for one
  person, except items of an impersonal source (documents by default), which stand for none;
- people(group) = max(named people + unnamed items, largest session).

A breakdown cell resting on fewer than ``min_group_size`` people is suppressed: its count is
blanked. A quote is attributed to site and role only when that site x role group has enough
people, else to the site alone, else to the role alone (across sites), else to nobody.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd

from assessment.engagement_settings import DEFAULT_MIN_GROUP_SIZE

IMPERSONAL_SOURCES = frozenset({"document"})
"""Source types whose items stand for no person (a document singles nobody out by itself)."""

REDACTED = "[name]"
QUOTE_COLUMNS = [
    "evidence_id",
    "heading",
    "dimensions",
    "sentiment",
    "source_type",
    "site",
    "role",
    "text",
]
COUNT_COLUMNS_EXTRA = ["items", "suppressed"]


def _name_key(name: object) -> str:
    return " ".join(str(name).casefold().split())


def people(items: pd.DataFrame, impersonal: Collection[str] = IMPERSONAL_SOURCES) -> int:
    """The fewest distinct people a group of evidence items can rest on (rule in module docs)."""
    personal = items[~items["source_type"].isin(list(impersonal))]
    sessions = personal["participants"].notna()
    individuals = _person_keys(personal[~sessions]).nunique()
    largest = int(personal.loc[sessions, "participants"].max()) if sessions.any() else 0
    return max(individuals, largest)


def _person_keys(single: pd.DataFrame) -> pd.Series:
    """Who each item that is not a group session stands for: a tidied name, else the item."""
    keys = [
        # an item without a name is one person of its own (its id keeps it distinct)
        f"n:{_name_key(name)}" if isinstance(name, str) and name.strip() else f"i:{item}"
        for name, item in zip(single["interviewee"], single["id"], strict=True)
    ]
    return pd.Series(keys, index=single.index, dtype=object)


def people_by(
    rows: pd.DataFrame, keys: list[str], impersonal: Collection[str] = IMPERSONAL_SOURCES
) -> pd.Series:
    """``people`` of every group of ``rows`` by ``keys`` at once (what breakdowns need).

    Returns:
        People per group, indexed by the groups' keys (groups of impersonal items only: 0).
    """
    personal = rows[~rows["source_type"].isin(list(impersonal))]
    sessions = personal["participants"].notna()
    single = personal[~sessions]
    individuals = (
        single.assign(_person=_person_keys(single))
        .groupby(keys, dropna=False, sort=False)["_person"]
        .nunique()
    )
    largest = (
        personal[sessions]
        .groupby(keys, dropna=False, sort=False)["participants"]
        .max()
        .astype("float64")
    )
    every = rows.groupby(keys, dropna=False, sort=False).size().index
    counts = pd.concat([individuals.astype("float64"), largest], axis=1).max(axis=1)
    return counts.reindex(every, fill_value=0).fillna(0).astype("int64")


def known_names(evidence: pd.DataFrame) -> list[str]:
    """Every interviewee name of the evidence (spacing tidied, once each ignoring case)."""
    names: dict[str, str] = {}
    for name in evidence["interviewee"].dropna().astype("str"):
        tidy = " ".join(name.split())
        if tidy:
            names.setdefault(tidy.casefold(), tidy)
    return sorted(names.values(), key=lambda n: (-len(n), n))


def redact(text: object, names: Iterable[str]) -> object:
    """Replace every known name in a text by ``[name]``.

    Full names match in any case and spacing; then each part of a name (say the first name)
    matches as written, capitalised or in capitals, so a first name is caught without blanking
    ordinary words such as "will".
    """
    if not isinstance(text, str) or not text:
        return text
    full, parts = _name_patterns(tuple(names))
    if full is not None:
        text = full.sub(REDACTED, text)
    if parts is not None:
        text = parts.sub(REDACTED, text)
    return text


@functools.lru_cache(maxsize=64)
def _name_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One compiled pattern for the full names, one for their parts (longest first)."""
    full = [r"\s+".join(re.escape(part) for part in name.split()) for name in names]
    parts = {p for name in names for p in name.split() if len(p) >= 2}
    forms = {f for part in parts for f in (part, part.capitalize(), part.upper())}
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    return (
        re.compile(rf"(?<!\w)(?:{'|'.join(full)})(?!\w)", re.IGNORECASE) if full else None,
        re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, ordered))})(?!\w)") if ordered else None,
    )


def suppressed_counts(
    evidence: pd.DataFrame,
    by: Iterable[str],
    min_group_size: int,
    impersonal: Collection[str] = IMPERSONAL_SOURCES,
) -> pd.DataFrame:
    """Evidence items per cell of a breakdown, blanked where a cell rests on too few people.

    Args:
        evidence: The evidence frame.
        by: Columns to break down by (``dimension`` explodes the item's dimensions).
        min_group_size: Fewest people a shown cell may rest on.
        impersonal: Source types that stand for no person.

    Returns:
        The ``by`` columns plus ``items`` (nullable integer, missing where suppressed) and
        ``suppressed``; no name, no people count. Built column by column: nothing else leaks.
    """
    keys = list(by)
    rows = evidence
    if "dimension" in keys:
        rows = rows.explode("dimensions").rename(columns={"dimensions": "dimension"})
    names = known_names(evidence)
    counted = people_by(rows, keys, impersonal)
    items = rows.groupby(keys, sort=True)["id"].nunique()
    out: dict[str, list[object]] = {key: [] for key in [*keys, *COUNT_COLUMNS_EXTRA]}
    for values, count in items.items():
        values = _as_tuple(values)
        hidden = bool(counted.loc[values if len(keys) > 1 else values[0]] < min_group_size)
        for key, value in zip(keys, values, strict=True):
            out[key].append(redact(value, names))
        out["items"].append(pd.NA if hidden else int(count))
        out["suppressed"].append(hidden)
    frame = pd.DataFrame(out)
    frame["items"] = frame["items"].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def attribution(
    evidence: pd.DataFrame,
    min_group_size: int,
    impersonal: Collection[str] = IMPERSONAL_SOURCES,
) -> pd.DataFrame:
    """How far each item may be attributed: ``site_role``, ``site``, ``role`` or ``none``.

    Groups are counted over all the evidence (everyone a quote could have come from), not only
    over the shareable items.

    Returns:
        Columns ``id, level`` in the evidence's order.
    """

    def enough(keys: list[str]) -> list[bool]:
        counted = people_by(evidence, keys, impersonal)
        ok = {_as_tuple(value): count >= min_group_size for value, count in counted.items()}
        return [ok[row] for row in evidence[keys].itertuples(index=False, name=None)]

    levels = ["none"] * len(evidence)
    # the finest level allowed wins: site x role, then site, then role across sites
    for keys, level in ((["role"], "role"), (["site"], "site"), (["site", "role"], "site_role")):
        levels = [level if fine else now for fine, now in zip(enough(keys), levels, strict=True)]
    return pd.DataFrame({"id": evidence["id"].to_numpy(), "level": levels}, dtype="str")


def _as_tuple(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True)
class ClientView:
    """The evidence as a client may see it.

    Attributes:
        quotes: Shareable quotes only, columns ``QUOTE_COLUMNS``; ``site`` and ``role`` are
            missing where they would single someone out; names in the text are ``[name]``.
        by_site_role: Item counts per site x role, suppressed below ``min_group_size`` people.
        by_heading_dimension: Item counts per heading x dimension, suppressed likewise.
        min_group_size: The floor applied.
    """

    quotes: pd.DataFrame
    by_site_role: pd.DataFrame
    by_heading_dimension: pd.DataFrame
    min_group_size: int


def client_quotes(
    evidence: pd.DataFrame,
    min_group_size: int,
    impersonal: Collection[str] = IMPERSONAL_SOURCES,
) -> pd.DataFrame:
    """The shareable quotes, attributed no further than the group sizes allow.

    Returns:
        Columns ``QUOTE_COLUMNS``, built from an allow-list (never a copy of the evidence).
    """
    level = attribution(evidence, min_group_size, impersonal)["level"].to_numpy()
    shown = evidence["shareable"].astype(bool).to_numpy()
    rows, level = evidence[shown], level[shown]
    names = known_names(evidence)
    keep_site = pd.Series(level, dtype="str").isin(["site_role", "site"]).to_numpy()
    keep_role = pd.Series(level, dtype="str").isin(["site_role", "role"]).to_numpy()
    site = rows["site"].where(keep_site)
    role = rows["role"].where(keep_role)
    columns = {
        "evidence_id": rows["id"],
        "heading": rows["heading"],
        "dimensions": rows["dimensions"].map(list),
        "sentiment": rows["sentiment"],
        "source_type": rows["source_type"],
        "site": site.map(lambda v: redact(v, names)),
        "role": role.map(lambda v: redact(v, names)),
        "text": rows["text"].map(lambda v: redact(v, names)),
    }
    return pd.DataFrame({c: columns[c].to_numpy() for c in QUOTE_COLUMNS}, columns=QUOTE_COLUMNS)


def client_view(
    evidence: pd.DataFrame,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    impersonal: Collection[str] = IMPERSONAL_SOURCES,
) -> ClientView:
    """Everything of the evidence a client report or export may show.

    Args:
        evidence: The evidence frame (with ``interviewee``, which never comes out).
        min_group_size: Fewest people a breakdown cell or an attribution may rest on (the
            engagement's ``method.min_group_size``).
        impersonal: Source types that stand for no person.
    """
    return ClientView(
        quotes=client_quotes(evidence, min_group_size, impersonal),
        by_site_role=suppressed_counts(evidence, ["site", "role"], min_group_size, impersonal),
        by_heading_dimension=suppressed_counts(
            evidence, ["heading", "dimension"], min_group_size, impersonal
        ),
        min_group_size=min_group_size,
    )


FINDING_COLUMNS = [
    "finding_id",
    "heading",
    "statement",
    "evidence_items",
    "source_kinds",
    "weak",
    "quote_ids",
]
MIN_KINDS = 2
"""Fewest kinds of source a finding needs not to be flagged weak (the method triangulates)."""


def client_findings(findings: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Draft findings as the client may read them: names in statements replaced.

    Args:
        findings: The findings frame (``id, heading, statement, evidence_ids``).
        evidence: The evidence frame, for the names to replace and which quotes are shareable.

    Returns:
        Columns ``FINDING_COLUMNS``: ``evidence_items`` counts the items a finding rests on,
        ``source_kinds`` the kinds of source among them (``weak`` when fewer than
        ``MIN_KINDS``: one kind of source alone does not triangulate) and ``quote_ids`` lists
        the items marked shareable (to show beside it).
    """
    names = known_names(evidence)
    shareable = set(evidence.loc[evidence["shareable"].astype(bool), "id"])
    kind_of = dict(zip(evidence["id"], evidence["source_type"], strict=True))
    kinds = findings["evidence_ids"].map(lambda ids: len({kind_of[i] for i in ids if i in kind_of}))
    columns = {
        "finding_id": findings["id"].to_numpy(),
        "heading": findings["heading"].to_numpy(),
        "statement": findings["statement"].map(lambda s: redact(s, names)).to_numpy(),
        "evidence_items": findings["evidence_ids"].map(len).to_numpy(),
        "source_kinds": kinds.to_numpy(),
        "weak": (kinds < MIN_KINDS).to_numpy(),
        "quote_ids": findings["evidence_ids"].map(lambda ids: [i for i in ids if i in shareable]),
    }
    return pd.DataFrame({c: list(columns[c]) for c in FINDING_COLUMNS}, columns=FINDING_COLUMNS)
