"""Static, offline HTML export of an executed report notebook, and a check that it stays offline.

:func:`export_html` runs nbconvert's ``HTMLExporter`` in-process (cached: the first call costs
about 0.2 s, later ones about 10 ms) with our own template ``templates/report/workbook``: no code,
no prompts, no stdout / stderr / error / widget outputs, our stylesheet inlined, and, when the page
holds a chart, one inlined copy of the Vega bundle plus the script that makes charts interactive.
:func:`external_references` lists every resource the page would fetch from the internet; a report
that has any must not be published.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from assessment.files import write_atomically

__all__ = [
    "TEMPLATE_DIR_ENV",
    "TEMPLATE_NAME",
    "ReportOutputsPreprocessor",
    "default_template_dir",
    "export_html",
    "external_references",
]

TEMPLATE_NAME = "workbook"
"""Name of our nbconvert template (a folder of the template directory)."""

TEMPLATE_DIR_ENV = "ASSESSMENT_REPORT_TEMPLATES"
"""Environment variable that, when set, replaces the default template directory."""

_CHART_MARKER = re.compile(r"""<figure\b[^>]*\bclass=["'][^"']*\baw-chart\b""", re.IGNORECASE)
_HIDDEN_OUTPUT_TYPES = frozenset({"stream", "error"})
_WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"


def default_template_dir() -> Path:
    """Return the folder holding our report template(s): ``$ASSESSMENT_REPORT_TEMPLATES`` if set.

    Otherwise ``templates/report`` of the repository (the package is installed editable).
    """
    override = os.environ.get(TEMPLATE_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parents[1] / "templates" / "report"


class ReportOutputsPreprocessor(Preprocessor):
    """Keep only what a client should read, and give the template the chart scripts if needed.

    Removes stream outputs (stdout, stderr), error outputs and widget views, and the notebook's
    saved widget state. Sets ``resources["aw_chart_count"]`` to the number of ``aw-chart`` figures
    and, when there is at least one, ``aw_javascript`` (the Vega bundle) and ``aw_upgrade_script``.
    """

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Filter every code cell's outputs and count the charts left on the page."""
        nb.metadata.pop("widgets", None)
        charts = 0
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") in _HIDDEN_OUTPUT_TYPES:
                    continue
                data = output.get("data", {})
                if _WIDGET_MIMETYPE in data:
                    continue
                html = data.get("text/html", "")
                if isinstance(html, list):
                    html = "".join(html)
                charts += len(_CHART_MARKER.findall(html))
                kept.append(output)
            cell.outputs = kept
        resources["aw_chart_count"] = charts
        from assessment.presentation import report_sections, toc_html

        resources["aw_toc"] = toc_html(report_sections(nb.cells))
        if charts:
            from assessment.charts import UPGRADE_SCRIPT, javascript_bundle

            resources["aw_javascript"] = javascript_bundle()
            resources["aw_upgrade_script"] = UPGRADE_SCRIPT
        return nb, resources


_exporter_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _exporter(template_dir: str) -> HTMLExporter:
    """Build (once per template folder) the HTML exporter; nbconvert setup is the slow part."""
    exporter = HTMLExporter(
        # Pygments CSS is for code cells (never shown) and relies on JupyterLab CSS variables.
        config=Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}),
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[template_dir],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(ReportOutputsPreprocessor(), enabled=True)
    return exporter


def _first_heading(nb: Any) -> str | None:
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.get("source", ""), re.MULTILINE)
        if match:
            return match.group(1)
    return None


def export_html(
    notebook_path: Path,
    output_path: Path,
    *,
    title: str | None = None,
    template_dir: Path | None = None,
) -> Path:
    """Export an executed notebook as a self-contained, offline client report.

    Code, prompts, stdout / stderr, errors and widgets are left out; markdown and rich outputs
    (tables, charts) stay. The file is written atomically: readers see the old report or the new
    one, never half of one.

    Args:
        notebook_path: The executed notebook (for example papermill's output).
        output_path: Where to write the HTML page.
        title: The page title; defaults to the notebook's ``title`` metadata, its first ``#``
            heading, or the file name.
        template_dir: Folder holding the ``workbook`` template; defaults to
            :func:`default_template_dir`.

    Returns:
        ``output_path``.
    """
    notebook_path = Path(notebook_path)
    output_path = Path(output_path)
    nb = nbformat.read(notebook_path, as_version=4)
    nb.metadata["title"] = (
        title or nb.metadata.get("title") or _first_heading(nb) or notebook_path.stem
    )
    resources: dict[str, Any] = {
        "metadata": {"name": notebook_path.stem, "path": str(notebook_path.parent.resolve())},
    }
    exporter = _exporter(str(Path(template_dir or default_template_dir()).resolve()))
    with _exporter_lock:  # one exporter instance: one export at a time
        body, _ = exporter.from_notebook_node(nb, resources)
    write_atomically(output_path, body)
    return output_path


# --------------------------------------------------------------------------------------------
# Offline check
# --------------------------------------------------------------------------------------------

_EXTERNAL = re.compile(r"^\s*(?:https?:|//)", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)

# Attributes that make the browser fetch something, per element.
_RESOURCE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
# <link rel=...> values whose href is fetched (or contacted) by the browser.
_FETCHED_LINK_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "apple-touch-icon",
        "mask-icon",
        "manifest",
        "preload",
        "prefetch",
        "modulepreload",
        "preconnect",
        "dns-prefetch",
        "prerender",
    }
)


def _css_references(css: str) -> list[str]:
    css = _CSS_COMMENT.sub("", css)
    found = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(css)]
    found += [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(css)]
    return found


class _ResourceFinder(HTMLParser):
    """Collect URLs used as resources: element attributes, ``<style>`` text, ``style=`` values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._style_depth = 0
        self._style_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        for name in _RESOURCE_ATTRIBUTES.get(tag, ()):
            value = values.get(name, "")
            if name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.split()]
            elif value:
                self.urls.append(value)
        if tag == "link" and set(values.get("rel", "").lower().split()) & _FETCHED_LINK_RELS:
            self.urls.append(values.get("href", ""))
        if values.get("style"):
            self.urls += _css_references(values["style"])
        if tag == "style":
            self._style_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_depth:
            self._style_depth -= 1
            self.urls += _css_references("".join(self._style_text))
            self._style_text = []

    def handle_data(self, data: str) -> None:
        if self._style_depth:
            self._style_text.append(data)


def external_references(html: str) -> list[str]:
    """List the external URLs a page would fetch: the report needs the internet if any.

    Counts ``http:``, ``https:`` and protocol-relative ``//`` URLs used as resources: ``src`` of
    scripts, images, frames and media, ``href`` of fetched ``<link>`` elements (stylesheets,
    icons, preloads) and SVG ``<image>`` / ``<use>``, and ``url(...)`` / ``@import`` in
    ``<style>`` elements and ``style`` attributes (which covers web fonts). URLs that merely appear
    in text, in script source or in JSON data (a Vega-Lite ``$schema``, a link's ``href``) are not
    resources and are ignored.

    Args:
        html: The page.

    Returns:
        The external URLs in order of first appearance, without duplicates.
    """
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    if finder._style_depth:  # unterminated <style>: check what was read
        finder.urls += _css_references("".join(finder._style_text))
    external = [url.strip() for url in finder.urls if url and _EXTERNAL.match(url)]
    return list(dict.fromkeys(external))
