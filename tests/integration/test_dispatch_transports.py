"""Issue #6: transports against real servers on loopback: SMTP (aiosmtpd), an HTTP SMS
gateway stand-in (down → retried with backoff → delivered), a signed webhook; a permanent
failure shows on the case page."""

from __future__ import annotations

import email
import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from jeevanrekha.cases.models import TaskKind
from jeevanrekha.dispatch import timers
from jeevanrekha.dispatch.actions import do_open_task
from jeevanrekha.dispatch.models import Delivery, Notification
from tests.unit.dispatch.support import StandIn, add_contact, free_port, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
WORKER = "test-worker"


class Inbox:
    """aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.DISPATCH_SMTP_HOST, settings.DISPATCH_SMTP_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


@pytest.fixture
def gateway(settings: Any) -> Iterator[StandIn]:
    stand_in = StandIn()
    settings.DISPATCH_SMS_URL = stand_in.url
    settings.DISPATCH_SMS_TEMPLATE = '{"to": "{to}", "text": "{text}"}'
    yield stand_in
    stand_in.stop()


def test_email_over_real_smtp_with_one_tap_link(smtp: Inbox, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://desk.example.invalid"
    add_contact("station_duty_officer", "email", "so.hazratganj@up.police.invalid")
    case = make_case(T0)
    task = do_open_task(case.pk, TaskKind.POLICE_STATION, "Hazratganj", actor="t", at=T0)
    result = timers.sweep(WORKER, T0)
    assert result.sent == {"sent": 1}
    [message] = smtp.messages
    assert message["To"] == "so.hazratganj@up.police.invalid"
    assert case.reference in message["Subject"] and "URGENT" in message["Subject"]
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    assert "https://desk.example.invalid/t/" in body
    note = Notification.objects.get(task=task)
    assert note.status == "sent" and note.deliveries.get().ok


def test_sms_gateway_down_then_retried_with_backoff_then_delivered(
    gateway: StandIn, settings: Any
) -> None:
    settings.DISPATCH_RETRY_BASE_SECONDS = 15
    add_contact("erss_dispatcher", "sms", "+919800000001")
    case = make_case(T0)
    task = do_open_task(case.pk, TaskKind.VEHICLE_112, "PRV-LKO-1", actor="t", at=T0)
    assert timers.sweep(WORKER, T0).sent == {"pending": 1}  # gateway down: connection refused
    note = Notification.objects.get(task=task)
    assert note.next_attempt_at == T0 + timedelta(seconds=15)
    assert "unreachable" in note.last_error
    assert timers.sweep(WORKER, T0 + timedelta(seconds=14)).sent == {}  # backoff respected
    gateway.start()
    gateway.failures = 1  # up, but answers 503 once
    assert timers.sweep(WORKER, T0 + timedelta(seconds=15)).sent == {"pending": 1}
    note.refresh_from_db()
    assert note.next_attempt_at == T0 + timedelta(seconds=15 + 30)  # doubled
    assert timers.sweep(WORKER, T0 + timedelta(seconds=45)).sent == {"sent": 1}
    [got] = gateway.received
    assert got.json()["to"] == "+919800000001" and case.reference in got.json()["text"]
    attempts = list(Delivery.objects.filter(notification=note).order_by("attempt"))
    assert [(d.attempt, d.ok) for d in attempts] == [(1, False), (2, False), (3, True)]
    assert "503" in attempts[1].error


def test_permanent_failure_shows_on_the_case(
    gateway: StandIn, desk_client: Client, settings: Any
) -> None:
    gateway.start()
    gateway.fail_with, gateway.failures = 400, 5  # the gateway refuses the number
    add_contact("erss_dispatcher", "sms", "not-a-number")
    case = make_case(T0)
    do_open_task(case.pk, TaskKind.VEHICLE_112, "PRV-LKO-1", actor="t", at=T0)
    assert timers.sweep(WORKER, T0).sent == {"dead": 1}
    page = desk_client.get(f"/cases/{case.pk}/")
    assert b"could not be delivered" in page.content and b"not-a-number" in page.content


def test_retries_end_in_a_dead_notification(gateway: StandIn, settings: Any) -> None:
    settings.DISPATCH_MAX_ATTEMPTS = 2
    add_contact("erss_dispatcher", "sms", "+919800000002")
    case = make_case(T0)
    task = do_open_task(case.pk, TaskKind.VEHICLE_112, "PRV-LKO-1", actor="t", at=T0)
    timers.sweep(WORKER, T0)
    timers.sweep(WORKER, T0 + timedelta(minutes=1))
    note = Notification.objects.get(task=task)
    assert note.status == "dead" and note.attempts == 2


def test_signed_webhook(settings: Any) -> None:
    receiver = StandIn().start()
    try:
        settings.DISPATCH_WEBHOOK_SECRET = "webhook-secret-0123456789"
        add_contact("other_state_sm_cell", "webhook", receiver.url, scope="state:Bihar")
        case = make_case(T0, state_name="Bihar", district="Patna", police_station="")
        do_open_task(case.pk, TaskKind.OTHER_STATE, "Bihar", actor="t", at=T0)
        assert timers.sweep(WORKER, T0).sent == {"sent": 1}
        [got] = receiver.received
        stamp = got.headers["x-jr-timestamp"]
        mac = hmac.new(
            b"webhook-secret-0123456789", stamp.encode() + b"." + got.body, hashlib.sha256
        )
        assert got.headers["x-jr-signature"] == "sha256=" + mac.hexdigest()
        assert got.json()["case_id"] == case.pk and "/t/" in got.json()["ack_url"]
    finally:
        receiver.stop()


def test_smtp_server_down_for_a_while_then_delivered_once(settings: Any) -> None:
    settings.DISPATCH_RETRY_BASE_SECONDS = 10
    port = free_port()
    settings.DISPATCH_SMTP_HOST, settings.DISPATCH_SMTP_PORT = "127.0.0.1", port
    add_contact("station_duty_officer", "email", "so.hazratganj@up.police.invalid")
    case = make_case(T0)
    task = do_open_task(case.pk, TaskKind.POLICE_STATION, "Hazratganj", actor="t", at=T0)
    # Nobody listens on the port: the mail server is down.
    assert timers.sweep(WORKER, T0).sent == {"pending": 1}
    assert timers.sweep(WORKER, T0 + timedelta(seconds=10)).sent == {"pending": 1}
    note = Notification.objects.get(task=task)
    assert note.status == "pending" and note.attempts == 2
    assert note.next_attempt_at == T0 + timedelta(seconds=10 + 20)  # doubled
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # the server is back
    try:
        assert timers.sweep(WORKER, T0 + timedelta(seconds=29)).sent == {}  # backoff respected
        assert timers.sweep(WORKER, T0 + timedelta(seconds=30)).sent == {"sent": 1}
        assert timers.sweep(WORKER, T0 + timedelta(seconds=31)).sent == {}  # not sent again
    finally:
        controller.stop()
    [message] = inbox.messages  # delivered exactly once
    assert message["To"] == "so.hazratganj@up.police.invalid"
    attempts = list(Delivery.objects.filter(notification=note).order_by("attempt"))
    assert [(d.attempt, d.ok) for d in attempts] == [(1, False), (2, False), (3, True)]
