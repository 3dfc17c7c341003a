"""``assess export``: hand the static report to a client, as HTML and, with Chromium, as PDF.

The HTML is the run's own ``report.html`` (self-contained: it opens offline from an e-mail or a
USB stick), copied atomically. The PDF is printed by headless Chromium from that file, with the
report's print stylesheet: A4 unless asked for US Letter, a page per section, "Page X of Y", the
running header and the confidentiality footer, no interactive chrome.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assessment.errors import WorkbookError
from assessment.files import write_atomically
from assessment.run_folder import REPORT_HTML

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-pdf-header-footer",
    # Leave the page time to upgrade its charts before printing (virtual time: no real wait).
    "--virtual-time-budget=10000",
)
PDF_TIMEOUT_SECONDS = 120

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
"""``--paper`` choices and their CSS ``@page`` size; the stylesheet's default is A4."""

PRINT_WIDTHS = {"a4": 688, "letter": 710}
"""Width in CSS px of the paper less the stylesheet's 14 mm side margins: the window Chromium
lays the page out in before printing, so charts are drawn at the width they print at."""


class ExportError(WorkbookError):
    """The report cannot be exported (no report, no Chromium for --pdf, Chromium failed)."""


@dataclass(frozen=True)
class Exported:
    """What ``export_report`` wrote."""

    html: Path
    pdf: Path | None = None


def find_chromium() -> Path | None:
    """Chromium's executable: ``$CHROMIUM`` if set, else the first known name on PATH."""
    if os.environ.get("CHROMIUM"):
        path = Path(os.environ["CHROMIUM"])
        return path if path.exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _page_for_paper(html: Path, paper: str, folder: Path) -> Path:
    """The page to print: ``html`` itself for A4, else a copy in ``folder`` sized for ``paper``."""
    if paper == "a4":
        return html
    text = html.read_text(encoding="utf-8")
    rule = f"<style>@page{{size:{PAPER_SIZES[paper]}}}</style>"
    # after the stylesheet (in the head), so this size wins over its A4
    text = text.replace("</head>", rule + "</head>", 1) if "</head>" in text else rule + text
    copy = folder / html.name
    copy.write_text(text, encoding="utf-8")
    return copy


def print_pdf(html: Path, pdf: Path, chromium: Path, *, paper: str = "a4") -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium (written atomically).

    Args:
        html: The report page.
        pdf: The PDF to write.
        chromium: Chromium's executable.
        paper: ``"a4"`` (the default) or ``"letter"``.

    Raises:
        ExportError: Chromium failed or wrote nothing; the message carries its last words.
    """
    if paper not in PAPER_SIZES:
        raise ExportError(f"paper {paper!r}: expected one of {', '.join(PAPER_SIZES)}")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=pdf.parent, prefix=f".{pdf.name}.", suffix=".tmp")
    os.close(handle)
    try:
        with tempfile.TemporaryDirectory(prefix="aw-chromium-") as profile:
            page = _page_for_paper(html, paper, Path(profile))
            command = [
                str(chromium),
                *CHROMIUM_FLAGS,
                f"--window-size={PRINT_WIDTHS[paper]},1000",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={tmp}",
                page.resolve().as_uri(),
            ]
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PDF_TIMEOUT_SECONDS, check=False
            )
        if done.returncode != 0 or Path(tmp).stat().st_size == 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ExportError(
                f"Chromium could not print {html} (exit {done.returncode}): {' '.join(detail)}"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, pdf)
    except subprocess.TimeoutExpired as error:
        raise ExportError(
            f"Chromium did not print {html} within {PDF_TIMEOUT_SECONDS} s"
        ) from error
    finally:
        Path(tmp).unlink(missing_ok=True)
    return pdf


def export_report(
    path: str | Path, to: str | Path, *, pdf: bool = False, paper: str = "a4"
) -> Exported:
    """Copy a run's ``report.html`` into ``to`` as ``<engagement>-<run id>.html`` (and a PDF).

    Args:
        path: A run folder, or an engagement folder (its latest good run).
        to: The folder to write into (created if needed).
        pdf: Also print a PDF with headless Chromium.
        paper: The PDF's paper, ``"a4"`` (default) or ``"letter"``.

    Raises:
        ExportError: No good run or no report.html; ``pdf`` without Chromium installed.
    """
    from assessment.serve import ServeError, resolve_run

    try:
        run = resolve_run(path)
    except ServeError as error:
        raise ExportError(str(error)) from None
    source = run / REPORT_HTML
    if not source.is_file():
        raise ExportError(f"{run}: {REPORT_HTML} is missing; re-run: assess run")
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        raise ExportError(
            "--pdf needs Chromium (apt-get install chromium, or set CHROMIUM to its path); "
            "the HTML report prints to PDF from any browser too"
        )
    stem = f"{run.parent.parent.name}-{run.name}"
    target = Path(to) / f"{stem}.html"
    write_atomically(target, source.read_bytes())
    written = (
        print_pdf(target, target.with_suffix(".pdf"), chromium, paper=paper) if chromium else None
    )
    return Exported(target, written)
