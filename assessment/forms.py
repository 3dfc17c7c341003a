"""A generic ipywidgets form over a list of stored entries: add, edit and delete.

One form serves every kind of entry: the widgets are derived from the pydantic model's fields
(text, long text, dropdowns for choices and literals, dates, numbers, yes/no), pydantic's own
errors become messages in the form, and a save callback writes to the store. Only plain
ipywidgets are used, so the form works in JupyterLab and in Voila alike.
"""

from __future__ import annotations

import datetime as dt
import html
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, Generic

import ipywidgets as w
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from assessment.entries import Choices, E, check_choices, delete_one, save_one
from assessment.pickers import BLANK, STYLE, WIDTH, Choice, PickList
from assessment.store import Store
from assessment.wording import plain

LONG_TEXT = frozenset({"note", "description", "detail", "deliverable", "text", "statement"})
"""Fields shown as several lines of text."""

SEARCHABLE = frozenset(
    {"hypothesis_key", "site", "heading", "area_id", "scope_item_id", "recommendation_id", "person"}
)
"""Fields naming one other thing (of many, with long names): picked in a searchable box."""

NEW = "__new__"
_BLANK = BLANK


def _base(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None``, and whether None is allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def widget_for(
    field: FieldInfo,
    choices: dict[str, str] | None,
    name: str,
    multi: dict[str, str] | None = None,
    wording: Callable[[str], str] = str,
) -> w.DOMWidget:
    """The input widget of one model field, labelled in the client's words (``wording``).

    Fields that refer to other things are picked by name: one thing in a searchable
    :class:`~assessment.pickers.Choice`, several (``multi``) in a
    :class:`~assessment.pickers.PickList`.
    """
    kind, optional = _base(field.annotation)
    title = wording(field.title or name)
    if multi is not None:
        return PickList(title, multi)
    if choices is not None and name in SEARCHABLE:
        return Choice(title, choices, optional)
    layout = w.Layout(width="32em")
    style = {"description_width": "11em"}
    common: dict[str, Any] = {"description": title, "layout": layout, "style": style}
    if field.description:
        common["tooltip"] = wording(field.description)
    if choices is not None or typing.get_origin(kind) is typing.Literal:
        pairs = [(label, key) for key, label in (choices or {}).items()] or [
            (str(v).replace("_", " ").capitalize(), v) for v in typing.get_args(kind)
        ]
        if optional:
            pairs.insert(0, (_BLANK, None))
        return w.Dropdown(options=pairs, value=pairs[0][1] if pairs else None, **common)
    if kind is bool:
        return w.Checkbox(value=False, indent=False, **common)
    if kind is dt.date:
        return w.DatePicker(value=None, **common)
    if kind in (int, float):
        return w.FloatText(value=0.0, **common)
    if name in LONG_TEXT:
        return w.Textarea(value="", rows=3, **(common | {"layout": w.Layout(width=WIDTH)}))
    return w.Text(value="", **common)


class EntryForm(Generic[E]):
    """Add, edit and delete entries of one model, saved through callbacks.

    Behaves like a data-entry tool: after Save the form is cleared for the next entry (the saved
    one is listed, and picked under *Entry* to change it); what is wrong is said in plain words
    next to the field; Delete is secondary and asks first.

    Args:
        model: The entry's pydantic model.
        entries: The entries stored so far.
        on_save: Stores one valid entry; returns every entry as stored now.
        on_delete: Deletes the entry with this id; returns every entry as stored now.
        choices: Field -> {value: label} for fields that refer to one other thing.
        multi: Field -> {value: label} for ``;``-separated fields that refer to several.
        label: How an entry is named in the picker.
        render: The stored entries as HTML, shown under the form and refreshed on each change.
        title: A heading above the form.
        below: A widget shown under the listing (say, a filtered view of the entries).
        wording: Puts a label or title in the client's words (``terminology.reword`` with the
            engagement): a health provider's form says patient, not customer.
    """

    def __init__(
        self,
        model: type[E],
        entries: Sequence[E],
        *,
        on_save: Callable[[E], Sequence[E]],
        on_delete: Callable[[str], Sequence[E]],
        choices: Choices | None = None,
        multi: Choices | None = None,
        label: Callable[[E], str] = lambda e: e.id,
        render: Callable[[Sequence[E]], str] | None = None,
        title: str = "",
        below: w.Widget | None = None,
        wording: Callable[[str], str] = str,
    ) -> None:
        self.model = model
        self._wording = wording
        title = wording(title)
        self.choices = choices or {}
        self.multi = multi or {}
        self._on_save, self._on_delete = on_save, on_delete
        self._label, self._render = label, render
        self.fields = {
            name: widget_for(info, self.choices.get(name), name, self.multi.get(name), wording)
            for name, info in model.model_fields.items()
            if name != "id"
        }
        self.errors = {name: w.HTML(layout=w.Layout(margin="0 0 0 11em")) for name in self.fields}
        self.picker = w.Dropdown(description="Entry", layout=w.Layout(width=WIDTH), style=STYLE)
        self.save_button = w.Button(description="Save", button_style="primary", icon="check")
        self.delete_button = w.Button(
            description="Delete…", icon="trash", layout=w.Layout(margin="0 0 0 4em")
        )
        self.confirm_button = w.Button(description="Yes, delete it", button_style="danger")
        self.cancel_button = w.Button(description="Keep it")
        self.confirm_text = w.HTML()
        self.confirm = w.HBox([self.confirm_text, self.confirm_button, self.cancel_button])
        self.confirm.layout.display = "none"
        self.message = w.HTML()
        self.listing = w.HTML()
        self.save_button.on_click(lambda _: self.submit())
        self.delete_button.on_click(lambda _: self.ask_delete())
        self.confirm_button.on_click(lambda _: self.delete())
        self.cancel_button.on_click(lambda _: self._close_confirm())
        self.picker.observe(lambda change: self.select(change["new"]), names="value")
        heading = w.HTML(f"<h4>{html.escape(title)}</h4>") if title else w.HTML()
        rows = [w.VBox([self.fields[n], self.errors[n]]) for n in self.fields]
        buttons = w.HBox([self.save_button, self.delete_button])
        self.widget = w.VBox(
            [heading, self.picker, *rows, buttons, self.confirm, self.message, self.listing]
            + ([below] if below is not None else [])
        )
        self.widget.add_class("aw-form")
        self._defaults = {name: widget.value for name, widget in self.fields.items()}
        self._refresh(list(entries), keep=NEW)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def entries(self) -> list[E]:
        """The entries as last stored."""
        return list(self._entries)

    @property
    def selected(self) -> str:
        """The id of the entry being edited, or ``NEW``."""
        return str(self.picker.value)

    def _refresh(self, entries: list[E], keep: str) -> None:
        self._entries = entries
        options = [("New entry", NEW)] + [(self._label(e), e.id) for e in entries]
        ids = {e.id for e in entries}
        self.picker.options = options
        self.picker.value = keep if keep in ids else NEW
        self.select(self.picker.value)
        if self._render is not None:
            self.listing.value = self._render(entries)

    def select(self, entry_id: str | None) -> None:
        """Fill the form with an entry (``NEW`` clears it for a new one)."""
        entry = next((e for e in self._entries if e.id == entry_id), None)
        for name, widget in self.fields.items():
            value = getattr(entry, name) if entry is not None else self._defaults[name]
            widget.value = self._to_widget(widget, value)
        self._clear_problems()
        self._close_confirm()
        self.delete_button.disabled = entry is None
        # the picker may cut a long name: the whole of it shows on hover
        self.picker.tooltip = self._label(entry) if entry is not None else None

    @staticmethod
    def _to_widget(widget: w.DOMWidget, value: Any) -> Any:
        if isinstance(widget, Choice) and value is not None and value not in widget.choices:
            # a stored value no longer offered (say, a site renamed): show it rather than fail
            widget.offer(value, f"{value} (not in the list)")
        if isinstance(widget, w.Dropdown) and value not in {v for _, v in widget.options}:
            widget.options = [*widget.options, (f"{value} (not in the list)", value)]
        if isinstance(widget, w.FloatText):
            return float(value or 0)
        if isinstance(widget, w.Text | w.Textarea | PickList):
            return "" if value is None else str(value)
        return value

    def values(self) -> dict[str, Any]:
        """What the form holds now, as model input (blank optional text becomes None)."""
        data: dict[str, Any] = {}
        for name, widget in self.fields.items():
            value = widget.value
            info = self.model.model_fields[name]
            if value in ("", None) and not info.is_required() and info.default is None:
                value = None
            if value is not None or info.is_required():
                data[name] = value
        if self.selected != NEW:
            data["id"] = self.selected
        return data

    def submit(self) -> E | None:
        """Validate the form and save it; say what is wrong next to each field instead.

        After a save the form is cleared for the next entry, so a second click cannot store the
        same entry twice; the message names what was saved.
        """
        self._close_confirm()
        try:
            entry = self.model.model_validate(self.values())
        except ValidationError as error:
            self._show_problems([(_field_of(e["loc"]), e["msg"]) for e in error.errors()])
            return None
        problems = check_choices(entry, self.choices)
        if problems:
            self._show_problems(problems)
            return None
        self._refresh(list(self._on_save(entry)), keep=NEW)
        self.message.value = (
            f"<span class='aw-ok'>✓ Saved “{html.escape(self._label(entry))}”. It is listed "
            "below; pick it under <b>Entry</b> to change it. The form is ready for the next "
            "one.</span>"
        )
        return entry

    def ask_delete(self) -> None:
        """Ask before deleting the entry being edited (Delete is never one click)."""
        if self.selected == NEW:
            self._show_problems([("", "Pick an entry under Entry first, then delete it.")])
            return
        name = html.escape(dict((v, k) for k, v in self.picker.options).get(self.selected, ""))
        self.confirm_text.value = f"Delete “{name}” for good?&nbsp;"
        self.confirm.layout.display = "flex"

    def _close_confirm(self) -> None:
        self.confirm.layout.display = "none"

    def delete(self) -> None:
        """Delete the entry being edited (what *Yes, delete it* does)."""
        self._close_confirm()
        if self.selected == NEW:
            self._show_problems([("", "Pick an entry under Entry first, then delete it.")])
            return
        entry_id = self.selected
        self._refresh(list(self._on_delete(entry_id)), keep=NEW)
        self.message.value = "<span class='aw-ok'>Deleted.</span>"

    def _clear_problems(self) -> None:
        for box in self.errors.values():
            box.value = ""

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem next to its field, in plain words; a summary by the Save button."""
        self._clear_problems()
        by_field: dict[str, list[str]] = {}
        problems = [(field, self._worded(field, plain(message))) for field, message in problems]
        for field, message in problems:
            by_field.setdefault(field if field in self.errors else "", []).append(message)
        for field, messages in by_field.items():
            if field:
                text = " ".join(html.escape(m) for m in dict.fromkeys(messages))
                self.errors[
                    field
                ].value = f"<span class='aw-field-error' style='color:#b00020'>{text}</span>"
        items = "".join(
            f"<li><b>{html.escape(self._title(field))}</b>: {html.escape(message)}</li>"
            for field, message in problems
        )
        count = len({f for f, _ in problems})
        what = "1 thing needs" if count == 1 else f"{count} things need"
        self.message.value = (
            f"<div class='aw-errors' style='color:#b00020'>Not saved: {what} attention."
            f"<ul>{items}</ul></div>"
        )

    def _worded(self, field: str, message: str) -> str:
        """A missing pick says "pick", not "fill in"."""
        picked = isinstance(self.fields.get(field), Choice | PickList | w.Dropdown)
        return (
            "Please pick one from the list."
            if picked and message == "Please fill this in."
            else message
        )

    def _title(self, field: str) -> str:
        info = self.model.model_fields.get(field)
        return self._wording((info.title or field) if info is not None else (field or "Entry"))


def _field_of(location: tuple[Any, ...]) -> str:
    """The field a pydantic error is about ('' for the entry as a whole)."""
    return str(location[0]) if location else ""


# -- a form over stored entries -----------------------------------------------------------------

Opener = Callable[[], Store]
"""Opens the engagement's store (a context manager closing it)."""


def stored_form(
    open_store: Opener,
    model: type[E],
    load: Callable[[Store], list[E]],
    save: Callable[[Store, E], Any],
    delete: Callable[[Store, str], Any],
    *,
    form: type[EntryForm[Any]] = EntryForm,
    **options: Any,
) -> EntryForm[E]:
    """A form over stored entries: each save or delete in a store session of its own.

    After each change the entries are read back from the store, so the form shows what is
    stored (a change the store refused raises, and the form shows why).

    Args:
        open_store: Opens the engagement's store.
        model: The entry's model.
        load: Reads every entry of the kind.
        save: Stores one valid entry (an upsert, or a step's own checked save).
        delete: Deletes the entry with this id.
        form: The form class (a step's subclass may show the store's refusals).
        **options: Passed to the form (choices, label, render, title).
    """

    def stored(change: Callable[[Store], Any] | None = None) -> list[E]:
        with open_store() as store:
            if change is not None:
                change(store)
            return load(store)

    return form(
        model,
        stored(),
        on_save=lambda entry: stored(lambda store: save(store, entry)),
        on_delete=lambda entry_id: stored(lambda store: delete(store, entry_id)),
        **options,
    )


def table_form(
    open_store: Opener,
    model: type[E],
    table: str,
    load: Callable[[Store], list[E]],
    **options: Any,
) -> EntryForm[E]:
    """A :func:`stored_form` whose entries are rows of one table (upserted, deleted by id)."""
    return stored_form(
        open_store,
        model,
        load,
        lambda store, entry: save_one(store, table, entry),
        lambda store, entry_id: delete_one(store, table, entry_id),
        **options,
    )
