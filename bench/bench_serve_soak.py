"""Soak of `assess serve`: many views, bursts, and what the server holds afterwards.

200 sequential views of the demo report, then 5 bursts of 10 views at once, all over loopback
(the server's side: the whole page delivered, no browser). Printed, each against its target:

- errors: views that were not a 200 carrying the report (target 0);
- most kernels alive at once, sampled after every view and during bursts (target <= the bound,
  ``--max-kernels``, default pool + 2);
- memory (RSS) of the serving process tree after the last view against after the tenth (target
  <= 1.3x): a kernel kept per view grows it by about 53 MB a view;
- the slowest view of a burst against a single view (the median of 40 sequential views), for the
  worst of the 5 bursts (target <= 2x).

A view is timed as a client feels it: from opening the connection to the page's last byte, the
page as sent (gzip, as a browser asks for it; checked and unpacked only after the clock stopped).
The 10 clients of a burst are 10 processes released together by a barrier (not threads sharing
one interpreter lock, whose waits would be counted as the server's). Beside ours, in the same
run and interleaved with it, the same bytes from two plain static file servers: Tornado's
``StaticFileHandler`` (the library under Voila) and ``python -m http.server``. What no server can
beat on this machine shows there: ten whole pages sent at once by one process on two shared
cores take about ten times one page.

Absolute times vary with the machine and its load; the ratios are what to compare.

    .venv/bin/python bench/bench_serve_soak.py [--run RUN_FOLDER] [--pool-size N]
        [--max-kernels N] [--views 200] [--bursts 5] [--burst-size 10]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import multiprocessing
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "soak-bench-token"
CLIENT = "Northshore Employment Services"
STATIC_TORNADO = """
import sys, tornado.ioloop, tornado.web
app = tornado.web.Application([(r"/(.*)", tornado.web.StaticFileHandler, {"path": sys.argv[2]})])
app.listen(int(sys.argv[1]), "127.0.0.1")
tornado.ioloop.IOLoop.current().start()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of the process tree, in MB."""
    total = 0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def kernels(pid: int) -> int:
    """Kernel processes in the tree."""
    count = 0
    for member in tree(pid)[1:]:
        try:
            if b"ipykernel" in Path(f"/proc/{member}/cmdline").read_bytes():
                count += 1
        except OSError:
            continue
    return count


@dataclass(frozen=True)
class Target:
    """A server to view: its port and the path of the page."""

    name: str
    port: int
    path: str


@dataclass(frozen=True)
class View:
    """One view as the client got it: seconds to the last byte, and the bytes as sent."""

    seconds: float
    status: int
    body: bytes = b""
    encoding: str = ""
    etag: str = ""


def fetch(target: Target, etag: str = "") -> View:
    """One view: the clock runs from opening the connection to the last byte of the page."""
    headers = {"Accept-Encoding": "gzip"}  # as a browser asks: compressed if the server can
    if etag:
        headers["If-None-Match"] = etag  # a reload of a page the browser holds
    began = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=120)
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - began
        connection.close()
    except OSError:
        return View(time.perf_counter() - began, 0)
    encoding = response.getheader("Content-Encoding") or ""
    return View(seconds, response.status, body, encoding, response.getheader("ETag") or "")


def is_report(view: View) -> bool:
    """Whether a view delivered the report (unpacked here, after its clock stopped)."""
    if view.status == 304:
        return True
    # a static server sends the .gz file as it is, without saying it is compressed
    packed = view.encoding == "gzip" or view.body[:2] == b"\x1f\x8b"
    raw = gzip.decompress(view.body) if packed else view.body
    text = raw.decode("utf-8", "replace")
    return view.status == 200 and CLIENT in text and "</html>" in text


_BARRIERS: tuple[Any, Any] | None = None


def _init_client(barriers: tuple[Any, Any]) -> None:
    global _BARRIERS
    _BARRIERS = barriers


def _client_view(job: tuple[Target, str]) -> tuple[float, bool, str]:
    """A burst's client (its own process): starts with the others, checks after all finished.

    Returns:
        Seconds to the page's last byte, whether it was the report, its ETag.
    """
    assert _BARRIERS is not None
    began, finished = _BARRIERS
    began.wait(timeout=120)
    view = fetch(*job)
    finished.wait(timeout=120)  # unpacking and checking must not slow a client still reading
    return view.seconds, is_report(view), view.etag


def burst(
    pool: Pool, size: int, target: Target, watch: int | None, etag: str = ""
) -> tuple[list[tuple[float, bool, str]], int]:
    """``size`` simultaneous views by ``size`` client processes.

    Returns:
        Each view (seconds, good, ETag), and the most kernels seen under ``watch`` meanwhile.
    """
    pending = pool.map_async(_client_view, [(target, etag)] * size, chunksize=1)
    most = 0
    while not pending.ready():
        if watch is not None:
            most = max(most, kernels(watch))
        time.sleep(0.05)
    return pending.get(), most


def demo_run(work: Path) -> Path:
    """A fresh run of the demo engagement (copied, without its runs or store)."""
    from assessment.runner import run_engagement

    folder = work / "northshore"
    shutil.copytree(
        ROOT / "data" / "demo" / "northshore",
        folder,
        ignore=shutil.ignore_patterns("runs", "*.sqlite*", "backups"),
    )
    return run_engagement(folder).folder


def start(run: Path, port: int, args: argparse.Namespace, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "assessment.cli", "serve", str(run), "--port", str(port)]
    command += ["--token", TOKEN, "--pool-size", str(args.pool_size)]  # as resolved in main
    if args.max_kernels is not None:
        command += ["--max-kernels", str(args.max_kernels)]
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"assess serve exited:\n{log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/voila/static/voila.js")
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("assess serve did not listen within 120 s")


def settle(pid: int, target: Target, pool_size: int) -> tuple[View, float]:
    """The first view, then wait as a server waits for its clients: the pool full again.

    The server renders its page once by itself on start; the pool refills the kernel that took
    ``DEFAULT_REFILL_DELAY`` later, which holds the server's event loop for a moment: that is
    start-up, not serving, so the soak begins after it.

    Returns:
        The first view, and seconds from then until the server had settled.
    """
    from assessment.serve import DEFAULT_REFILL_DELAY

    time.sleep(3)
    first = fetch(target)
    began = time.monotonic()
    time.sleep(DEFAULT_REFILL_DELAY + 3)
    while kernels(pid) < pool_size and time.monotonic() - began < 120:
        time.sleep(0.5)
    return first, time.monotonic() - began + 3 + first.seconds


def start_static(kind: str, folder: Path, port: int) -> subprocess.Popen:
    """A plain static file server over ``folder`` (``tornado`` or ``http.server``)."""
    if kind == "tornado":
        command = [sys.executable, "-c", STATIC_TORNADO, str(port), str(folder)]
    else:
        command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        command += ["--directory", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if fetch(Target(kind, port, "/page.html.gz")).status == 200:
            return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the {kind} static server did not listen within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


@dataclass
class Soak:
    """What the soak saw of our server (``pid``) and the baselines, phase by phase."""

    args: argparse.Namespace
    pid: int
    ours: Target
    targets: list[Target] = field(default_factory=list)
    errors: int = 0
    static_errors: int = 0
    most_kernels: int = 0
    memory_after_tenth: float = 0.0
    memory_last: float = 0.0
    sequential: list[View] = field(default_factory=list)
    singles: dict[str, list[float]] = field(default_factory=dict)
    slowest: dict[str, list[float]] = field(default_factory=dict)

    def sequential_views(self) -> View:
        """``--views`` views one after the other; returns the page as a client got it."""
        for number in range(1, self.args.views + 1):  # bounded: args.views
            view = fetch(self.ours)
            self.errors += not is_report(view)
            self.sequential.append(view)
            self.most_kernels = max(self.most_kernels, kernels(self.pid))
            if number == 10:
                self.memory_after_tenth = rss_mb(self.pid)
        return next((v for v in reversed(self.sequential) if v.encoding == "gzip"), view)

    def single_views(self, etag: str) -> None:
        """40 single views of each server, in turn; 20 reloads of ours (``If-None-Match``)."""
        self.singles = {target.name: [] for target in self.targets}
        for _ in range(40):
            for target in self.targets:
                view = fetch(target)
                self.errors += target is self.ours and not is_report(view)
                self.singles[target.name].append(view.seconds)
        if etag:
            reloads = [fetch(self.ours, etag) for _ in range(20)]
            self.errors += sum(view.status != 304 for view in reloads)
            self.singles["reload"] = [view.seconds for view in reloads]

    def bursts(self, etag: str) -> None:
        """``--bursts`` rounds: a burst against each server in turn, then a burst of reloads."""
        size = self.args.burst_size
        self.slowest = {name: [] for name in self.singles}
        context = multiprocessing.get_context("fork")
        barriers = (context.Barrier(size), context.Barrier(size))
        with context.Pool(size, _init_client, (barriers,)) as pool:
            for _ in range(self.args.bursts):  # bounded: args.bursts
                rounds = [(target.name, target, "") for target in self.targets]
                rounds += [("reload", self.ours, etag)] if etag else []
                for name, target, validator in rounds:  # interleaved: the load hits all alike
                    ours = target is self.ours
                    views, seen = burst(pool, size, target, self.pid if ours else None, validator)
                    self.most_kernels = max(self.most_kernels, seen, kernels(self.pid))
                    bad = sum(not good for _, good, _ in views)
                    self.errors += bad if ours else 0
                    self.static_errors += 0 if ours else bad
                    self.slowest[name].append(max(seconds for seconds, _, _ in views))
                    time.sleep(0.5)
        self.memory_last = rss_mb(self.pid)

    def print_bursts(self) -> None:
        """Each server's single view, its bursts' slowest views, and the ratios."""
        for name, worst in self.slowest.items():
            single = statistics.median(self.singles[name])
            label = {"reload": "assess serve, reload (304)"}.get(name, name)
            note = " (target <= 2x)" if name == self.ours.name else ""
            print(
                f"  {label:<27} single view {ms(single):>3} ms; slowest of each burst "
                f"{', '.join(ms(s) for s in worst)} ms; worst burst / single "
                f"{max(worst) / single:.1f}x{note}, median burst / single "
                f"{statistics.median(worst) / single:.1f}x"
            )
        ours, static = self.slowest[self.ours.name], self.slowest["tornado"]
        print(
            "  assess serve against the static server, same bytes, same run: worst burst "
            f"{max(ours) / max(static):.1f}x, median burst "
            f"{statistics.median(ours) / statistics.median(static):.1f}x"
        )


def main() -> None:
    from assessment.serve import EXTRA_KERNELS, default_pool_size

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a succeeded run folder (default: run the demo)")
    parser.add_argument("--pool-size", type=int, help="default: assess serve's (1)")
    parser.add_argument("--max-kernels", type=int)
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-size", type=int, default=10)
    args = parser.parse_args()
    if args.pool_size is None:
        args.pool_size = default_pool_size(what_if=False)
    bound = args.max_kernels if args.max_kernels is not None else args.pool_size + EXTRA_KERNELS

    work = Path(tempfile.mkdtemp(prefix="aw-soak-"))
    servers: list[subprocess.Popen] = []
    try:
        run = args.run or demo_run(work)
        port = free_port()
        servers.append(start(run, port, args, work / "serve.log"))
        soak = Soak(args, servers[0].pid, Target("assess serve", port, f"/?token={TOKEN}"))
        first, settled = settle(soak.pid, soak.ours, args.pool_size)
        soak.errors, soak.most_kernels = int(not is_report(first)), kernels(soak.pid)
        page = soak.sequential_views()
        # the same bytes a client got, from plain static file servers, in the same run
        folder = work / "static"
        folder.mkdir()
        (folder / "page.html.gz").write_bytes(page.body)
        soak.targets = [soak.ours]
        for kind in ("tornado", "http.server"):
            static_port = free_port()
            servers.append(start_static(kind, folder, static_port))
            soak.targets.append(Target(kind, static_port, "/page.html.gz"))
        soak.single_views(page.etag)
        soak.bursts(page.etag)

        report(args, bound, soak)
        print(f"  page as sent: {len(page.body) / 1024:.0f} KB ({page.encoding or 'identity'})")
        soak.print_bursts()
        times = [view.seconds for view in soak.sequential]
        print(
            f"  first view {ms(first.seconds)} ms ({settled:.0f} s after the server listened); "
            f"sequential views: median {ms(statistics.median(times))} ms, slowest "
            f"{ms(max(times))} ms"
        )
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, bound: int, soak: Soak) -> None:
    """Print the targets of the soak."""
    print(
        f"assess serve soak: {args.views} sequential views, {args.bursts} bursts of "
        f"{args.burst_size} (pool {args.pool_size}, --max-kernels {bound}); the clients of a "
        "burst are processes; times to the page's last byte"
    )
    print(f"  errors: {soak.errors} (target 0); the static servers' errors: {soak.static_errors}")
    print(f"  most kernels alive: {soak.most_kernels} (target <= {bound})")
    print(
        f"  serving tree memory: {soak.memory_after_tenth:.0f} MB after the 10th view, "
        f"{soak.memory_last:.0f} MB after the last: "
        f"{soak.memory_last / soak.memory_after_tenth:.2f}x (target <= 1.3x)"
    )


if __name__ == "__main__":
    main()
