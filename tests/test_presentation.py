"""What every client text is built from: one date format, days, labelled cells, printed pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from assessment.export import ExportError, _page_for_paper, print_pdf
from assessment.presentation import css_string, date_text, days, month_text, page_style, table

NBSP = "\u00a0"


def test_a_date_reads_the_same_everywhere_and_never_wraps() -> None:
    assert date_text(dt.date(2026, 2, 5)) == f"5{NBSP}Feb{NBSP}2026"
    assert date_text(pd.Timestamp("2026-02-28")) == f"28{NBSP}Feb{NBSP}2026"
    assert date_text("2025-09-30") == f"30{NBSP}Sep{NBSP}2025"
    assert date_text(None) == date_text(pd.NaT) == date_text("") == "–"
    assert month_text(pd.Timestamp("2026-06-01")) == f"Jun{NBSP}2026"


def test_days_drop_a_trailing_zero_but_keep_a_half() -> None:
    assert days(63.0) == "63"
    assert days(2.5) == "2.5"
    assert days(1234.04) == "1,234"
    assert days(float("nan")) == "–"


def test_every_cell_carries_its_column_header_for_stacking() -> None:
    frame = pd.DataFrame({"site": ["Harbour <Street>"], "pct": [104.2]})
    html = table(frame, {"site": "Site", "pct": '% of "target"'}).data
    assert '<td data-label="Site">Harbour &lt;Street&gt;</td>' in html
    assert "<td class='aw-number' data-label=\"% of &quot;target&quot;\">104.2</td>" in html


def test_css_string_cannot_end_the_rule_or_the_style_element() -> None:
    text = css_string('Acme "Ltd" </style> \\ {x}')
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert '"' not in inner and "<" not in inner and "{" not in inner and "}" not in inner
    assert "\\22 " in inner and "\\3c " in inner  # escaped, read back as the same characters


def test_printed_pages_name_the_client_in_header_and_footer() -> None:
    style = page_style("Northshore Employment Services")
    assert '@top-left{content:"Northshore Employment Services \\b7  Improvement assessment"' in (
        style
    )
    assert '@bottom-left{content:"Confidential — prepared for Northshore Employment Services"' in (
        style
    )
    assert "@page :first{@top-left{content:none}}" in style  # the cover carries no header
    assert style.count("<style") == 1 and style.endswith("</style>")


def test_letter_paper_prints_a_copy_sized_for_it(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("<html><head><style>@page{size:A4}</style></head><body>x</body></html>")
    assert _page_for_paper(page, "a4", tmp_path / "elsewhere") == page  # A4: the page itself
    folder = tmp_path / "print"
    folder.mkdir()
    copy = _page_for_paper(page, "letter", folder)
    text = copy.read_text()
    # the size comes after the stylesheet's A4, so it wins
    assert re.search(r"size:A4\}</style><style>@page\{size:letter\}</style></head>", text)
    assert page.read_text().count("letter") == 0  # the client's copy stays A4


def test_an_unknown_paper_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="paper 'a3': expected one of a4, letter"):
        print_pdf(tmp_path / "r.html", tmp_path / "out" / "r.pdf", Path("chromium"), paper="a3")
    assert not (tmp_path / "out").exists()


def test_contents_list_markdown_sections_and_those_steps_draw_with_their_anchors() -> None:
    from assessment.presentation import report_sections, section_heading, toc_html

    cells = [
        {"cell_type": "markdown", "source": "## Executive summary\n\nWhere we stand."},
        {"cell_type": "code", "outputs": [{"data": {"text/html": section_heading("The plan")}}]},
        {"cell_type": "code", "outputs": [{"data": {"text/html": ["<h2>Q&amp;A</h2><p>x</p>"]}}]},
        {"cell_type": "markdown", "source": ["### Not a section\n"]},
    ]
    assert section_heading("The plan") == "<h2 id='The-plan'>The plan</h2>"
    assert report_sections(cells) == ["Executive summary", "The plan", "Q&A"]
    toc = toc_html(report_sections(cells))
    assert "<a href='#Executive-summary'>Executive summary</a>" in toc
    assert "<a href='#Q&amp;A'>Q&amp;A</a>" in toc
    assert toc_html(["One", "Two"]) == ""  # two sections need no contents
