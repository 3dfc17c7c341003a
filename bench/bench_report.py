"""The client report in Chromium: `assess serve` against plain Voila, a burst, the static file.

Three figures, each a ratio measured in this one run (absolute times vary by machine):

1. Request to a fully rendered report (every chart drawn) served by `assess serve` (pre-heated
   kernels, the served notebook replays the run's stored outputs), against plain
   `voila <run>/report.ipynb` (a cold kernel re-executing the report) on the same run.
2. Five clients opening the `assess serve` page at once: the slowest against a single visit.
3. The static report.html of the demo: its size, and its time to render every chart in Chromium
   from file://, next to a blank page's.
4. What if (``assess serve --what-if``): the time from a control's change to the updated
   figures, one client alone beside five at once each moving every control (see
   ``what_if_latency.py``), its 95th percentile against the 250 ms target, and the kernel's own
   share of it.

Every host but 127.0.0.1 is blocked in the browser (the report must work offline).

    .venv/bin/python bench/bench_report.py [--pool-size N] [--repeat N] [--only-what-if]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
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

import what_if_latency as what_if
from playwright.async_api import async_playwright

from assessment.run_folder import REPORT_NOTEBOOK, executed_notebook
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


def _kernels(server: subprocess.Popen) -> dict[int, int]:
    """The server's kernel processes (pid -> CPU ticks used), read from /proc."""
    parents, ticks, kernels = {}, {}, []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
        if b"ipykernel" in cmdline:
            kernels.append(pid)
    found = {}
    for pid in kernels:
        parent = parents.get(pid)
        while parent and parent != server.pid:
            parent = parents.get(parent)
        if parent == server.pid:
            found[pid] = ticks[pid]
    return found


def wait_pool_filled(server: subprocess.Popen, count: int, timeout: float = 180) -> None:
    """Until the server holds ``count`` kernels and they are idle (pre-heated: 2 s without CPU).

    ``assess serve`` logs at WARN, so Voila's "pool is filled" line is not there to wait for.
    """
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        kernels = _kernels(server)
        if last != kernels:
            last, since = kernels, time.monotonic()
        elif len(kernels) >= count and time.monotonic() - since >= 2:
            return
        time.sleep(0.25)
    raise RuntimeError(f"kernel pool never filled: {len(last or {})} kernels of {count}")


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


async def what_if_latency(
    browser, args: argparse.Namespace, run: Path, work: Path
) -> tuple[list[float], list[float], list[float]]:
    """Change-to-update times of one client alone, then of five at once (each its own kernel).

    Also the kernel's own share (projection and table, timed in this process).
    """
    basis, fmt = what_if.basis_of(run.parent.parent)
    found = what_if.moves(basis, fmt)
    port, token = free_port(), secrets.token_urlsafe(16)
    log = work / "what-if.log"
    server = start(
        [
            str(BIN / "assess"),
            "serve",
            str(run),
            "--what-if",
            f"--port={port}",
            f"--token={token}",
            f"--pool-size={args.clients}",
            f"--max-kernels={2 * args.clients + 2}",  # the pool refills while five are open
        ],
        log,
    )
    try:
        wait_listening(f"http://127.0.0.1:{port}/voila/static/voila.js", server)
        wait_pool_filled(server, args.clients)
        url = f"http://127.0.0.1:{port}/?token={token}"
        single = await what_if.client(browser, url, found, args.changes, only_local, 0)
        print(f"what if: 1 client done ({what_if.summary(single)})", file=sys.stderr)
        time.sleep(args.refill_delay + 6)  # its kernel released (5 s grace) and replaced
        wait_pool_filled(server, args.clients)
        many = await asyncio.gather(
            *[
                what_if.client(browser, url, found, args.changes, only_local, seed)
                for seed in range(1, args.clients + 1)
            ]
        )
    finally:
        stop(server)
    kernel = what_if.kernel_times(basis, found, fmt, 3)
    print(f"what if: {len(found)} controls that move a figure: {', '.join(m.name for m in found)}")
    return single, [t for client in many for t in client], kernel


def print_what_if(args: argparse.Namespace, single, many, kernel) -> None:
    """The what-if figures: one client beside five at once, and the kernel's own share."""
    print(f"what if, change to updated figures (target p95 < 250 ms, {args.clients} at once):")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"  machine load average now (1, 5, 15 min; 2 cores): {load}")
    print(f"  1 client alone:            {what_if.summary(single)}")
    print(f"  {args.clients} clients at once:       {what_if.summary(many)}")
    ratio = what_if.p95(many) / what_if.p95(single)
    print(f"  ratio p95 {args.clients} clients / 1 client = {ratio:.2f}")
    print(f"  kernel compute per change: {what_if.summary(kernel)} (projection + table)")


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
                # the executed report sits in the run's working papers since the client-safe split
                str(executed_notebook(run, REPORT_NOTEBOOK)),
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
            wait_pool_filled(ours, args.pool_size)
            url = f"http://127.0.0.1:{port}/?token={token}"
            single = []
            for _ in range(args.repeat):
                single.append(await visit(browser, url, expected, True))
                time.sleep(args.refill_delay + 6)  # its kernel released (5 s grace)
                wait_pool_filled(ours, args.pool_size)  # and replaced before the next visit
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
        # the first three figures printed before the fourth is measured: a failure there
        # (five pages at once on a loaded machine) no longer loses them
        report(args, expected, cold, single, burst, (http_single, http_many))
        print_static(args, report_html, static_times, blank_times, static_burst)
        found = await what_if_latency(browser, args, run, work)
        await browser.close()
    print_what_if(args, *found)


def print_static(args, report_html: Path, static_times, blank_times, static_burst) -> None:
    """The static file's size and render times, and the five-browser control."""
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
        f"interactive {slowest_static:.2f} s = "
        f"{slowest_static / single_static:.2f}x a single visit",
        flush=True,
    )


async def only_what_if(args: argparse.Namespace, run: Path, work: Path) -> None:
    """The fourth figure alone (``--only-what-if``)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**CHROMIUM)
        found = await what_if_latency(browser, args, run, work)
        await browser.close()
    print_what_if(args, *found)


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
    parser.add_argument("--changes", type=int, default=4, help="changes of each control per client")
    parser.add_argument(
        "--only-what-if", action="store_true", help="measure only the What if controls"
    )
    parser.add_argument(
        "--run", type=Path, help="an existing run of the demo (default: run a fresh copy)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aw-bench-report-") as tmp:
        work = Path(tmp)
        if args.run:
            run = args.run.resolve()
        else:
            engagement = work / "northshore"
            shutil.copytree(
                ROOT / "data" / "demo" / "northshore",
                engagement,
                ignore=shutil.ignore_patterns("runs", "*.sqlite*"),
            )
            run = run_engagement(engagement).folder
        what = only_what_if(args, run, work) if args.only_what_if else measure(args, run, work)
        try:
            asyncio.run(what)
        except RuntimeError:
            for log in work.glob("*.log"):  # the server's own words on why
                print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
            raise


if __name__ == "__main__":
    main()
