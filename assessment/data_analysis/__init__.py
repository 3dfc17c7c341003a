"""Step 1, data analysis: hard data aligned to the contract's purpose, and the initial opinion.

The step's public face: notebook ``01_data_analysis.ipynb`` calls these functions cell by cell;
the report shows the stored results through the same views, and ``client`` adds what only the
report shows. Modules (the anatomy every step follows, see docs/architecture.md): pure analysis
(``performance``, ``flow``, ``work_sampling``, ``trends``, ``comparisons``, ``incidence``
(the one chance of an outcome), ``survival``,
``opinion``, whose ``Hypothesis`` is the step's model); ``step`` (read inputs, analyse, save,
load; its results live in the shared ``frames`` and ``hypotheses`` tables, so it has no ``store``
or ``sheets`` of its own); ``views`` with ``flow_views`` and ``sampling_views`` (what the
notebook shows, per section); ``client`` (the report's sections); ``charts`` with
``outcome_charts`` and ``work_sampling_charts``.
"""

from assessment.data_analysis.client import (
    contract_standing,
    data_quality_for_client,
    opinion_for_client,
)
from assessment.data_analysis.flow_plan_views import (
    flow_plan_assumptions,
    flow_plan_capacity_table,
    flow_plan_chart,
    flow_plan_levers_table,
    flow_plan_months_table,
    flow_plan_table,
)
from assessment.data_analysis.flow_views import (
    flow_charts,
    flow_table,
    littles_law_table,
    time_to_outcome_table,
)
from assessment.data_analysis.sampling_views import sampling_charts, sampling_table
from assessment.data_analysis.step import (
    STEP,
    DataAnalysis,
    analyse,
    freeze_opinion,
    load,
    read_inputs,
    save,
)
from assessment.data_analysis.views import (
    headline,
    inputs_summary,
    months_flagged,
    opinion_table,
    performance_chart,
    performance_table,
    trend_chart,
    trend_table,
)

__all__ = [
    "STEP",
    "DataAnalysis",
    "analyse",
    "contract_standing",
    "data_quality_for_client",
    "flow_charts",
    "flow_plan_assumptions",
    "flow_plan_capacity_table",
    "flow_plan_chart",
    "flow_plan_levers_table",
    "flow_plan_months_table",
    "flow_plan_table",
    "flow_table",
    "freeze_opinion",
    "headline",
    "inputs_summary",
    "littles_law_table",
    "load",
    "months_flagged",
    "opinion_for_client",
    "opinion_table",
    "performance_chart",
    "performance_table",
    "read_inputs",
    "sampling_charts",
    "sampling_table",
    "save",
    "time_to_outcome_table",
    "trend_chart",
    "trend_table",
]
