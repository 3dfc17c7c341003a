"""Start a new engagement folder from the templates, and check an engagement's inputs."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assessment.engagement import ENGAGEMENT_FILE, Engagement, load_engagement
from assessment.errors import InputError
from assessment.inputs import Extracts, read_extracts
from assessment.paths import templates_dir
from assessment.terminology import words


def new_engagement(folder: str | Path, client: str, *, start: dt.date, end: dt.date) -> Path:
    """Scaffold an engagement folder: a commented engagement.yaml and an inputs/ folder.

    Nothing in it fails ``assess check``: the client's files are mapped as they come, with
    ``assess map``, so no placeholder extract is written.

    The folder is built beside its destination and moved into place whole, so an interrupted
    scaffold leaves nothing behind; an existing folder with content is never touched.

    Args:
        folder: Where the engagement goes; must not exist or be empty.
        client: The client's name, written into engagement.yaml.
        start: The contract's first day.
        end: The contract's last day.

    Returns:
        The engagement folder.

    Raises:
        InputError: The folder already has content, the client name is blank, or the
            contract ends before it starts.
    """
    target = Path(folder)
    if not client.strip():
        raise InputError.single(target, 'the client\'s name is required (--client "Name")')
    if target.exists() and any(target.iterdir()):
        raise InputError.single(target, "folder exists and is not empty: choose a new folder")
    if end <= start:
        raise InputError.single(target, f"the contract ends ({end}) before it starts ({start})")
    template = templates_dir() / "engagement"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copytree(template, staging, dirs_exist_ok=True)
        text = (template / ENGAGEMENT_FILE).read_text(encoding="utf-8")
        safe_client = client.replace('"', "'").strip()
        text = text.replace("{client}", safe_client).replace("{start}", start.isoformat())
        text = text.replace("{end}", end.isoformat())
        (staging / ENGAGEMENT_FILE).write_text(_schema_line(text, target), "utf-8")
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _schema_line(text: str, folder: Path) -> str:
    """Point the first line (for YAML editors) at the installed schema, from the new folder."""
    from assessment.reference import SCHEMA_FILE

    try:
        where = Path(os.path.relpath(SCHEMA_FILE, folder.resolve())).as_posix()
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        where = SCHEMA_FILE.as_uri()
    first, _, rest = text.partition("\n")
    if first.startswith("# yaml-language-server: $schema="):
        return f"# yaml-language-server: $schema={where}\n{rest}"
    return text


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking an engagement: the model and its extracts, both valid."""

    engagement: Engagement
    extracts: Extracts | None
    """None while no client extract is mapped (a new engagement)."""

    def summary(self) -> str:
        """A few lines a consultant reads to see that the right data was picked up."""
        e, x = self.engagement, self.extracts
        if x is None:
            return (
                f"{e.client.name} — {e.contract.name} ({e.contract.reference})\n"
                f"  sites: {', '.join(e.site_names().values())}\n"
                "  no client extracts mapped yet: put the client's files in inputs/ and run\n"
                f"  assess map {e.root} FILE --write (once per file), then assess check again"
            )
        lines = [
            f"{e.client.name} — {e.contract.name} ({e.contract.reference})",
            f"  sites: {', '.join(e.site_names().values())}",
            f"  KPIs: {', '.join(k.label for k in e.kpis)} (headline: {e.contract.headline_kpi})",
            f"  KPI extract: {len(x.kpi):,} rows, {x.kpi['period'].min():%b %Y} to "
            f"{x.kpi['period'].max():%b %Y}",
        ]
        if x.caseload is not None:
            lines.append(f"  caseload: {len(x.caseload):,} {words(e).customers}")
        if x.work_sampling is not None:
            lines.append(f"  work sampling: {len(x.work_sampling):,} observations")
        return "\n".join(lines)

    def warnings(self) -> str:
        """The warnings of the check, one a line (empty when there are none)."""
        notices = self.extracts.notices if self.extracts is not None else ()
        return "\n".join(f"  - {notice}" for notice in notices)


def check_engagement(folder: str | Path) -> CheckReport:
    """Validate engagement.yaml and every extract it names.

    Raises:
        InputError: Every problem found, each naming the file, the row or key, and what was
            expected.
    """
    engagement = load_engagement(folder)
    if engagement.inputs.kpi is None and not _any_extract(engagement):
        return CheckReport(engagement, None)  # a new engagement: nothing to read yet
    return CheckReport(engagement, read_extracts(engagement))


def _any_extract(engagement: Engagement) -> bool:
    inputs = engagement.inputs
    return inputs.caseload is not None or inputs.work_sampling is not None
