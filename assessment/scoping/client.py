"""Step 3 in the client report: "What we agreed to look at".

The agreed version only, with no costs and nothing from step 2's intelligence notes.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.presentation import callout, table
from assessment.scoping import store as db
from assessment.scoping.charts import gantt
from assessment.scoping.timetable import timetable


def agreed_scope_for_client(engagement: Engagement) -> list[HTML | alt.Chart]:
    """The report's "What we agreed to look at": the agreed version's areas, items, timetable.

    Shows the latest agreed version only, never a draft, never costs or intelligence notes.
    """
    with db.open_store(engagement) as store:
        recorded = db.agreements(store)
    if not recorded:
        return [callout("What we agreed to look at", ["The scope has not been agreed yet."])]
    agreed = recorded[-1]
    scope = agreed.scope
    who = (
        f"Scope of work version {agreed.version}, agreed by {agreed.agreed_by} "
        f"({agreed.agreed_role}) on {pd.Timestamp(agreed.agreed_on):%d %B %Y}."
    )
    shown: list[HTML | alt.Chart] = [HTML(f"<p class='aw-caption'>{html.escape(who)}</p>")]
    if scope["areas"]:
        areas = pd.DataFrame(scope["areas"])
        shown.append(table(areas, {"title": "Scope area", "description": "What it covers"}))
    if scope["items"]:
        items = pd.DataFrame(scope["items"])
        columns = {"area": "Area", "title": "What we will look at", "deliverable": "Deliverable"}
        shown.append(table(items, columns))
    if scope["activities"]:
        shown.append(gantt(timetable(pd.DataFrame(scope["activities"])), "Timetable"))
    return shown
