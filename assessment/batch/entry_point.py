"""The ``assessment`` Papermill engine as Papermill's entry point loads it.

Papermill imports every ``papermill.engine`` entry point while it imports itself, so the class
named there must not import Papermill: this stand-in defers to
:class:`assessment.batch.engine.WarmKernelEngine` on first use (``papermill --engine
assessment``). ``assessment.batch.engine`` registers the real class as soon as it is imported.
"""

from __future__ import annotations

from typing import Any


def _engine() -> Any:
    from assessment.batch.engine import WarmKernelEngine

    return WarmKernelEngine


class WarmKernelEngine:
    """Stand-in for the engine: every call goes to the real class."""

    @classmethod
    def execute_notebook(cls, *args: Any, **kwargs: Any) -> Any:
        """See :meth:`papermill.engines.Engine.execute_notebook`."""
        return _engine().execute_notebook(*args, **kwargs)

    @classmethod
    def nb_kernel_name(cls, *args: Any, **kwargs: Any) -> Any:
        """See :meth:`papermill.engines.Engine.nb_kernel_name`."""
        return _engine().nb_kernel_name(*args, **kwargs)

    @classmethod
    def nb_language(cls, *args: Any, **kwargs: Any) -> Any:
        """See :meth:`papermill.engines.Engine.nb_language`."""
        return _engine().nb_language(*args, **kwargs)
