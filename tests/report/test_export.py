"""`assess export`: the self-contained report copied for the client, and printed to PDF."""

from __future__ import annotations

import pytest

from assessment.cli import main
from assessment.engagement import load_engagement
from assessment.export import ExportError, export_report, find_chromium
from assessment.roadmap_state import contract_roadmap
from assessment.run_folder import executed_notebook
from assessment.static_report import external_references
from assessment.stored_report import served_notebook

from .conftest import CLIENT

MAX_REPORT_BYTES = 2_000_000


def test_demo_report_is_one_small_offline_file(demo_report_run) -> None:
    html = demo_report_run.report.read_text(encoding="utf-8")
    assert len(html.encode()) < MAX_REPORT_BYTES
    assert external_references(html) == []
    assert f"<title>{CLIENT}: improvement assessment</title>" in html
    # cover, summary with the roadmap, step 1's sections, provenance last
    body = html[html.index("<body") :].replace("'", '"')
    positions = [
        body.index(text)
        for text in (
            'class="aw-cover"',
            'class="aw-toc"',
            'id="Executive-summary"',
            'class="aw-roadmap-sentence"',  # step 5's section: the one roadmap
            'id="Performance-against-contract"',
            'id="Flow:-from-referral-to-outcome"',
            'id="Time-with-the-people-served"',
            'id="Initial-opinion"',
            ">Provenance<",
        )
    ]
    assert positions == sorted(positions)
    # the roadmap's state is said once in its section, in words above the chart: the chart's
    # title names what it draws and does not say it again
    state = contract_roadmap(load_engagement(demo_report_run.folder.parent.parent))
    roadmap = _section(body, "The-roadmap:-from-base-camp-to-the-summit", "The-action-plan")
    assert roadmap.count(state.now_sentence()) == 1
    assert roadmap.count(state.base_sentence()) == 1
    assert "Job outcomes: actual against the roadmap" in roadmap
    # the shipped branding names no firm: the client's report carries no invented one
    assert "aw-firm" not in html and "Summit Partners" not in html
    assert demo_report_run.run_id in html and "engagement.yaml" in html


def _section(body: str, start: str, end: str) -> str:
    """The page between two sections' anchors."""
    return body[body.index(f'id="{start}"') : body.index(f'id="{end}"')]


def test_a_stage_missed_on_the_data_reads_the_same_in_every_section(demo_report_run) -> None:
    # Northshore's data run to 30 Jun 2026, the day Camp 1 (55%) was due; it is at 54%
    body = demo_report_run.report.read_text(encoding="utf-8").replace("'", '"')
    missed = "Camp 1 at 55% was due by 30 Jun 2026 and was not reached: 54% of contract over"
    for start, end in (
        ("Executive-summary", "The-roadmap:-from-base-camp-to-the-summit"),
        ("The-roadmap:-from-base-camp-to-the-summit", "The-action-plan"),
        ("Progress-since-the-plan", "Value-and-return"),
    ):
        assert missed in _section(body, start, end), start
    assert "not reached yet" not in body
    # its row of the stages table says so too; Camp 2, due after the data's end, does not
    roadmap = _section(body, "The-roadmap:-from-base-camp-to-the-summit", "The-action-plan")
    assert "30 Jun 2026 (missed)" in roadmap and "30 Sep 2026 (missed)" not in roadmap


def test_export_copies_the_report_under_a_telling_name(demo_report_run, tmp_path, capsys) -> None:
    assert main(["export", str(demo_report_run.folder), "--to", str(tmp_path / "out")]) == 0
    copy = tmp_path / "out" / f"northshore-{demo_report_run.run_id}.html"
    assert copy.read_bytes() == demo_report_run.report.read_bytes()
    assert str(copy) in capsys.readouterr().out
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]  # no temp file left


def test_export_of_an_engagement_takes_its_latest_run(demo_report_run, tmp_path) -> None:
    exported = export_report(demo_report_run.folder.parent.parent, tmp_path)
    assert exported.html.name.endswith(f"{demo_report_run.run_id}.html")
    assert exported.pdf is None


def test_export_without_a_run_says_so(make_engagement, tmp_path, capsys) -> None:
    folder = make_engagement()
    assert main(["export", str(folder), "--to", str(tmp_path / "out")]) == 2
    assert "no succeeded run" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_pdf_without_chromium_is_a_clear_error(demo_report_run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ExportError, match="needs Chromium"):
        export_report(demo_report_run.folder, tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()


@pytest.mark.browser
def test_pdf_is_printed_with_chromium(demo_report_run, tmp_path, chromium) -> None:
    assert find_chromium() is not None
    exported = export_report(demo_report_run.folder, tmp_path, pdf=True)
    assert exported.pdf is not None
    data = exported.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages >= 5  # the cover and each section start a new page


def test_served_notebook_replays_the_run_without_code_of_its_own(demo_report_run) -> None:
    notebook = served_notebook(executed_notebook(demo_report_run.folder, "report.ipynb"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["source"].startswith("from assessment.stored_report import show_stored")
    assert all(c["source"].startswith("show_stored(report, ") for c in code[1:])
    ids = [c["id"] for c in notebook["cells"]]
    assert "rp-01" in ids and "rp-12" in ids and "rp-00" not in ids  # no parameters cell
    assert len(ids) == len(set(ids))
