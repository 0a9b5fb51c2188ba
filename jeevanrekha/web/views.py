"""Desk pages: the live queue, a case, the review queue, the vehicles board, map outlines,
and the health check. Cases are read through `queries` (which goes through cases.access)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jeevanrekha.cases import access
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.core.priority import priority_band
from jeevanrekha.dispatch.models import VehicleStatus
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.web import case_page, labels, outlines, queries
from jeevanrekha.web.queue_lines import rows_html

QUEUE_LENGTH = 50
QUEUE_MAX = 200
VEHICLES_SHOWN = 500


def _filters(request: HttpRequest) -> queries.Filters:
    return queries.Filters(
        state_name=request.GET.get("state", "").strip()[:80],
        district=request.GET.get("district", "").strip()[:80],
    )


def _limit(request: HttpRequest) -> int:
    try:
        return max(1, min(QUEUE_MAX, int(request.GET.get("limit", QUEUE_LENGTH))))
    except ValueError:
        return QUEUE_LENGTH


def _queue_context(request: HttpRequest) -> dict[str, object]:
    now, filters = timezone.now(), _filters(request)
    whole_desk = access.role_of(request.user) in access.WHOLE_DESK_ROLES
    quarantined = (
        RawAlert.objects.filter(status=RawAlertStatus.QUARANTINED).count() if whole_desk else 0
    )
    words, rows = rows_html(queries.queue(request.user, now, filters, _limit(request)))
    return {
        "words": words,
        "rows": rows,
        "counts": queries.queue_counts(request.user, filters),
        "filters": filters,
        "now": now,
        "quarantined": quarantined,
    }


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The live queue: open cases by priority, refreshed without reloading the page."""
    context = _queue_context(request)
    names = outlines.districts_by_state()
    chosen = request.GET.get("state", "").strip() or settings.HOME_STATE
    context["states"] = list(names)
    context["districts"] = names.get(chosen, [])
    context["districts_of"] = chosen
    return render(request, "web/desk.html", context)


@login_required
def desk_queue(request: HttpRequest) -> HttpResponse:
    """The queue table alone, polled by HTMX."""
    return render(request, "web/_queue.html", _queue_context(request))


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: the post, the person, where, the map, the requests, the timeline, the buttons."""
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    now = timezone.now()
    data = queries.case_data(request.user, case)
    score = case_priority(case, now)
    context = {
        "case": case,
        "now": now,
        "data": data,
        "band": priority_band(score),
        "priority": score,
        "risk": case_page.risk_summary(case),
        "tasks": case_page.task_views(data, now),
        "failed": queries.failed_notifications(data.notifications),
        "timeline": case_page.timeline(data),
        "map": case_page.map_data(case, data),
        "place": case.location if isinstance(case.location, dict) else {},
        "trace_phone": next((r.value for r in reversed(data.evidence) if r.kind == "phone"), ""),
        **case_page.actions(request.user, case),
    }
    return render(request, "web/case.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Posts raised by the watch over public posts, waiting for a person to confirm or dismiss."""
    cases = list(queries.review_cases(request.user)[:QUEUE_MAX])
    alerts = queries.first_alerts([c.pk for c in cases])
    now = timezone.now()
    rows = [(c, alerts.get(c.pk, (None, 0))[0], now - c.opened_at) for c in cases]
    return render(request, "web/review.html", {"rows": rows, "now": now})


@login_required
def vehicles_board(request: HttpRequest) -> HttpResponse:
    """The 112 vehicles: status, station, last position and the case each is on."""
    vehicles = access.vehicles_visible_to(request.user)
    district = request.GET.get("district", "").strip()[:80]
    status = request.GET.get("status", "").strip()
    if district:
        vehicles = vehicles.filter(district__iexact=district)
    if status in VehicleStatus.values:
        vehicles = vehicles.filter(status=status)
    statuses = [(s, labels.label(labels.VEHICLE_STATUSES, s)) for s in VehicleStatus.values]
    totals = queries.vehicle_totals(access.vehicles_visible_to(request.user))
    now = timezone.now()
    context = {
        "now": now,
        "vehicles": queries.vehicle_rows(
            vehicles.order_by("district", "code")[:VEHICLES_SHOWN],
            now,
            timedelta(seconds=settings.DISPATCH_VEHICLE_STALE_SECONDS),
        ),
        "totals": [(s, word, totals.get(s, 0)) for s, word in statuses],
        "districts": queries.vehicle_districts(request.user),
        "statuses": statuses,
        "district": district,
        "status": status,
        "stale_after": settings.DISPATCH_VEHICLE_STALE_SECONDS,
        "shown": VEHICLES_SHOWN,
    }
    return render(request, "web/vehicles.html", context)


def _geojson(request: HttpRequest, data: bytes) -> HttpResponse:
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    response = HttpResponse(data, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def geo_states(request: HttpRequest) -> HttpResponse:
    """Simplified outlines of every state (GeoJSON), for the case map."""
    if access.role_of(request.user) is None:
        raise PermissionDenied("no desk role")
    return _geojson(request, outlines.states_geojson())


@login_required
@require_GET
def geo_districts(request: HttpRequest, state: str) -> HttpResponse:
    """Simplified outlines of one state's districts (GeoJSON)."""
    if access.role_of(request.user) is None:
        raise PermissionDenied("no desk role")
    if state not in outlines.known_states():
        raise Http404("no such state")
    return _geojson(request, outlines.districts_geojson(state))


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and a database round trip (readiness comes with issue #9)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
