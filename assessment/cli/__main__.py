"""``python -m assessment.cli``: the ``assess`` command (tests and benchmarks start it so)."""

import sys

from assessment.cli import main

sys.exit(main())
