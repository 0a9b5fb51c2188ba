"""Every change to a case, its tasks or outcome is one `do_*` action here (house rule 2).

Each action is one transaction: load with a lock → the pure core decides → save → one
audit row → outbox rows. Views, commands and workers call these; nobody else saves a Case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.models import (
    CallResult,
    Case,
    CaseNote,
    DeskProfile,
    NoteKind,
    Outcome,
    OutcomeCode,
    Role,
    Task,
    TaskKind,
    TaskState,
)
from jeevanrekha.core.joining import KnownCase
from jeevanrekha.core.lifecycle import CaseCommand, CaseState, decide, open_case
from jeevanrekha.core.priority import PriorityInput, priority
from jeevanrekha.db.rows import any_of, insert_rows, write


def case_priority(case: Case, now: datetime) -> int:
    """The queue priority of a case from what is known of it now."""
    age = now - case.post_created_at if case.post_created_at else timedelta(0)
    return priority(
        PriorityInput(
            risk_level=case.risk_level,
            imminent=case.imminent,
            post_age=age,
            location_confidence=case.location_confidence,
        )
    )


@dataclass(frozen=True)
class NewCase:
    """What is known of a case as its first alert opens it."""

    subject_id: int | None
    post_created_at: datetime | None
    repeat: bool = False
    risk_level: int | None = None
    imminent: bool = False
    needs_review: bool = False  # raised by the watch: a person confirms before dispatch


_CASE_COLUMNS = (
    "state",
    "is_repeat",
    "needs_review",
    "last_alert_at",
    "priority",
    "risk_level",
    "imminent",
    "subject_id",
    "post_created_at",
    "state_name",
    "district",
    "police_station",
    "location",
    "opened_at",
    "state_changed_at",
)


def open_cases_in_transaction(
    wanted: list[NewCase], *, at: datetime, ids: list[int] | None = None
) -> list[int]:
    """Open one new case for each; their ids. Part of a larger action (the intake's), which
    writes the audit rows and events. With `ids` (reserved: db.rows.reserve_ids) the cases
    get those, and the rows are written without RETURNING."""
    state = open_case(at).to_state.value
    rows: list[tuple[object, ...]] = []
    for new in wanted:
        age = at - new.post_created_at if new.post_created_at else timedelta(0)
        urgency = PriorityInput(
            risk_level=new.risk_level,
            imminent=new.imminent,
            post_age=age,
            location_confidence=None,
        )
        flags = (new.repeat, new.needs_review, at, priority(urgency), new.risk_level, new.imminent)
        rows.append((state, *flags, new.subject_id, new.post_created_at, "", "", "", {}, at, at))
    if ids is None:
        return insert_rows(Case, _CASE_COLUMNS, rows)
    given = ids[: len(rows)]
    rows = [(case_id, *row) for case_id, row in zip(given, rows, strict=True)]
    insert_rows(Case, ("id", *_CASE_COLUMNS), rows, returning=False)
    return given


def cases_of_subjects(subject_ids: set[int]) -> list[KnownCase]:
    """Every case of these subjects (to join an active one, or to flag a repeat)."""
    if not subject_ids:
        return []
    rows = Case.objects.filter(subject_id__in=subject_ids).values_list(
        "id", "subject_id", "state", "last_alert_at", "opened_at"
    )
    return [KnownCase(i, s, CaseState(state), last or opened) for i, s, state, last, opened in rows]


def note_alerts_joined(case_ids: set[int], *, at: datetime) -> None:
    """Cases that new alerts joined: their latest alert is now. Part of the intake's action."""
    if case_ids:
        match, params = any_of(sorted(case_ids))
        write(
            f"UPDATE {Case._meta.db_table} SET last_alert_at = %s WHERE id {match}", [at, *params]
        )


def do_apply_case_command(case_id: int, command: CaseCommand, *, actor: str, at: datetime) -> Case:
    """Move a case through its lifecycle; IllegalTransition if the core says no."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        apply_case_command(case, command, actor=actor, at=at)
        return case


def apply_case_command(
    case: Case, command: CaseCommand, *, actor: str, at: datetime, **extra: Any
) -> None:
    """The lifecycle move of a case already locked in the caller's action: the core
    decides, the case is saved, one audit row (`extra` joins its `after`), outbox events."""
    events = decide(CaseState(case.state), command, at)
    before = case.state
    case.state = events[-1].to_state
    case.state_changed_at = at
    case.save(update_fields=["state", "state_changed_at"])
    audit.append(
        at=at,
        actor=actor,
        action=events[-1].name,
        object_type="case",
        object_id=case.pk,
        before={"state": before},
        after={"state": case.state, **extra},
    )
    for event in events:
        emit(event.name, {"case_id": case.pk, "state": event.to_state}, at=at, key=str(case.pk))
    if command == CaseCommand.RESOLVE:
        _follow_up_if_saved(case, actor=actor, at=at)


def _follow_up_if_saved(case: Case, *, actor: str, at: datetime) -> None:
    """A case resolved with the outcome "saved" starts its follow-up in the same
    transaction, whichever of the two came second (issue #8; idempotent)."""
    from jeevanrekha.followup.actions import start_if_saved  # followup builds on this module

    if start_if_saved(case.pk, actor=actor, at=at) is not None:
        case.refresh_from_db(fields=["state", "state_changed_at"])


class NotAwaitingReview(Exception):
    """The case was not raised by the watch, or a person has already decided."""


def do_confirm_review(case_id: int, *, actor: str, at: datetime) -> Case:
    """A person read a case the watch raised and confirms it: the desk may now act on it."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        if not case.needs_review:
            raise NotAwaitingReview(f"{case.reference} is not awaiting review")
        case.needs_review = False
        case.save(update_fields=["needs_review"])
        audit.append(
            at=at,
            actor=actor,
            action="review_confirmed",
            object_type="case",
            object_id=case.pk,
            before={"needs_review": True},
            after={"needs_review": False},
        )
        emit("case_review_confirmed", {"case_id": case.pk}, at=at, key=str(case.pk))
        return case


def do_dismiss_review(case_id: int, reason: str, *, actor: str, at: datetime) -> Case:
    """A person read a case the watch raised and finds no risk: it is cancelled, with why."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        if not case.needs_review:
            raise NotAwaitingReview(f"{case.reference} is not awaiting review")
        events = decide(CaseState(case.state), CaseCommand.CANCEL, at)
        before = case.state
        case.state, case.state_changed_at, case.needs_review = events[-1].to_state, at, False
        case.save(update_fields=["state", "state_changed_at", "needs_review"])
        audit.append(
            at=at,
            actor=actor,
            action="review_dismissed",
            object_type="case",
            object_id=case.pk,
            before={"state": before, "needs_review": True},
            after={"state": case.state, "reason": reason[:500]},
        )
        for event in events:
            emit(event.name, {"case_id": case.pk, "state": event.to_state}, at=at, key=str(case.pk))
        return case


def do_create_task(
    case_id: int,
    kind: TaskKind,
    target: str,
    *,
    due_at: datetime,
    actor: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> Task:
    """Ask someone outside the desk to act, with an acknowledgement deadline.

    Dispatch (jeevanrekha.dispatch.actions.do_open_task) calls this inside its own
    transaction and adds the notifications of the ladder's first step.
    """
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        task = Task.objects.create(
            case=case,
            kind=kind,
            target=target,
            created_at=at,
            due_at=due_at,
            detail=detail or {},
        )
        after = {"case_id": case.pk, "kind": kind, "target": target, "due_at": due_at}
        audit.append(
            at=at,
            actor=actor,
            action="task_created",
            object_type="task",
            object_id=task.pk,
            after=after,
        )
        emit("task_created", {"task_id": task.pk, **after}, at=at, key=str(case.pk))
        return task


def do_acknowledge_task(
    task_id: int, *, by: str, actor: str, at: datetime, remind_at: datetime | None = None
) -> Task:
    """Record that a person took the request; the escalation timer stops.

    `remind_at`: when to remind that the task still has no result (the ladder's
    remind-after-ack; None: no reminder).
    """
    with transaction.atomic(), audit.deferred():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.state != TaskState.OPEN:
            raise ValueError(f"task {task.pk} is {task.state}, not open")
        task.state, task.acknowledged_at, task.acknowledged_by = TaskState.ACKNOWLEDGED, at, by
        task.due_at = remind_at
        task.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "due_at"])
        audit.append(
            at=at,
            actor=actor,
            action="task_acknowledged",
            object_type="task",
            object_id=task.pk,
            before={"state": TaskState.OPEN},
            after={"state": task.state, "by": by},
        )
        emit("task_acknowledged", {"task_id": task.pk, "case_id": task.case_id}, at=at)
        return task


def do_record_outcome(
    case_id: int, code: OutcomeCode, reasons: list[str], note: str, *, actor: str, at: datetime
) -> Outcome:
    """Record how a case ended (saved, not found, ...) with the field's reason codes."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        outcome = Outcome.objects.create(
            case=case,
            code=code,
            reason_codes=reasons,
            note=note,
            recorded_at=at,
            recorded_by=actor,
        )
        after = {"code": code, "reasons": reasons}
        audit.append(
            at=at,
            actor=actor,
            action="outcome_recorded",
            object_type="case",
            object_id=case.pk,
            after=after,
        )
        emit("outcome_recorded", {"case_id": case.pk, **after}, at=at, key=str(case.pk))
        if code == OutcomeCode.SAVED:
            _follow_up_if_saved(case, actor=actor, at=at)
        return outcome


@dataclass(frozen=True)
class NoteIn:
    """A note, or a call for the call log (party, direction and result)."""

    kind: NoteKind
    text: str = ""
    party: str = ""
    incoming: bool = False
    result: CallResult | None = None


def do_add_case_note(case_id: int, note: NoteIn, *, actor: str, at: datetime) -> CaseNote:
    """Add a note or a call to a case's log. Any state, closed cases too (a late call).

    The audit event says which note and, for a call, how it went; not the text or the
    party, which may name people (the note row holds them, for retention to reach).
    """
    if note.kind == NoteKind.CALL and note.result is None:
        raise ValueError("a call needs its result")
    if note.kind == NoteKind.NOTE and not note.text.strip():
        raise ValueError("a note needs text")
    with transaction.atomic(), audit.deferred():
        case = Case.objects.get(pk=case_id)
        row = CaseNote.objects.create(
            case=case,
            kind=note.kind,
            text=note.text.strip()[:4000],
            party=note.party.strip()[:200],
            incoming=note.incoming if note.kind == NoteKind.CALL else False,
            result=(note.result or "") if note.kind == NoteKind.CALL else "",
            author=actor,
            at=at,
        )
        after: dict[str, Any] = {"note_id": row.pk, "kind": row.kind}
        if row.kind == NoteKind.CALL:
            after |= {"result": row.result, "incoming": row.incoming}
        action = "call_logged" if row.kind == NoteKind.CALL else "note_added"
        audit.append(
            at=at, actor=actor, action=action, object_type="case", object_id=case.pk, after=after
        )
        emit(action, {"case_id": case.pk, **after}, at=at, key=str(case.pk))
        return row


def do_create_desk_user(
    username: str, role: Role, district: str, password: str, *, actor: str
) -> None:
    """Create or update a desk account and its role; audited."""
    User = get_user_model()
    with transaction.atomic(), audit.deferred():
        user, created = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.save()
        DeskProfile.objects.update_or_create(
            user=user, defaults={"role": role, "district": district}
        )
        audit.append(
            at=timezone.now(),
            actor=actor,
            action="user_created" if created else "user_updated",
            object_type="user",
            object_id=user.pk,
            after={"username": username, "role": role, "district": district},
        )
