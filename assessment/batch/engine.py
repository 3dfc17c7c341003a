"""A Papermill engine that runs every notebook of one contract in one warmed kernel.

Kernel start-up and imports dominate small notebooks (about 3.6 s a notebook fresh, 0.4 s on a
kept client, see the stack notes). :class:`ContractKernel` gives one contract one kernel for all
its notebooks, over IPC sockets (no TCP port, no "without encryption" warning): forked from this
worker's template process, which has imported the heavy modules once (:mod:`.zygote`), or, where
processes cannot fork or without warm imports, started by jupyter_client. It is shut down when the
contract is done: a kernel never crosses from one client's contract to another's, because
``%reset`` does not reset pandas options, renderers, ``os.environ``, the working directory or
module caches.

:class:`WarmKernelEngine` is the Papermill engine (Papermill's extension point): registered as
``assessment`` by :func:`register` (on import) and, for ``papermill --engine assessment``, through
the ``papermill.engine`` entry point (:mod:`assessment.batch.entry_point`). Given a
``contract_kernel=`` it executes on that kernel, reusing its client (passing only ``km=`` through
Papermill would open a new client per notebook and leak its sockets); without one it behaves like
Papermill's default engine. Outputs are real Papermill outputs: parameters injected, Papermill
metadata, so JupyterLab and Voila open them as usual.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jupyter_client.connect import write_connection_file
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from assessment import svgserver
from assessment.batch.zygote import CAN_FORK, Zygote, forked_kernel_manager
from assessment.runner import IOPUB_TIMEOUT
from assessment.svgserver import SvgServer

ENGINE_NAME = "assessment"
WARM_IMPORTS = (
    "import pandas, altair, nbformat, openpyxl, pyarrow.parquet\n"
    "import assessment.charts, assessment.presentation, assessment.engagement, assessment.store\n"
    "import assessment.inputs\n"
    # Altair validates every chart part as it is built, only for earlier tracebacks; the whole
    # spec is still validated when a chart is shown, so a run loses no check (a tenth of a
    # contract's time)
    "altair.utils.schemapi.disable_debug_mode()"
)
"""Imported once by the kernel template (see :mod:`.zygote`); the notebooks import them anyway.

Only shared parts and libraries: no step, so nothing here knows what the steps compute. vl-convert
is imported but not started: its runtime starts threads, which must not exist when forking."""


class ContractKernel:
    """One kernel (and one client) for the notebooks of one contract, then shut down.

    Args:
        kernel_name: The kernelspec to start.
        warm_imports: Code run once at start-up (imports the notebooks need anyway).
        startup_timeout: Seconds to wait for the kernel to answer.
    """

    def __init__(
        self,
        kernel_name: str = "python3",
        *,
        warm_imports: str | None = WARM_IMPORTS,
        startup_timeout: float = 60,
    ) -> None:
        self.kernel_name = kernel_name
        self.warm_imports = warm_imports
        self.startup_timeout = startup_timeout
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self._pending: str | None = None
        self._sockets: str | None = None

    def start(self) -> ContractKernel:
        """Launch the kernel over IPC sockets and queue the warm imports, without waiting.

        The kernel boots and imports while the caller validates the contract's extracts;
        :meth:`ready` waits for it before the first notebook.
        """
        # IPC socket paths default to "kernel-ipc-N" in the working directory, which two workers
        # would share (and talk to each other's kernels): each kernel gets a private folder
        self._sockets = tempfile.mkdtemp(prefix="aw-kernel-")
        ip = os.path.join(self._sockets, "ipc")
        if CAN_FORK and self.warm_imports:
            self.km = self._fork(ip)
        else:
            self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=ip)
            run_sync(self.km.start_kernel)(env=_kernel_env())
        self.kc = self.km.client()
        self.kc.start_channels()
        # zmq queues the request until the kernel's sockets are up: no polling for readiness
        code = self.warm_imports or "pass"
        self._pending = self.kc.execute(code, silent=True, store_history=False)
        return self

    def _fork(self, ip: str) -> Any:
        """A fresh kernel forked from this process's template, which has done the imports."""
        template = Zygote.shared(self.warm_imports or "")
        assert self._sockets is not None
        path = os.path.join(self._sockets, "kernel.json")
        key = secrets.token_hex(32).encode()
        write_connection_file(path, ip=ip, key=key, transport="ipc", kernel_name=self.kernel_name)
        pid = template.fork_kernel(path, _service_env() | {"ASSESS_WORKER_PID": str(os.getpid())})
        return forked_kernel_manager(pid, path, kernel_name=self.kernel_name, transport="ipc")

    def ready(self) -> None:
        """Wait until the kernel has answered the start-up request (once)."""
        if self.kc is None:
            self.start()
        if self._pending is None:
            return
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not run_sync(self.km.is_alive)():
                raise RuntimeError(f"Kernel didn't respond in {self.startup_timeout:.0f} seconds")
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == self._pending:
                break
        self._pending = None
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(
                f"kernel start-up failed: {content.get('ename')}: {content.get('evalue')}"
            )
        self._wait_for_iopub(deadline)

    def _wait_for_iopub(self, deadline: float) -> None:
        """Wait until the kernel's broadcasts reach us.

        The client subscribed before the kernel's sockets existed; until zmq has reconnected,
        the kernel's outputs and "idle" messages are dropped and a cell would wait for them
        forever. A kernel_info request answered on IOPub proves the subscription is live.
        """
        while time.monotonic() < deadline:
            probe = self.kc.kernel_info()
            until = time.monotonic() + 0.5
            while time.monotonic() < until:
                try:
                    message = run_sync(self.kc.get_iopub_msg)(timeout=0.1)
                except queue.Empty:
                    continue
                if message["parent_header"].get("msg_id") == probe:
                    return
        raise RuntimeError(f"Kernel didn't respond in {self.startup_timeout:.0f} seconds")

    def run_silently(self, code: str) -> None:
        """Execute set-up code that is no part of any notebook (nothing recorded)."""
        self.ready()
        reply = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=self.startup_timeout
        )
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(
                f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def chdir(self, folder: Path) -> None:
        """Make ``folder`` the kernel's working directory, as Papermill's ``cwd`` would."""
        self.run_silently(
            f"import os as _aw_os; _aw_os.chdir({json.dumps(str(folder))}); del _aw_os"
        )

    def shutdown(self) -> None:
        """Stop the client's channels and the kernel; safe to call twice."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            km, self.km = self.km, None
            if run_sync(km.is_alive)():
                # a kernel still busy with its start-up imports ran nothing of the contract's:
                # stop it at once rather than let it answer on closed sockets
                unused = self._pending is not None
                run_sync(km.shutdown_kernel)(now=unused)  # also removes its sockets and files
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    def __enter__(self) -> ContractKernel:
        return self.start() if self.kc is None else self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.shutdown()

    def execute(self, notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
        """Run one notebook with Papermill on this kernel (the runner's executor signature)."""
        # imported here: papermill loads this module (its entry point) while importing itself
        from papermill.execute import execute_notebook

        self.chdir(output.parent)
        execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            engine_name=ENGINE_NAME,
            kernel_name=self.kernel_name,
            progress_bar=False,
            # the output is written once, when the notebook ends: saving (and validating) it
            # after every cell costs more than a small cell; a failed run is saved all the same
            request_save_on_cell_execute=False,
            contract_kernel=self,
        )


def _kernel_env() -> dict[str, str]:
    """The worker's environment, without variables that would make a kernel chatty or slow."""
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules warning
    env["ASSESS_WORKER_PID"] = str(os.getpid())
    return env | _service_env()


def _service_env() -> dict[str, str]:
    """Where this worker's SVG service listens: its kernels draw charts there, warm.

    ``AW_SVG_SERVICE=off`` in the worker's environment turns it off (the benchmark compares).
    """
    if os.environ.get("AW_SVG_SERVICE", "").casefold() == "off":
        return {}
    return {svgserver.ENV: SvgServer.shared().address}


class WarmKernelEngine(NBClientEngine):
    """Papermill engine: executes on the contract's kernel when one is given."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        contract_kernel: ContractKernel | None = None,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """Execute the notebook; on ``contract_kernel`` when given, else on a fresh IPC kernel."""
        if contract_kernel is None:  # papermill --engine assessment: a kernel of its own
            with ContractKernel(
                kernel_name, warm_imports=None, startup_timeout=start_timeout
            ) as own:
                return cls.execute_managed_notebook(
                    nb_man,
                    kernel_name,
                    contract_kernel=own,
                    log_output=log_output,
                    stdout_file=stdout_file,
                    stderr_file=stderr_file,
                    start_timeout=start_timeout,
                    execution_timeout=execution_timeout,
                )
        # nbclient skips its own readiness check when handed a client: without this, a kernel
        # of its own (papermill --engine assessment) could drop the first outputs (zmq's slow
        # joiner) and a cell would wait for its "idle" message forever
        contract_kernel.ready()
        client = PapermillNotebookClient(
            nb_man,
            km=contract_kernel.km,
            kernel_name=kernel_name,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            iopub_timeout=IOPUB_TIMEOUT,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        # the contract's client is reused: nbclient only makes one when kc is None
        client.kc = contract_kernel.kc
        return client.execute(cleanup_kc=False)


def register() -> None:
    """Register the engine with Papermill (also done by the ``papermill.engine`` entry point)."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


register()
