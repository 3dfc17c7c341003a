"""Read a YAML file into a pydantic model, reporting every problem with its YAML line.

engagement.yaml and portfolio.yaml are both read here, so a consultant and a delivery lead get
the same kind of message: the file, the line, the key path and what was expected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assessment.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)


def read_yaml_model(path: Path, model: type[M], expected: str) -> tuple[M, yaml.Node | None]:
    """Parse ``path`` and validate it as ``model``.

    Args:
        path: The YAML file (it must exist).
        model: The pydantic model the file describes.
        expected: What the top level should be, said when it is not a mapping.

    Returns:
        The validated model and the composed YAML tree (to point later problems at lines).

    Raises:
        InputError: Invalid YAML (with its line), or every validation problem with its line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError.single(
            path,
            "is not UTF-8 text: save it as UTF-8 (any text editor can)",
            location=f"line {line}",
        ) from exc
    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        problem = plain_yaml_problem(exc, text)
        raise InputError.single(path, problem, location=line) from exc
    repeated = repeated_keys(node)
    if repeated:
        raise InputError(
            [
                Problem(str(path), f"'{key}' is given twice in the same section", f"line {n}")
                for key, n in repeated
            ]
        )
    if not isinstance(data, dict):
        raise InputError.single(path, expected)
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        raise InputError([yaml_problem(path, node, err) for err in exc.errors()]) from exc


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The composed tree (for line numbers) and the data, from one parse of ``text``.

    libyaml (``CSafeLoader``) parses a 200-site engagement.yaml in 8 ms where the pure-Python
    parser takes 130 ms (twice that when composing and loading separately); a file it rejects is
    parsed again by the pure-Python parser, whose messages ``plain_yaml_problem`` translates.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    for loader_class in (FastLoader, Loader) if fast is not None else (Loader,):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
            return node, data
        except yaml.YAMLError:
            if loader_class is Loader:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable: the pure-Python loader returns or raises")


_PLAIN = (
    (
        "mapping values are not allowed",
        "a ':' where YAML expected none: this line is indented more than the keys above "
        "it, or a value holding ': ' needs quotes",
    ),
    (
        "expected <block end>",
        "this line's indentation does not line up with the lines above it: use the same "
        "number of spaces as the other keys of its section",
    ),
    (
        "could not find expected ':'",
        "a line of a section without 'key: value' (a missing ':' or an unclosed quote)",
    ),
    (
        "cannot start any token",
        "a character YAML cannot start a value with here (a tab? use spaces)",
    ),
    ("found unexpected end of stream", "a quote or bracket opened and never closed"),
    ("expected ',' or ']'", "a list in [...] that is not closed, or items without a ','"),
    ("expected ',' or '}'", "a mapping in {...} that is not closed, or items without a ','"),
    (
        "found undefined alias",
        "a value starting with '*' (YAML reads it as a reference): put it in quotes",
    ),
    (
        "expected alphabetic or numeric character",
        "a value starting with '*' or '&' (YAML reads a reference): put it in quotes",
    ),
)


def plain_yaml_problem(error: yaml.YAMLError, text: str) -> str:
    """A parser's complaint in plain words, with the line it is about quoted."""
    problem = getattr(error, "problem", None) or str(error)
    said = next((plain for marker, plain in _PLAIN if marker in problem), None)
    message = f"not valid YAML: {said or problem}"
    mark = getattr(error, "problem_mark", None)
    lines = text.splitlines()
    if mark is not None and 0 <= mark.line < len(lines) and lines[mark.line].strip():
        message += f' (the line reads: "{lines[mark.line].strip()[:80]}")'
    return message


def repeated_keys(node: yaml.Node | None) -> list[tuple[str, int]]:
    """Keys given twice in one mapping (YAML keeps the last silently), with their lines."""
    found = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    found.append((key.value, key.start_mark.line + 1))
                seen.add(getattr(key, "value", ""))
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found, key=lambda item: item[1])


class Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text.

    PyYAML turns ``2025-02-30`` into a bare ValueError with no line; as text, pydantic parses
    the date and reports a bad one like any other value, with its key path and line.
    """


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``Loader`` on libyaml's parser (where PyYAML was built with it): the same data and lines."""


FastLoader.yaml_implicit_resolvers = Loader.yaml_implicit_resolvers


def yaml_problem(path: Path, root: yaml.Node | None, error: Any) -> Problem:
    """Turn one pydantic error into a Problem that names the YAML key path and line."""
    loc = [part for part in error["loc"] if not str(part).startswith(("function-", "literal["))]
    dotted = ".".join(str(p) for p in loc) or None
    node = node_at(root, loc)
    # an error of the whole file (cross-references) has no line of its own: its message names
    # the keys, and the first line of the file would only mislead
    line = f"line {node.start_mark.line + 1}" if node is not None and loc else None
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (check the spelling against the commented templates in templates/)"
    elif error["type"] == "missing":
        message = "required key is missing"
    elif error["type"] != "model_type" and not isinstance(error.get("input"), dict | list | None):
        # echo a single value; a whole section (a mapping or list) is in the file already
        message = f"{message} (got {error['input']!r})"
    return Problem(str(path), message, location=line, field=dotted)


def node_at(node: yaml.Node | None, loc: list[Any]) -> yaml.Node | None:
    """Follow a pydantic location through the composed YAML tree; the deepest node found."""
    for depth, part in enumerate(loc, start=1):
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == str(part)]
            if not match:
                return node
            # the last key is pointed at itself: a nested mapping or list as its value starts on
            # the next line, but the consultant looks for the (misspelt or wrong) key
            key_node, value_node = match[0]
            node = key_node if depth == len(loc) else value_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node
