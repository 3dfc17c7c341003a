"""Assessment Workbook: a five-step client improvement engagement as tested Python functions.

The notebooks in ``notebooks/`` are thin: each cell calls a function of this package and shows what
it returns. Steps live in their own sub-packages; shared parts (engagement model, inputs, store,
charts, report, runner, cli) never import a step.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assessment-workbook")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
