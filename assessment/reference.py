"""The reference of engagement.yaml, generated from the model: a JSON Schema and a Markdown page.

The engagement model (:mod:`assessment.engagement`) is the one source: the JSON Schema shipped in
the package lets YAML editors complete and check keys as the consultant types (the template's
first line points at it), and docs/engagement-reference.md lists every key with its type,
whether it is required, its default and an example taken from the commented template. A test
fails when either file is older than the model; ``assess schema --write`` renews both.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from assessment.engagement import ENGAGEMENT_FILE, Engagement
from assessment.inputs import CASELOAD_COLUMNS, KPI_COLUMNS, SAMPLING_COLUMNS
from assessment.paths import templates_dir

SCHEMA_FILE = Path(__file__).resolve().parent / "engagement.schema.json"
"""The JSON Schema of engagement.yaml, shipped with the package."""

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "docs" / "engagement-reference.md"
"""The Markdown reference (in the repository's docs)."""

_TEMPLATE_VALUES = {"{client}": "Acme Health", "{start}": "2025-04-01", "{end}": "2027-03-31"}


def engagement_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of engagement.yaml."""
    schema = Engagement.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "engagement.yaml (Assessment Workbook)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as the file shipped in the package holds it."""
    return json.dumps(engagement_schema(), indent=2, ensure_ascii=False) + "\n"


def reference_text() -> str:
    """docs/engagement-reference.md: every key, its type, required or not, default, example."""
    example = _examples()
    lines = [
        "# engagement.yaml reference",
        "",
        "<!-- Generated from assessment/engagement.py by `assess schema --write`; "
        "do not edit by hand. -->",
        "",
        "Every key of `engagement.yaml`, generated from the engagement model. *Required* keys "
        "must be given when their section is; the others take the default shown. Examples "
        "come from the commented template (`assess new`) or the demo engagements. A YAML "
        "editor with the YAML language server completes and checks keys from the JSON "
        "Schema (`assess schema`) that the template's first line names.",
        "",
        "Mappings of the client's files always go **our key → their name**: `columns:` maps "
        "our field to their column, `measures:` maps a KPI key to their measure name (long "
        "layout) or to their column of actuals (wide layout), `targets:` maps a KPI key to "
        "their column of targets (wide layout).",
        "",
    ]
    for section, model, many in _sections():
        lines += [f"## `{section}`", "", _first_paragraph(model), ""]
        lines += [
            "| key | type | required | default | example | meaning |",
            "|---|---|---|---|---|---|",
        ]
        lines += [_row(row, example) for row in _rows(model, section, many)]
        lines.append("")
    lines += _our_fields()
    return "\n".join(lines).rstrip() + "\n"


def _sections() -> Iterator[tuple[str, type[BaseModel], bool]]:
    yield "(top level)", Engagement, False
    for name, info in Engagement.model_fields.items():
        model, many = _model_of(info.annotation)
        if model is not None:
            yield name, model, many


def _rows(model: type[BaseModel], prefix: str, many: bool) -> Iterator[dict[str, Any]]:
    base = "" if prefix == "(top level)" else prefix + ("[]" if many else "")
    for name, info in model.model_fields.items():
        path = f"{base}.{name}" if base else name
        nested, nested_many = _model_of(info.annotation)
        yield {
            "path": path,
            "type": _type_name(info.annotation),
            "required": info.is_required(),
            "default": _default(info),
            "description": info.description
            or _attribute_doc(model, name)
            or (_first_paragraph(nested) if nested else ""),
            "section": nested is not None,
            "examples": info.examples or [],
        }
        if nested is not None and base:  # top-level sections have a table of their own
            yield from _rows(nested, path, nested_many)


def _row(row: dict[str, Any], examples: list[dict[str, Any]]) -> str:
    found = (_lookup(example, row["path"]) for example in examples)
    value = next((v for v in found if v is not _MISSING), _MISSING)
    if value is _MISSING and row["examples"]:
        value = row["examples"][0]
    shown = "" if value is _MISSING else _short(value)
    if row["section"]:  # a section's own table shows its keys and examples
        shown = f"see `{row['path']}` below" if "." not in row["path"] else ""
    cells = [
        f"`{row['path']}`",
        row["type"],
        "yes" if row["required"] else "no",
        row["default"],
        shown,
        row["description"],
    ]
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _our_fields() -> list[str]:
    return [
        "## Our fields of each extract",
        "",
        "The keys `columns:` maps to the client's column names (a column left out is looked "
        "for under our own name).",
        "",
        "| extract | our fields (required first) |",
        "|---|---|",
        f"| `inputs.kpi` | {', '.join(KPI_COLUMNS)} (target optional) |",
        f"| `inputs.caseload` | {', '.join(CASELOAD_COLUMNS)} (the last three optional) |",
        f"| `inputs.work_sampling` | {', '.join(SAMPLING_COLUMNS)} |",
        "",
    ]


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally or as a list of them), and if a list."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], True
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _model_of(args[0])
    return None, False


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        named = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or null" if type(None) in args else "")
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping {_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    names = {str: "text", int: "integer", float: "number", bool: "true/false"}
    if annotation in names:
        return names[annotation]
    return getattr(annotation, "__name__", str(annotation)).replace("date", "date (YYYY-MM-DD)")


def _default(info: Any) -> str:
    if info.is_required():
        return ""
    value = info.default_factory() if info.default_factory is not None else info.default
    if value is PydanticUndefined or value is None:
        return ""
    if isinstance(value, BaseModel):
        return "(see its keys)"
    return _short(value)


def _short(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, dict | list) and not value:
        return "`[]`" if isinstance(value, list) else "`{}`"
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return f"`{text[:57]}…`" if len(text) > 60 else f"`{text}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


_MISSING = object()


def _lookup(data: Any, path: str) -> Any:
    """The template's value at a dotted path; ``[]`` takes the first item that has the rest."""
    head, _, rest = path.partition(".")
    key = head.removesuffix("[]")
    if not isinstance(data, dict) or key not in data:
        return _MISSING
    value = data[key]
    if head.endswith("[]"):
        items = value if isinstance(value, list) else []
        found = (_lookup(item, rest) if rest else item for item in items)
        return next((v for v in found if v is not _MISSING), _MISSING)
    return _lookup(value, rest) if rest else value


def _examples() -> list[dict[str, Any]]:
    """The commented template first, then the demo engagements (which map real files)."""
    text = (templates_dir() / "engagement" / ENGAGEMENT_FILE).read_text(encoding="utf-8")
    for placeholder, value in _TEMPLATE_VALUES.items():
        text = text.replace(placeholder, value)
    demos = sorted((REFERENCE_FILE.parents[1] / "data" / "demo").glob("*/engagement.yaml"))
    return [yaml.safe_load(text)] + [yaml.safe_load(p.read_text(encoding="utf-8")) for p in demos]


def _attribute_doc(model: type[BaseModel], name: str) -> str:
    """A field's line in the ``Attributes:`` section of its model's docstring (Google style)."""
    doc = model.__doc__ or ""
    _, found, attributes = doc.partition("Attributes:")
    if not found:
        return ""
    lines = attributes.splitlines()
    for number, line in enumerate(lines):
        if line.strip().startswith(f"{name}:"):
            text = [line.strip().removeprefix(f"{name}:").strip()]
            for more in lines[number + 1 :]:
                if not more.strip() or ":" in more.split()[0]:
                    break
                text.append(more.strip())
            return " ".join(text)
    return ""


def _first_paragraph(model: type[BaseModel] | None) -> str:
    doc = (model.__doc__ or "") if model else ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def write_reference() -> list[Path]:
    """Renew the shipped schema and the Markdown reference; returns the files rewritten."""
    written = []
    for path, text in ((SCHEMA_FILE, schema_text()), (REFERENCE_FILE, reference_text())):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
