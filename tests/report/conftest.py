"""Fixtures of the client report tests: one demo run, and one `assess serve` of it.

The demo engagement is run once per session on a copy (through `assess run`'s code path); the
Voila server is started once for the browser and security tests, on a free port of 127.0.0.1, and
stopped by its PID (its own shutdown stops the kernels it started).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment.runner import RunResult, run_engagement

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
CLIENT = "Northshore Employment Services"


@pytest.fixture(scope="session")
def demo_report_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The demo engagement run once, beside a second engagement that must stay unreachable."""
    folder = tmp_path_factory.mktemp("engagements")
    for name in ("northshore", "eastfield"):
        shutil.copytree(
            DEMO / name, folder / name, ignore=shutil.ignore_patterns("runs", "*.sqlite*")
        )
    return run_engagement(folder / "northshore")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where browser tests write screenshots for a person to look at (gitignored)."""
    folder = Path(os.environ.get("AW_TEST_OUTPUT", ROOT / "test-output")) / "report"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A running `assess serve`."""

    base: str
    token: str
    run: RunResult
    log: Path

    def url(self, path: str = "/", *, token: bool = True) -> str:
        joiner = "&" if "?" in path else "?"
        return f"{self.base}{path}{joiner}token={self.token}" if token else f"{self.base}{path}"


def _wait_until_listening(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"assess serve exited early:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError(f"assess serve did not listen within 60 s:\n{log.read_text()[-3000:]}")


def _serve(
    demo_report_run: RunResult, tmp_path_factory: pytest.TempPathFactory, *extra: str
) -> Iterator[Served]:
    """`assess serve` of the demo run, with a token the tests know, stopped by PID at the end."""
    port, token = free_port(), secrets.token_urlsafe(16)
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [
        sys.executable,
        "-m",
        "assessment.cli",
        "serve",
        str(demo_report_run.folder.parent.parent),
        "--port",
        str(port),
        f"--token={token}",  # one word: a token may begin with "-" (token_urlsafe)
        "--pool-size",
        "2",
        "--refill-delay",  # several pages are opened one after the other: refill at once
        "0.2",
        *extra,
    ]
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(base, process, log)
        yield Served(base, token, demo_report_run, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def served(
    demo_report_run: RunResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`assess serve` of the demo run: the stored report, no live widgets."""
    yield from _serve(demo_report_run, tmp_path_factory)


@pytest.fixture(scope="session")
def served_what_if(
    demo_report_run: RunResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`assess serve --what-if` of the demo run: the live What if controls."""
    yield from _serve(demo_report_run, tmp_path_factory, "--what-if")
