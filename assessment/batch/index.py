"""The portfolio index: one offline HTML page listing every contract of a batch.

For each contract: how its run ended (and, when it failed, the notebook, cell and error), where
it stands on its roadmap from base camp to the summit, its headline figures, and links to its
report and executed notebooks. Every text is HTML-escaped, links are relative to the page (the
folder can be copied or published as it is), the style is inline and nothing loads from the
internet. The page is written atomically.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from assessment.batch.summary import BatchSummary, ContractReport, Standing
from assessment.files import write_atomically

LABELS = {"skipped": "up to date", "interrupted": "not run (batch interrupted)"}
"""How a status reads on the page (``skipped`` in the summary: its last run is still good)."""

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:72rem;color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#52606d;margin-top:0}
.counts span{display:inline-block;margin-right:1rem;font-weight:600}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid #d9e2ec;vertical-align:top}
th{background:#f0f4f8;font-size:.85rem;text-transform:uppercase;letter-spacing:.03em}
.status{font-weight:700;border-radius:.3rem;padding:.1rem .4rem;font-size:.85rem}
.succeeded{background:#e3f9e5;color:#05400a}.failed{background:#ffe3e3;color:#610404}
.skipped{background:#e0e8f9;color:#19216c}.interrupted{background:#fff3c4;color:#513c06}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:#e4e7eb;border-radius:.25rem;height:.5rem;width:10rem;margin:.3rem 0}
.bar i{display:block;height:100%;background:#2680c2;border-radius:.25rem}
.stages{list-style:none;padding:0;margin:0;display:flex;gap:.25rem;flex-wrap:wrap}
.stages li{font-size:.75rem;padding:.05rem .35rem;border:1px solid #bcccdc;border-radius:.25rem;
color:#829ab1}.stages li.reached{color:#1f2933;border-color:#2680c2}
.stages li.here{background:#2680c2;color:#fff;border-color:#2680c2}
.error{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.8rem;color:#610404;
margin:.3rem 0 0}
a{color:#0b69a3}
"""


def write_index(summary: BatchSummary, path: Path) -> Path:
    """Write the portfolio index page for a batch, atomically.

    Args:
        summary: The batch's summary.
        path: The page to write; links are made relative to its folder.

    Returns:
        ``path``.
    """
    return write_atomically(path, render_index(summary, path.parent))


def render_index(summary: BatchSummary, base: Path) -> str:
    """The index page as text; links relative to ``base``."""
    counts = "".join(
        f'<span class="{escape(k)}">{escape(LABELS.get(k, k))}: {v}</span>'
        for k, v in summary.counts.items()
    )
    rows = "\n".join(_row(contract, base) for contract in summary.contracts)
    title = escape(summary.portfolio)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: portfolio index</title><style>{STYLE}</style></head>
<body><h1>{title}</h1>
<p class="meta">Batch {escape(summary.batch_id)}, finished {escape(summary.finished_at)} in
{summary.seconds:.0f} s ({escape(summary.executor)}, {summary.workers} worker(s)).</p>
<p class="counts">{counts}</p>
<table><thead><tr><th>Contract</th><th>Status</th><th>Headline KPI to date</th>
<th>Roadmap: base camp → summit</th><th>Links</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def _row(contract: ContractReport, base: Path) -> str:
    s = contract.standing
    name = escape(s.client) if s else escape(contract.key)
    detail = f"<br><small>{escape(s.contract)}</small>" if s else ""
    return (
        f'<tr id="{escape(contract.key)}"><td><strong>{name}</strong>{detail}'
        f"<br><small>{escape(contract.key)}</small></td>"
        f"<td>{_status(contract)}</td><td>{_figures(s)}</td><td>{_roadmap(s)}</td>"
        f"<td>{_links(contract, base)}</td></tr>"
    )


def _status(contract: ContractReport) -> str:
    label = LABELS.get(contract.status, contract.status)
    html = f'<span class="status {escape(contract.status)}">{escape(label)}</span>'
    if contract.status == "skipped" and contract.reason:
        html += f"<br><small>{escape(contract.reason)}</small>"
    if contract.status != "failed":
        return html
    where = ", ".join(
        p for p in (contract.notebook, f"cell {contract.cell}" if contract.cell else None) if p
    )
    if where:
        html += f"<br><small>{escape(where)}</small>"
    return html + f'<p class="error">{escape((contract.error or "").strip())}</p>'


def _figures(s: Standing | None) -> str:
    if s is None:
        return "—"
    return (
        f'{escape(s.kpi_label)}, {escape(s.period)}<br><span class="num">{s.actual:,.0f} of '
        f"{s.target:,.0f}: <strong>{s.pct_of_target:.0f}%</strong></span>"
        f'<div class="bar"><i style="width:{min(max(s.pct_of_target, 0), 100):.0f}%"></i></div>'
    )


def _roadmap(s: Standing | None) -> str:
    """The stages in increasing order, passed ones marked, and the roadmap state's sentences."""
    if s is None:
        return "—"
    if not s.agreed:  # as the report: no stage is named before the client agrees them
        return f"<small>{escape(s.roadmap)}</small>"
    items = []
    for stage in s.stages:
        kind = "here" if stage.name == s.stage else "reached" if stage.reached else ""
        level = f" {stage.pct:.0f}%" if stage.pct is not None else ""
        passed = " (passed)" if stage.passed else ""
        items.append(f'<li class="{kind}">{escape(stage.name + level + passed)}</li>')
    return f'<ul class="stages">{"".join(items)}</ul><small>{escape(s.roadmap)}</small>'


def _links(contract: ContractReport, base: Path) -> str:
    if not contract.run_folder:
        return "—"
    folder = Path(contract.run_folder)
    links = []
    if contract.report and Path(contract.report).exists():
        links.append(_link(Path(contract.report), base, "client report"))
    links += [_link(nb, base, nb.name) for nb in sorted(folder.glob("*.ipynb"))]
    links.append(_link(folder, base, "run folder"))
    return "<br>".join(links)


def _link(target: Path, base: Path, label: str) -> str:
    href = Path(os.path.relpath(target, base)).as_posix()
    return f'<a href="{escape(href, quote=True)}">{escape(label)}</a>'
