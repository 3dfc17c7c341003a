"""``assess map``: propose the ``inputs:`` block of engagement.yaml for a client's file.

:mod:`~assessment.mapping.detect` reads the file as it is (any sheet, title rows, any common
encoding) and guesses, with a reason for each guess, where the header is, the layout and which
column holds each of our fields; :mod:`~assessment.mapping.proposal` writes the proposal as
commented YAML and merges it into engagement.yaml, keeping the consultant's comments.
"""

from assessment.mapping.detect import Guess, Proposal, propose
from assessment.mapping.proposal import merge_into_engagement, proposal_yaml

__all__ = ["Guess", "Proposal", "merge_into_engagement", "proposal_yaml", "propose"]
