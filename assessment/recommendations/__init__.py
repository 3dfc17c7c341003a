"""Step 5, recommendations: agreed recommendations, a SMART action plan and the roadmap.

The step's public face: notebook ``05_recommendations.ipynb``, the report and the CLI use only
what this module exports (the report shows ``action_plan_for_client``, ``roadmap_for_client``,
``value_for_client``, ``progress_for_client`` and the executive summary's
``most_valuable_actions``). Modules (the anatomy every step follows, see docs/architecture.md):
``models``, ``store`` (its tables, the draft plan), ``sheets`` (its capture sheets, registered),
pure analysis (``plan``, ``smart``, ``measures``, ``value``, ``roadmap``), ``publishing`` and
``excel`` (the plan published and exported), ``step`` (save), ``views`` (what the notebook
shows), ``editors`` (its forms), ``client`` (its report sections), ``charts``.
"""

from assessment.recommendations import sheets
from assessment.recommendations.client import (
    action_plan_for_client,
    most_valuable_actions,
    progress_for_client,
    recent_level,
    roadmap_for_client,
    value_for_client,
)
from assessment.recommendations.editors import (
    actions_editor,
    publish_editor,
    recommendations_editor,
)
from assessment.recommendations.excel import export_plan, import_status
from assessment.recommendations.models import Action, Publication, Recommendation
from assessment.recommendations.publishing import publish
from assessment.recommendations.sheets import write_sheet
from assessment.recommendations.step import save
from assessment.recommendations.store import open_store, save_plan
from assessment.recommendations.views import (
    findings_table,
    publish_pending,
    publish_status,
    smart_check,
    value_and_cost,
)
from assessment.recommendations.what_if import scenarios_for_client, what_if_panel

SHEETS = sheets.SHEETS

__all__ = [
    "SHEETS",
    "Action",
    "Publication",
    "Recommendation",
    "action_plan_for_client",
    "actions_editor",
    "export_plan",
    "findings_table",
    "import_status",
    "most_valuable_actions",
    "open_store",
    "progress_for_client",
    "publish",
    "publish_editor",
    "publish_pending",
    "publish_status",
    "recent_level",
    "recommendations_editor",
    "roadmap_for_client",
    "save",
    "save_plan",
    "scenarios_for_client",
    "smart_check",
    "value_and_cost",
    "value_for_client",
    "what_if_panel",
    "write_sheet",
]
