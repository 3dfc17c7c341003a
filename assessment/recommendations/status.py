"""The one status rule of an action: Done, Late, On track, At risk or Not started, with its reason.

:func:`action_status` decides it once, from the client's reported status, the measure over the
action's window now (unrounded), its target, the trajectory, the due date and the day the data
runs to. Every view (the notebook, the client report, the coherence test) shows what it returns.
Where the client's word and the data differ, both are shown: "Done · target met · client says
not started".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from assessment.periods import date_text

LABELS = {
    "done": "Done",
    "late": "Late",
    "on_track": "On track",
    "at_risk": "At risk",
    "not_started": "Not started",
}
CLIENT_WORDS = {
    "done": "done",
    "late": "late",
    "on_track": "on track",
    "at_risk": "at risk",
    "not_started": "not started",
}


@dataclass(frozen=True)
class ActionStatus:
    """An action's status and why.

    Attributes:
        state: One of ``LABELS``'s keys.
        reason: What decided it, in words ("target met", "due 30 Sep 2026, target not met").
        client_says: The client's own status when it differs from ``state`` (else None).
    """

    state: str
    reason: str
    client_says: str | None = None

    def text(self) -> str:
        """'Late · due 30 Jun 2026, 54% against 55% · client says on track'."""
        parts = [LABELS[self.state], self.reason]
        if self.client_says:
            parts.append(f"client says {CLIENT_WORDS.get(self.client_says, self.client_says)}")
        return " · ".join(p for p in parts if p)


def is_met(now: float | None, target: float, lower_is_better: bool) -> bool:
    """Whether the measure now meets its target, compared unrounded."""
    if now is None or math.isnan(now):
        return False
    return now <= target if lower_is_better else now >= target


def projected(now: float | None, slope_per_month: float | None, months_left: float) -> float | None:
    """Where the measure's trajectory takes it by the due date (None without a trajectory)."""
    if now is None or slope_per_month is None or math.isnan(slope_per_month):
        return None
    return now + slope_per_month * max(months_left, 0.0)


def shown_pair(a: float | None, b: float | None, unit: str = "%") -> tuple[str, str]:
    """Two values as shown side by side, with enough decimals that unequal values never tie.

    99.9% against 100% reads "99.9%" and "100.0%", never "100%" and "100%".
    """

    def fmt(value: float | None, places: int) -> str:
        if value is None or math.isnan(value):
            return "–"
        return f"{value:,.{places}f}{unit}"

    for places in range(0, 4):
        left, right = fmt(a, places), fmt(b, places)
        if left != right or a is None or b is None or a == b:
            return left, right
    return fmt(a, 4), fmt(b, 4)


def action_status(
    reported: str,
    now: float | None,
    target: float,
    lower_is_better: bool,
    due: dt.date,
    as_of: dt.date | None,
    slope_per_month: float | None = None,
    unit: str = "%",
    data_to: dt.date | None = None,
) -> ActionStatus:
    """Decide an action's status once (see the module docstring).

    Args:
        reported: The client's status (``LABELS`` key; '' when none).
        now: The measure over the action's window now, unrounded (None: no data).
        target: The action's target.
        lower_is_better: Whether a lower value is better for the measure.
        due: The action's target date.
        as_of: The day the status is decided (the run's day, or a later status date): past the
            due date with the target unmet is Late, whatever the trajectory.
        slope_per_month: The measure's trajectory, per month (None: no trajectory).
        unit: The measure's unit, for the reason.
        data_to: The day the data runs to (the last complete month's end): the trajectory is
            projected from there to the due date; defaults to ``as_of``.

    Returns:
        The status, its reason and, where it differs, the client's word.
    """
    now_text, target_text = shown_pair(now, target, unit)
    differs = lambda state: reported if reported and reported != state else None  # noqa: E731
    if is_met(now, target, lower_is_better):
        return ActionStatus(
            "done", f"target met ({now_text} against {target_text})", differs("done")
        )
    if reported == "done":
        if now is None:
            return ActionStatus("done", "reported done by the client")
        return ActionStatus(
            "done", f"client says done; the data shows {now_text} against {target_text}"
        )
    past_due = as_of is not None and as_of > due
    if past_due:
        shown = f"{now_text} against {target_text}"
        if now is not None and data_to is not None:
            shown += f" on the data to {date_text(data_to)}"
        reason = f"due {date_text(due)}, " + (shown if now is not None else "not reported done")
        return ActionStatus("late", reason, differs("late"))
    if reported == "not_started":
        return ActionStatus("not_started", "the client has not started it")
    start = data_to or as_of
    months_left = 0.0 if start is None else (due - start).days / 30.44
    ahead = projected(now, slope_per_month, months_left)
    if ahead is None:
        state = reported if reported in ("on_track", "at_risk", "late") else "on_track"
        why = "as the client reports" if reported else "no data yet"
        return ActionStatus(state, why)
    reaches = is_met(ahead, target, lower_is_better)
    state = "on_track" if reaches else "at_risk"
    trend_text, _ = shown_pair(ahead, target, unit)
    reason = f"on its trend {trend_text} by {date_text(due)} against {target_text}"
    return ActionStatus(state, reason, differs(state))
