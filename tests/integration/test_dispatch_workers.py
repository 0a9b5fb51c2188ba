"""Issue #6: two `jeevanrekha timers` workers, real processes, sweep the same deadlines at
once and never send a step twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.dispatch.dispatching import do_alert_station
from jeevanrekha.dispatch.models import Delivery, Notification
from tests.unit.dispatch.support import StandIn, add_contact, make_case

BIN = Path(sys.executable).parent
CASES = 30


def database_url() -> str:
    """The test database, as a URL another process can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _audit_triggers() -> tuple[list[str], list[str]]:
    """(SQL that lifts, SQL that restores) the audit table's append-only triggers."""
    triggers = importlib.import_module("jeevanrekha.audit.migrations.0002_append_only_triggers")
    if connection.vendor == "sqlite":
        return triggers.SQLITE_DROP, triggers.SQLITE
    return triggers.POSTGRES_DROP, triggers.POSTGRES


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def _audit_triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    """Torn down last: puts the audit triggers back after pytest-django's flush."""
    yield
    with django_db_blocker.unblock():
        _execute(_audit_triggers()[1])


@pytest.fixture
def committed(_audit_triggers_restored: None, transactional_db: None) -> Iterator[None]:
    """Rows committed for other processes to see. The audit table refuses DELETE and
    TRUNCATE (append-only triggers), so its triggers are lifted for pytest-django's flush
    after the test and restored right after it."""
    yield
    _execute(_audit_triggers()[0])


@pytest.fixture
def gateway() -> Any:
    stand_in = StandIn(delay=0.01).start()
    yield stand_in
    stand_in.stop()


def test_two_worker_processes_never_send_a_step_twice(committed: None, gateway: StandIn) -> None:
    add_contact("station_duty_officer", "sms", "+911000000000")
    add_contact("station_house_officer", "sms", "+912000000000")
    created = timezone.now() - timedelta(minutes=4)  # step 1 (the SHO) is due since minute 3
    refs = []
    for _ in range(CASES):
        case = make_case(created)
        do_alert_station(case.pk, actor="test", at=created)
        refs.append(case.reference)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DISPATCH_SMS_URL": gateway.url,
        "DISPATCH_CLAIM_SECONDS": "60",
    }
    command = [str(BIN / "jeevanrekha"), "timers", "--until-idle", "1.5", "--interval", "0.05"]
    workers = [
        subprocess.Popen([*command, "--name", f"w{n}"], env=env, stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]

    sent = Counter(
        (r.json()["to"], r.json()["text"].split(":")[0].split()[-1]) for r in gateway.received
    )
    expected = {(phone, ref) for ref in refs for phone in ("+911000000000", "+912000000000")}
    assert set(sent) == expected
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1]
    assert Notification.objects.filter(status="sent").count() == 2 * CASES
    assert Delivery.objects.filter(ok=True).count() == 2 * CASES
    assert AuditEvent.objects.filter(action="task_escalated").count() == CASES
    by_worker = Counter(Delivery.objects.values_list("worker", flat=True))
    assert set(by_worker) <= {"w1", "w2"}
    print("deliveries by worker:", dict(by_worker))
