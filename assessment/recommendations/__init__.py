"""Step 5, recommendations: agreed recommendations, a SMART action plan and the roadmap.

The notebook ``notebooks/05_recommendations.ipynb`` calls these functions cell by cell; the
client report shows ``action_plan_for_client``, ``roadmap_for_client``, ``value_for_client``,
``progress_for_client`` and the executive summary's ``most_valuable_actions``.
"""

from assessment.recommendations.captures import import_captures, import_file, write_sheet
from assessment.recommendations.client import (
    action_plan_for_client,
    most_valuable_actions,
    progress_for_client,
    recent_level,
    roadmap_for_client,
    value_for_client,
)
from assessment.recommendations.excel import export_plan, import_status
from assessment.recommendations.models import Action, Publication, Recommendation
from assessment.recommendations.publishing import publish
from assessment.recommendations.store import open_store, save_plan
from assessment.recommendations.views import (
    actions_editor,
    findings_table,
    import_pending,
    publish_editor,
    publish_pending,
    publish_status,
    recommendations_editor,
    save,
    smart_check,
    value_and_cost,
)

__all__ = [
    "Action",
    "Publication",
    "Recommendation",
    "action_plan_for_client",
    "actions_editor",
    "export_plan",
    "findings_table",
    "import_captures",
    "import_file",
    "import_pending",
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
    "smart_check",
    "value_and_cost",
    "value_for_client",
    "write_sheet",
]
