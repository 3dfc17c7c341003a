"""Step 2's forms: intelligence notes and scope areas, each change its own transaction.

In a batch run (``interactive=False``) each editor shows the stored entries instead, as the
tables of :mod:`assessment.intelligence.views`.
"""

from __future__ import annotations

import functools

from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.forms import EntryForm, table_form
from assessment.intelligence import store as db
from assessment.intelligence.models import IntelligenceNote, ScopeArea
from assessment.intelligence.views import areas_table, notes_table
from assessment.terminology import reword


def notes_editor(engagement: Engagement, interactive: bool) -> EntryForm[IntelligenceNote] | HTML:
    """The intelligence form; in a batch run (not interactive) the stored notes instead."""
    with db.open_store(engagement) as store:
        notes = db.notes(store)
        choices = db.note_choices(store, engagement)
    titles = choices["hypothesis_key"]
    sites = engagement.site_names()
    if not interactive:
        return HTML(notes_table(notes, titles, sites))

    return table_form(
        lambda: db.open_store(engagement),
        IntelligenceNote,
        db.NOTES,
        db.notes,
        choices=choices,
        label=lambda n: f"{titles.get(n.hypothesis_key, n.hypothesis_key)} — {n.source_name}",
        render=lambda found: notes_table(found, titles, sites),
        title="Record local knowledge",
        wording=functools.partial(reword, engagement=engagement),
    )


def areas_editor(engagement: Engagement, interactive: bool) -> EntryForm[ScopeArea] | HTML:
    """The scope-areas form; in a batch run the stored areas instead."""
    with db.open_store(engagement) as store:
        areas = db.areas(store)
        choices = db.area_choices(store, engagement)
    titles = choices["hypothesis_key"]
    if not interactive:
        return HTML(areas_table(areas, titles))

    return table_form(
        lambda: db.open_store(engagement),
        ScopeArea,
        db.AREAS,
        db.areas,
        choices=choices,
        label=lambda a: a.title,
        render=lambda found: areas_table(found, titles),
        title="Scope areas",
        wording=functools.partial(reword, engagement=engagement),
    )
