"""Read a rendered client report (or the portfolio index) as a client would and list contradictions.

Each check returns the contradictions it found, in words, so a failing test says what a client
would have seen. The checks read only the page's text and tables, never the store:

- one label and period showing two values ("54% of contract over Apr–Jun 2026" and "55% of
  contract over Apr–Jun 2026");
- a status that contradicts its numbers (Late with now at or above target; On track past its due
  date with the target unmet; Done with neither a met target nor the client's word);
- roadmap stages whose levels do not increase in the order shown;
- a roadmap stage due by the data's last day spoken of as still ahead ("is not reached yet",
  "next Camp 1 ... by 30 Jun 2026" on data to 30 June 2026): it was missed;
- a "most valuable" action worth £0;
- the actions on one measure sharing more than closing that measure's whole gap;
- the What if table's agreed plan giving the headline KPI for months that end where the
  roadmap's level ends (months the data covers) with another value, other months, or another
  roadmap position than the roadmap states.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict

from bs4 import BeautifulSoup, Tag

PERIOD = r"(?:[A-Z][a-z]{2}–[A-Z][a-z]{2} \d{4}|[A-Z][a-z]{2} \d{4}(?:–[A-Z][a-z]{2} \d{4})?)"
"""A period as the report names it: 'Jun 2026', 'Apr–Jun 2026', 'Jan 2024–Jun 2026'."""
_LEVEL = re.compile(rf"(\d[\d,]*(?:\.\d+)?)% of contract over ({PERIOD})")
_DELIVERED = re.compile(rf"delivered (\d[\d,]*(?:\.\d+)?)% of its contracted (.+?) over ({PERIOD})")
_NOW_MARK = re.compile(rf"^Now (\d[\d,]*(?:\.\d+)?)% \(({PERIOD})\)$")
_TILE = re.compile(rf"^(.+), ({PERIOD})$")
_DAY = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
_PENDING = re.compile(
    # a stage's name runs back to the sentence's start (no '.', ';' or ':' inside it)
    rf"(?:[Nn]ext:? ([^.;:]+?) at [\d.]+% by ({_DAY}))"
    rf"|(?:([^.;:\s][^.;:]*?) at [\d.]+%, due by ({_DAY}), is not reached yet)"
)
_DATA_TO = re.compile(r"Data to (\d{1,2} [A-Z][a-z]+ \d{4})")
_AS_OF = re.compile(r"Figures as of ([A-Z][a-z]{2})\s(\d{4})")


def page(html: str) -> BeautifulSoup:
    """The page without scripts and styles; its non-breaking spaces (in dates) read as spaces."""
    soup = BeautifulSoup(html.replace("&nbsp;", " ").replace("\u00a0", " "), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup


def _number(text: str) -> float | None:
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return float(match.group(0).replace(",", "")) if match else None


def _rows(soup: BeautifulSoup, kind: str) -> list[dict[str, str]]:
    """The rows of every table of a kind (CSS class), as header -> cell text."""
    found = []
    for table in soup.select(f"table.{kind}"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for tr in table.select("tbody tr"):
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            if len(cells) == len(heads):
                found.append(dict(zip(heads, cells, strict=True)))
    return found


def figures(soup: BeautifulSoup) -> dict[tuple[str, str], set[float]]:
    """Every (label, period) the page gives a level for, with the values it shows."""
    seen: dict[tuple[str, str], set[float]] = defaultdict(set)
    text = soup.get_text(" ", strip=True)
    text = re.sub(r"\s+", " ", text)
    for value, period in _LEVEL.findall(text):
        seen[("headline % of contract", period)].add(float(value.replace(",", "")))
    for value, label, period in _DELIVERED.findall(text):
        seen[(f"{label.lower()} % of contract", period)].add(float(value.replace(",", "")))
    for span in soup.select(".aw-roadmap-marker span"):
        match = _NOW_MARK.match(span.get_text(strip=True))
        if match:
            seen[("headline % of contract", match.group(2))].add(float(match.group(1)))
    for tile in soup.select(".aw-tile"):
        label = tile.select_one(".aw-tile-label")
        value = tile.select_one(".aw-tile-value")
        match = _TILE.match(label.get_text(strip=True)) if label else None
        sites = ("furthest ahead", "furthest behind", "highest % of target", "lowest % of target")
        if match and value and match.group(1).lower() not in sites:
            key = (f"{match.group(1).lower()} % of contract", match.group(2))
            seen[key].add(float(_number(value.get_text()) or 0))
    return seen


def repeated_labels(soup: BeautifulSoup) -> list[str]:
    """One label and period with two values (rounded as shown)."""
    return [
        f"{label} over {period}: shown as {', '.join(f'{v:g}%' for v in sorted(values))}"
        for (label, period), values in figures(soup).items()
        if len({round(v) for v in values}) > 1
    ]


def status_contradictions(soup: BeautifulSoup, report_day: dt.date) -> list[str]:
    """Statuses that contradict the numbers beside them in the progress table."""
    found = []
    for row in _rows(soup, "aw-progress"):
        now_key = next((k for k in row if k.startswith("Now")), None)
        now = _number(row[now_key]) if now_key else None
        target = _number(row["Target"])
        status = row["Status"]
        due = dt.datetime.strptime(row["Target date"], "%d %b %Y").date()
        met = now is not None and target is not None and now >= target
        # a named measure where lower is better: the target is below the baseline
        baseline = _number(row["Baseline"])
        if baseline is not None and target is not None and target < baseline and now is not None:
            met = now <= target
        what = f"{row['Action'][:50]}: now {row[now_key] if now_key else '–'}, target "
        what += f"{row['Target']}, due {row['Target date']}: {status}"
        if status.startswith("Late") and met:
            found.append(f"Late with the target met ({what})")
        if status.startswith("On track") and due < report_day and not met:
            found.append(f"On track past its due date, target unmet ({what})")
        client_done = "client says done" in status or "reported done" in status
        if status.startswith("Done") and not met and not client_done:
            found.append(f"Done with neither a met target nor the client's word ({what})")
    return found


def stage_levels(soup: BeautifulSoup) -> list[str]:
    """Roadmap stages (the section's table) whose levels do not increase in the order shown."""
    found = []
    rows = _rows(soup, "aw-stage-table")
    levels = [(r["Stage"], _number(r["% of contract"])) for r in rows]
    shown = [(name, level) for name, level in levels if level is not None]
    for (a, la), (b, lb) in itertools.pairwise(shown):
        if lb <= la:
            found.append(f"stage {b} ({lb:g}%) after {a} ({la:g}%)")
    return found


def worthless_most_valuable(soup: BeautifulSoup) -> list[str]:
    """'Most valuable' actions worth £0 (or nothing at all)."""
    found = []
    for item in soup.select(".aw-actions li"):
        text = item.get_text(" ", strip=True)
        match = re.search(r"worth £([\d,]+)", text)
        if match is None or float(match.group(1).replace(",", "")) <= 0:
            found.append(text[:120])
    return found


def overclaimed_gaps(soup: BeautifulSoup) -> list[str]:
    """Measures whose actions together are given more than closing the measure's whole gap."""
    found = []
    for row in _rows(soup, "aw-value-gaps"):
        whole = _number(row["Closing the gap on the plan's dates"])
        shared = _number(row["Their share together"])
        if whole is not None and shared is not None and shared > whole + 0.5:
            found.append(f"{row['Measure']}: actions share £{shared:,.0f} of a £{whole:,.0f} gap")
    ranking, shares = _rows(soup, "aw-value"), _rows(soup, "aw-value-gaps")
    ranked = sum(_number(r["Value (outcome payments)"]) or 0.0 for r in ranking)
    gaps = sum(_number(r["Their share together"]) or 0.0 for r in shares)
    if ranking and shares and abs(ranked - gaps) > len(ranking):  # £1 of rounding per row
        found.append(f"recommendations add to £{ranked:,.0f}, the measures' shares to £{gaps:,.0f}")
    return found


def data_to(soup: BeautifulSoup) -> dt.date | None:
    """The data's last day: the cover's 'Data to 30 June 2026', an index row's 'Figures as of'."""
    text = soup.get_text(" ", strip=True)
    found = _DATA_TO.search(text)
    if found:
        return dt.datetime.strptime(found.group(1), "%d %B %Y").date()
    found = _AS_OF.search(text)
    if found is None:
        return None
    first = dt.datetime.strptime(f"{found.group(1)} {found.group(2)}", "%b %Y").date()
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def past_due_stages(soup: BeautifulSoup) -> list[str]:
    """Stages due by the data's last day that a sentence still speaks of as ahead."""
    last = data_to(soup)
    if last is None:
        return []
    text = re.sub(r"\s+", " ", soup.get_text(" ", strip=True))
    found = []
    for match in _PENDING.finditer(text):
        day = match.group(2) or match.group(4)
        if dt.datetime.strptime(day, "%d %b %Y").date() <= last:
            found.append(f"{match.group(0)} (data to {last:%d %b %Y}): the stage was missed")
    return found


_CHANCE = re.compile(r"^(\d+\.\d)% \((\d+\.\d)% to (\d+\.\d)%\)$")
_PLAN_CHANCE = re.compile(
    r"^([^.:]+): (\d+\.\d)% of starters get an outcome \(95% interval "
    r"(\d+\.\d)%–(\d+\.\d)%\)"
)
TWELVE_MONTHS = "Chance of an outcome within 12 months (95% interval)"


def outcome_chances(soup: BeautifulSoup) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each site's 12-month chance of an outcome as the time-to-outcome table and the flow
    plan's assumptions show it: ``{"table": {site: (value, low, high)}, "plan": {...}}``."""
    table = {}
    for row in _rows(soup, "aw-time-to-outcome"):
        match = _CHANCE.match(row.get(TWELVE_MONTHS, ""))
        if match:
            table[next(iter(row.values()))] = match.groups()
    lines = (re.sub(r"\s+", " ", li.get_text(" ", strip=True)) for li in soup.select("li"))
    found = (_PLAN_CHANCE.match(line) for line in lines)
    plan = {m.group(1): m.groups()[1:] for m in found if m}
    return {"table": table, "plan": plan}


def outcome_chance_disagreements(soup: BeautifulSoup) -> list[str]:
    """Sites whose 12-month chance of an outcome differs between the two places it is shown."""
    chances = outcome_chances(soup)
    table, plan = chances["table"], chances["plan"]
    return [
        f"{site}: chance of an outcome within 12 months {'/'.join(table[site])} in the "
        f"time-to-outcome table, {'/'.join(plan[site])} in the flow plan"
        for site in sorted(set(table) & set(plan))
        if table[site] != plan[site]
    ]


def contradictions(html: str, report_day: dt.date) -> list[str]:
    """Every contradiction a client would find on the page."""
    soup = page(html)
    return [
        *repeated_labels(soup),
        *status_contradictions(soup, report_day),
        *stage_levels(soup),
        *past_due_stages(soup),
        *worthless_most_valuable(soup),
        *overclaimed_gaps(soup),
        *outcome_chance_disagreements(soup),
        *what_if_disagreements(soup),
    ]


_WHAT_IF_HEAD = re.compile(rf"% of contracted target(?: over|,) ({PERIOD})")
_MONTH = re.compile(r"([A-Z][a-z]{2}) (\d{4})$")
_ROADMAP_NOW = re.compile(
    rf"(\d[\d,]*)% of contract over ({PERIOD})[:,] (above the summit|at base camp|above base camp"
    r"|([^.;:]+?) reached)"
)


def _last_month(period: str) -> str:
    """The period's last month as shown: 'Apr–Jun 2026' -> 'Jun 2026'."""
    match = _MONTH.search(period.split("–")[-1])
    if match:
        return f"{match.group(1)} {match.group(2)}"
    year = period.split()[-1]
    return f"{period.split('–')[-1].split()[0]} {year}"


def what_if_disagreements(soup: BeautifulSoup) -> list[str]:
    """The What if table's agreed plan against the roadmap's level for months ending alike.

    The roadmap states the level now ("Now 107% of contract over Apr–Jun 2026: above the
    summit"); where the agreed plan's figure covers months ending in the same month, it must be
    the same figure over the same months, at the same place on the roadmap.
    """
    text = re.sub(r"\s+", " ", soup.get_text(" ", strip=True))
    stated = {
        _last_month(m.group(2)): (m.group(1), m.group(2), m.group(3), m.group(4))
        for m in _ROADMAP_NOW.finditer(text)
    }
    found = []
    for table in soup.select("table.aw-scenarios"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        column = next((h for h in heads if _WHAT_IF_HEAD.search(re.sub(r"\s+", " ", h))), None)
        rows = _rows(BeautifulSoup(str(table), "html.parser"), "aw-scenarios")
        agreed = next((r for r in rows if r.get("Scenario") == "Agreed plan"), None)
        if column is None or agreed is None:
            continue
        period = _WHAT_IF_HEAD.search(re.sub(r"\s+", " ", column)).group(1)
        said = stated.get(_last_month(period))
        if said is None:
            continue
        value, months, where, stage = said
        shown = agreed[column].rstrip("%")
        position = agreed.get("Roadmap position", agreed.get("Stage reached", ""))
        if (shown, period) != (value, months):
            found.append(
                f"What if: agreed plan {shown}% over {period}, the roadmap {value}% over {months}"
            )
        expected = {
            "above the summit": "hold it",
            "at base camp": "Base camp",
            "above base camp": "Base camp",
        }.get(where, stage)
        if expected and expected not in position:
            found.append(f"What if: agreed plan at '{position}', the roadmap says {where}")
    return found


def unnamed_periods(soup: BeautifulSoup) -> list[str]:
    """Summary tiles whose label names no months."""
    return [
        tile.get_text(" ", strip=True)
        for tile in soup.select(".aw-tile")
        if not isinstance(tile, Tag) or not re.search(PERIOD, tile.get_text(" ", strip=True))
    ]
