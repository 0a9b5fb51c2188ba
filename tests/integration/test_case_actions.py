"""Case actions: one transaction each, with an audit row and outbox events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases import actions
from jeevanrekha.cases.models import Case, OutcomeCode, TaskKind, TaskState
from jeevanrekha.core.lifecycle import CaseCommand, IllegalTransition
from jeevanrekha.core.priority import PriorityInput, priority

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 3, 25, tzinfo=UTC)


@pytest.fixture
def case() -> Case:
    from django.db import transaction

    with transaction.atomic():
        (opened,) = actions.open_cases_in_transaction(
            [actions.NewCase(None, T0 - timedelta(minutes=13))], at=T0
        )
    return Case.objects.get(pk=opened)


def test_new_case_priority_comes_from_the_core(case: Case) -> None:
    expected = priority(
        PriorityInput(
            risk_level=None,
            imminent=False,
            post_age=timedelta(minutes=13),
            location_confidence=None,
        )
    )
    assert case.priority == expected and case.state == "new"
    assert case.reference == f"JR-{case.pk:06d}"


def test_a_legal_move_is_saved_audited_and_published(case: Case) -> None:
    moved = actions.do_apply_case_command(case.pk, CaseCommand.TRIAGE, actor="user:op1", at=T0)
    assert moved.state == "triaged"
    assert Case.objects.get(pk=case.pk).state == "triaged"
    event = AuditEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert (event.action, event.before, event.after) == (
        "case_triaged",
        {"state": "new"},
        {"state": "triaged"},
    )
    assert OutboxMessage.objects.filter(topic="case_triaged", key=str(case.pk)).exists()


def test_an_illegal_move_changes_nothing(case: Case) -> None:
    with pytest.raises(IllegalTransition):
        actions.do_apply_case_command(case.pk, CaseCommand.ARRIVE, actor="user:op1", at=T0)
    assert Case.objects.get(pk=case.pk).state == "new"
    assert not AuditEvent.objects.exists() and not OutboxMessage.objects.exists()


def test_task_ack_stops_its_timer(case: Case) -> None:
    task = actions.do_create_task(
        case.pk,
        TaskKind.POLICE_STATION,
        "Gomti Nagar PS",
        due_at=T0 + timedelta(minutes=3),
        actor="user:op1",
        at=T0,
    )
    assert task.state == TaskState.OPEN and task.due_at is not None
    acked = actions.do_acknowledge_task(
        task.pk, by="SI Sharma", actor="user:op1", at=T0 + timedelta(minutes=2)
    )
    assert acked.state == TaskState.ACKNOWLEDGED and acked.due_at is None
    with pytest.raises(ValueError):
        actions.do_acknowledge_task(task.pk, by="again", actor="user:op1", at=T0)
    assert [e.action for e in AuditEvent.objects.all()] == ["task_created", "task_acknowledged"]


def test_outcome_with_reasons(case: Case) -> None:
    outcome = actions.do_record_outcome(
        case.pk,
        OutcomeCode.NOT_FOUND,
        ["location_unclear", "phone_off"],
        "no fix",
        actor="user:op1",
        at=T0,
    )
    assert outcome.reason_codes == ["location_unclear", "phone_off"]
    assert chain.verify() == (1, None)
