"""Tests of step 1's chart functions (assessment.data_analysis.charts)."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest

from assessment import chart_rendering
from assessment.data_analysis import charts, outcome_charts, work_sampling_charts

SPEC_SCRIPT = re.compile(r'<script type="application/json" class="aw-spec">(.*?)</script>', re.S)


# --------------------------------------------------------------------------------------------
# Small, purpose-named frames
# --------------------------------------------------------------------------------------------


@pytest.fixture
def monthly_starts() -> pd.DataFrame:
    """Two sites over three months."""
    periods = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    return pd.DataFrame(
        {
            "site": ["north"] * 3 + ["east"] * 3,
            "site_name": ["Northshore"] * 3 + ["Eastgate"] * 3,
            "period": list(periods) * 2,
            "pct_of_target": [90.0, 101.0, 110.0, 70.0, 75.0, 80.0],
            "actual": [9.0, 10.1, 11.0, 7.0, 7.5, 8.0],
            "target": [10.0] * 6,
        }
    )


@pytest.fixture
def caseload_flow() -> pd.DataFrame:
    """Flow per site; Westfield had no referrals and no outcomes yet."""
    return pd.DataFrame(
        {
            "site": ["north", "east", "west"],
            "site_name": ["Northshore", "Eastgate", "Westfield"],
            "referrals": [200, 100, 0],
            "starts": [150, 50, 0],
            "outcomes": [60, 20, 0],
            "exits": [30, 25, 0],
            "median_days_to_outcome": [120.0, 90.0, float("nan")],
            "p80_days_to_outcome": [200.0, 150.0, float("nan")],
        }
    )


@pytest.fixture
def work_sampling_shares() -> pd.DataFrame:
    """The classic 256-sample study: 7 % value adding at Northshore, 12 % at Eastgate."""
    rows = []
    for site, name, counts in [
        ("north", "Northshore", {"value_adding": 18, "value_enabling": 120, "non_value": 118}),
        ("east", "Eastgate", {"value_adding": 31, "value_enabling": 125, "non_value": 100}),
    ]:
        for category, count in counts.items():
            share = count / 256
            rows.append(
                {
                    "site": site,
                    "site_name": name,
                    "category": category,
                    "count": count,
                    "n": 256,
                    "share": share,
                    "ci_low": max(share - 0.04, 0.0),
                    "ci_high": share + 0.04,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def value_adding_shares(work_sampling_shares: pd.DataFrame) -> pd.DataFrame:
    value_adding = work_sampling_shares[work_sampling_shares["category"] == "value_adding"]
    return value_adding[["site", "site_name", "n", "share", "ci_low", "ci_high"]].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def dataset(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The single inline dataset of a spec (chart functions pass one frame)."""
    (values,) = spec["datasets"].values()
    return values


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """All unit specs of a (possibly nested) layer spec, depth first."""
    found = []
    for layer in spec.get("layer", []):
        found += layers(layer) if "layer" in layer else [layer]
    return found


def mark_type(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def units_of(spec: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [unit for unit in layers(spec) if mark_type(unit) == kind]


def tooltip_fields(encoding: dict[str, Any]) -> list[str]:
    return [item["field"] for item in encoding["tooltip"]]


def contract_rule_value(spec: dict[str, Any], channel: str) -> float:
    """The value at which the chart draws its contract rule."""
    for layer in spec["layer"]:
        if "layer" in layer and any(mark_type(u) == "rule" for u in layer["layer"]):
            (rule,) = [u for u in layer["layer"] if mark_type(u) == "rule"]
            field = rule["encoding"][channel]["field"]
            (row,) = layer["data"]["values"]
            return row[field]
    raise AssertionError("no contract rule layer")


# --------------------------------------------------------------------------------------------
# Chart functions
# --------------------------------------------------------------------------------------------


def test_performance_by_site(starts_to_date: pd.DataFrame) -> None:
    spec = charts.performance_by_site(starts_to_date, "starts", "Job starts").to_dict()

    assert spec["title"]["text"] == "Job starts: performance against contract, to date"
    (bars,) = units_of(spec, "bar")
    encoding = bars["encoding"]
    assert encoding["x"]["field"] == "pct_of_target"
    assert encoding["x"]["title"] == "% of contracted target"
    assert encoding["y"]["field"] == "site_name"
    assert encoding["y"]["sort"] == {"field": "pct_of_target", "order": "descending"}
    assert encoding["color"]["field"] == "status"
    assert encoding["color"]["scale"]["domain"] == [charts.MEETING_CONTRACT, charts.BELOW_CONTRACT]
    assert tooltip_fields(encoding) == [
        "site_name",
        "actual",
        "target",
        "pct_text",
        "gap",
        "status",
    ]
    # the share of target reads "90%", with its sign, as in the report's tables
    assert {"calculate": charts.PCT_TEXT, "as": "pct_text"} in bars["transform"]
    assert contract_rule_value(spec, "x") == 100
    rows = dataset(spec)
    assert [row["site_name"] for row in rows] == ["Northshore", "Eastgate", "Southport"]
    assert {row["site_name"]: row["status"] for row in rows} == {
        "Northshore": charts.MEETING_CONTRACT,
        "Eastgate": charts.BELOW_CONTRACT,
        "Southport": charts.MEETING_CONTRACT,
    }


def test_performance_by_site_turns_infinite_percentages_into_blanks(
    starts_to_date: pd.DataFrame,
) -> None:
    starts_to_date.loc[1, "pct_of_target"] = float("inf")  # a zero target
    spec = charts.performance_by_site(starts_to_date, "starts", "Starts").to_dict()
    assert dataset(spec)[1]["pct_of_target"] is None
    json.loads(chart_rendering.spec_json_for_script(spec))


def test_performance_by_site_names_what_is_missing(starts_to_date: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no rows for measure 'sales'"):
        charts.performance_by_site(starts_to_date, "sales", "Sales")
    with pytest.raises(ValueError, match="missing column"):
        charts.performance_by_site(starts_to_date.drop(columns="gap"), "starts", "Starts")


def test_performance_trend(monthly_starts: pd.DataFrame) -> None:
    spec = charts.performance_trend(monthly_starts, "starts", "Job starts").to_dict()

    assert spec["title"]["text"] == "Job starts: performance against contract by month"
    (lines,) = units_of(spec, "line")
    encoding = lines["encoding"]
    assert encoding["x"]["field"] == "period"
    assert encoding["x"]["timeUnit"] == "yearmonth"
    assert encoding["x"]["title"] == "Month"
    assert encoding["y"]["field"] == "pct_of_target"
    assert encoding["color"]["field"] == "site_name"
    assert encoding["opacity"]["condition"][0]["param"] == "site_selection"
    assert tooltip_fields(encoding) == ["site_name", "period", "actual", "target", "pct_text"]
    (selection,) = spec["params"]
    assert selection["name"] == "site_selection"
    assert selection["bind"] == "legend"
    assert selection["select"]["fields"] == ["site_name"]
    assert contract_rule_value(spec, "y") == 100
    assert len(dataset(spec)) == 6


def test_performance_trend_filters_on_measure_when_present(
    monthly_starts: pd.DataFrame,
) -> None:
    both = pd.concat(
        [monthly_starts.assign(measure="starts"), monthly_starts.assign(measure="outcomes")]
    )
    spec = charts.performance_trend(both, "starts", "Starts").to_dict()
    assert len(dataset(spec)) == 6


def test_flow_funnel(caseload_flow: pd.DataFrame) -> None:
    spec = outcome_charts.flow_funnel(caseload_flow).to_dict()

    assert spec["title"]["text"] == "Caseload flow: referrals, starts and outcomes by site"
    encoding = spec["encoding"]
    stages = ["Referrals", "Starts", "Outcomes"]
    assert encoding["x"]["field"] == "site_name"
    assert encoding["xOffset"] == {"field": "stage", "sort": stages, "type": "nominal"}
    assert encoding["y"]["field"] == "count"
    assert encoding["y"]["title"] == "Customers"
    assert encoding["color"]["scale"]["domain"] == stages
    assert tooltip_fields(encoding) == [
        "site_name",
        "stage",
        "count",
        "share_of_referrals",
        "exits",
    ]
    rows = {(row["site_name"], row["stage"]): row for row in dataset(spec)}
    assert len(rows) == 9
    assert rows[("Northshore", "Referrals")]["count"] == 200
    assert rows[("Northshore", "Starts")]["share_of_referrals"] == pytest.approx(0.75)
    assert rows[("Eastgate", "Outcomes")]["share_of_referrals"] == pytest.approx(0.2)
    assert rows[("Westfield", "Starts")]["share_of_referrals"] is None  # no referrals


@pytest.fixture
def outcome_curves() -> pd.DataFrame:
    # Two sites, three weeks each; the last week of Westfield is past its follow-up (blank).
    return pd.DataFrame(
        {
            "site": ["east"] * 3 + ["west"] * 3,
            "site_name": ["Eastgate"] * 3 + ["Westfield"] * 3,
            "days": [0.0, 7.0, 14.0] * 2,
            "outcome_share": [0.0, 0.1, 0.25, 0.0, 0.05, None],
            "low": [0.0, 0.05, 0.15, 0.0, 0.01, None],
            "high": [0.0, 0.2, 0.35, 0.0, 0.12, None],
        }
    )


def test_outcome_over_time(outcome_curves: pd.DataFrame) -> None:
    spec = outcome_charts.outcome_over_time(outcome_curves).to_dict()

    assert spec["title"]["text"] == "Chance of an outcome by time since start, by site"
    assert "those who left as without an outcome" in spec["title"]["subtitle"]
    (band,) = units_of(spec, "area")
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("low", "high")
    (line,) = units_of(spec, "line")
    assert line["encoding"]["y"]["axis"]["format"] == "%"
    assert line["encoding"]["x"]["title"] == "Months since start"
    rows = dataset(spec)
    assert len(rows) == 5  # the blank week past Westfield's follow-up is not drawn
    assert rows[2]["months"] == pytest.approx(14 / (365.25 / 12))


def test_work_sampling_profile(work_sampling_shares: pd.DataFrame) -> None:
    spec = work_sampling_charts.work_sampling_profile(work_sampling_shares).to_dict()

    assert spec["title"]["text"] == "How time is spent: work-sampling profile by site"
    encoding = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert encoding["x"]["field"] == "share"
    assert encoding["x"]["stack"] == "zero"
    assert encoding["x"]["axis"]["format"] == "%"
    assert encoding["y"]["field"] == "site_name"
    assert encoding["y"]["sort"] == ["Eastgate", "Northshore"]  # most value adding first
    assert encoding["color"]["scale"] == {
        "domain": ["Value adding", "Value enabling", "Non-value adding"],
        "range": [
            work_sampling_charts.CATEGORY_COLOURS["value_adding"],
            work_sampling_charts.CATEGORY_COLOURS["value_enabling"],
            work_sampling_charts.CATEGORY_COLOURS["non_value"],
        ],
    }
    assert encoding["order"]["field"] == "category_order"
    assert tooltip_fields(encoding) == [
        "site_name",
        "category_label",
        "share",
        "ci_low",
        "ci_high",
        "count",
        "n",
    ]
    assert len(dataset(spec)) == 6


def test_work_sampling_profile_rejects_unknown_categories(
    work_sampling_shares: pd.DataFrame,
) -> None:
    work_sampling_shares.loc[0, "category"] = "coffee"
    with pytest.raises(ValueError, match="unknown category coffee"):
        work_sampling_charts.work_sampling_profile(work_sampling_shares)


def test_value_adding_with_ci(value_adding_shares: pd.DataFrame) -> None:
    spec = work_sampling_charts.value_adding_with_ci(value_adding_shares).to_dict()

    assert spec["title"]["text"] == "Time spent adding value, with its 95% confidence interval"
    (interval,) = units_of(spec, "errorbar")
    assert interval["encoding"]["x"]["field"] == "ci_low"
    assert interval["encoding"]["x2"]["field"] == "ci_high"
    assert interval["encoding"]["x"]["axis"]["format"] == "%"
    assert interval["encoding"]["y"]["sort"] == {"field": "share", "order": "descending"}
    (point,) = units_of(spec, "point")
    assert point["encoding"]["x"]["field"] == "share"
    assert tooltip_fields(point["encoding"]) == ["site_name", "share", "ci_low", "ci_high", "n"]
    assert [row["share"] for row in dataset(spec)] == pytest.approx([18 / 256, 31 / 256])


def test_every_chart_renders_to_svg_offline(
    starts_to_date: pd.DataFrame,
    monthly_starts: pd.DataFrame,
    caseload_flow: pd.DataFrame,
    work_sampling_shares: pd.DataFrame,
    value_adding_shares: pd.DataFrame,
    outcome_curves: pd.DataFrame,
) -> None:
    every_chart = [
        charts.performance_by_site(starts_to_date, "starts", "Starts"),
        charts.performance_trend(monthly_starts, "starts", "Starts"),
        outcome_charts.flow_funnel(caseload_flow),
        outcome_charts.outcome_over_time(outcome_curves),
        work_sampling_charts.work_sampling_profile(work_sampling_shares),
        work_sampling_charts.value_adding_with_ci(value_adding_shares),
    ]
    for chart in every_chart:
        page = chart_rendering.chart_html(chart)
        assert "<svg" in page
        assert "<script src" not in page
