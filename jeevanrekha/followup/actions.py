"""Every change to a follow-up is one `do_*` action here (house rule 2).

Each is one transaction: lock (the case first, then the check: one order everywhere, so two
actions never wait for each other in a circle) → decide → save → one audit row → outbox
events. The simulator's counsellors call these too: keep the names and signatures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.actions import NewCase, apply_case_command, open_cases_in_transaction
from jeevanrekha.cases.models import Case, Outcome, OutcomeCode, Task, TaskKind, TaskState
from jeevanrekha.core.lifecycle import CaseCommand, CaseState, allowed_commands
from jeevanrekha.dispatch.actions import do_open_task
from jeevanrekha.dispatch.dispatching import do_refer_counsellor
from jeevanrekha.dispatch.models import Notification, NotificationStatus
from jeevanrekha.dispatch.notify import notify
from jeevanrekha.followup import conf
from jeevanrekha.followup.models import (
    CheckResult,
    CheckState,
    FollowUp,
    FollowUpCheck,
    FollowUpState,
)

OPEN_CHECKS = (CheckState.SCHEDULED, CheckState.DUE, CheckState.OVERDUE)
_OPEN_TASKS = (TaskState.OPEN, TaskState.ACKNOWLEDGED)
SUPERVISOR_ROLE = "desk_supervisor"  # the ladder role told when a check is overdue
__all__ = ["CheckResult", "do_fire_check_timer", "do_record_check", "do_start_follow_up"]


class CheckClosed(Exception):
    """The check already has a result, or was cancelled: nothing can change it any more."""


def do_start_follow_up(case_id: int, *, referral: str | None, actor: str, at: datetime) -> FollowUp:
    """Start follow-up of a resolved case: the counselling referral (a counsellor task to
    `referral`, FOLLOWUP_REFERRAL by default) and the schedule of checks (FOLLOWUP_CHECKS);
    the case moves resolved → follow_up. Idempotent: a second call returns the first
    follow-up and changes nothing. IllegalTransition when the case is not resolved."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        existing = FollowUp.objects.filter(case_id=case.pk).first()
        if existing is not None:
            return existing
        target = (referral or "").strip()[:200] or conf.referral()
        offsets = conf.checks()
        labels = [o.label for o in offsets]
        follow_up = FollowUp.objects.create(
            case=case, referral=target, started_at=at, started_by=actor[:150]
        )
        apply_case_command(
            case,
            CaseCommand.START_FOLLOW_UP,
            actor=actor,
            at=at,
            follow_up_id=follow_up.pk,
            referral=target,
            checks=labels,
        )
        FollowUpCheck.objects.bulk_create(
            FollowUpCheck(
                follow_up=follow_up,
                number=n,
                label=o.label,
                scheduled_at=at + o.delta,
                due_at=at + o.delta,
            )
            for n, o in enumerate(offsets, start=1)
        )
        follow_up.referral_task = _referral_task(case, target, actor, at)
        follow_up.save(update_fields=["referral_task"])
        payload = {"case_id": case.pk, "follow_up_id": follow_up.pk, "referral": target}
        emit("follow_up_started", {**payload, "checks": labels}, at=at, key=str(case.pk))
        return follow_up


def check_tasks() -> QuerySet[FollowUpCheck, int | None]:
    """The ids of the counsellor tasks that are follow-up checks (their detail, encrypted,
    cannot be searched: the check row names its task)."""
    return FollowUpCheck.objects.filter(task__isnull=False).values_list("task_id", flat=True)


def _referral_task(case: Case, target: str, actor: str, at: datetime) -> Task:
    """The desk's own open referral when it made one already, else a new one to `target`."""
    open_one = (
        case.tasks.filter(kind=TaskKind.COUNSELLOR, state__in=_OPEN_TASKS)
        .exclude(pk__in=check_tasks())  # a check's own task is not the referral
        .order_by("pk")
        .first()
    )
    return open_one or do_refer_counsellor(case.pk, target, actor=actor, at=at)


def start_if_saved(case_id: int, *, actor: str, at: datetime) -> FollowUp | None:
    """Start follow-up when the case is resolved with the outcome "saved" and has none yet.

    Called by the case actions after an outcome is recorded and after a case is resolved
    (either may come second), inside their transaction: every path that records "saved"
    starts follow-up, exactly once."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state != CaseState.RESOLVED or FollowUp.objects.filter(case_id=case_id).exists():
        return None
    if not Outcome.objects.filter(case_id=case_id, code=OutcomeCode.SAVED).exists():
        return None
    return do_start_follow_up(case_id, referral=None, actor=actor, at=at)


def do_record_check(
    check_id: int, result: CheckResult, note: str, *, actor: str, at: datetime
) -> FollowUpCheck:
    """Record what a check found. `new_risk` opens a new case for the same person, linked to
    this one, and ends the follow-up; the last result of the schedule completes it and
    closes the case. The note stays on the check (not in the audit trail: it may hold what
    the person said). CheckClosed when the check already has a result or was cancelled."""
    result = CheckResult(result)
    case_id = _case_id_of(check_id)
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        check = FollowUpCheck.objects.select_for_update().get(pk=check_id)
        if check.state not in OPEN_CHECKS:
            raise CheckClosed(f"check {check.pk} is {check.state}")
        before = check.state
        check.state, check.result, check.note = CheckState.DONE, result, note.strip()[:4000]
        check.recorded_by, check.recorded_at, check.due_at = actor[:150], at, None
        check.claimed_by, check.claimed_until = "", None
        _finish_task(check.task_id, f"follow-up check: {result.value}", TaskState.DONE, at)
        follow_up = FollowUp.objects.select_for_update().get(pk=check.follow_up_id)
        if result == CheckResult.NEW_RISK:
            check.new_case_id = _open_linked_case(case, check, actor, at)
        check.save()
        after = {"check_id": check.pk, "number": check.number, "result": result.value}
        if check.new_case_id:
            after["new_case_id"] = check.new_case_id
        audit.append(
            at=at,
            actor=actor,
            action="follow_up_check_recorded",
            object_type="case",
            object_id=case.pk,
            before={"check_state": before},
            after=after,
        )
        emit("follow_up_check_recorded", {"case_id": case.pk, **after}, at=at, key=str(case.pk))
        if result == CheckResult.NEW_RISK:
            _end(follow_up, case, FollowUpState.NEW_RISK, actor, at)
        elif not follow_up.checks.filter(state__in=OPEN_CHECKS).exists():
            _end(follow_up, case, FollowUpState.COMPLETED, actor, at)
        return check


def _case_id_of(check_id: int) -> int:
    found = (
        FollowUpCheck.objects.filter(pk=check_id)
        .values_list("follow_up__case_id", flat=True)
        .first()
    )
    if found is None:
        raise FollowUpCheck.DoesNotExist(f"no follow-up check {check_id}")
    return int(found)


def _finish_task(task_id: int | None, result: str, state: TaskState, at: datetime) -> None:
    """Close a check's counsellor task: its ladder stops and its queued messages are dropped."""
    if task_id is None:
        return
    Task.objects.filter(pk=task_id, state__in=_OPEN_TASKS).update(
        state=state, result=result[:500], closed_at=at, due_at=None, claimed_by=""
    )
    Notification.objects.filter(task_id=task_id, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.CANCELLED, next_attempt_at=None, claimed_by=""
    )


def _open_linked_case(case: Case, check: FollowUpCheck, actor: str, at: datetime) -> int:
    """A new case for the same person, in the same district, linked to this one through the
    check. The risk is left for the desk to judge (no model score exists for a phone call)."""
    wanted = NewCase(subject_id=case.subject_id, post_created_at=None, repeat=True)
    (new_id,) = open_cases_in_transaction([wanted], at=at)
    Case.objects.filter(pk=new_id).update(
        state_name=case.state_name, district=case.district, police_station=case.police_station
    )
    after = {"case_id": new_id, "linked_to": case.pk, "follow_up_check_id": check.pk}
    audit.append(
        at=at, actor=actor, action="case_opened", object_type="case", object_id=new_id, after=after
    )
    emit("case_opened_from_follow_up", after, at=at, key=str(new_id))
    return new_id


def _end(follow_up: FollowUp, case: Case, state: FollowUpState, actor: str, at: datetime) -> None:
    """End a follow-up: cancel the checks left, and close the case when it still waits in
    follow-up (the desk may have closed it by hand already)."""
    for left in follow_up.checks.select_for_update().filter(state__in=OPEN_CHECKS):
        _finish_task(left.task_id, "follow-up ended", TaskState.CANCELLED, at)
        left.state, left.due_at = CheckState.CANCELLED, None
        left.claimed_by, left.claimed_until = "", None
        left.save(update_fields=["state", "due_at", "claimed_by", "claimed_until"])
    follow_up.state, follow_up.ended_at = state, at
    follow_up.save(update_fields=["state", "ended_at"])
    if CaseCommand.CLOSE in allowed_commands(CaseState(case.state)):
        apply_case_command(case, CaseCommand.CLOSE, actor=actor, at=at, follow_up=state.value)
    emit(
        "follow_up_ended",
        {"case_id": case.pk, "follow_up_id": follow_up.pk, "state": state.value},
        at=at,
        key=str(case.pk),
    )


def do_fire_check_timer(check_id: int, *, worker: str, now: datetime) -> str:
    """Do what a check's due deadline asks: at its time it becomes a counsellor task (with
    the counselling ladder's notifications); when its window passes unrecorded it is overdue
    and the supervisor is told. Only for the worker holding the claim. What it did."""
    case_id = _case_id_of(check_id)
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        check = FollowUpCheck.objects.select_for_update().get(pk=check_id)
        if check.claimed_by != worker:
            return "lost"
        check.claimed_by, check.claimed_until = "", None
        if check.due_at is None or check.due_at > now:
            check.save(update_fields=["claimed_by", "claimed_until"])
            return "not_due"
        reason = _fire(check, case, worker, now)
        check.save()
        if reason:
            after: dict[str, Any] = {"check_id": check.pk, "number": check.number}
            after |= {"task_id": check.task_id, "state": check.state}
            audit.append(
                at=now,
                actor=f"timer:{worker}",
                action=f"follow_up_check_{reason}",
                object_type="case",
                object_id=case.pk,
                after=after,
            )
            emit(
                f"follow_up_check_{reason}", {"case_id": case.pk, **after}, at=now, key=str(case.pk)
            )
        return reason or "idle"


def _fire(check: FollowUpCheck, case: Case, worker: str, now: datetime) -> str:
    """One firing: scheduled → due (a task), due → overdue (the supervisor). The reason."""
    if check.state == CheckState.SCHEDULED:
        target = f"Follow-up check {check.number} ({check.label})"
        detail = {"followup_check": check.pk, "number": check.number, "label": check.label}
        task = do_open_task(
            case.pk, TaskKind.COUNSELLOR, target, actor=f"timer:{worker}", at=now, detail=detail
        )
        check.task, check.state = task, CheckState.DUE
        check.due_at = check.scheduled_at + conf.grace()
        return "due"
    if check.state == CheckState.DUE:
        check.state, check.escalated_at, check.due_at = CheckState.OVERDUE, now, None
        if check.task is not None:
            notify(
                check.task,
                case,
                step=check.task.escalation_step,
                role=SUPERVISOR_ROLE,
                reason="escalation",
                when=f"followup-overdue-{check.pk}",
                at=now,
            )
        return "overdue"
    check.due_at = None
    return ""
