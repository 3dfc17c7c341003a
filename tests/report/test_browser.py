"""The client report in a real browser (headless Chromium, every host but 127.0.0.1 blocked).

The Voila page of `assess serve` and the static report.html (from file://) must both draw every
chart interactively, show tooltips, and fetch nothing from the internet. Screenshots of the first
screen and of the action plan (or, before step 5 exists, of the last section) are written to
test-output/report/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.report.conftest import CLIENT, Served

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


@pytest.fixture(scope="module")
def browser(chromium: dict) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        try:
            yield browser
        finally:
            browser.close()


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


def test_report_ends_with_its_provenance(
    served: Served, offline_page: OfflinePage, output_dir: Path
) -> None:
    # the action plan (step 5) will be the report's centrepiece; until step 5 exists the last
    # section a client sees is the provenance of the run
    page = offline_page.page
    open_voila_report(page, served)
    last = page.locator(".aw-provenance").first
    last.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "voila-last-section.png"))
    print(f"screenshot: {output_dir / 'voila-last-section.png'}")
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
