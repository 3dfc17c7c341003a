"""The roadmap chart as drawn: each stage's name beside its point, never on the dashed line."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pandas as pd
import vl_convert as vlc

from assessment.recommendations.charts import roadmap_chart

CHAR_PX = 7.0  # an 11 px bold character is narrower than this: the boxes below are generous
"""Width of one character of a stage's name, to box the name as drawn."""


def _drawn(stages: pd.DataFrame) -> tuple[list[tuple[float, float]], dict[str, tuple]]:
    """The dashed line's points and each name's box (left, top, right, bottom), from the SVG."""
    trajectory = pd.DataFrame(
        {"period": pd.date_range("2025-01-01", "2026-06-01", freq="MS"), "pct": range(20, 38)}
    )
    svg = vlc.vegalite_to_svg(roadmap_chart(stages, trajectory, "Job outcomes").to_json())
    dashed = re.search(r'<path[^>]*d="M([^"]+)"[^>]*stroke-dasharray', svg)
    assert dashed is not None
    line = [tuple(map(float, p.split(","))) for p in dashed.group(1).split("L")]
    boxes = {}
    for found in re.finditer(
        r'<text aria-label="[^"]*label: (?P<name>[^;]+);[^"]*"[^>]*text-anchor="(?P<anchor>\w+)"'
        r' transform="translate\((?P<x>[-\d.]+),(?P<y>[-\d.]+)\)"',
        svg,
    ):
        x, y, width = float(found["x"]), float(found["y"]), len(found["name"]) * CHAR_PX
        left = x - width if found["anchor"] == "end" else x
        boxes[found["name"]] = (left, y - 10, left + width, y + 2)
    return line, boxes


def _crosses(line: list[tuple[float, float]], box: tuple) -> bool:
    left, top, right, bottom = box
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        for i in range(201):
            x, y = x1 + (x2 - x1) * i / 200, y1 + (y2 - y1) * i / 200
            if left <= x <= right and top <= y <= bottom:
                return True
    return False


def test_no_stage_name_sits_on_the_dashed_roadmap_line() -> None:
    # Northshore's roadmap: base camp 36% (Feb), Camp 1 55% (Jun), Camp 2 85% (Sep), the
    # summit 100% (Dec): "Camp 1 55%" was drawn below-left of its point, across the line
    stages = pd.DataFrame(
        [
            ("Base camp", 36.0, dt.date(2026, 2, 28)),
            ("Camp 1", 55.0, dt.date(2026, 6, 30)),
            ("Camp 2", 85.0, dt.date(2026, 9, 30)),
            ("The summit", 100.0, dt.date(2026, 12, 31)),
        ],
        columns=["name", "pct", "date"],
    )
    line, boxes = _drawn(stages)

    assert set(boxes) == {"Base camp 36%", "Camp 1 55%", "Camp 2 85%", "The summit 100%"}
    assert [name for name, box in boxes.items() if _crosses(line, box)] == []
    # the last name stays inside the plot's right edge (its point is the line's last)
    assert boxes["The summit 100%"][2] <= line[-1][0]
