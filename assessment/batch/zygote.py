"""A template kernel process: it imports the heavy modules once, then forks a kernel per contract.

Starting a kernel and importing pandas, Altair and the workbook costs 2-3 s of CPU per contract,
more than a small contract's analysis. A kernel forked from a template that has imported them
(and never run any contract's code) starts in milliseconds and is still a brand-new process: no
variable, module cache, option, environment variable or working directory of one contract can
reach another's, because each contract's kernel is a fresh copy of the same clean template.

The template is single-threaded when it forks (BLAS pools are limited to one thread, which two
workers on two cores want anyway); the kernel child runs ipykernel on the connection file it is
given. Protocol on stdin/stdout: one JSON request a line (``connection_file``, ``env``), one
line back with the kernel's pid. The template exits when its stdin closes (its worker ended),
and each kernel watches its parent, so nothing outlives a killed worker.

Linux and macOS only (``os.fork``); elsewhere kernels are started by jupyter_client.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
from typing import IO, Any

THREAD_LIMITS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
"""Set in the template so it forks with one thread (BLAS pools would start threads at import)."""

CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"


class Zygote:
    """The worker's handle on its template process (started on first use, one per process).

    Args:
        preload: Python code the template runs once before forking any kernel.
    """

    _instance: Zygote | None = None
    _instance_lock = threading.Lock()

    def __init__(self, preload: str) -> None:
        env = dict(os.environ) | THREAD_LIMITS
        self._process = subprocess.Popen(
            [sys.executable, "-m", "assessment.batch.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        self._lock = threading.Lock()
        self._send({"preload": preload})
        self._receive()  # {"ready": true} once the imports are done
        atexit.register(self.close)

    @classmethod
    def shared(cls, preload: str) -> Zygote:
        """This process's template, started if needed (again if it died)."""
        with cls._instance_lock:
            if cls._instance is None or not cls._instance.alive:
                cls._instance = cls(preload)
            return cls._instance

    @property
    def alive(self) -> bool:
        """Whether the template process is running."""
        return self._process.poll() is None

    def fork_kernel(self, connection_file: str, env: dict[str, str]) -> int:
        """Fork a kernel on ``connection_file``; returns its pid."""
        with self._lock:
            self._send({"connection_file": connection_file, "env": env})
            return int(self._receive()["pid"])

    def _send(self, message: dict[str, Any]) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(json.dumps(message) + "\n")
        stdin.flush()

    def _receive(self) -> dict[str, Any]:
        stdout = self._process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise RuntimeError("the kernel template process ended (see the errors above)")
        return dict(json.loads(line))

    def close(self) -> None:
        """End the template (its kernels see their parent go and end too)."""
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()


def _kernel(connection_file: str, env: dict[str, str]) -> None:
    """In the forked child: become an ipykernel on ``connection_file``; never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts a cell, as usual
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # fd 1 is the template's reply pipe: never write to it
    os.environ.update(env)
    parent = str(os.getppid())
    os.environ["JPY_PARENT_PID"] = parent
    code = 0
    try:
        from ipykernel.kernelapp import IPKernelApp

        # parent_handle's default was read from the environment when the template imported
        # ipykernel: pass it, so the kernel ends when the template does
        argv = ["-f", connection_file, f"--IPKernelApp.parent_handle={parent}"]
        IPKernelApp.launch_instance(argv=argv)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def serve(requests: IO[str], replies: IO[str]) -> None:
    """The template's loop: preload, then fork a kernel for every request until EOF."""
    # Ctrl-C in a terminal reaches the whole process group: the template ends when its worker
    # closes the pipe, not on the signal (a traceback here would only add noise)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    first = json.loads(requests.readline() or "{}")
    exec(first.get("preload", ""), {})  # the imports every kernel will share
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    replies.write(json.dumps({"ready": True}) + "\n")
    replies.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel(request["connection_file"], request.get("env", {}))
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the pid was reused by someone else's process: ours is gone
        return False
    return True


def forked_kernel_manager(pid: int, connection_file: str, **kwargs: Any) -> Any:
    """A kernel manager for a kernel forked by the template (which, not we, is its parent)."""
    from jupyter_client.manager import AsyncKernelManager

    class ForkedKernelManager(AsyncKernelManager):
        """Talks to, interrupts and stops a forked kernel by its pid."""

        @property
        def has_kernel(self) -> bool:
            return _alive(pid)

        async def is_alive(self) -> bool:
            return _alive(pid)

        async def interrupt_kernel(self) -> None:
            if _alive(pid):
                os.kill(pid, signal.SIGINT)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            import asyncio

            for sig, wait in ((signal.SIGTERM, 0 if now else 5.0), (signal.SIGKILL, 5.0)):
                if not _alive(pid):
                    break
                os.kill(pid, sig)
                for _ in range(int(wait / 0.02)):
                    if not _alive(pid):
                        break
                    await asyncio.sleep(0.02)
            self.cleanup_connection_file()

    manager = ForkedKernelManager(**kwargs)
    manager.load_connection_file(connection_file)
    return manager
