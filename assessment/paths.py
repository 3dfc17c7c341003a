"""Where the workbook's own files are: notebooks and templates beside the package.

The package is installed in editable mode by ``make``; the environment variables let a packaged
install point at copies elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def notebooks_dir() -> Path:
    """The step notebooks (``ASSESS_NOTEBOOKS`` overrides)."""
    return Path(os.environ.get("ASSESS_NOTEBOOKS") or _ROOT / "notebooks")


def templates_dir() -> Path:
    """Engagement scaffold, capture sheets and report templates (``ASSESS_TEMPLATES``)."""
    return Path(os.environ.get("ASSESS_TEMPLATES") or _ROOT / "templates")
