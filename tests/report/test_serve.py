"""`assess serve` serves one report and nothing else: token required, no file or other path."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from assessment.serve import ServeError, ServeOptions, resolve_run
from assessment.static_report import external_references

from .conftest import CLIENT, Served


def get(served: Served, path: str, *, token: bool = True) -> tuple[int, str]:
    """GET without following redirects (a redirect to /login is a refusal)."""
    url = urllib.parse.urlsplit(served.url(path, token=token))
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        target = url.path + (f"?{url.query}" if url.query else "")
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.browser
def test_report_is_served_with_the_token_and_fetches_nothing_external(served: Served) -> None:
    status, page = get(served, "/")
    assert status == 200
    assert CLIENT in page
    assert external_references(page) == []
    assert "fontawesome" not in page and "cdn.jsdelivr" not in page
    assert "show_stored" not in page  # sources stripped


@pytest.mark.browser
def test_login_page_does_not_exist(served: Served) -> None:
    status, page = get(served, "/login", token=False)
    assert status == 404
    assert CLIENT not in page
    assert external_references(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/?token=wrong-token", "/voila/static/../../"])
def test_request_without_the_token_is_refused(served: Served, path: str) -> None:
    status, body = get(served, path, token=False)
    assert status in (302, 401, 403, 404)
    assert CLIENT not in body


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        "/report.ipynb",
        "/engagement.yaml",
        "/workbook.sqlite",
        "/../engagement.yaml",
        "/..%2f..%2fengagement.yaml",
        "/%2e%2e/%2e%2e/eastfield/engagement.yaml",
        "/eastfield",
        "/eastfield/runs/",
        "/northshore/runs/",
        "/voila/files/report.ipynb",
        "/voila/files/..%2fengagement.yaml",
        "/voila/render/report.ipynb",
        "/voila/render/eastfield/engagement.yaml",
        "/voila/tree",
        "/tree",
        "/voila/api/contents",
        "/api/contents",
        "/voila/static/..%2f..%2f..%2fengagement.yaml",
        "/voila/templates/lab/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/voila/templates/..%2f..%2f/static/x",
        "/voila/api/themes/..%2f..%2fengagement.yaml",
    ],
)
def test_any_path_but_the_report_is_refused(served: Served, path: str) -> None:
    status, body = get(served, path)
    assert status in (403, 404), (path, status)
    assert CLIENT not in body and "Eastfield" not in body
    assert "headline_kpi" not in body and "root:" not in body
    assert external_references(body) == []  # error pages stay offline too


@pytest.mark.browser
def test_template_and_theme_cannot_be_switched_by_the_url(served: Served) -> None:
    status, page = get(served, "/?template=lab&theme=dark")
    assert status == 200
    assert "aw-voila" in page and "fontawesome" not in page


def test_resolve_run_takes_the_latest_good_run_or_a_run_folder(demo_report_run) -> None:
    engagement = demo_report_run.folder.parent.parent
    assert resolve_run(engagement) == demo_report_run.folder
    assert resolve_run(demo_report_run.folder) == demo_report_run.folder


def test_resolve_run_names_what_is_missing(tmp_path, make_engagement) -> None:
    folder = make_engagement()
    with pytest.raises(ServeError, match="no succeeded run"):
        resolve_run(folder)
    failed = folder / "runs" / "r1.failed"
    failed.mkdir(parents=True)
    (failed / "status.json").write_text('{"status": "failed"}')
    with pytest.raises(ServeError, match="did not succeed"):
        resolve_run(failed)
    with pytest.raises(ServeError, match="not an engagement folder"):
        resolve_run(tmp_path / "nowhere")


def test_default_token_is_random_and_kept_when_given() -> None:
    first, second = ServeOptions().with_token(), ServeOptions().with_token()
    assert len(first.token) >= 24 and first.token != second.token
    assert ServeOptions(token="mine").with_token().token == "mine"
    assert ServeOptions(port=9000, token="t").url() == "http://127.0.0.1:9000/?token=t"


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our identity provider compares the token with ``hmac.compare_digest``, never ``==``."""
    import asyncio
    import hmac
    from types import SimpleNamespace

    from assessment.bounded_serving import ReportIdentityProvider

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(given: bytes, token: bytes) -> bool:
        compared.append((given, token))
        return real(given, token)

    monkeypatch.setattr("assessment.bounded_serving.hmac.compare_digest", spy)
    provider = ReportIdentityProvider(token="server-token")
    monkeypatch.setattr(provider, "get_user_cookie", lambda handler: None)

    def handler(given: str) -> SimpleNamespace:
        return SimpleNamespace(
            token="server-token",
            get_argument=lambda name, default="": given if name == "token" else default,
            request=SimpleNamespace(headers={}),
        )

    monkeypatch.setattr(provider, "generate_anonymous_user", lambda handler: "anonymous")
    assert asyncio.run(provider.get_user_token(handler("server-token"))) == "anonymous"
    assert asyncio.run(provider.get_user_token(handler("server-tokex"))) is None
    assert compared == [(b"server-token", b"server-token"), (b"server-tokex", b"server-token")]


def test_the_server_reaches_itself_on_the_loopback_when_it_listens_everywhere() -> None:
    everywhere = ServeOptions(host="0.0.0.0", port=8123, token="t0k")
    assert everywhere.local_url() == "http://127.0.0.1:8123/?token=t0k"
    assert ServeOptions(host="::", port=8123, token="t0k").local_url() == (
        "http://[::1]:8123/?token=t0k"
    )
    assert ServeOptions(host="10.1.2.3", port=8123, token="t0k").local_url() == (
        "http://10.1.2.3:8123/?token=t0k"
    )


PAGE = (
    "<html><body><h1>Report</h1><script>draw()</script>"
    '<script data-aw-voila-loader>connect("kernel")</script></body></html>'
)


def test_a_page_without_live_controls_takes_a_kernel_only_to_be_rendered_once() -> None:
    from assessment.bounded_serving import KernelBound

    bound = ServeOptions(pool_size=1, max_kernels=3).bound()
    assert bound.widgets is False and bound.max_kernels == 3 and bound.pool_size == 1
    assert bound.may_hand_out()  # the first rendering
    bound.remember(PAGE)
    assert bound.rendered.is_set() and not bound.may_hand_out()  # every view from memory
    assert b"data-aw-voila-loader" not in bound.page and b"draw()" in bound.page
    live = KernelBound(max_kernels=3, pool_size=1, idle_seconds=60, widgets=True)
    live.remember(PAGE)
    assert live.may_hand_out()  # live controls: a kernel per view while the bound allows
    live.rendering = 1
    live.handed_out("kernel-1")
    assert not live.may_hand_out()  # 3 - 1 pooled = 2 places, both taken


def test_the_page_rendered_once_has_one_validator_per_representation() -> None:
    import gzip
    import hashlib

    bound = ServeOptions(pool_size=1).bound()
    bound.remember(PAGE)
    plain, zipped = bound.page_etags
    digest = hashlib.sha256(bound.page).hexdigest()[:32]
    assert (plain, zipped) == (f'"{digest}"', f'"{digest}-gzip"')
    assert gzip.decompress(bound.page_gzip) == bound.page
