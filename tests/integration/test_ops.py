"""Issue #9: /readyz, /metrics and JSON logs for the engineer who runs the desk."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit.context import current_request_id
from jeevanrekha.cases.models import Task, TaskKind
from jeevanrekha.web.logs import JsonFormatter, RequestIdFilter
from tests.conftest import PostAlert, fixture_alert

pytestmark = pytest.mark.django_db


def test_readyz_names_a_late_timer(client: Client, post_alert: PostAlert, settings: Any) -> None:
    settings.NATS_URL = ""
    ok = client.get("/readyz")
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    case_id = post_alert(fixture_alert("alert_minimal")).json()["case_id"]
    now = timezone.now()
    Task.objects.create(
        case_id=case_id,
        kind=TaskKind.POLICE_STATION,
        target="PS Phulpur",
        created_at=now - timedelta(minutes=20),
        due_at=now - timedelta(minutes=10),
    )
    late = client.get("/readyz")
    assert late.status_code == 503 and late.json()["problems"][0].startswith("timers:")


def test_readyz_says_when_the_broker_is_down(client: Client, settings: Any) -> None:
    settings.NATS_URL = "nats://127.0.0.1:1"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["broker"] == "down"


def test_metrics_count_without_personal_data(
    client: Client, post_alert: PostAlert, settings: Any
) -> None:
    settings.METRICS_TOKEN = ""
    alert = fixture_alert("alert_minimal")
    post_alert(alert)
    post_alert(b"{broken")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'jr_raw_alerts{channel="api",status="accepted"} 1' in text
    assert 'jr_raw_alerts{channel="api",status="quarantined"} 1' in text
    assert 'jr_cases{state="new"} 1' in text
    assert 'jr_request_seconds_count{route="intake_api"}' in text
    assert alert["account"]["handle"] not in text and alert["post"]["text"][:20] not in text
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 403
    settings.METRICS_TOKEN = "scrape-token-123456"
    allowed = client.get(
        "/metrics", REMOTE_ADDR="10.0.0.9", headers={"Authorization": "Bearer scrape-token-123456"}
    )
    assert allowed.status_code == 200


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("jeevanrekha.test", logging.INFO, __file__, 1, "case %s", (7,), None)
    token = current_request_id.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "case 7" and line["request_id"] == "req-12345678"
    assert line["level"] == "INFO" and line["ts"].endswith("+00:00")
