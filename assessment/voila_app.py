"""The Voila application behind ``assess serve``: Voila with every route but the report removed.

Kept apart from :mod:`assessment.serve` because importing Voila costs about a second: only the
server process pays it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import sys
from collections.abc import Callable
from typing import Any, ClassVar

import tornado.ioloop
import tornado.web
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from assessment.bounded_serving import (
    CSP_BASE,
    SCRIPT_SRC_BASE,
    BoundedReportHandler,
    KernelBound,
    ReportIdentityProvider,
    warm_up,
)

_LOG = logging.getLogger(__name__)

# Routes of Voila's handler list we drop: files of the served folder and the catch-all that
# renders the notebook on any path (we answer on "/" alone).
_DROPPED = (re.compile(r".*/voila/files/\(\.\*\)$"), re.compile(r"^/\(\.\*\)$"))
_TEMPLATE_ASSET = re.compile(r"^[A-Za-z0-9_-]+/static/[A-Za-z0-9_./-]+$")


PAGE_EXTENSIONS = (
    "@voila-dashboards/widgets-manager7",
    "jupyterlab_pygments",
)
WIDGET_MANAGERS = (
    "@voila-dashboards/widgets-manager8",
    "@jupyter-widgets/jupyterlab-manager",
)
"""The widget managers: loaded only when the page has live controls (``assess serve --what-if``).
Voila 0.5.13's own widgets-manager8 is built for JupyterLab 4.5 while its page bundles 4.2.5, so
with them the browser console logs "Unsatisfied version" warnings; the default page, which shows
stored results only, loads neither and its console stays quiet."""
"""JupyterLab extensions Voila would load into the page that it does not need (an empty
allow-list means "all" to Voila, so they are denied by name). The widget managers are allowed
for the "What if" section's live controls (issue 18): ``@jupyter-widgets/jupyterlab-manager``
registers ``@jupyter-widgets/base`` and ``controls``, without which Voila's widgets-manager8
fails ("No version of module @jupyter-widgets/base is registered"). Both are built for a newer
JupyterLab than Voila's bundled 4.2.5, so they are loaded only with ``--what-if``."""

_NOISE = ("is not trusted", "notebook-signing key")
"""Messages that are no problem here: the served notebook is ours, built for this run, and
carries no script of its own (its outputs are the run's, rendered by our template)."""


def _quiet(record: logging.LogRecord) -> bool:
    """Keep a log record unless it is known noise (:data:`_NOISE`)."""
    message = record.getMessage()
    return not any(noise in message for noise in _NOISE)


class TemplateAssetHandler(TemplateStaticFileHandler):
    """Voila's template asset handler, refusing odd paths with a 404 instead of a server error."""

    def parse_url_path(self, path: str) -> str:
        """Accept ``<template>/static/<file>`` with plain names and no ``..`` only."""
        if not _TEMPLATE_ASSET.match(path) or ".." in path.split("/"):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(path)


POOL_WAIT_TICKS = 300
"""Tenths of a second the server's own first rendering waits for the pool's kernel at most."""
RELEASE_EVERY_MS = 1000
"""How often kernels whose page has gone are looked for."""


def _bounded(handler: type) -> type:
    """The report handler made bounded; every other handler as it is."""
    if isinstance(handler, type) and issubclass(handler, TornadoVoilaHandler):
        return BoundedReportHandler
    return handler


class ReportServer(Voila):
    """Voila serving one notebook on ``/`` only, with no file handler.

    Attributes:
        announce: Called once the server listens (prints the URL to hand out).
        extra_resources: Extra template resources (the Vega bundle, the upgrade script, title).
    """

    name = "assess-serve"
    announce: ClassVar[Callable[[], None] | None] = None
    extra_resources: ClassVar[dict[str, Any]] = {}

    kernel_bound: ClassVar[KernelBound | None] = None
    warm_up_url: ClassVar[str] = ""
    live_widgets: ClassVar[bool] = False
    on_stop: ClassVar[Callable[[], None] | None] = None

    def initialize(self, argv: Any = None) -> None:
        """Set resources and page options before Voila reads its configuration; bound kernels.

        Also the edges: our identity provider (token only), Strict cookies and the base CSP.
        """
        voila = self.config.VoilaConfiguration
        voila.resources = dict(self.extra_resources)
        voila.file_allowlist = ["(?!)"]  # matches no file (and the file handler is gone)
        # The widget managers reach the client's page only for the live "What if" controls.
        denied = PAGE_EXTENSIONS if self.live_widgets else PAGE_EXTENSIONS + WIDGET_MANAGERS
        voila.extension_denylist = list(denied)
        super().initialize(argv)
        for logger in (self.log, logging.getLogger("tornado.application")):
            logger.addFilter(_quiet)
        self.identity_provider_class = ReportIdentityProvider
        bound = self.kernel_bound or KernelBound(max_kernels=8, pool_size=6, idle_seconds=60)
        self.tornado_settings = {
            **self.tornado_settings,
            "aw_kernel_bound": bound,
            "xsrf_cookie_kwargs": {"samesite": "Strict", "httponly": False},  # the page reads it
            "headers": {"Content-Security-Policy": "; ".join([*CSP_BASE, SCRIPT_SRC_BASE])},
        }

    def init_handlers(self) -> list:
        """Voila's routes minus the file handler, with the report answered on ``/`` only."""
        handlers = []
        for handler in super().init_handlers():
            pattern = handler[0]
            if any(rule.match(pattern) for rule in _DROPPED):
                if pattern.endswith("/(.*)") and "files" not in pattern:
                    handlers.append(("/", *handler[1:]))
                continue
            if handler[1] is TemplateStaticFileHandler:
                handler = (pattern, TemplateAssetHandler, *handler[2:])
            handlers.append(handler)
        return [(h[0], _bounded(h[1]), *h[2:]) for h in handlers]

    def start(self) -> None:
        """Start serving; announce the URL once the event loop runs (the port is bound)."""
        if self.announce is not None:
            tornado.ioloop.IOLoop.current().add_callback(self.announce)
        bound = self.tornado_settings["aw_kernel_bound"]

        async def release() -> None:
            await bound.release_idle(self.kernel_manager)

        tornado.ioloop.PeriodicCallback(release, RELEASE_EVERY_MS).start()
        if self.warm_up_url:
            tornado.ioloop.IOLoop.current().add_callback(self._warm_up_when_pooled, bound)
        super().start()

    async def _warm_up_when_pooled(self, bound: KernelBound) -> None:
        """Render the page once, with the pool's kernel.

        Voila takes a pooled kernel only once the pool has started rendering with it (its
        ``notebook_data``); asked earlier, it starts one more kernel for the request.
        """
        manager = self.kernel_manager
        notebook = getattr(manager, "notebook_path", None)
        for _ in range(POOL_WAIT_TICKS):  # bounded: a kernel starts in a few seconds
            if bound.pool_size == 0 or notebook is None:
                break
            if manager.get_pool_size(notebook) > 0 and manager.notebook_data.get(notebook):
                break
            await asyncio.sleep(0.1)
        await warm_up(self.warm_up_url, bound)

    def _handle_signal_stop(self, sig: int, frame: Any) -> None:
        """SIGTERM: kill the kernels, remove our folders and exit, now.

        Voila stops its event loop and shuts each kernel down politely (13-14 s); a loop busy
        starting a pooled kernel would delay even that. Nothing here needs saving: the page
        only shows stored outputs. A kernel still being started sees its parent go and ends.
        """
        try:
            kill_kernels(self.kernel_manager)
            shutil.rmtree(self.connection_dir, ignore_errors=True)
            if self.on_stop is not None:
                self.on_stop()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    def stop(self) -> None:
        """Shut every kernel down, pre-heated ones included, then let Voila clean up."""
        try:
            run_shutdown(self.kernel_manager)
        except Exception as error:  # stopping must not hide the reason the server stopped
            _LOG.warning("kernels could not all be shut down: %s", error)
        super().stop()


def kill_kernels(kernel_manager: Any) -> int:
    """Kill every kernel's process group at once (SIGKILL): a stopping server waits for none.

    The kernels hold nothing to save (the page only shows stored outputs), and a polite shutdown
    of each in turn took 13-14 s after SIGTERM. Pre-heated kernels still starting are cancelled.

    Returns:
        How many kernel processes were killed.
    """
    for pool in getattr(kernel_manager, "_pools", {}).values():
        for task in pool:
            task.cancel()
    killed = 0
    for kernel_id in list(kernel_manager.list_kernel_ids()):
        kernel = kernel_manager.get_kernel(kernel_id)
        pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
        if not pid:
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # the kernel started its own session (group)
            killed += 1
    return killed


async def shutdown_kernels(kernel_manager: Any) -> None:
    """Shut every kernel down (pooled ones included), so none outlives the server."""
    kill_kernels(kernel_manager)
    await kernel_manager.shutdown_all(now=True)


def run_shutdown(kernel_manager: Any) -> None:
    """Run :func:`shutdown_kernels` on the (stopped) event loop of the server."""
    loop = asyncio.get_event_loop()
    loop.run_until_complete(shutdown_kernels(kernel_manager))
