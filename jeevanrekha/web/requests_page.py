"""The requests page (`/tasks/`): trace requests for the STF analyst, counselling
referrals for the counsellor, both for the desk.

Roles without cases (STF, counsellors) work here: they see the request, its deadline and
what they need to act (the phone to trace), never the case page or where the person was
looked for. STF acknowledges and enters the fix; a counsellor acknowledges. A district
officer sees their district's requests; the whole desk sees all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jeevanrekha.cases import access
from jeevanrekha.cases.models import Task, TaskKind, TaskState
from jeevanrekha.web import formatting

SHOWN = 200
KINDS = (TaskKind.TRACE, TaskKind.COUNSELLOR)
OPEN = (TaskState.OPEN, TaskState.ACKNOWLEDGED)


@dataclass(frozen=True)
class RequestRow:
    task: Task
    reference: str
    phone: str  # to trace (trace requests only)
    countdown: str
    overdue: bool
    can_work: bool
    case_link: bool  # this user may open the case page


def request_rows(user: access.AnyUser, now: datetime) -> list[RequestRow]:
    """Open trace and counselling requests this user may see, the most urgent first."""
    tasks = list(
        access.tasks_visible_to(user)
        .filter(kind__in=KINDS, state__in=OPEN)
        .select_related("case")
        .order_by("due_at", "created_at")[:SHOWN]
    )
    sees_cases = access.role_of(user) not in access.TASK_ONLY_ROLES
    rows = []
    for task in tasks:
        phone = str(task.detail.get("phone", "")) if task.kind == TaskKind.TRACE else ""
        countdown, overdue = formatting.countdown(task.due_at, now) if task.due_at else ("", False)
        rows.append(
            RequestRow(
                task,
                task.case.reference,
                phone,
                countdown,
                overdue,
                access.can_work_task(user, task),
                sees_cases,
            )
        )
    return rows


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request, "web/requests.html", {"rows": request_rows(request.user, now), "now": now}
    )
