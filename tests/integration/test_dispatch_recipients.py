"""Who a task's notification goes to: the most specific scope that has an active contact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jeevanrekha.cases.models import Task
from jeevanrekha.dispatch.models import Contact
from jeevanrekha.dispatch.notify import recipients
from tests.unit.dispatch.support import add_contact, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
ROLE = "station_duty_officer"


def station_task() -> tuple[Task, object]:
    case = make_case(T0)
    task = Task.objects.create(
        case=case, kind="police_station", target="Hazratganj", created_at=T0, due_at=T0
    )
    return task, case


def test_the_most_specific_scope_wins_and_keeps_its_contacts_in_order() -> None:
    task, case = station_task()
    add_contact(ROLE, "sms", "+910000000001", scope="default")
    add_contact(ROLE, "email", "district@up.example", scope="district:Lucknow")
    add_contact(ROLE, "sms", "+910000000002", scope="station:Lucknow/Hazratganj")
    add_contact(ROLE, "email", "sho@up.example", scope="station:Lucknow/Hazratganj")
    add_contact("circle_officer", "sms", "+910000000003", scope="station:Lucknow/Hazratganj")
    found = recipients(task, case, ROLE)
    assert [(r.scope, r.transport, r.address) for r in found] == [
        ("station:Lucknow/Hazratganj", "sms", "+910000000002"),
        ("station:Lucknow/Hazratganj", "email", "sho@up.example"),
    ]
    assert {r.role for r in found} == {ROLE}


def test_inactive_contacts_are_skipped_and_the_next_scope_answers() -> None:
    task, case = station_task()
    add_contact(ROLE, "sms", "+910000000002", scope="station:Lucknow/Hazratganj")
    Contact.objects.filter(scope="station:Lucknow/Hazratganj").update(active=False)
    add_contact(ROLE, "email", "district@up.example", scope="district:Lucknow")
    add_contact(ROLE, "sms", "+910000000001", scope="default")
    found = recipients(task, case, ROLE)
    assert [(r.scope, r.address) for r in found] == [("district:Lucknow", "district@up.example")]


def test_nobody_configured_means_the_desk_itself() -> None:
    task, case = station_task()
    add_contact(ROLE, "sms", "+910000000009", scope="district:Kanpur")  # another district
    (found,) = recipients(task, case, ROLE)
    assert (found.role, found.transport, found.scope) == ("desk", "inapp", f"missing:{ROLE}")
