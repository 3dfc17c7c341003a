"""The forms of step 4: the evidence log, the customer journeys and the draft findings.

Each editor follows steps 2-3: in a batch run (``interactive=False``) it shows what is stored, as
an escaped table; interactively it is an :class:`assessment.forms.EntryForm` over the flat rows of
:mod:`assessment.discovery.rows` (lists typed as ``;``-separated text, as in the capture
sheet), saving through :mod:`assessment.discovery.store`, so a form is held to every check a sheet
is, and what the store refuses is shown in the form, field by field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import HTML

from assessment.discovery import store as tables
from assessment.discovery.log import EvidenceLog
from assessment.discovery.overview import evidence_log, findings_log, overview, suggestions
from assessment.discovery.rows import (
    SEPARATOR,
    EvidenceRow,
    FindingRow,
    JourneyRow,
    evidence_input,
    evidence_rows,
    finding_input,
    finding_rows,
    hypothesis_names,
    journey_input,
    journey_rows,
    row_field,
)
from assessment.discovery.step import Discovery
from assessment.discovery.views import journey_table
from assessment.discovery.vocabulary import Kind, vocabulary
from assessment.engagement import Engagement
from assessment.entries import Choices, E
from assessment.errors import InputError
from assessment.forms import NEW, EntryForm, stored_form
from assessment.presentation import callout
from assessment.store import Store
from assessment.terminology import reword
from assessment.wording import short


class CheckedForm(EntryForm[E]):
    """An entry form whose saves the store may refuse; the refusal is shown in the form.

    Attributes:
        log: The filtered, paged evidence log shown under the evidence form (None elsewhere).
    """

    log: EvidenceLog | None = None

    def submit(self) -> E | None:
        """Save the form; problems of the form or of the store's checks are shown in it."""
        try:
            return super().submit()
        except InputError as error:
            values = self.values()
            self._show_problems(
                [(row_field(p.field, p.message, values), p.message) for p in error.problems]
            )
            return None

    def delete(self) -> None:
        """Delete the entry being edited, unless the store refuses (say, a finding rests on it)."""
        try:
            super().delete()
        except InputError as error:
            self._show_problems([("", p.message) for p in error.problems])


def _rendered(make: Callable[[], Any]) -> Callable[[Sequence[Any]], str]:
    """A form's listing: the stored entries as the batch view shows them (escaped HTML)."""
    return lambda _entries: str(getattr(make(), "data", ""))


def _choices(engagement: Engagement, *fields: tuple[str, Kind]) -> Choices:
    vocab = vocabulary(engagement)
    return {name: vocab.allowed(kind) for name, kind in fields}


def _hypothesis_titles(engagement: Engagement) -> dict[str, str]:
    """Hypothesis key -> title, current ones first (what an evidence item may bear on)."""
    with tables.open_store(engagement) as store:
        frame = store.hypotheses(include_retired=True)
    retired = frame["status"] != "current"
    titles = frame["title"].where(~retired, frame["title"] + " (retired)")
    return dict(zip(frame["key"], titles, strict=True))


def _evidence_names(engagement: Engagement) -> dict[str, str]:
    """Evidence id -> a line naming it (role, site, date and the start of the quote)."""
    vocab = vocabulary(engagement)
    with tables.open_store(engagement) as store:
        items = tables.evidence_records(store)
    return {
        e.id: f"{e.id}: {e.role}, {vocab.label('sites', e.site)}, {e.date:%d %b %Y} — {e.text}"
        for e in items
    }


# -- evidence --------------------------------------------------------------------------------------


def _stored_form(
    engagement: Engagement,
    model: type[E],
    load: Callable[[Store], list[E]],
    write: Callable[[Store, E], Any],
    remove: Callable[[Store, str], Any],
    **form: Any,
) -> CheckedForm[E]:
    """A form over one of discovery's tables: each save or delete in its own transaction."""
    form.setdefault("wording", functools.partial(reword, engagement=engagement))
    return stored_form(  # type: ignore[return-value]
        lambda: tables.open_store(engagement), model, load, write, remove, form=CheckedForm, **form
    )


def _save_evidence(engagement: Engagement) -> Callable[[Store, EvidenceRow], Any]:
    def write(store: Store, row: EvidenceRow) -> Any:
        values = evidence_input(row.model_dump(), hypothesis_names(store))
        values["participants"] = row.participants or None  # a form's 0: not a group session
        return tables.save_evidence(store, engagement, [values], where="form")

    return write


def evidence_editor(engagement: Engagement, interactive: bool) -> EntryForm[EvidenceRow] | HTML:
    """The evidence log's form; in a batch run the stored log instead."""
    if not interactive:
        return evidence_log(engagement)
    titles = _hypothesis_titles(engagement)
    vocab = vocabulary(engagement)

    def stored_evidence() -> pd.DataFrame:
        with tables.open_store(engagement) as store:
            return tables.evidence(store)

    log = EvidenceLog(stored_evidence, vocab, titles)

    def listed(rows: Sequence[EvidenceRow]) -> str:
        log.reload()
        return f"<p class='aw-caption'>{len(rows)} evidence items: filter and page them below.</p>"

    form = _stored_form(
        engagement,
        EvidenceRow,
        evidence_rows,
        _save_evidence(engagement),
        lambda store, entry_id: tables.delete_evidence(store, [entry_id]),
        choices=_choices(
            engagement,
            ("source_type", "source_types"),
            ("site", "sites"),
            ("heading", "headings"),
            ("sentiment", "sentiments"),
        ),
        multi={
            "dimensions": vocab.allowed("dimensions"),
            "confirms": titles,
            "refutes": titles,
        },
        label=lambda r: f"{r.id}: {r.role}, {r.date:%d/%m/%Y} — {short(r.text, 50)}",
        render=listed,
        title="Record evidence",
        below=log.widget,
    )
    form.log = log
    return form


# -- journeys --------------------------------------------------------------------------------------


def _replace(store: Store, engagement: Engagement, group: tuple[str, str], rows: list[Any]) -> None:
    """Store a journey's remaining steps, or delete the journey when none is left."""
    if rows:
        tables.replace_journeys(store, engagement, [journey_input(r) for r in rows], where="form")
    else:
        tables.delete_journey(store, *group)


def _plain(row: JourneyRow) -> dict[str, Any]:
    return row.model_dump(exclude={"id"})


def journey_editor(engagement: Engagement, interactive: bool) -> EntryForm[JourneyRow] | HTML:
    """A form over journey steps (saving a step stores its journey whole); or the stored steps."""
    vocab = vocabulary(engagement)
    if not interactive:
        with tables.open_store(engagement) as store:
            stored = tables.journeys(store)
        if stored.empty:
            return callout("Customer journeys", ["No journey recorded yet."])
        return journey_table(stored, vocab)

    def save(store: Store, row: JourneyRow) -> None:
        group = (row.journey, vocab.resolve("sites", row.site) or row.site)
        current = journey_rows(store)
        old = next((r for r in current if r.id == row.id), None)
        mine = [_plain(r) for r in current if (r.journey, r.site) == group and r.id != row.id]
        _replace(store, engagement, group, [*mine, _plain(row)])
        if old is not None and (old.journey, old.site) != group:  # moved to another journey
            _remove(store, engagement, old)

    def delete(store: Store, entry_id: str) -> None:
        _remove(store, engagement, next(r for r in journey_rows(store) if r.id == entry_id))

    return _stored_form(
        engagement,
        JourneyRow,
        journey_rows,
        save,
        delete,
        choices=_choices(engagement, ("site", "sites")),
        label=lambda r: f"{r.journey}, {vocab.label('sites', r.site)}: {r.order}. {r.step}",
        title="Customer journeys: one step at a time",
    )


def _remove(store: Store, engagement: Engagement, old: JourneyRow) -> None:
    group = (old.journey, old.site)
    rest = [
        _plain(r) for r in journey_rows(store) if (r.journey, r.site) == group and r.id != old.id
    ]
    _replace(store, engagement, group, rest)


# -- findings --------------------------------------------------------------------------------------


def _findings_form(engagement: Engagement) -> CheckedForm[FindingRow]:
    return _stored_form(
        engagement,
        FindingRow,
        finding_rows,
        lambda store, row: tables.save_findings(
            store, engagement, [finding_input(row.model_dump())], where="form"
        ),
        lambda store, entry_id: tables.delete_findings(store, [entry_id]),
        choices=_choices(engagement, ("heading", "headings")),
        multi={"evidence_ids": _evidence_names(engagement)},
        label=lambda r: f"{r.id}: {short(r.statement)}",
        render=_rendered(lambda: findings_log(overview(engagement))),
        title="Draft findings",
    )


def adopt(form: EntryForm[FindingRow], suggestion: dict[str, Any]) -> None:
    """Fill the findings form (as a new finding) from a suggested one, to edit and save."""
    form.picker.value = NEW
    form.fields["heading"].value = suggestion["heading"]
    form.fields["statement"].value = suggestion["statement"]
    form.fields["evidence_ids"].value = f"{SEPARATOR} ".join(suggestion["evidence_ids"])


def _joined(items: Sequence[Any]) -> str:
    return "".join(str(getattr(item, "data", "")) for item in items)


class FindingsEditor:
    """Suggested findings above the findings form: pick a suggestion to start from it.

    Attributes:
        form: The findings form.
        suggested: The suggestions offered, as records (``analysis.suggest_findings``).
        picker: Which suggestion to start from.
        use: Fills the form from the picked suggestion.
        widget: Everything, for display.
    """

    def __init__(self, engagement: Engagement) -> None:
        result = overview(engagement)
        self.form = _findings_form(engagement)
        self.suggested = result.suggestions.to_dict("records")
        self.picker = w.Dropdown(
            options=[("Start from a suggestion…", -1)]
            + [(f"{i + 1}. {short(s['statement'], 90)}", i) for i, s in enumerate(self.suggested)],
            layout=w.Layout(width="48em"),
        )
        self.use = w.Button(description="Use it", icon="arrow-down")
        self.use.on_click(lambda _: self.adopt())
        listing = w.HTML(_joined(suggestions(result)))
        self.widget = w.VBox([listing, w.HBox([self.picker, self.use]), self.form.widget])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def adopt(self) -> None:
        """Fill the form from the picked suggestion (nothing happens when none is picked)."""
        if self.picker.value >= 0:
            adopt(self.form, self.suggested[self.picker.value])


def findings_editor(
    engagement: Engagement, interactive: bool, result: Discovery | None = None
) -> FindingsEditor | HTML:
    """Suggested findings and the findings form; in a batch run both as tables.

    Args:
        engagement: The engagement.
        interactive: Show the form (``assess open``) rather than the stored findings.
        result: The notebook's ``overview`` of the store, when nothing was edited since (a batch
            run): shown as it is rather than analysed again.
    """
    if not interactive:
        result = result or overview(engagement)
        return HTML(_joined([*suggestions(result), findings_log(result)]))
    return FindingsEditor(engagement)
