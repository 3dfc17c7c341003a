"""The evidence log as a consultant works with it: filtered, counted and paged.

Sixty items do not fit a screen. :class:`EvidenceLog` shows them a page at a time, filtered by
site, source, heading, hypothesis and sentiment; each filter's options carry how many items they
would leave, and the quote column is wide enough to read. Filtering and counting are pure
functions (:func:`filtered`, :func:`option_counts`) so they are tested without widgets.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from assessment.discovery.vocabulary import Vocabulary

ANY = "__any__"
PAGE_SIZE = 10

FILTERS: dict[str, str] = {
    "site": "Site",
    "source_type": "Source",
    "heading": "Heading",
    "hypothesis": "Hypothesis",
    "sentiment": "Sentiment",
}
"""Filter -> its label, in the order shown."""


def _hypotheses(bears_on: Any) -> list[str]:
    return [b["hypothesis_key"] for b in (bears_on if isinstance(bears_on, list) else [])]


def _matches(frame: pd.DataFrame, name: str, value: str) -> pd.Series:
    if name == "hypothesis":
        return frame["bears_on"].map(lambda bs: value in _hypotheses(bs))
    return frame[name] == value


def filtered(frame: pd.DataFrame, filters: Mapping[str, str]) -> pd.DataFrame:
    """The evidence items passing every filter (``ANY`` or a missing filter passes all).

    Args:
        frame: The evidence frame (``models.evidence_frame``).
        filters: Filter name (see ``FILTERS``) -> the key wanted, or ``ANY``.
    """
    keep = pd.Series(True, index=frame.index)
    for name, value in filters.items():
        if value != ANY:
            keep &= _matches(frame, name, value)
    return frame[keep]


def option_counts(
    frame: pd.DataFrame, filters: Mapping[str, str], name: str, keys: list[str]
) -> dict[str, int]:
    """How many items each option of one filter would leave, the other filters as they are."""
    others = filtered(frame, {k: v for k, v in filters.items() if k != name})
    return {key: int(_matches(others, name, key).sum()) for key in keys}


def _choices(frame: pd.DataFrame, vocab: Vocabulary, titles: Mapping[str, str]) -> dict:
    used_hypotheses = {h for bs in frame["bears_on"] for h in _hypotheses(bs)}
    return {
        "site": vocab.allowed("sites"),
        "source_type": vocab.allowed("source_types"),
        "heading": vocab.allowed("headings"),
        "hypothesis": {k: v for k, v in titles.items() if k in used_hypotheses}
        | {k: k for k in sorted(used_hypotheses - set(titles))},
        "sentiment": vocab.allowed("sentiments"),
    }


def _bearing(bears_on: Any, titles: Mapping[str, str]) -> str:
    items = bears_on if isinstance(bears_on, list) else []
    lines = (
        f"{b['direction']}: {titles.get(b['hypothesis_key'], b['hypothesis_key'])}" for b in items
    )
    return "".join(f"<div>{html.escape(line)}</div>" for line in lines)


def page_html(
    frame: pd.DataFrame, vocab: Vocabulary, titles: Mapping[str, str], show_keys: bool = False
) -> str:
    """One page of the log as an escaped table, the quote column wide enough to read."""
    head = ["Date", "Site", "Source", "Role", "Interviewee (internal)", "Heading", "Sentiment"]
    head += ["Comment or quote", "Hypotheses", "Shareable"]
    if show_keys:
        head.insert(0, "Id")
    rows = []
    for item in frame.itertuples():
        cells = [
            f"<span style='white-space:nowrap'>{item.date:%d %b %Y}</span>",
            html.escape(vocab.label("sites", item.site)),
            html.escape(vocab.label("source_types", item.source_type)),
            html.escape(item.role),
            html.escape(
                "" if str(item.interviewee) in ("None", "nan", "<NA>") else item.interviewee
            ),
            html.escape(vocab.label("headings", item.heading)),
            html.escape(vocab.label("sentiments", item.sentiment)),
            f"<div style='min-width:22em;max-width:36em;white-space:normal'>"
            f"{html.escape(item.text)}</div>",
            f"<div style='min-width:16em'>{_bearing(item.bears_on, titles)}</div>",
            "yes" if item.shareable else "no",
        ]
        if show_keys:
            cells.insert(0, html.escape(item.id))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    heads = "".join(f"<th>{h}</th>" for h in head)
    return (
        "<div class='aw-table-wrap' style='overflow-x:auto'>"
        "<table class='aw-table aw-evidence-log' style='font-size:0.92em'>"
        f"<thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


class EvidenceLog:
    """The evidence log, filtered and paged (reloaded from the store after each change).

    Args:
        load: Reads the evidence frame from the store.
        vocab: The engagement's vocabulary (labels of sites, sources, headings, sentiments).
        titles: Hypothesis key -> title.
        page_size: Items per page.
    """

    def __init__(
        self,
        load: Callable[[], pd.DataFrame],
        vocab: Vocabulary,
        titles: Mapping[str, str],
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._load, self.vocab, self.titles, self.page_size = load, vocab, titles, page_size
        self.page = 0
        self.filters = {
            name: w.Dropdown(
                description=label, layout=w.Layout(width="24em"), style={"description_width": "6em"}
            )
            for name, label in FILTERS.items()
        }
        self.show_keys = w.Checkbox(description="show ids", value=False, indent=False)
        self.previous = w.Button(description="◀ Previous", layout=w.Layout(width="9em"))
        self.next = w.Button(description="Next ▶", layout=w.Layout(width="9em"))
        self.status = w.HTML()
        self.table = w.HTML()
        self.previous.on_click(lambda _: self.turn(-1))
        self.next.on_click(lambda _: self.turn(1))
        self.show_keys.observe(lambda _: self._show(), names="value")
        for dropdown in self.filters.values():
            dropdown.observe(lambda _: self._filter_changed(), names="value")
        names = list(self.filters.values())
        self.widget = w.VBox(
            [
                w.HTML("<h4>Evidence log</h4>"),
                w.HBox(names[:3], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([*names[3:], self.show_keys], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.previous, self.next, self.status]),
                self.table,
            ]
        )
        self.widget.add_class("aw-evidence-browser")
        self._quiet = False
        self.reload()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def chosen(self) -> dict[str, str]:
        """Filter -> the key chosen (or ``ANY``)."""
        return {name: str(d.value) for name, d in self.filters.items()}

    def reload(self) -> None:
        """Read the log again from the store (after a save) and show it."""
        self.frame = self._load().sort_values("date", ascending=False, kind="stable")
        self._options = _choices(self.frame, self.vocab, self.titles)
        self._show()

    def choose(self, **filters: str) -> None:
        """Set filters by key (what a click on a filter does)."""
        for name, value in filters.items():
            self.filters[name].value = value

    def turn(self, pages: int) -> None:
        """Go forward or back a number of pages (within the pages there are)."""
        self.page = max(0, min(self.page + pages, self._pages() - 1))
        self._show()

    def _filter_changed(self) -> None:
        if not self._quiet:
            self.page = 0
            self._show()

    def _pages(self) -> int:
        return max(1, -(-len(filtered(self.frame, self.chosen)) // self.page_size))

    def _show(self) -> None:
        chosen = self.chosen
        self._quiet = True
        try:
            for name, dropdown in self.filters.items():
                keys = list(self._options[name])
                counts = option_counts(self.frame, chosen, name, keys)
                everything = len(filtered(self.frame, {**chosen, name: ANY}))
                options = [(f"All ({everything})", ANY)] + [
                    (f"{self._options[name][k]} ({counts[k]})", k) for k in keys if counts[k]
                ]
                value = chosen[name] if chosen[name] in {v for _, v in options} else ANY
                dropdown.options = options
                dropdown.value = value
        finally:
            self._quiet = False
        shown = filtered(self.frame, self.chosen)
        self.page = min(self.page, self._pages() - 1)
        start = self.page * self.page_size
        page = shown.iloc[start : start + self.page_size]
        self.previous.disabled = self.page == 0
        self.next.disabled = start + self.page_size >= len(shown)
        if shown.empty:
            self.status.value = f"No item matches these filters ({len(self.frame)} in the log)."
            self.table.value = ""
            return
        self.status.value = (
            f"&nbsp;Items {start + 1}–{start + len(page)} of {len(shown)}"
            f" (page {self.page + 1} of {self._pages()}; {len(self.frame)} in the log)."
            " Interviewee names stay in this workbook."
        )
        self.table.value = page_html(page, self.vocab, self.titles, self.show_keys.value)
