"""What if: the time from a control's change to the updated figures, one client and five at once.

Used by ``bench_report.py`` (its fourth figure; ``--only-what-if`` runs this part alone). The
served page is ``assess serve --what-if``. Each client moves every control of the panel that
changes a figure (a share slider to 0 % and back, a delay slider to 12 months and back, each
leave-out switch, each "reaches the best site's rate" switch), ``--changes`` times each, with a
short pause between changes as a person would. The clock starts in the page at the input event
(the key press on a slider's handle, the click on a switch) and stops at the first DOM mutation
after which the "What if" column's text differs: comm round trip, kernel compute and the
browser's DOM update, as the client feels it (paint excluded).

Beside it, the kernel's share: the same changes' projection and HTML (``compare`` and
``figures_html``, what the panel runs per change) timed in this process.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from assessment.engagement import load_engagement
from assessment.presentation import money
from assessment.recommendations.scenario_store import load_basis
from assessment.recommendations.scenarios import Lever, PlanBasis, Scenario, compare, project
from assessment.recommendations.what_if import figures_html

PROJECTED = "table.aw-what-if td.aw-projected"
ARM = """(sel) => {
  const text = () => Array.from(document.querySelectorAll(sel)).map((t) => t.textContent).join('|');
  const state = { t0: null, t1: null, before: text() };
  window.__awChange = state;
  const start = () => { if (state.t0 === null) state.t0 = performance.now(); };
  window.addEventListener('keydown', start, { capture: true, once: true });
  window.addEventListener('pointerdown', start, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (state.t0 !== null && state.t1 === null && text() !== state.before) {
      state.t1 = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


@dataclass(frozen=True)
class Move:
    """One control and how to move it there and back: a key on a slider, a click on a switch."""

    name: str
    kind: str  # "share", "delay", "leave", "bench"
    index: int  # the control's position among the panel's sliders or checkboxes
    there: Callable[[Scenario], Scenario]


def _with(scenario: Scenario, action: str, lever: Lever) -> Scenario:
    return replace(scenario, levers={**scenario.levers, action: lever})


def moves(basis: PlanBasis, fmt: Callable[[object], str]) -> list[Move]:
    """Every control whose move changes a figure of the panel as shown, by the real functions."""
    agreed = Scenario()
    base = figures_html(basis, *compare(basis, agreed), fmt)
    ids = [str(a) for a in basis.plan["action_id"]]
    found = []
    for i, a in enumerate(ids):
        found += [
            Move(f"{a} share 0 %", "share", 2 * i, lambda s, a=a: _with(s, a, Lever(share=0))),
            Move(f"{a} late", "delay", 2 * i + 1, lambda s, a=a: _with(s, a, Lever(delay=12))),
            Move(f"{a} left out", "leave", i, lambda s, a=a: _with(s, a, Lever(left_out=True))),
        ]  # fmt: skip
    for j, b in enumerate(basis.benchmarks):
        found.append(
            Move(
                f"{b.site} at benchmark", "bench", len(ids) + j,
                lambda s, site=b.site: replace(s, benchmark_sites=frozenset({site})),
            )
        )  # fmt: skip
    return [m for m in found if figures_html(basis, *compare(basis, m.there(agreed)), fmt) != base]


def kernel_times(basis: PlanBasis, found: list[Move], fmt: Callable, repeat: int) -> list[float]:
    """Seconds per change for the panel's own work: project the scenario, write the table.

    As :meth:`WhatIfPanel.update` does it: the agreed plan is projected once, not per change.
    """
    agreed = project(basis, Scenario())
    times = []
    for _ in range(repeat):
        for move in found:
            for scenario in (move.there(Scenario()), Scenario()):
                began = time.perf_counter()
                figures_html(basis, agreed, project(basis, scenario), fmt)
                times.append(time.perf_counter() - began)
    return times


async def _change(page, move: Move, away: bool) -> float:
    await page.evaluate(ARM, PROJECTED)
    if move.kind in ("share", "delay"):
        handle = page.locator(".aw-what-if-panel .widget-slider .noUi-handle").nth(move.index)
        # share: to 0 and back to 100; delay: to 12 and back to 0
        key = ("Home" if away else "End") if move.kind == "share" else ("End" if away else "Home")
        await handle.press(key)
    else:
        await page.locator(".aw-what-if-panel .widget-checkbox input").nth(move.index).click()
    try:
        await page.wait_for_function("() => window.__awChange.t1 !== null", timeout=30_000)
    except Exception as error:
        state = await page.evaluate("() => window.__awChange")
        raise RuntimeError(f"{move.name} ({'away' if away else 'back'}): {state}") from error
    return await page.evaluate("() => (window.__awChange.t1 - window.__awChange.t0) / 1000")


async def client(
    browser, url: str, found: list[Move], changes: int, only_local, seed: int
) -> list[float]:
    """One client's change-to-update times over every control, ``changes`` times each."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.route("**/*", only_local)
    began = time.perf_counter()
    try:
        # five pages at once on a loaded machine: the page's "load" can take more than
        # Playwright's default 30 s; the figure measured is change-to-update, not the page load
        await page.goto(url, wait_until="commit", timeout=180_000)
        await page.wait_for_selector(PROJECTED, timeout=180_000)
    except Exception as error:
        live = await page.locator("script[data-aw-voila-loader]").count()
        raise RuntimeError(
            f"client {seed}: no What if panel after {time.perf_counter() - began:.0f} s "
            f"({'a kernel page' if live else 'served kernel-free: over --max-kernels?'})"
        ) from error
    rng = random.Random(seed)
    times = []
    try:
        for move in found:
            for number in range(changes):
                times.append(await _change(page, move, away=number % 2 == 0))
                await asyncio.sleep(rng.uniform(0.15, 0.35))  # a person reads, then moves again
            if changes % 2:  # leave the control as agreed for the next one
                await _change(page, move, away=False)
    finally:
        await context.close()
    return times


def basis_of(engagement_dir: Path) -> tuple[PlanBasis, Callable]:
    """The demo run's published plan and its money format."""
    engagement = load_engagement(engagement_dir)
    basis = load_basis(engagement)
    if basis is None:
        raise RuntimeError(f"{engagement_dir}: no published plan to explore")
    return basis, money(engagement)


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method)."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def summary(values: list[float]) -> str:
    """Median, p95, max and count, in ms."""
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, p95 {p95(values) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms, n={len(values)}"
    )
