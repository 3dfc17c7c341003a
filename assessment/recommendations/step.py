"""Step 5 as a step: what the notebook stores at its end (analyse and publish live beside it).

The plan itself is the consultant's entries (:mod:`.store`); publishing freezes it into the
client frames (:mod:`.publishing`); ``save`` refreshes the published plan's progress.
"""

from __future__ import annotations

from assessment.engagement import Engagement
from assessment.presentation import Done
from assessment.recommendations import publishing as pub


def save(engagement: Engagement) -> Done:
    """Refresh the published plan's progress on today's data; say what was stored."""
    if pub.refresh_progress(engagement):
        return Done(f"Stored the action plan's progress in {engagement.store_path.name}.")
    return Done("Nothing published yet: the client report shows no action plan.")
