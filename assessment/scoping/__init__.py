"""Step 3, scoping: the scope of work in detail, the timetable, resources and costs, agreed.

The step's public face: notebook ``03_scoping.ipynb``, the other steps and the report use only
what this module exports (the report shows ``agreed_scope_for_client``). Modules (the anatomy
every step follows, see docs/architecture.md): ``models``, ``store`` (its tables and agreed
versions), ``sheets`` (its capture sheets, registered), ``timetable`` (pure analysis: plan,
days and cost, checks), ``views`` (what the notebook shows), ``editors`` (its forms), ``client``
(its report section), ``charts`` (the Gantt chart).
"""

from assessment.scoping import sheets
from assessment.scoping.client import agreed_scope_for_client
from assessment.scoping.editors import activities_editor, agreement_editor, items_editor
from assessment.scoping.models import Activity, Agreement, ScopeItem
from assessment.scoping.store import open_store
from assessment.scoping.timetable import check_plan, days_and_cost_by, plan_frame, timetable
from assessment.scoping.views import (
    cost_tables,
    plan,
    plan_check,
    scope_status,
    timetable_chart,
)

SHEETS = sheets.SHEETS

__all__ = [
    "SHEETS",
    "Activity",
    "Agreement",
    "ScopeItem",
    "activities_editor",
    "agreed_scope_for_client",
    "agreement_editor",
    "check_plan",
    "cost_tables",
    "days_and_cost_by",
    "items_editor",
    "open_store",
    "plan",
    "plan_check",
    "plan_frame",
    "scope_status",
    "timetable",
    "timetable_chart",
]
