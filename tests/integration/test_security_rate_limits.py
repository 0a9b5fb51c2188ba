"""Issue #10: rate limits on sign-in (per address, per account name), the intake API (per
source, signed; unsigned per address) and one-tap links (per token, per address): 429 with
Retry-After, before any work, and no extra database query on the intake's path."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Case, Role, Task, TaskKind
from jeevanrekha.dispatch.models import AckLink
from jeevanrekha.dispatch.notify import link_token
from jeevanrekha.intake.checks import forget_sources
from jeevanrekha.intake.models import IntakeSource, RawAlert
from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.web.ratelimit import Buckets, Limit
from tests.conftest import DESK_PASSWORD, SOURCE, PostAlert, fixture_alert

pytestmark = pytest.mark.django_db


def _alert(n: int, source: str = SOURCE) -> dict[str, Any]:
    alert = fixture_alert("alert_minimal")
    alert["source"] = source
    alert["post"]["url"] = f"https://facebook.com/p/rate-{source}-{n}"
    return alert


def test_a_bucket_refills_at_its_rate() -> None:
    now = [100.0]
    buckets = Buckets(clock=lambda: now[0])
    limit = Limit(burst=2, per_second=0.5)
    assert buckets.take("k", limit) == 0 and buckets.take("k", limit) == 0
    assert buckets.take("k", limit) == pytest.approx(2.0)  # one token in 2 s
    now[0] += 2.0
    assert buckets.take("k", limit) == 0
    assert buckets.take("other", limit) == 0  # buckets are per key


def test_sign_in_is_limited_per_address(settings: Any) -> None:
    settings.RATE_SIGN_IN_PER_ADDRESS = 3
    client = Client()
    answers = [
        client.post("/login/", {"username": f"nobody{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    refused = client.post("/login/", {"username": "other", "password": "x"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    # Another address is not held up.
    other = Client(REMOTE_ADDR="192.0.2.9").post("/login/", {"username": "a", "password": "x"})
    assert other.status_code == 200


def test_sign_in_is_limited_per_account_name_from_any_address(settings: Any) -> None:
    settings.RATE_SIGN_IN_PER_ACCOUNT, settings.LOGIN_MAX_FAILURES = 2, 100
    do_create_desk_user("rate.op", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    answers = [
        Client(REMOTE_ADDR=f"192.0.2.{i}")
        .post("/login/", {"username": "Rate.Op", "password": "wrong"})
        .status_code
        for i in range(1, 4)
    ]
    assert answers == [200, 200, 429]


def test_intake_is_limited_per_source(post_alert: PostAlert, client: Client, settings: Any) -> None:
    settings.RATE_INTAKE_PER_SOURCE, settings.RATE_INTAKE_BURST = 1, 3
    answers = [post_alert(_alert(i)).status_code for i in range(4)]
    assert answers == [202, 202, 202, 429]
    refused = post_alert(_alert(9))
    assert refused.json() == {"error": "rate_limited", "retry": True}
    assert int(refused["Retry-After"]) >= 1
    assert RawAlert.objects.count() == 3  # refused before anything was stored
    # Another source has its own allowance.
    forget_sources()
    IntakeSource.objects.create(name="other-source", secret="other-secret-0123456789")
    body = json.dumps(_alert(1, "other-source")).encode()
    headers = signed_headers("other-source", "other-secret-0123456789", body)
    headers.pop("Content-Type")
    reply = client.post("/api/v1/alerts", body, content_type="application/json", headers=headers)
    assert reply.status_code == 202


def test_forged_requests_cannot_use_up_a_sources_allowance(
    post_alert: PostAlert, settings: Any
) -> None:
    settings.RATE_INTAKE_PER_SOURCE, settings.RATE_INTAKE_BURST = 1, 2
    settings.RATE_INTAKE_UNSIGNED_PER_ADDRESS = 1  # burst 10
    forged = [post_alert(_alert(i), sign=False, **{"X-JR-Source": SOURCE}) for i in range(12)]
    assert [r.status_code for r in forged[:10]] == [401] * 10
    assert {r.status_code for r in forged[10:]} == {429}
    assert post_alert(_alert(100)).status_code == 202  # the real source is not held up


def test_the_limit_adds_no_query_to_the_intake(post_alert: PostAlert, settings: Any) -> None:
    post_alert(_alert(0))  # the source's secret is now cached, as on a busy server
    counts = []
    for n, rate in enumerate((1000, 0)):  # with the limit, then without
        settings.RATE_INTAKE_PER_SOURCE = rate
        with CaptureQueriesContext(connection) as captured:
            assert post_alert(_alert(n + 1)).status_code == 202
        counts.append(len(captured))
    assert counts[0] == counts[1]


def _one_tap_path(post_alert: PostAlert) -> str:
    case_id = int(post_alert(fixture_alert("alert_full")).json()["case_id"])
    now = timezone.now()
    task = Task.objects.create(
        case=Case.objects.get(pk=case_id), kind=TaskKind.TRACE, target="STF", created_at=now
    )
    AckLink.objects.create(
        link_id="rate-link",
        task=task,
        recipient="stf",
        created_at=now,
        expires_at=now + timedelta(hours=1),
    )
    return f"/t/{link_token('rate-link')}"


def test_one_tap_links_are_limited_per_token_and_address(
    post_alert: PostAlert, settings: Any
) -> None:
    settings.RATE_ONE_TAP_PER_TOKEN, settings.RATE_ONE_TAP_PER_ADDRESS = 3, 5
    path = _one_tap_path(post_alert)
    answers = [Client(REMOTE_ADDR=f"198.51.100.{i}").get(path).status_code for i in range(4)]
    assert answers == [200, 200, 200, 429]
    guesser = Client(REMOTE_ADDR="198.51.100.99")
    guesses = [guesser.get(f"/t/guess-{i}").status_code for i in range(6)]
    assert guesses == [404] * 5 + [429]
    assert int(guesser.get("/t/x")["Retry-After"]) >= 1
