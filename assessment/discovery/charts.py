"""Discovery's charts, in the house theme: evidence heatmap, verdicts, journeys.

Importing :mod:`assessment.charts` registers the house theme and the offline renderer; every chart
here carries its data inline (a small, already aggregated frame), so the report renders it with no
network. Labels come from the engagement's vocabulary; names never appear (the frames passed in
hold no interviewee column).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import altair as alt
import pandas as pd

from assessment import charts as house
from assessment.discovery.analysis import counts_by
from assessment.discovery.journey import JourneyComparison, JourneyPerformance
from assessment.discovery.vocabulary import Kind, Vocabulary
from assessment.presentation import days
from assessment.terminology import Words
from assessment.terminology import words as default_words

_KINDS: dict[str, Kind] = {
    "heading": "headings",
    "dimension": "dimensions",
    "site": "sites",
    "source_type": "source_types",
}
_TITLES = {"heading": "Heading", "dimension": "Dimension", "site": "Site", "source_type": "Source"}
DIRECTION_COLOURS = {"Confirms": house.MEETING_COLOUR, "Refutes": house.BELOW_COLOUR}
STATUS_COLOURS = {"kept": house.PALETTE[0], "removed": house.BELOW_COLOUR, "added": "#4c9a6a"}


def evidence_heatmap(
    counts: pd.DataFrame, vocab: Vocabulary, rows: str = "heading", columns: str = "dimension"
) -> alt.LayerChart:
    """Evidence items per cell of two codings (heading x dimension by default), as a heatmap.

    Args:
        counts: ``evidence_counts`` output (or a client's suppressed counts with ``items``).
        vocab: For labels and the method's order of headings and dimensions.
        rows: The coding down the side: ``heading``, ``dimension``, ``site`` or ``source_type``.
        columns: The coding across the top.
    """
    cells = counts_by(counts, [rows, columns])
    cells["row_label"] = cells[rows].map(lambda k: vocab.label(_KINDS[rows], k))
    cells["column_label"] = cells[columns].map(lambda k: vocab.label(_KINDS[columns], k))
    # a suppressed cell (client counts) keeps its square, says so and has no colour
    cells["shown"] = cells["items"].map(lambda n: "–" if pd.isna(n) else f"{int(n)}")
    cells = cells[["row_label", "column_label", "items", "shown"]]
    row_order = [vocab.label(_KINDS[rows], k) for k in vocab.allowed(_KINDS[rows])]
    column_order = [vocab.label(_KINDS[columns], k) for k in vocab.allowed(_KINDS[columns])]
    base = alt.Chart(cells).encode(
        x=alt.X("column_label:N", title=None, sort=column_order, axis=alt.Axis(labelAngle=-35)),
        y=alt.Y("row_label:N", title=None, sort=row_order),
        tooltip=[
            alt.Tooltip("row_label:N", title=_TITLES[rows]),
            alt.Tooltip("column_label:N", title=_TITLES[columns]),
            alt.Tooltip("shown:N", title="Evidence items (–: suppressed, a small group)"),
        ],
    )
    rect = (
        base.transform_filter("isValid(datum.items)")
        .mark_rect(stroke="#ffffff", strokeWidth=2)
        .encode(color=alt.Color("items:Q", title="Items", scale=alt.Scale(scheme="blues")))
    )
    hidden = (
        base.transform_filter("!isValid(datum.items)")
        .mark_rect(stroke="#ffffff", strokeWidth=2)
        .encode(color=alt.value(house.GRID))
    )
    text = base.mark_text(fontWeight=600).encode(
        text=alt.Text("shown:N"),
        color=alt.condition("datum.items > 4", alt.value("#ffffff"), alt.value(house.INK)),
    )
    return alt.layer(rect, hidden, text).properties(
        title=alt.Title(
            f"Evidence by {rows.replace('_', ' ')} and {columns.replace('_', ' ')}",
            subtitle="Evidence items in each cell (an item coded on two dimensions counts in both)",
        ),
        width=alt.Step(46),
        height=alt.Step(house.BAR_STEP + 8),
    )


def verdict_bars(verdicts: pd.DataFrame) -> alt.Chart:
    """Per hypothesis, items confirming (right) and refuting (left) it, with the verdict.

    Args:
        verdicts: ``hypothesis_verdicts`` output.
    """
    long = pd.DataFrame(
        {
            "hypothesis": list(verdicts["title"]) * 2,
            "verdict": list(verdicts["verdict"]) * 2,
            "weak": ["yes" if w else "no" for w in verdicts["weak"]] * 2,
            "direction": ["Confirms"] * len(verdicts) + ["Refutes"] * len(verdicts),
            "items": list(verdicts["confirms"]) + [-n for n in verdicts["refutes"]],
        }
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("items:Q", title="Evidence items (refuting to the left)"),
            # a bounded label width: a long title ends in "…" (whole in the tooltip) rather than
            # pushing the chart off its left edge
            y=alt.Y(
                "hypothesis:N",
                title=None,
                sort=list(verdicts["title"]),
                axis=alt.Axis(labelLimit=340, labelPadding=6),
            ),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(
                    domain=list(DIRECTION_COLOURS), range=list(DIRECTION_COLOURS.values())
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("hypothesis:N", title="Hypothesis"),
                alt.Tooltip("direction:N", title="Direction"),
                alt.Tooltip("items:Q", title="Items"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("weak:N", title="Weak (one kind of source)"),
            ],
        )
        .properties(
            title=alt.Title(
                "Hypotheses tested against the evidence",
                subtitle="Items confirming and refuting each hypothesis",
            ),
            width=house.WIDTH,
            height=alt.Step(house.BAR_STEP),
        )
    )


def consistency_scatter(
    relation: JourneyPerformance, site_names: Mapping[str, str], words: Words | None = None
) -> alt.LayerChart:
    """Journey consistency (x) against performance against contract (y) per site.

    Args:
        relation: ``consistency_vs_performance`` output.
        site_names: Site key -> display name.
        words: The client's words (terminology: in engagement.yaml).
    """
    site = (words or default_words()).mapping()["Site"]
    sites = relation.sites.dropna(subset=["consistency", "pct_of_target"])
    rows = pd.DataFrame(
        {
            "site_name": sites["site"].map(lambda s: site_names.get(s, s)),
            "consistency": sites["consistency"].astype("float64"),
            "pct_of_target": sites["pct_of_target"].astype("float64"),
            "basis": sites["score_basis"],
        }
    )
    # two sites at a similar level would print their names over each other: going down the
    # chart, names sit alternately above and below their points
    rank = rows["pct_of_target"].rank(method="first", ascending=False).astype("int64")
    rows["above"] = (rank % 2 == 1).to_numpy()
    r = relation.correlation
    subtitle = "Consistency: steps in common, in order, with the " + (
        rows["basis"].iloc[0] if len(rows) else "defined journey"
    )
    if not math.isnan(r):
        subtitle += f"; rank correlation {r:+.2f} across {relation.n_sites} sites"
    else:
        subtitle += "; too few sites to say whether they go together"
    points = (
        alt.Chart(rows)
        .transform_calculate(pct_text="format(datum.pct_of_target, ',.0f') + '%'")
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X(
                "consistency:Q",
                title="Journey consistency",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            y=alt.Y("pct_of_target:Q", title="% of contracted target", scale=alt.Scale(zero=True)),
            color=alt.Color("site_name:N", title=site, legend=None),
            tooltip=[
                alt.Tooltip("site_name:N", title=site),
                alt.Tooltip("consistency:Q", title="Consistency", format=".0%"),
                alt.Tooltip("pct_text:N", title="Share of target"),
            ],
        )
    )
    # labels above or below the points, not beside them: a point at 100 % sits on the edge
    above = points.transform_filter("datum.above").mark_text(baseline="bottom", dy=-9)
    below = points.transform_filter("!datum.above").mark_text(baseline="top", dy=9)
    contract = (
        alt.Chart(alt.Data(values=[{"contract": 100.0}]))
        .mark_rule(color=house.CONTRACT_COLOUR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(y="contract:Q")
    )
    return alt.layer(
        points, above.encode(text="site_name:N"), below.encode(text="site_name:N"), contract
    ).properties(
        title=alt.Title("Journey consistency and performance against contract", subtitle=subtitle),
        width=house.WIDTH,
        height=300,
    )


def journey_side_by_side(
    comparison: JourneyComparison, words: Words | None = None
) -> alt.FacetChart:
    """Today's and the proposed journey side by side: each step's typical days, by status.

    Args:
        comparison: ``compare_journeys`` output.
        words: The client's words (terminology: in engagement.yaml).
    """
    w = words or default_words()
    steps = comparison.steps
    today = steps[steps["today_order"].notna()]
    proposed = steps[steps["proposed_order"].notna()]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "journey": "Today",
                    "order": today["today_order"].astype("int64"),
                    "step": today["step"],
                    "days": today["today_days"].fillna(0.0),
                    "status": today["status"],
                }
            ),
            pd.DataFrame(
                {
                    "journey": "Proposed",
                    "order": proposed["proposed_order"].astype("int64"),
                    "step": proposed["step"],
                    "days": proposed["proposed_days"].fillna(0.0),
                    "status": proposed["status"],
                }
            ),
        ],
        ignore_index=True,
    )
    long["label"] = long["order"].astype("str") + ". " + long["step"]
    # a long step name is written on two or three lines, never cut ("7. Job search and em…")
    long["lines"] = long["label"].map(lambda text: "\n".join(textwrap.wrap(text, 24)))
    saved = comparison.days_saved
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("days:Q", title="Typical days"),
            y=alt.Y(
                "lines:N",
                title=None,
                sort=alt.EncodingSortField("order"),
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0),
            ),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("journey:N", title="Journey"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("days:Q", title="Typical days", format=",.1f"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
        .properties(width=house.WIDTH // 2 - 40, height=alt.Step(house.BAR_STEP))
        .facet(column=alt.Column("journey:N", title=None, sort=["Today", "Proposed"]))
        .resolve_scale(y="independent")
        .properties(
            title=alt.Title(
                f"Today's {w.customer} journey and the proposed one",
                subtitle=(
                    f"{comparison.steps_today} steps become {comparison.steps_proposed}; "
                    f"{days(saved)} days saved for the {w.customer}"
                ),
            )
        )
    )
