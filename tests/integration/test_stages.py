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


def test_a_batch_through_jetstream_is_one_transaction_per_stage_and_equals_one_by_one(
    post_alert: PostAlert, settings: Any, nats_url: str
) -> None:
    """Issue #9: a worker handles a fetched batch together (one lock of the audit chain);
    the cases come out as the one-by-one path makes them, each audited once."""
    from jeevanrekha.stages.locate import locate_case

    settings.NATS_URL = nats_url
    places = ["Varanasi, Uttar Pradesh", "Gorakhpur, UP", "Agra", "Meerut, Uttar Pradesh"]
    ids = []
    for n, place in enumerate(places):
        alert = about_ravi(profile_location=place)
        alert["account"]["handle"] = f"batch_person_{n}"
        alert["post"]["text"] = "aaj raat ke baad kisi ko pareshan nahi karunga. alvida 🙏"
        ids.append(post_alert(alert).json()["case_id"])
    call_command("relay", "--once", stdout=io.StringIO())
    for stage in ("risk", "locate"):
        call_command("worker", "--stage", stage, "--max-events", "4", stdout=io.StringIO())
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids)}
    assert [cases[i].district for i in ids] == ["Varanasi", "Gorakhpur", "Agra", "Meerut"]
    assert all(c.risk_level is not None and c.imminent for c in cases.values())
    for action in ("case_risk_assessed", "case_located"):
        audited = AuditEvent.objects.filter(action=action, object_id__in=[str(i) for i in ids])
        assert sorted(int(e.object_id) for e in audited) == sorted(ids)
    # One batch per stage: one action, one moment (one by one, each case has its own).
    for action in ("case_risk_assessed", "case_located"):
        moments = AuditEvent.objects.filter(action=action).values_list("at", flat=True)
        assert len(set(moments)) == 1
    # The one-by-one path finds nothing to change: the batch wrote what it would have.
    assert not any(locate_case(i) for i in ids)
    assert AuditEvent.objects.filter(action="case_located").count() == 4
    assert chain.verify()[1] is None


def test_a_failing_batch_is_done_again_one_event_at_a_time() -> None:
    from datetime import UTC, datetime

    from jeevanrekha.bus.consumers import Stage, handle_events
    from jeevanrekha.bus.relay import Event

    done: list[str] = []

    def one(event: Event) -> None:
        if event.id == 2:
            raise ValueError("a poison event")
        done.append(f"one {event.id}")

    def many(events: list[Event]) -> None:
        if any(event.id == 2 for event in events):
            raise ValueError("the batch fails on the poison event")
        done.append(f"batch {[event.id for event in events]}")

    stage = Stage("test", frozenset({"t"}), one, many)
    now = datetime.now(UTC)
    events = [Event(n, "t", "", {}, now, "") for n in (1, 2, 3)]
    with pytest.raises(ValueError, match="a poison event"):
        handle_events(stage, events)  # raises: not acknowledged, the broker brings it again
    assert done == ["one 1"]  # the batch failed; one by one, the good event before the bad
    handle_events(stage, [events[0], events[2]])
    assert done == ["one 1", "batch [1, 3]"]
