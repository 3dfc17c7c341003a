"""The SVG service: the same SVG as converting in the kernel, errors passed on, and a fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import vl_convert as vlc

from assessment import svgserver
from assessment.svgserver import SvgServer, to_svg

SPEC = {
    "data": {"values": [{"site": "North Hub", "pct": 104.0}, {"site": "South Hub", "pct": 61.5}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "site", "type": "nominal"},
        "y": {"field": "pct", "type": "quantitative"},
    },
}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SvgServer]:
    started = SvgServer()
    monkeypatch.setenv(svgserver.ENV, started.address)
    svgserver._cached.cache_clear()  # every test converts afresh
    yield started
    started.close()


def test_the_service_draws_what_the_kernel_would(server: SvgServer) -> None:
    served = to_svg(SPEC, vl_version="5.20")
    assert served == vlc.vegalite_to_svg(SPEC, vl_version="5.20")
    assert "North Hub" in served and served.startswith("<svg")


def test_a_spec_the_service_cannot_draw_is_a_value_error(server: SvgServer) -> None:
    bad = {"data": {"url": "https://example.com/data.csv"}, "mark": "bar"}
    with pytest.raises(ValueError, match=r"(?i)url|access|allowed"):
        to_svg(bad, vl_version="5.20", allowed_base_urls=[])


def test_without_the_service_the_kernel_draws_it_itself(
    server: SvgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.close()  # its worker ended while a kernel was still drawing
    assert "South Hub" in to_svg(SPEC, vl_version="5.20")
    monkeypatch.delenv(svgserver.ENV)
    svgserver._cached.cache_clear()
    assert "South Hub" in to_svg(SPEC, vl_version="5.20")


def test_the_same_chart_twice_is_converted_once(
    server: SvgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict] = []
    real = svgserver._convert
    monkeypatch.setattr(
        svgserver, "_convert", lambda spec, **kw: calls.append(spec) or real(spec, **kw)
    )
    first = to_svg(SPEC, vl_version="5.20")
    assert to_svg(SPEC, vl_version="5.20") == first
    other = SPEC | {"mark": "point"}
    assert to_svg(other, vl_version="5.20") != first
    assert calls == [SPEC, other]
