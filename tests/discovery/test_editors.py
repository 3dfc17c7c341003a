"""Step 4's forms, driven from Python: fill, click, read the store and the form's message back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as w
from IPython.display import HTML

from assessment.discovery import editors
from assessment.discovery import store as tables
from assessment.discovery.models import TEXT_MAX
from assessment.forms import NEW, EntryForm

SCRIPT = "<script>alert(1)</script>"
ITEM = {
    "source_type": "one_to_one",
    "site": "south",
    "role": "Employment adviser",
    "interviewee": "Pat Jones",
    "date": dt.date(2026, 2, 12),
    "text": "Paperwork takes all morning.",
    "heading": "resources",
    "dimensions": "Delivery method; morale",
    "sentiment": "negative",
    "confirms": "Little time with customers at South Hub",
}


def fill(form: EntryForm, **values: Any) -> None:
    for name, value in values.items():
        form.fields[name].value = value


def stored(engagement) -> dict[str, Any]:
    with tables.open_store(engagement) as store:
        return {
            "evidence": tables.evidence_records(store),
            "journeys": tables.journeys(store),
            "findings": tables.finding_records(store),
        }


def test_evidence_form_saves_through_the_store(opinion_engagement) -> None:
    form = editors.evidence_editor(opinion_engagement, interactive=True)
    assert isinstance(form.fields["text"], w.Textarea)
    assert dict(form.fields["heading"].options)["Resources"] == "resources"
    fill(form, **ITEM)
    form.save_button.click()
    assert "Saved" in form.message.value
    [item] = stored(opinion_engagement)["evidence"]
    assert item.dimensions == ["delivery_method", "morale"] and item.participants is None
    assert [(b.hypothesis_key, b.direction) for b in item.bears_on] == [
        ("time-with-customer:south", "confirms")
    ]
    assert "Paperwork takes all morning." in form.log.table.value
    # reopened, the form shows the item as typed: lists as text
    again = editors.evidence_editor(opinion_engagement, interactive=True)
    again.picker.value = item.id
    assert again.fields["dimensions"].value == "delivery_method; morale"


def test_evidence_form_shows_what_the_store_refuses(opinion_engagement) -> None:
    form = editors.evidence_editor(opinion_engagement, interactive=True)
    fill(
        form, **ITEM | {"dimensions": "Weather", "refutes": "no-such", "text": "x" * (TEXT_MAX + 1)}
    )
    form.save_button.click()
    message = form.message.value
    assert (
        "Not saved" in message
        and "<b>Dimensions</b>: No dimension called &#x27;Weather&#x27;: please pick" in message
    )
    assert "<b>Refutes</b>: No hypothesis called &#x27;no-such&#x27;: please pick" in message
    assert f"<b>Comment or quote</b>: Too long: please keep it to {TEXT_MAX:,} char" in message
    assert "Too long" in form.errors["text"].value and "no-such" in form.errors["refutes"].value
    assert stored(opinion_engagement)["evidence"] == []


def test_every_view_shows_script_as_text(opinion_engagement) -> None:
    form = editors.evidence_editor(opinion_engagement, interactive=True)
    fill(form, **ITEM | {"text": SCRIPT, "role": SCRIPT})
    form.save_button.click()
    html = form.log.table.value + editors.evidence_editor(opinion_engagement, False).data
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_journey_form_saves_a_step_and_refuses_a_repeated_order(opinion_engagement) -> None:
    form = editors.journey_editor(opinion_engagement, interactive=True)
    fill(form, journey="current", site="north", order=1, step="Referral", owner="Admin")
    form.save_button.click()
    fill(form, journey="current", site="north", order=2, step="Screening", duration_days=5.0)
    form.save_button.click()
    assert [r.step for r in form.entries] == ["Referral", "Screening"]
    fill(form, journey="current", site="north", order=2, step="Again")
    form.save_button.click()
    assert "<b>Step order</b>: step order 2 repeated" in form.message.value
    steps = stored(opinion_engagement)["journeys"]
    assert steps["step"].tolist() == ["Referral", "Screening"]
    # editing a step keeps its journey whole; deleting the last step deletes the journey
    form.picker.value = "current|north|1"
    fill(form, step="Referral call")
    form.save_button.click()
    assert stored(opinion_engagement)["journeys"]["step"].tolist() == ["Referral call", "Screening"]
    for entry_id in ("current|north|1", "current|north|2"):
        form.picker.value = entry_id
        form.delete_button.click()
        form.confirm_button.click()
    assert stored(opinion_engagement)["journeys"].empty
    assert isinstance(editors.journey_editor(opinion_engagement, False), HTML)


def test_findings_form_adopts_a_suggestion(opinion_engagement) -> None:
    evidence = editors.evidence_editor(opinion_engagement, interactive=True)
    for source in ("one_to_one", "observation"):
        fill(evidence, **ITEM | {"source_type": source})
        evidence.save_button.click()
        evidence.picker.value = NEW  # the next one is a new item
    ids = [e.id for e in stored(opinion_engagement)["evidence"]]
    editor = editors.findings_editor(opinion_engagement, interactive=True)
    assert isinstance(editor, editors.FindingsEditor)
    shown = editor.widget.children[0].value
    assert "Little time with customers at South Hub: confirmed by 2 item(s)" in shown
    editor.picker.value = 0
    editor.use.click()
    assert editor.form.fields["heading"].value == "resources"
    assert editor.form.fields["evidence_ids"].value == "; ".join(ids)
    fill(editor.form, statement="Paperwork crowds out time with customers at South Hub.")
    editor.form.save_button.click()
    [finding] = stored(opinion_engagement)["findings"]
    assert finding.evidence_ids == ids and finding.heading == "resources"
    assert "Paperwork crowds out" in editors.findings_editor(opinion_engagement, False).data


def test_findings_form_refuses_unknown_evidence(opinion_engagement) -> None:
    form = editors.findings_editor(opinion_engagement, interactive=True).form
    fill(form, heading="resources", statement="Too much paperwork.", evidence_ids="e9")
    form.save_button.click()
    assert "<b>Evidence</b>: no evidence item with id &#x27;e9&#x27;" in form.message.value
    assert stored(opinion_engagement)["findings"] == []
    assert "No finding written yet." in editors.findings_editor(opinion_engagement, False).data


def test_an_empty_evidence_save_names_every_missing_field(opinion_engagement) -> None:
    form = editors.evidence_editor(opinion_engagement, interactive=True)
    form.save_button.click()
    for name in ("site", "role", "date", "text", "heading"):
        assert form.errors[name].value, name
    assert "Please fill this in." in form.errors["text"].value
    assert "Please pick one from the list." in form.errors["heading"].value
    assert stored(opinion_engagement)["evidence"] == []
