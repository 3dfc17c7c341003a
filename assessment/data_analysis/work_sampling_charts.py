"""Charts of step 1's work sampling: how staff time is spent, the value-adding share.

In the house style of :mod:`assessment.charts`; shares are fractions 0-1.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from assessment.charts import BAR_STEP, WIDTH
from assessment.data_analysis.charts import finite, require_columns
from assessment.terminology import Words
from assessment.terminology import words as default_words

CATEGORY_LABELS = {
    "value_adding": "Value adding",
    "value_enabling": "Value enabling",
    "non_value": "Non-value adding",
}
"""Plain-English names of the work-sampling categories, in stacking order."""

CATEGORY_COLOURS = {
    "value_adding": "#4c9a6a",
    "value_enabling": "#e0a458",
    "non_value": "#a7a9ac",
}
"""Fixed colour of each work-sampling category (the same in every chart and report)."""


def work_sampling_profile(profile: pd.DataFrame, words: Words | None = None) -> alt.Chart:
    """Stacked bars per site: the share of observed time by category (value adding first).

    Args:
        words: The client's words (terminology: in engagement.yaml).
        profile: One row per site and category: ``site``, ``site_name``, ``category``
            (``value_adding``, ``value_enabling``, ``non_value``), ``count``, ``n``, ``share``
            (0-1), ``ci_low``, ``ci_high`` (0-1, 95 % interval).

    Returns:
        Horizontal stacked bars, one per site, with fixed category colours.
    """
    w = (words or default_words()).mapping()
    require_columns(
        profile,
        ["site", "site_name", "category", "count", "n", "share", "ci_low", "ci_high"],
        "work_sampling_profile",
    )
    unknown = sorted(set(map(str, profile["category"])) - set(CATEGORY_LABELS))
    if unknown:
        raise ValueError(f"work_sampling_profile: unknown category {', '.join(unknown)}")
    rows = finite(profile, ["count", "n", "share", "ci_low", "ci_high"])
    rows = rows.assign(
        category_label=rows["category"].map(CATEGORY_LABELS),
        category_order=rows["category"].map({k: i for i, k in enumerate(CATEGORY_LABELS)}),
    )
    rows = rows[
        [
            "site",
            "site_name",
            "category",
            "category_label",
            "category_order",
            "count",
            "n",
            "share",
            "ci_low",
            "ci_high",
        ]
    ]
    labels = list(CATEGORY_LABELS.values())
    value_adding = rows.loc[rows["category"] == "value_adding"]
    site_order = value_adding.sort_values("share", ascending=False)["site_name"].tolist()
    site_order += sorted(set(map(str, rows["site_name"])) - set(site_order))
    return (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="Share of observed time",
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("site_name:N", title=None, sort=site_order),
            color=alt.Color(
                "category_label:N",
                title=None,
                sort=labels,
                scale=alt.Scale(domain=labels, range=list(CATEGORY_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("category_order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("site_name:N", title=w["Site"]),
                alt.Tooltip("category_label:N", title="Category"),
                alt.Tooltip("share:Q", title="Share of time", format=".1%"),
                alt.Tooltip("ci_low:Q", title="95% interval from", format=".1%"),
                alt.Tooltip("ci_high:Q", title="95% interval to", format=".1%"),
                alt.Tooltip("count:Q", title="Observations in category", format=",.0f"),
                alt.Tooltip("n:Q", title="Observations at site", format=",.0f"),
            ],
        )
        .properties(
            title=alt.Title(
                "How time is spent: work-sampling profile by site",
                subtitle="Share of observations that were value adding, value enabling or neither",
            ),
            width=WIDTH,
            height=alt.Step(BAR_STEP + 4),
        )
    )


def value_adding_with_ci(value_share: pd.DataFrame, words: Words | None = None) -> alt.LayerChart:
    """The value-adding share of time per site with its 95 % confidence interval.

    Args:
        words: The client's words (terminology: in engagement.yaml).
        value_share: One row per site: ``site``, ``site_name``, ``n`` (observations), ``share``,
            ``ci_low``, ``ci_high`` (fractions 0-1).

    Returns:
        A point per site with an error bar, sites sorted from highest to lowest share.
    """
    w = (words or default_words()).mapping()
    columns = ["site", "site_name", "n", "share", "ci_low", "ci_high"]
    require_columns(value_share, columns, "value_adding_with_ci")
    rows = finite(value_share[columns], columns[2:])
    y = alt.Y(
        "site_name:N", title=None, sort=alt.EncodingSortField(field="share", order="descending")
    )
    tooltip = [
        alt.Tooltip("site_name:N", title=w["Site"]),
        alt.Tooltip("share:Q", title="Value-adding share", format=".1%"),
        alt.Tooltip("ci_low:Q", title="95% interval from", format=".1%"),
        alt.Tooltip("ci_high:Q", title="95% interval to", format=".1%"),
        alt.Tooltip("n:Q", title="Observations", format=",.0f"),
    ]
    colour = CATEGORY_COLOURS["value_adding"]
    interval = (
        alt.Chart(rows)
        .mark_errorbar(ticks={"size": 10}, color=colour, thickness=2)
        .encode(
            x=alt.X(
                "ci_low:Q",
                title="Share of observed time spent adding value",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=True),
            ),
            x2="ci_high:Q",
            y=y,
            tooltip=tooltip,
        )
    )
    point = (
        alt.Chart(rows)
        .mark_point(filled=True, size=90, color=colour, opacity=1)
        .encode(x=alt.X("share:Q"), y=y, tooltip=tooltip)
    )
    return alt.layer(interval, point).properties(
        title=alt.Title(
            "Time spent adding value, with its 95% confidence interval",
            subtitle="The bar shows where the true share plausibly lies, given the sample size",
        ),
        width=WIDTH,
        height=alt.Step(BAR_STEP),
    )
