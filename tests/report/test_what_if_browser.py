"""The served report's "What if" controls in a real browser (headless Chromium).

One control is moved (an action left out); the projected contract figure and the stage reached
must change to what :func:`~assessment.recommendations.scenarios.project` computes for that
scenario. Screenshots before and after go to test-output/report/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assessment.engagement import load_engagement
from assessment.recommendations.scenario_store import load_basis
from assessment.recommendations.scenarios import Lever, Scenario, compare

from .conftest import Served

pytestmark = pytest.mark.browser

PROJECTED = "table.aw-what-if tbody tr:first-child td.aw-projected"
STAGE = "table.aw-what-if tbody tr:nth-child(2) td.aw-projected"


def _moving_control(served: Served) -> tuple[int, str, str, str, str]:
    """The first action whose leaving out changes the stage at the contract's end, and figures."""
    basis = load_basis(load_engagement(served.run.folder.parent.parent))
    assert basis is not None, "the demo run publishes a plan"
    for i, action_id in enumerate(basis.plan["action_id"]):
        agreed, left = compare(basis, Scenario("x", {str(action_id): Lever(left_out=True)}))
        if left.end_stage != agreed.end_stage:
            return (
                i,
                f"{agreed.end_level:,.0f}%",
                agreed.end_stage,
                f"{left.end_level:,.0f}%",
                left.end_stage,
            )
    pytest.fail("no action of the demo plan changes the stage when left out")


def test_leaving_an_action_out_moves_the_contract_figure_and_the_stage(
    served_what_if: Served, browser, output_dir: Path
) -> None:
    served = served_what_if  # assess serve --what-if: the page with the live controls
    index, level, stage, new_level, new_stage = _moving_control(served)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(served.url("/"))
    try:
        page.wait_for_selector(PROJECTED, timeout=120_000)
    except Exception:
        found = page.evaluate(
            "() => [document.querySelectorAll('.jupyter-widgets').length,"
            " document.querySelectorAll('.widget-checkbox').length,"
            " document.querySelectorAll('script[type*=\"cell-output\"]').length]"
        )
        page.locator("h2", has_text="What if").scroll_into_view_if_needed()
        page.screenshot(path=str(output_dir / "what-if-missing.png"))
        raise AssertionError(
            f"no What if panel (widgets, checkboxes, pending outputs: {found}); console:\n"
            + "\n".join(console[-8:])
        ) from None
    panel = page.locator("table.aw-what-if")
    panel.scroll_into_view_if_needed()
    assert page.inner_text(PROJECTED).strip() == level
    assert page.inner_text(STAGE).strip() == stage
    page.screenshot(path=str(output_dir / "what-if-before.png"))
    box = page.locator(".widget-checkbox input[type=checkbox]").nth(index)
    started = time.perf_counter()
    box.check()
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel).innerText.trim() === want",
        arg=[PROJECTED, new_level],
        timeout=10_000,
    )
    print(f"control change to updated figure: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert page.inner_text(STAGE).strip() == new_stage
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "what-if-after.png"))
    page.close()
