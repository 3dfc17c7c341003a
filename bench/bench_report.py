"""The client report in Chromium: `assess serve` against plain Voila, a burst, the static file.

Three figures, each a ratio measured in this one run (absolute times vary by machine):

1. Request to a fully rendered report (every chart drawn) served by `assess serve` (pre-heated
   kernels, the served notebook replays the run's stored outputs), against plain
   `voila <run>/report.ipynb` (a cold kernel re-executing the report) on the same run.
2. Five clients opening the `assess serve` page at once: the slowest against a single visit.
3. The static report.html of the demo: its size, and its time to render every chart in Chromium
   from file://, next to a blank page's.
4. What if: five clients at once each flip one control of the served "What if" section (leave
   the first action out, then back in); the time from the change to the updated contract figure,
   its 95th percentile against the 250 ms target.

Every host but 127.0.0.1 is blocked in the browser (the report must work offline).

    .venv/bin/python bench/bench_report.py [--pool-size N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from playwright.async_api import async_playwright

from assessment.runner import run_engagement
from assessment.serve import DEFAULT_POOL_SIZE, DEFAULT_REFILL_DELAY

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ],
}
DRAWN = """([expected, interactive]) => {
  const figures = Array.from(document.querySelectorAll('figure.aw-chart'));
  return figures.length >= expected && figures.every((f) => interactive
    ? f.getAttribute('data-aw-rendered') === 'interactive' && f.querySelector('.aw-chart-view svg')
    : f.querySelector('svg') !== null);
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def start(command: list[str], log: Path) -> subprocess.Popen:
    with log.open("w") as sink:
        return subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_pool_filled(log: Path, times: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while log.read_text().count("is filled with") < times:
        if time.monotonic() > deadline:
            raise RuntimeError("kernel pool never filled")
        time.sleep(0.2)


async def only_local(route) -> None:
    url = urlparse(route.request.url)
    if url.scheme in ("file", "data", "about") or url.hostname == "127.0.0.1":
        await route.continue_()
    else:
        await route.abort()


async def visit(browser, url: str, expected: int, interactive: bool) -> tuple[float, float]:
    """Seconds from the request to every chart drawn (an SVG in each), then to all interactive.

    In a fresh browser context. Plain Voila never upgrades charts: its second figure is NaN.
    """
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.route("**/*", only_local)
    began = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.wait_for_function(DRAWN, arg=[expected, False], timeout=120_000)
    drawn = time.perf_counter() - began
    upgraded = math.nan
    if interactive:
        await page.wait_for_function(DRAWN, arg=[expected, True], timeout=120_000)
        upgraded = time.perf_counter() - began
    await context.close()
    return drawn, upgraded


WHAT_IF_FIGURE = "table.aw-what-if tbody tr:first-child td.aw-projected"


async def control_changes(browser, url: str, changes: int) -> list[float]:
    """Seconds from each change of one control to the projected contract figure updating."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.route("**/*", only_local)
    await page.goto(url)
    await page.wait_for_selector(WHAT_IF_FIGURE, timeout=120_000)
    box = page.locator(".widget-checkbox input[type=checkbox]").first
    times = []
    for number in range(changes):
        before = await page.inner_text(WHAT_IF_FIGURE)
        began = time.perf_counter()
        await (box.check() if number % 2 == 0 else box.uncheck())
        await page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).innerText !== old",
            arg=[WHAT_IF_FIGURE, before],
            timeout=30_000,
        )
        times.append(time.perf_counter() - began)
    await context.close()
    return times


async def what_if_latency(browser, args: argparse.Namespace, run: Path, work: Path) -> list[float]:
    """Every client's change-to-update times, five clients at once, each with its own kernel."""
    port, token = free_port(), secrets.token_urlsafe(16)
    server = start(
        [
            str(BIN / "assess"),
            "serve",
            str(run),
            f"--port={port}",
            f"--token={token}",
            f"--pool-size={args.clients}",
            f"--max-kernels={args.clients + 2}",
        ],
        work / "what-if.log",
    )
    try:
        wait_listening(f"http://127.0.0.1:{port}/voila/static/voila.js", server)
        wait_pool_filled(work / "what-if.log", 1)
        url = f"http://127.0.0.1:{port}/?token={token}"
        found = await asyncio.gather(
            *[control_changes(browser, url, args.changes) for _ in range(args.clients)]
        )
    finally:
        stop(server)
    return [t for client in found for t in client]


def p95(values: list[float]) -> float:
    """The 95th percentile (inclusive method)."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def http_get(url: str) -> float:
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return time.perf_counter() - began


def http_burst(url: str, clients: int) -> list[float]:
    """The server's side alone: the whole page delivered to N clients at once."""
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(http_get, [url] * clients))


async def measure(args: argparse.Namespace, run: Path, work: Path) -> None:
    report_html = run / "report.html"
    expected = report_html.read_text(encoding="utf-8").count('class="aw-chart"')
    token = secrets.token_urlsafe(16)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**CHROMIUM)
        await visit(browser, report_html.as_uri(), expected, True)  # warm the browser itself

        # plain Voila, cold kernel, re-executing the papermill copy of the report
        port = free_port()
        plain = start(
            [
                str(BIN / "voila"),
                str(run / "report.ipynb"),
                f"--port={port}",
                "--no-browser",
                "--Voila.ip=127.0.0.1",
                f"--token={token}",
            ],
            work / "plain.log",
        )
        try:
            wait_listening(f"http://127.0.0.1:{port}/voila/static/voila.js", plain)
            url = f"http://127.0.0.1:{port}/?token={token}"
            cold = [await visit(browser, url, expected, False) for _ in range(args.repeat)]
        finally:
            stop(plain)

        # assess serve, pre-heated
        port = free_port()
        log = work / "serve.log"
        ours = start(
            [
                str(BIN / "assess"),
                "serve",
                str(run),
                f"--port={port}",
                f"--token={token}",
                f"--pool-size={args.pool_size}",
                f"--refill-delay={args.refill_delay}",
            ],
            log,
        )
        try:
            wait_listening(f"http://127.0.0.1:{port}/voila/static/voila.js", ours)
            wait_pool_filled(log, 1)
            url = f"http://127.0.0.1:{port}/?token={token}"
            single = []
            for number in range(args.repeat):
                single.append(await visit(browser, url, expected, True))
                wait_pool_filled(log, number + 2)  # refilled before the next visit
                time.sleep(1)
            burst = await asyncio.gather(
                *[visit(browser, url, expected, True) for _ in range(args.clients)]
            )
            settle = args.refill_delay + 10  # every used kernel replaced, the server idle
            time.sleep(settle)
            http_single = http_get(url)
            time.sleep(settle)
            http_many = http_burst(url, args.clients)
        finally:
            stop(ours)

        blank = work / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title><p>blank</p>")
        blank_times, static_times = [], []
        for _ in range(args.repeat):
            context = await browser.new_context()
            page = await context.new_page()
            began = time.perf_counter()
            await page.goto(blank.as_uri(), wait_until="load")
            blank_times.append(time.perf_counter() - began)
            await context.close()
            static_times.append(await visit(browser, report_html.as_uri(), expected, True))
        # control: the same burst on the static file, which involves no server at all
        static_burst = await asyncio.gather(
            *[visit(browser, report_html.as_uri(), expected, True) for _ in range(args.clients)]
        )
        changes = await what_if_latency(browser, args, run, work)
        await browser.close()

    report(args, expected, cold, single, burst, (http_single, http_many))
    print(
        f"what if: {args.clients} clients at once, {len(changes)} control changes: change to "
        f"updated figure median {statistics.median(changes) * 1000:.0f} ms, p95 "
        f"{p95(changes) * 1000:.0f} ms (target < 250 ms)"
    )
    size = report_html.stat().st_size
    print(f"static report.html: {size / 1e6:.2f} MB (target < 2 MB)")
    print(
        f"  render in Chromium from file://: every chart drawn "
        f"{statistics.median(t[0] for t in static_times):.2f} s, all interactive "
        f"{statistics.median(t[1] for t in static_times):.2f} s; blank page: "
        f"{statistics.median(blank_times):.3f} s"
    )
    single_static = statistics.median(t[1] for t in static_times)
    slowest_static = max(t[1] for t in static_burst)
    print(
        f"control: {args.clients} browsers opening the static file at once (no server): slowest "
        f"interactive {slowest_static:.2f} s = {slowest_static / single_static:.2f}x a single visit"
    )


def _times(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def report(args, expected, cold, single, burst, http) -> None:
    cold_drawn = statistics.median(t[0] for t in cold)
    drawn = statistics.median(t[0] for t in single)
    interactive = statistics.median(t[1] for t in single)
    print(f"charts per report: {expected}")
    print(
        f"plain voila (cold kernel), request to every chart drawn: {cold_drawn:.2f} s "
        f"(runs: {_times([t[0] for t in cold])}; its charts stay static)"
    )
    print(
        f"assess serve (pool {args.pool_size}, refill after {args.refill_delay:g} s): every "
        f"chart drawn {drawn:.2f} s, all interactive {interactive:.2f} s "
        f"(runs: {_times([t[1] for t in single])})"
    )
    print(
        f"  ratio: plain voila / assess serve = {cold_drawn / drawn:.1f}x (charts drawn), "
        f"{cold_drawn / interactive:.1f}x (charts interactive); target >= 4x"
    )
    slow_drawn = max(t[0] for t in burst)
    slow_interactive = max(t[1] for t in burst)
    print(
        f"{args.clients} clients at once (5 browser contexts on this machine): slowest drawn "
        f"{slow_drawn:.2f} s, slowest interactive {slow_interactive:.2f} s "
        f"(all interactive: {_times(sorted(t[1] for t in burst))})"
    )
    print(
        f"  ratio: slowest / single visit = {slow_drawn / drawn:.2f} (drawn), "
        f"{slow_interactive / interactive:.2f} (interactive); target <= 2"
    )
    http_single, http_many = http
    print(
        f"  server side alone: whole page to 1 client {http_single:.3f} s, to "
        f"{args.clients} at once slowest {max(http_many):.3f} s "
        f"(ratio {max(http_many) / http_single:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE)
    parser.add_argument("--refill-delay", type=float, default=DEFAULT_REFILL_DELAY)
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--changes", type=int, default=10, help="control changes per client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aw-bench-report-") as tmp:
        work = Path(tmp)
        engagement = work / "northshore"
        shutil.copytree(
            ROOT / "data" / "demo" / "northshore",
            engagement,
            ignore=shutil.ignore_patterns("runs", "*.sqlite*"),
        )
        run = run_engagement(engagement).folder
        asyncio.run(measure(args, run, work))


if __name__ == "__main__":
    main()
