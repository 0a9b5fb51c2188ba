"""A case the desk handles one request at a time (not imminent, or not sure enough of the
place for the one confirmation) moves to `dispatched` when the station is alerted or a
vehicle sent, so that "on scene" and the outcome can follow; the one confirmation still
marks it once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case
from jeevanrekha.dispatch.actions import do_report_task
from jeevanrekha.dispatch.dispatching import (
    do_alert_station,
    do_confirm_dispatch,
    do_dispatch_vehicle,
)
from tests.unit.dispatch.support import add_vehicle, make_case

pytestmark = pytest.mark.django_db


def dispatched_rows(case: Case) -> int:
    return AuditEvent.objects.filter(action="case_dispatched", object_id=str(case.pk)).count()


def test_alerting_the_station_of_a_non_imminent_case_dispatches_it() -> None:
    now = timezone.now()
    case = make_case(now, imminent=False, risk_level=2, location_confidence=0.4)
    task = do_alert_station(case.pk, actor="desk:op", at=now)
    case.refresh_from_db()
    assert case.state == "dispatched" and dispatched_rows(case) == 1
    do_report_task(task.pk, "on_scene", by="SHO", actor="field", at=now, via="link")
    case.refresh_from_db()
    assert case.state == "on_scene"
    add_vehicle("UP32-1", 26.86, 80.95, now)
    do_dispatch_vehicle(case.pk, actor="desk:op", at=now + timedelta(seconds=5))
    assert dispatched_rows(case) == 1  # a second request does not dispatch it again
    assert chain.verify()[1] is None


def test_a_vehicle_sent_first_dispatches_too_and_confirmation_marks_once() -> None:
    now = timezone.now()
    add_vehicle("UP32-2", 26.86, 80.95, now)
    one = make_case(now, imminent=False, risk_level=3)
    do_dispatch_vehicle(one.pk, actor="desk:op", at=now)
    one.refresh_from_db()
    assert one.state == "dispatched" and dispatched_rows(one) == 1
    both = make_case(now, state="located")
    tasks = do_confirm_dispatch(both.pk, actor="desk:op", at=now)
    both.refresh_from_db()
    assert both.state == "dispatched" and dispatched_rows(both) == 1
    dispatched = AuditEvent.objects.get(action="case_dispatched", object_id=str(both.pk))
    assert sorted(dispatched.after["tasks"]) == sorted(t.pk for t in tasks)
