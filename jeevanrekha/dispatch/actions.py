"""Task lifecycle actions of dispatch (house rule 2): open, fire the timer, report, deliver.

Each is one transaction: lock → the pure core decides (ladders) → save → audit row →
outbox events. Case-level dispatch (confirm & dispatch, trace, forwarding) is in
dispatching.py and calls these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.actions import apply_case_command, do_acknowledge_task, do_create_task
from jeevanrekha.cases.models import Case, Task, TaskKind, TaskState
from jeevanrekha.core.escalation import next_deadline, step_for
from jeevanrekha.core.lifecycle import CaseCommand, CaseState
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.models import (
    AckLink,
    Delivery,
    Notification,
    NotificationStatus,
    Vehicle,
    VehicleStatus,
)
from jeevanrekha.dispatch.notify import notify

REPORTS = ("acknowledge", "en_route", "on_scene", "person_safe", "not_found")
FINAL_REPORTS = {"person_safe": "person safe", "not_found": "not found at the location"}
VEHICLE_STATUS_FOR = {"en_route": VehicleStatus.EN_ROUTE, "on_scene": VehicleStatus.ON_SCENE}


class TaskClosed(Exception):
    """The task is done, failed or cancelled: no report can change it any more."""


def do_open_task(
    case_id: int,
    kind: TaskKind,
    target: str,
    *,
    actor: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> Task:
    """Create a task with its ladder's first deadline and notify the first rung now."""
    policy = conf.policy_for(kind)
    with transaction.atomic(), audit.deferred():
        due = next_deadline(policy, at, at, None)
        assert due is not None  # an unacknowledged task always has a next deadline
        task = do_create_task(case_id, kind, target, due_at=due, actor=actor, at=at, detail=detail)
        case = Case.objects.get(pk=case_id)
        notify(
            task,
            case,
            step=0,
            role=policy.steps[0].notify,
            reason="initial",
            when="created",
            at=at,
            attachments=attachments,
        )
        return task


def do_fire_task_timer(task_id: int, *, worker: str, now: datetime) -> str:
    """Do what a task's due deadline asks (escalate, re-notify, remind) and set the next one.

    Runs only for the worker holding the claim; the claim is released in the same
    transaction that queues the notifications, so a crash leaves the deadline to be
    claimed again when the lease runs out. Returns what it did.
    """
    with transaction.atomic(), audit.deferred():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.claimed_by != worker:
            return "lost"
        task.claimed_by, task.claimed_until = "", None
        if task.due_at is None or task.due_at > now:
            task.save(update_fields=["claimed_by", "claimed_until"])
            return "not_due"
        when, before = task.due_at.isoformat(), task.escalation_step
        reason = _fire(task, now, when)
        task.save(update_fields=["claimed_by", "claimed_until", "due_at", "escalation_step"])
        if reason:
            after = {"step": task.escalation_step, "next_due_at": task.due_at, "fired_for": when}
            audit.append(
                at=now,
                actor=f"timer:{worker}",
                action=f"task_{reason}",
                object_type="task",
                object_id=task.pk,
                before={"step": before},
                after=after,
            )
            emit(f"task_{reason}", {"task_id": task.pk, **after}, at=now, key=str(task.case_id))
        return reason or "idle"


def _fire(task: Task, now: datetime, when: str) -> str:
    """Queue this firing's notifications; move the deadline on. The reason, or ''."""
    policy = conf.policy_for(task.kind)
    case = Case.objects.get(pk=task.case_id)
    if task.state == TaskState.OPEN:
        step = step_for(policy, now - task.created_at)
        reason = "escalated" if step > task.escalation_step else "renotified"
        task.escalation_step = step
        role = policy.steps[step].notify
        word = "escalation" if reason == "escalated" else "renotify"
        notify(task, case, step=step, role=role, reason=word, when=when, at=now)
        task.due_at = next_deadline(policy, task.created_at, now, None)
        return reason
    if task.state == TaskState.ACKNOWLEDGED and task.acknowledged_at is not None:
        role = policy.steps[task.escalation_step].notify
        notify(task, case, step=task.escalation_step, role=role, reason="remind", when=when, at=now)
        task.due_at = next_deadline(policy, task.created_at, now, task.acknowledged_at)
        return "reminded"
    task.due_at = None
    return ""


def _cancel_pending(task: Task) -> int:
    """Drop queued, unsent messages of a task (a rung further up need not be paged now)."""
    return Notification.objects.filter(task=task, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.CANCELLED, next_attempt_at=None, claimed_by=""
    )


def do_report_task(
    task_id: int, report: str, *, by: str, actor: str, at: datetime, via: str
) -> Task:
    """A report from the field or the desk: acknowledge, en route, on scene, person safe,
    not found. Any report acknowledges an open task; the last two close it."""
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}")
    with transaction.atomic(), audit.deferred():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.state not in (TaskState.OPEN, TaskState.ACKNOWLEDGED):
            raise TaskClosed(f"task {task.pk} is {task.state}")
        if task.state == TaskState.OPEN:
            policy = conf.policy_for(task.kind)
            remind = next_deadline(policy, task.created_at, at, at)
            do_acknowledge_task(task.pk, by=by, actor=actor, at=at, remind_at=remind)
            task.refresh_from_db()
            _cancel_pending(task)
        before = {"state": task.state, "progress": task.progress}
        if report != "acknowledge":
            task.progress = report
        if report in FINAL_REPORTS:
            task.state, task.result, task.closed_at, task.due_at = (
                TaskState.DONE,
                FINAL_REPORTS[report],
                at,
                None,
            )
        task.save(update_fields=["state", "progress", "result", "closed_at", "due_at"])
        _vehicle_follows(task, report, at)
        _case_follows(task, report, actor, at)
        after = {"state": task.state, "progress": task.progress, "report": report, "via": via}
        audit.append(
            at=at,
            actor=actor,
            action="task_reported",
            object_type="task",
            object_id=task.pk,
            before=before,
            after={**after, "by": by},
        )
        emit("task_reported", {"task_id": task.pk, **after}, at=at, key=str(task.case_id))
        return task


def _vehicle_follows(task: Task, report: str, at: datetime) -> None:
    """A vehicle task's reports move the vehicle's status (free again once done)."""
    code = task.detail.get("vehicle") if isinstance(task.detail, dict) else None
    if task.kind != TaskKind.VEHICLE_112 or not code:
        return
    status = VEHICLE_STATUS_FOR.get(report)
    if report in FINAL_REPORTS:
        status = VehicleStatus.AVAILABLE
    if status:
        Vehicle.objects.filter(code=code).update(status=status, updated_at=at)


def _case_follows(task: Task, report: str, actor: str, at: datetime) -> None:
    """ "On scene" from the field moves a dispatched case on scene (audited as the case's)."""
    if report != "on_scene":
        return
    case = Case.objects.select_for_update().get(pk=task.case_id)
    if case.state != CaseState.DISPATCHED:
        return
    apply_case_command(case, CaseCommand.ARRIVE, actor=actor, at=at, task_id=task.pk)


class LinkRefused(Exception):
    """A one-tap link that is unknown, expired or already used."""


def do_use_link(link_id: str, report: str, *, remote: str, at: datetime) -> Task:
    """Use a one-tap link once: the conditional UPDATE lets exactly one use through."""
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}")
    with transaction.atomic(), audit.deferred():
        used = AckLink.objects.filter(
            link_id=link_id, used_at__isnull=True, expires_at__gt=at
        ).update(used_at=at, used_action=report)
        if used != 1:
            raise LinkRefused("this link is unknown, expired or already used")
        link = AckLink.objects.get(link_id=link_id)
        who = f"link:{link.recipient}"[:150]
        return do_report_task(
            link.task_id, report, by=link.recipient, actor=who, at=at, via=f"link {remote}"
        )


def do_cancel_task(task_id: int, reason: str, *, actor: str, at: datetime) -> Task:
    """Withdraw a task (re-targeted, case closed): its timer and queued messages stop."""
    with transaction.atomic(), audit.deferred():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.state not in (TaskState.OPEN, TaskState.ACKNOWLEDGED):
            raise TaskClosed(f"task {task.pk} is {task.state}")
        before = task.state
        task.state, task.due_at, task.closed_at, task.result = (
            TaskState.CANCELLED,
            None,
            at,
            reason[:500],
        )
        task.save(update_fields=["state", "due_at", "closed_at", "result"])
        _cancel_pending(task)
        _vehicle_follows(task, "person_safe", at)  # the vehicle is free again
        audit.append(
            at=at,
            actor=actor,
            action="task_cancelled",
            object_type="task",
            object_id=task.pk,
            before={"state": before},
            after={"state": task.state, "reason": reason[:500]},
        )
        emit("task_cancelled", {"task_id": task.pk}, at=at, key=str(task.case_id))
        return task


def do_record_delivery(
    notification_id: int,
    *,
    worker: str,
    ok: bool,
    error: str,
    permanent: bool,
    duration_ms: int,
    at: datetime,
) -> str:
    """Record one send attempt; schedule a retry with backoff or give up. The new status."""
    with transaction.atomic(), audit.deferred():
        note = Notification.objects.select_for_update().get(pk=notification_id)
        if note.claimed_by != worker:
            return "lost"
        note.attempts += 1
        Delivery.objects.create(
            notification=note,
            attempt=note.attempts,
            at=at,
            ok=ok,
            permanent=permanent,
            error=error[:2000],
            duration_ms=duration_ms,
            worker=worker,
        )
        note.claimed_by, note.claimed_until, note.last_error = "", None, error[:2000]
        if ok:
            note.status, note.sent_at, note.next_attempt_at = NotificationStatus.SENT, at, None
        elif permanent or note.attempts >= conf.max_attempts():
            note.status, note.next_attempt_at = NotificationStatus.DEAD, None
            _record_dead(note, at)
        else:
            note.next_attempt_at = at + conf.retry_delay(note.attempts)
        note.save()
        return str(note.status)


def _record_dead(note: Notification, at: datetime) -> None:
    after = {
        "task_id": note.task_id,
        "transport": note.transport,
        "role": note.role,
        "attempts": note.attempts,
        "error": note.last_error[:300],
    }
    audit.append(
        at=at,
        actor="timer",
        action="notification_failed",
        object_type="case",
        object_id=note.case_id,
        after=after,
    )
    emit("notification_failed", {"case_id": note.case_id, **after}, at=at, key=str(note.case_id))
