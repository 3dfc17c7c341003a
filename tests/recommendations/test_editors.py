"""Step 5's forms, driven from Python: fill, click, read the store and the form's message back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from IPython.display import HTML

from assessment import recommendations as step5
from assessment.engagement import Engagement
from assessment.forms import EntryForm
from assessment.recommendations import store as db

from .conftest import recommendation

# the conftest's agreed recommendation, as a person types it (the form gives the id)
RECOMMENDATION = {k: v for k, v in recommendation().items() if k != "id"}


def fill(form: EntryForm, **values: Any) -> None:
    for name, value in values.items():
        form.fields[name].value = value


def test_in_a_batch_run_the_editors_show_what_is_stored(engagement: Engagement) -> None:
    shown = step5.recommendations_editor(engagement, interactive=False)
    assert isinstance(shown, HTML)
    assert "No recommendation recorded yet." in shown.data


def test_a_recommendation_and_an_action_typed_in_the_forms_are_stored(
    engagement: Engagement,
) -> None:
    recommendations = step5.recommendations_editor(engagement, interactive=True)
    fill(recommendations, **RECOMMENDATION)
    recommendations.save_button.click()
    assert "Saved" in recommendations.message.value
    with db.open_store(engagement) as store:
        [saved] = db.recommendations(store)
    assert (saved.title, saved.findings, saved.agreed_by) == (
        "One customer journey at every site",
        ["f1"],
        "Client Director",
    )

    actions = step5.actions_editor(engagement, interactive=True)
    # the recommendation typed a moment ago is offered by its title
    assert dict(actions.fields["recommendation_id"].options)[saved.title] == saved.id
    fill(
        actions,
        recommendation_id=saved.id,
        task="Train North Hub advisers to follow South Hub's journey",
        measure="job_outcomes",
        site="north",
        target=50.0,
        expected_outcome="More North Hub customers into work",
        owner="North Hub manager",
        set_on=dt.date(2025, 7, 5),
        target_date=dt.date(2025, 9, 30),
        stage="Camp 1",
        days=4.0,
    )
    actions.save_button.click()
    assert "Saved" in actions.message.value, actions.message.value
    # the SMART check of the draft reads it back, with its computed baseline (30%, see conftest)
    check = step5.smart_check(engagement).data
    assert "1 of 1 actions pass every rule." in check
    assert "30% (Apr–Jun 2025) → 50%" in check  # the baseline with its months


def test_an_agreement_without_who_agreed_is_refused_in_the_form(engagement: Engagement) -> None:
    form = step5.recommendations_editor(engagement, interactive=True)
    fill(form, **(RECOMMENDATION | {"agreed_by": ""}))
    form.save_button.click()
    assert "Saved" not in form.message.value
    assert "agreed" in form.message.value.casefold()
    with db.open_store(engagement) as store:
        assert db.recommendations(store) == []
