"""``assess serve``: one engagement's client report as a Voila page, and nothing else.

Security by construction: Voila serves from a fresh temporary folder holding ONLY the served
notebook (see :mod:`assessment.stored_report`); the notebook reads the run folder by absolute
path inside the kernel, never over HTTP. On top of that, :class:`ReportServer` removes Voila's
file handler (``/voila/files/...``) and answers the report on ``/`` alone: every other path is a
404, so no file tree, no other notebook, no other engagement and no ``..`` trick reaches anything.
A random token (or the consultant's own) is required, sources are stripped, tracebacks are off,
and the page cannot switch to another template or theme.

Speed: kernels are pre-heated (``preheat_kernel``, a pool per notebook) and the served notebook
only publishes what the run stored, so a page is ready when it is requested. Idle culling is left
off on purpose: culled pre-heated kernels leave pages at "Loading widget..." (stack notes).
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.errors import WorkbookError
from assessment.paths import templates_dir
from assessment.run_folder import MANIFEST_FILE, REPORT_NOTEBOOK, STATUS_FILE

if TYPE_CHECKING:
    from assessment.bounded_serving import KernelBound

VOILA_TEMPLATE = "workbook"
DEFAULT_POOL_SIZE = 6
"""Pre-heated kernels with ``--what-if``: five clients opening the link at once, plus one, find a
kernel ready for their live controls."""
STORED_PAGE_POOL_SIZE = 1
"""Pre-heated kernels without live controls: one, to render the page once as the server starts
(:func:`assessment.bounded_serving.warm_up`); no view takes a kernel after that."""


def default_pool_size(what_if: bool) -> int:
    """The pool when ``--pool-size`` is not given: kernels serve only live controls."""
    return DEFAULT_POOL_SIZE if what_if else STORED_PAGE_POOL_SIZE


DEFAULT_REFILL_DELAY = 10.0
"""Seconds Voila waits after handing out a pre-heated kernel before starting its replacement.

Starting a kernel blocks Voila's event loop and takes a core for about a second: started while a
burst of clients is still loading the page (Voila's default, 1 s), refills slowed the burst's
slowest page by half (bench/bench_report.py). A seventh visitor within the delay gets a kernel
started on request, like plain Voila."""


EXTRA_KERNELS = 2
"""Default ``--max-kernels``: the pool plus this many kernels handed to open pages."""
DEFAULT_KERNEL_IDLE = 60.0
"""Seconds a kernel handed to a page lives on with no page connected to it."""


class ServeError(WorkbookError):
    """The report cannot be served (no good run, a run without its report, a bad option)."""


@dataclass(frozen=True)
class ServeOptions:
    """How ``assess serve`` serves one report."""

    host: str = "127.0.0.1"
    port: int = 8866
    token: str = ""
    pool_size: int = DEFAULT_POOL_SIZE
    refill_delay: float = DEFAULT_REFILL_DELAY
    max_kernels: int | None = None
    kernel_idle: float = DEFAULT_KERNEL_IDLE
    what_if: bool = False

    def bound(self) -> KernelBound:
        """The kernel bound: ``max_kernels`` (default pool + 2); the pool fits inside it."""
        from assessment.bounded_serving import KernelBound

        most = self.pool_size + EXTRA_KERNELS if self.max_kernels is None else self.max_kernels
        if most < 1:
            raise ServeError(f"--max-kernels must be at least 1 (got {most})")
        return KernelBound(
            max_kernels=most,
            pool_size=min(max(self.pool_size, 0), most - 1),
            idle_seconds=self.kernel_idle,
            widgets=self.what_if,
        )

    def with_token(self) -> ServeOptions:
        """These options with a random URL-safe token when none was given."""
        if self.token:
            return self
        return dataclasses.replace(self, token=secrets.token_urlsafe(24))

    def local_url(self) -> str:
        """The address at which this machine reaches the server itself (token included)."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/?token={self.token}"

    def url(self) -> str:
        """The address to hand to the client (token included)."""
        host = self.host
        if host in ("0.0.0.0", "::", ""):  # every interface: name the machine, not "0.0.0.0"
            host = socket.getfqdn()
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/?token={self.token}"


def resolve_run(path: str | Path) -> Path:
    """The run folder to serve: ``path`` itself if it is a run, else its latest good run.

    Raises:
        ServeError: No succeeded run, or the run lacks its executed report notebook.
    """
    from assessment.run_folder import executed_notebook
    from assessment.runner import latest_run, run_status

    folder = Path(path).resolve()
    if (folder / STATUS_FILE).exists() or (folder / MANIFEST_FILE).exists():
        if run_status(folder) != "succeeded":
            raise ServeError(
                f"{folder}: this run did not succeed ({STATUS_FILE}); serve a good run"
            )
        run = folder
    elif folder.is_dir():
        run = latest_run(folder)
        if run is None:
            raise ServeError(f"{folder}: no succeeded run under runs/; run: assess run {folder}")
    else:
        raise ServeError(f"{folder}: not an engagement folder or a run folder")
    if not executed_notebook(run, REPORT_NOTEBOOK).is_file():
        raise ServeError(f"{run}: the executed {REPORT_NOTEBOOK} is missing; re-run: assess run")
    return run


def prepare_root(run: Path, root: Path, what_if: bool = False) -> Path:
    """Write the served notebook into ``root`` (an empty folder); return its path.

    ``what_if`` adds the live "What if" controls after that section.
    """
    from assessment.run_folder import executed_notebook
    from assessment.stored_report import served_notebook

    notebook = root / REPORT_NOTEBOOK
    content = served_notebook(executed_notebook(run, REPORT_NOTEBOOK), live_what_if=what_if)
    content["metadata"]["title"] = page_title(run)
    notebook.write_text(json.dumps(content), encoding="utf-8")
    return notebook


def page_title(run: Path) -> str:
    """The browser tab's title: the client's name."""
    try:
        manifest = json.loads((run / MANIFEST_FILE).read_text(encoding="utf-8"))
        return manifest.get("title") or f"{manifest['client']}: improvement assessment"
    except (OSError, ValueError, KeyError):
        return "Improvement assessment"


def voila_argv(notebook: Path, options: ServeOptions) -> list[str]:
    """Voila's command line for the served notebook."""
    return [
        str(notebook),
        f"--Voila.ip={options.host}",
        f"--port={options.port}",
        "--Voila.port_retries=0",
        f"--Voila.root_dir={notebook.parent}",
        "--no-browser",
        f"--token={options.token}",
        f"--template={VOILA_TEMPLATE}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        # the consultant's terminal shows the URL and real problems (warnings and errors) only
        "--Application.log_level=WARN",
        # kernels talk to the server over local Unix sockets, not TCP (nor its warning)
        "--KernelManager.transport=ipc",
        f"--preheat_kernel={options.bound().pool_size > 0}",
        f"--pool_size={options.bound().pool_size}",
        f"--VoilaKernelManager.fill_delay={options.refill_delay}",
    ]


@contextmanager
def _served_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="aw-serve-"))
    try:
        root = folder / "root"
        root.mkdir()
        yield root
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve(
    path: str | Path,
    options: ServeOptions,
    *,
    announce: Callable[[str], None] = print,
) -> int:
    """Serve the report of ``path`` (an engagement or a run folder) until interrupted.

    Args:
        path: The engagement folder (its latest good run is served) or a run folder.
        options: Host, port, token and pool size.
        announce: Called with the URL to hand out once the server listens.

    Returns:
        0 once the server stopped.
    """
    run = resolve_run(path)
    options = options.with_token()
    from assessment.charts import UPGRADE_SCRIPT, javascript_bundle
    from assessment.presentation import report_sections, toc_html
    from assessment.run_folder import executed_notebook
    from assessment.voila_app import ReportServer

    report = executed_notebook(run, REPORT_NOTEBOOK)
    executed = json.loads(report.read_text(encoding="utf-8"))
    resources = {
        "aw_javascript": javascript_bundle(),
        "aw_upgrade_script": UPGRADE_SCRIPT,
        # the same table of contents as report.html: from the run's stored sections
        "aw_toc": toc_html(report_sections(executed["cells"])),
    }
    with _served_folder() as root:
        notebook = prepare_root(run, root, what_if=options.what_if)
        # Voila finds our template (templates/voila/templates/workbook) and the one stylesheet
        # (templates/report/workbook/static/report.css) through JUPYTER_PATH.
        jupyter_path = [str(templates_dir()), os.environ.get("JUPYTER_PATH", "")]
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in jupyter_path if p)
        ReportServer.announce = staticmethod(lambda: announce(options.url()))
        ReportServer.extra_resources = resources
        ReportServer.kernel_bound = options.bound()
        ReportServer.warm_up_url = options.local_url()
        ReportServer.live_widgets = options.what_if
        ReportServer.on_stop = staticmethod(lambda: shutil.rmtree(root.parent, ignore_errors=True))
        ReportServer.launch_instance(argv=voila_argv(notebook, options))
    return 0
