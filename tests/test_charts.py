"""Tests of the house theme and the offline renderer of assessment.charts."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from typing import Any

import altair as alt
import nbformat
import pandas as pd
import pytest
import vl_convert as vlc

from assessment import chart_rendering, charts
from assessment.data_analysis import charts as step_charts


def dataset(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The single inline dataset of a spec."""
    (values,) = spec["datasets"].values()
    return values


SPEC_SCRIPT = re.compile(r'<script type="application/json" class="aw-spec">(.*?)</script>', re.S)


# --------------------------------------------------------------------------------------------
# Theme and renderer
# --------------------------------------------------------------------------------------------


def test_house_theme_is_registered_and_enabled() -> None:
    assert "assessment" in alt.theme.names()
    assert alt.theme.active == "assessment"
    spec = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict()
    assert spec["config"]["font"] == charts.FONT
    assert spec["config"]["range"]["category"] == charts.PALETTE
    assert spec["config"]["rule"]["color"] == charts.CONTRACT_COLOUR
    assert "http" not in charts.FONT  # system fonts only, never a web font


def test_house_renderer_is_registered_and_enabled() -> None:
    assert "assessment" in alt.renderers.names()
    assert alt.renderers.active == "assessment"


def test_vl_convert_version_matches_the_schema_altair_emits() -> None:
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    assert chart_rendering.vl_version() == f"{major}.{minor}"
    assert f"{major}.{minor}" in vlc.get_vegalite_versions()


def test_renderer_mimebundle_holds_svg_and_round_tripping_spec(
    starts_to_date: pd.DataFrame,
) -> None:
    chart = step_charts.performance_by_site(starts_to_date, "starts", "Job starts")
    bundle = chart._repr_mimebundle_()

    assert set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    assert re.match(r'<figure class="aw-chart" id="aw-chart-\d+"', page)
    assert "<svg" in page
    assert "Job starts" in bundle["text/plain"]
    (spec_text,) = SPEC_SCRIPT.findall(page)
    assert json.loads(spec_text) == json.loads(json.dumps(chart.to_dict()))
    assert "cdn" not in page.lower()
    assert "<script src" not in page


def test_renderer_output_is_valid_nbformat(starts_to_date: pd.DataFrame) -> None:
    bundle = step_charts.performance_by_site(starts_to_date, "starts", "Starts")._repr_mimebundle_()
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "chart", outputs=[nbformat.v4.new_output("display_data", data=bundle)]
            )
        ]
    )
    nbformat.validate(notebook)


def test_each_figure_gets_its_own_id_and_scoped_svg_ids(starts_to_date: pd.DataFrame) -> None:
    chart = step_charts.performance_by_site(starts_to_date, "starts", "Starts")
    first, second = chart_rendering.chart_html(chart), chart_rendering.chart_html(chart)
    first_id = re.search(r'id="(aw-chart-\d+)"', first).group(1)
    second_id = re.search(r'id="(aw-chart-\d+)"', second).group(1)
    assert first_id != second_id
    for page, figure_id in [(first, first_id), (second, second_id)]:
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert all(i == figure_id or i.startswith(f"{figure_id}-") for i in ids)
        for reference in re.findall(r"url\(#([^)]+)\)", page):
            assert reference in ids  # every clip path / gradient reference resolves in-figure


def test_data_label_cannot_inject_script() -> None:
    attack = "<script>alert(1)</script>"
    breakout = "</script><script>alert(2)</script><!--"
    frame = pd.DataFrame({"site_name": [attack, breakout], "value": [1.0, 2.0]})
    chart = (
        alt.Chart(frame, title=f"Title {attack}")
        .mark_bar()
        .encode(x="value:Q", y="site_name:N", tooltip=["site_name:N"])
    )

    page = chart_rendering.chart_html(chart)

    assert "<script>" not in page
    assert "alert(1)</script>" not in page
    assert "<!--" not in page
    assert page.count("</script>") == 1  # only the end of our own spec element
    assert page.count("<script") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # drawn as text in the SVG
    (spec_text,) = SPEC_SCRIPT.findall(page)
    labels = {row["site_name"] for row in dataset(json.loads(spec_text))}
    assert labels == {attack, breakout}  # and the spec still holds the exact strings
    label = re.search(r'aria-label="([^"]*)"', page).group(1)
    assert html.unescape(label) == f"Title {attack}"


def test_renderer_refuses_charts_that_fetch_data() -> None:
    remote = alt.Chart("https://data.example/extract.csv").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="not allowed"):
        chart_rendering.chart_html(remote)


def test_spec_json_escapes_markup_and_non_finite_numbers() -> None:
    text = chart_rendering.spec_json_for_script({"a": "</script>&<!--", "b": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script>&<!--", "b": None}


def test_javascript_bundle_is_cached_and_inlinable() -> None:
    bundle = charts.javascript_bundle()
    assert charts.javascript_bundle() is bundle
    assert "window.vegaEmbed=" in bundle
    assert "</script" not in bundle.lower()
    assert len(bundle) > 500_000


def test_upgrade_script_is_offline_and_handles_progressive_outputs() -> None:
    script = charts.UPGRADE_SCRIPT
    for needle in [
        "DOMContentLoaded",
        "MutationObserver",
        "actions: false",
        "tooltip: true",
        'renderer: "svg"',
        'setAttribute("data-aw-rendered", "interactive")',
        "keepStatic",
    ]:
        assert needle in script
    assert "http" not in script
    assert "</script" not in script


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_upgrade_script_is_valid_javascript(tmp_path) -> None:
    source = tmp_path / "upgrade.js"
    source.write_text(charts.UPGRADE_SCRIPT, encoding="utf-8")
    subprocess.run(["node", "--check", str(source)], check=True, capture_output=True)
