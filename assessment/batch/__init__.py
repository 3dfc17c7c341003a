"""Batch runs: every contract of a portfolio, in parallel, each in a run folder of its own.

``assess batch portfolio.yaml`` reads the portfolio (:mod:`.portfolio`), runs each contract's
notebooks on one warmed kernel of its own (:mod:`.engine`, :mod:`.contract`) on local worker
processes (:mod:`.local`) or a Dask cluster (:mod:`.cluster`), shows progress (:mod:`.progress`)
and writes a JSON summary (:mod:`.summary`) and an offline portfolio index page (:mod:`.index`).
"""

from typing import Any

__all__ = [
    "BatchSummary",
    "ContractEntry",
    "Portfolio",
    "load_portfolio",
    "run_batch",
    "run_with_kernel",
]
_HOME = {
    "BatchSummary": "assessment.batch.summary",
    "ContractEntry": "assessment.batch.portfolio",
    "Portfolio": "assessment.batch.portfolio",
    "load_portfolio": "assessment.batch.portfolio",
    "run_batch": "assessment.batch.run",
    "run_with_kernel": "assessment.batch.contract",
}


def __getattr__(name: str) -> Any:
    """Import lazily: Papermill loads ``assessment.batch.engine`` while it imports itself."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOME[name]), name)
