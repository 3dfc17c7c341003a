"""One chart as offline HTML: a figure with its static SVG and its Vega-Lite spec.

Importing this module (which :mod:`assessment.charts` does) registers and enables the Altair
renderer ``assessment``. It emits a ``<figure class="aw-chart">`` holding a static SVG drawn by
vl-convert plus the spec in a ``<script type="application/json">``: JupyterLab shows the SVG as it
is; the report page upgrades it with :data:`assessment.charts.UPGRADE_SCRIPT`.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import altair as alt
import vl_convert as vlc

from assessment.svgserver import to_svg

_figure_numbers = itertools.count(1)
_SCHEMA_VERSION = re.compile(r"/v(\d+)\.(\d+)")


@functools.lru_cache(maxsize=1)
def _available_vl_versions() -> tuple[tuple[int, int], ...]:
    versions = []
    for text in vlc.get_vegalite_versions():
        major, minor = text.lstrip("v").replace("_", ".").split(".")[:2]
        versions.append((int(major), int(minor)))
    return tuple(sorted(versions))


def vl_version(schema_url: str | None = None) -> str | None:
    """Return the vl-convert version string ("6.4") matching a Vega-Lite ``$schema`` URL.

    Falls back to the newest bundled minor of the same major, then to vl-convert's default.
    """
    match = _SCHEMA_VERSION.search(schema_url or alt.SCHEMA_URL)
    if not match:
        return None
    wanted = (int(match.group(1)), int(match.group(2)))
    candidates = [v for v in _available_vl_versions() if v[0] == wanted[0] and v <= wanted]
    if not candidates:
        return None
    major, minor = candidates[-1]
    return f"{major}.{minor}"


def _without_non_finite(value: Any) -> Any:
    """Replace NaN and infinities (invalid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _without_non_finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_non_finite(item) for item in value]
    return value


def spec_json_for_script(spec: Mapping[str, Any]) -> str:
    r"""Serialise a spec as JSON that can sit inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\u003c``, ``\u003e`` and ``\u0026`` (valid JSON escapes), so
    no string in the data can close the script element or open a comment; ``JSON.parse`` and
    ``json.loads`` read back the very same values.
    """
    try:
        text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        text = json.dumps(
            _without_non_finite(spec), ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_SVG_ID = re.compile(r'(?<![\w:-])id="([^"]+)"')


def _scope_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id of an SVG (clip paths, gradients) so inline SVGs of one page never clash.

    Vega numbers clip paths per process and gradients per chart, so two inline SVGs of a page can
    both define ``clip1``; the second would then be clipped by the first one's rectangle.
    """
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg
    svg = _SVG_ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def _chart_title(spec: Mapping[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title) if title else "Chart"


def _spec_of(chart: alt.TopLevelMixin | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(chart, Mapping):
        return dict(chart)
    return chart.to_dict(context={"pre_transform": False})


def chart_html(chart: alt.TopLevelMixin | Mapping[str, Any]) -> str:
    """Return the HTML of one chart: a figure with its static SVG and its Vega-Lite spec.

    Args:
        chart: An Altair chart, or a Vega-Lite spec as a dict (what Altair hands a renderer).

    Returns:
        ``<figure class="aw-chart" id="aw-chart-N">`` holding ``<div class="aw-chart-static">``
        with the SVG and ``<script type="application/json" class="aw-spec">`` with the spec.

    Raises:
        ValueError: The chart loads its data from a URL (charts must carry their data inline:
            a report never fetches anything), or vl-convert cannot draw the spec.
    """
    spec = _spec_of(chart)
    figure_id = f"aw-chart-{next(_figure_numbers)}"
    # the batch's kernels share one warm vl-convert runtime (see assessment.svgserver)
    svg = to_svg(spec, vl_version=vl_version(spec.get("$schema")), allowed_base_urls=[])
    svg = _scope_svg_ids(svg, figure_id)
    label = html.escape(_chart_title(spec), quote=True)
    return (
        f'<figure class="aw-chart" id="{figure_id}" aria-label="{label}">'
        f'<div class="aw-chart-static">{svg}</div>'
        f'<script type="application/json" class="aw-spec">{spec_json_for_script(spec)}</script>'
        "</figure>"
    )


def render_mimebundle(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    """Altair renderer ``assessment``: ``text/html`` (figure with SVG + spec) and ``text/plain``.

    Args:
        spec: The Vega-Lite spec Altair produced.
        **metadata: Renderer options given to ``alt.renderers.enable``; none are used.

    Returns:
        A mimebundle that is valid nbformat, needs no JavaScript to show, and no internet.
    """
    del metadata
    return {"text/html": chart_html(spec), "text/plain": f"<Chart: {_chart_title(spec)}>"}


alt.renderers.register("assessment", render_mimebundle)
alt.renderers.enable("assessment")
