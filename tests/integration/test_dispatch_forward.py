"""Issue #6: forwarding to another state: CAP 1.2 (official XSD) and EIDO-style JSON (our
schema) are sent to that state's configured contact; its acknowledgement is tracked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from lxml import etree

from jeevanrekha.cases.models import Case, Task
from jeevanrekha.dispatch import timers
from jeevanrekha.dispatch.dispatching import NotReady
from jeevanrekha.dispatch.forwarding import cap, cap_xsd, eido
from jeevanrekha.dispatch.forwarding.handover import do_forward_case
from jeevanrekha.dispatch.models import Notification
from jeevanrekha.dispatch.notify import link_token
from tests.unit.dispatch.support import StandIn, add_contact, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)


def test_forwarded_case_documents_validate_and_reach_the_state(settings: Any) -> None:
    receiver = StandIn().start()
    try:
        settings.DISPATCH_WEBHOOK_SECRET = "webhook-secret-0123456789"
        add_contact("other_state_sm_cell", "webhook", receiver.url, scope="state:Bihar")
        case = make_case(
            T0,
            state_name="Bihar",
            district="Patna",
            police_station="",
            location={"lat": 25.61, "lon": 85.14, "radius_m": 900.0},
        )
        task = do_forward_case(case.pk, actor="user:op", at=T0)
        assert Case.objects.get(pk=case.pk).state == "forwarded"
        assert timers.sweep("w", T0).sent == {"sent": 1}
    finally:
        receiver.stop()
    [got] = receiver.received
    files = {a["name"]: a["text"] for a in got.json()["attachments"]}
    xml = files[f"{case.reference}-H1.cap.xml"].encode()
    cap.validate(xml, cap_xsd.ensure())  # the official CAP 1.2 schema
    area = etree.fromstring(xml).find(f".//{{{cap.NS}}}circle")
    assert area is not None and area.text == "25.61000,85.14000 0.90"
    doc = json.loads(files[f"{case.reference}-H1.eido.json"])
    assert eido.errors(doc) == []
    assert doc["locationComponent"][0]["civicAddress"] == {
        "country": "IN",
        "A1": "Bihar",
        "A2": "Patna",
    }
    # Bihar acknowledges with the link it got: the ladder stops chasing them.
    token = link_token(Notification.objects.get(task=task).link_id)
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        assert Client().post(f"/t/{token}", {"report": "acknowledge"}).status_code == 200
    task = Task.objects.get(pk=task.pk)
    assert task.state == "acknowledged"
    fired = timers.sweep("w", T0 + timedelta(minutes=11))
    assert fired.fired.get("escalated") is None  # no escalation after the acknowledgement


def test_home_state_case_is_not_forwarded() -> None:
    case = make_case(T0)
    with pytest.raises(NotReady, match="another state"):
        do_forward_case(case.pk, actor="user:op", at=T0)
