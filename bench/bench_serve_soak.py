"""Soak of `assess serve`: many views, bursts, and what the server holds afterwards.

200 sequential views of the demo report, then 5 bursts of 10 views at once, all over loopback
(the server's side: the whole page delivered, no browser). Printed, each against its target:

- errors: views that were not a 200 carrying the report (target 0);
- most kernels alive at once, sampled after every view and during bursts (target <= the bound,
  ``--max-kernels``, default pool + 2);
- memory (RSS) of the serving process tree after the last view against after the tenth (target
  <= 1.3x): a kernel kept per view grows it by about 53 MB a view;
- the slowest view of a burst against a single view (the median of the last 20 sequential
  views), for the worst of the 5 bursts (target <= 2x).

Absolute times vary with the machine and its load; the ratios are what to compare.

    .venv/bin/python bench/bench_serve_soak.py [--run RUN_FOLDER] [--pool-size N]
        [--max-kernels N] [--views 200] [--bursts 5] [--burst-size 10]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "soak-bench-token"
CLIENT = "Northshore Employment Services"


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


def view(port: int) -> tuple[float, bool]:
    """One view: seconds to the whole page, and whether it was the report."""
    began = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        # as a browser asks: a compressed page if the server has one
        connection.request("GET", f"/?token={TOKEN}", headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        seconds = time.perf_counter() - began
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)  # checked after the clock stopped, as a browser's own work
        body = raw.decode("utf-8", "replace")
        good = response.status == 200 and CLIENT in body and "</html>" in body
    except OSError:
        return time.perf_counter() - began, False
    return seconds, good


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
    command += ["--token", TOKEN, "--pool-size", str(args.pool_size)]
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


def main() -> None:
    from assessment.serve import DEFAULT_POOL_SIZE, EXTRA_KERNELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a succeeded run folder (default: run the demo)")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE)
    parser.add_argument("--max-kernels", type=int)
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-size", type=int, default=10)
    args = parser.parse_args()
    bound = args.max_kernels if args.max_kernels is not None else args.pool_size + EXTRA_KERNELS

    work = Path(tempfile.mkdtemp(prefix="aw-soak-"))
    process = None
    try:
        run = args.run or demo_run(work)
        port = free_port()
        process = start(run, port, args, work / "serve.log")
        time.sleep(3)  # let the pool fill, as a server does before its first client
        errors, most, sequential = 0, kernels(process.pid), []
        memory_after_tenth = 0.0
        for number in range(1, args.views + 1):  # bounded: args.views
            seconds, good = view(port)
            errors += not good
            sequential.append(seconds)
            most = max(most, kernels(process.pid))
            if number == 10:
                memory_after_tenth = rss_mb(process.pid)
        single = statistics.median(sequential[-20:])
        slowest_bursts = []
        with ThreadPoolExecutor(max_workers=args.burst_size) as pool:
            for _ in range(args.bursts):  # bounded: args.bursts
                futures = [pool.submit(view, port) for _ in range(args.burst_size)]
                while not all(f.done() for f in futures):
                    most = max(most, kernels(process.pid))
                    time.sleep(0.05)
                results = [f.result() for f in futures]
                errors += sum(not good for _, good in results)
                slowest_bursts.append(max(seconds for seconds, _ in results))
                most = max(most, kernels(process.pid))
                time.sleep(1)
        memory_last = rss_mb(process.pid)
        total = args.views + args.bursts * args.burst_size
        memory_ratio = memory_last / memory_after_tenth
        burst_ratio = max(slowest_bursts) / single
        print(
            f"assess serve soak: {args.views} sequential views, {args.bursts} bursts of "
            f"{args.burst_size} (pool {args.pool_size}, --max-kernels {bound})"
        )
        print(f"  errors: {errors} of {total} views (target 0)")
        print(f"  most kernels alive: {most} (target <= {bound})")
        print(
            f"  serving tree memory: {memory_after_tenth:.0f} MB after the 10th view, "
            f"{memory_last:.0f} MB after the last: {memory_ratio:.2f}x (target <= 1.3x)"
        )
        print(
            f"  single view (median of the last 20 sequential): {single * 1000:.0f} ms; slowest "
            f"of each burst: {', '.join(f'{s * 1000:.0f}' for s in slowest_bursts)} ms; worst "
            f"burst / single: {burst_ratio:.2f}x (target <= 2x)"
        )
        first, median = sequential[0] * 1000, statistics.median(sequential) * 1000
        print(
            f"  sequential views: first {first:.0f} ms, median {median:.0f} ms, "
            f"slowest {max(sequential) * 1000:.0f} ms"
        )
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
