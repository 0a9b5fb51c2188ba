"""Issue #8: simulated agencies act through the real system. Alerts go in through the signed
intake API; the desk operator (visibly `sim:operator`) confirms before police are sent; the
station acknowledges, a 112 vehicle drives to the person with position reports, STF returns a
tower fix, another state takes its case, the person is saved and counsellors log follow-ups."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, Outcome, Task
from jeevanrekha.dispatch.models import Vehicle
from jeevanrekha.followup.models import FollowUp, FollowUpCheck
from jeevanrekha.geo import conf as geo_conf
from jeevanrekha.sim import feed
from jeevanrekha.sim.agencies import Agencies, _metres, truth_by_handle
from jeevanrekha.sim.driver import run_stages, turn
from jeevanrekha.sim.fleet import ensure_fleet
from jeevanrekha.sim.places import up_places
from jeevanrekha.sim.scenario import Arrival, generate
from tests.conftest import SOURCE, PostAlert

pytestmark = pytest.mark.django_db
IMMINENT = "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"


@pytest.fixture
def stations(tmp_path: Path) -> None:
    csv = tmp_path / "stations.csv"
    call_command("geo", "demo-stations", str(csv), stdout=io.StringIO())
    call_command("geo", "import-stations", str(csv), stdout=io.StringIO())
    geo_conf.stations_changed()


def pick(arrivals: list[Arrival], **want: Any) -> Arrival:
    for a in arrivals:
        if all(getattr(a, k) == v for k, v in want.items()) and not a.dense and not a.repeat:
            return replace(a, text=IMMINENT, phone_off=False)
    raise AssertionError(f"no arrival with {want}")


def test_agencies_take_cases_from_alert_to_saved_and_follow_up(
    stations: None, post_alert: PostAlert, settings: Any
) -> None:
    settings.NATS_URL = ""
    settings.FOLLOWUP_CHECKS = "5m,10m"
    now = timezone.now()
    assert ensure_fleet(per_station=2, seed=3, at=now) >= 140
    arrivals = generate(8, 365, up_places())
    pin = pick(arrivals, quality="pin", other_state=False)
    vague = pick(arrivals, quality="district", other_state=False)
    away = pick(arrivals, other_state=True, quality="pin")
    cases = {}
    for a in (pin, vague, away):
        reply = post_alert(feed.alert_for(a, SOURCE, now))
        assert reply.status_code in (200, 201, 202), reply.content
        cases[a.handle] = reply.json()["case_id"]
    run_stages()
    agencies = Agencies(truth_by_handle([pin, vague, away]), speedup=1.0, seed=5)
    tracks: dict[str, list[tuple[float, float]]] = {}
    for _ in range(400):
        now += timedelta(seconds=20)
        turn(agencies, now)
        for v in Vehicle.objects.filter(status="en_route"):
            tracks.setdefault(v.code, []).append((v.lat, v.lon))
        checks = FollowUpCheck.objects.filter(follow_up__case_id=cases[pin.handle])
        if checks.exists() and not checks.exclude(state="done").exists():
            break
    saved = Case.objects.get(pk=cases[pin.handle])
    assert Outcome.objects.get(case=saved).code == "saved"
    assert FollowUp.objects.get(case=saved).checks.filter(recorded_by="sim:counsellor").count() == 2
    assert (saved.district, saved.state_name) == (pin.district, "Uttar Pradesh")

    # The desk confirmed before any vehicle was sent, as sim:operator.
    confirm = AuditEvent.objects.get(action="dispatch_confirmed", object_id=str(saved.pk))
    assert confirm.actor == "sim:operator"
    vehicle_task = Task.objects.get(case=saved, kind="vehicle_112")
    created = AuditEvent.objects.get(action="task_created", object_id=str(vehicle_task.pk))
    assert created.seq > confirm.seq
    # The vehicle drove: several position reports, each closer to the point.
    point = vehicle_task.detail["point"]
    track = tracks[vehicle_task.target]
    left = [_metres(lat, lon, point["lat"], point["lon"]) for lat, lon in track]
    assert len(set(track)) >= 3 and left == sorted(left, reverse=True), left
    reports = AuditEvent.objects.filter(action="task_reported", object_id=str(vehicle_task.pk))
    assert {e.after["report"] for e in reports} >= {"en_route", "on_scene", "person_safe"}
    assert {e.actor for e in reports} == {f"sim:112:{vehicle_task.target}"}

    # The vague case was traced by STF first; the other state's case was forwarded.
    fix = AuditEvent.objects.filter(action="trace_fix_recorded", actor="sim:stf")
    assert fix.exists()
    traced = Case.objects.get(pk=cases[vague.handle])
    assert traced.district == vague.district and traced.location_confidence >= 0.7
    forwarded = Case.objects.get(pk=cases[away.handle])
    assert forwarded.state_name == away.place.state
    handover = Task.objects.get(case=forwarded, kind="other_state")
    assert handover.acknowledged_by == "sim:other_state"
    assert AuditEvent.objects.filter(actor="sim:station:" + saved.police_station).exists()
    assert chain.verify()[1] is None
