"""The house look of every chart, and the report page's side of offline rendering.

Importing this module registers and enables the Altair theme ``assessment`` and (through
:mod:`assessment.chart_rendering`) the renderer ``assessment``, which draws each chart as a
``<figure class="aw-chart">`` with a static SVG and its Vega-Lite spec. The report page (see
:mod:`assessment.static_report`) inlines one Vega bundle (:func:`javascript_bundle`) and
:data:`UPGRADE_SCRIPT`, which turns every figure into an interactive chart. Nothing is ever loaded
from a CDN.

Each step keeps its own chart functions (for example :mod:`assessment.data_analysis.charts`);
they use the theme and constants defined here.
"""

from __future__ import annotations

import functools
import re

import altair as alt
import vl_convert as vlc

from assessment.chart_rendering import vl_version

__all__ = [
    "BAR_STEP",
    "BELOW_COLOUR",
    "CONTRACT_COLOUR",
    "FONT",
    "MEETING_COLOUR",
    "PALETTE",
    "UPGRADE_SCRIPT",
    "WIDTH",
    "javascript_bundle",
]

# --------------------------------------------------------------------------------------------
# House style
# --------------------------------------------------------------------------------------------

FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "Liberation Sans", sans-serif'
)
"""System font stack: no web fonts, so nothing is fetched and print matches the screen."""

INK = "#1f2933"
MUTED_INK = "#52606d"
GRID = "#e4e7eb"
DOMAIN = "#9aa5b1"

PALETTE = [
    "#1f4e79",  # deep blue
    "#2a9d8f",  # teal
    "#e09f3e",  # ochre
    "#6d597a",  # plum
    "#8d99ae",  # slate grey
    "#3a7ca5",  # mid blue
    "#b56576",  # dusty rose
    "#52796f",  # sage
    "#9c6644",  # umber
    "#4d908e",  # sea green
]
"""Calm categorical palette used for sites."""

CONTRACT_COLOUR = "#7a1f3d"
"""Colour of the contract (target) line, drawn dashed."""

MEETING_COLOUR = "#2f7d5b"
"""Colour of what meets the contract or confirms (good news), in every chart."""
BELOW_COLOUR = "#c8553d"
"""Colour of what falls short or refutes (bad news), in every chart."""

WIDTH = 560
"""Default plot width in pixels; the report column is wider, and the SVG scales down."""

BAR_STEP = 26


@alt.theme.register("assessment", enable=True)
def assessment_theme() -> alt.theme.ThemeConfig:
    """Return the house theme: calm colours, system fonts, light grid, titles anchored left."""
    return {
        "background": "#ffffff",
        "padding": 8,
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "title": {
                "anchor": "start",
                "color": INK,
                "fontSize": 15,
                "fontWeight": 600,
                "subtitleColor": MUTED_INK,
                "subtitleFontSize": 12,
                "subtitlePadding": 4,
                "offset": 14,
            },
            "axis": {
                "labelColor": MUTED_INK,
                "labelFontSize": 11,
                "titleColor": INK,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "titlePadding": 8,
                "gridColor": GRID,
                "domainColor": DOMAIN,
                "tickColor": DOMAIN,
            },
            "axisBand": {"grid": False, "ticks": False, "labelPadding": 6},
            "legend": {
                "labelColor": MUTED_INK,
                "labelFontSize": 11,
                "titleColor": INK,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "symbolType": "circle",
                # Room for text measured with another font than the reader's (static SVG).
                "columnPadding": 18,
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": INK},
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0], "cornerRadiusEnd": 2},
            "line": {"strokeWidth": 2.5},
            "point": {"filled": True, "size": 55},
            "rule": {"color": CONTRACT_COLOUR},
            "text": {"color": INK, "fontSize": 11},
        },
    }


# --------------------------------------------------------------------------------------------
# The report page's side: one Vega bundle and the script that upgrades every figure
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Return vl-convert's Vega + Vega-Lite + vega-embed bundle (about 0.9 MB), built once.

    The bundle defines ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``; it matches the
    Vega-Lite version Altair emits. It is safe to inline in a ``<script>`` element: any ``</script``
    sequence is escaped (there is none in vl-convert 1.9, this is a guard).
    """
    bundle = vlc.javascript_bundle(vl_version=vl_version())
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


UPGRADE_SCRIPT = r"""
(function () {
  "use strict";
  var PENDING = "figure.aw-chart:not([data-aw-rendered])";
  var NARROW = 560;  /* below this width (a phone), legends go under the plot */
  var LABELS = 200;  /* room a faceted chart's row labels take beside its plot */
  var PANEL = 300;  /* narrowest panel of a wrapped faceted chart */
  function text(value) {
    return Array.isArray(value) ? value.join(" ") : (value || "");
  }
  /* The title and subtitle become the figure's caption: HTML wraps on a phone, where a title
     drawn inside the chart would be cut. A hint on what clicking does (usermeta.aw_hint) is
     shown by the interactive chart only, never on paper. */
  function caption(figure, spec) {
    var title = spec.title;
    var hint = spec.usermeta && spec.usermeta.aw_hint;
    if (!title && !hint) { return; }
    if (title && typeof title !== "object") { title = {text: title}; }
    var figcaption = document.createElement("figcaption");
    function line(className, value) {
      if (!value) { return; }
      var span = document.createElement("span");
      span.className = className;
      span.textContent = text(value);
      figcaption.appendChild(span);
    }
    if (title) {
      line("aw-figure-title", title.text);
      line("aw-figure-subtitle", title.subtitle);
    }
    line("aw-figure-subtitle aw-interactive-only", hint);
    figure.insertBefore(figcaption, figure.firstChild);
    delete spec.title;
  }
  /* On a phone, names along a horizontal axis would print over each other: one word a line
     (level text: tilted labels would read smaller than they are). */
  function stackCategories(spec) {
    var x = spec.encoding && spec.encoding.x;
    if (x && (x.type === "nominal" || x.type === "ordinal") && x.axis !== null) {
      x.axis = Object.assign({}, x.axis, {labelAngle: 0, labelExpr: "split(datum.label, ' ')"});
    }
    var children = (spec.layer || []).concat(spec.spec ? [spec.spec] : []);
    for (var i = 0; i < children.length; i++) { stackCategories(children[i]); }
  }
  /* Draw the chart at the column's width, so its text keeps its size (a wide chart scaled down
     to a phone would print its labels at 5 px). */
  /* Returns how the drawn width is corrected afterwards: the signal to set ("width", or
     "child_width" for each panel of a faceted chart), its first value and the panels a row. */
  function fit(spec, width) {
    var narrow = width < NARROW;
    if (narrow) {
      /* under the plot, in two columns: a legend in one row would be wider than a phone */
      spec.config = spec.config || {};
      spec.config.legend = Object.assign({}, spec.config.legend, {orient: "bottom", columns: 2});
      stackCategories(spec);
    }
    if (spec.facet && spec.spec) {
      var columns = 1;
      if (typeof spec.columns === "number") {  /* wrapped panels: fewer a row when narrow */
        columns = Math.max(1, Math.min(spec.columns, Math.floor(width / PANEL)));
        spec.columns = columns;
      } else if (spec.facet.column) {  /* side by side with long labels: rows when narrow */
        if (width < 2 * (LABELS + 220)) {
          spec.facet = {row: spec.facet.column};
        } else {
          columns = 2;
        }
      }
      spec.spec.width = Math.max(100, Math.floor(width / columns) - LABELS);
      return {signal: "child_width", value: spec.spec.width, columns: columns};
    }
    if (spec.hconcat || spec.vconcat || spec.concat || spec.repeat) { return null; }
    /* A first guess at the plot's width; refit() corrects it once the axes are measured. */
    spec.width = Math.max(120, Math.floor(width) - 120);
    return {signal: "width", value: spec.width, columns: 1};
  }
  /* Make the drawn chart (plot, axes, legend) exactly the column's width: Vega-Lite's own
     "fit" is refused for charts with a height per category and for faceted charts (a warning
     in the console). */
  function refit(result, sizing, width, target, tries) {
    var view = result && result.view;
    var svg = target.querySelector("svg");
    var drawn = svg ? parseFloat(svg.getAttribute("width")) : NaN;
    if (!view || !sizing || isNaN(drawn) || !tries) { return null; }
    var plot = Math.max(100, Math.floor(sizing.value - (drawn - width) / sizing.columns));
    if (Math.abs(plot - sizing.value) < 2) { return null; }
    sizing.value = plot;
    /* axes re-measure at the new width (fewer ticks, other labels): check again. resize()
       makes Vega size the SVG to the new layout: without it a faceted chart kept its first
       width while its panels grew, and the panels past it were cut off. */
    return view.signal(sizing.signal, plot).resize().runAsync().then(function () {
      return refit(result, sizing, width, target, tries - 1);
    });
  }
  function upgrade(figure) {
    var embed = window.vegaEmbed;
    var specElement = figure.querySelector("script.aw-spec");
    if (typeof embed !== "function" || !specElement) { return; }
    figure.setAttribute("data-aw-rendered", "pending");
    var staticView = figure.querySelector(".aw-chart-static");
    var target = document.createElement("div");
    target.className = "aw-chart-view";
    target.style.display = "none";
    function keepStatic(error) {
      if (target.parentNode) { target.parentNode.removeChild(target); }
      var made = figure.querySelector("figcaption");
      if (made) { made.parentNode.removeChild(made); }
      figure.setAttribute("data-aw-rendered", "static");
      if (window.console && error) { window.console.warn("aw-chart kept static:", error); }
    }
    try {
      var spec = JSON.parse(specElement.textContent);
      var width = figure.clientWidth || (figure.parentNode && figure.parentNode.clientWidth) || 600;
      caption(figure, spec);
      var sizing = fit(spec, width);
      figure.insertBefore(target, specElement);
      /* ast: Vega interprets chart expressions (vega-interpreter, in the bundle) instead of
         compiling them with Function, so the served page's CSP needs no 'unsafe-eval' */
      embed(target, spec, {actions: false, tooltip: true, renderer: "svg", mode: "vega-lite",
                           ast: true})
        .then(function (result) { return refit(result, sizing, width, target, 3); })
        .then(function () {
          target.style.display = "";
          if (staticView && staticView.parentNode) {
            staticView.parentNode.removeChild(staticView);
          }
          figure.setAttribute("data-aw-rendered", "interactive");
        })
        .catch(keepStatic);
    } catch (error) {
      keepStatic(error);
    }
  }
  function upgradeAll() {
    var figures = document.querySelectorAll(PENDING);
    for (var i = 0; i < figures.length; i++) { upgrade(figures[i]); }
  }
  var scheduled = false;
  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    window.setTimeout(function () { scheduled = false; upgradeAll(); }, 50);
  }
  function start() {
    upgradeAll();
    if (window.MutationObserver && document.body) {
      new MutationObserver(function (records) {
        for (var i = 0; i < records.length; i++) {
          if (records[i].addedNodes.length) { schedule(); return; }
        }
      }).observe(document.body, {childList: true, subtree: true});
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""
"""Turns every ``figure.aw-chart`` into an interactive vega-embed view (tooltips, selections).

Runs on DOMContentLoaded (or at once if the page is already parsed) and again, through a
MutationObserver, whenever nodes are added (Voila adds outputs one by one). Each chart is drawn
at its column's width (legends under the plot on a phone, a faceted chart's columns as rows when
they would not fit), its title and subtitle moved into a ``<figcaption>`` that wraps, and the
hint of a spec's ``usermeta.aw_hint`` shown there for the interactive page only. A figure whose
upgrade fails keeps its static SVG and gets ``data-aw-rendered="static"``; a finished one gets
``data-aw-rendered="interactive"``. Needs :func:`javascript_bundle` earlier on the page.
"""
