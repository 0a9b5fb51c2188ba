"""Every desk action takes the audit chain's lock last, after all of its row locks.

The chain's lock is the one point every audited transaction passes through. An action that
took it and then locked a row (a vehicle, a case) held it through all its later round trips,
stopping every other audited writer, and could deadlock with one holding that row and
waiting for the chain. Here the statements an action sends are captured: after the chain's
head is read (with, on PostgreSQL, its lock), only the audit and outbox rows may follow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jeevanrekha.cases.models import Task
from jeevanrekha.dispatch.actions import do_report_task
from jeevanrekha.dispatch.dispatching import do_confirm_dispatch
from tests.unit.dispatch.support import add_contact, add_vehicle, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
ROLES = ("station_duty_officer", "station_house_officer", "circle_officer", "control_room")


@pytest.fixture(autouse=True)
def contacts() -> None:
    for role in ROLES:
        add_contact(role, "inapp", f"{role}@lucknow")


def statements_after_the_chain_lock(action: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    sql = [q["sql"] for q in captured.captured_queries]
    head = next(
        i for i, s in enumerate(sql) if "audit_append(" in s or "FROM audit_auditevent" in s
    )
    return [
        s
        for s in sql[head + 1 :]
        if not s.startswith(('INSERT INTO "audit_auditevent"', 'INSERT INTO "bus_outboxmessage"'))
        and not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_the_confirmation_locks_its_case_and_vehicle_before_the_chain() -> None:
    case = make_case(T0)
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    later = statements_after_the_chain_lock(
        lambda: do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    )
    assert later == []


def test_a_field_report_moves_vehicle_and_case_before_the_chain() -> None:
    case = make_case(T0)
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    (_, vehicle_task) = do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    at = T0 + timedelta(minutes=9)
    later = statements_after_the_chain_lock(
        lambda: do_report_task(
            vehicle_task.pk, "on_scene", by="PRV-LKO-1", actor="field:x", at=at, via="test"
        )
    )
    assert later == []
    assert Task.objects.get(pk=vehicle_task.pk).progress == "on_scene"
