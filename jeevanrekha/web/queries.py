"""Read side of the desk pages: the live queue and what the case page shows.

Every case comes through `cases.access.cases_visible_to` (house rule 7); related rows are
read for a whole page at once, so a page costs the same few queries for 10 rows or 100.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Min, Q, QuerySet

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases import access
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.cases.models import (
    Case,
    CaseNote,
    Outcome,
    SubjectIdentifier,
    Task,
    TaskKind,
    TaskState,
)
from jeevanrekha.core.lifecycle import OPEN_STATES, CaseState
from jeevanrekha.core.priority import MAX_SCORE, priority_band
from jeevanrekha.dispatch.models import Notification, NotificationStatus, Vehicle
from jeevanrekha.intake.models import Alert

User = AbstractBaseUser | AnonymousUser
# The live queue is for rescues: a case in follow-up (about 30 days of counselling checks)
# is the counsellors' (/followup/), and leaves the desk's queue.
OPEN = sorted(s.value for s in OPEN_STATES - {CaseState.FOLLOW_UP})
WAITING_TASK = (TaskState.OPEN, TaskState.ACKNOWLEDGED)
QUEUE_ALERT_FIELDS = ("id", "case_id", "platform", "account_handle", "post_text", "received_at")


@dataclass(frozen=True)
class Deadline:
    """The next deadline of a case: when, and who owes it (a task's target)."""

    due_at: datetime
    task_id: int
    kind: str
    target: str
    state: str
    step: int


@dataclass(frozen=True)
class QueueRow:
    """One line of the live queue."""

    case: Case
    alert: Alert | None
    alerts: int
    priority: int
    band: str
    age: timedelta
    deadline: Deadline | None


@dataclass(frozen=True)
class Filters:
    """The queue's filters (empty: all)."""

    state_name: str = ""
    district: str = ""


def open_cases(user: User, filters: Filters = Filters()) -> QuerySet[Case]:
    """The open cases this user may see, narrowed by the filters."""
    cases = access.cases_visible_to(user).filter(state__in=OPEN)
    if filters.state_name:
        cases = cases.filter(state_name=filters.state_name)
    if filters.district:
        cases = cases.filter(district=filters.district)  # exact: uses the (district, state) index
    return cases


def next_deadlines(case_ids: list[int]) -> dict[int, Deadline]:
    """Each case's earliest deadline among its waiting tasks (one query)."""
    tasks = (
        Task.objects.filter(case_id__in=case_ids, state__in=WAITING_TASK, due_at__isnull=False)
        .order_by("due_at")
        .only("id", "case_id", "kind", "target", "state", "due_at", "escalation_step")
    )
    found: dict[int, Deadline] = {}
    for task in tasks:
        if task.case_id not in found and task.due_at is not None:
            found[task.case_id] = Deadline(
                task.due_at, task.pk, task.kind, task.target, task.state, task.escalation_step
            )
    return found


def first_alerts(case_ids: list[int]) -> dict[int, tuple[Alert, int]]:
    """Each case's first alert and how many it has (two queries)."""
    counts = (
        Alert.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(n=Count("id"), first=Min("id"))
        .order_by()
    )
    by_first = {row["first"]: (row["case_id"], row["n"]) for row in counts}
    alerts = Alert.objects.filter(id__in=list(by_first)).only(*QUEUE_ALERT_FIELDS)
    return {by_first[a.pk][0]: (a, by_first[a.pk][1]) for a in alerts}


def _top_open(user: User, filters: Filters, limit: int) -> list[Case]:
    """The `limit` highest stored priorities among open cases: one small query per open
    state (each walks the (state, -priority) index), merged here. One query over all open
    states would sort every open case (10,000) on every poll."""
    picked: list[Case] = []
    visible = open_cases(user, filters)  # who may see what: decided once
    for state in OPEN:
        picked.extend(visible.filter(state=state).order_by("-priority", "opened_at")[:limit])
    picked.sort(key=lambda case: (-case.priority, case.opened_at))
    return picked[:limit]


def queue(user: User, now: datetime, filters: Filters, limit: int) -> list[QueueRow]:
    """The most urgent open cases first: stored priority picks them, age re-orders them."""
    cases = _top_open(user, filters, limit)
    ids = [case.pk for case in cases]
    alerts, deadlines = first_alerts(ids), next_deadlines(ids)
    rows = []
    for case in cases:
        score = case_priority(case, now)  # waiting keeps raising it
        alert, count = alerts.get(case.pk, (None, 0))
        since = case.post_created_at or case.opened_at
        rows.append(
            QueueRow(
                case, alert, count, score, priority_band(score), now - since, deadlines.get(case.pk)
            )
        )
    rows.sort(key=lambda row: (-row.priority, row.case.opened_at))
    return rows


# The lowest score in the "critical" band (level 4, or imminent at level 2 and above). Age
# and location never move a case across a band (core/priority.py), so the stored priority
# tells the band, and counting it needs only the (state, -priority) index.
CRITICAL_FROM = next(s for s in range(MAX_SCORE + 1) if priority_band(s) == "critical")


def queue_counts(user: User, filters: Filters) -> dict[str, int]:
    """How many open cases, and how many of them are critical (one index-only query)."""
    return open_cases(user, filters).aggregate(
        open=Count("id"), critical=Count("id", filter=Q(priority__gte=CRITICAL_FROM))
    )


def review_cases(user: User) -> QuerySet[Case]:
    """Open cases raised by the watch over public posts that wait for a person's review."""
    return open_cases(user).filter(needs_review=True).order_by("-priority", "opened_at")


@dataclass
class EvidenceRow:
    """One piece of location evidence as it arrived, and which alert brought it."""

    kind: str
    value: str
    alert_id: int
    received_at: datetime
    used: bool = True


@dataclass
class CaseData:
    """Everything the case page reads, in a fixed number of queries."""

    alerts: list[Alert]
    tasks: list[Task]
    notifications: list[Notification]
    events: list[AuditEvent]
    outcome: Outcome | None
    identifiers: list[SubjectIdentifier]
    earlier: list[Case]
    evidence: list[EvidenceRow] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)  # notes and the call log


def evidence_rows(alerts: list[Alert]) -> list[EvidenceRow]:
    """Every alert's location evidence; a later alert's evidence of a kind replaces the
    earlier one in the resolution (as the locate stage does), so only the latest is 'used'."""
    rows: list[EvidenceRow] = []
    latest: dict[str, EvidenceRow] = {}
    for alert in alerts:
        evidence = alert.evidence if isinstance(alert.evidence, dict) else {}
        for kind in ("profile_location", "address", "phone", "ip", "tower", "post_text"):
            value = evidence.get(kind)
            if not value:
                continue
            row = EvidenceRow(kind, _evidence_text(value), alert.pk, alert.received_at)
            if kind in latest and kind != "post_text":
                latest[kind].used = False
            latest[kind] = row
            rows.append(row)
    return rows


def _evidence_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def case_data(user: User, case: Case) -> CaseData:
    """The case's alerts, tasks, messages, audit trail, outcome and the person's other cases."""
    alerts = list(Alert.objects.filter(case=case).order_by("received_at", "id"))
    tasks = list(Task.objects.filter(case=case).order_by("-created_at", "-id"))
    notes = list(Notification.objects.filter(case_id=case.pk).order_by("created_at", "id"))
    task_ids = [str(t.pk) for t in tasks]
    events = AuditEvent.objects.filter(
        Q(object_type="case", object_id=str(case.pk))
        | Q(object_type="task", object_id__in=task_ids)
    ).order_by("seq")
    outcome = Outcome.objects.filter(case=case).first()
    identifiers: list[SubjectIdentifier] = []
    earlier: list[Case] = []
    if case.subject_id:
        identifiers = list(SubjectIdentifier.objects.filter(subject_id=case.subject_id))
        earlier = list(
            access.cases_visible_to(user)
            .filter(subject_id=case.subject_id)
            .exclude(pk=case.pk)
            .select_related("outcome")
            .order_by("-opened_at")[:20]
        )
    data = CaseData(alerts, tasks, notes, list(events), outcome, identifiers, earlier)
    data.evidence = evidence_rows(alerts)
    data.notes = list(CaseNote.objects.filter(case=case).order_by("at", "id"))
    return data


def failed_notifications(notes: list[Notification]) -> list[Notification]:
    """Messages that could not be delivered (the desk must call instead), newest first."""
    dead = [n for n in notes if n.status == NotificationStatus.DEAD]
    return sorted(dead, key=lambda n: n.created_at, reverse=True)[:20]


def notifications_by_task(notes: list[Notification]) -> dict[int, list[Notification]]:
    """A task's messages, in order."""
    out: dict[int, list[Notification]] = defaultdict(list)
    for note in notes:
        out[note.task_id].append(note)
    return out


@dataclass(frozen=True)
class VehicleRow:
    """A vehicle on the board, and the case it is working, if any."""

    vehicle: Vehicle
    task: Task | None
    stale: bool


def vehicle_rows(vehicles: QuerySet[Vehicle], now: datetime, stale: timedelta) -> list[VehicleRow]:
    """The vehicles with the open 112 task each is on (two queries)."""
    shown = list(vehicles)
    working: dict[str, Task] = {}
    tasks = Task.objects.filter(kind=TaskKind.VEHICLE_112, state__in=WAITING_TASK).only(
        "id", "case_id", "state", "progress", "detail", "due_at"
    )
    for task in tasks.order_by("created_at"):
        code = task.detail.get("vehicle") if isinstance(task.detail, dict) else None
        if code:
            working[str(code)] = task
    return [
        VehicleRow(v, working.get(v.code), v.position_at is None or now - v.position_at > stale)
        for v in shown
    ]


def vehicle_totals(vehicles: QuerySet[Vehicle]) -> dict[str, int]:
    """How many vehicles in each status."""
    rows = vehicles.values_list("status").annotate(n=Count("id")).order_by()
    return {str(status): int(n) for status, n in rows}


def vehicle_districts(user: User) -> list[str]:
    """Districts that have vehicles, for the board's filter."""
    names = access.vehicles_visible_to(user).exclude(district="").values_list("district", flat=True)
    return sorted(set(names.distinct()))
