"""What the case page shows, put together from `queries.case_data` (no queries of its own
beyond the map's stations and vehicles, one each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jeevanrekha.cases import access
from jeevanrekha.cases.models import (
    CallResult,
    Case,
    CaseNote,
    NoteKind,
    OutcomeCode,
    ReasonCode,
    TaskKind,
    TaskState,
)
from jeevanrekha.core.lifecycle import CaseCommand, CaseState, allowed_commands
from jeevanrekha.dispatch.actions import REPORTS
from jeevanrekha.dispatch.dispatching import dispatch_ready, home_state
from jeevanrekha.dispatch.models import Notification, Vehicle
from jeevanrekha.geo.models import Station
from jeevanrekha.web import formatting, labels, outlines, queries
from jeevanrekha.web.queries import CaseData

MAP_STATIONS = 300
# States in which the desk may still send someone (before an outcome ends the field work).
DISPATCHABLE = frozenset(
    {
        CaseState.NEW,
        CaseState.TRIAGED,
        CaseState.LOCATING,
        CaseState.LOCATED,
        CaseState.DISPATCHED,
        CaseState.ON_SCENE,
    }
)
MAP_VEHICLES = 200


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the case's timeline."""

    at: datetime
    what: str
    code: str
    who: str
    detail: str = ""


def timeline(data: CaseData) -> list[TimelineEntry]:
    """Alerts, audited actions, messages and acknowledgements, oldest first."""
    entries = [
        TimelineEntry(
            a.received_at,
            str(labels.TIMELINE["alert_received"]),
            "alert_received",
            a.source,
            f"{a.platform} {a.account_handle}".strip(),
        )
        for a in data.alerts
    ]
    entries.extend(_note_entry(note) for note in data.notes)
    for event in data.events:
        if event.action in _SHOWN_BY_NOTES:
            continue
        detail = _event_detail(event.object_type, event.object_id, event.after)
        what = labels.label(labels.TIMELINE, event.action)
        entries.append(TimelineEntry(event.at, what, event.action, event.actor, detail))
    entries.extend(_message_entry(note) for note in data.notifications)
    return sorted(entries, key=lambda e: e.at)


# Audit events whose note rows the timeline shows in full (text, party, result).
_SHOWN_BY_NOTES = {"note_added", "call_logged"}


def _note_entry(note: CaseNote) -> TimelineEntry:
    code = "call_logged" if note.kind == NoteKind.CALL else "note_added"
    bits = []
    if note.kind == NoteKind.CALL:
        party = note.party or "—"
        if note.incoming:
            bits.append(_("from %(party)s") % {"party": party})
        else:
            bits.append(_("to %(party)s") % {"party": party})
        bits.append(labels.label(labels.CALL_RESULTS, note.result))
    if note.text:
        bits.append(note.text)
    return TimelineEntry(
        note.at, labels.label(labels.TIMELINE, code), code, note.author, " · ".join(bits)
    )


def _event_detail(object_type: str, object_id: str, after: Any) -> str:
    bits = [f"#{object_id}"] if object_type == "task" else []
    if isinstance(after, dict):
        for key in ("state", "report", "by", "code", "reasons", "reason", "target", "kind"):
            if after.get(key):
                value = after[key]
                bits.append(", ".join(map(str, value)) if isinstance(value, list) else str(value))
    return " · ".join(bits)


def _message_entry(note: Notification) -> TimelineEntry:
    code = {"sent": "notification_sent", "dead": "notification_failed"}.get(
        note.status, "notification_pending"
    )
    detail = f"#{note.task_id} {note.role} · {note.transport}:{note.address}"
    if note.status == "dead" and note.last_error:
        detail += f" · {note.last_error[:120]}"
    when = note.sent_at or note.created_at
    return TimelineEntry(when, labels.label(labels.TIMELINE, code), code, "", detail)


@dataclass(frozen=True)
class TaskView:
    """A task as the page shows it."""

    task: Any
    kind: str
    state: str
    waiting: bool
    countdown: str
    overdue: bool
    messages: int


def task_views(data: CaseData, now: datetime) -> list[TaskView]:
    by_task = queries.notifications_by_task(data.notifications)
    out = []
    for task in data.tasks:
        text, overdue = formatting.countdown(task.due_at, now) if task.due_at else ("", False)
        out.append(
            TaskView(
                task,
                labels.label(labels.TASK_KINDS, task.kind),
                labels.label(labels.TASK_STATES, task.state),
                task.state in (TaskState.OPEN, TaskState.ACKNOWLEDGED),
                text,
                overdue,
                len(by_task.get(task.pk, [])),
            )
        )
    return out


def map_data(case: Case, data: CaseData) -> dict[str, Any]:
    """What the Leaflet map draws: the resolved point and radius, candidates, tower fixes,
    the district's stations and 112 vehicles, and which outlines to fetch."""
    place = case.location if isinstance(case.location, dict) else {}
    point = None
    if place.get("lat") is not None and place.get("lon") is not None:
        point = {"lat": place["lat"], "lon": place["lon"], "radius_m": place.get("radius_m")}
    return {
        "state": case.state_name,
        "district": case.district,
        "point": point,
        "candidates": _candidates(place),
        "fixes": _fixes(data),
        "stations": _stations(case),
        "vehicles": _vehicles(case, data),
    }


def _candidates(place: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name in place.get("candidates") or []:
        district, _comma, state = str(name).rpartition(", ")
        found = outlines.district_point(state, district) if district else None
        if found:
            out.append({"name": str(name), "lat": found[0], "lon": found[1]})
    return out


def _fixes(data: CaseData) -> list[dict[str, Any]]:
    fixes = []
    for alert in data.alerts:
        tower = alert.evidence.get("tower") if isinstance(alert.evidence, dict) else None
        if isinstance(tower, dict) and tower.get("lat") is not None:
            fixes.append(
                {
                    "lat": tower["lat"],
                    "lon": tower["lon"],
                    "radius_m": tower.get("radius_m"),
                    "at": str(tower.get("observed_at", "")),
                }
            )
    return fixes


def _stations(case: Case) -> list[dict[str, Any]]:
    if not case.district:
        return []
    rows = Station.objects.filter(district__iexact=case.district).values_list(
        "name", "lat", "lon", "approximate"
    )[:MAP_STATIONS]
    return [
        {"name": n, "lat": lat, "lon": lon, "approximate": a, "chosen": n == case.police_station}
        for n, lat, lon, a in rows
    ]


def _vehicles(case: Case, data: CaseData) -> list[dict[str, Any]]:
    sent = {
        str(t.detail.get("vehicle"))
        for t in data.tasks
        if t.kind == TaskKind.VEHICLE_112 and isinstance(t.detail, dict) and t.detail.get("vehicle")
    }
    if not case.district and not sent:
        return []
    query = Vehicle.objects.filter(lat__isnull=False, lon__isnull=False)
    rows = query.filter(district__iexact=case.district or "-") | query.filter(code__in=sent)
    return [
        {
            "code": v.code,
            "status": labels.label(labels.VEHICLE_STATUSES, v.status),
            "lat": v.lat,
            "lon": v.lon,
            "sent": v.code in sent,
        }
        for v in rows.only("code", "status", "lat", "lon")[:MAP_VEHICLES]
    ]


def actions(request_user: Any, case: Case) -> dict[str, Any]:
    """Which buttons the page offers, and why one-step dispatch is not offered."""
    allowed = allowed_commands(CaseState(case.state))
    return {
        "can_work": access.can_work_alerts(request_user),
        "ready_why": dispatch_ready(case),
        "other_state": bool(case.state_name) and case.state_name != home_state(),
        "can_close": CaseCommand.CLOSE in allowed,
        "can_resolve": CaseCommand.RESOLVE in allowed,
        "can_dispatch": CaseState(case.state) in DISPATCHABLE,
        "reports": [(r, labels.label(labels.REPORTS, r)) for r in REPORTS],
        "outcome_choices": [(c.value, labels.label(labels.OUTCOMES, c.value)) for c in OutcomeCode],
        "call_results": [(c.value, labels.label(labels.CALL_RESULTS, c.value)) for c in CallResult],
        "reason_choices": [(c.value, labels.label(labels.REASONS, c.value)) for c in ReasonCode],
        "high_confidence": settings.DISPATCH_HIGH_CONFIDENCE,
        "trace_kind": TaskKind.TRACE.value,
    }


def risk_summary(case: Case) -> str:
    """ "4 · imminent" etc., or that the model has not scored it yet."""
    if case.risk_level is None:
        return _("not yet assessed")
    return str(labels.RISK_LEVELS.get(case.risk_level, case.risk_level))
