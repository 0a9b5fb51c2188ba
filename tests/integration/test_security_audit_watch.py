"""Issue #10: `audit verify` as a database timer. `jeevanrekha timers` walks the chain every
AUDIT_VERIFY_INTERVAL_MINUTES; a break (a row changed behind the application's back, here
by raw SQL with the append-only triggers dropped) raises an outbox event, a banner for
supervisors and administrators, and a metric; the walk is claimed by one worker only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit import watch
from jeevanrekha.audit.models import AuditEvent, ChainCheck
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import Role
from jeevanrekha.dispatch import timers
from tests.conftest import desk_user
from tests.integration.test_audit import drop_triggers, write

pytestmark = pytest.mark.django_db


def _tamper(seq: int) -> None:
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'user:nobody' WHERE seq = %s", [seq])


def _events(topic: str) -> list[dict[str, Any]]:
    return list(OutboxMessage.objects.filter(topic=topic).values_list("payload", flat=True))


def test_a_broken_chain_raises_the_alarm(settings: Any) -> None:
    settings.AUDIT_VERIFY_INTERVAL_MINUTES = 60
    supervisor, operator = desk_user("sup.a", Role.SUPERVISOR), desk_user("op.a", Role.OPERATOR)
    write(5)
    now = timezone.now()
    assert timers.sweep("w1", now).fired == {"audit_chain_whole": 1}
    assert timers.sweep("w1", now + timedelta(minutes=59)).fired == {}  # not due yet
    assert "audit-alarm" not in supervisor.get("/").content.decode()
    _tamper(3)
    result = timers.sweep("w1", now + timedelta(minutes=61))
    assert result.fired == {"audit_chain_broken": 1}
    (event,) = _events("audit_chain_broken")
    assert event["first_broken_seq"] == 3 and "altered" in event["reason"]
    assert AuditEvent.objects.filter(action="audit_chain_broken").count() == 1
    page = supervisor.get("/").content.decode()
    assert 'class="flag audit-alarm" role="alert"' in page and "row 3" in page
    assert "audit-alarm" not in operator.get("/").content.decode()
    metrics = Client().get("/metrics").content.decode()
    assert "jr_audit_chain_broken 1" in metrics
    # Still broken an hour later: the banner stays, but no second event.
    timers.sweep("w1", now + timedelta(minutes=122))
    assert len(_events("audit_chain_broken")) == 1
    assert "audit-alarm" in supervisor.get("/").content.decode()


def test_a_chain_whole_again_clears_the_alarm(settings: Any) -> None:
    """After a break is dealt with (here: the row put back as it was), the next walk clears it."""
    write(4)
    now = timezone.now()
    original = AuditEvent.objects.get(seq=2).actor
    _tamper(2)
    assert watch.run_if_due("w", now) == "broken"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = %s WHERE seq = 2", [original])
    assert watch.run_if_due("w", now + watch.interval()) == "whole"
    row = ChainCheck.objects.get()
    assert row.broken_seq is None and row.last_rows >= 4
    assert len(_events("audit_chain_whole")) == 1
    assert "jr_audit_chain_broken 0" in Client().get("/metrics").content.decode()


def test_one_worker_walks_the_chain() -> None:
    now = timezone.now()
    assert watch.claim("w1", now) is True
    assert watch.claim("w2", now) is False  # held by w1
    assert watch.claim("w2", now + watch.CLAIM_LEASE + timedelta(seconds=1)) is True  # w1 died


def test_the_interval_is_a_setting(settings: Any) -> None:
    settings.AUDIT_VERIFY_INTERVAL_MINUTES = 5
    now = timezone.now()
    assert watch.run_if_due("w", now) == "whole"
    assert watch.run_if_due("w", now + timedelta(minutes=4)) == ""
    assert watch.run_if_due("w", now + timedelta(minutes=5)) == "whole"
