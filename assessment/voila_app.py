"""The Voila application behind ``assess serve``: Voila with every route but the report removed.

Kept apart from :mod:`assessment.serve` because importing Voila costs about a second: only the
server process pays it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar

import tornado.ioloop
import tornado.web
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler

_LOG = logging.getLogger(__name__)

# Routes of Voila's handler list we drop: files of the served folder and the catch-all that
# renders the notebook on any path (we answer on "/" alone).
_DROPPED = (re.compile(r".*/voila/files/\(\.\*\)$"), re.compile(r"^/\(\.\*\)$"))
_TEMPLATE_ASSET = re.compile(r"^[A-Za-z0-9_-]+/static/[A-Za-z0-9_./-]+$")


PAGE_EXTENSIONS = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "@voila-dashboards/widgets-manager7",
    "jupyterlab_pygments",
)
"""JupyterLab extensions Voila would load into the page; the report needs none of them (an
empty allow-list means "all" to Voila, so they are denied by name)."""

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


class ReportServer(Voila):
    """Voila serving one notebook on ``/`` only, with no file handler.

    Attributes:
        announce: Called once the server listens (prints the URL to hand out).
        extra_resources: Extra template resources (the Vega bundle, the upgrade script, title).
    """

    name = "assess-serve"
    announce: ClassVar[Callable[[], None] | None] = None
    extra_resources: ClassVar[dict[str, Any]] = {}

    def initialize(self, argv: Any = None) -> None:
        """Set our template resources and page options before Voila reads its configuration."""
        voila = self.config.VoilaConfiguration
        voila.resources = dict(self.extra_resources)
        voila.file_allowlist = ["(?!)"]  # matches no file (and the file handler is gone)
        # No JupyterLab extension in the client's page: the report shows no widget, and the
        # installed widget managers are built for a newer JupyterLab than Voila's bundled 4.2.5
        # ("Unsatisfied version ... of shared singleton module @jupyterlab/services").
        voila.extension_denylist = list(PAGE_EXTENSIONS)
        super().initialize(argv)
        for logger in (self.log, logging.getLogger("tornado.application")):
            logger.addFilter(_quiet)

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
        return handlers

    def start(self) -> None:
        """Start serving; announce the URL once the event loop runs (the port is bound)."""
        if self.announce is not None:
            tornado.ioloop.IOLoop.current().add_callback(self.announce)
        super().start()

    def stop(self) -> None:
        """Shut every kernel down, pre-heated ones included, then let Voila clean up."""
        try:
            run_shutdown(self.kernel_manager)
        except Exception as error:  # stopping must not hide the reason the server stopped
            _LOG.warning("kernels could not all be shut down: %s", error)
        super().stop()


async def shutdown_kernels(kernel_manager: Any) -> None:
    """Shut every kernel down (pooled ones included), so none outlives the server."""
    await kernel_manager.shutdown_all(now=True)


def run_shutdown(kernel_manager: Any) -> None:
    """Run :func:`shutdown_kernels` on the (stopped) event loop of the server."""
    loop = asyncio.get_event_loop()
    loop.run_until_complete(shutdown_kernels(kernel_manager))
