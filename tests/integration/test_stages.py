"""Issue #9 / #4: the locate stage writes where the person is onto the case — in-process
(no NATS) and through the real JetStream — and re-targets when a fresh fix moves it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import Case
from tests.conftest import PostAlert, fixture_alert

pytestmark = pytest.mark.django_db
LUCKNOW = {"lat": 26.8467, "lon": 80.9462, "radius_m": 800}


def about_ravi(**evidence: Any) -> dict[str, Any]:
    alert = fixture_alert("alert_minimal")
    alert["account"]["handle"] = "ravi_prayag"
    alert["post"]["text"] = "ab aur nahi, alvida"
    alert["evidence"] = evidence
    return alert


def run_worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", "--stage", "locate", *args, stdout=out)
    return out.getvalue()


def test_in_process_locate_then_a_tower_fix_moves_the_case(
    post_alert: PostAlert, settings: Any
) -> None:
    settings.NATS_URL = ""
    profile = "Prayagraj, Uttar Pradesh"  # the profile's city: where they were, once
    case_id = post_alert(about_ravi(profile_location=profile)).json()["case_id"]
    assert "handled 1 events" in run_worker("--once")
    case = Case.objects.get(pk=case_id)
    assert case.district == "Prayagraj" and case.state_name == "Uttar Pradesh"
    assert case.location_confidence and case.location["reasons"]
    assert AuditEvent.objects.filter(action="case_located", object_id=str(case_id)).count() == 1

    # A fresh tower fix in Lucknow arrives with the next alert about the same person: it
    # beats the stale profile city.
    fix = {**LUCKNOW, "observed_at": timezone.now().isoformat()}
    again = post_alert(about_ravi(profile_location=profile, tower=fix))
    assert again.json()["case_id"] == case_id
    run_worker("--once")
    case.refresh_from_db()
    assert case.district == "Lucknow"
    moved = AuditEvent.objects.get(action="case_jurisdiction_changed", object_id=str(case_id))
    assert moved.before["district"] == "Prayagraj" and moved.after["district"] == "Lucknow"
    assert OutboxMessage.objects.filter(topic="case_jurisdiction_changed").count() == 1
    assert "handled 0 events" in run_worker("--once")  # nothing handled twice
    assert chain.verify()[1] is None


def test_locate_through_jetstream(post_alert: PostAlert, settings: Any, nats_url: str) -> None:
    settings.NATS_URL = nats_url
    case_id = post_alert(about_ravi(profile_location="Varanasi, Uttar Pradesh")).json()["case_id"]
    out = io.StringIO()
    call_command("relay", "--once", stdout=out)
    assert "published 1 events" in out.getvalue()
    run_worker("--max-events", "1")
    assert Case.objects.get(pk=case_id).district == "Varanasi"


def test_duplicate_deliveries_on_the_broker_are_harmless(
    post_alert: PostAlert, settings: Any, nats_url: str
) -> None:
    import asyncio
    import json

    import nats

    from jeevanrekha.bus.relay import namespace, subject_for

    settings.NATS_URL = nats_url
    case_id = post_alert(about_ravi(profile_location="Gorakhpur, UP")).json()["case_id"]
    call_command("relay", "--once", stdout=io.StringIO())
    row = OutboxMessage.objects.get(topic="case_opened")
    space = namespace()
    body = {
        "ns": space,
        "id": row.pk,
        "topic": row.topic,
        "key": row.key,
        "payload": row.payload,
        "created_at": row.created_at.isoformat(),
        "request_id": row.request_id,
    }

    async def inject() -> None:  # the same event again, past the broker's de-duplication
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        for copy in range(2):
            headers = {"Nats-Msg-Id": f"injected-{row.pk}-{copy}-{space}"}
            await js.publish(
                subject_for(row.topic, space), json.dumps(body).encode(), headers=headers
            )
        await connection.drain()

    asyncio.run(inject())
    run_worker("--max-events", "3")
    assert Case.objects.get(pk=case_id).district == "Gorakhpur"
    assert AuditEvent.objects.filter(action="case_located", object_id=str(case_id)).count() == 1


def test_the_risk_stage_makes_an_imminent_case_urgent(post_alert: PostAlert, settings: Any) -> None:
    settings.NATS_URL = ""
    calm = fixture_alert("alert_minimal")
    calm["account"]["handle"] = "calm_person"
    calm["post"]["text"] = "aaj ka match bahut accha tha, chai pe milte hain"
    urgent = about_ravi()
    urgent["post"]["text"] = "aaj raat ke baad kisi ko pareshan nahi karunga. alvida sabko 🙏"
    calm_id = post_alert(calm).json()["case_id"]
    urgent_id = post_alert(urgent).json()["case_id"]
    before = Case.objects.get(pk=urgent_id).priority
    out = io.StringIO()
    call_command("worker", "--stage", "risk", "--once", stdout=out)
    assert "risk: handled 2 events" in out.getvalue()
    case = Case.objects.get(pk=urgent_id)
    assert case.risk_level is not None and case.risk_level >= 3 and case.imminent
    assert case.priority > before > 0 and case.priority > Case.objects.get(pk=calm_id).priority
    alert = case.alerts.get()
    assert alert.risk["level"] == case.risk_level and alert.risk["cues"]  # why, for the desk
    assert AuditEvent.objects.filter(action="case_risk_assessed", object_id=str(urgent_id)).exists()
