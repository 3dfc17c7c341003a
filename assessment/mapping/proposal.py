"""Write a mapping proposal as commented YAML, and merge it into engagement.yaml.

ruamel.yaml reads and writes YAML round-trip: the consultant's comments, key order and quoting
in engagement.yaml survive ``assess map --write``, which replaces only ``inputs.<kind>``.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from assessment.engagement import ENGAGEMENT_FILE, Engagement
from assessment.errors import InputError
from assessment.mapping.detect import Proposal
from assessment.yamlfile import read_yaml_model


def _commented(proposal: Proposal) -> CommentedMap:
    block = CommentedMap()
    for key, value in proposal.block().items():
        block[key] = CommentedMap(value) if isinstance(value, dict) else value
    for key, guess in proposal.guesses.items():
        head, _, rest = key.partition(".")
        target, name = (block[head], rest) if rest else (block, head)
        if isinstance(target, CommentedMap) and name in target:
            target.yaml_add_eol_comment(guess.why, name)
    return block


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    return yaml


def proposal_yaml(proposal: Proposal) -> str:
    """The proposed ``inputs:`` block, each guess with its reason, the things to check above."""
    out = io.StringIO()
    for note in proposal.notes:
        out.write(f"# check: {note}\n")
    _yaml().dump({"inputs": {proposal.kind: _commented(proposal)}}, out)
    return out.getvalue()


def merge_into_engagement(engagement: Engagement, proposal: Proposal) -> Path:
    """Replace ``inputs.<kind>`` of engagement.yaml with the proposal, keeping everything else.

    The merged file is validated before it replaces the old one (written beside it, then
    renamed), so a proposal the model refuses leaves engagement.yaml as it was.

    Raises:
        InputError: The merged file would not be a valid engagement.
    """
    path = engagement.root / ENGAGEMENT_FILE
    yaml = _yaml()
    document = yaml.load(path.read_text(encoding="utf-8"))
    inputs = document.setdefault("inputs", CommentedMap())
    inputs[proposal.kind] = _commented(proposal)
    out = io.StringIO()
    yaml.dump(document, out)
    handle, temporary = tempfile.mkstemp(prefix=".engagement-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(out.getvalue())
        read_yaml_model(Path(temporary), Engagement, "expected a mapping")
        os.replace(temporary, path)
    except InputError as error:
        Path(temporary).unlink(missing_ok=True)
        problems = [p.__class__(str(path), p.message, p.location, p.field) for p in error.problems]
        raise InputError(problems) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
