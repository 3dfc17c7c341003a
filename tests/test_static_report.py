"""Tests of the offline HTML export (assessment.static_report) and its offline check."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from assessment import charts
from assessment import static_report as report
from assessment.data_analysis import charts as step_charts
from assessment.static_report import export_html, external_references

CODE_MARKER = "SECRET_CODE_MARKER"
STDOUT_MARKER = "STDOUT_MARKER_must_not_show"
STDERR_MARKER = "STDERR_MARKER_must_not_show"
ERROR_MARKER = "ERROR_MARKER_must_not_show"
BUNDLE_MARKER = "window.vegaEmbed="


def performance_chart_bundle() -> dict[str, str]:
    to_date = pd.DataFrame(
        {
            "site": ["north", "east"],
            "site_name": ["Northshore", "Eastgate"],
            "measure": ["starts", "starts"],
            "actual": [110.0, 80.0],
            "target": [100.0, 100.0],
            "pct_of_target": [110.0, 80.0],
            "gap": [10.0, -20.0],
        }
    )
    return step_charts.performance_by_site(to_date, "starts", "Job starts")._repr_mimebundle_()


def write_notebook(path: Path, *, with_charts: int = 1) -> Path:
    """An executed-looking notebook: markdown, a chart, noise that must not reach the client."""
    cells = [
        new_markdown_cell("# Northshore: data analysis\n\nWhat the data says."),
        new_markdown_cell("## Performance against contract"),
    ]
    for number in range(with_charts):
        cells.append(
            new_code_cell(
                f"{CODE_MARKER}_{number} = performance_by_site(to_date)",
                outputs=[
                    new_output("stream", name="stdout", text=f"{STDOUT_MARKER}\n"),
                    new_output("stream", name="stderr", text=f"{STDERR_MARKER}\n"),
                    new_output("display_data", data=performance_chart_bundle()),
                ],
            )
        )
    cells += [
        new_code_cell(
            f"{CODE_MARKER}_error()",
            outputs=[
                new_output(
                    "error", ename="ValueError", evalue=ERROR_MARKER, traceback=[ERROR_MARKER]
                )
            ],
        ),
        new_code_cell(
            f"{CODE_MARKER}_table",
            execution_count=4,
            outputs=[
                new_output(
                    "execute_result",
                    execution_count=4,
                    data={
                        "text/html": "<table class='dataframe'><tr><td>42</td></tr></table>",
                        "text/plain": "42",
                    },
                )
            ],
        ),
    ]
    notebook = new_notebook(cells=cells)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def report_notebook(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "report.ipynb")


def test_export_html_writes_an_offline_client_page(report_notebook: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "report.html"

    assert export_html(report_notebook, output) == output

    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Northshore: data analysis</title>" in page
    assert "What the data says." in page
    assert 'class="aw-chart"' in page
    assert "<svg" in page
    assert page.count(BUNDLE_MARKER) == 1
    assert page.count(charts.UPGRADE_SCRIPT.strip()) == 1
    assert ">42<" in page
    for hidden in [CODE_MARKER, STDOUT_MARKER, STDERR_MARKER, ERROR_MARKER, "In&nbsp;[", "Out["]:
        assert hidden not in page
    assert external_references(page) == []
    for cdn in [
        "cdnjs",
        "unpkg",
        "jsdelivr",
        "require.js",
        "mathjax",
        "mermaid",
        "fonts.googleapis",
    ]:
        assert cdn not in page.lower()


def test_export_html_inlines_the_bundle_once_for_many_charts(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "many.ipynb", with_charts=3)
    page = export_html(notebook, tmp_path / "many.html").read_text(encoding="utf-8")
    assert page.count('class="aw-chart"') == 3
    assert page.count(BUNDLE_MARKER) == 1


def test_export_html_leaves_the_bundle_out_without_charts(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "plain.ipynb", with_charts=0)
    page = export_html(notebook, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "vegaEmbed" not in page
    assert len(page.encode()) < 50_000
    assert external_references(page) == []


def test_export_html_drops_widgets(tmp_path: Path) -> None:
    notebook = new_notebook(
        cells=[
            new_code_cell(
                "form",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": {
                                "model_id": "abc",
                                "version_major": 2,
                                "version_minor": 0,
                            },
                            "text/plain": "WIDGET_FALLBACK",
                        },
                    )
                ],
            )
        ]
    )
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}
    }
    path = tmp_path / "widgets.ipynb"
    nbformat.write(notebook, path)
    page = export_html(path, tmp_path / "widgets.html").read_text(encoding="utf-8")
    assert '<script type="application/vnd.jupyter.widget' not in page
    assert "widget-state+json" not in page
    assert "model_id" not in page
    assert "WIDGET_FALLBACK" not in page


def test_export_html_title_argument_wins(report_notebook: Path, tmp_path: Path) -> None:
    page = export_html(report_notebook, tmp_path / "r.html", title="Q3 <review>").read_text()
    assert "<title>Q3 &lt;review&gt;</title>" in page


def test_export_html_is_atomic(report_notebook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    output = folder / "report.html"
    export_html(report_notebook, output)
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]
    assert oct(output.stat().st_mode & 0o777) == oct(0o644)


def test_export_html_failure_keeps_the_old_report_and_no_temp_file(
    report_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "report.html"
    output.write_text("previous report", encoding="utf-8")

    def refuse(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        export_html(report_notebook, output)

    assert output.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.ipynb"]


def test_exporter_is_cached_and_later_exports_are_fast(
    report_notebook: Path, tmp_path: Path
) -> None:
    export_html(report_notebook, tmp_path / "first.html")
    template_dir = str(report.default_template_dir().resolve())
    assert report._exporter(template_dir) is report._exporter(template_dir)
    started = time.perf_counter()
    export_html(report_notebook, tmp_path / "second.html")
    assert time.perf_counter() - started < 2.0


def test_template_folder_can_be_overridden(
    report_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    custom = tmp_path / "templates"
    shutil.copytree(report.default_template_dir(), custom)
    css = custom / report.TEMPLATE_NAME / "static" / "report.css"
    css.write_text(css.read_text() + "\n/* CUSTOM_TEMPLATE_MARKER */\n")

    page = export_html(report_notebook, tmp_path / "a.html", template_dir=custom).read_text()
    assert "CUSTOM_TEMPLATE_MARKER" in page

    monkeypatch.setenv(report.TEMPLATE_DIR_ENV, str(custom))
    assert report.default_template_dir() == custom.resolve()
    assert "CUSTOM_TEMPLATE_MARKER" in export_html(report_notebook, tmp_path / "b.html").read_text()


def test_report_stylesheet_prints_sections_on_new_pages() -> None:
    css = (
        report.default_template_dir() / report.TEMPLATE_NAME / "static" / "report.css"
    ).read_text()
    assert "@page" in css
    assert "@media print" in css
    assert "break-before: page" in css
    assert external_references(f"<style>{css}</style>") == []


# --------------------------------------------------------------------------------------------
# external_references
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ('<script src="https://cdn.example/vega.js"></script>', ["https://cdn.example/vega.js"]),
        ('<script src="//cdn.example/require.js"></script>', ["//cdn.example/require.js"]),
        ('<link rel="stylesheet" href="http://x.example/a.css">', ["http://x.example/a.css"]),
        (
            '<link rel="preload" as="font" href="https://f.example/a.woff2">',
            ["https://f.example/a.woff2"],
        ),
        ("<style>@import 'https://x.example/b.css';</style>", ["https://x.example/b.css"]),
        ('<style>@import url("//x.example/c.css");</style>', ["//x.example/c.css"]),
        (
            "<style>@font-face{font-family:X;src:url(https://fonts.example/x.woff2)}</style>",
            ["https://fonts.example/x.woff2"],
        ),
        (
            "<div style=\"background: url('HTTPS://img.example/bg.png')\"></div>",
            ["HTTPS://img.example/bg.png"],
        ),
        ('<img src="https://img.example/logo.png">', ["https://img.example/logo.png"]),
        ('<svg><image href="https://img.example/a.png"/></svg>', ["https://img.example/a.png"]),
        (
            '<script src="https://a.example/x.js"></script><script src="https://a.example/x.js">'
            "</script>",
            ["https://a.example/x.js"],
        ),
    ],
)
def test_external_references_finds_resources(page: str, expected: list[str]) -> None:
    assert external_references(page) == expected


@pytest.mark.parametrize(
    "page",
    [
        '<a href="https://www.client.example/">client site</a>',
        "<p>See https://vega.github.io/vega-lite/ for details.</p>",
        '<script>var editor = "https://vega.github.io/editor/"; var s = "//x";</script>',
        '<script type="application/json">{"$schema": "https://vega.github.io/schema/x.json",'
        ' "url": "http://data.example/a.csv"}</script>',
        '<link rel="canonical" href="https://www.example/report">',
        '<img src="data:image/png;base64,AAAA"><script src="local.js"></script>',
        "<style>/* url(https://commented.example/x.css) */ .a { color: red }</style>",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use href="#aw-chart-1-clip1"/></svg>',
    ],
)
def test_external_references_ignores_text_and_data(page: str) -> None:
    assert external_references(page) == []


def test_vega_bundle_itself_needs_no_internet() -> None:
    page = f"<script>{charts.javascript_bundle()}</script><p>{charts.UPGRADE_SCRIPT}</p>"
    assert "https://vega.github.io" in page
    assert external_references(page) == []


# --------------------------------------------------------------------------------------------
# Browser (optional): the page upgrades to interactive charts with the network blocked
# --------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_report_charts_become_interactive_offline(tmp_path: Path, chromium: dict) -> None:
    from playwright import sync_api

    notebook = write_notebook(tmp_path / "report.ipynb", with_charts=2)
    output = export_html(notebook, tmp_path / "report.html")
    requested: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", only_local)
            page.goto(output.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('figure.aw-chart[data-aw-rendered=interactive]')"
                ".length === 2",
                timeout=15_000,
            )
            assert page.locator("figure.aw-chart .aw-chart-static").count() == 0
            page.locator("figure.aw-chart .mark-rect path").first.hover()
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
            assert "Northshore" in page.inner_text("#vg-tooltip-element") or "Eastgate" in (
                page.inner_text("#vg-tooltip-element")
            )
        finally:
            browser.close()
    assert requested == []
    assert errors == []
