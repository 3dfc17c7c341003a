"""What step 5's notebook shows the consultant: the SMART check, value and cost, publishing.

The forms are in :mod:`assessment.recommendations.editors`, the client's views in
:mod:`assessment.recommendations.client`.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from assessment.discovery import stored_findings
from assessment.engagement import Engagement
from assessment.errors import InputError
from assessment.presentation import callout, table
from assessment.recommendations import publishing as pub
from assessment.recommendations import store as db
from assessment.recommendations.client import NO_PLAN, day, plan_html, ranking_html
from assessment.recommendations.plan import progress
from assessment.recommendations.value import value_ranking

# -- the consultant's notebook -----------------------------------------------------------------


def findings_table(engagement: Engagement) -> HTML:
    """Step 4's findings the recommendations answer, by id."""
    with db.open_store(engagement) as store:
        found = stored_findings(store)
    if found.empty:
        return callout("Findings from step 4", ["No finding stored yet: run step 4 first."])
    headings = engagement.method.headings
    found["heading_label"] = found["heading"].map(lambda h: headings.get(h, h))
    columns = {"id": "Finding id", "heading_label": "Heading", "statement": "Finding"}
    return table(found, columns)


def finding_names(engagement: Engagement) -> dict[str, str]:
    """Finding id -> "id: statement", what a recommendation's findings are picked from."""
    with db.open_store(engagement) as store:
        found = stored_findings(store)
    return {str(r.id): f"{r.id}: {r.statement}" for r in found.itertuples()}


def recommendations_table(engagement: Engagement) -> HTML:
    """The recommendations as stored, with the client's agreement."""
    with db.open_store(engagement) as store:
        found = db.recommendations(store)
    if not found:
        return callout("Recommendations", ["No recommendation recorded yet."])
    frame = pd.DataFrame([r.model_dump() for r in found])
    frame["agreement"] = [
        f"Agreed by {r.agreed_by}, {r.agreed_on:%d %b %Y}" if r.agreed else "NOT AGREED"
        for r in found
    ]
    columns = {
        "action_area": "Action area",
        "title": "Recommendation",
        "finding_ids": "Findings answered",
        "agreement": "Client's agreement",
    }
    return table(frame, columns)


def actions_table(engagement: Engagement) -> HTML:
    """The actions as stored: task, measure, owner, due date and stage."""
    plan = _draft(engagement)
    if plan.empty:
        return callout("SMART actions", ["No action recorded yet."])
    frame = plan.assign(due=plan["target_date"].map(day))
    columns = {
        "recommendation": "Recommendation",
        "task": "Specific task",
        "measure_label": "Measure",
        "owner": "Owner",
        "due": "Target date",
        "stage": "Roadmap stage",
    }
    return table(frame, columns)


def _draft(engagement: Engagement) -> pd.DataFrame:
    with db.open_store(engagement) as store:
        return db.draft_plan(engagement, store)


def smart_check(engagement: Engagement) -> HTML:
    """Every action of the draft with its SMART check, rule by rule."""
    plan = _draft(engagement)
    if plan.empty:
        return callout("SMART check", ["No action recorded yet."])
    passed = int(plan["smart_passed"].sum())
    head = callout(
        "SMART check",
        [f"{passed} of {len(plan)} actions pass every rule."]
        + [f"Fails {r.failing}: {r.task}" for r in plan.itertuples() if not r.smart_passed],
        kind="note" if passed == len(plan) else "warning",
    )
    with db.open_store(engagement) as store:
        data = db.performance(store)
    # the same status rule as the client's report, on the same data
    return HTML(str(head.data) + plan_html(engagement, plan, progress(engagement, plan, data)))


def value_and_cost(engagement: Engagement) -> HTML:
    """The draft's recommendations ranked by return: value of their share of the gap over cost."""
    return ranking_html(engagement, value_ranking(_draft(engagement)))


def publish_pending(engagement: Engagement) -> HTML:
    """Publish the plan if a publish request (capture sheet or form) asks for it; say what happened.

    A plan that fails SMART is not published: the callout lists each failing action and rule,
    and the request stays pending until the plan passes.
    """
    lines, problems = [], []
    for result in pub.apply_requests(engagement):
        if isinstance(result, InputError):
            problems += [str(p) for p in result.problems]
        else:
            lines.append(result)
    pub.refresh_progress(engagement)
    status = publish_status(engagement)
    if problems:
        return HTML(
            str(callout("Not published: the plan fails the SMART check", problems, "warning").data)
            + str(status.data)
        )
    return status if not lines else HTML(str(callout("Published", lines).data) + str(status.data))


def publish_status(engagement: Engagement) -> HTML:
    """Which version of the plan is published, and whether the plan has changed since."""
    with db.open_store(engagement) as store:
        versions, current = db.publications(store), db.digest(engagement, store)
    if not versions:
        return callout("Action plan", [f"{NO_PLAN}: the plan is a draft."])
    latest = versions[-1]
    line = (
        f"Version {latest['version']} published by {latest['published_by']} on "
        f"{day(latest['published_on'])}, {latest['actions']} actions."
    )
    if latest["digest"] == current:
        return callout(f"Action plan published: version {latest['version']}", [line])
    later = "The plan has changed since: the changes are a draft until published again."
    return callout("Action plan changed since it was published", [line, later], "warning")
