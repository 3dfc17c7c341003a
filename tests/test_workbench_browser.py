"""The consultant's workbench in real JupyterLab, driven by headless Chromium.

The demo engagement is copied, step 1 stored, and ``assess open``'s working copies and JupyterLab
settings made (:func:`assessment.workspace.configure_lab`); JupyterLab is started as ``assess
open`` starts it, on a free port of 127.0.0.1 with a token. For each of notebooks 02-05: run all
cells, fill the main form as a consultant would (sites typed by alias, references picked by
name), save, see the entry listed, run all cells again and see it still listed; an empty Save
answers in plain words next to the fields. Screenshots go to test-output/workbench/.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment import data_analysis as step1
from assessment.engagement import load_engagement
from assessment.workspace import configure_lab, prepare

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
LOCAL = "http://127.0.0.1"

ALL_CELLS_RUN = """() => {
  const prompts = Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent));
}"""


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab on an engagement's working copies."""

    base: str
    token: str
    folder: Path
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def output_dir() -> Path:
    folder = Path(os.environ.get("AW_TEST_OUTPUT", ROOT / "test-output")) / "workbench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab as ``assess open`` starts it, on a copy of the demo with step 1 stored."""
    folder = tmp_path_factory.mktemp("workbench") / "northshore"
    shutil.copytree(
        ROOT / "data" / "demo" / "northshore",
        folder,
        ignore=shutil.ignore_patterns("runs", "work", "*.sqlite*"),
    )
    engagement = load_engagement(folder)
    step1.save(engagement, step1.analyse(engagement, step1.read_inputs(engagement)))
    setup = configure_lab(prepare(folder).folder)
    port, token = _free_port(), secrets.token_hex(16)
    log = folder / "lab.log"
    extra = ("--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        extra += ("--allow-root",)
    with log.open("wb") as sink:
        server = subprocess.Popen(
            setup.command(*extra, f"--IdentityProvider.token={token}"),
            env={**os.environ, **setup.environment},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"{LOCAL}:{port}"
    try:
        _wait_for(base, token, server, log)
        yield Lab(base, token, setup.folder, log)
    finally:
        server.terminate()  # JupyterLab shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for(base: str, token: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer in 90 s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    # offline: nothing but the local server may be reached
    opened.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    try:
        yield opened
    finally:
        context.close()


# -- driving JupyterLab ----------------------------------------------------------------------------


def open_notebook(page, lab: Lab, name: str) -> None:
    """Open one notebook in a workspace of its own (so only its kernel starts)."""
    workspace = re.sub(r"\W", "", name)
    page.goto(lab.url(f"/lab/workspaces/{workspace}/tree/{name}"), timeout=90_000)
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=90_000)


def run_all(page) -> None:
    """Run → Run All Cells (once the kernel is idle), then wait until every code cell has run."""
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).first.wait_for(
        timeout=90_000
    )
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(
        ".lm-Menu-content .lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")
    ).click()
    page.wait_for_timeout(1000)
    try:
        page.wait_for_function(ALL_CELLS_RUN, timeout=120_000)
    except Exception:
        page.screenshot(path="/tmp/wb-fail.png")
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        raise AssertionError(f"cells not all run: {prompts}") from None
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, tracebacks
    assert page.get_by_text("Error displaying widget").count() == 0


def the_form(page, title: str):
    """The entry form headed ``title`` (forms carry the class aw-form)."""
    form = page.locator(".aw-form").filter(has=page.locator("h4", has_text=title)).first
    form.locator("button", has_text="Save").wait_for(timeout=60_000)
    return form


def field(page, form, title: str):
    """The input of the field labelled ``title`` (text, date, select, textarea)."""
    label = page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(title)}$"))
    row = form.locator(".widget-inline-hbox").filter(has=label).first
    return row.locator("input, textarea, select").first


def pick(page, form, title: str, search: str) -> None:
    """In a pick list: filter by ``search``, then pick the first name offered."""
    field(page, form, title).fill(search)
    label = page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(title)}$"))
    picker = form.locator(".widget-vbox").filter(has=label).last
    select = picker.locator("select[multiple]")
    page.wait_for_timeout(300)
    first = select.locator("option").first.inner_text()
    select.select_option(label=first)


def save(page, form) -> None:
    form.locator("button", has_text="Save").click()


def expect_listed(page, form, text: str) -> None:
    page.wait_for_function(
        "([title, text]) => Array.from(document.querySelectorAll('.aw-form')).some((f) =>"
        " f.querySelector('h4') && f.querySelector('h4').textContent.includes(title)"
        " && f.textContent.includes(text))",
        arg=[form_title(form), text],
        timeout=30_000,
    )


def form_title(form) -> str:
    return form.locator("h4").first.inner_text()


def empty_save_is_plain(page, form) -> None:
    """Save with nothing typed: plain words next to the fields, no validation jargon."""
    save(page, form)
    form.locator(".aw-errors").wait_for(timeout=15_000)
    summary = form.locator(".aw-errors").inner_text()
    assert "Not saved" in summary, summary
    assert re.search(r"Please (fill this in|pick one from the list|pick a date)\.", summary)
    assert "String should" not in summary and "Input should" not in summary, summary
    assert form.locator(".aw-field-error").count() >= 2


# -- the four notebooks ----------------------------------------------------------------------------


def fill_intelligence(page) -> tuple[object, str]:
    form = the_form(page, "Record local knowledge")
    field(page, form, "Hypothesis").fill("Eastgate Centre at 27%")
    field(page, form, "Who said it").fill("Sam Browser")
    field(page, form, "Their role").fill("Team leader")
    field(page, form, "Site").fill("EASTGATE CTR")  # an alias, as the extracts accept
    field(page, form, "Note").fill("Typed in JupyterLab: first appointments two weeks out")
    field(page, form, "Date").fill("2026-11-20")
    return form, "Typed in JupyterLab: first appointments two weeks out"


def fill_scoping(page) -> tuple[object, str]:
    form = the_form(page, "Scope items")
    field(page, form, "Scope area").fill("Time with customers")
    field(page, form, "Scope item").fill("Typed in JupyterLab: paperwork audit")
    field(page, form, "Deliverable").fill("A one-page audit per site")
    return form, "Typed in JupyterLab: paperwork audit"


def fill_discovery(page) -> tuple[object, str]:
    form = the_form(page, "Record evidence")
    field(page, form, "Site").fill("HARBOUR ST")  # an alias
    field(page, form, "Role").fill("Adviser")
    field(page, form, "Interviewee").fill("Sam Browser")
    field(page, form, "Date").fill("2026-11-20")
    field(page, form, "Comment or quote").fill("Typed in JupyterLab: the diary is full")
    field(page, form, "Heading").fill("Resources")
    pick(page, form, "Dimensions", "morale")
    pick(page, form, "Confirms", "Eastgate")
    return form, "Typed in JupyterLab: the diary is full"


def fill_recommendations(page) -> tuple[object, str]:
    form = the_form(page, "Recommendations")
    field(page, form, "Action area").fill("Customer journey")
    field(page, form, "Recommendation").fill("Typed in JupyterLab: one journey for all")
    pick(page, form, "Findings answered", "Harbour")
    return form, "Typed in JupyterLab: one journey for all"


NOTEBOOKS: dict[str, Callable[..., tuple[object, str]]] = {
    "02_intelligence.ipynb": fill_intelligence,
    "03_scoping.ipynb": fill_scoping,
    "04_discovery.ipynb": fill_discovery,
    "05_recommendations.ipynb": fill_recommendations,
}


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_a_step_notebook_runs_saves_lists_and_keeps_the_entry(
    name: str, lab: Lab, page, output_dir: Path
) -> None:
    open_notebook(page, lab, name)
    run_all(page)
    form, text = NOTEBOOKS[name](page)
    save(page, form)
    form.locator(".aw-ok", has_text="Saved").wait_for(timeout=30_000)
    expect_listed(page, form, text)
    # the form is cleared after Save: a second click is an empty Save, answered in plain words
    empty_save_is_plain(page, form)
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"{name[:2]}-saved.png"), full_page=False)
    # run everything again: the entry is read back from the store and listed again
    run_all(page)
    form = the_form(page, form_title(form))
    expect_listed(page, form, text)
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"{name[:2]}-rerun.png"), full_page=False)


def test_lab_opens_the_steps_in_order_without_the_news_popup(
    lab: Lab, page, output_dir: Path
) -> None:
    page.goto(lab.url("/lab"), timeout=90_000)
    tabs = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tabLabel")
    tabs.first.wait_for(timeout=90_000)
    page.wait_for_timeout(3000)  # the news question would have appeared by now
    names = [t for t in tabs.all_inner_texts() if t.endswith(".ipynb")]
    assert names == sorted(names) and names[:2] == [
        "01_data_analysis.ipynb",
        "02_intelligence.ipynb",
    ]
    assert page.get_by_text("official Jupyter news").count() == 0
    page.screenshot(path=str(output_dir / "lab-opened.png"))
    # the working folder is the root: the file browser lists the working copies only
    listing = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert "02_intelligence.ipynb" in listing and "engagement.yaml" not in listing
