"""Issue #8 part 1: follow-up after a rescue — the schedule starts once on "saved", each
check is a timer fired once (also by two sweepers at once), results, a new risk opens a
linked case, and the case closes after the last check. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.actions import do_apply_case_command, do_record_outcome
from jeevanrekha.cases.models import Case, OutcomeCode, Subject, Task, TaskKind, TaskState
from jeevanrekha.core.lifecycle import CaseCommand, IllegalTransition
from jeevanrekha.dispatch.models import Notification
from jeevanrekha.followup.actions import (
    CheckClosed,
    CheckResult,
    do_record_check,
    do_start_follow_up,
)
from jeevanrekha.followup.models import CheckState, FollowUp, FollowUpCheck, FollowUpState
from jeevanrekha.followup.timers import claim_due_checks, due_checks, sweep_checks
from tests.integration.test_dispatch_workers import (  # noqa: F401 (fixtures)
    _audit_triggers_restored,
    committed,
)
from tests.unit.dispatch.support import make_case

T0 = datetime(2026, 11, 23, 3, 25, tzinfo=UTC)
H = timedelta(hours=1)


def saved_case(state: str = "dispatched", at: datetime = T0) -> Case:
    """A dispatched case whose outcome "saved" is recorded and which is resolved (as the
    desk's outcome button does: the outcome, then resolve)."""
    subject = Subject.objects.create(display_name="Ankit Verma", created_at=at)
    case = make_case(at, state=state, subject=subject)
    do_record_outcome(case.pk, OutcomeCode.SAVED, [], "SHO reached", actor="user:op1", at=at)
    do_apply_case_command(case.pk, CaseCommand.RESOLVE, actor="user:op1", at=at)
    case.refresh_from_db()
    return case


def checks_of(case: Case) -> list[FollowUpCheck]:
    return list(FollowUpCheck.objects.filter(follow_up__case=case).order_by("number"))


@pytest.mark.django_db
def test_saved_starts_follow_up_once_with_the_referral_and_the_schedule() -> None:
    case = saved_case()
    assert case.state == "follow_up"
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.referral == "Tele-MANAS 14416" and follow_up.state == FollowUpState.ACTIVE
    got = [(c.number, c.label, c.scheduled_at, c.due_at, c.state) for c in checks_of(case)]
    assert got == [
        (1, "24h", T0 + 24 * H, T0 + 24 * H, "scheduled"),
        (2, "72h", T0 + 72 * H, T0 + 72 * H, "scheduled"),
        (3, "7d", T0 + 7 * 24 * H, T0 + 7 * 24 * H, "scheduled"),
        (4, "30d", T0 + 30 * 24 * H, T0 + 30 * 24 * H, "scheduled"),
    ]
    referral = Task.objects.get(pk=follow_up.referral_task_id)
    assert (referral.kind, referral.target, referral.state) == (
        "counsellor",
        "Tele-MANAS 14416",
        "open",
    )
    started = AuditEvent.objects.get(action="case_follow_up_started", object_id=str(case.pk))
    assert started.after["referral"] == "Tele-MANAS 14416"
    assert started.after["checks"] == ["24h", "72h", "7d", "30d"]
    assert OutboxMessage.objects.filter(topic="follow_up_started", key=str(case.pk)).count() == 1
    # Asked again (a second "saved", a retry, the simulator): the same follow-up, nothing new.
    again = do_start_follow_up(case.pk, referral="someone else", actor="sim", at=T0 + H)
    assert again.pk == follow_up.pk and again.referral == "Tele-MANAS 14416"
    assert FollowUp.objects.count() == 1 and FollowUpCheck.objects.count() == 4
    assert Task.objects.filter(case=case, kind=TaskKind.COUNSELLOR).count() == 1
    assert AuditEvent.objects.filter(action="case_follow_up_started").count() == 1
    assert chain.verify()[1] is None


@pytest.mark.django_db
def test_resolve_first_then_saved_also_starts_follow_up_and_other_outcomes_do_not() -> None:
    first = make_case(T0, state="dispatched")
    do_apply_case_command(first.pk, CaseCommand.RESOLVE, actor="user:op1", at=T0)
    assert not FollowUp.objects.filter(case=first).exists()  # no outcome yet
    do_record_outcome(first.pk, OutcomeCode.SAVED, [], "", actor="user:op1", at=T0)
    assert Case.objects.get(pk=first.pk).state == "follow_up"
    other = make_case(T0, state="dispatched")
    do_record_outcome(other.pk, OutcomeCode.NOT_FOUND, ["phone_off"], "", actor="u", at=T0)
    do_apply_case_command(other.pk, CaseCommand.RESOLVE, actor="user:op1", at=T0)
    assert Case.objects.get(pk=other.pk).state == "resolved"
    assert not FollowUp.objects.filter(case=other).exists()


@pytest.mark.django_db
def test_follow_up_needs_a_resolved_case() -> None:
    case = make_case(T0, state="dispatched")
    with pytest.raises(IllegalTransition):
        do_start_follow_up(case.pk, referral=None, actor="sim", at=T0)
    assert not FollowUp.objects.exists() and not FollowUpCheck.objects.exists()


@pytest.mark.django_db
def test_the_schedule_and_referral_come_from_the_settings(settings: Any) -> None:
    settings.FOLLOWUP_CHECKS = "2d, 1h"
    settings.FOLLOWUP_REFERRAL = "District counsellor, Lucknow"
    case = saved_case()
    assert [(c.label, c.scheduled_at) for c in checks_of(case)] == [
        ("1h", T0 + H),
        ("2d", T0 + 48 * H),
    ]
    assert FollowUp.objects.get(case=case).referral == "District counsellor, Lucknow"


@pytest.mark.django_db
def test_a_check_becomes_a_counsellor_task_when_due_then_overdue_for_the_supervisor() -> None:
    case = saved_case()
    first = checks_of(case)[0]
    assert sweep_checks("w1", T0 + 24 * H - timedelta(seconds=1)) == {}
    assert list(due_checks(T0 + 24 * H)) == [first]
    assert sweep_checks("w1", T0 + 24 * H) == {"due": 1}
    first.refresh_from_db()
    assert first.state == CheckState.DUE and first.due_at == T0 + 36 * H  # the 12 h grace
    task = Task.objects.get(pk=first.task_id)
    assert (task.kind, task.state, task.detail["followup_check"]) == (
        "counsellor",
        "open",
        first.pk,
    )
    assert task.target == "Follow-up check 1 (24h)"
    assert Notification.objects.filter(task=task).exists()  # the counselling ladder's first rung
    assert sweep_checks("w1", T0 + 30 * H) == {}  # nothing twice
    assert sweep_checks("w2", T0 + 36 * H + timedelta(seconds=1)) == {"overdue": 1}
    first.refresh_from_db()
    assert first.state == CheckState.OVERDUE and first.due_at is None
    assert first.escalated_at == T0 + 36 * H + timedelta(seconds=1)
    told = Notification.objects.filter(task=task, reason="escalation").values_list(
        "subject", flat=True
    )
    assert any("desk_supervisor" in s for s in told)  # no contact set up: the desk is told whom
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="follow_up_check_")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["follow_up_check_due", "follow_up_check_overdue"]
    assert OutboxMessage.objects.filter(topic="follow_up_check_overdue").count() == 1


@pytest.mark.django_db
def test_results_close_the_tasks_and_the_last_one_closes_the_case() -> None:
    case = saved_case()
    sweep_checks("w1", T0 + 24 * H)
    checks = checks_of(case)
    done = do_record_check(
        checks[0].pk,
        CheckResult.REACHED,
        "spoke with him, sleeping better",
        actor="user:cns1",
        at=T0 + 25 * H,
    )
    assert (done.state, done.result, done.recorded_by) == ("done", "reached", "user:cns1")
    assert Task.objects.get(pk=done.task_id).state == TaskState.DONE
    recorded = AuditEvent.objects.get(action="follow_up_check_recorded")
    assert recorded.after == {"check_id": done.pk, "number": 1, "result": "reached"}
    assert "sleeping" not in str(recorded.after)  # the note stays on the check only
    with pytest.raises(CheckClosed):
        do_record_check(checks[0].pk, CheckResult.DECLINED, "", actor="user:cns2", at=T0 + 26 * H)
    # Recorded before its time (the counsellor reached the person early): allowed.
    do_record_check(checks[1].pk, CheckResult.IN_CARE, "", actor="user:cns1", at=T0 + 30 * H)
    do_record_check(checks[2].pk, CheckResult.UNREACHABLE, "", actor="user:cns1", at=T0 + 170 * H)
    assert Case.objects.get(pk=case.pk).state == "follow_up"
    do_record_check(checks[3].pk, CheckResult.DECLINED, "", actor="user:cns1", at=T0 + 721 * H)
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.state == FollowUpState.COMPLETED and follow_up.ended_at == T0 + 721 * H
    assert Case.objects.get(pk=case.pk).state == "closed"
    assert AuditEvent.objects.filter(action="case_closed", object_id=str(case.pk)).count() == 1
    assert not FollowUpCheck.objects.filter(due_at__isnull=False).exists()  # no timer left
    assert chain.verify()[1] is None


@pytest.mark.django_db
def test_new_risk_opens_a_linked_case_for_the_same_person_and_ends_follow_up() -> None:
    case = saved_case()
    sweep_checks("w1", T0 + 72 * H)
    checks = checks_of(case)
    do_record_check(checks[0].pk, CheckResult.REACHED, "", actor="user:cns1", at=T0 + 72 * H)
    risky = do_record_check(
        checks[1].pk,
        CheckResult.NEW_RISK,
        "talks of trying again",
        actor="user:cns1",
        at=T0 + 73 * H,
    )
    new = Case.objects.get(pk=risky.new_case_id)
    assert (new.state, new.subject_id, new.is_repeat) == ("new", case.subject_id, True)
    assert (new.district, new.state_name) == ("Lucknow", "Uttar Pradesh")
    assert new.location == {}  # the old evidence is not copied: the desk locates afresh
    opened = AuditEvent.objects.get(action="case_opened", object_id=str(new.pk))
    assert opened.after["linked_to"] == case.pk and opened.after["follow_up_check_id"] == risky.pk
    assert OutboxMessage.objects.filter(
        topic="case_opened_from_follow_up", key=str(new.pk)
    ).exists()
    left = checks_of(case)[2:]
    assert [(c.state, c.due_at) for c in left] == [("cancelled", None), ("cancelled", None)]
    assert FollowUp.objects.get(case=case).state == FollowUpState.NEW_RISK
    assert Case.objects.get(pk=case.pk).state == "closed"
    # The new case is a fresh rescue: when it is saved, it gets its own follow-up.
    Case.objects.filter(pk=new.pk).update(state="dispatched")
    do_record_outcome(new.pk, OutcomeCode.SAVED, [], "", actor="user:op1", at=T0 + 80 * H)
    do_apply_case_command(new.pk, CaseCommand.RESOLVE, actor="user:op1", at=T0 + 80 * H)
    assert FollowUp.objects.count() == 2


def _sweep_in_thread(
    worker: str, now: datetime, gate: threading.Barrier, out: dict[str, Any]
) -> None:
    try:
        gate.wait(timeout=30)
        out[worker] = sweep_checks(worker, now)
    except Exception as exc:  # reported by the test, not lost in the thread
        out[worker] = exc
    finally:
        connection.close()


@pytest.mark.usefixtures("committed")
def test_two_concurrent_sweepers_fire_each_due_check_exactly_once() -> None:
    cases = [saved_case() for _ in range(12)]
    due = {c.pk for case in cases for c in checks_of(case) if c.number == 1}
    for n in range(3):
        now = T0 + 24 * H + n * timedelta(minutes=1)  # later sweeps must find nothing new
        gate, out = threading.Barrier(2), {}
        threads = [
            threading.Thread(target=_sweep_in_thread, args=(w, now, gate, out)) for w in ("a", "b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not [v for v in out.values() if isinstance(v, Exception)], out
        fired = sum(v.get("due", 0) for v in out.values())
        assert fired == (len(due) if n == 0 else 0), out
    tasks = Task.objects.filter(kind=TaskKind.COUNSELLOR)  # detail is encrypted: read it
    checks = [t.detail["followup_check"] for t in tasks if "followup_check" in t.detail]
    assert sorted(checks) == sorted(due)
    assert AuditEvent.objects.filter(action="follow_up_check_due").count() == len(due)
    assert set(FollowUpCheck.objects.filter(pk__in=due).values_list("state", flat=True)) == {"due"}
    assert claim_due_checks("c", T0 + 24 * H) == []
