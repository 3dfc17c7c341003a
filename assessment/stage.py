"""Where an engagement stands in the method, so its report shows what exists and no more.

One function, :func:`engagement_stage`, decides which of the five steps have begun (from what
each has stored). The report leaves out the sections of steps not begun and names them once in
"What comes next"; its title says "Interim report: data analysis" until the recommendations are
published. The store's tables are read by name, so this shared module imports no step.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.presentation import section_heading
from assessment.store import Store
from assessment.terminology import say

STEPS = {
    1: "Data analysis",
    2: "Intelligence",
    3: "Scoping",
    4: "Discovery",
    5: "Recommendations",
}
"""The five steps of the method, in order."""

SECTIONS = {
    "roadmap": (
        5,
        "The roadmap: from base camp to the summit",
        "Where the contract stands today against its contracted target, and the stages of the"
        " agreed plan that take it to the summit.",
    ),
    "plan": (
        5,
        "The action plan",
        "The actions agreed with you, each SMART: a specific task with an owner, a measure "
        "with its baseline and target, relevant to a finding and a contracted KPI, and a "
        "date.",
    ),
    "progress": (
        5,
        "Progress since the plan",
        "Each action's measure now, against its baseline and target, and the state of each action.",
    ),
    "value": (
        5,
        "Value and return",
        "For each recommendation, the value of closing its share of the gap to contract "
        "against the cost of its actions, ranked by return.",
    ),
    "what_if": (
        5,
        "What if",
        "The agreed plan beside the scenarios saved with it: where the headline KPI ends, the "
        "stage it reaches and the plan's value, cost and return if an action falls short, "
        "slips or is left out.",
    ),
    "scope": (
        3,
        "What we agreed to look at",
        "The scope of work and its timetable, as agreed with you (the agreed version only).",
    ),
    "found": (
        4,
        "What we found",
        "Our findings under the four headings of the assessment, each with the strength of "
        "the evidence behind it: how many items, from how many kinds of source. Quotes are "
        "shared with the agreement of the people who gave them, attributed to role and site "
        "at most.",
    ),
    "journey": (
        4,
        "The service journey",
        "How consistently each site follows the journey defined for the contract, and how "
        "that relates to performance against contract.",
    ),
    "change": (
        4,
        "Today's journey and the proposed one",
        "The steps people go through today against the journey we propose: the steps removed,"
        " and the time and effort saved for them.",
    ),
}
"""Report section -> (its step, heading, intro): one place for the words of each."""

_NEXT = {
    1: "the data analysis: performance against contract, flow and time with the people served",
    2: "local knowledge from the people who know the {sites}, set against the initial opinion",
    3: "the scope of work, its timetable and its cost, agreed with you",
    4: "interviews, sessions and observations: the findings and the journey",
    5: "the recommendations, a SMART action plan and the roadmap to the summit",
}

_BEGUN = {
    # what a step stores once it has begun in a way the client report can show
    2: "SELECT COUNT(*) FROM intelligence_notes",
    3: "SELECT COUNT(*) FROM scope_agreements",
    4: "SELECT (SELECT COUNT(*) FROM discovery_findings) "
    "+ (SELECT COUNT(*) FROM discovery_journey_steps)",
    5: "SELECT COUNT(*) FROM rec_publications",
}


@dataclass(frozen=True)
class EngagementStage:
    """The steps an engagement has begun (as its store shows them)."""

    begun: frozenset[int]

    @property
    def complete(self) -> bool:
        """Whether the recommendations are published: the report is no longer interim."""
        return 5 in self.begun

    @property
    def latest(self) -> int:
        """The furthest step begun (1 when nothing is stored yet)."""
        return max(self.begun, default=1)

    @property
    def title(self) -> str:
        """The report's title: 'Interim report: data analysis' until step 5 is published."""
        if self.complete:
            return "Improvement assessment"
        return f"Interim report: {STEPS[self.latest].lower()}"

    def page_title(self, client: str) -> str:
        """The browser tab's and the file's title."""
        if self.complete:
            return f"{client}: improvement assessment"
        return f"{client} — {self.title}"

    def not_begun(self) -> list[int]:
        """The steps still to come, in order."""
        return [step for step in STEPS if step not in self.begun]


def engagement_stage(engagement: Engagement) -> EngagementStage:
    """Which steps have begun, from what each has stored in the engagement's store."""
    if not engagement.store_path.exists():
        return EngagementStage(frozenset())
    begun = set()
    with Store(engagement.store_path) as store:
        if store.has_frame("data_analysis.performance_to_date"):
            begun.add(1)
        for step, sql in _BEGUN.items():
            if _count(store, sql) > 0:
                begun.add(step)
    return EngagementStage(frozenset(begun))


def _count(store: Store, sql: str) -> int:
    try:
        return int(store.query(sql)[0][0])
    except sqlite3.OperationalError:  # the step never opened its tables: not begun
        return 0


def section(stage: EngagementStage, key: str, render: Callable[..., Any], *args: Any) -> list[Any]:
    """A report section (see ``SECTIONS``): heading, intro and content, or nothing if not begun.

    ``render(*args)`` is called only for a step that has begun, so the report never shows a
    "not yet" box; the steps still to come are named once by :func:`what_comes_next`.
    """
    step, heading, intro = SECTIONS[key]
    if step not in stage.begun:
        return []
    shown = render(*args)
    content = shown if isinstance(shown, list | tuple) else [shown]
    head = section_heading(heading) + (f"<p>{html.escape(intro)}</p>" if intro else "")
    return [HTML(head), *[c for c in content if c is not None]]


def what_comes_next(stage: EngagementStage, engagement: Engagement | None = None) -> list[HTML]:
    """The steps still to come, named once and briefly (nothing when all have begun)."""
    coming = stage.not_begun()
    if not coming:
        return []
    items = "".join(
        f"<li><strong>{html.escape(STEPS[step])}</strong>: "
        f"{html.escape(say(_NEXT[step], engagement))}.</li>"
        for step in coming
    )
    return [
        HTML(
            f"{section_heading('What comes next')}<p>This report covers the steps done so far. "
            "Still to "
            f"come:</p><ol class='aw-next-steps'>{items}</ol>"
        )
    ]


def flatten(*parts: Iterable[Any]) -> list[Any]:
    """Sections one after another, for one ``show`` call."""
    return [item for part in parts for item in part]
