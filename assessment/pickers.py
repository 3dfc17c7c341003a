"""Searchable pick lists for the forms: a consultant picks by name, never types a key.

Two plain-ipywidgets composites (so they work in JupyterLab and Voila alike):

- :class:`Choice` picks one thing (a hypothesis, a site, a heading): a box to type part of its
  name, key or alias in, with the matching names offered as the browser's suggestions; the whole
  name of what was picked is shown under it, wrapped, however long.
- :class:`PickList` picks several (hypotheses an item confirms, evidence a finding rests on): a
  search box filters a multi-select list; what is picked is listed in full underneath and stays
  picked while the search changes.

Both keep the form's contract: ``value`` is what the model stores (a key, or keys joined by
``;`` as in the capture sheets) and ``options`` lists (label, key) pairs.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import traitlets

SEPARATOR = ";"
BLANK = "–"
WIDTH = "48em"
STYLE = {"description_width": "11em"}


def aliases_of(choices: Mapping[str, str]) -> dict[str, str]:
    """Other spellings meaning a key (a site's aliases), casefolded, when the choices carry them."""
    return {k.casefold(): v for k, v in dict(getattr(choices, "aliases", {}) or {}).items()}


def resolve(text: Any, choices: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Any:
    """The key a typed value means: a key, a label or an alias (any case); else as typed.

    A value that matches nothing exactly but is part of exactly one label means that one (typing
    "eastg" picks "Eastgate Centre"); anything else is returned unchanged, for the form's check to
    report in plain words.
    """
    if text is None or text in choices:
        return text
    wanted = str(text).strip().casefold()
    if not wanted or wanted == BLANK:
        return None
    for key, label in choices.items():
        if wanted in (str(key).casefold(), str(label).casefold()):
            return key
    alias = (aliases if aliases is not None else aliases_of(choices)).get(wanted)
    if alias is not None:
        return alias
    partial = [k for k, label in choices.items() if wanted in str(label).casefold()]
    return partial[0] if len(partial) == 1 else str(text).strip()


def _note(text: str) -> str:
    return f"<div class='aw-pick-note' style='line-height:1.3;white-space:normal'>{text}</div>"


class Choice(w.VBox):
    """Pick one of ``choices`` by typing part of its name; shows the whole name picked.

    Args:
        description: The field's title.
        choices: Key -> label (may carry ``aliases``: other spellings -> key).
        optional: Whether blank (None) is allowed.
    """

    value = traitlets.Any(None, allow_none=True)

    def __init__(self, description: str, choices: Mapping[str, str], optional: bool) -> None:
        self.choices = dict(choices)
        self._aliases = aliases_of(choices)
        self.optional = optional
        self.box = w.Combobox(
            description=description,
            placeholder="type to search, then pick",
            ensure_option=False,
            layout=w.Layout(width=WIDTH),
            style=STYLE,
        )
        self.shown = w.HTML(layout=w.Layout(margin="0 0 0 11em", width="37em"))
        super().__init__([self.box, self.shown])
        self._sync_options()
        self.box.observe(self._typed, names="value")
        self.observe(self._set, names="value")
        self._set({"new": None})

    @property
    def description(self) -> str:
        """The field's title (as on every input widget)."""
        return str(self.box.description)

    @property
    def options(self) -> list[tuple[str, Any]]:
        """(label, key) pairs offered, blank first when the field is optional."""
        pairs = [(label, key) for key, label in self.choices.items()]
        return [(BLANK, None), *pairs] if self.optional else pairs

    def offer(self, key: Any, label: str) -> None:
        """Offer one more choice (a stored value no longer in the list)."""
        self.choices[key] = label
        self._sync_options()

    def _sync_options(self) -> None:
        self.box.options = [str(label) for label in self.choices.values()]

    def _typed(self, change: dict[str, Any]) -> None:
        key = resolve(change["new"], self.choices, self._aliases)
        self._updating = True
        try:
            self.value = key
        finally:
            self._updating = False
        self._describe(key, change["new"])

    def _set(self, change: dict[str, Any]) -> None:
        if getattr(self, "_updating", False):
            return
        key = change["new"]
        self.box.value = "" if key is None else str(self.choices.get(key, key))
        self._describe(key, self.box.value)

    def _describe(self, key: Any, typed: str) -> None:
        if key is None:
            self.shown.value = "" if self.optional else _note("<i>nothing picked yet</i>")
        elif key in self.choices:
            label = html.escape(str(self.choices[key]))
            self.shown.value = _note(f"✓ {label}") if label != html.escape(typed) else ""
        else:
            self.shown.value = _note(f"<i>No match for “{html.escape(str(typed))}”</i>")
        self.box.tooltip = str(self.choices.get(key, "")) or None


class PickList(w.VBox):
    """Pick several of ``choices``: search, tick in the list, see the whole names picked.

    ``value`` is the picked keys joined by ``"; "`` (as a capture sheet types them); setting it
    accepts keys or labels, and keeps anything unknown as typed so the form can report it.

    Args:
        description: The field's title.
        choices: Key -> label.
    """

    value = traitlets.Unicode("")

    def __init__(self, description: str, choices: Mapping[str, str]) -> None:
        self.choices = dict(choices)
        self._picked: list[str] = []
        self.search = w.Text(
            description=description,
            placeholder="type to filter the list",
            layout=w.Layout(width=WIDTH),
            style=STYLE,
        )
        self.list = w.SelectMultiple(
            rows=min(6, max(2, len(self.choices))),
            layout=w.Layout(width="37em", margin="0 0 0 11em"),
        )
        self.shown = w.HTML(layout=w.Layout(margin="0 0 0 11em", width="37em"))
        super().__init__([self.search, self.list, self.shown])
        self.search.observe(lambda _: self._filter(), names="value")
        self.list.observe(self._ticked, names="value")
        self.observe(self._set, names="value")
        self._filter()
        self._describe()

    @property
    def description(self) -> str:
        """The field's title."""
        return str(self.search.description)

    @property
    def options(self) -> list[tuple[str, str]]:
        """(label, key) pairs offered."""
        return [(label, key) for key, label in self.choices.items()]

    @property
    def picked(self) -> list[str]:
        """The keys picked, in the order picked."""
        return list(self._picked)

    def _filter(self) -> None:
        wanted = self.search.value.strip().casefold()
        shown = [
            (label, key)
            for key, label in self.choices.items()
            if not wanted or wanted in f"{label} {key}".casefold() or key in self._picked
        ]
        self._quiet = True
        try:
            self.list.options = shown
            self.list.value = tuple(k for _, k in shown if k in self._picked)
        finally:
            self._quiet = False

    def _ticked(self, change: dict[str, Any]) -> None:
        if getattr(self, "_quiet", False):
            return
        visible = {k for _, k in self.list.options}
        ticked = list(change["new"])
        kept = [k for k in self._picked if k not in visible or k in ticked]
        self._picked = kept + [k for k in ticked if k not in kept]
        self._store()

    def _store(self) -> None:
        self._updating = True
        try:
            self.value = f"{SEPARATOR} ".join(self._picked)
        finally:
            self._updating = False
        self._describe()

    def _set(self, change: dict[str, Any]) -> None:
        if getattr(self, "_updating", False):
            return
        if not change["new"]:
            self.search.value = ""  # a cleared form starts with the whole list in view
        picked: list[str] = []
        for item in (p.strip() for p in str(change["new"] or "").split(SEPARATOR)):
            key = resolve(item, self.choices) if item else None
            parts = [p.strip() for p in item.split(",") if p.strip()]
            if key not in self.choices and all(p in self.choices for p in parts):
                picked += parts  # ids typed comma-separated (as step 5's sheet allows)
            elif key:
                picked.append(key)
        self._picked = list(dict.fromkeys(picked))
        self._filter()
        self._store()

    def _describe(self) -> None:
        if not self._picked:
            self.shown.value = _note("<i>none picked</i>")
            return
        items = "".join(
            f"<li>{html.escape(str(self.choices.get(k, f'{k} (not in the list)')))}</li>"
            for k in self._picked
        )
        self.shown.value = _note(f"Picked {len(self._picked)}:<ul style='margin:0'>{items}</ul>")


def keys_toggle(render: Callable[[bool], Any], label: str = "show keys") -> w.VBox:
    """A view with a "show keys" box: names by default, internal keys only when asked.

    A capture sheet may be typed with keys; the consultant asks for them here rather than
    reading them everywhere.

    Args:
        render: The view, with (True) or without (False) keys; an object with ``.data`` (HTML).
        label: The checkbox's words.
    """
    box = w.Checkbox(value=False, description=label, indent=False)
    shown = w.HTML(str(getattr(render(False), "data", "")))
    box.observe(lambda change: setattr(shown, "value", str(render(change["new"]).data)), "value")
    view = w.VBox([box, shown])
    view.add_class("aw-keys-toggle")
    return view
