"""Notes stay attached to their hypothesis through re-runs of step 1; names stay internal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assessment import data_analysis as step1
from assessment import entries
from assessment.engagement import load_engagement
from assessment.intelligence import store as db
from assessment.intelligence import views
from assessment.intelligence.models import IntelligenceNote

NORTH_BELOW = "perf-gap:north:job_outcomes"
ALL_BELOW = "perf-gap:ALL:job_outcomes"


def run_step1(folder: Path) -> list[str]:
    engagement = load_engagement(folder)
    step1.save(engagement, step1.analyse(engagement, step1.read_inputs(engagement)))
    with db.open_store(engagement) as store:
        return store.hypotheses()["key"].tolist()


def add_note(folder: Path, key: str, text: str) -> None:
    engagement = load_engagement(folder)
    note = IntelligenceNote(
        hypothesis_key=key,
        stance="challenges",
        source_name="Pat Jones",
        source_role="Site manager",
        site="north",
        note=text,
        recorded_on=dt.date(2026, 1, 14),
    )
    with db.open_store(engagement) as store:
        entries.save_one(store, db.NOTES, note)


# Enough job outcomes for step 1 to be sure: North Hub 150 of 250 (60%, interval 51-70%, behind
# South Hub's 180 of 200); the contract 330 of 450 (73%, interval 66-81%).
KPI = """\
Office,Month,Metric,Achieved,Goal
North Hub,2024-01,Refs,90,
North Hub,2024-01,Starts,70,
North Hub,2024-01,Jobs,150,250
South Hub,2024-01,Refs,110,
South Hub,2024-01,Starts,50,
South Hub,2024-01,Jobs,180,200
"""


def test_rerun_of_step1_keeps_every_note_on_its_hypothesis(engagement_dir: Path, rewrite) -> None:
    rewrite(engagement_dir, "inputs/kpi.csv", KPI)
    first = run_step1(engagement_dir)
    assert NORTH_BELOW in first and ALL_BELOW in first
    add_note(engagement_dir, NORTH_BELOW, "We were short of two advisers")
    add_note(engagement_dir, ALL_BELOW, "The contract started late")
    # fresh data: North Hub at 84% (no longer suggested), the contract still below 80% (350 of 450)
    kpi = KPI.replace("Jobs,150,250", "Jobs,210,250").replace("Jobs,180,200", "Jobs,140,200")
    rewrite(engagement_dir, "inputs/kpi.csv", kpi)
    second = run_step1(engagement_dir)
    assert NORTH_BELOW not in second
    engagement = load_engagement(engagement_dir)
    with db.open_store(engagement) as store:
        by_key = {n.hypothesis_key: n.note for n in db.notes(store)}
        retired = store.hypotheses(include_retired=True).set_index("key")["status"]
    assert by_key == {
        NORTH_BELOW: "We were short of two advisers",
        ALL_BELOW: "The contract started late",
    }
    assert retired[NORTH_BELOW] == "retired"
    leaning = views.leaning(engagement).set_index("key")["leaning"]
    assert leaning.get(ALL_BELOW) == "challenged"


def test_names_are_internal_never_in_the_shared_basis(opinion_engagement) -> None:
    add_note(opinion_engagement.root, NORTH_BELOW, "Short of <b>advisers</b>")
    internal = views.hypothesis_cards(opinion_engagement).data
    shared = views.basis_of_opinion(opinion_engagement).data
    assert "Pat Jones" in internal and "Site manager" in internal
    assert "&lt;b&gt;advisers" in internal  # escaped, never markup
    assert "Pat Jones" not in shared and "Site manager" not in shared
    assert "North Hub at 60% of target" in shared and "Challenged by local knowledge" in shared
    assert "Not yet discussed" in shared


def test_figures_read_as_in_the_report_with_site_names() -> None:
    figures = {"actual": 1952.0, "gap": 4556.0, "pct_of_target": 30.0, "threshold_pct": 80.0}
    assert views.figures_text(figures) == (
        "30% of target · 1,952 achieved · 4,556 short of target · flagged below 80% of target"
    )
    spread = {"best_site": "harbour", "best_pct": 104.2, "spread_pp": 41.6}
    assert views.figures_text(spread, {"harbour": "Harbour Street"}) == (
        "best site Harbour Street · best 104% of target · spread 42 points"
    )
    sampling = {"share": 0.07, "ci_low": 0.044, "ci_high": 0.105, "n": 256}
    assert views.figures_text(sampling) == (
        "7.0% of time with customers (95% interval 4.4%–10.5%) · 256 observations"
    )


def test_cards_show_keys_only_when_asked(opinion_engagement) -> None:
    plain = views.hypothesis_cards(opinion_engagement).data
    assert "Key:" not in plain and "pct of target" not in plain
    assert "60% of target · 15 achieved" in plain and "131% of the expected caseload" in plain
    with_keys = views.hypothesis_cards(opinion_engagement, show_keys=True).data
    assert f"<code>{NORTH_BELOW}</code>" in with_keys
    toggled = views.hypotheses_view(opinion_engagement, interactive=True)
    box, shown = toggled.children
    assert "Key:" not in shown.value
    box.value = True
    assert f"<code>{NORTH_BELOW}</code>" in shown.value


def test_the_notes_table_names_sites() -> None:
    import datetime as dt

    from assessment.intelligence.models import IntelligenceNote

    common = {"stance": "supports", "source_name": "Pat", "source_role": "Adviser", "note": "n"}
    notes = [
        IntelligenceNote(
            hypothesis_key="h1", site="south", recorded_on=dt.date(2026, 1, 5), **common
        ),
        IntelligenceNote(hypothesis_key="h1", site=None, recorded_on=dt.date(2026, 1, 6), **common),
    ]
    shown = views.notes_table(notes, {"h1": "Hypothesis one"}, {"south": "South Hub"})
    assert ">South Hub</td>" in shown and ">All sites</td>" in shown
    assert ">south<" not in shown and "05 Jan 2026" in shown
