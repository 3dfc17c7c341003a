"""What the client's report shows of step 5: the action plan, the roadmap, value, progress.

These views and ``most_valuable_actions`` read only the frames stored when the plan was published
(and progress refreshed on each run), never the drafts and never a name of anyone interviewed in
discovery. All text is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.presentation import callout, date_text, money, number, table
from assessment.recommendations import roadmap
from assessment.recommendations import store as db
from assessment.recommendations.charts import roadmap_chart
from assessment.recommendations.models import STATUS_LABELS
from assessment.store import Store
from assessment.summary import RecentLevel

NO_PLAN = "No action plan published yet"
PROGRESS_LABELS = {"done": "Done", "on_track": "On track", "late": "Late"}
TREND_LABELS = {"up": "↑ up", "down": "↓ down", "flat": "→ flat", "unknown": "–"}


def money_format(engagement: Engagement) -> Callable[[object], str]:
    """Money in the engagement's currency, whole units ("£18,000")."""
    return money(engagement)


def _level(value: object, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.0f}%" if unit == "%" else f"{value:,.4g}"


def day(value: object) -> str:
    """A date as "30 Sep 2025" (the report's one date format); a dash when missing."""
    return date_text(value)


def _stored(engagement: Engagement, name: str) -> pd.DataFrame | None:
    # the report only reads frames: no step tables are created in a store it is shown from
    with Store(engagement.store_path) as store:
        full = f"{db.STEP}.{name}"
        return store.frame(full) if store.has_frame(full) else None


def _smart_cell(text: str) -> str:
    lines = text.splitlines()
    ok = all(line.startswith("✓") for line in lines)
    summary = "✓ SMART" if ok else "✗ not SMART"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<details><summary>{summary}</summary><ul>{items}</ul></details>"


PLAN_HEADS = (
    "Action",
    "Measure",
    "Baseline → target",
    "Owner",
    "Target date",
    "Stage",
    "Status",
    "SMART",
)


def plan_html(engagement: Engagement, plan: pd.DataFrame, progress: pd.DataFrame | None) -> str:
    """The plan as the escaped ``aw-action-plan`` table, with progress statuses when given.

    Actions sit under a row naming their action area and recommendation (read once, not on
    every row), so the table fits a page: eight columns, the task first.
    """
    status = dict(zip(plan["action_id"], plan["status"], strict=True))
    if progress is not None:
        status = dict(zip(progress["action_id"], progress["progress"], strict=True))
    labels = STATUS_LABELS | PROGRESS_LABELS
    rows = []
    for (area, recommendation), actions in plan.groupby(
        ["action_area", "recommendation"], sort=False
    ):
        rows.append(
            f"<tr class='aw-group'><th colspan='{len(PLAN_HEADS)}' scope='rowgroup'>"
            f"{html.escape(str(area))}: {html.escape(str(recommendation))}</th></tr>"
        )
        for r in actions.itertuples():
            cells = [
                r.measure_label,
                f"{_level(r.baseline, r.unit)} → {_level(r.target, r.unit)}",
                r.owner or "–",
                day(r.target_date),
                r.stage,
                labels.get(status.get(r.action_id, ""), "–"),
            ]
            # each cell names its column: on a phone and on paper the rows stack (report.css)
            tds = "".join(
                f"<td data-label='{html.escape(h, quote=True)}'>{html.escape(str(c))}</td>"
                for h, c in zip(PLAN_HEADS[1:-1], cells, strict=True)
            )
            rows.append(
                f"<tr class='aw-action'><td class='aw-task' data-label='Action'>"
                f"{html.escape(str(r.task))}</td>{tds}"
                f"<td data-label='SMART'>{_smart_cell(r.smart)}</td></tr>"
            )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in PLAN_HEADS)
    return (
        f"<div class='aw-table-wrap'><table class='aw-table aw-action-plan'><thead><tr>{head}"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def action_plan_for_client(engagement: Engagement) -> HTML:
    """The published SMART action plan, one row per action (only agreed recommendations)."""
    plan = _stored(engagement, "plan")
    if plan is None:
        return callout("Action plan", [NO_PLAN])
    published = _stored(engagement, "publication")
    caption = ""
    if published is not None and not published.empty:
        p = published.iloc[0]
        caption = (
            f"<p class='aw-caption'>Action plan version {int(p['version'])}, published "
            f"{html.escape(day(p['published_on']))}.</p>"
        )
    return HTML(caption + plan_html(engagement, plan, _stored(engagement, "progress")))


def _position_today(trajectory: pd.DataFrame | None) -> tuple[float | None, pd.Timestamp | None]:
    if trajectory is None or trajectory.empty:
        return None, None
    return float(trajectory["pct"].iloc[-1]), pd.Timestamp(trajectory["period"].iloc[-1])


def roadmap_sentence(engagement: Engagement) -> str | None:
    """The roadmap in a sentence or two, from the stored roadmap (None before publishing)."""
    stages = _stored(engagement, "roadmap")
    if stages is None:
        return None
    today, month = _position_today(_stored(engagement, "trajectory"))
    return roadmap.position_sentence(engagement, stages, today, month)


def _when(stages: pd.DataFrame, i: int) -> str:
    """A stage's date; a stage at or below base camp's level was passed before the plan."""
    base, row = stages["pct"].iloc[0], stages.iloc[i]
    if i > 0 and pd.isna(row["date"]) and pd.notna(base) and row["pct"] <= base:
        return "already passed"
    return day(row["date"]).replace("–", "no date yet")


def roadmap_for_client(engagement: Engagement) -> list[HTML | alt.LayerChart]:
    """The roadmap chart with its sentence, and the stages with their dates and actions."""
    stages, trajectory = _stored(engagement, "roadmap"), _stored(engagement, "trajectory")
    if stages is None or trajectory is None:
        return [callout("Roadmap", [NO_PLAN])]
    sentence = roadmap_sentence(engagement) or ""
    today, month = _position_today(trajectory)
    now = roadmap.now_sentence(engagement, today, month)
    label = engagement.kpi(engagement.contract.headline_kpi).label
    shown = stages.assign(
        level=[_level(p, "%") for p in stages["pct"]],
        when=[_when(stages, i) for i in range(len(stages))],
        carried=[
            t.replace("\n", "; ") if isinstance(t, str) and t else "–" for t in stages["tasks"]
        ],
    )
    columns = {"name": "Stage", "level": "% of contract", "when": "By", "carried": "Actions"}
    return [
        HTML(f"<p class='aw-roadmap-sentence'><strong>{html.escape(sentence)}</strong></p>"),
        roadmap_chart(stages, trajectory, roadmap.start_sentence(stages), now, label),
        table(shown, columns),
    ]


def ranking_html(engagement: Engagement, ranking: pd.DataFrame) -> HTML:
    """The recommendations ranked by return, with value and cost in money."""
    if ranking.empty:
        return callout("Value and cost", ["No action recorded yet."])
    money = money_format(engagement)
    columns = {
        "rank": "Rank",
        "action_area": "Action area",
        "recommendation": "Recommendation",
        "actions": "Actions",
        "value": "Value",
        "cost": "Cost",
        "return": "Return",
    }
    formats = {
        "value": money,
        "cost": money,
        "return": lambda v: f"{number(v, 1)} ×",
        "rank": lambda v: str(v),
        "actions": lambda v: str(v),
    }
    caption = (
        "Value: closing each action's share of the gap to its target, for the months of "
        "the contract left after its target date, at the contract's value per unit. "
        "Cost: the actions' days at the team's day rate, or their stated cost."
    )
    return table(ranking, columns, formats, caption=caption)


def value_for_client(engagement: Engagement) -> HTML:
    """The published recommendations ranked by return (value over cost)."""
    ranking = _stored(engagement, "value")
    if ranking is None:
        return callout("Value and cost", [NO_PLAN])
    return ranking_html(engagement, ranking)


def progress_for_client(engagement: Engagement) -> HTML:
    """Each published action's measure now against baseline and target, its trend and status."""
    found = _stored(engagement, "progress")
    if found is None:
        return callout("Progress", [NO_PLAN])
    frame = found.assign(
        baseline_text=[_level(v, u) for v, u in zip(found["baseline"], found["unit"], strict=True)],
        current_text=[_level(v, u) for v, u in zip(found["current"], found["unit"], strict=True)],
        target_text=[_level(v, u) for v, u in zip(found["target"], found["unit"], strict=True)],
        trend_text=found["trend"].map(TREND_LABELS),
        status_text=found["progress"].map(PROGRESS_LABELS),
        due=found["target_date"].map(day),
    )
    columns = {
        "task": "Action",
        "measure_label": "Measure",
        "baseline_text": "Baseline",
        "current_text": "Now",
        "target_text": "Target",
        "trend_text": "Trend",
        "due": "Target date",
        "status_text": "Status",
    }
    counts = frame["progress"].value_counts()
    lines = [", ".join(f"{PROGRESS_LABELS[k]}: {int(counts.get(k, 0))}" for k in PROGRESS_LABELS)]
    sentence = roadmap_sentence(engagement)
    if sentence:
        lines.append(sentence)
    return HTML(
        str(callout("Progress of the action plan", lines).data) + str(table(frame, columns).data)
    )


def recent_level(engagement: Engagement) -> RecentLevel | None:
    """The headline KPI's level on the roadmap's measure now, for the executive summary.

    The roadmap measures the last three months (the level a plan can move), not the total since
    the contract began; the summary's roadmap must show the same figure as this section.

    Returns:
        None before a plan is published (the summary then places the contract by its to-date
        figure).
    """
    today, month = _position_today(_stored(engagement, "trajectory"))
    if today is None or month is None:
        return None
    return RecentLevel(pct_of_contract=today, period=f"the three months to {month:%B %Y}")


def most_valuable_actions(engagement: Engagement) -> list[str]:
    """The three published actions of highest value, as short sentences for the summary."""
    plan = _stored(engagement, "plan")
    if plan is None or plan.empty:
        return []
    money = money_format(engagement)
    top = plan.sort_values("value", ascending=False, kind="stable").head(3)
    return [
        f"{r.task} ({r.measure_label}: {_level(r.baseline, r.unit)} → "
        f"{_level(r.target, r.unit)} by {day(r.target_date)}): worth {money(r.value)} "
        f"for {money(r.cost)}."
        for r in top.itertuples()
    ]
