"""Step 1, data analysis: hard data aligned to the contract's purpose, and the initial opinion.

The notebook ``notebooks/01_data_analysis.ipynb`` calls these functions cell by cell; the client
report shows the stored results through the same views.
"""

from assessment.data_analysis.step import STEP, DataAnalysis, analyse, load, read_inputs, save
from assessment.data_analysis.views import (
    contract_standing,
    flow_charts,
    flow_table,
    headline,
    inputs_summary,
    littles_law_table,
    months_flagged,
    opinion_for_client,
    opinion_table,
    performance_chart,
    performance_table,
    sampling_charts,
    sampling_table,
    trend_chart,
    trend_table,
)

__all__ = [
    "STEP",
    "DataAnalysis",
    "analyse",
    "contract_standing",
    "flow_charts",
    "flow_table",
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
    "trend_chart",
    "trend_table",
]
