"""The client report in a real browser (headless Chromium, every host but 127.0.0.1 blocked).

The Voila page of `assess serve` and the static report.html (from file://) must both draw every
chart interactively, show tooltips, and fetch nothing from the internet. Screenshots of the first
screen and of the action plan are written to test-output/report/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from readable_text import plain

from assessment.store import Store

from .conftest import CLIENT, Served

pytestmark = pytest.mark.browser

ALL_CHARTS_DRAWN = """(expected) => {
  const figures = document.querySelectorAll('figure.aw-chart');
  if (figures.length < expected) { return false; }
  return Array.from(figures).every((figure) =>
    figure.getAttribute('data-aw-rendered') === 'interactive'
    && figure.querySelector('.aw-chart-view svg, .aw-chart-view canvas') !== null);
}"""


EVERY_CHART_SHOWN = """(expected) => {
  const figures = document.querySelectorAll('figure.aw-chart');
  return figures.length >= expected
    && Array.from(figures).every((figure) => figure.querySelector('svg, canvas') !== null);
}"""


def open_voila_report(page, served: Served) -> int:
    """Open the Voila page: every chart shows at once (static SVG), then every one upgrades."""
    expected = expected_charts(served)
    page.goto(served.url("/"))
    page.wait_for_function(EVERY_CHART_SHOWN, arg=expected, timeout=45_000)
    page.wait_for_function(ALL_CHARTS_DRAWN, arg=expected, timeout=45_000)
    return expected


def chart_count(html: str) -> int:
    return len(re.findall(r"""<figure\b[^>]*class=["']aw-chart["']""", html))


class OfflinePage:
    """A page that may fetch only from 127.0.0.1 and file:, recording what it tried elsewhere."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("file", "data") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.fixture
def offline_page(browser) -> Iterator[OfflinePage]:
    page = OfflinePage(browser)
    try:
        yield page
    finally:
        page.page.close()


def expected_charts(served: Served) -> int:
    return chart_count(served.run.report.read_text(encoding="utf-8"))


def hover_shows_tooltip(page, site_names: list[str]) -> str:
    page.locator("figure.aw-chart .aw-chart-view .mark-rect path").first.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    text = page.inner_text("#vg-tooltip-element")
    assert any(name in text for name in site_names), text
    return text


SITES = ["Harbour Street", "Millbrook Road", "Eastgate Centre", "Westfield House"]


def test_voila_page_draws_every_chart_offline(
    served: Served, offline_page: OfflinePage, output_dir: Path
) -> None:
    page = offline_page.page
    expected = open_voila_report(page, served)
    page.screenshot(path=str(output_dir / "voila-first-screen.png"))
    print(f"screenshot: {output_dir / 'voila-first-screen.png'}")
    assert expected >= 6
    assert page.locator("figure.aw-chart").count() == expected
    assert page.title() == f"{CLIENT}: improvement assessment"
    body = page.inner_text("body")
    for text in (CLIENT, "Executive summary", "Performance against contract", "Provenance"):
        assert text in body
    assert served.run.run_id in body
    # no code, no prompts, no tracebacks
    for leak in ("show_stored", "import ", "Traceback", "In [", "Out["):
        assert leak not in body

    hover_shows_tooltip(page, SITES)
    assert offline_page.blocked == []


def test_voila_page_site_selection_highlights_one_site(
    served: Served, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    open_voila_report(page, served)
    trend = page.locator("figure.aw-chart", has_text="by month").first
    trend.scroll_into_view_if_needed()
    lines = trend.locator(".aw-chart-view .mark-line path")
    before = {lines.nth(i).get_attribute("opacity") for i in range(lines.count())}
    trend.locator(".aw-chart-view .role-legend-symbol path").first.click()
    page.wait_for_timeout(300)
    after = [lines.nth(i).get_attribute("opacity") for i in range(lines.count())]
    assert before != set(after)
    assert "0.15" in after and "1" in after


def published_tasks(served: Served) -> list[str]:
    """The tasks of the demo's published action plan, from the run's own store."""
    store = served.run.folder.parents[1] / "workbook.sqlite"
    with Store(store) as opened:
        return opened.frame("recommendations.plan")["task"].tolist()


def test_action_plan_shows_the_demo_rows_and_the_report_ends_with_provenance(
    served: Served, offline_page: OfflinePage, output_dir: Path
) -> None:
    page = offline_page.page
    open_voila_report(page, served)
    tasks = published_tasks(served)
    assert len(tasks) >= 8
    plan = page.locator("table.aw-action-plan").first
    plan.scroll_into_view_if_needed()
    plan.screenshot(path=str(output_dir / "voila-action-plan.png"))
    print(f"screenshot: {output_dir / 'voila-action-plan.png'}")
    rows = plan.locator("tbody tr.aw-action")
    assert rows.count() == len(tasks)
    shown = [rows.nth(i).locator("td.aw-task").inner_text() for i in range(rows.count())]
    assert sorted(shown) == sorted(tasks)  # grouped under their recommendations
    groups = plan.locator("tbody tr.aw-group")
    assert "Leadership & MI: Report outcomes, not activity, from clean data" in [
        groups.nth(i).inner_text() for i in range(groups.count())
    ]
    # the table fits the page: its last column is not cut off
    box, page_width = plan.bounding_box(), page.viewport_size["width"]
    assert box is not None and box["x"] + box["width"] <= page_width
    assert "Rebuild the monthly MI pack around job outcomes per site and adviser" in shown
    assert "SMART" in rows.first.inner_text()
    assert "Base camp: 36% of contract over Dec 2025–Feb 2026." in plain(page.inner_text("body"))
    last = page.locator(".aw-provenance").first
    last.scroll_into_view_if_needed()
    text = last.inner_text()
    assert served.run.run_id in text
    assert "engagement.yaml" in text


def test_static_report_draws_the_same_charts_from_file_offline(
    served: Served, offline_page: OfflinePage, output_dir: Path
) -> None:
    page = offline_page.page
    expected = expected_charts(served)
    page.goto(served.run.report.as_uri())
    page.wait_for_function(ALL_CHARTS_DRAWN, arg=expected, timeout=30_000)
    assert page.locator("figure.aw-chart").count() == expected
    assert CLIENT in page.inner_text(".aw-cover")
    page.screenshot(path=str(output_dir / "static-first-screen.png"))
    print(f"screenshot: {output_dir / 'static-first-screen.png'}")
    hover_shows_tooltip(page, SITES)
    assert offline_page.blocked == []
    assert offline_page.errors == []
