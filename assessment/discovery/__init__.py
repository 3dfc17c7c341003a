"""Step 4, discovery: evidence from every source, coded; hypotheses tested; journeys compared.

Modules (shared parts are imported, never the other way round):

- ``vocabulary``: the coding vocabularies, read from engagement.yaml's ``method`` section;
- ``models``: evidence items, journey steps and findings, and their checks;
- ``analysis``: evidence counts, hypothesis verdicts with triangulation, suggested findings;
- ``journey``: journey consistency, its relation to performance, today against proposed;
- ``confidentiality``: what a client may see (no names, no small groups);
- ``schema`` and ``store``: discovery's tables in the workbook store;
- ``step``: every analysis at once, and the client-safe results stored for the report;
- ``views`` and ``charts``: what the notebook and the report show.
"""

from assessment.discovery.step import STEP, Discovery, analyse, client_frames, save

__all__ = ["STEP", "Discovery", "analyse", "client_frames", "save"]
