"""The portfolio index: one offline HTML page a delivery lead reads across every contract.

Per contract: red / amber / green against its roadmap (the rule is stated on the page), the
month its data runs to, its headline KPI to date and its recent level (each labelled with its
period), where it stands on the roadmap from base camp to the summit, and links to its report
and provenance (its executed notebooks, the consultant's working papers, only with
``internal``); portfolio totals above. No run ids, time stamps or worker counts: a run that
failed says so in words, with where it stopped. Every text is HTML-escaped, links are relative
to the page (the folder can be copied or published as it is), the style is inline and nothing
loads from the internet; on a phone each contract's row stacks into a card. The page is written
atomically. Totals add up only figures of one measure over the same months, and name them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from html import escape
from pathlib import Path

from assessment.batch.summary import RAG_RULE, BatchSummary, ContractReport, Standing
from assessment.files import write_atomically
from assessment.roadmap_state import share
from assessment.run_folder import MANIFEST_FILE, WORKING_PAPERS

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_WORDS = {
    "green": "on or ahead of the roadmap",
    "amber": "a little behind the roadmap",
    "red": "well behind the roadmap",
}
NOT_REFRESHED = {
    "failed": "Not refreshed: its latest run failed",
    "interrupted": "Not refreshed: the batch was stopped before it ran",
}
"""What a run that did not finish means for the contract's figures, in words."""
NOT_AGREED_HERE = "No stages yet: they are agreed with the client in the recommendations step."
"""The roadmap state's 'not agreed' for the lead reading the index (the report says 'with you')."""

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:72rem;color:#1f2933;padding:1.5rem 1rem 3rem;line-height:1.45}
h1{font-size:1.7rem;margin:.1rem 0 .2rem}.kicker{margin:0;color:#1f4e79;font-weight:650;
font-size:.8rem;letter-spacing:.08em;text-transform:uppercase}.meta{color:#52606d;margin:0 0 1rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;
margin:1rem 0}
.tile{background:#f4f6f8;border-top:4px solid #1f4e79;padding:.6rem .8rem}
.tile b{display:block;font-size:1.6rem;color:#1f4e79;line-height:1.2}
.tile span{color:#52606d;font-size:.85rem}
.tiles.pool{grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));margin-top:.25rem}
.pool-head{margin:1rem 0 0;color:#52606d;font-size:.85rem;font-weight:600}
.tile.green{border-color:#2f7d5b}.tile.amber{border-color:#d69e2e}.tile.red{border-color:#c8553d}
.rule{color:#52606d;font-size:.85rem;border-left:4px solid #d9dee3;padding-left:.75rem}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.55rem .6rem;border-bottom:1px solid #d9e2ec;vertical-align:top;
overflow-wrap:break-word}
th{background:#f0f4f8;font-size:.85rem}
small{color:#52606d}
.rag{display:inline-block;font-weight:700;border-radius:.3rem;padding:.1rem .45rem;
font-size:.85rem;white-space:nowrap}
.rag.green{background:#e3f9e5;color:#05400a}.rag.amber{background:#fff3c4;color:#513c06}
.rag.red{background:#ffe3e3;color:#610404}.rag.none{background:#e4e7eb;color:#323f4b}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:#e4e7eb;border-radius:.25rem;height:.5rem;max-width:10rem;margin:.3rem 0}
.bar i{display:block;height:100%;background:#2680c2;border-radius:.25rem}
.stages{list-style:none;padding:0;margin:0;display:flex;gap:.25rem;flex-wrap:wrap}
.stages li{font-size:.8rem;padding:.05rem .35rem;border:1px solid #bcccdc;border-radius:.25rem;
color:#52606d}.stages li.reached{color:#1f2933;border-color:#2680c2}
.stages li.here{background:#2680c2;color:#fff;border-color:#2680c2}
.problem{color:#610404;font-weight:600;margin:.4rem 0 0}
.error{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,monospace;
font-size:.8rem;color:#610404;margin:.3rem 0 0}
a{color:#0b69a3}
@media (max-width:40rem),print{
thead{display:none}table,tbody,tr,td{display:block;width:100%}
tr{border-bottom:2px solid #bcccdc;padding:.5rem 0}td{border:0;padding:.25rem 0}
td[data-label]::before{content:attr(data-label);display:block;color:#52606d;font-size:.8rem;
font-weight:600}}
@media print{body{max-width:none;padding:0}tr{break-inside:avoid}.tiles{display:block}
.tile{display:inline-block;width:32%;margin:0 .5% .5rem 0;vertical-align:top}}
"""


def write_index(summary: BatchSummary, path: Path, *, internal: bool = False) -> Path:
    """Write the portfolio index page for a batch, atomically.

    Args:
        summary: The batch's summary.
        path: The page to write; links are made relative to its folder.
        internal: Link the executed notebooks (working papers) too: a consultants' index.

    Returns:
        ``path``.
    """
    return write_atomically(path, render_index(summary, path.parent, internal=internal))


def _month(value: str | None) -> str:
    """A month "2026-06" as "Jun 2026" (the report's month format); a dash when missing."""
    if not value:
        return "–"
    return f"{dt.datetime.strptime(value, '%Y-%m'):%b}\u00a0{value[:4]}"


def _when(stamp: str) -> str:
    """An ISO time stamp as a reader writes it: "29 Nov 2026, 12:58 UTC"."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def render_index(summary: BatchSummary, base: Path, *, internal: bool = False) -> str:
    """The index page as text; links relative to ``base`` (working papers too if ``internal``)."""
    rows = "\n".join(_row(contract, base, internal) for contract in summary.contracts)
    title = escape(summary.portfolio)
    heads = "".join(
        f"<th>{h}</th>"
        for h in ("Contract", "Against the roadmap", "Headline to date", "Recent", "Roadmap", "")
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: portfolio</title><style>{STYLE}</style></head>
<body><p class="kicker">Portfolio</p><h1>{title}</h1>
<p class="meta">Reports refreshed {escape(_when(summary.finished_at))}.</p>
{_totals(summary)}
<p class="rule"><strong>Red, amber, green.</strong> {escape(RAG_RULE)}</p>
<table><thead><tr>{heads}</tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def _totals(summary: BatchSummary) -> str:
    """Tiles: contracts, how many are green / amber / red, and the pooled headline levels."""
    standings = [c.standing for c in summary.contracts if c.standing]
    tiles = [_tile("", str(len(summary.contracts)), "contracts")]
    for rag, label in RAG_LABELS.items():
        count = sum(1 for s in standings if s.rag == rag)
        tiles.append(_tile(rag, str(count), f"{label.lower()}: {RAG_WORDS[rag]}"))
    pooled = "".join(_pool_tile(group) for group in pools(standings))
    pooled_html = (
        "<p class='pool-head'>Recent months, added up across the contracts of one measure "
        f"whose data end in the same month</p><div class='tiles pool'>{pooled}</div>"
        if pooled
        else ""
    )
    return f"<div class='tiles'>{''.join(tiles)}</div>{pooled_html}"


def pools(standings: list[Standing]) -> list[list[Standing]]:
    """Contracts whose headline levels may be added up: one measure over the same months.

    Figures to date cover each contract's own months (contracts start at different dates), so
    they are never summed; the level the roadmap places each contract by (its recent months)
    is, for contracts of one measure whose data end in the same month.
    """
    groups: dict[tuple[str, str, bool, str], list[Standing]] = defaultdict(list)
    for s in standings:
        if s.level_period and s.level_actual is not None and s.level_target is not None:
            groups[(s.kpi, s.kpi_label, s.lower_is_better, s.level_period)].append(s)
    return list(groups.values())


def _pool_tile(group: list[Standing]) -> str:
    """'62%: Job outcomes over Apr–Jun 2026, 2 contracts together: 1,230 of 1,990 contracted'."""
    first = group[0]
    actual = sum(s.level_actual or 0.0 for s in group)
    target = sum(s.level_target or 0.0 for s in group)
    level = share(actual, target, first.lower_is_better)
    who = f"{len(group)} contracts together" if len(group) > 1 else first.client
    return _tile(
        "",
        f"{level:,.0f}%" if level is not None else "–",
        f"{first.kpi_label} over {first.level_period}, {who}: "
        f"{actual:,.0f} of {target:,.0f} contracted",
    )


def _tile(kind: str, value: str, note: str) -> str:
    return f"<div class='tile {kind}'><b>{escape(value)}</b><span>{escape(note)}</span></div>"


def _row(contract: ContractReport, base: Path, internal: bool = False) -> str:
    s = contract.standing
    name = escape(s.client) if s else escape(contract.key.replace("-", " ").title())
    detail = f"<br><small>{escape(s.contract)}</small>" if s else ""
    if s and s.data_to:
        detail += f"<br><small>Figures as of {escape(_month(s.data_to))}</small>"
    return (
        f'<tr id="{escape(contract.key)}"><td data-label="Contract"><strong>{name}</strong>'
        f"{detail}{_problem(contract)}</td>"
        f'<td data-label="Against the roadmap">{_rag(s)}</td>'
        f'<td data-label="Headline to date">{_to_date(s)}</td>'
        f'<td data-label="Recent">{_recent(s)}</td>'
        f'<td data-label="Roadmap">{_roadmap(s)}</td>'
        f'<td data-label="Read">{_links(contract, base, internal)}</td></tr>'
    )


def _problem(contract: ContractReport) -> str:
    """A run that did not finish, in words; where it stopped and its error for the lead."""
    words = NOT_REFRESHED.get(contract.status)
    if words is None:
        return ""
    where = ", ".join(
        p for p in (contract.notebook, f"cell {contract.cell}" if contract.cell else None) if p
    )
    html = f'<p class="problem">{escape(words)}{": " + escape(where) if where else ""}.</p>'
    if contract.error:
        html += (
            f'<details><summary>What went wrong</summary><p class="error">'
            f"{escape(contract.error.strip())}</p></details>"
        )
    return html


def _rag(s: Standing | None) -> str:
    if s is None or s.rag is None:
        return '<span class="rag none">No figures yet</span>'
    due = (
        f"<br><small>Planned by {escape(_month(s.data_to))}: {escape(s.due_stage)}, "
        f'<span class="num">{s.due_pct:,.0f}%</span></small>'
        if s.due_stage and s.due_pct is not None
        else "<br><small>No stage due yet</small>"
    )
    return f'<span class="rag {escape(s.rag)}">{RAG_LABELS[s.rag]}</span>{due}'


def _to_date(s: Standing | None) -> str:
    if s is None:
        return "–"
    return (
        f'{escape(s.kpi_label)}: <span class="num"><strong>{s.pct_of_target:,.0f}%</strong> of '
        f"contract</span><br><small>{s.actual:,.0f} of {s.target:,.0f} contracted</small>"
        f"<br><small>{escape(s.period)}</small>"
        f'<div class="bar"><i style="width:{min(max(s.pct_of_target, 0), 100):.0f}%"></i></div>'
    )


def _recent(s: Standing | None) -> str:
    if s is None or s.recent_pct is None or not s.recent_period:
        return "<small>No recent level yet</small>"
    return (
        f'<span class="num"><strong>{s.recent_pct:,.0f}%</strong> of contract</span>'
        f"<br><small>{escape(s.recent_period)}</small>"
    )


def _roadmap(s: Standing | None) -> str:
    """The stages in increasing order, passed ones marked, and the roadmap state's sentences."""
    if s is None:
        return "–"
    if not s.agreed:  # as the report: no stage is named before the client agrees them
        return f"<small>{escape(NOT_AGREED_HERE)}</small>"
    items = []
    for stage in s.stages:
        kind = "here" if stage.name == s.stage else "reached" if stage.reached else ""
        level = f" {stage.pct:.0f}%" if stage.pct is not None else ""
        passed = " (passed)" if stage.passed else ""
        items.append(f'<li class="{kind}">{escape(stage.name + level + passed)}</li>')
    return f'<ul class="stages">{"".join(items)}</ul><small>{escape(s.roadmap)}</small>'


def _links(contract: ContractReport, base: Path, internal: bool) -> str:
    """The contract's client-safe files (report, provenance); its working papers if ``internal``.

    The executed notebooks hold interviewees' names and internal notes: an index published for
    clients must not lead to them (``assess batch --internal`` makes the consultants' index).
    """
    if not contract.run_folder:
        return "—"
    folder = Path(contract.run_folder)
    links = []
    if contract.report and Path(contract.report).exists():
        links.append(_link(Path(contract.report), base, "Client report"))
    if (folder / MANIFEST_FILE).exists():
        links.append(_link(folder / MANIFEST_FILE, base, "provenance"))
    if internal:
        papers = sorted((folder / WORKING_PAPERS).glob("*.ipynb")) or sorted(folder.glob("*.ipynb"))
        links += [_link(nb, base, f"{nb.name} (internal)") for nb in papers]
        links.append(_link(folder, base, "run folder (internal)"))
    return "<br>".join(links) or "—"


def _link(target: Path, base: Path, label: str) -> str:
    href = Path(os.path.relpath(target, base)).as_posix()
    return f'<a href="{escape(href, quote=True)}">{escape(label)}</a>'
