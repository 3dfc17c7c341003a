"""Publishing step 5's plan: the SMART gate, the frozen client frames, progress on re-runs.

``publish`` checks the plan (every action of an agreed recommendation must pass SMART), freezes
the agreed part into the client frames ``recommendations.*`` and records the version, all in one
transaction; later edits are a draft until published again. ``refresh_progress`` measures the
published plan on today's data on every run; the client report reads only these frames.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assessment import entries
from assessment.discovery import known_names, redact, stored_evidence
from assessment.engagement import Engagement
from assessment.errors import InputError, Problem
from assessment.recommendations import roadmap
from assessment.recommendations.plan import plan_values, progress
from assessment.recommendations.store import (
    PUBLICATIONS,
    STATUS_FIELDS,
    STEP,
    actions,
    digest,
    draft_plan,
    open_store,
    performance,
    publications,
    requests,
)
from assessment.recommendations.value import value_ranking
from assessment.store import Store, write_frames


def refusal(plan: pd.DataFrame) -> list[Problem]:
    """Why a plan cannot be published: every failing rule of every action to publish."""
    agreed = plan[plan["agreed"]]
    if agreed.empty:
        return [Problem("action plan", "no agreed recommendation with actions to publish")]
    problems = []
    for _, row in agreed[~agreed["smart_passed"]].iterrows():
        for line in row["smart"].splitlines():
            if line.startswith("✗"):
                rule, why = line[2:].split(": ", 1)
                problems.append(Problem("action plan", why, f"action '{row['task'][:60]}'", rule))
    return problems


def publish(engagement: Engagement, by: str, on: dt.date, request_id: str | None = None) -> int:
    """Publish the agreed part of the plan to the client report; returns its version.

    The same plan published again keeps its version (and its frozen figures).

    Raises:
        InputError: Each failing action and rule (or no agreed action); nothing is published.
    """
    with open_store(engagement) as store:
        plan = draft_plan(engagement, store)
        problems = refusal(plan)
        if problems:
            raise InputError(problems)
        fingerprint, previous = digest(engagement, store), publications(store)
        if previous and previous[-1]["digest"] == fingerprint:
            return int(previous[-1]["version"])
        version = len(previous) + 1
        frames = client_frames(engagement, plan[plan["agreed"]].reset_index(drop=True), store)
        frames[f"{STEP}.publication"] = pd.DataFrame(
            [{"version": version, "published_by": by, "published_on": on.isoformat()}]
        )
        with store.transaction() as tx:
            # read again under the write lock: a run or a notebook may have published meanwhile
            latest = tx.execute(
                f"SELECT version, digest FROM {PUBLICATIONS} ORDER BY version DESC LIMIT 1"
            ).fetchone()
            if latest is not None and latest["digest"] == fingerprint:
                return int(latest["version"])
            if latest is not None and int(latest["version"]) >= version:
                version = int(latest["version"]) + 1
                frames[f"{STEP}.publication"]["version"] = version
            write_frames(tx, STEP, frames)
            tx.execute(
                f"INSERT INTO {PUBLICATIONS}(version, request_id, digest, published_by, "
                "published_on, actions, created_at) VALUES (?, ?, ?, ?, ?, ?, datetime('now'))",
                (
                    version,
                    request_id or entries.new_id(),
                    fingerprint,
                    by,
                    on.isoformat(),
                    int(plan["agreed"].sum()),
                ),
            )
    return version


def client_frames(
    engagement: Engagement, plan: pd.DataFrame, store: Store
) -> dict[str, pd.DataFrame]:
    """The frames the client report reads: the plan, its roadmap and value, and progress."""
    data = performance(store)
    plan = client_safe(plan, store)
    return {
        f"{STEP}.plan": _storable(plan),
        f"{STEP}.roadmap": _storable(roadmap.stages(engagement, plan, data)),
        f"{STEP}.value": value_ranking(plan),
        f"{STEP}.value_gaps": plan_values(plan)[1],
        **progress_frames(engagement, plan, store),
    }


CLIENT_TEXT = (
    "action_area",
    "recommendation",
    "task",
    "measure_label",
    "expected_outcome",
    "owner",
    "status_note",
    "smart",
)
"""Text columns of the client frames in which a name of someone interviewed is redacted."""


def client_safe(plan: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The plan with every interviewee's name (from step 4's evidence) replaced by ``[name]``.

    Interviewees are promised that they are never named to the client; a consultant's task or
    note quoting one must not name them in the report either.
    """
    names = known_names(stored_evidence(store))
    if not names:
        return plan
    safe = plan.copy()
    for column in CLIENT_TEXT:
        safe[column] = safe[column].map(lambda text: redact(text, names))
    return safe


def progress_frames(
    engagement: Engagement, plan: pd.DataFrame, store: Store
) -> dict[str, pd.DataFrame]:
    """Progress of the published plan on today's data, with the client's latest statuses."""
    latest = {a.id: a for a in actions(store)}
    plan = plan.copy()
    for field in STATUS_FIELDS:
        plan[field] = [
            getattr(latest[i], field) if i in latest else v
            for i, v in zip(plan["action_id"], plan[field], strict=True)
        ]
    data = performance(store)
    return {
        f"{STEP}.progress": _storable(progress(engagement, client_safe(plan, store), data)),
        f"{STEP}.trajectory": roadmap.trajectory(engagement, data),
    }


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text: object columns of dates do not round-trip through Parquet."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, dt.date)).any():
            out[column] = out[column].map(
                lambda v: v.isoformat() if isinstance(v, dt.date) else None
            )
    return out


def _from_iso(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def refresh_progress(engagement: Engagement) -> bool:
    """Recompute the published plan's progress on today's data; False when nothing is published."""
    with open_store(engagement) as store:
        if not store.has_frame(f"{STEP}.plan"):
            return False
        plan = store.frame(f"{STEP}.plan")
        for column in ("set_on", "target_date", "status_date"):
            plan[column] = plan[column].map(_from_iso)
        frames = progress_frames(engagement, plan, store)
        with store.transaction() as tx:
            write_frames(tx, STEP, frames)
    return True


def apply_requests(engagement: Engagement) -> list[str | InputError]:
    """Publish for every request not applied yet: a version number, or why it was refused."""
    with open_store(engagement) as store:
        done = {p["request_id"] for p in publications(store)}
        pending = [r for r in requests(store) if r.id not in done]
    results: list[str | InputError] = []
    for request in pending:
        try:
            version = publish(engagement, request.published_by, request.published_on, request.id)
        except InputError as error:
            results.append(error)
        else:
            results.append(
                f"Version {version} published by {request.published_by} on "
                f"{request.published_on:%d %b %Y}."
            )
    return results
