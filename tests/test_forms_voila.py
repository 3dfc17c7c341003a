"""The step 2 form in Voila, offline: typed in a real browser, saved to the store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment.intelligence import store as step2
from assessment.workspace import prepare


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def voila_form(opinion_engagement) -> Iterator[str]:
    """Voila serving the engagement's working copy of notebook 02 (forms on)."""
    notebook = prepare(opinion_engagement.root).folder / "02_intelligence.ipynb"
    port = free_port()
    command = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser"]
    command.append("--Voila.ip=127.0.0.1")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "static/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # the server answers (a 404 is an answer)
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.browser
def test_a_note_typed_in_voila_is_saved(voila_form: str, chromium, opinion_engagement) -> None:
    from playwright.sync_api import sync_playwright

    local = "http://127.0.0.1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium)
        page = browser.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(local) else r.abort()
        )
        page.goto(voila_form, timeout=90_000)
        form = page.locator(".widget-vbox").filter(has_text="Record local knowledge").first
        form.locator("button:has-text('Save')").wait_for(timeout=90_000)
        form.locator("input[type=text]").nth(0).fill("little time")  # part of a title
        form.locator("input[type=text]").nth(1).fill("Pat Jones")
        form.locator("input[type=text]").nth(2).fill("Adviser")
        form.locator("input[type=text]").nth(3).fill("STH")  # a site's alias
        form.locator("textarea").first.fill("Typed in Voila")
        form.locator("button:has-text('Save')").click()
        form.locator(".aw-errors").wait_for(timeout=10_000)  # no date yet: a message, not a save
        assert "Date" in form.locator(".aw-errors").inner_text()
        form.locator("input[type=date]").first.fill("2026-01-20")
        form.locator("button:has-text('Save')").click()
        form.locator(".aw-ok").wait_for(timeout=10_000)
        browser.close()
    with step2.open_store(opinion_engagement) as store:
        [note] = step2.notes(store)
    assert (note.source_name, note.note, str(note.recorded_on)) == (
        "Pat Jones",
        "Typed in Voila",
        "2026-01-20",
    )
    assert (note.hypothesis_key, note.site) == ("time-with-customer:south", "south")
    assert Path(opinion_engagement.root / "work" / "02_intelligence.ipynb").is_file()
