"""Step 5 of the demo: recommendations, SMART actions and the client's status updates.

``write_step5_captures`` writes ``captures/05_recommendations.xlsx`` (sheets Recommendations,
Actions and Publish, imported by notebook 05 through :mod:`assessment.capture`) and, for
northshore, ``captures/06_action_status.xlsx``: the client's copy of the exported plan with a few
statuses updated, imported by notebook 05 as a status update. Both are byte-identical on every
run. Recommendations answer step 4's findings by id (``ns-f1`` ...).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

Row = dict[str, Any]
NS_SET_ON = "20/03/2026"  # after fieldwork ended on 13 March 2026


def _rec(key: str, area: str, title: str, statement: str, findings: str, agreed: bool,
         by: str, on: str) -> Row:  # fmt: skip
    return {"id": key, "action_area": area, "title": title, "statement": statement,
            "finding_ids": findings, "agreed": agreed, "agreed_by": by if agreed else None,
            "agreed_on": on if agreed else None}  # fmt: skip


def _act(key: str, rec: str, task: str, measure: str, site: str, target: float, outcome: str,
         owner: str, set_on: str, due: str, stage: str, days: float | None = None,
         cost: float | None = None, baseline: float | None = None,
         client_days: float | None = None) -> Row:  # fmt: skip
    return {"id": key, "recommendation_id": rec, "task": task, "measure": measure, "site": site,
            "baseline": baseline, "target": target, "expected_outcome": outcome, "owner": owner,
            "set_on": set_on, "target_date": due, "stage": stage, "days": days, "cost": cost,
            "client_days": client_days, "status": "Not started"}  # fmt: skip


def northshore() -> dict[str, list[Row]]:
    """Four agreed recommendations, nine actions, all SMART, published on 27 March 2026."""
    agreed = ("Helen Carter", "25/03/2026")
    recs = [
        _rec("ns-r1", "Customer journey", "Roll out Harbour Street's defined customer journey",
             "Every site follows the one journey that delivers outcomes today.",
             "ns-f1, ns-f5", True, *agreed),
        _rec("ns-r2", "Time with customers", "Give advisers back time with customers",
             "Cut re-keying and chasing so advisers spend their day with customers.",
             "ns-f2", True, *agreed),
        _rec("ns-r3", "Leadership & MI", "Report outcomes, not activity, from clean data",
             "Monthly MI on job outcomes per site and adviser; Westfield's records put right.",
             "ns-f3", True, *agreed),
        _rec("ns-r4", "Targets & measures", "Align advisers' targets to job outcomes",
             "Targets count job and sustained outcomes, not appointments or starts.",
             "ns-f4", True, *agreed),
    ]  # fmt: skip
    s = NS_SET_ON
    acts = [
        _act("ns-a1", "ns-r1", "Train every Eastgate adviser to follow Harbour Street's journey "
             "step by step", "Job outcomes", "Eastgate Centre", 45,
             "More Eastgate customers reach a job outcome", "Eastgate site manager", s,
             "30/06/2026", "Camp 1", days=12, client_days=24),
        _act("ns-a2", "ns-r1", "Train every Westfield adviser to follow Harbour Street's journey "
             "step by step", "Job outcomes", "Westfield House", 55,
             "More Westfield customers reach a job outcome", "Westfield site manager", s,
             "30/06/2026", "Camp 1", days=12, client_days=30),
        _act("ns-a3", "ns-r1", "Give each customer one named adviser from referral to job start",
             "Customers telling their story more than once (%)", "ALL", 20,
             "Customers tell their story once and wait less; fewer drop out before starting",
             "Head of operations", s, "30/09/2026", "Camp 2", days=6, baseline=62),
        _act("ns-a4", "ns-r2", "Switch Eastgate and Westfield to the single case system to end "
             "double keying", "Share of adviser time with customers (%)", "ALL", 20,
             "Advisers spend a fifth of their day with customers", "Head of operations", s,
             "30/09/2026", "Camp 2", cost=18000, baseline=9),
        _act("ns-a5", "ns-r2", "Run a daily 15-minute caseload huddle at Westfield to book each "
             "customer's next step", "Starts", "Westfield House", 100,
             "Every referred customer starts within the month", "Westfield team leader", s,
             "30/06/2026", "Camp 1", days=4, client_days=15),
        _act("ns-a6", "ns-r3", "Rebuild the monthly MI pack around job outcomes per site and "
             "adviser", "Job outcomes", "ALL", 55, "Managers act on outcomes each month",
             "Head of performance", s, "30/06/2026", "Camp 1", days=8),
        _act("ns-a7", "ns-r3", "Re-key the exits of Westfield customers who left before the 2024 "
             "migration", "Westfield records with a missing exit", "Westfield House", 0,
             "Westfield's caseload and outcomes figures can be trusted", "Central MI analyst", s,
             "29/05/2026", "Camp 1", days=10, baseline=450),
        _act("ns-a8", "ns-r4", "Replace appointment and start counts in advisers' targets with "
             "sustained job outcomes", "Sustained job outcomes (26 weeks)", "ALL", 80,
             "Advisers work towards jobs that last", "Operations director", s, "30/09/2026",
             "Camp 2", days=6),
        _act("ns-a9", "ns-r4", "Pair each Eastgate adviser with a Harbour Street adviser for "
             "weekly case reviews", "Job outcomes", "ALL", 100,
             "The contract reaches its contracted job outcomes", "Operations director", s,
             "30/11/2026", "The summit", days=10),
    ]  # fmt: skip
    publish = [{"id": "ns-p1", "published_by": "Alex Morgan", "published_on": "27/03/2026",
                "note": "Agreed with Helen Carter on 25 March 2026"}]  # fmt: skip
    return {"Recommendations": recs, "Actions": acts, "Publish": publish}


def riverside() -> dict[str, list[Row]]:
    """Two agreed recommendations with one action each."""
    agreed = ("Owen Hughes", "25/03/2026")
    s = "20/03/2026"
    return {
        "Recommendations": [
            _rec("rv-r1", "Customer journey", "Bring Northgate onto Quayside's journey",
                 "Northgate follows the journey that works at Quayside.", "rv-f1", True, *agreed),
            _rec("rv-r2", "Time with customers", "Protect advisers' time with customers",
                 "Fewer internal meetings, more time with customers.", "rv-f2", True, *agreed),
        ],
        "Actions": [
            _act("rv-a1", "rv-r1", "Shadow Quayside advisers for two weeks and adopt their "
                 "journey at Northgate", "Job outcomes", "Northgate Office", 120,
                 "Northgate's customers reach jobs as Quayside's do", "Northgate manager", s,
                 "30/04/2026", "Camp 2", days=5),
            _act("rv-a2", "rv-r2", "Move Northgate's internal meetings to one afternoon a "
                 "week", "Starts", "Northgate Office", 100, "More customers start each month",
                 "Operations manager", s, "31/05/2026", "Camp 2", days=3),
        ],
        "Publish": [{"id": "rv-p1", "published_by": "Priya Shah", "published_on": "27/03/2026"}],
    }  # fmt: skip


def eastfield() -> dict[str, list[Row]]:
    """Two recommendations, one agreed (the client's plan shows only that one)."""
    s = "16/02/2026"
    return {
        "Recommendations": [
            _rec("ef-r1", "Targets & measures", "Set Parkside's targets on job outcomes",
                 "Targets count job outcomes, not sign-ups.", "ef-f1", True, "Nadia Brooks",
                 "18/02/2026"),
            _rec("ef-r2", "Leadership & MI", "A weekly outcomes huddle with live MI",
                 "Managers review outcomes weekly.", "ef-f2", False, "", ""),
        ],
        "Actions": [
            _act("ef-a1", "ef-r1", "Rewrite Parkside advisers' monthly targets around job "
                 "outcomes", "Job outcomes", "Parkside Youth Hub", 80,
                 "Parkside closes the gap to Eastfield Central", "Parkside manager", s,
                 "31/03/2026", "Camp 2", days=3),
            _act("ef-a2", "ef-r2", "Hold a 30-minute outcomes huddle every Monday at both "
                 "sites", "Job outcomes", "ALL", 83, "Managers act on outcomes weekly",
                 "Service manager", s, "31/03/2026", "Camp 2", days=2),
        ],
        "Publish": [{"id": "ef-p1", "published_by": "Alex Morgan", "published_on": "20/02/2026"}],
    }  # fmt: skip


STATUS_UPDATES: dict[str, tuple[str, str, str]] = {
    "ns-a7": ("Done", "All pre-migration exits re-keyed", "05/06/2026"),
    "ns-a5": ("On track", "Huddles running daily since April", "03/07/2026"),
    "ns-a1": ("Late", "Training delayed by adviser turnover", "03/07/2026"),
    "ns-a6": ("On track", "First outcome pack issued in May", "03/07/2026"),
}
"""Northshore's client-reported statuses (action id -> status, note, date)."""

PLANS = {"northshore": northshore, "riverside": riverside, "eastfield": eastfield}


def _day(text: str | None) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def status_rows(plan: dict[str, list[Row]]) -> list[Row]:
    """The client's copy of the exported plan (agreed recommendations), statuses updated."""
    recs = {r["id"]: r for r in plan["Recommendations"] if r["agreed"]}
    rows = []
    for a in plan["Actions"]:
        rec = recs.get(a["recommendation_id"])
        if rec is None:
            continue
        status, note, when = STATUS_UPDATES.get(a["id"], ("Not started", "", None))
        rows.append({"action_id": a["id"], "action_area": rec["action_area"],
                     "recommendation": rec["title"], "task": a["task"],
                     "measure_label": a["measure"], "target": a["target"],
                     "unit": "", "baseline": a["baseline"],
                     "expected_outcome": a["expected_outcome"], "owner": a["owner"],
                     "set_on": _day(a["set_on"]), "target_date": _day(a["target_date"]),
                     "stage": a["stage"], "findings": rec["finding_ids"], "smart": "",
                     "status": None, "status_label": status, "status_note": note,
                     "status_date": _day(when)})  # fmt: skip
    return rows


def write_step5_captures(key: str, folder: Path) -> list[Path]:
    """Write a demo contract's step 5 capture sheet (and northshore's status sheet)."""
    from assessment.capture import save_workbook
    from assessment.recommendations.excel import export_rows, plan_workbook
    from assessment.recommendations.sheets import write_sheet

    make = PLANS.get(key)
    if make is None:
        return []
    plan = make()
    paths = [write_sheet(folder / "captures" / "05_recommendations.xlsx", plan)]
    if key == "northshore":
        rows = export_rows_for_demo(status_rows(plan), export_rows)
        paths.append(
            save_workbook(plan_workbook(rows), folder / "captures" / "06_action_status.xlsx")
        )
    return paths


def export_rows_for_demo(rows: list[Row], export_rows: Any) -> list[Row]:
    """The rows as the exporter formats them, keeping the client's typed status labels."""
    import pandas as pd

    formatted = export_rows(pd.DataFrame(rows))
    for row, typed in zip(formatted, rows, strict=True):
        row["status_label"] = typed["status_label"]
    return formatted
