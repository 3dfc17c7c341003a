"""Prototype: the What if controls inside a Vega-Lite chart, with no kernel (issue 18).

Question: can the static report.html offer the served page's controls (per action % of target,
months late, leave out) as Vega-Lite parameters, without a second implementation of step 5's
rules in Vega expressions?

The only faithful way is to let the real Python functions compute every state the controls can
reach and have the chart *select* among them. The served panel's controls combine freely: with
``n`` actions of 21 shares x 13 delays (+ left out) that is 274**n states (about 10**22 for the
demo's 9 actions), so this prototype precomputes the one family that stays small: one action
moved at a time, the others as agreed (share 0-100 by 10, delay 0-12 by 3, or left out: 56
states per action). The chart binds a select (which action), two ranges and a checkbox; a filter
picks the matching precomputed rows; the agreed plan's line and figures stay beside it.

Run on a run of the demo (the engagement folder after ``assess run``)::

    .venv/bin/python docs/prototypes/what_if_vega_params.py ENGAGEMENT OUT_DIR [--measure]

Writes ``OUT_DIR/what-if-params.html`` (offline: the Vega bundle inlined) and prints the grid's
size and compute time; ``--measure`` opens it in Chromium and times a slider's change to the
updated figure. The decision and the figures are recorded in docs/architecture.md ("What if").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import altair as alt
import pandas as pd

from assessment.charts import javascript_bundle, spec_json_for_script
from assessment.engagement import load_engagement
from assessment.recommendations.scenario_store import load_basis
from assessment.recommendations.scenarios import Lever, PlanBasis, Projection, Scenario, project

SHARES = range(0, 101, 10)
DELAYS = range(0, 13, 3)


def _rows(basis: PlanBasis, action: str, lever: Lever, p: Projection) -> tuple[list, dict]:
    key = {"action": action, "share": lever.share, "delay": lever.delay, "out": lever.left_out}
    months = [
        {**key, "month": m.isoformat(), "level": round(v, 1)}
        for m, v in zip(p.months, p.levels, strict=True)
    ]
    ret = p.value / p.cost if p.cost > 0 else None
    figures = {**key, "end": round(p.end_level), "stage": p.end_stage, "value": round(p.value)}
    return months, {**figures, "cost": round(p.cost), "ret": ret}


def grid(basis: PlanBasis) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Every one-action-at-a-time state, projected by the real functions; seconds it took."""
    began = time.perf_counter()
    months, figures = [], []
    agreed = project(basis, Scenario())
    m, f = _rows(basis, "(agreed)", Lever(), agreed)
    months += m
    figures.append(f)
    for action in map(str, basis.plan["action_id"]):
        levers = [Lever(share=s, delay=d) for s in SHARES for d in DELAYS]
        for lever in [*levers, Lever(left_out=True)]:
            p = project(basis, Scenario("x", {action: lever}))
            m, f = _rows(basis, action, lever, p)
            months += m
            figures.append(f)
    return pd.DataFrame(months), pd.DataFrame(figures), time.perf_counter() - began


def chart(basis: PlanBasis, months: pd.DataFrame, figures: pd.DataFrame) -> alt.VConcatChart:
    """The line and the figures, each filtered by the bound parameters."""
    ids = [str(a) for a in basis.plan["action_id"]]
    tasks = [f"{a}: {str(t)[:50]}" for a, t in zip(ids, basis.plan["task"], strict=True)]
    action = alt.param(
        name="action", value=ids[0], bind=alt.binding_select(options=ids, labels=tasks)
    )
    share = alt.param(name="share", value=100, bind=alt.binding_range(min=0, max=100, step=10))
    delay = alt.param(name="delay", value=0, bind=alt.binding_range(min=0, max=12, step=3))
    out = alt.param(name="out", value=False, bind=alt.binding_checkbox(name="Leave out "))
    chosen = (
        "(datum.action === '(agreed)') || (datum.action === action && "
        "(out ? datum.out : (!datum.out && datum.share === share && datum.delay === delay)))"
    )
    which = alt.Color("who:N", title=None, scale=alt.Scale(domain=["Agreed plan", "What if"]))
    line = (
        alt.Chart(months, title=f"{basis.kpi_label}, % of contracted target, per month")
        .transform_filter(chosen)
        .transform_calculate(who="datum.action === '(agreed)' ? 'Agreed plan' : 'What if'")
        .mark_line(point=True)
        .encode(x=alt.X("month:T", title=None), y=alt.Y("level:Q", title="%"), color=which)
        .add_params(action, share, delay, out)
        .properties(width=520, height=220)
    )
    text = (
        alt.Chart(figures)
        .transform_filter(chosen)
        .transform_calculate(
            who="datum.action === '(agreed)' ? 'Agreed plan' : 'What if'",
            line="datum.who + ': ' + datum.end + '% (' + datum.stage + '), value £' + "
            "format(datum.value, ',') + ', cost £' + format(datum.cost, ',') + ', return ' + "
            "(datum.ret === null ? '–' : format(datum.ret, '.1f') + ' ×')",
        )
        .mark_text(align="left", fontSize=13)
        .encode(y=alt.Y("who:N", title=None, axis=None), text="line:N")
        .properties(width=520, height=50)
    )
    return alt.vconcat(line, text)


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>What if (prototype)</title>
<script>{bundle}</script></head><body><h1>What if: one action at a time, no kernel</h1>
<div id="vis"></div><script>
vegaEmbed('#vis', {spec}, {{actions: false, renderer: 'svg'}})
  .then((r) => {{ window.view = r.view; }});
</script></body></html>"""


def write_page(spec: dict, out: Path) -> Path:
    """The prototype page: offline, one inlined Vega bundle."""
    out.mkdir(parents=True, exist_ok=True)
    page = out / "what-if-params.html"
    page.write_text(
        PAGE.format(bundle=javascript_bundle(), spec=spec_json_for_script(spec)), encoding="utf-8"
    )
    return page


TEXT = (
    "() => Array.from(document.querySelectorAll('#vis svg text')).map(t => t.textContent).join('|')"
)


def moving_action(figures: pd.DataFrame) -> str:
    """The first action whose share at 0 % changes a figure (for some, sharing absorbs it)."""
    shown = ["end", "stage", "value", "cost"]
    for action, rows in figures[figures["action"] != "(agreed)"].groupby("action", sort=False):
        ends = rows[(rows["delay"] == 0) & ~rows["out"] & rows["share"].isin([0, 100])]
        if len(ends[shown].drop_duplicates()) > 1:
            return str(action)
    raise ValueError("no action's share moves a figure")


async def measure(page: Path, action: str, changes: int = 20) -> list[float]:
    """Seconds from a slider's input event to the figures' SVG text changing, in Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        tab = await browser.new_page()
        await tab.goto(page.as_uri())
        await tab.wait_for_function("() => window.view !== undefined")
        await tab.locator("select").first.select_option(action)
        slider = tab.locator("input[type=range]").first
        times = []
        for number in range(changes):
            before = await tab.evaluate(TEXT)
            began = time.perf_counter()
            await slider.fill(str(0 if number % 2 == 0 else 100))
            await tab.wait_for_function(f"(old) => ({TEXT})() !== old", arg=before)
            times.append(time.perf_counter() - began)
        await tab.screenshot(path=str(page.with_suffix(".png")), full_page=True)
        await browser.close()
    return times


def main() -> None:
    """Build the prototype page from an engagement's published plan; optionally time it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engagement", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    basis = load_basis(load_engagement(args.engagement))
    if basis is None:
        raise SystemExit(f"{args.engagement}: no published plan")
    months, figures, seconds = grid(basis)
    alt.data_transformers.disable_max_rows()  # the demo's grid is past Altair's 5,000 rows
    spec = chart(basis, months, figures).to_dict()
    data = len(json.dumps(spec))
    page = write_page(spec, args.out)
    print(
        f"{len(figures) - 1} states ({len(basis.plan)} actions x "
        f"{len(SHARES) * len(DELAYS) + 1}), {len(months)} monthly rows, computed in "
        f"{seconds:.2f} s; spec {data / 1e3:.0f} kB; page {page.stat().st_size / 1e6:.2f} MB"
    )
    if args.measure:
        times = asyncio.run(measure(page, moving_action(figures)))
        print(
            f"slider change to updated figure in Chromium: median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"(n={len(times)}, Playwright's round trips included)"
        )


if __name__ == "__main__":
    main()
