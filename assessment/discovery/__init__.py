"""Step 4, discovery: evidence from every source, coded; hypotheses tested; journeys compared.

Modules (shared parts are imported, never the other way round):

- ``vocabulary``: the coding vocabularies, read from engagement.yaml's ``method`` section;
- ``models``: evidence items, journey steps and findings, and their checks;
- ``analysis``: evidence counts, hypothesis verdicts with triangulation, suggested findings;
- ``journey``: journey consistency, its relation to performance, today against proposed;
- ``confidentiality``: what a client may see (no names, no small groups);
- ``schema`` and ``store``: discovery's tables in the workbook store;
- ``capture``: the Evidence, Journeys and Findings capture sheets, imported all or nothing;
- ``step``: every analysis at once, and the client-safe results stored for the report;
- ``views`` and ``charts``: what the notebook and the report show;
- ``overview`` and ``editors``: notebook 04's sections and forms.
"""

from assessment.discovery.editors import evidence_editor, findings_editor, journey_editor
from assessment.discovery.overview import (
    coverage,
    hypotheses,
    journeys,
    overview,
    today_and_proposed_views,
)
from assessment.discovery.step import STEP, Discovery, analyse, client_frames, save

__all__ = [
    "STEP",
    "Discovery",
    "analyse",
    "client_frames",
    "coverage",
    "evidence_editor",
    "findings_editor",
    "hypotheses",
    "journey_editor",
    "journeys",
    "overview",
    "save",
    "today_and_proposed_views",
]
