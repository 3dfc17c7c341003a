"""What a client and a partner notice, checked in a real browser: the pages fit, read and print.

The same checks as ../shared/tools/report-lint, kept in the suite so CI keeps them: at 1366 px,
at 390 px (a phone) and at the width of A4 paper in print media, no box hides or cuts its content,
no text is drawn under 9 px (chart text under 10 px on a phone), no internal word shows (nan,
None, snake_case keys, "(ALL)", a site key after a quote), nothing is fetched from the network,
and the console stays free of errors and warnings. They run on the static report, the Voila page
of `assess serve` and the portfolio index. Screenshots of each at both widths are written to
test-output/report/ for a person to look at. The PDF of `assess export --pdf` is checked page by
page: A4, numbered "Page X of Y", the action plan's status and SMART text present, and no page
under a fifth full unless it ends a section.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assessment.batch.index import write_index
from assessment.batch.summary import BatchSummary, ContractReport, standing
from assessment.export import export_report, print_pdf
from assessment.run_folder import executed_notebook
from assessment.store import Store

from .conftest import CLIENT, Served

pytestmark = pytest.mark.browser

VIEWS = {  # name: (width, height, media)
    "desktop": (1366, 900, "screen"),
    "phone": (390, 844, "screen"),
    "print-a4": (718, 1000, "print"),  # A4 at 96 dpi less 2 cm margins each side
}

# The probe of report-lint, with one stricter rule: chart text on a phone at 10 px or more.
PROBE = r"""
(minChartPx) => {
  const out = {overflow: [], tiny: [], internal: [], clipped: [], squeezed: []};
  const visible = el => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const label = el => {
    const t = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
    const cls = el.className && el.className.baseVal === undefined
      ? '.' + String(el.className).split(' ').slice(0, 2).join('.') : '';
    return el.tagName.toLowerCase() + cls + ' "' + t.slice(0, 60) + '"';
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || el.closest('svg')) continue;
    if (el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0) {
      const s = getComputedStyle(el);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) || el.tagName === 'TABLE') {
        out.overflow.push(label(el) + ` needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
      }
    }
  }
  /* a chart whose drawing runs past its own SVG's width: the panels beyond are cut off */
  for (const svg of document.querySelectorAll('figure.aw-chart svg')) {
    if (!visible(svg) || svg.parentElement.closest('svg')) continue;
    const box = svg.getBBox();
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const width = vb && vb.width ? vb.width : svg.width.baseVal.value;
    if (box.x + box.width > width + 2) {
      const title = svg.closest('figure').querySelector('figcaption');
      out.clipped.push(`"${(title ? title.textContent : '').slice(0, 60)}" draws `
        + `${Math.round(box.x + box.width)}px in ${Math.round(width)}px`);
    }
  }
  /* a table's caption squeezed into a strip beside it (a stacked table on a phone) */
  for (const cap of document.querySelectorAll('table caption')) {
    if (!visible(cap)) continue;
    const table = cap.closest('table').getBoundingClientRect().width;
    const width = cap.getBoundingClientRect().width;
    if (width < 0.6 * table) {
      out.squeezed.push(label(cap) + ` ${Math.round(width)}px of ${Math.round(table)}px`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 2)
    out.overflow.push(`page needs ${root.scrollWidth}px, window has ${window.innerWidth}px`);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const bad = new RegExp([
    String.raw`(^|[^\w])(nan|NaN|None|null|undefined|\[object Object\])([^\w]|$)`,
    String.raw`(^|[^\w/.])[a-z]+_[a-z0-9_]+(?![\w.])`,
    String.raw`\((ALL|[a-z]+_[a-z0-9_]+)\)`,
    String.raw`[”"]\s*\([a-z][a-z0-9-]*\)`,
  ].join('|'));
  let n;
  while ((n = walker.nextNode())) {
    const text = n.textContent.trim();
    if (!text) continue;
    const el = n.parentElement;
    if (!el || !visible(el)) continue;
    if (el.closest('code, pre, script, style, .provenance, [data-lint-ignore]')) continue;
    const inChart = !!el.closest('svg');
    let px = parseFloat(getComputedStyle(el).fontSize);
    const ctm = inChart && el.getScreenCTM ? el.getScreenCTM() : null;
    if (ctm) px *= Math.abs(ctm.a || 1);
    if (px < 9 || (inChart && px < minChartPx)) {
      out.tiny.push(`${px.toFixed(1)}px "${text.slice(0, 50)}"`);
    }
    const m = text.match(bad);
    if (m) out.internal.push(`"${m[0].trim()}" in "${text.slice(0, 80)}"`);
  }
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])];
  return out;
}
"""

ALL_CHARTS_SETTLED = """() => Array.from(document.querySelectorAll('figure.aw-chart')).every(
  (f) => ['interactive', 'static'].includes(f.getAttribute('data-aw-rendered')))"""


def look_at(browser, url: str, shots: Path | None, name: str) -> dict[str, list[str]]:
    """Open ``url`` in each view; return what a client would notice, by kind, view-prefixed."""
    found: dict[str, list[str]] = {"network": [], "console": []}
    for view, (width, height, media) in VIEWS.items():
        page = browser.new_page(viewport={"width": width, "height": height})

        def request(r, view=view) -> None:
            url = urlparse(r.url)
            if url.scheme not in ("file", "data", "blob", "about") and url.hostname != "127.0.0.1":
                found["network"].append(f"[{view}] {r.url[:120]}")

        page.on("request", request)
        page.on(
            "console",
            lambda m, view=view: (
                found["console"].append(f"[{view}] {m.type}: {m.text[:200]}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e, view=view: found["console"].append(f"[{view}] {e}"))
        page.emulate_media(media=media)
        page.goto(url, wait_until="load")
        page.wait_for_function(ALL_CHARTS_SETTLED, timeout=45_000)
        page.wait_for_timeout(300)
        got = page.evaluate(PROBE, 10 if view == "phone" else 9)
        for kind, items in got.items():
            found.setdefault(kind, []).extend(f"[{view}] {item}" for item in items)
        if shots is not None and media == "screen":
            page.screenshot(path=str(shots / f"{name}-{width}.png"))
            page.screenshot(path=str(shots / f"{name}-{width}-full.png"), full_page=True)
        page.close()
    return {kind: items for kind, items in found.items() if items}


def test_static_report_fits_reads_and_stays_offline_at_every_width(
    demo_report_run, browser, output_dir: Path
) -> None:
    noticed = look_at(browser, demo_report_run.report.as_uri(), output_dir, "static-report")
    assert noticed == {}


def test_served_page_fits_and_its_console_stays_quiet(
    served: Served, browser, output_dir: Path
) -> None:
    noticed = look_at(browser, served.url("/"), output_dir, "served-report")
    assert noticed == {}  # no "Unsatisfied version ... @jupyterlab/services" either


def test_serve_tells_the_consultant_the_address_and_nothing_else(served: Served) -> None:
    lines = [line for line in served.log.read_text().splitlines() if line.strip()]
    assert lines[:2] == [
        "Serving the client report. Give the client this address:",
        f"  {served.url('/')}",
    ]
    noise = ("not trusted", "over TCP", "DeprecationWarning", "?token=...", "Kernel started")
    assert [line for line in lines if any(word in line for word in noise)] == []


def test_portfolio_index_fits_a_phone_and_paper(demo_report_run, browser, tmp_path, output_dir):
    folder = demo_report_run.folder.parents[1]
    summary = BatchSummary(
        portfolio="Demo portfolio",
        file="portfolio.yaml",
        batch_id="20261129-113220-1149",
        started_at="2026-11-29T11:32:20+00:00",
        finished_at="2026-11-29T11:33:02+00:00",
        seconds=42.0,
        executor="local",
        workers=2,
        counts={"succeeded": 1, "failed": 0, "skipped": 0},
        index=str(tmp_path / "index.html"),
        contracts=[
            ContractReport(
                key="northshore",
                folder=str(folder),
                status="succeeded",
                run_folder=str(demo_report_run.folder),
                report=str(demo_report_run.report),
                standing=standing(folder),
            )
        ],
    )
    index = write_index(summary, tmp_path / "index.html")
    noticed = look_at(browser, index.as_uri(), output_dir, "portfolio-index")
    assert noticed == {}
    text = index.read_text(encoding="utf-8")
    assert "Red, amber, green." in text and "Figures as of" in text
    assert "worker" not in text and summary.batch_id not in text


# --------------------------------------------------------------------------------------------
# The printed report
# --------------------------------------------------------------------------------------------


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext, poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found (apt-get install poppler-utils)")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]  # each page ends with a form feed


def page_fill(pdf: Path, page: int) -> float:
    """How much of a page's printable height holds content (0 to 1), from its grey pixels.

    The page is rendered at 20 dpi as a PGM; the running header and footer (the outer 22 mm)
    are left out. Content height = last inked row - first inked row.
    """
    done = subprocess.run(
        ["pdftoppm", "-r", "20", "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    magic, width, height, _, pixels = done.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(width), int(height)
    margin = round(h * 22 / 297)
    inked = [
        y
        for y in range(margin, h - margin)
        if min(pixels[y * w + round(w * 0.05) : (y + 1) * w - round(w * 0.05)]) < 200
    ]
    return 0.0 if not inked else (inked[-1] - inked[0] + 1) / (h - 2 * margin)


def section_titles(demo_report_run) -> list[str]:
    """Every section of the run's report: markdown headings and those the steps draw."""
    import nbformat

    from assessment.presentation import report_sections

    nb = nbformat.read(executed_notebook(demo_report_run.folder, "report.ipynb"), as_version=4)
    return report_sections(nb.cells)


@pytest.fixture(scope="module")
def printed(demo_report_run, tmp_path_factory, chromium) -> Path:
    exported = export_report(demo_report_run.folder, tmp_path_factory.mktemp("pdf"), pdf=True)
    assert exported.pdf is not None
    return exported.pdf


def test_pdf_is_a4_and_every_page_is_numbered_under_a_running_header(printed: Path) -> None:
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    pages = pdf_pages(printed)
    assert len(pages) >= 8
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert f"Confidential — prepared for {CLIENT}" in text, number
        if number > 1:  # the cover carries the client's name in large type instead
            assert f"{CLIENT} · Improvement assessment" in text, number


def test_pdf_keeps_the_action_plans_status_and_smart_text(printed: Path, demo_report_run) -> None:
    store = demo_report_run.folder.parents[1] / "workbook.sqlite"
    with Store(store) as opened:
        plan = opened.frame("recommendations.plan")
    text = " ".join(" ".join(page.split()) for page in pdf_pages(printed))
    assert "Status" in text and "SMART" in text
    assert "Late" in text or "On track" in text or "Done" in text
    for smart in plan["smart"].head(3):  # the SMART check, every line of it, on paper
        for line in smart.splitlines():
            words = " ".join(line.split()[:6])
            assert words in text, words
    assert "Customer days pr" not in text.replace("Customer days proposed", "")  # never cut


def test_pdf_keeps_each_action_area_heading_with_its_first_action(
    printed: Path, demo_report_run
) -> None:
    # a heading row alone at a page's foot, its actions overleaf, was seen on paper
    with Store(demo_report_run.folder.parents[1] / "workbook.sqlite") as opened:
        plan = opened.frame("recommendations.plan")
    pages = [" ".join(page.split()) for page in pdf_pages(printed)]
    for (area, recommendation), actions in plan.groupby(
        ["action_area", "recommendation"], sort=False
    ):
        heading = f"{area}: {recommendation}"
        page = next(p for p in pages if heading in p)
        first = " ".join(str(actions["task"].iloc[0]).split()[:5])
        assert first in page.split(heading, 1)[1], heading


def test_pdf_has_no_near_empty_page_but_a_sections_last(printed: Path, demo_report_run) -> None:
    pages = pdf_pages(printed)
    titles = section_titles(demo_report_run)

    def starts_a_section(text: str) -> bool:
        body = [line.strip() for line in text.splitlines() if line.strip()][1:3]  # past header
        return any(line.startswith(title[:30]) for line in body for title in titles)

    thin = [
        number
        for number in range(1, len(pages) + 1)
        if page_fill(printed, number) < 0.2
        and number < len(pages)
        and not starts_a_section(pages[number])  # the next page (0-based index = number)
    ]
    assert thin == []


def test_pdf_on_us_letter_when_asked(demo_report_run, tmp_path, chromium) -> None:
    pdf = print_pdf(
        demo_report_run.report,
        tmp_path / "letter.pdf",
        Path(chromium["executable_path"]),
        paper="letter",
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(letter)" in info.stdout
    assert not list(tmp_path.glob(".*.tmp"))


def test_pdf_pages_rendered_for_a_person_to_look_at(printed: Path, output_dir: Path) -> None:
    target = output_dir / "pdf"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(printed), str(target / "page")], check=True)
    assert len(list(target.glob("page-*.png"))) == len(pdf_pages(printed))
