"""Step 2, intelligence: local knowledge overlaid on the initial opinion, and the scope areas.

The step's public face: notebook ``02_intelligence.ipynb``, the other steps and the report use
only what this module exports. Modules (the anatomy every step follows, see
docs/architecture.md): ``models`` (notes, scope areas), ``store`` (its tables), ``sheets`` (its
capture sheets, registered), ``leaning`` (pure analysis), ``views`` (what the notebook shows),
``editors`` (its forms).
"""

from assessment.intelligence import sheets
from assessment.intelligence.editors import areas_editor, notes_editor
from assessment.intelligence.leaning import leaning_by_hypothesis, leaning_counts
from assessment.intelligence.models import IntelligenceNote, ScopeArea
from assessment.intelligence.store import areas as scope_areas
from assessment.intelligence.store import notes as intelligence_notes
from assessment.intelligence.store import open_store
from assessment.intelligence.views import (
    agreed_areas_table,
    basis_of_opinion,
    hypotheses_view,
    hypothesis_cards,
    leaning,
    leaning_summary,
)

SHEETS = sheets.SHEETS

__all__ = [
    "SHEETS",
    "IntelligenceNote",
    "ScopeArea",
    "agreed_areas_table",
    "areas_editor",
    "basis_of_opinion",
    "hypotheses_view",
    "hypothesis_cards",
    "intelligence_notes",
    "leaning",
    "leaning_by_hypothesis",
    "leaning_counts",
    "leaning_summary",
    "notes_editor",
    "open_store",
    "scope_areas",
]
