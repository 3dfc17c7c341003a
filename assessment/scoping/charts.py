"""Step 3's charts: the timetable as a Gantt chart."""

from __future__ import annotations

import altair as alt
import pandas as pd

from assessment import charts


def gantt(frame: pd.DataFrame, title: str = "Timetable") -> alt.Chart:
    """The timetable as a Gantt chart: one bar per activity and person, coloured by person."""
    return (
        alt.Chart(frame, title=title)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b")),
            x2="finish:T",
            y=alt.Y("task:N", sort=None, title=None),
            color=alt.Color("person:N", title="Who", scale=alt.Scale(range=charts.PALETTE)),
            tooltip=["task", "activity", "person", "days"],
        )
        .properties(width=560, height=alt.Step(18))
    )
