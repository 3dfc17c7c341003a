"""What the client's report shows of step 5: the action plan, the roadmap, value, progress.

These views and ``most_valuable_actions`` read only the frames stored when the plan was published
(and progress refreshed on each run), never the drafts and never a name of anyone interviewed in
discovery. All text is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import altair as alt
import pandas as pd
from IPython.display import HTML

from assessment.engagement import Engagement
from assessment.periods import stored_periods, window
from assessment.presentation import callout, date_text, money, number, table
from assessment.recommendations import store as db
from assessment.recommendations.charts import roadmap_chart
from assessment.recommendations.models import STATUS_LABELS
from assessment.recommendations.status import shown_pair
from assessment.recommendations.value import SHARING_RULE, is_valued
from assessment.roadmap_state import RoadmapState, StageState, contract_roadmap
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
    status = {
        a: f"client says {STATUS_LABELS.get(s, s).lower()}"
        for a, s in zip(plan["action_id"], plan["status"], strict=True)
    }
    if progress is not None:  # the one status rule's verdict, with its reason
        status = dict(zip(progress["action_id"], _status_texts(progress), strict=True))
    rows = []
    for (area, recommendation), actions in plan.groupby(
        ["action_area", "recommendation"], sort=False
    ):
        rows.append(
            f"<tr class='aw-group'><th colspan='{len(PLAN_HEADS)}' scope='rowgroup'>"
            f"{html.escape(str(area))}: {html.escape(str(recommendation))}</th></tr>"
        )
        for r in actions.itertuples():
            months = _months_to(
                getattr(r, "baseline_month", None), r.unit, engagement.analysis.recent_months
            )
            cells = [
                r.measure_label,
                f"{_level(r.baseline, r.unit)}{months} → {_level(r.target, r.unit)}",
                r.owner or "–",
                day(r.target_date),
                r.stage,
                status.get(r.action_id, "–"),
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


def roadmap_sentence(engagement: Engagement) -> str | None:
    """The roadmap in two sentences, from the one roadmap state (None before step 1 has run)."""
    state = contract_roadmap(engagement)
    return state.sentence() if state is not None else None


def _planned(state: RoadmapState, hold_until: dt.date) -> pd.DataFrame:
    """The planned line: base camp, then only the stages still ahead of it.

    Stages at or below base camp were passed before the plan; drawing them would send the line
    down and back up. Above the summit the line holds base camp's level to ``hold_until``.
    """
    base = state.base
    points = [(base.name, base.pct, state.base_period.end if state.base_period else None)]
    points += [(s.name, s.pct, s.date) for s in state.ahead]
    if not state.ahead and base.pct is not None:  # hold: flat, unlabelled end point
        points.append(("", base.pct, hold_until))
    return pd.DataFrame(points, columns=["name", "pct", "date"])


def roadmap_for_client(engagement: Engagement) -> list[HTML | alt.LayerChart]:
    """The roadmap's state in words (once), its chart, and the stages with dates and actions."""
    stages, trajectory = _stored(engagement, "roadmap"), _stored(engagement, "trajectory")
    state = contract_roadmap(engagement)
    if stages is None or trajectory is None or state is None:
        return [callout("Roadmap", [NO_PLAN])]
    label = engagement.kpi(engagement.contract.headline_kpi).label
    carried = dict(zip(stages["name"], stages["tasks"], strict=True))
    shown = pd.DataFrame(
        [
            {
                "name": s.name,
                "level": _level(s.pct, "%"),
                "when": _stage_when(state, s),
                "carried": _tasks(carried.get(s.name)),
            }
            for s in state.stages
        ]
    )
    hold_until = max(
        [d for d in (engagement.roadmap.stages[-1].by, engagement.contract.end) if d is not None]
    )
    columns = {"name": "Stage", "level": "% of contract", "when": "By", "carried": "Actions"}
    return [
        # the state in words, once: HTML text wraps on a phone and prints as it reads
        HTML(
            f"<p class='aw-roadmap-sentence'><strong>{html.escape(state.sentence())}</strong></p>"
        ),
        roadmap_chart(
            _planned(state, hold_until), trajectory, label, engagement.analysis.recent_months
        ),
        table(shown, columns, kind="aw-stage-table"),
    ]


def _stage_when(state: RoadmapState, stage: StageState) -> str:
    """A stage's date ('30 Jun 2026 (missed)' once due and not reached); base camp: its months."""
    if not stage.is_base:
        return f"{stage.when()} (missed)" if stage in state.missed else stage.when()
    return f"{state.base_period.label()} (baseline)" if state.base_period else "–"


def _tasks(text: object) -> str:
    return text.replace("\n", "; ") if isinstance(text, str) and text else "–"


def value_words(engagement: Engagement) -> str:
    """What value means here: outcome payments at the contract's price, over which months."""
    horizon = engagement.analysis.value_horizon_months
    months = (
        f"for {horizon} months after each action's target date"
        if horizon
        else "from each action's target date to the contract's end "
        f"({day(engagement.contract.end)})"
    )
    return (
        "Value: outcome payments at the contract's payment per unit, for closing each action's "
        f"share of the gap to its target, {months}. {SHARING_RULE} A measure without a payment "
        "per unit is not valued. Cost: the consultants' days at the team's average day rate (or "
        "the stated cost), plus the client's staff days at the client's day rate where given."
    )


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
        "value_text": "Value (outcome payments)",
        "cost": "Cost",
        "effort": "Of which",
        "return": "Return",
    }
    ranking = ranking.assign(
        effort=[_effort(r, money) for r in ranking.itertuples()],
        value_text=[_value_text(r, money) for r in ranking.itertuples()],
    )
    formats = {
        "cost": money,
        "return": lambda v: f"{number(v, 1)} ×" if is_valued(v) else "–",
        "rank": lambda v: str(v),
        "actions": lambda v: str(v),
    }
    return table(ranking, columns, formats, caption=value_words(engagement), kind="aw-value")


def _value_text(row: object, money: Callable[[object], str]) -> str:
    """The value as shown: 'not valued', or why a valued action earns nothing in the horizon."""
    value = getattr(row, "value", None)
    if value is None or not is_valued(float(value)):
        return "not valued"
    months = getattr(row, "value_months", None)
    if value == 0 and months is not None and not pd.isna(months) and months == 0:
        return f"{money(0)}: due at the contract's end, no months left to earn"
    return money(value)


def _effort(row: object, money: Callable[[object], str]) -> str:
    """'Consultants £9,160 (12 days); client staff £5,280 (24 days)': the cost, split."""
    days, client = getattr(row, "days", None), getattr(row, "client_days", None)
    consultants = getattr(row, "consultant_cost", getattr(row, "cost", None))
    basis = [] if days is None or pd.isna(days) else [f"{days:,.4g} days"]
    if bool(getattr(row, "cost_stated", False)):
        basis.append("stated costs")
    parts = [f"consultants {money(consultants)}" + (f" ({' and '.join(basis)})" if basis else "")]
    if client is not None and not pd.isna(client):
        cost = getattr(row, "client_cost", None)
        priced = money(cost) if cost is not None and not pd.isna(cost) else "not costed"
        parts.append(f"client staff {priced} ({client:,.4g} days)")
    return "; ".join(parts)


def gaps_html(engagement: Engagement, gaps: pd.DataFrame) -> HTML:
    """Each KPI's gap valued once, and what its actions share of it (never more)."""
    money = money_format(engagement)
    labels, names = engagement.kpi_labels(), engagement.site_names()
    frame = gaps.assign(
        kpi=[
            f"{labels.get(m, m)} ({'whole contract' if s == 'ALL' else names.get(s, s)})"
            for m, s in zip(gaps["measure"], gaps["site"], strict=True)
        ],
        gap=[
            f"{b:,.0f}% → {t:,.0f}%" for b, t in zip(gaps["baseline"], gaps["target"], strict=True)
        ],
    )
    columns = {
        "kpi": "Measure",
        "gap": "Gap closed",
        "value": "Closing the gap on the plan's dates",
        "actions": "Actions",
        "shared": "Their share together",
    }
    formats = {"value": money, "shared": money, "actions": lambda v: str(v)}
    return table(
        frame, columns, formats, caption="Each measure's gap is counted once.", kind="aw-value-gaps"
    )


def value_for_client(engagement: Engagement) -> HTML:
    """The published recommendations ranked by return, and each measure's gap valued once."""
    ranking = _stored(engagement, "value")
    if ranking is None:
        return callout("Value and cost", [NO_PLAN])
    gaps = _stored(engagement, "value_gaps")
    shown = str(ranking_html(engagement, ranking).data)
    if gaps is not None and not gaps.empty:
        shown += str(gaps_html(engagement, gaps).data)
    return HTML(shown)


def _status_texts(progress: pd.DataFrame) -> list[str]:
    """Each action's status with its reason (frames stored before reasons: the label alone)."""
    if "progress_text" in progress:
        return [str(t) for t in progress["progress_text"]]
    return [PROGRESS_LABELS.get(p, str(p)) for p in progress["progress"]]


def _pairs(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Now and target as shown: enough decimals that unequal values never read alike."""
    now, target = [], []
    for value, goal, unit in zip(frame["current"], frame["target"], frame["unit"], strict=True):
        if unit != "%":
            now.append(_level(value, unit))
            target.append(_level(goal, unit))
            continue
        a, b = shown_pair(None if pd.isna(value) else float(value), float(goal))
        now.append(a)
        target.append(b)
    return now, target


def progress_for_client(engagement: Engagement) -> HTML:
    """Each published action's measure now against baseline and target, its trend and status."""
    found = _stored(engagement, "progress")
    if found is None:
        return callout("Progress", [NO_PLAN])
    months = stored_periods(engagement)
    recent = f" ({months.recent.label()})" if months else ""
    now, target = _pairs(found)
    frame = found.assign(
        baseline_text=[
            _level(v, u) + _months_to(m, u, engagement.analysis.recent_months)
            for v, u, m in zip(
                found["baseline"], found["unit"], found["baseline_month"], strict=True
            )
        ],
        current_text=now,
        target_text=target,
        trend_text=found["trend"].map(TREND_LABELS),
        status_text=_status_texts(found),
        due=found["target_date"].map(day),
    )
    columns = {
        "task": "Action",
        "measure_label": "Measure",
        "baseline_text": "Baseline",
        "current_text": f"Now{recent}",
        "target_text": "Target",
        "trend_text": f"Trend vs the {engagement.analysis.recent_months} months before",
        "due": "Target date",
        "status_text": "Status",
    }
    counts = found["progress"].value_counts()
    lines = [", ".join(f"{STATUS_LABELS[k]}: {int(counts.get(k, 0))}" for k in STATUS_LABELS)]
    sentence = roadmap_sentence(engagement)
    if sentence:
        lines.append(sentence)
    return HTML(
        str(callout("Progress of the action plan", lines).data)
        + str(table(frame, columns, kind="aw-progress").data)
    )


def _months_to(month: object, unit: str, months: int, joiner: str = "") -> str:
    """A KPI baseline's months: ' (Dec 2025–Feb 2026)'; nothing for a named measure.

    With ``joiner='over'`` (in a sentence): ' over Dec 2025–Feb 2026'.
    """
    if unit != "%" or month is None or (not isinstance(month, dt.date) and pd.isna(month)):
        return ""
    label = window(pd.Timestamp(str(month)), months).label()
    return f" {joiner} {label}" if joiner else f" ({label})"


def recent_level(engagement: Engagement) -> RecentLevel | None:
    """The headline KPI's level now, from the one roadmap state (None before newer data)."""
    state = contract_roadmap(engagement)
    if state is None or state.now_pct is None or state.now_period is None:
        return None
    return RecentLevel(pct_of_contract=state.now_pct, period=state.now_period.label())


def most_valuable_actions(engagement: Engagement) -> list[str]:
    """The (at most three) published actions of highest value above zero, as short sentences."""
    plan = _stored(engagement, "plan")
    if plan is None or plan.empty:
        return []
    money = money_format(engagement)
    valued = plan[plan["value"].notna() & (plan["value"] > 0)]
    top = valued.sort_values("value", ascending=False, kind="stable").head(3)
    n = engagement.analysis.recent_months
    return [
        f"{r.task} ({r.measure_label}: {_level(r.baseline, r.unit)}"
        f"{_months_to(getattr(r, 'baseline_month', None), r.unit, n, 'over')} → "
        f"{_level(r.target, r.unit)} by {day(r.target_date)}): worth {money(r.value)} in "
        f"outcome payments {_to_end(engagement)}, for {money(r.cost)}{_split(r, money)}."
        for r in top.itertuples()
    ]


def _split(row: object, money: Callable[[object], str]) -> str:
    """' (consultants £9,160; client staff £5,280)' when the client's days are costed too."""
    client = getattr(row, "client_cost", None)
    if client is None or pd.isna(client):
        return ""
    return f" ({_effort(row, money)})"


def _to_end(engagement: Engagement) -> str:
    horizon = engagement.analysis.value_horizon_months
    if horizon:
        return f"over {horizon} months after its date"
    return f"to {engagement.contract.end:%b %Y}"
