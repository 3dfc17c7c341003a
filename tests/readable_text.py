"""Text as a client reads it, for tests that compare words.

Every date and month a client reads is kept on one line with non-breaking spaces ("30 Jun 2026",
"Apr–Jun 2026": :func:`assessment.periods.date_text`); a test comparing the words reads them as
spaces. The tests of the dates themselves assert the non-breaking spaces.
"""

from __future__ import annotations

NBSP = "\u00a0"


def plain(text: str) -> str:
    """``text`` with each non-breaking space read as a space."""
    return text.replace(NBSP, " ")
