"""The ipywidgets forms, driven from Python: set values, click, read the store back."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
from IPython.display import HTML

from assessment import intelligence, scoping
from assessment.forms import NEW, EntryForm
from assessment.intelligence import store as step2
from assessment.pickers import Choice, PickList
from assessment.scoping import store as step3
from assessment.wording import plain, short


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
    # references are picked by name in a searchable box, never typed as keys
    assert isinstance(form.fields["hypothesis_key"], Choice)
    hypotheses = dict(form.fields["hypothesis_key"].options)
    assert hypotheses["Little time with customers at South Hub"] == "time-with-customer:south"
    sites = dict(form.fields["site"].options)
    assert sites["–"] is None and sites["South Hub"] == "south"  # optional: blank allowed
    assert "id" not in form.fields


def test_saving_clears_the_form_so_a_second_click_adds_nothing(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **NOTE)
    form.save_button.click()
    assert "Saved “Little time with customers at South Hub — Pat Jones”" in form.message.value
    assert form.selected == NEW and form.fields["note"].value == ""
    assert form.fields["hypothesis_key"].value is None
    form.save_button.click()  # the same click again: nothing to save, nothing duplicated
    assert len(stored_notes(opinion_engagement)) == 1
    assert "Not saved" in form.message.value


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
    # Delete asks first: "Keep it" keeps it, "Yes, delete it" deletes
    again.picker.value = saved.id
    assert again.delete_button.button_style == "" and not again.delete_button.disabled
    again.delete_button.click()
    assert again.confirm.layout.display == "flex"
    assert "Delete “Little time with customers at South Hub — Pat Jones”" in (
        again.confirm_text.value
    )
    again.cancel_button.click()
    assert len(stored_notes(opinion_engagement)) == 1 and again.confirm.layout.display == "none"
    again.delete_button.click()
    again.confirm_button.click()
    assert stored_notes(opinion_engagement) == []
    assert again.selected == NEW and "Deleted" in again.message.value
    assert again.delete_button.disabled  # nothing picked: nothing to delete


def test_invalid_entry_shows_plain_messages_next_to_the_fields(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **(NOTE | {"source_name": "  ", "recorded_on": None}))
    form.save_button.click()
    message = form.message.value
    assert "Not saved: 2 things need attention" in message
    assert "<b>Who said it</b>: Please fill this in." in message
    assert "<b>Date</b>: Please pick a date." in message
    assert "Please fill this in." in form.errors["source_name"].value
    assert "Please pick a date" in form.errors["recorded_on"].value
    assert form.errors["note"].value == ""
    assert "should" not in message and "Input" not in message  # no validation jargon
    assert stored_notes(opinion_engagement) == []


def test_an_empty_save_says_what_to_fill_in(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    form.save_button.click()
    for field in ("hypothesis_key", "source_name", "source_role", "note"):
        assert form.errors[field].value, field
    assert "Please fill this in." in form.errors["note"].value
    assert "String should" not in form.message.value


def test_a_site_is_found_by_its_alias_or_part_of_its_name(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    site = form.fields["site"]
    site.box.value = "south hub"  # its name, any case
    assert site.value == "south" and "South Hub" in site.box.options
    site.box.value = "sth"  # its alias in engagement.yaml, as the extracts accept it
    assert site.value == "south" and "✓ South Hub" in site.shown.value
    site.box.value = "nort"  # part of one name only
    assert site.value == "north"
    site.box.value = "Nowhere"
    assert site.value == "Nowhere" and "No match" in site.shown.value
    fill(form, **(NOTE | {"site": None}))
    site.box.value = "Nowhere"
    form.save_button.click()
    assert "&#x27;Nowhere&#x27; is not in the list: please pick one" in form.errors["site"].value


def test_a_pick_list_keeps_what_was_picked_while_searching() -> None:
    picks = PickList("Confirms", {"h1": "Eastgate Centre at 27% of target", "h2": "Harbour late"})
    picks.search.value = "eastgate"
    assert [k for _, k in picks.list.options] == ["h1"]
    picks.list.value = ("h1",)
    picks.search.value = "harbour"
    assert [k for _, k in picks.list.options] == ["h1", "h2"]  # the picked one stays in view
    picks.list.value = ("h1", "h2")
    assert picks.value == "h1; h2" and "Eastgate Centre at 27% of target" in picks.shown.value
    picks.value = "Harbour late"  # a typed title (as in a capture sheet) means its key
    assert picks.picked == ["h2"] and picks.value == "h2"


def test_plain_words_for_validation_jargon() -> None:
    assert plain("String should have at least 1 character") == "Please fill this in."
    assert plain("String should have at most 2000 characters") == (
        "Too long: please keep it to 2,000 characters or fewer."
    )
    assert plain("Input should be greater than 0") == "Please enter a number above 0."
    assert plain("unknown site 'Nowhere' (expected one of: north, south, ALL)") == (
        "No site called 'Nowhere': please pick one from the list."
    )
    assert plain("Value error, end must not be before the start") == (
        "End must not be before the start"
    )


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
    assert "<b>Days</b>" in form.message.value and "above 0" in form.message.value
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


def test_a_cleared_pick_list_shows_the_whole_list_again() -> None:
    picks = PickList("Dimensions", {"morale": "Morale", "culture": "Culture"})
    picks.search.value = "mor"
    picks.list.value = ("morale",)
    picks.value = ""  # what a cleared form does
    assert picks.search.value == "" and len(picks.list.options) == 2 and picks.picked == []


def test_a_long_name_is_cut_at_a_word() -> None:
    assert short("Paperwork takes all morning", 60) == "Paperwork takes all morning"
    assert short("Paperwork takes all morning, every morning", 24) == "Paperwork takes all…"


def test_the_entry_picker_shows_a_long_name_whole_on_hover(opinion_engagement) -> None:
    form = intelligence.notes_editor(opinion_engagement, interactive=True)
    fill(form, **NOTE)
    form.save_button.click()
    form.picker.value = form.entries[0].id
    assert form.picker.tooltip == "Little time with customers at South Hub — Pat Jones"
