"""Shared fixtures: a signed intake source, fixture alerts, a helper to post them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = "meta-safety"
SECRET = "test-secret-0123456789abcdef"


def fixture_alert(name: str) -> dict[str, Any]:
    """A fixture alert from tests/fixtures/, as a dict."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _inline_intake(settings: Any) -> None:
    """The test client runs in the test's transaction, which a committer thread cannot see."""
    settings.INTAKE_GROUP_COMMIT = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit buckets live in the process: each test starts with full ones."""
    from jeevanrekha.web.ratelimit import BUCKETS

    BUCKETS.clear()


@pytest.fixture
def source(db: None) -> Any:
    from jeevanrekha.intake.checks import forget_sources
    from jeevanrekha.intake.models import IntakeSource

    forget_sources()
    yield IntakeSource.objects.create(name=SOURCE, secret=SECRET)
    forget_sources()


PostAlert = Callable[..., Any]


@pytest.fixture
def post_alert(client: Client, source: Any) -> PostAlert:
    """POST bytes (or a dict) to the intake API, signed unless told otherwise."""
    from jeevanrekha.intake.signing import signed_headers

    def post(body: bytes | dict[str, Any], *, sign: bool = True, **overrides: str) -> Any:
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        headers = signed_headers(SOURCE, SECRET, raw) if sign else {}
        headers.update(overrides)
        headers.pop("Content-Type", None)
        return client.post(
            "/api/v1/alerts", data=raw, content_type="application/json", headers=headers
        )

    return post


DESK_PASSWORD = "a-long-desk-password-42"


def fresh_code(device: Any) -> str:
    """A code the TOTP device takes now: this 30-second step's, or the next step's when
    this one was used already (a code works once; the desk accepts one step of drift)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    step = max(now, device.last_t + 1)
    assert step <= now + device.tolerance, "no unused code left in this window"
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():06d}"


def enrolled_device(username: str) -> Any:
    """The user's confirmed TOTP device, enrolling one as the person would on first sign-in."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jeevanrekha.accounts.actions import do_issue_totp_device
    from jeevanrekha.accounts.totp import confirmed_device

    user = get_user_model().objects.get(username=username)
    found = confirmed_device(user)
    if found is not None:
        return found
    return do_issue_totp_device(user, confirmed=True, reset=False, actor="test", at=timezone.now())


def sign_in(client: Client, username: str, password: str = DESK_PASSWORD) -> Client:
    """Sign in through the real pages: the password, then the authenticator's code."""
    device = enrolled_device(username)
    reply = client.post("/login/", {"username": username, "password": password})
    assert reply.status_code == 302 and reply["Location"] == "/login/code/", reply
    reply = client.post("/login/code/", {"code": fresh_code(device)})
    assert reply.status_code == 302 and not reply["Location"].startswith("/login"), reply
    return client


def desk_user(name: str, role: Any, district: str = "") -> Client:
    """A new account with this role, signed in with both factors in a fresh client."""
    from jeevanrekha.cases.actions import do_create_desk_user

    do_create_desk_user(name, role, district, DESK_PASSWORD, actor="test")
    return sign_in(Client(), name)


@pytest.fixture
def desk_client(db: None) -> Client:
    """A signed-in desk supervisor (sees every case)."""
    from jeevanrekha.cases.models import Role

    return desk_user("supervisor1", Role.SUPERVISOR)


@pytest.fixture
def nats_url() -> str:
    """The real NATS JetStream on loopback (NATS_URL or nats://127.0.0.1:4222).

    Required in CI (CI=true): the test fails when NATS does not answer; elsewhere it skips.
    """
    import asyncio
    import os

    import nats

    url = os.environ.get("NATS_URL") or "nats://127.0.0.1:4222"

    async def probe() -> None:
        connection = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"NATS is required in CI and does not answer at {url}")
        pytest.skip(f"no NATS at {url} (required in CI)")
    return url
