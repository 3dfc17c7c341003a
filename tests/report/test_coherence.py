"""One set of numbers: every rendered demo report (and the portfolio index) read as a client would.

The demo portfolio runs once, from a fresh copy, through `assess batch`, with one more contract
already above its target (Eastfield with every job outcome doubled); each report must be free of
contradictions (see ``coherence``). Riverside is above its summit on the recent level only (base
camp 122%, now 107%, 74% to date). The checks themselves are shown
to fail on small pages that contradict themselves, so a clean demo means something.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from assessment.cli import main

from . import coherence

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _contracts() -> list[str]:
    """Every contract of the demo portfolio, and the engagement already above its target."""
    text = (DEMO / "portfolio.yaml").read_text(encoding="utf-8")
    return [*re.findall(r"^  - key: (\S+)$", text, re.MULTILINE), ABOVE]


ABOVE = "above"
"""Eastfield with every job outcome doubled: above its contracted target to date and now."""


def _above_target(demo: Path) -> None:
    """Add the contract already above its target (to date and recent) to the portfolio copy."""
    folder = demo / ABOVE
    # its data only: the capture sheets of steps 2 to 5 bear on Eastfield's own hypotheses
    shutil.copytree(demo / "eastfield", folder, ignore=shutil.ignore_patterns("captures"))
    for extract in (folder / "inputs").glob("kpi_extract*.csv"):
        lines = extract.read_text(encoding="utf-8").splitlines()
        doubled = [lines[0]]
        for line in lines[1:]:
            cells = line.split(",")
            if cells[2] == "Into work":
                cells[3] = str(int(cells[3]) * 2)
            doubled.append(",".join(cells))
        extract.write_text("\n".join(doubled) + "\n", encoding="utf-8")
    portfolio = demo / "portfolio.yaml"
    text = portfolio.read_text(encoding="utf-8")
    portfolio.write_text(
        text + f"  - key: {ABOVE}\n    path: {ABOVE}\n    parameters: {{}}\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def demo_batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    copy = tmp_path_factory.mktemp("coherence") / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns("runs", "work", "*.sqlite*"))
    _above_target(copy)
    code = main(["batch", str(copy / "portfolio.yaml"), "--workers", "2", "--quiet"])
    assert code == 0
    return json.loads((copy / "runs" / "summary.json").read_text(encoding="utf-8"))


def _report(summary: dict, key: str) -> str:
    contract = next(c for c in summary["contracts"] if c["key"] == key)
    return Path(contract["report"]).read_text(encoding="utf-8")


@pytest.mark.notebook
@pytest.mark.parametrize("key", _contracts())
def test_no_demo_report_contradicts_itself(demo_batch: dict, key: str) -> None:
    html = _report(demo_batch, key)
    assert coherence.contradictions(html, dt.date.today()) == []
    soup = coherence.page(html)
    assert coherence.unnamed_periods(soup) == []
    assert "Data to " in soup.select_one(".aw-cover").get_text()
    # the checks had something to read: levels with their months, statuses, stages
    assert coherence.figures(soup)
    published = bool(soup.select("table.aw-action-plan"))
    if published:  # a published plan: its progress and stages are read too
        assert coherence._rows(soup, "aw-progress") and coherence._rows(soup, "aw-stage-table")
    assert published == (key not in (ABOVE, "brookside"))


@pytest.mark.notebook
def test_northshores_chance_of_an_outcome_is_one_figure_in_both_sections(demo_batch: dict) -> None:
    # the survival section and the flow plan read one estimate: Eastgate 11.3% (10.4%–12.2%)
    chances = coherence.outcome_chances(coherence.page(_report(demo_batch, "northshore")))
    assert chances["table"]["Eastgate Centre"] == ("11.3", "10.4", "12.2")
    assert chances["plan"]["Eastgate Centre"] == ("11.3", "10.4", "12.2")
    assert set(chances["plan"]) == set(chances["table"]) - {"Contract total"}


@pytest.mark.notebook
def test_an_engagement_above_its_target_holds_the_summit_everywhere(demo_batch: dict) -> None:
    # Riverside: above the summit now (base camp 122%), below it to date
    soup = coherence.page(_report(demo_batch, "riverside"))
    text = soup.get_text(" ", strip=True)
    assert "above the summit (100%): hold it." in text
    assert "The contract has reached the summit" not in text
    stages = coherence._rows(soup, "aw-stage-table")
    assert [r["By"] for r in stages[:3]] == ["already passed"] * 3
    # the doubled Eastfield: above target to date as well, and its sites say so
    above = coherence.page(_report(demo_batch, ABOVE)).get_text(" ", strip=True)
    assert "above the summit (100%): hold it." in above
    assert "At or above contract over Jan 2025–Mar 2026: Eastfield Central, Parkside" in above


@pytest.mark.notebook
def test_the_index_says_what_each_report_says(demo_batch: dict) -> None:
    index = Path(demo_batch["index"]).read_text(encoding="utf-8")
    soup = coherence.page(index)
    for key in _contracts():
        report = coherence.figures(coherence.page(_report(demo_batch, key)))
        row = coherence.page(str(soup.select_one(f"tr#{key}")))
        assert coherence.repeated_labels(row) == [], key
        assert coherence.past_due_stages(row) == [], key
        if "recommendations step" not in row.get_text():  # stages agreed: levels with months
            assert coherence.figures(row), key
        for label_period, values in coherence.figures(row).items():
            assert {round(v) for v in values} <= {round(v) for v in report[label_period]}, key
    # Northshore's Camp 1 was due by 30 Jun 2026, the data's last day: the index says so too
    northshore = soup.select_one("tr#northshore").get_text(" ", strip=True)
    assert "Camp 1 at 55% was due by 30 Jun 2026 and was not reached" in northshore
    # a figure added up across contracts names its months: never a total without its period
    pooled = [t.get_text(" ", strip=True) for t in soup.select(".tile") if "%" in t.get_text()]
    assert pooled and all(re.search(coherence.PERIOD, t) for t in pooled), pooled


BAD_PAGE = """
<section class='aw-cover'><table><tr><th>Report date</th>
<td>29 November 2026 · Data to 30 June 2026</td></tr></table></section>
<section class='aw-summary'>
<div class='aw-tile'><span class='aw-tile-label'>Job outcomes</span>
<span class='aw-tile-value'>30%</span></div>
<ul><li>Now 54% of contract over Apr–Jun 2026.</li>
<li>Now 55% of contract over Apr–Jun 2026.</li>
<li>Camp 1 at 55%, due by 30 Jun 2026, is not reached yet.</li>
<li>Now 54%: above base camp; next Camp 1 at 55% by 31 May 2026.</li></ul>
<ol class='aw-actions'><li>Do something: worth £0 for £2,475.</li></ol></section>
<table class='aw-table aw-stage-table'><thead><tr><th>Stage</th><th>% of contract</th></tr></thead>
<tbody><tr><td>Base camp</td><td>122%</td></tr><tr><td>Camp 1</td><td>55%</td></tr></tbody></table>
<table class='aw-table aw-progress'><thead><tr><th>Action</th><th>Baseline</th>
<th>Now (Apr–Jun 2026)</th>
<th>Target</th><th>Target date</th><th>Status</th></tr></thead><tbody>
<tr><td>A</td><td>90%</td><td>100%</td><td>100%</td><td>30 Jun 2026</td><td>Late</td></tr>
<tr><td>B</td><td>52%</td><td>71%</td><td>80%</td><td>30 Sep 2026</td><td>On track</td></tr>
<tr><td>C</td><td>52%</td><td>71%</td><td>80%</td><td>30 Sep 2026</td><td>Done</td></tr>
</tbody></table>
<table class='aw-table aw-value-gaps'><thead><tr><th>Measure</th>
<th>Closing the gap on the plan's dates</th><th>Their share together</th></tr></thead><tbody>
<tr><td>Job outcomes</td><td>£585,750</td><td>£1,050,200</td></tr></tbody></table>
<table class='aw-table aw-time-to-outcome'><thead><tr><th>Site</th>
<th>Chance of an outcome within 12 months (95% interval)</th></tr></thead><tbody>
<tr><td>Eastgate Centre</td><td>18.2% (16.9% to 19.6%)</td></tr></tbody></table>
<ul><li>Eastgate Centre: 11.3% of starters get an outcome (95% interval 10.4%–12.2%), typically
4 months after starting.</li></ul>
"""


def test_the_checks_find_each_contradiction_a_client_would() -> None:
    found = coherence.contradictions(BAD_PAGE, dt.date(2026, 11, 29))
    assert found == [
        "headline % of contract over Apr–Jun 2026: shown as 54%, 55%",
        "Late with the target met (A: now 100%, target 100%, due 30 Jun 2026: Late)",
        "On track past its due date, target unmet (B: now 71%, target 80%, due 30 Sep 2026: "
        "On track)",
        "Done with neither a met target nor the client's word (C: now 71%, target 80%, due "
        "30 Sep 2026: Done)",
        "stage Camp 1 (55%) after Base camp (122%)",
        "Camp 1 at 55%, due by 30 Jun 2026, is not reached yet (data to 30 Jun 2026): the stage "
        "was missed",
        "next Camp 1 at 55% by 31 May 2026 (data to 30 Jun 2026): the stage was missed",
        "Do something: worth £0 for £2,475.",
        "Job outcomes: actions share £1,050,200 of a £585,750 gap",
        "Eastgate Centre: chance of an outcome within 12 months 18.2/16.9/19.6 in the "
        "time-to-outcome table, 11.3/10.4/12.2 in the flow plan",
    ]
    assert coherence.unnamed_periods(coherence.page(BAD_PAGE)) == ["Job outcomes 30%"]


@pytest.mark.notebook
def test_the_step1_only_health_report_is_coherent_and_interim(demo_batch: dict) -> None:
    html = _report(demo_batch, "brookside")
    assert coherence.contradictions(html, dt.date.today()) == []
    soup = coherence.page(html)
    assert coherence.unnamed_periods(soup) == []
    text = soup.get_text(" ", strip=True)
    assert "Interim report: data analysis" in text
    assert "customer" not in text.casefold()


WHAT_IF_PAGE = """
<p>Base camp: 122% of contract over Dec 2025–Feb 2026. Now 107% of contract over Apr–Jun 2026:
above the summit (100%): hold it.</p>
<table class='aw-table aw-scenarios'><thead><tr><th>Scenario</th><th>Saved</th>
<th>Job outcomes, % of contracted target, {period}</th><th>Roadmap position</th></tr></thead>
<tbody><tr><td>Agreed plan</td><td>agreed</td><td>{value}</td><td>{where}</td></tr></tbody></table>
"""


def test_the_what_if_check_finds_an_agreed_plan_the_roadmap_contradicts() -> None:
    # what the What if table said before its figures were the roadmap's: one month, from base camp
    bad = WHAT_IF_PAGE.format(period="Jun 2026", value="129%", where="Base camp")
    assert coherence.what_if_disagreements(coherence.page(bad)) == [
        "What if: agreed plan 129% over Jun 2026, the roadmap 107% over Apr–Jun 2026",
        "What if: agreed plan at 'Base camp', the roadmap says above the summit",
    ]
    good = WHAT_IF_PAGE.format(
        period="Apr–Jun 2026 (actual)", value="107%", where="The summit, hold it"
    )
    assert coherence.what_if_disagreements(coherence.page(good)) == []


@pytest.mark.notebook
def test_the_what_if_agreed_plan_says_what_the_roadmap_says(demo_batch: dict) -> None:
    # Riverside and Eastfield: the data covers the contract's last months, so the agreed plan's
    # figure is the roadmap's level now, over the same months, at the same place
    for key, figure, where in (
        ("riverside", "107%", "The summit, hold it"),
        ("eastfield", "71%", "Base camp"),
    ):
        soup = coherence.page(_report(demo_batch, key))
        assert coherence.what_if_disagreements(soup) == [], key
        [agreed] = [
            r for r in coherence._rows(soup, "aw-scenarios") if r["Scenario"] == "Agreed plan"
        ]
        heads = [h for h in agreed if "% of contracted target" in h]
        assert heads and agreed[heads[0]] == figure and agreed["Roadmap position"] == where, key
        assert "(actual)" in heads[0], key
