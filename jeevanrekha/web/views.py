"""Desk pages: the live list of cases and alerts, a case page, and health checks."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases import access
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.cases.models import Case
from jeevanrekha.core.lifecycle import OPEN_STATES
from jeevanrekha.core.priority import priority_band
from jeevanrekha.intake.models import Alert, RawAlert, RawAlertStatus

QUEUE_LENGTH = 50


@dataclass(frozen=True)
class QueueRow:
    """One line of the live queue."""

    case: Case
    alert: Alert | None
    priority: int
    band: str


def _queue_context(request: HttpRequest) -> dict[str, object]:
    now = timezone.now()
    cases = (
        access.cases_visible_to(request.user)
        .filter(state__in=[s.value for s in OPEN_STATES])
        .order_by("-priority", "opened_at")
        .prefetch_related("alerts")[:QUEUE_LENGTH]
    )
    rows = []
    for case in cases:
        score = case_priority(case, now)  # age keeps raising it while the case waits
        first = next(iter(case.alerts.all()), None)
        rows.append(QueueRow(case, first, score, priority_band(score)))
    rows.sort(key=lambda row: (-row.priority, row.case.opened_at))
    quarantined = RawAlert.objects.filter(status=RawAlertStatus.QUARANTINED).count()
    return {"rows": rows, "now": now, "quarantined": quarantined}


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The live queue: open cases by priority, refreshed without reloading the page."""
    return render(request, "web/desk.html", _queue_context(request))


@login_required
def desk_queue(request: HttpRequest) -> HttpResponse:
    """The queue table alone, polled by HTMX."""
    return render(request, "web/_queue.html", _queue_context(request))


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: its alerts and its timeline from the audit trail."""
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    alerts = Alert.objects.filter(case=case).order_by("received_at")
    timeline = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    same_person = (
        access.cases_visible_to(request.user)
        .filter(subject_id=case.subject_id)
        .exclude(pk=case.pk)
        .order_by("-opened_at")
        if case.subject_id
        else Case.objects.none()
    )
    context = {"case": case, "alerts": alerts, "timeline": timeline, "same_person": same_person}
    return render(request, "web/case.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and a database round trip (readiness comes with issue #9)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
