"""Bounded serving for ``assess serve``: few kernels, none kept by a closed page, safe edges.

Measured (docs/architecture.md, "Bounded serving"): the served report replays the run's stored
outputs, every one of them HTML written into the page by the server, and its charts are drawn in
the browser by the inlined Vega bundle; no output is a widget. So a view needs no kernel once the
page is rendered: the kernel Voila attaches to each view only answers the page's widget manager.
Hence:

- at most ``max_kernels`` kernels live (the pre-heated pool plus a few handed to pages), and a
  page without live controls (no ``--what-if``) hands none to a view: the server renders it once
  by itself on start (:func:`warm_up`) and sends every view from memory, gzip and ETag ready;
- a view beyond the bound gets the same page at once, rendered earlier, without Voila's
  kernel-connecting script (:func:`kernel_free`): the client sees exactly the same report;
- a kernel handed to a page is shut down when the page closes (Voila's ``beforeunload`` beacon,
  which failed with "'_xsrf' argument missing", voila#1458, because the page never received an
  ``_xsrf`` cookie: :class:`BoundedReportHandler` sets one) or when no page has been connected
  to it for ``idle_seconds``. Pooled kernels are never culled (stack notes: culled pre-heated
  kernels leave pages at "Loading widget...").

Edges: a Content-Security-Policy whose ``script-src`` lists the page's own inline scripts by hash
(plus ``'self'`` for Voila's bundles; no ``'unsafe-eval'``: charts are embedded with vega-embed's
``ast`` option, so Vega interprets expressions instead of compiling them with ``Function``), a
token compared in constant time, cookies ``SameSite=Strict``, no login or logout page.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import tornado.httpclient
import tornado.web
from jupyter_server.auth.identity import PasswordIdentityProvider
from voila.tornado.handler import TornadoVoilaHandler

CSP_BASE = (
    "default-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",  # Vega and Voila set inline styles on elements
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
)
SCRIPT_SRC_BASE = "script-src 'self'"
"""Voila's bundles come from this server. No ``'unsafe-eval'``: Vega runs in its interpreter mode
(:data:`assessment.charts.UPGRADE_SCRIPT` embeds with ``ast: true``)."""
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_DATA_TYPE = re.compile(r"""type\s*=\s*["']?application/""", re.I)
_LOADER = re.compile(r"<script data-aw-voila-loader>.*?</script>", re.S)
COOKIE_OPTIONS = {"samesite": "Strict", "httponly": True}
CLOSE_GRACE = 5.0
"""Seconds a page's kernel outlives the page's connection (a reload reconnects within them)."""
RENDER_WAIT = 120.0
"""Seconds a view beyond the bound waits for the page's first rendering before a 503."""
WARM_UP_HEADER = "X-AW-Warm-Up"
_LOG = logging.getLogger(__name__)
_KERNEL_ID = re.compile(r'"kernelId":\s*"(?P<id>[0-9a-f-]{36})"')


def content_security_policy(page: str) -> str:
    """The page's CSP: its inline scripts by SHA-256 hash, nothing else inline."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(page):
        attrs = match.group("attrs")
        if "src=" in attrs or _DATA_TYPE.search(attrs):
            continue  # a file of this server, or data (JSON): not inline code
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    script_src = " ".join([SCRIPT_SRC_BASE, *dict.fromkeys(hashes)])
    return "; ".join([*CSP_BASE, script_src])


def kernel_free(page: str) -> str:
    """The rendered page without the script that loads Voila's kernel connection."""
    return _LOADER.sub("", page)


def kernel_of(page: str) -> str | None:
    """The id of the kernel a rendered page is attached to."""
    match = _KERNEL_ID.search(page)
    return match.group("id") if match else None


@dataclass
class KernelBound:
    """How many kernels a served report may hold, and which pages hold one.

    Attributes:
        max_kernels: Kernels alive at most (the pool included).
        pool_size: Pre-heated kernels kept ready.
        idle_seconds: A handed-out kernel with no page connected this long is shut down.
        in_use: Kernel id -> when a page was last seen connected to it (or it was handed out).
        page: The report as rendered once, without a kernel: served beyond the bound.
        most_alive: The most kernels seen alive at once.
        connected: Kernels a page has been seen connected to (released soon after it goes).
        widgets: The page has live controls (``--what-if``): a view's kernel computes them.
            Without, a kernel serves a view nothing once the page is rendered.
        warm_up_key: Marks the server's own first request (:func:`warm_up`).
        rendering: Views being rendered by Voila now (each holds a kernel).
        rendered: Set once :attr:`page` exists (views beyond the bound before it wait for it).
    """

    max_kernels: int
    pool_size: int
    idle_seconds: float
    widgets: bool = True
    rendering: int = 0
    rendered: asyncio.Event = field(default_factory=asyncio.Event)
    warm_up_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    in_use: dict[str, float] = field(default_factory=dict)
    page: bytes | None = None
    page_gzip: bytes = b""
    page_policy: str = ""
    page_etags: tuple[str, str] = ("", "")
    most_alive: int = 0
    connected: set[str] = field(default_factory=set)

    def remember(self, rendered: str) -> None:
        """Keep the first fully rendered page, without its kernel, with its CSP, ready to send."""
        if self.page is None and "</html>" in rendered:
            free = kernel_free(rendered)
            self.page_policy = content_security_policy(free)
            self.page = free.encode("utf-8")
            # compressed once (the Vega bundle shrinks about 4x): each view only sends bytes
            self.page_gzip = gzip.compress(self.page, compresslevel=6, mtime=0)
            # one strong validator per representation: a reload revalidates and gets a 304
            digest = hashlib.sha256(self.page).hexdigest()[:32]
            self.page_etags = (f'"{digest}"', f'"{digest}-gzip"')
            self.rendered.set()

    def may_hand_out(self) -> bool:
        """Whether a new view may take a kernel (the pool refills behind it).

        A page without live controls takes one only to be rendered the first time: handing out
        more would hold memory for nothing and make the pool refill, which blocks the server's
        event loop for 0.3-0.5 s (every view arriving meanwhile waits; bench_serve_soak).
        """
        if not self.widgets and self.page is not None:
            return False
        return len(self.in_use) + self.rendering < max(self.max_kernels - self.pool_size, 0)

    def handed_out(self, kernel_id: str | None) -> None:
        """Note a kernel given to a page."""
        if kernel_id:
            self.in_use[kernel_id] = time.monotonic()

    async def release_idle(self, kernel_manager: Any) -> list[str]:
        """Shut down handed-out kernels whose page closed (or never connected) long enough ago.

        Returns:
            The kernels shut down.
        """
        alive = set(kernel_manager.list_kernel_ids())
        self.most_alive = max(self.most_alive, len(alive))
        now, released = time.monotonic(), []
        connections = getattr(kernel_manager, "_kernel_connections", {})
        for kernel_id, seen in list(self.in_use.items()):
            if kernel_id not in alive:  # shut down by the page's beacon
                del self.in_use[kernel_id]
                self.connected.discard(kernel_id)
            elif connections.get(kernel_id, 0) > 0:
                self.in_use[kernel_id] = now
                self.connected.add(kernel_id)
            elif now - seen >= (CLOSE_GRACE if kernel_id in self.connected else self.idle_seconds):
                # its page was connected and has gone (closed: the beacon needs the widget
                # manager, which the page does not load), or it never connected
                self.connected.discard(kernel_id)
                del self.in_use[kernel_id]
                await kernel_manager.shutdown_kernel(kernel_id, now=True)
                released.append(kernel_id)
        return released


class BoundedReportHandler(TornadoVoilaHandler):
    """The report page: with a pre-heated kernel while the bound allows, else at once without."""

    def get_login_url(self) -> str:
        """No login page: a request without the token is refused, not redirected."""
        raise tornado.web.HTTPError(403)

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        """Serve the report (the whole page at once, with its CSP)."""
        bound: KernelBound = self.settings["aw_kernel_bound"]
        if not bound.may_hand_out():
            if bound.page is None:  # the first rendering is under way: wait for it, no kernel
                try:
                    await asyncio.wait_for(bound.rendered.wait(), RENDER_WAIT)
                except TimeoutError as error:
                    raise tornado.web.HTTPError(503, "the report is being prepared") from error
            self.send_ready_page(bound)
            return
        # the page's close beacon posts this cookie back: without it Voila refuses the shutdown
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        bound.rendering += 1  # holds its place in the bound while Voila renders it
        try:
            page = "".join([html async for html in self.get_generator(path=path)])
        finally:
            bound.rendering -= 1
        bound.remember(page)
        if self.is_warm_up(bound):  # no page will ever connect to this kernel
            if kernel_of(page):
                await self.kernel_manager.shutdown_kernel(kernel_of(page), now=True)
            self.set_status(204)
            self.finish()
            return
        bound.handed_out(kernel_of(page))
        self.set_header("Content-Security-Policy", content_security_policy(page))
        self.finish(page)

    def is_warm_up(self, bound: KernelBound) -> bool:
        """Whether this is the server's own first request (:func:`warm_up`)."""
        given = self.request.headers.get(WARM_UP_HEADER, "")
        return bool(given) and hmac.compare_digest(given.encode(), bound.warm_up_key.encode())

    def send_ready_page(self, bound: KernelBound) -> None:
        """The page rendered once, from memory: no disk, no rendering, no compression per view.

        Sent gzip-compressed when the browser accepts it (as browsers do), with a strong ETag: a
        reload that still holds the page gets a 304 and no body. ``private, no-cache``: only the
        client's own browser keeps it, and it asks again (with the token) before showing it.
        """
        zipped = "gzip" in self.request.headers.get("Accept-Encoding", "")
        self.set_header("Content-Security-Policy", bound.page_policy)
        self.set_header("Vary", "Accept-Encoding")
        self.set_header("Cache-Control", "private, no-cache")
        self.set_header("ETag", bound.page_etags[zipped])
        if self.check_etag_header():
            self.set_status(304)
            self.finish()
            return
        if zipped:
            self.set_header("Content-Encoding", "gzip")
        self.finish(bound.page_gzip if zipped else bound.page)

    def compute_etag(self) -> None:
        """No ETag for a page with a kernel: it names its kernel, so no two are alike."""
        return None


async def warm_up(url: str, bound: KernelBound) -> None:
    """Have the server render its page once, before any client asks for it.

    Every client then gets the page from memory, and the pool's one refill happens now, not
    while clients are being served. Until the page exists, a burst of views would each take a
    kernel of their own.
    """
    client = tornado.httpclient.AsyncHTTPClient()
    try:
        await client.fetch(url, headers={WARM_UP_HEADER: bound.warm_up_key}, request_timeout=300)
    except Exception as error:  # the first client renders it then, as before
        _LOG.warning("the report could not be rendered ahead of the first view: %s", error)


class ReportIdentityProvider(PasswordIdentityProvider):
    """Token only, compared in constant time; no login or logout page; Strict cookies."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cookie_options = {**COOKIE_OPTIONS, **self.cookie_options}

    def get_handlers(self) -> list:
        """No ``/login`` or ``/logout`` route: both answer 404."""
        return []

    @property
    def login_available(self) -> bool:
        """No login form."""
        return False

    async def get_user_token(self, handler: tornado.web.RequestHandler) -> Any:
        """The user when the request carries the server's token (compared in constant time)."""
        token = getattr(handler, "token", None) or ""
        given = self.get_token(handler) or ""
        if not token or not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            return None
        user = self.get_user_cookie(handler)
        if hasattr(user, "__await__"):
            user = await user
        return user or self.generate_anonymous_user(handler)
