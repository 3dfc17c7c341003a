"""Imported by the batch's fork server only (its preload): the fork server ends with its batch.

Python's fork server outlives the process that started it when that process is killed (its
"alive" pipe is not watched while it waits), and it keeps its workers' parent alive. Importing
this module arms Linux's parent-death signal in the fork server, so ``kill -9`` of ``assess
batch`` ends the fork server at once; the workers then get their own parent-death signal
(:func:`assessment.batch.local.die_with_parent`), their kernel templates see their pipe close and
their kernels see their parent go. Nothing else may import this module.
"""

from __future__ import annotations

from assessment.batch.local import die_with_parent

die_with_parent()
