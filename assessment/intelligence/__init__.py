"""Step 2, intelligence: local knowledge overlaid on the initial opinion, and the scope areas.

The notebook ``notebooks/02_intelligence.ipynb`` calls these functions cell by cell.
"""

from assessment.intelligence.models import IntelligenceNote, ScopeArea
from assessment.intelligence.store import open_store
from assessment.intelligence.summary import leaning_by_hypothesis, leaning_counts
from assessment.intelligence.views import (
    agreed_areas_table,
    areas_editor,
    basis_of_opinion,
    hypothesis_cards,
    leaning,
    leaning_summary,
    notes_editor,
)

__all__ = [
    "IntelligenceNote",
    "ScopeArea",
    "agreed_areas_table",
    "areas_editor",
    "basis_of_opinion",
    "hypothesis_cards",
    "leaning",
    "leaning_by_hypothesis",
    "leaning_counts",
    "leaning_summary",
    "notes_editor",
    "open_store",
]
