"""Step 4, discovery: evidence from every source, coded; hypotheses tested; journeys compared.

The step's public face: notebook ``04_discovery.ipynb``, the other steps and the report use only
what this module exports. Modules (the anatomy every step follows, see docs/architecture.md):
- ``vocabulary``: the coding vocabularies, read from engagement.yaml's ``method`` section;
- ``models``: evidence items, journey steps and findings; ``validation``: a batch of them
  checked whole against the engagement's references;
- ``schema`` and ``store``: discovery's tables in the workbook store;
- ``sheets``: the Evidence, Journeys and Findings capture sheets, registered;
- pure analysis: ``analysis`` (counts, verdicts, suggested findings), ``journey`` (consistency,
  performance, today against proposed), ``confidentiality`` (no names, no small groups);
- ``step``: every analysis at once, and the client-safe results stored for the report;
- ``views`` (tables) and ``overview`` (the notebook's sections): what the notebook shows;
- ``editors``: its forms; ``client``: its report sections; ``charts``.
"""

from assessment.discovery import sheets
from assessment.discovery.client import (
    findings_for_client,
    journey_change_for_client,
    journeys_for_client,
)
from assessment.discovery.confidentiality import known_names, redact
from assessment.discovery.editors import evidence_editor, findings_editor, journey_editor
from assessment.discovery.overview import (
    coverage,
    hypotheses,
    journeys,
    overview,
    today_and_proposed_views,
)
from assessment.discovery.step import STEP, Discovery, analyse, client_frames, save
from assessment.discovery.store import evidence as stored_evidence
from assessment.discovery.store import findings as stored_findings

SHEETS = sheets.SHEETS

__all__ = [
    "SHEETS",
    "STEP",
    "Discovery",
    "analyse",
    "client_frames",
    "coverage",
    "evidence_editor",
    "findings_editor",
    "findings_for_client",
    "hypotheses",
    "journey_change_for_client",
    "journey_editor",
    "journeys",
    "journeys_for_client",
    "known_names",
    "overview",
    "redact",
    "save",
    "stored_evidence",
    "stored_findings",
    "today_and_proposed_views",
]
