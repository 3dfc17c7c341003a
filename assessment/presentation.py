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
from assessment.engagement import DEFAULT_CURRENCY, Engagement
from assessment.periods import stored_periods

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


def money(engagement: Engagement) -> Callable[[object], str]:
    """Money in the engagement's currency, whole units ("£18,000"); a blank as "–"."""
    currency = engagement.budget.currency if engagement.budget else DEFAULT_CURRENCY
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, currency + " ")
    return lambda value: "–" if value is None or pd.isna(value) else f"{symbol}{value:,.0f}"


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
    cells = [
        [(numeric[c], html.escape(text)) for text in frame[c].map(formats.get(c, _plain))]
        for c in columns
    ]
    rows = "".join(
        "<tr>" + "".join(f"<td{_number_class(num)}>{text}</td>" for num, text in row) + "</tr>"
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
        return f"{value:%b %Y}"
    return str(value)


def callout(title: str, lines: Iterable[str], kind: str = "note") -> HTML:
    """A highlighted box: a title and a few sentences (escaped)."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return HTML(
        f"<div class='aw-callout aw-{html.escape(kind)}'><strong>{html.escape(title)}</strong>"
        f"<ul>{items}</ul></div>"
    )


def cover(engagement: Engagement, when: dt.date | None = None) -> HTML:
    """The report's cover: firm and logo, client, contract, desired outcome, date and team.

    Carries the engagement's branding (colours and fonts as CSS variables) for the whole page.
    """
    e = engagement
    team = ", ".join(f"{m.name} ({m.role})" for m in e.team) or "–"
    when = when or dt.date.today()
    rows = [
        ("Contract", f"{e.contract.name} ({e.contract.reference})"),
        ("Successful Customer Outcome", e.contract.desired_outcome),
        ("Contract period", f"{e.contract.start:%d %B %Y} to {e.contract.end:%d %B %Y}"),
        ("Delivery sites", ", ".join(s.name for s in e.sites)),
        ("Team", team),
        ("Report date", f"{when:%d %B %Y}"),
    ]
    found = stored_periods(e)
    if found is not None:  # the report date says when; this says which data it reads
        rows[-1] = ("Report date", f"{when:%d %B %Y} · {found.data_to_label()}")
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    brand = for_engagement(e.branding, e.root)
    logo = (
        f"<img class='aw-logo' src='{html.escape(brand.logo_data_uri, quote=True)}' alt=''>"
        if brand.logo_data_uri
        else ""
    )
    return HTML(
        f"{brand_style(brand)}<section class='aw-cover'>"
        f"<div class='aw-cover-brand'>{logo}<span class='aw-firm'>"
        f"{html.escape(brand.firm_name)}</span></div>"
        f"<p class='aw-kicker'>Improvement assessment</p><h1>{html.escape(e.client.name)}</h1>"
        f"<table class='aw-cover-table'>{cells}</table></section>"
    )


def provenance(run_dir: str | Path | None) -> HTML:
    """Where the report came from: run id, time, workbook version, a hash of each input."""
    manifest_path = Path(run_dir) / "manifest.json" if run_dir else None
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
