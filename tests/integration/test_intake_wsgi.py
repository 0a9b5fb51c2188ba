"""The production WSGI application: the intake route's short chain answers as the desk's
full one would, and everything else still goes through the full one."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.wsgi import application as production_app
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.intake.wsgi import INTAKE_PATH, IntakeHandler
from tests.conftest import SECRET, SOURCE, fixture_alert

pytestmark = pytest.mark.django_db

App = Callable[..., Any]


@pytest.fixture(autouse=True)
def _hosts(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """As Django's test client does: the request signals must not close the connection that
    holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def call(
    app: App, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "HOST") else f"HTTP_{key}"] = value
    if "HOST" in environ:
        environ["HTTP_HOST"] = environ.pop("HOST")
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def signed(body: bytes) -> dict[str, str]:
    headers = signed_headers(SOURCE, SECRET, body)
    headers.pop("Content-Type", None)
    return {name.replace("-", "_"): value for name, value in headers.items()}


def test_the_intake_route_takes_the_short_chain(source: Any) -> None:
    body = json.dumps(fixture_alert("alert_full")).encode()
    status, headers, content = call(production_app, "POST", INTAKE_PATH, body, **signed(body))
    assert status == 202, content
    assert json.loads(content)["status"] == "accepted"
    assert RawAlert.objects.get().status == RawAlertStatus.ACCEPTED
    assert headers["X-Request-ID"] and headers["Server-Timing"].startswith("app;dur=")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # Not the desk's chain: no language negotiation, no session cookie.
    assert "Content-Language" not in headers and "Set-Cookie" not in headers


@pytest.mark.parametrize(
    ("body", "sign"),
    [
        (b'{"source": "meta-safety", "platform": ', True),  # malformed JSON
        (json.dumps(fixture_alert("alert_full")).encode(), False),  # no signature
        (json.dumps({"source": SOURCE, "platform": 7}).encode(), True),  # wrong types
        (b"\xff\xfe not utf-8", True),
    ],
)
def test_both_chains_answer_alike(source: Any, body: bytes, sign: bool) -> None:
    headers = signed(body) if sign else {}
    short = call(IntakeHandler(), "POST", INTAKE_PATH, body, **headers)
    full = call(WSGIHandler(), "POST", INTAKE_PATH, body, **headers)
    assert short[0] == full[0] and short[0] in (400, 401, 422)
    short_body, full_body = json.loads(short[2]), json.loads(full[2])
    assert short_body["error"] == full_body["error"]
    assert short_body["raw_alert_id"] != full_body["raw_alert_id"]  # each stored its own
    same = ("Content-Type", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")
    assert {h: short[1].get(h) for h in same} == {h: full[1].get(h) for h in same}
    assert RawAlert.objects.filter(status=RawAlertStatus.QUARANTINED).count() == 2


def test_a_host_outside_allowed_hosts_is_refused(source: Any) -> None:
    body = json.dumps(fixture_alert("alert_full")).encode()
    status, _, _ = call(
        production_app, "POST", INTAKE_PATH, body, HOST="evil.example", **signed(body)
    )
    assert status == 400
    assert not RawAlert.objects.exists()


def test_other_requests_go_through_the_desk_chain(source: Any) -> None:
    status, headers, _ = call(production_app, "GET", "/login/")
    assert status == 200
    assert headers.get("Content-Language") in ("en", "hi")  # LocaleMiddleware ran
    status, _, _ = call(production_app, "GET", INTAKE_PATH)
    assert status == 405  # the API itself, reached through the full chain
