"""Issue #6: the 112 vehicle registry over the signed dispatch API; status and position
updates decide which vehicle the desk sends; task reports from a partner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.dispatch.dispatching import do_dispatch_vehicle
from jeevanrekha.dispatch.models import Partner, Vehicle
from jeevanrekha.intake.signing import signed_headers
from tests.unit.dispatch.support import make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
ERSS, SECRET = "up112-erss", "erss-secret-0123456789abcdef"


def call(method: str, path: str, doc: dict[str, Any]) -> Any:
    body = json.dumps(doc).encode()
    headers = signed_headers(ERSS, SECRET, body)
    headers.pop("Content-Type")
    send = getattr(Client(), method)
    return send(
        f"/api/dispatch/v1{path}", data=body, content_type="application/json", headers=headers
    )


@pytest.fixture
def partner() -> None:
    Partner.objects.create(name=ERSS, secret=SECRET, created_at=T0)


def test_register_report_and_dispatch_the_quickest(partner: None) -> None:
    with time_machine.travel(T0, tick=False):
        for code, lat in (("PRV-1", 26.86), ("PRV-2", 26.87)):
            reply = call(
                "put",
                f"/vehicles/{code}",
                {
                    "kind": "four_wheeler",
                    "area": "urban",
                    "station": "Hazratganj",
                    "district": "Lucknow",
                },
            )
            assert reply.status_code == 200, reply.content
            reply = call(
                "post",
                f"/vehicles/{code}/report",
                {"status": "available", "lat": lat, "lon": 80.95},
            )
            assert reply.status_code == 200 and reply.json()["lat"] == lat
        # The nearer one goes busy on another call: the other is sent.
        assert call("post", "/vehicles/PRV-1/report", {"status": "busy"}).json()["status"] == "busy"
        case = make_case(T0)
        task = do_dispatch_vehicle(case.pk, actor="user:op", at=T0)
    assert task.target == "PRV-2" and task.detail["tier"] == "available"
    assert task.detail["eta_minutes"] > 0
    statuses = AuditEvent.objects.filter(action="vehicle_status").values_list(
        "object_id", flat=True
    )
    assert sorted(statuses) == ["PRV-1"]  # the busy change, not the position pings
    assert AuditEvent.objects.filter(action="vehicle_registered").count() == 2


def test_stale_position_is_used_only_when_no_fresh_one(partner: None) -> None:
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        call("put", "/vehicles/OLD", {})
        call("post", "/vehicles/OLD/report", {"lat": 26.851, "lon": 80.95})
    with time_machine.travel(T0, tick=False):
        call("put", "/vehicles/NEW", {})
        call("post", "/vehicles/NEW/report", {"lat": 27.2, "lon": 80.95})
        case = make_case(T0)
        assert do_dispatch_vehicle(case.pk, actor="op", at=T0).target == "NEW"


def test_api_refuses_bad_input_and_unknown_vehicles(partner: None) -> None:
    assert call("post", "/vehicles/NOPE/report", {"status": "busy"}).status_code == 404
    call("put", "/vehicles/V", {})
    assert call("post", "/vehicles/V/report", {"lat": 26.8}).status_code == 422
    assert call("post", "/vehicles/V/report", {"lat": 126.8, "lon": 80}).status_code == 422
    assert call("post", "/vehicles/V/report", {"status": "flying"}).status_code == 422
    assert Vehicle.objects.get(code="V").lat is None


def test_partner_reports_progress_on_a_vehicle_task(partner: None) -> None:
    with time_machine.travel(T0, tick=False):
        call("put", "/vehicles/PRV-9", {})
        call("post", "/vehicles/PRV-9/report", {"lat": 26.86, "lon": 80.95})
        case = make_case(T0)
        task = do_dispatch_vehicle(case.pk, actor="op", at=T0)
        reply = call("post", f"/tasks/{task.pk}/report", {"report": "en_route", "by": "PRV-9 crew"})
    assert reply.status_code == 200 and reply.json()["state"] == "acknowledged"
    assert Vehicle.objects.get(code="PRV-9").status == "en_route"
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        done = call(
            "post", f"/tasks/{task.pk}/report", {"report": "person_safe", "by": "PRV-9 crew"}
        )
        again = call("post", f"/tasks/{task.pk}/report", {"report": "on_scene", "by": "x"})
    assert done.json()["state"] == "done" and again.status_code == 409
    assert Vehicle.objects.get(code="PRV-9").status == "available"
