"""Charts drawn as SVG by one long-lived vl-convert runtime, shared by short-lived kernels.

vl-convert starts a JavaScript runtime on a process's first conversion: 0.45 s of CPU measured
here, paid again by every kernel. A batch worker (and ``assess run``) starts one kernel per
contract, so each contract would pay it. Instead the process that starts kernels serves
conversions on a Unix socket named in the kernels' environment (``AW_SVG_SOCKET``): a kernel
sends a Vega-Lite spec and receives its SVG.

Isolation: a conversion is a pure function of the spec sent with it; the server keeps nothing
between requests, so nothing of one contract reaches another's kernel. Whenever the service
cannot be reached the kernel converts by itself, exactly as before.

Protocol: one request per connection; each message is an 8-byte big-endian length, then UTF-8
JSON: ``{"spec": ..., "options": {...}}`` in, ``{"svg": ...}`` or ``{"error": ...}`` out.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import socket
import socketserver
import struct
import tempfile
import threading
from typing import Any

import vl_convert as vlc

ENV = "AW_SVG_SOCKET"
_HEADER = struct.Struct(">Q")
_WARM_UP = {
    "data": {"values": [{"x": 1}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def to_svg(spec: dict[str, Any], **options: Any) -> str:
    """The SVG of a Vega-Lite spec: from the service when one is named, else converted here.

    The same spec drawn twice in a process (the report shows step 1's charts again, in the same
    contract's kernel) is converted once.

    Raises:
        ValueError: vl-convert cannot draw the spec (in the service or here).
    """
    try:
        request = json.dumps({"spec": spec, "options": options}, sort_keys=True)
    except TypeError:  # a value JSON cannot hold: vl-convert may still take it, uncached
        return _convert(spec, **options)
    return _cached(request)


@functools.lru_cache(maxsize=64)
def _cached(request: str) -> str:
    message = json.loads(request)
    return _convert(message["spec"], **message["options"])


def _convert(spec: dict[str, Any], **options: Any) -> str:
    address = os.environ.get(ENV)
    if address:
        try:
            reply = _request(address, {"spec": spec, "options": options})
        except OSError:
            reply = None  # service gone (its worker ended): draw it here
        if reply is not None:
            if "error" in reply:
                raise ValueError(reply["error"])
            return str(reply["svg"])
    return vlc.vegalite_to_svg(spec, **options)


def _request(address: str, message: dict[str, Any]) -> dict[str, Any]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(60)
        connection.connect(address)
        _send(connection, message)
        return _receive(connection)


def _send(connection: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode("utf-8")
    connection.sendall(_HEADER.pack(len(body)) + body)


def _receive(connection: socket.socket) -> dict[str, Any]:
    (size,) = _HEADER.unpack(_exactly(connection, _HEADER.size))
    return json.loads(_exactly(connection, size).decode("utf-8"))


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("the SVG service closed the connection mid-message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        request = _receive(self.request)
        try:
            svg = vlc.vegalite_to_svg(request["spec"], **request.get("options", {}))
            _send(self.request, {"svg": svg})
        except Exception as error:
            _send(self.request, {"error": str(error)})


class SvgServer:
    """A conversion service on a private Unix socket, served by a daemon thread.

    The runtime is warmed in the background as soon as the server starts, so the first
    kernel's first chart does not wait for it.
    """

    _shared: SvgServer | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._folder = tempfile.mkdtemp(prefix="aw-svg-")
        self.address = os.path.join(self._folder, "svg.sock")
        self._server = socketserver.ThreadingUnixStreamServer(self.address, _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        threading.Thread(target=vlc.vegalite_to_svg, args=(_WARM_UP,), daemon=True).start()

    @classmethod
    def shared(cls) -> SvgServer:
        """This process's server, started on first use and closed when the process exits."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
                atexit.register(cls._shared.close)
            return cls._shared

    def close(self) -> None:
        """Stop serving and remove the socket."""
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)
