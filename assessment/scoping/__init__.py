"""Step 3, scoping: the scope of work in detail, the timetable, resources and costs, agreed.

The notebook ``notebooks/03_scoping.ipynb`` calls these functions cell by cell; the client report
shows ``agreed_scope_for_client``.
"""

from assessment.scoping.models import Activity, Agreement, ScopeItem
from assessment.scoping.store import open_store
from assessment.scoping.summary import check_plan, days_and_cost_by, plan_frame, timetable
from assessment.scoping.views import (
    activities_editor,
    agreed_scope_for_client,
    agreement_editor,
    cost_tables,
    items_editor,
    plan,
    plan_check,
    scope_status,
    timetable_chart,
)

__all__ = [
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
