"""What-if scenarios in the store: the plan's basis from the published frames, saved scenarios.

:func:`load_basis` reads what the projection needs from the published plan only (the client
frames ``recommendations.*`` and step 1's performance), so the served page and the static
report project the same plan. :func:`save_scenario` is the consultant's (a CLI or notebook
call); the client's page only reads (:func:`saved_scenarios`).
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd

from assessment.engagement import Engagement
from assessment.errors import InputError, Problem
from assessment.periods import MONTHS_FRAME, engagement_month_table, month_end
from assessment.recommendations import measures
from assessment.recommendations.models import ALL_SITES
from assessment.recommendations.scenarios import Benchmark, Lever, PlanBasis, Scenario
from assessment.recommendations.store import STEP, open_store
from assessment.store import Store

SCENARIOS = "rec_scenarios"
PERFORMANCE_FRAME = "data_analysis.performance_by_period"
NO_PLAN = "No action plan published yet"
STALE_PLAN = (
    "The action plan was published by an earlier version of the workbook: publish it again "
    "(notebook 05) to explore scenarios."
)


def _day(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(str(value)).date()


PLAN_COLUMNS = frozenset(
    {"action_id", "baseline", "cost", "measure", "price", "site", "target", "target_date", "units"}
)
"""The columns of the published plan the projection reads; a plan published by an older
workbook lacks some of them and must be published again (``plan_is_current``)."""


def plan_is_current(engagement: Engagement) -> bool:
    """Whether the published plan carries every column the projection reads."""
    if not engagement.store_path.exists():
        return True
    with Store(engagement.store_path) as store:
        if not store.has_frame(f"{STEP}.plan"):
            return True
        return set(store.frame(f"{STEP}.plan").columns) >= PLAN_COLUMNS


def load_basis(engagement: Engagement) -> PlanBasis | None:
    """The published plan as the projection needs it, or None.

    None before a plan is published, and for a plan published by an older workbook without the
    columns the projection reads (``plan_is_current`` tells the two apart).
    """
    if not engagement.store_path.exists():
        return None
    with Store(engagement.store_path) as store:
        names = (f"{STEP}.plan", f"{STEP}.roadmap", PERFORMANCE_FRAME)
        if not all(store.has_frame(n) for n in names):
            return None
        plan, stages, data = (store.frame(n) for n in names)
    if plan.empty or stages.empty or not set(plan.columns) >= PLAN_COLUMNS:
        return None
    data["period"] = pd.to_datetime(data["period"])
    base = stages[stages["fraction"].isna()]
    if base.empty or pd.isna(base["pct"].iloc[0]):
        return None
    base_day = _day(base["date"].iloc[0]) or dt.date.today()
    base_month = base_day.replace(day=1)
    key = engagement.contract.headline_kpi
    lower = engagement.kpi(key).better == "lower"
    n = engagement.analysis.recent_months  # the one "recent" window of every step-5 figure
    start = pd.Timestamp(base_month)
    declared = tuple(
        (str(r.name), None if pd.isna(r.fraction) else float(r.fraction), _day(r.date))
        for r in stages.itertuples()
    )
    actuals = _actuals(engagement, data, key)
    last = pd.Timestamp(actuals[-1][0]) if actuals else start
    price = float(engagement.kpi(key).value_per_unit or 0.0)
    return PlanBasis(
        plan=plan,
        stages=declared,
        headline=key,
        kpi_label=engagement.kpi(key).label,
        base_pct=float(base["pct"].iloc[0]),
        base_month=base_month,
        contract_end=engagement.contract.end,
        contract_units=measures.monthly_target(data, key, ALL_SITES, start, n) or 0.0,
        horizon=engagement.analysis.value_horizon_months,
        benchmarks=_benchmarks(engagement, data, key, (start, last), lower, n, price or math.nan),
        actuals=actuals,
        window=n,
        lower_is_better=lower,
    )


def _actuals(
    engagement: Engagement, data: pd.DataFrame, key: str
) -> tuple[tuple[dt.date, float, float], ...]:
    """The headline KPI's months that count (``assessment.periods``), whole contract."""
    with Store(engagement.store_path) as store:
        months = store.frame(MONTHS_FRAME) if store.has_frame(MONTHS_FRAME) else None
    if months is None:  # a store from before months were flagged: judge its months now
        months = engagement_month_table(engagement, data["period"])
    months["period"] = pd.to_datetime(months["period"])
    used = set(months.loc[months["used"], "period"])
    rows = data[(data["measure"] == key) & (data["site"] == ALL_SITES)]
    rows = rows[rows["period"].isin(used)].sort_values("period")
    return tuple(
        (pd.Timestamp(r.period).date(), float(r.actual), float(r.target)) for r in rows.itertuples()
    )


def _benchmarks(
    engagement: Engagement,
    data: pd.DataFrame,
    key: str,
    months: tuple[pd.Timestamp, pd.Timestamp],
    lower: bool,
    n: int,
    price: float,
) -> tuple[Benchmark, ...]:
    """Every site below the plan's benchmark, which it could reach from the next month.

    The benchmark is the best site's rate over the plan's baseline months (the rate the plan's
    targets were set against); each site's level is its level now (the recent months). None
    when the data already covers the contract's last month: no month is left to reach it.
    """
    base, last = months
    by = month_end(last)
    if by >= engagement.contract.end:
        return ()
    sites = [s.key for s in engagement.sites]
    best = measures.best_site(data, key, sites, base, lower, n)
    if best is None:
        return ()
    found = []
    for site in sites:
        level = measures.window_pct(data, key, site, last, lower, n)
        units = measures.monthly_target(data, key, site, last, n)
        if site == best[0] or level is None or not units or level >= best[1]:
            continue
        found.append(Benchmark(site, level, best[1], float(units), by, price, best[0]))
    return tuple(found)


def save_scenario(engagement: Engagement, scenario: Scenario, by: str, on: dt.date) -> None:
    """Save (or replace) a named scenario; the consultant's only.

    Raises:
        InputError: No published plan, no name, no one saving it, a lever on an action not in
            the plan or a benchmark for a site that has none (every problem at once).
    """
    basis = load_basis(engagement)
    problems = []
    if basis is None:
        why = (
            f"{NO_PLAN}: publish it (notebook 05) before saving a scenario"
            if plan_is_current(engagement)
            else STALE_PLAN
        )
        problems.append(Problem(str(engagement.store_path), why))
    if not scenario.name.strip() or scenario.name == Scenario().name:
        problems.append(Problem("scenario", "give the scenario a name of its own", "name"))
    if not by.strip():
        problems.append(Problem("scenario", "name who saved it", "saved by"))
    if basis is not None:
        problems += _unknown_levers(basis, scenario)
    if problems:
        raise InputError(problems)
    levers = {a: vars(lever) for a, lever in scenario.levers.items()}
    with open_store(engagement) as store, store.transaction() as tx:
        tx.execute(
            f"INSERT INTO {SCENARIOS}(name, levers, benchmarks, saved_by, saved_on, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, datetime('now'), datetime('now')) "
            "ON CONFLICT(name) DO UPDATE SET levers=excluded.levers, "
            "benchmarks=excluded.benchmarks, saved_by=excluded.saved_by, "
            "saved_on=excluded.saved_on, updated_at=excluded.updated_at",
            (
                scenario.name.strip(),
                json.dumps(levers, sort_keys=True),
                json.dumps(sorted(scenario.benchmark_sites)),
                by.strip(),
                on.isoformat(),
            ),
        )


def _unknown_levers(basis: PlanBasis, scenario: Scenario) -> list[Problem]:
    """Levers the published plan cannot move: unknown actions, sites without a benchmark."""
    known = set(basis.plan["action_id"].astype(str))
    problems = [
        Problem("scenario", f"not an action of the published plan ({', '.join(sorted(known))})",
                field=action_id)
        for action_id in scenario.levers
        if action_id not in known
    ]  # fmt: skip
    offered = {b.site for b in basis.benchmarks}
    problems += [
        Problem(
            "scenario",
            "no benchmark to reach: the site is the best already or has no target "
            f"(sites that can: {', '.join(sorted(offered)) or 'none'})",
            field=site,
        )
        for site in sorted(scenario.benchmark_sites - offered)
    ]
    return problems


def delete_scenario(engagement: Engagement, name: str) -> None:
    """Delete a saved scenario by its name; the consultant's only.

    Raises:
        InputError: No scenario of that name (the saved ones are named).
    """
    saved = [s.name for s, _, _ in saved_scenarios(engagement)]
    if name not in saved:
        listed = ", ".join(f"'{n}'" for n in saved) or "none saved yet"
        raise InputError([Problem("scenario", f"no scenario of that name ({listed})", field=name)])
    with open_store(engagement) as store, store.transaction() as tx:
        tx.execute(f"DELETE FROM {SCENARIOS} WHERE name = ?", (name,))


def saved_scenarios(engagement: Engagement) -> list[tuple[Scenario, str, dt.date]]:
    """The saved scenarios with who saved them and when, by name (reads only)."""
    if not engagement.store_path.exists():
        return []
    with Store(engagement.store_path) as store:
        exists = store.query("SELECT 1 FROM sqlite_master WHERE name = ?", (SCENARIOS,))
        if not exists:
            return []
        rows = store.query(f"SELECT * FROM {SCENARIOS} ORDER BY name")
    return [
        (
            Scenario(
                r["name"],
                {a: Lever(**v) for a, v in json.loads(r["levers"]).items()},
                frozenset(json.loads(r["benchmarks"])),
            ),
            r["saved_by"],
            dt.date.fromisoformat(r["saved_on"]),
        )
        for r in rows
    ]
