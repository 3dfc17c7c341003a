"""Step 3's charts: the timetable as a Gantt chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from assessment import charts


def gantt(frame: pd.DataFrame, title: str = "Timetable") -> alt.Chart:
    """The timetable as a Gantt chart: one bar per activity and person, coloured by person.

    Each activity is named in full beside its bar, on two lines when long ("Findings workshop"
    over "(Alex Morgan)"), never cut short with "…".
    """
    frame = frame.assign(label=[charts.wrap_label(task) for task in frame["task"]])
    lines = max((label.count("\n") + 1 for label in frame["label"]), default=1)
    return (
        alt.Chart(frame, title=title)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b")),
            x2="finish:T",
            y=alt.Y(
                "label:N", sort=None, title=None, axis=alt.Axis(labelExpr=charts.WRAPPED_LABELS)
            ),
            color=alt.Color("person:N", title="Who", scale=alt.Scale(range=charts.PALETTE)),
            # labelled, formatted values: never a field name or a raw number
            tooltip=[
                alt.Tooltip("task:N", title="Activity"),
                alt.Tooltip("activity:N", title="Kind"),
                alt.Tooltip("person:N", title="Who"),
                alt.Tooltip("start:T", title="From", format="%-d %b %Y"),
                alt.Tooltip("days:Q", title="Days", format=",.1~f"),
            ],
        )
        .properties(width=560, height=alt.Step(18 if lines == 1 else 14 * lines + 4))
    )
