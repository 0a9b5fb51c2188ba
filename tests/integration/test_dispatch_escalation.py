"""Issue #6: an unacknowledged station alert climbs its whole ladder on time; a one-tap
acknowledgement stops it; reminders follow until there is a result; links work once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Task, TaskState
from jeevanrekha.dispatch import timers
from jeevanrekha.dispatch.actions import LinkRefused, do_use_link
from jeevanrekha.dispatch.dispatching import NotReady, do_alert_station, do_confirm_dispatch
from jeevanrekha.dispatch.models import AckLink, Notification, Vehicle
from jeevanrekha.dispatch.notify import link_token
from tests.unit.dispatch.support import add_contact, add_vehicle, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
LADDER = [
    "station_duty_officer",
    "station_house_officer",
    "circle_officer",
    "district_control_room",
]
WORKER = "test-worker"


@pytest.fixture
def contacts() -> None:
    for role in LADDER:
        add_contact(role, "inapp", f"{role}@lucknow")


def sweep_at(moment: datetime) -> timers.SweepResult:
    with time_machine.travel(moment, tick=False):
        return timers.sweep(WORKER, timezone.now())


def fired(task: Task) -> list[tuple[int, str, str]]:
    """(minute after creation, reason, role) of every notification of a task, in order."""
    notes = Notification.objects.filter(task=task).order_by("created_at", "id")
    return [(int((n.created_at - T0).total_seconds() // 60), n.reason, n.role) for n in notes]


def walk(task: Task, minutes: int) -> None:
    """Sweep just before and just after every minute, as a worker polling each second would."""
    for minute in range(1, minutes + 1):
        sweep_at(T0 + timedelta(minutes=minute, seconds=-1))
        sweep_at(T0 + timedelta(minutes=minute, seconds=1))


def test_unacknowledged_station_alert_climbs_every_step_on_time(contacts: None) -> None:
    case = make_case(T0)
    with time_machine.travel(T0, tick=False):
        task = do_alert_station(case.pk, actor="user:op", at=timezone.now())
    walk(task, 29)
    assert fired(task) == [
        (0, "initial", "station_duty_officer"),
        (3, "escalation", "station_house_officer"),  # duty officer had 3 min
        (8, "escalation", "circle_officer"),  # SHO had 5 min
        (13, "renotify", "circle_officer"),  # every 5 min within the CO's 10
        (18, "escalation", "district_control_room"),
        (23, "renotify", "district_control_room"),  # the last rung is nagged for ever
        (28, "renotify", "district_control_room"),
    ]
    task.refresh_from_db()
    assert task.escalation_step == 3 and task.due_at == T0 + timedelta(minutes=33)
    actions = list(
        AuditEvent.objects.filter(object_type="task", object_id=str(task.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("task_escalated") == 3 and actions.count("task_renotified") == 3
    # Every message went out (in-app), each attempt recorded.
    assert set(Notification.objects.filter(task=task).values_list("status", flat=True)) == {"sent"}


def test_one_tap_acknowledgement_stops_escalation_then_reminds(contacts: None) -> None:
    case = make_case(T0)
    with time_machine.travel(T0, tick=False):
        task = do_alert_station(case.pk, actor="user:op", at=timezone.now())
    walk(task, 4)  # the SHO has been paged at minute 3
    sho_note = Notification.objects.get(task=task, role="station_house_officer")
    token = link_token(sho_note.link_id)
    with time_machine.travel(T0 + timedelta(minutes=4, seconds=30), tick=False):
        page = Client().get(f"/t/{token}")
        assert page.status_code == 200 and b"Acknowledge" in page.content
        done = Client().post(f"/t/{token}", {"report": "acknowledge"})
    assert done.status_code == 200 and b"Recorded" in done.content
    task.refresh_from_db()
    acked = T0 + timedelta(minutes=4, seconds=30)
    assert task.state == TaskState.ACKNOWLEDGED and task.acknowledged_at == acked
    assert task.due_at == acked + timedelta(minutes=15)  # the ladder's remind-after-ack
    walk_from = len(fired(task))
    for minute in range(5, 36):
        sweep_at(T0 + timedelta(minutes=minute, seconds=1))
    later = fired(task)[walk_from:]
    # No escalation after the acknowledgement; a reminder 15 and 30 min after it (swept
    # at the next whole minute + 1 s).
    assert [(m, r) for m, r, _ in later] == [(20, "remind"), (35, "remind")]
    link = AckLink.objects.get(link_id=sho_note.link_id)
    assert link.used_action == "acknowledge"
    assert AuditEvent.objects.filter(action="task_reported", object_id=str(task.pk)).count() == 1
    # The link works once: a second use is refused, and says so.
    again = Client().post(f"/t/{token}", {"report": "on_scene"})
    assert again.status_code == 410
    assert AuditEvent.objects.filter(action="task_reported", object_id=str(task.pk)).count() == 1


def test_links_expire_and_forged_tokens_are_unknown(contacts: None, settings: Any) -> None:
    case = make_case(T0)
    task = do_alert_station(case.pk, actor="user:op", at=T0)
    note = Notification.objects.get(task=task)
    with pytest.raises(LinkRefused):
        do_use_link(note.link_id, "acknowledge", remote="x", at=T0 + timedelta(hours=7))
    assert Client().get(f"/t/{note.link_id}:forged").status_code == 404
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_confirm_and_dispatch_starts_station_and_vehicle_in_one_action(contacts: None) -> None:
    case = make_case(T0)
    add_vehicle("PRV-LKO-1", 26.86, 80.95, T0)
    add_vehicle("PRV-LKO-2", 26.70, 80.95, T0)
    tasks = do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    assert [(t.kind, t.target) for t in tasks] == [
        ("police_station", "Hazratganj"),
        ("vehicle_112", "PRV-LKO-1"),
    ]
    case.refresh_from_db()
    assert case.state == "dispatched"
    assert Vehicle.objects.get(code="PRV-LKO-1").status == "assigned"
    actions = set(
        AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert {"dispatch_confirmed", "case_located", "case_dispatched"} <= actions


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"needs_review": True}, "review"),
        ({"imminent": False, "risk_level": 3}, "not imminent"),
        ({"location_confidence": 0.4}, "confidence"),
    ],
)
def test_no_one_step_dispatch_unless_confirmed_imminent_and_located(
    fields: dict[str, Any], why: str
) -> None:
    case = make_case(T0, **fields)
    add_vehicle("PRV-1", 26.86, 80.95, T0)
    with pytest.raises(NotReady, match=why):
        do_confirm_dispatch(case.pk, actor="user:op", at=T0)
    assert not Task.objects.filter(case=case).exists()


def test_nothing_is_dispatched_for_a_case_awaiting_review() -> None:
    case = make_case(T0, needs_review=True)
    with pytest.raises(NotReady, match="review"):
        do_alert_station(case.pk, actor="user:op", at=T0)
    assert not Task.objects.filter(case=case).exists()


def test_missing_contact_falls_back_to_the_desk() -> None:
    case = make_case(T0)
    task = do_alert_station(case.pk, actor="user:op", at=T0)
    note = Notification.objects.get(task=task)
    assert note.transport == "inapp" and note.role == "desk"
    assert note.subject.startswith("NO CONTACT for station_duty_officer")
