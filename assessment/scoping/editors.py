"""Step 3's forms: scope items, activities and the client's agreement.

In a batch run (``interactive=False``) each editor shows what is stored instead, as the tables
of :mod:`assessment.scoping.views`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.entries import Choices, E
from assessment.forms import EntryForm, table_form
from assessment.scoping import store as db
from assessment.scoping.models import Activity, Agreement, ScopeItem
from assessment.scoping.views import activities_table, scope_items_table, scope_status
from assessment.store import Store
from assessment.terminology import reword


def _editor(
    engagement: Engagement,
    model: type[E],
    table_name: str,
    load: Callable[[Store], list[E]],
    choices: Callable[[Store, Engagement], Choices],
    label: Callable[[E], str],
    title: str,
    render: Callable[[Engagement], HTML],
) -> EntryForm[E]:
    """A form over one of step 3's tables, saving each change in its own transaction."""
    with db.open_store(engagement) as store:
        allowed = choices(store, engagement)
    return table_form(
        lambda: db.open_store(engagement),
        model,
        table_name,
        load,
        choices=allowed,
        label=label,
        render=lambda _entries: str(render(engagement).data),
        title=title,
        wording=functools.partial(reword, engagement=engagement),
    )


def items_editor(engagement: Engagement, interactive: bool) -> EntryForm[ScopeItem] | HTML:
    """The scope-items form; in a batch run the stored items instead."""
    if not interactive:
        return scope_items_table(engagement)
    return _editor(
        engagement,
        ScopeItem,
        db.ITEMS,
        db.items,
        db.item_choices,
        lambda i: i.title,
        "Scope items",
        scope_items_table,
    )


def activities_editor(engagement: Engagement, interactive: bool) -> EntryForm[Activity] | HTML:
    """The activities form; in a batch run the stored activities instead."""
    if not interactive:
        return activities_table(engagement)
    return _editor(
        engagement,
        Activity,
        db.ACTIVITIES,
        db.activities,
        db.activity_choices,
        lambda a: f"{a.title} — {a.person}",
        "Discovery activities",
        activities_table,
    )


def agreement_editor(engagement: Engagement, interactive: bool) -> EntryForm[Agreement] | HTML:
    """Record the client's agreement to the scope as it stands; in a batch run, the status."""
    if not interactive:
        return scope_status(engagement)

    def save(agreement: Agreement) -> Sequence[Agreement]:
        with db.open_store(engagement) as store, store.transaction() as tx:
            db.record_agreement(tx, agreement)
        return []  # each agreement is a new record: the form starts afresh

    return EntryForm(
        Agreement,
        [],
        on_save=save,
        on_delete=lambda _id: [],
        label=lambda a: f"{a.agreed_by}, {a.agreed_on:%d %b %Y}",
        render=lambda _: str(scope_status(engagement).data),
        title="Record the client's agreement to the scope as it stands now",
    )
