"""The SMART check of an action: one rule per letter, each with a sentence a client understands.

Each rule is a pure function of :class:`ActionFacts` (plain values gathered from the action, the
engagement and step 1's data) and returns a :class:`RuleResult`. ``check`` runs all five.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

MIN_TASK_WORDS = 5
VAGUE_OPENINGS = (
    "look at",
    "look into",
    "consider",
    "think about",
    "try to",
    "explore",
    "improve things",
    "do better",
    "review things",
)
"""Openings of a task that does not say what will be done."""


@dataclass(frozen=True)
class ActionFacts:
    """What the SMART rules need to know about one action.

    Attributes:
        task: The specific task.
        owner: Who owns it.
        is_kpi: Whether the measure is a KPI of the engagement.
        measure: The measure's label (KPI label and site, or the named measure).
        baseline: The baseline (KPI: computed % of contract; None when it cannot be).
        target: The target (KPI: % of contract).
        best_site: The site furthest ahead on the KPI now, and its % (KPIs only).
        best_interval: The 95% interval of the best site's % (three months of a small site
            are few events), or None.
        stretch_reason: Why the target goes beyond the best site, if it does.
        findings: The finding ids the recommendation answers.
        known_findings: Every finding id step 4 has stored.
        expected_outcome: What the action is expected to bring.
        set_on: The day the action was set.
        target_date: The day it is due.
        contract_end: The contract's last day.
    """

    task: str
    owner: str
    is_kpi: bool
    measure: str
    baseline: float | None
    target: float | None
    best_site: tuple[str, float] | None
    stretch_reason: str
    findings: list[str]
    known_findings: Collection[str]
    expected_outcome: str
    set_on: dt.date
    target_date: dt.date
    contract_end: dt.date
    unit: str = field(default="")
    best_interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict and its one-line explanation."""

    rule: str
    passed: bool
    why: str

    def line(self) -> str:
        """'✓ Specific: …' or '✗ Specific: …'."""
        return f"{'✓' if self.passed else '✗'} {self.rule}: {self.why}"


def _number(value: float, unit: str) -> str:
    return f"{value:,.0f}%" if unit == "%" else f"{value:,.4g}{(' ' + unit) if unit else ''}"


def specific(f: ActionFacts) -> RuleResult:
    """A task of substance (enough words, not a vague opening) with a named owner."""
    words = f.task.split()
    vague = next((v for v in VAGUE_OPENINGS if f.task.casefold().startswith(v)), None)
    if len(words) < MIN_TASK_WORDS:
        return RuleResult(
            "Specific",
            False,
            f"the task needs at least {MIN_TASK_WORDS} words saying what will be done",
        )
    if vague:
        return RuleResult("Specific", False, f"'{vague}' is vague: say what will be done")
    if not f.owner:
        return RuleResult("Specific", False, "no owner: name who will do it")
    return RuleResult("Specific", True, f"a clear task, owned by {f.owner}")


def measurable(f: ActionFacts) -> RuleResult:
    """A measure with a baseline and a target; a KPI's baseline is computed from the data."""
    if f.target is None:
        return RuleResult("Measurable", False, f"no target for {f.measure}")
    if f.baseline is None:
        why = (
            f"no data for {f.measure} before the action was set: no baseline can be computed"
            if f.is_kpi
            else f"no baseline for {f.measure}: type today's value"
        )
        return RuleResult("Measurable", False, why)
    source = " (from the KPI data)" if f.is_kpi else ""
    return RuleResult(
        "Measurable",
        True,
        f"{f.measure} from {_number(f.baseline, f.unit)}{source} to {_number(f.target, f.unit)}",
    )


def achievable(f: ActionFacts) -> RuleResult:
    """A KPI target no higher than the best site achieves now, or a stated stretch with a reason.

    The verdict says how sure it is: the best site's level has an interval, and only a target at
    or below the interval's low end is surely achieved somewhere today.
    """
    if f.stretch_reason:
        return RuleResult("Achievable", True, f"a stated stretch: {f.stretch_reason}")
    if not f.is_kpi:
        return RuleResult("Achievable", True, "judged achievable by its owner (no site to compare)")
    if f.best_site is None or f.target is None:
        return RuleResult("Achievable", False, "no site's data to compare the target with")
    site, best = f.best_site
    interval = ""
    if f.best_interval is not None:
        low, high = f.best_interval
        interval = f" (95% interval {low:,.0f}% to {high:,.0f}%)"
    if f.target <= best:
        sure = _how_sure(f.target, f.best_interval)
        return RuleResult(
            "Achievable",
            True,
            f"{site} already achieves {best:,.0f}%{interval}, above the {f.target:,.0f}%{sure}",
        )
    return RuleResult(
        "Achievable",
        False,
        f"{f.target:,.0f}% is above what any site achieves now ({site}, {best:,.0f}%"
        f"{interval.replace(' (', ', ').rstrip(')')}): lower it or state why it is a stretch",
    )


def _how_sure(target: float, interval: tuple[float, float] | None) -> str:
    """'; sure: …' when the whole interval clears the target, '; not sure: …' otherwise."""
    if interval is None:
        return ""
    low = interval[0]
    if target <= low:
        return f"; sure: even the interval's low end ({low:,.0f}%) reaches it"
    return (
        f"; not sure: the site's true level could be as low as {low:,.0f}%, so the evidence "
        "that the target is achievable is weak"
    )


def relevant(f: ActionFacts) -> RuleResult:
    """Linked to a finding of step 4, and to a contracted KPI or the desired outcome."""
    unknown = [i for i in f.findings if i not in f.known_findings]
    if not f.findings:
        return RuleResult("Relevant", False, "answers no finding: link it to one")
    if unknown:
        return RuleResult(
            "Relevant", False, f"finding(s) {', '.join(unknown)} are not among step 4's findings"
        )
    if not (f.is_kpi or f.expected_outcome):
        return RuleResult("Relevant", False, "say how it serves the contract's desired outcome")
    link = "a contracted KPI" if f.is_kpi else "the desired outcome"
    # the client reads this line: a count, not the workbook's finding ids
    count = f"{len(f.findings)} finding" + ("s" if len(f.findings) > 1 else "")
    return RuleResult("Relevant", True, f"answers {count} of the assessment and moves {link}")


def time_bound(f: ActionFacts) -> RuleResult:
    """Due after the day it was set and no later than the contract's end."""
    due = f"{f.target_date:%d %b %Y}"
    if f.target_date <= f.set_on:
        return RuleResult(
            "Time-bound", False, f"due {due}, not after it was set ({f.set_on:%d %b %Y})"
        )
    if f.target_date > f.contract_end:
        return RuleResult(
            "Time-bound", False, f"due {due}, after the contract ends ({f.contract_end:%d %b %Y})"
        )
    return RuleResult("Time-bound", True, f"due {due}, within the contract")


RULES: tuple[Callable[[ActionFacts], RuleResult], ...] = (
    specific,
    measurable,
    achievable,
    relevant,
    time_bound,
)


def check(facts: ActionFacts) -> list[RuleResult]:
    """Every SMART rule's verdict on one action, in S-M-A-R-T order."""
    return [rule(facts) for rule in RULES]
