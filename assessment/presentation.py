"""Building blocks of what notebooks and reports show: tables, callouts, the cover, provenance.

Everything a client reads passes through here, so all text is HTML-escaped: a note or a site name
holding ``<script>`` is shown as text, never run.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from assessment.branding import brand_style, for_engagement
from assessment.engagement import Engagement
from assessment.engagement_settings import DEFAULT_CURRENCY
from assessment.periods import stored_periods
from assessment.run_folder import MANIFEST_FILE
from assessment.terminology import words

Formatter = Callable[[Any], str]


def pct(value: Any, digits: int = 0) -> str:
    """A percentage number (104.2) as text ('104%'); a dash when missing."""
    return "–" if pd.isna(value) else f"{value:,.{digits}f}%"


def share(value: Any, digits: int = 1) -> str:
    """A fraction (0.0703) as a percentage ('7.0%'); a dash when missing."""
    return "–" if pd.isna(value) else f"{value * 100:,.{digits}f}%"


def number(value: Any, digits: int = 0) -> str:
    """A number with thousands separators; a dash when missing."""
    return "–" if pd.isna(value) else f"{value:,.{digits}f}"


NBSP = "\u00a0"


def date_text(value: Any) -> str:
    """A date as every client text shows it, "5 Feb 2026", kept on one line; a dash if missing.

    The one date format of the report (tables, sentences, the cover), so a date reads the same
    everywhere; non-breaking spaces keep a narrow column from wrapping it over three lines.
    """
    if value is None or value == "" or pd.isna(value):  # NaT is a datetime too
        return "–"
    day = pd.Timestamp(value)
    return f"{day.day}{NBSP}{day:%b}{NBSP}{day:%Y}"


def month_text(value: Any) -> str:
    """A month as every client text shows it, "Feb 2026", kept on one line; a dash if missing."""
    if value is None or value == "" or pd.isna(value):  # NaT is a datetime too
        return "–"
    return f"{pd.Timestamp(value):%b}{NBSP}{pd.Timestamp(value):%Y}"


def days(value: Any) -> str:
    """A number of days as a client reads it: "63", "2.5" (no ".0"); a dash when missing."""
    if pd.isna(value):
        return "–"
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def money(engagement: Engagement) -> Callable[[object], str]:
    """Money in the engagement's currency, whole units ("£18,000"); a blank as "–"."""
    currency = engagement.budget.currency if engagement.budget else DEFAULT_CURRENCY
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return lambda value: "–" if value is None or pd.isna(value) else f"{symbol}{value:,.0f}"


def section_id(title: str) -> str:
    """The anchor of a section heading: its text with hyphens for spaces.

    nbconvert makes the ids of markdown headings the same way, so the table of contents links to
    a markdown section and a section drawn by code alike.
    """
    return title.strip().replace(" ", "-")


_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def report_sections(cells: Iterable[Mapping[str, Any]]) -> list[str]:
    """The section titles of an executed report notebook, in order, for its table of contents.

    A section is a markdown cell's ``## `` heading or an ``<h2>`` in a code cell's HTML output
    (the sections a step draws); the table of contents links each by :func:`section_id`.
    """
    titles: list[str] = []
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            titles += [line[3:].strip() for line in source.splitlines() if line.startswith("## ")]
            continue
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            titles += [html.unescape(_TAG.sub("", found)).strip() for found in _H2.findall(markup)]
    return [title for title in titles if title]


def toc_html(titles: list[str]) -> str:
    """The table of contents: each section linked by its anchor; empty for fewer than three."""
    if len(titles) < 3:
        return ""
    items = "".join(
        f"<li><a href='#{html.escape(section_id(t), quote=True)}'>{html.escape(t)}</a></li>"
        for t in titles
    )
    return (
        "<nav class='aw-toc' aria-label='Contents'><p class='aw-toc-title'>Contents</p>"
        f"<ol>{items}</ol></nav>"
    )


def section_heading(title: str) -> str:
    """A report section's ``<h2>`` with its anchor (escaped), for sections drawn by code."""
    return f"<h2 id='{html.escape(section_id(title), quote=True)}'>{html.escape(title)}</h2>"


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Formatter] | None = None,
    *,
    caption: str | None = None,
    kind: str | None = None,
) -> HTML:
    """A clean, escaped HTML table of chosen columns under plain-English headers.

    Args:
        frame: The data.
        columns: Column -> header, in display order.
        formats: Column -> function turning a value into text.
        caption: A sentence above the table saying what it shows.
        kind: An extra CSS class naming what the table is (``aw-action-plan``), for styling
            and for tests that find it in the page; letters, digits and hyphens only.
    """
    if kind is not None and not re.fullmatch(r"[A-Za-z0-9-]+", kind):
        raise ValueError(f"table kind must be a CSS class name, got {kind!r}")
    classes = "aw-table" + (f" {kind}" if kind else "")
    formats = formats or {}
    # numbers are right-aligned to compare at a glance; text (statements, names) reads left
    numeric = {
        column: pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
        for column in columns
    }
    heads = "".join(
        f"<th{_number_class(numeric[c])}>{html.escape(header)}</th>"
        for c, header in columns.items()
    )
    # each cell carries its column's header: on a phone or paper a wide table stacks a row's
    # cells under each other, each labelled (see report.css)
    labels = {c: html.escape(header, quote=True) for c, header in columns.items()}
    cells = [
        [
            (numeric[c], labels[c], html.escape(text))
            for text in frame[c].map(formats.get(c, _plain))
        ]
        for c in columns
    ]
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td{_number_class(num)} data-label="{label}">{text}</td>' for num, label, text in row
        )
        + "</tr>"
        for row in zip(*cells, strict=True)
    )
    head = f"<p class='aw-caption'>{html.escape(caption)}</p>" if caption else ""
    return HTML(
        f"{head}<table class='{classes}'><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody>"
        "</table>"
    )


def _number_class(numeric: bool) -> str:
    return " class='aw-number'" if numeric else ""


def _plain(value: Any) -> str:
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return month_text(value)
    return str(value)


class Done(str):
    """A short confirmation a function returns (a save): plain text, shown formatted.

    It is a ``str`` (so callers and tests read it as the sentence it is), but a notebook shows it
    as a ticked line rather than a quoted repr ('Stored 10 result tables…').
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        return f"<p class='aw-ok aw-done'>✓ {html.escape(str(self))}</p>"

    def __repr__(self) -> str:
        return str(self)


def callout(title: str, lines: Iterable[str], kind: str = "note") -> HTML:
    """A highlighted box: a title and a few sentences (escaped)."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return HTML(
        f"<div class='aw-callout aw-{html.escape(kind)}'><strong>{html.escape(title)}</strong>"
        f"<ul>{items}</ul></div>"
    )


REPORT_TITLE = "Improvement assessment"
"""The report's title: the cover's kicker and every printed page's running header."""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that nothing in it can end (quotes, ``</style>``)."""
    # anything but letters, digits and plain punctuation becomes a CSS escape ("\\22 ")
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:-–—()'/" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def page_style(client: str, title: str = REPORT_TITLE) -> str:
    """A ``<style>`` giving every printed page its running header and confidentiality footer.

    The page number ("Page 3 of 12") is in the stylesheet; these lines name the client, so the
    cover writes them (CSS page-margin boxes: Chromium prints them, screens ignore them).
    """
    header = css_string(f"{client} · {title}")
    footer = css_string(f"Confidential — prepared for {client}")
    box = "color:#52606d;font-family:system-ui,sans-serif;font-size:8pt"
    return (
        "<style class='aw-page'>@page{"
        f"@top-left{{content:{header};{box}}}"
        f"@bottom-left{{content:{footer};{box}}}}}"
        "@page :first{@top-left{content:none}}</style>"
    )


def cover(
    engagement: Engagement, when: dt.date | None = None, *, title: str = REPORT_TITLE
) -> HTML:
    """The report's cover: firm and logo, client, contract, desired outcome, date and team.

    Carries the engagement's branding (colours and fonts as CSS variables) for the whole page,
    and the printed pages' running header and footer (:func:`page_style`).
    """
    e = engagement
    w = words(engagement)
    team = ", ".join(f"{m.name} ({m.role})" for m in e.team) or "–"
    when = when or dt.date.today()
    rows = [
        ("Contract", f"{e.contract.name} ({e.contract.reference})"),
        (w.outcome, e.contract.desired_outcome),
        ("Contract period", f"{date_text(e.contract.start)} to {date_text(e.contract.end)}"),
        (f"Delivery {w.sites}", ", ".join(s.name for s in e.sites)),
        ("Team", team),
        ("Report date", date_text(when)),
    ]
    found = stored_periods(e)
    if found is not None:  # the report date says when; this says which data it reads
        rows[-1] = ("Report date", f"{when:%d %B %Y} · {found.data_to_label()}")
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    brand = for_engagement(e.branding, e.root)
    logo = (
        # the firm's name is written beside it: the logo adds nothing to read aloud
        f"<img class='aw-logo' src='{html.escape(brand.logo_data_uri, quote=True)}' alt=''>"
        if brand.logo_data_uri
        else ""
    )
    firm = f"<span class='aw-firm'>{html.escape(brand.firm_name)}</span>" if brand.firm_name else ""
    # no firm set (the neutral default): the cover opens with the report's title
    banner = f"<div class='aw-cover-brand'>{logo}{firm}</div>" if logo or firm else ""
    return HTML(
        f"{brand_style(brand)}{page_style(e.client.name, title)}<section class='aw-cover'>"
        f"{banner}<p class='aw-kicker'>{html.escape(title)}</p>"
        f"<h1>{html.escape(e.client.name)}</h1>"
        f"<table class='aw-cover-table'>{cells}</table></section>"
    )


def provenance(run_dir: str | Path | None) -> HTML:
    """Where the report came from: run id, time, workbook version, a hash of each input."""
    manifest_path = Path(run_dir) / MANIFEST_FILE if run_dir else None
    if manifest_path is None or not manifest_path.is_file():
        return HTML(
            "<p class='aw-provenance'>Provenance: not run through <code>assess run</code>.</p>"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = "".join(
        f"<li>{html.escape(i['file'])}: <code>{html.escape(i['sha256'][:12])}</code></li>"
        for i in manifest.get("inputs", [])
    )
    return HTML(
        "<section class='aw-provenance'><h3>Provenance</h3>"
        f"<p>Run <code>{html.escape(manifest['run_id'])}</code>, started "
        f"{html.escape(manifest.get('started_at', '?'))} (UTC), Assessment Workbook "
        f"{html.escape(manifest.get('workbook_version', '?'))}.</p>"
        f"<p>Inputs (SHA-256, first 12 characters):</p><ul>{files}</ul></section>"
    )


def show(*items: Any) -> None:
    """Display several results of one cell in order (tables, callouts, charts)."""
    for item in items:
        if isinstance(item, (list, tuple)):
            show(*item)
        elif item is not None:
            display(item)
