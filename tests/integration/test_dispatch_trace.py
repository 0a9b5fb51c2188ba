"""Issue #6: a tower fix arriving on the STF trace task moves a case from district A to B
and re-targets station and vehicle, all audited; the fix arrives over the signed API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, Task
from jeevanrekha.dispatch.dispatching import do_confirm_dispatch, do_request_trace
from jeevanrekha.dispatch.models import Partner, Vehicle
from jeevanrekha.geo import conf as geo_conf
from jeevanrekha.geo.actions import do_import_stations
from jeevanrekha.intake.signing import signed_headers
from tests.unit.dispatch.support import add_vehicle, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
STATIONS = b"""name,district,state,lat,lon
Hazratganj,Lucknow,Uttar Pradesh,26.8500,80.9460
Kalyanpur,Kanpur Nagar,Uttar Pradesh,26.5200,80.2500
"""
STF, STF_SECRET = "stf-trace-cell", "stf-secret-0123456789abcdef"


@pytest.fixture
def stations() -> None:
    do_import_stations(
        STATIONS,
        "stations.csv",
        gazetteer=geo_conf.gazetteer(),
        home_state="Uttar Pradesh",
        actor="test",
        at=T0,
    )
    geo_conf.stations_changed()


def post_signed(path: str, doc: dict[str, Any]) -> Any:
    body = json.dumps(doc).encode()
    headers = signed_headers(STF, STF_SECRET, body)
    headers.pop("Content-Type")
    return Client().post(path, data=body, content_type="application/json", headers=headers)


def test_tower_fix_moves_case_from_lucknow_to_kanpur_and_retargets(stations: None) -> None:
    Partner.objects.create(name=STF, secret=STF_SECRET, created_at=T0)
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    add_vehicle("PRV-KNP-1", 26.50, 80.27, T0)
    case = make_case(T0)
    with time_machine.travel(T0, tick=False):
        first = do_confirm_dispatch(case.pk, actor="user:op", at=T0)
        trace = do_request_trace(case.pk, "+919800000009", actor="user:op", at=T0)
    assert [t.target for t in first] == ["Hazratganj", "PRV-LKO-1"]
    at = T0 + timedelta(minutes=6)
    fix = {"lat": 26.521, "lon": 80.251, "radius_m": 400, "observed_at": at.isoformat()}
    with time_machine.travel(at, tick=False):
        reply = post_signed(f"/api/dispatch/v1/tasks/{trace.pk}/fix", fix)
    assert reply.status_code == 200, reply.content
    assert reply.json()["state"] == "done"

    case = Case.objects.get(pk=case.pk)
    assert (case.district, case.police_station) == ("Kanpur Nagar", "Kalyanpur")
    assert case.state == "dispatched"  # re-located, then dispatched again to the new place
    old = Task.objects.filter(pk__in=[t.pk for t in first])
    assert set(old.values_list("state", flat=True)) == {"cancelled"}
    active = Task.objects.filter(case=case, state="open").exclude(kind="trace")
    assert sorted(active.values_list("kind", "target")) == [
        ("police_station", "Kalyanpur"),
        ("vehicle_112", "PRV-KNP-1"),
    ]
    assert Vehicle.objects.get(code="PRV-LKO-1").status == "available"  # released
    assert Vehicle.objects.get(code="PRV-KNP-1").status == "assigned"
    trail = list(
        AuditEvent.objects.filter(at=timezone.localtime(at))
        .order_by("seq")
        .values_list("action", "actor")
    )
    actions = [a for a, _ in trail]
    for expected in (
        "trace_fix_recorded",
        "case_jurisdiction_changed",
        "case_located",
        "task_cancelled",
        "task_created",
        "case_dispatched",
        "case_retargeted",
    ):
        assert expected in actions, (expected, actions)
    assert all(actor == f"partner:{STF}" for _, actor in trail)
    moved = AuditEvent.objects.get(action="case_jurisdiction_changed")
    assert moved.before is not None and moved.after is not None
    assert moved.before["district"] == "Lucknow" and moved.after["district"] == "Kanpur Nagar"


def test_fix_in_the_same_place_does_not_retarget(stations: None) -> None:
    Partner.objects.create(name=STF, secret=STF_SECRET, created_at=T0)
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    case = make_case(T0)
    first = do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    trace = do_request_trace(case.pk, "+919800000009", actor="user:op", at=T0)
    fix = {"lat": 26.851, "lon": 80.947, "radius_m": 300, "observed_at": T0.isoformat()}
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert post_signed(f"/api/dispatch/v1/tasks/{trace.pk}/fix", fix).status_code == 200
    assert set(
        Task.objects.filter(pk__in=[t.pk for t in first]).values_list("state", flat=True)
    ) == {"open"}
    assert not AuditEvent.objects.filter(action="case_retargeted").exists()


def test_unsigned_or_wrongly_signed_requests_are_refused() -> None:
    Partner.objects.create(name=STF, secret=STF_SECRET, created_at=T0)
    body = b'{"lat": 26.5, "lon": 80.2, "radius_m": 100, "observed_at": "2026-09-07T03:25:00Z"}'
    plain = Client().post(
        "/api/dispatch/v1/tasks/1/fix", data=body, content_type="application/json"
    )
    assert plain.status_code == 401
    headers = signed_headers(STF, "not-the-secret", body)
    headers.pop("Content-Type")
    forged = Client().post(
        "/api/dispatch/v1/tasks/1/fix", data=body, content_type="application/json", headers=headers
    )
    assert forged.status_code == 401


def test_new_evidence_moving_a_dispatched_case_retargets_through_the_stage(
    stations: None, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from jeevanrekha.cases.locating import CaseLocation, do_set_case_location

    settings.NATS_URL = ""
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    add_vehicle("PRV-KNP-1", 26.50, 80.27, T0)
    case = make_case(T0)
    with time_machine.travel(T0, tick=False):
        first = do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    assert [t.target for t in first] == ["Hazratganj", "PRV-LKO-1"]
    kanpur = CaseLocation(
        state="Uttar Pradesh",
        district="Kanpur Nagar",
        station="Kalyanpur",
        lat=26.521,
        lon=80.251,
        radius_m=500,
        confidence=0.9,
        needs_trace=False,
    )
    assert do_set_case_location(case.pk, kanpur, actor="stage:locate", at=timezone.now())
    out = StringIO()
    call_command("worker", "--stage", "dispatch", "--once", stdout=out)
    assert "dispatch: handled 1 events" in out.getvalue()
    active = Task.objects.filter(case=case, state="open")
    assert sorted(active.values_list("target", flat=True)) == ["Kalyanpur", "PRV-KNP-1"]
    assert AuditEvent.objects.filter(action="case_retargeted", actor="stage:dispatch").count() == 1
    call_command("worker", "--stage", "dispatch", "--once", stdout=StringIO())
    assert AuditEvent.objects.filter(action="case_retargeted").count() == 1  # only once
