"""Step 5's forms: recommendations, actions and the request to publish the plan.

In a batch run (``interactive=False``) each editor shows what is stored instead (publishing
applies the pending requests), as :mod:`assessment.recommendations.views` shows it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from IPython.display import HTML

from assessment import entries
from assessment.capture import SheetSpec
from assessment.engagement import Engagement
from assessment.entries import E
from assessment.forms import EntryForm, table_form
from assessment.recommendations import store as db
from assessment.recommendations.models import Action, Publication, Recommendation
from assessment.recommendations.sheets import ACTIONS_SHEET, RECOMMENDATIONS_SHEET
from assessment.recommendations.views import (
    actions_table,
    finding_names,
    publish_pending,
    recommendations_table,
)
from assessment.store import Store
from assessment.terminology import reword
from assessment.wording import short


def _form(
    engagement: Engagement,
    sheet: SheetSpec,
    load: Callable[[Store], list[E]],
    label: Callable[[E], str],
    render: Callable[[], HTML],
    multi: dict[str, dict[str, str]] | None = None,
) -> EntryForm[E]:
    """A form over the entries of one capture sheet's kind; each change is its own transaction."""
    table_name = {Recommendation: db.RECOMMENDATIONS, Action: db.ACTIONS}[sheet.model]
    with db.open_store(engagement) as store:
        allowed = sheet.choices(store, engagement)
    return table_form(
        lambda: db.open_store(engagement),
        sheet.model,  # type: ignore[arg-type]
        table_name,
        load,
        choices=allowed,
        multi=multi,
        label=label,
        render=lambda _entries: str(render().data),
        title=sheet.name,
        wording=functools.partial(reword, engagement=engagement),
    )


def recommendations_editor(
    engagement: Engagement, interactive: bool
) -> EntryForm[Recommendation] | HTML:
    """The recommendations form; in a batch run the stored recommendations instead."""
    if not interactive:
        return recommendations_table(engagement)
    return _form(
        engagement,
        RECOMMENDATIONS_SHEET,
        db.recommendations,
        lambda r: r.title,
        lambda: recommendations_table(engagement),
        multi={"finding_ids": finding_names(engagement)},
    )


def actions_editor(engagement: Engagement, interactive: bool) -> EntryForm[Action] | HTML:
    """The actions form; in a batch run the stored actions instead."""
    if not interactive:
        return actions_table(engagement)
    return _form(
        engagement,
        ACTIONS_SHEET,
        db.actions,
        lambda a: short(a.task),
        lambda: actions_table(engagement),
    )


def publish_editor(engagement: Engagement, interactive: bool) -> EntryForm[Publication] | HTML:
    """Publish the plan (refused while an action fails SMART); in a batch, apply the requests."""
    if not interactive:
        return publish_pending(engagement)

    def save(request: Publication) -> list[Publication]:
        with db.open_store(engagement) as store:
            entries.save_one(store, db.REQUESTS, request)
        return []

    return EntryForm(
        Publication,
        [],
        on_save=save,
        on_delete=lambda _id: [],
        label=lambda p: f"{p.published_by}, {p.published_on:%d %b %Y}",
        render=lambda _: str(publish_pending(engagement).data),
        title="Publish the action plan to the client report",
    )
