"""At many sites, one hypothesis per rule: the strongest sites named, every site in a table.

On a contract of 200 sites a rule such as "behind the rest of the contract" can hold at a hundred
of them, each significant on its own, and hundreds of hypotheses are more than a client can read.
So when a rule holds at more than ``MAX_SITES`` sites its site hypotheses are folded into one
that says at how many of the contract's sites it holds, names the strongest ``MAX_SITES`` with
their figure and points to the table of every site (``sites_table``), ranked by strength as the
opinion is. A rule that holds at ``MAX_SITES`` sites or fewer keeps one hypothesis per site, so a
contract of a few sites reads (and keys its annotations) as before.

The folded hypothesis's key is the rule's with ``SITES`` in place of the site
(``perf-gap:SITES:job_outcomes``), its strength the weakest of the sites it names (each holds at
least that firmly; the rules already correct for the number of sites compared).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from assessment.data_analysis.comparisons import strength
from assessment.data_analysis.opinion import Hypothesis, _figures, _p_words, rank_by_strength
from assessment.engagement import Engagement
from assessment.terminology import Words, words

MAX_SITES = 5
"""Most sites a rule names one by one (and, folded, names in its statement)."""

SITES_KEY = "SITES"
"""Stands for the site in a folded hypothesis's key."""

SITES_COLUMNS = [
    "rule",
    "rank",
    "key",
    "site",
    "title",
    "figure",
    "p_value",
    "strength",
]
"""Columns of ``sites_table``: the folded hypothesis's key (``rule``), the site's rank in it."""


@dataclass(frozen=True)
class _Wording:
    """How a rule's folded hypothesis reads: its title and claim, and one site's figure."""

    title: Callable[[int, int, Hypothesis, Words], str]
    claim: Callable[[int, int, list[Hypothesis], Words, Mapping[str, str]], str]
    figure: Callable[[Hypothesis], str]
    order: Callable[[Hypothesis], float]
    """Among equally strong sites (and data checks, which have no p-value), larger first."""


def summarise_by_rule(
    hyps: Sequence[Hypothesis],
    site_names: Mapping[str, str],
    words: Words,
    kpi_labels: Mapping[str, str] | None = None,
    limit: int = MAX_SITES,
) -> tuple[list[Hypothesis], pd.DataFrame]:
    """Fold each rule that holds at more than ``limit`` sites into one hypothesis.

    Args:
        hyps: The opinion's hypotheses (any order).
        site_names: Site key to display name (its length is the contract's number of sites).
        words: The client's words (terminology:).
        kpi_labels: KPI key to display label.
        limit: Most site hypotheses a rule keeps one by one.

    Returns:
        The hypotheses ranked by strength, and the table of every site of a folded rule
        (``SITES_COLUMNS``), each rule's sites strongest first.
    """
    groups: dict[str, list[Hypothesis]] = {}
    for hyp in hyps:
        rule = _rule_key(hyp)
        if rule is not None and hyp.kind in _WORDINGS:
            groups.setdefault(rule, []).append(hyp)
    folded = {rule: members for rule, members in groups.items() if len(members) > limit}
    if not folded:
        return rank_by_strength(hyps), pd.DataFrame(columns=SITES_COLUMNS)
    gone = {id(h) for members in folded.values() for h in members}
    kept = [h for h in hyps if id(h) not in gone]
    rows = []
    for rule, members in folded.items():
        wording = _WORDINGS[members[0].kind]
        ranked = sorted(members, key=lambda h: (*_strength_key(h), -wording.order(h)))
        kept.append(_folded(rule, ranked, wording, site_names, words, kpi_labels or {}, limit))
        rows += [
            [
                rule,
                rank,
                h.key,
                h.site,
                h.title,
                wording.figure(h),
                h.p_value,
                h.figures.get("strength", ""),
            ]
            for rank, h in enumerate(ranked, start=1)
        ]
    return rank_by_strength(kept), pd.DataFrame(rows, columns=SITES_COLUMNS)


def summarised(
    engagement: Engagement, found: Sequence[Hypothesis]
) -> tuple[list[Hypothesis], pd.DataFrame]:
    """``summarise_by_rule`` with the engagement's sites, words and KPI labels."""
    return summarise_by_rule(
        found, engagement.site_names(), words(engagement), engagement.kpi_labels()
    )


def _rule_key(hyp: Hypothesis) -> str | None:
    """The key with the site replaced by ``SITES``; None for a hypothesis of no single site."""
    if hyp.site is None:
        return None
    parts = hyp.key.split(":")
    if hyp.site not in parts:
        return None
    parts[parts.index(hyp.site)] = SITES_KEY
    return ":".join(parts)


def _strength_key(hyp: Hypothesis) -> tuple[bool, float]:
    p = hyp.p_value
    return (p is None, p if p is not None else 0.0)


def _folded(
    rule: str,
    ranked: list[Hypothesis],
    wording: _Wording,
    site_names: Mapping[str, str],
    words: Words,
    kpi_labels: Mapping[str, str],
    limit: int,
) -> Hypothesis:
    """One hypothesis for a rule's sites: how many, the strongest named, the rest in the table."""
    n, of = len(ranked), max(len(site_names), len(ranked))
    first = ranked[0]
    named = ", ".join(
        f"{site_names.get(h.site or '', h.site)} ({wording.figure(h)})" for h in ranked[:limit]
    )
    p_values = [h.p_value for h in ranked if h.p_value is not None]
    p = max(p_values) if p_values else None
    evidence = (
        f" Each is more than chance on its own ({_p_words(p)} at the weakest)."
        if p is not None
        else ""
    )
    more = n - limit
    label = kpi_labels.get(first.kpi or "", first.kpi or "")
    label = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    statement = (
        f"{wording.claim(n, of, ranked, words, site_names).replace('{kpi}', label)}.{evidence} "
        f"Strongest first: {named}, and {more} more {words.site if more == 1 else words.sites}; "
        f"every one is listed with its figures in the table of {words.sites} behind the opinion."
    )
    extra = _figures(
        sites=n,
        of_sites=of,
        p_value=p,
        strongest_p=p_values[0] if p_values else None,
        strength=strength(p),
    )
    if first.kind == "flow":
        extra |= _figures(starts_short=sum(float(h.figures.get("starts_short", 0)) for h in ranked))
    if first.kind == "data-quality":  # judged material by its furthest-off site
        ratios = [float(h.figures["ratio"]) for h in ranked if "ratio" in h.figures]
        if ratios:
            extra |= _figures(ratio=max(ratios, key=lambda r: abs(math.log(r)) if r > 0 else 0))
    return Hypothesis(
        key=rule,
        kind=first.kind,
        site=None,
        kpi=first.kpi,
        title=wording.title(n, of, first, words).replace("{kpi}", label),
        statement=statement,
        figures=extra,
    )


def _number(h: Hypothesis, name: str) -> float:
    value = h.figures.get(name)
    return float(value) if isinstance(value, int | float) else math.nan


def _pct(h: Hypothesis) -> str:
    return (
        f"{_number(h, 'pct_of_target'):.0f}%, {_number(h, 'pct_low'):.0f}–"
        f"{_number(h, 'pct_high'):.0f}%"
    )


def _best(h: Hypothesis, names: Mapping[str, str]) -> str:
    best = str(h.figures.get("best_site", "the best site"))
    return names.get(best, best)


def _share(h: Hypothesis) -> str:
    return f"{_number(h, 'share'):.1%}, {_number(h, 'ci_low'):.1%}–{_number(h, 'ci_high'):.1%}"


_WORDINGS: dict[str, _Wording] = {
    "performance": _Wording(
        title=lambda n, of, h, w: (
            f"{n} of {of} {w.sites} below {_number(h, 'threshold_pct'):.0f}% of target on {{kpi}}"
        ),
        claim=lambda n, of, hs, w, names: (
            f"{n} of the contract's {of} {w.sites} deliver under "
            f"{_number(hs[0], 'threshold_pct'):.0f}% of their contracted {{kpi}} to date, each "
            f"behind the rest of the contract or surely below "
            f"{_number(hs[0], 'threshold_pct'):.0f}%"
        ),
        figure=_pct,
        order=lambda h: -_number(h, "pct_of_target"),
    ),
    "conversion": _Wording(
        title=lambda n, of, h, w: (
            f"{n} of {of} {w.sites} convert fewer starts into outcomes than the best"
        ),
        claim=lambda n, of, hs, w, names: (
            f"{n} of the contract's {of} {w.sites} convert their "
            f"starts into outcomes at {max(_number(h, 'ratio_to_best') for h in hs):.0%} or less "
            f"of the rate of {_best(hs[0], names)} "
            f"({_number(hs[0], 'best_conversion_to_outcome'):.0%})"
        ),
        figure=lambda h: f"{_number(h, 'conversion_to_outcome'):.0%}",
        order=lambda h: -_number(h, "conversion_to_outcome"),
    ),
    "time-with-customer": _Wording(
        title=lambda n, of, h, w: f"Little time with {w.customers} at {n} of {of} {w.sites}",
        claim=lambda n, of, hs, w, names: (
            f"At {n} of the contract's {of} {w.sites} staff spend "
            f"surely less than {_number(hs[0], 'threshold_share'):.0%} of their observed time with "
            f"{w.customers}"
        ),
        figure=_share,
        order=lambda h: -_number(h, "share"),
    ),
    "data-quality": _Wording(
        title=lambda n, of, h, w: f"Caseload data for {n} of {of} {w.sites} do not add up",
        claim=lambda n, of, hs, w, names: (
            f"The caseload data of {n} of the contract's {of} {w.sites} "
            f"do not add up: their caseload differs from starts × time in service (Little's law) "
            f"by more than the check allows"
        ),
        figure=lambda h: f"ratio {_number(h, 'ratio'):.2f}",
        order=lambda h: abs(math.log(_number(h, "ratio"))) if _number(h, "ratio") > 0 else 0.0,
    ),
    "flow": _Wording(
        title=lambda n, of, h, w: (
            f"{n} of {of} {w.sites} start too few {w.customers} for their targets"
        ),
        claim=lambda n, of, hs, w, names: (
            f"{n} of the contract's {of} {w.sites} start too few "
            f"{w.customers} to reach their targets: together "
            f"{sum(_number(h, 'starts_short') for h in hs):,.0f} starts a month short"
        ),
        figure=lambda h: f"{_number(h, 'starts_short'):,.0f} starts a month short",
        order=lambda h: _number(h, "starts_short"),
    ),
}
