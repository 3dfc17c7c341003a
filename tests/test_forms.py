"""The ipywidgets forms, driven from Python: set values, click, read the store back."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
from IPython.display import HTML

from assessment import intelligence, scoping
from assessment.forms import NEW, EntryForm
from assessment.intelligence import store as step2
from assessment.scoping import store as step3


def fill(form: EntryForm, **values: object) -> None:
    for name, value in values.items():
        form.fields[name].value = value


NOTE = {
    "hypothesis_key": "time-with-customer:south",
    "stance": "supports",
    "source_name": "Pat Jones",
    "source_role": "Employment adviser",
    "site": "south",
    "note": "Paperwork takes all morning",
    "recorded_on": dt.date(2026, 1, 12),
}


def stored_notes(engagement):
    with step2.open_store(engagement) as store:
        return step2.notes(store)


def test_widgets_follow_the_model(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    assert isinstance(form.fields["stance"], w.Dropdown)
    assert isinstance(form.fields["recorded_on"], w.DatePicker)
    assert isinstance(form.fields["note"], w.Textarea)
    hypotheses = dict(form.fields["hypothesis_key"].options)
    assert hypotheses["Little time with customers at South Hub"] == "time-with-customer:south"
    sites = dict(form.fields["site"].options)
    assert sites["–"] is None and sites["South Hub"] == "south"  # optional: blank allowed
    assert "id" not in form.fields


def test_add_edit_delete_saved_to_the_store(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **NOTE)
    form.save_button.click()
    assert "Saved" in form.message.value
    [saved] = stored_notes(opinion_engagement)
    assert saved.model_dump(exclude={"id"}) == NOTE
    # reopening the notebook shows what was saved
    again = intelligence.notes_editor(opinion_engagement, interactive=True)
    assert [e.id for e in again.entries] == [saved.id]
    assert "Paperwork takes all morning" in again.listing.value
    again.picker.value = saved.id
    assert again.fields["source_name"].value == "Pat Jones"
    again.fields["note"].value = "Paperwork takes every morning"
    again.save_button.click()
    [edited] = stored_notes(opinion_engagement)
    assert edited.id == saved.id and edited.note == "Paperwork takes every morning"
    again.delete_button.click()
    assert stored_notes(opinion_engagement) == []
    assert again.selected == NEW and "Deleted" in again.message.value


def test_invalid_entry_shows_messages_and_saves_nothing(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **(NOTE | {"source_name": "  ", "recorded_on": None}))
    form.save_button.click()
    message = form.message.value
    assert "Not saved" in message and "Who said it" in message and "Date" in message
    assert stored_notes(opinion_engagement) == []


def test_activity_form_rejects_end_before_start_and_negative_days(opinion_engagement) -> None:
    form = scoping.activities_editor(opinion_engagement, interactive=True)
    fill(
        form,
        title="Interviews, North Hub",
        kind="interviews",
        person="Lead Consultant",
        start=dt.date(2025, 2, 5),
        end=dt.date(2025, 2, 4),
        days=-2.0,
    )
    form.save_button.click()
    assert "before the start" in form.message.value and "<b>End</b>" in form.message.value
    assert "<b>Days</b>" in form.message.value and "greater than 0" in form.message.value
    form.fields["end"].value = dt.date(2025, 2, 6)
    form.fields["days"].value = 2.5
    form.save_button.click()
    with step3.open_store(opinion_engagement) as store:
        [saved] = step3.activities(store)
    assert (saved.days, saved.end, saved.site) == (2.5, dt.date(2025, 2, 6), None)


def test_agreement_form_records_a_version(opinion_engagement) -> None:
    form = scoping.agreement_editor(opinion_engagement, interactive=True)
    fill(form, agreed_by="Jo Client", agreed_role="Director", agreed_on=dt.date(2026, 1, 20))
    form.save_button.click()
    assert "Scope agreed: version 1" in form.listing.value
    with step3.open_store(opinion_engagement) as store:
        assert [a.version for a in step3.agreements(store)] == [1]


def test_batch_runs_show_the_stored_entries_not_forms(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **NOTE)
    form.save_button.click()
    shown = intelligence.notes_editor(opinion_engagement, interactive=False)
    assert isinstance(shown, HTML) and "Paperwork takes all morning" in shown.data
    assert isinstance(scoping.items_editor(opinion_engagement, interactive=False), HTML)
    assert len(stored_notes(opinion_engagement)) == 1  # showing never writes


def test_a_note_on_a_retired_hypothesis_stays_editable(opinion_engagement) -> None:
    from assessment.store import Store

    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **NOTE)
    form.save_button.click()
    with Store(opinion_engagement.store_path) as store:  # a re-run no longer suggests it
        kept = store.hypotheses().query("site != 'south'")
        columns = ["key", "kind", "site", "kpi", "title", "statement", "figures"]
        store.sync_hypotheses("data_analysis", kept[columns].to_dict(orient="records"))
    again = intelligence.notes_editor(opinion_engagement, interactive=True)
    again.picker.value = again.entries[0].id
    options = dict(again.fields["hypothesis_key"].options)
    assert options["Little time with customers at South Hub (retired)"] == NOTE["hypothesis_key"]
    again.fields["note"].value = "Still true"
    again.save_button.click()
    assert [n.note for n in stored_notes(opinion_engagement)] == ["Still true"]
