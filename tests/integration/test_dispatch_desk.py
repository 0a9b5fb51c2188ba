"""Issue #6: the case page's dispatch section: one confirmation dispatches; roles that do
not dispatch, or cannot see the case, cannot press the buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone

from jeevanrekha.cases.models import Role, Task
from tests.conftest import desk_user
from tests.unit.dispatch.support import add_vehicle, make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)


def login(name: str, role: Role, district: str = "") -> Client:
    return desk_user(name, role, district)


def test_confirm_and_dispatch_from_the_case_page(desk_client: Client) -> None:
    case = make_case(timezone.now())
    add_vehicle("PRV-LKO-7", 26.86, 80.95, timezone.now())
    page = desk_client.get(f"/cases/{case.pk}/")
    assert b"Confirm &amp; dispatch" in page.content
    reply = desk_client.post(f"/cases/{case.pk}/dispatch/confirm", follow=True)
    assert b"Station alerted and vehicle sent." in reply.content
    assert b"PRV-LKO-7" in reply.content and b"Hazratganj" in reply.content
    assert sorted(Task.objects.filter(case=case).values_list("kind", flat=True)) == [
        "police_station",
        "vehicle_112",
    ]
    # Recording a phone acknowledgement from the desk.
    task = Task.objects.get(case=case, kind="police_station")
    desk_client.post(f"/tasks/{task.pk}/report", {"report": "acknowledge", "by": "SO on phone"})
    task.refresh_from_db()
    assert task.state == "acknowledged" and task.acknowledged_by == "SO on phone"


def test_refusal_is_shown_not_raised(desk_client: Client) -> None:
    case = make_case(T0, needs_review=True)
    reply = desk_client.post(f"/cases/{case.pk}/dispatch/station", follow=True)
    assert reply.status_code == 200 and b"confirm the review first" in reply.content
    assert not Task.objects.filter(case=case).exists()


def test_other_roles_and_districts_cannot_dispatch() -> None:
    case = make_case(T0)
    auditor = login("auditor1", Role.AUDITOR)
    assert auditor.post(f"/cases/{case.pk}/dispatch/station").status_code == 403
    elsewhere = login("do-agra", Role.DISTRICT_OFFICER, "Agra")
    assert elsewhere.post(f"/cases/{case.pk}/dispatch/station").status_code in (403, 404)
    assert not Task.objects.filter(case=case).exists()
