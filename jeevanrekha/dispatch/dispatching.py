"""Case-level dispatch actions: locate, confirm & dispatch, trace, forward, refer.

Each is one transaction with its audit rows and outbox events; the tasks they open go
through actions.do_open_task. Nothing here sends police without a person's confirmation:
these are called from the desk's buttons, and from a trace result that re-targets a
dispatch a person already confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.actions import apply_case_command
from jeevanrekha.cases.locating import CaseLocation, do_set_case_location
from jeevanrekha.cases.models import Case, Task, TaskKind, TaskState
from jeevanrekha.core.lifecycle import TRANSITIONS, CaseCommand, CaseState
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.actions import TaskClosed, do_cancel_task, do_open_task
from jeevanrekha.dispatch.models import Vehicle, VehicleStatus
from jeevanrekha.dispatch.nearest import Choice, VehicleIndex, VehicleSnapshot
from jeevanrekha.geo.fusion import Resolution

ACTIVE = (TaskState.OPEN, TaskState.ACKNOWLEDGED)
NEAR_DEG = 0.6  # look here first (≈ 65 km); the whole fleet only if nobody is this close


class NotReady(Exception):
    """The case cannot be dispatched (yet); the message says why, for the desk."""


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    radius_m: float | None


def case_point(case: Case) -> Point | None:
    """Where to send a vehicle: the case's resolved point, else its police station."""
    loc = case.location if isinstance(case.location, dict) else {}
    if loc.get("lat") is not None and loc.get("lon") is not None:
        return Point(float(loc["lat"]), float(loc["lon"]), loc.get("radius_m"))
    from jeevanrekha.geo.models import Station

    station = Station.objects.filter(district=case.district, name=case.police_station).first()
    return Point(station.lat, station.lon, None) if station else None


def choose_vehicle(
    point: Point, at: datetime, exclude: frozenset[str] = frozenset()
) -> Choice | None:
    """The quickest vehicle to reach a point (see nearest.py for the tiers)."""
    fields = ("code", "kind", "area", "status", "lat", "lon", "position_at")
    near = Vehicle.objects.filter(
        lat__range=(point.lat - NEAR_DEG, point.lat + NEAR_DEG),
        lon__range=(point.lon - NEAR_DEG, point.lon + NEAR_DEG),
    )
    for rows in (near, Vehicle.objects.all()):
        snaps = [
            VehicleSnapshot(*r)
            for r in rows.exclude(status=VehicleStatus.OFF_DUTY).values_list(*fields)
        ]
        index = VehicleIndex(snaps, conf.travel(), at, conf.stale_after())
        found = index.nearest(point.lat, point.lon, exclude=exclude)
        if found:
            return found[0]
    return None


def _apply(case: Case, command: CaseCommand, actor: str, at: datetime, **extra: Any) -> None:
    """Move the (locked) case through its lifecycle, audited, inside the caller's transaction."""
    apply_case_command(case, command, actor=actor, at=at, **extra)


def do_locate_case(
    case_id: int, res: Resolution, *, source: str, actor: str, at: datetime
) -> tuple[Case, bool]:
    """Write a resolution onto the case and move it to `located` when the lifecycle allows;
    (case, whether the jurisdiction changed)."""
    with transaction.atomic(), audit.deferred():
        moved = do_set_case_location(
            case_id, CaseLocation.of(res), actor=actor, at=at, source=source
        )
        case = Case.objects.select_for_update().get(pk=case_id)
        legal = (CaseState(case.state), CaseCommand.LOCATE) in TRANSITIONS
        if res.district and legal:
            _apply(case, CaseCommand.LOCATE, actor, at, source=source)
        return case, moved


BEFORE_DISPATCH = (CaseState.NEW, CaseState.TRIAGED, CaseState.LOCATING, CaseState.LOCATED)


def _mark_dispatched(case_id: int, task: Task, actor: str, at: datetime) -> None:
    """One by one, a station alerted or a vehicle sent: the case is dispatched (and, if it
    was not yet, located: the desk acted on where it is), so "on scene" can follow."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if CaseState(case.state) not in BEFORE_DISPATCH:
        return
    if case.state != CaseState.LOCATED:
        _apply(case, CaseCommand.LOCATE, actor, at, source="desk")
    _apply(case, CaseCommand.DISPATCH, actor, at, tasks=[task.pk])


def _require_confirmed(case: Case) -> None:
    if case.needs_review:
        raise NotReady(f"{case.reference} was raised by the watch: confirm the review first")


def do_alert_station(case_id: int, *, actor: str, at: datetime, mark: bool = True) -> Task:
    """Alert the police station of the case's jurisdiction (a person asked for it).

    Police asked is police dispatched: a case not yet so moves to `dispatched` (`mark`;
    the one confirmation marks it once itself, for both of its tasks)."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        _require_confirmed(case)
        if not case.police_station:
            raise NotReady(f"{case.reference} has no police station yet: locate it first")
        detail: dict[str, Any] = {"district": case.district, "state": case.state_name}
        point = case_point(case)
        if point:
            detail["point"] = {"lat": point.lat, "lon": point.lon, "radius_m": point.radius_m}
        task = do_open_task(
            case.pk, TaskKind.POLICE_STATION, case.police_station, actor=actor, at=at, detail=detail
        )
        if mark:
            _mark_dispatched(case.pk, task, actor, at)
        return task


def do_dispatch_vehicle(
    case_id: int,
    *,
    actor: str,
    at: datetime,
    exclude: frozenset[str] = frozenset(),
    mark: bool = True,
) -> Task:
    """Send the quickest 112 vehicle to the case's point (a person asked for it); the case
    moves to `dispatched` as with do_alert_station."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        _require_confirmed(case)
        point = case_point(case)
        if point is None:
            raise NotReady(f"{case.reference} has no point to send a vehicle to: trace it")
        choice, vehicle = _reserve_vehicle(point, at, exclude)
        vehicle.status, vehicle.updated_at = VehicleStatus.ASSIGNED, at
        vehicle.save(update_fields=["status", "updated_at"])
        detail = {
            "vehicle": choice.code,
            "km": round(choice.km, 2),
            "eta_minutes": round(choice.minutes, 1),
            "tier": choice.tier_name,
            "point": {"lat": point.lat, "lon": point.lon, "radius_m": point.radius_m},
        }
        task = do_open_task(
            case.pk, TaskKind.VEHICLE_112, choice.code, actor=actor, at=at, detail=detail
        )
        if mark:
            _mark_dispatched(case.pk, task, actor, at)
        return task


def _reserve_vehicle(point: Point, at: datetime, exclude: frozenset[str]) -> tuple[Choice, Vehicle]:
    """The quickest vehicle, locked; one taken meanwhile by another dispatch is skipped."""
    for _ in range(3):
        choice = choose_vehicle(point, at, exclude)
        if choice is None:
            break
        vehicle = Vehicle.objects.select_for_update().get(code=choice.code)
        if vehicle.status == VehicleStatus.AVAILABLE or choice.tier == 2:
            return choice, vehicle
        exclude = exclude | {choice.code}
    raise NotReady("no 112 vehicle with a position is on duty")


def dispatch_ready(case: Case) -> str:
    """'' when one confirmation may start station + vehicle, else why not."""
    if case.needs_review:
        return "raised by the watch: confirm the review first"
    if not (case.imminent or (case.risk_level or 0) >= 4):
        return "risk is not imminent: alert the station and send a vehicle one by one"
    if (case.location_confidence or 0.0) < conf.high_confidence():
        return f"location confidence below {conf.high_confidence():.2f}: trace first"
    if not case.police_station:
        return "no police station for the location"
    if CaseState(case.state) not in (
        CaseState.NEW,
        CaseState.TRIAGED,
        CaseState.LOCATING,
        CaseState.LOCATED,
    ):
        return f"case is {case.state}"
    return ""


def do_confirm_dispatch(case_id: int, *, actor: str, at: datetime) -> list[Task]:
    """The desk's one confirmation for an imminent, well-located case: station + vehicle."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        why = dispatch_ready(case)
        if why:
            raise NotReady(f"{case.reference}: {why}")
        audit.append(
            at=at,
            actor=actor,
            action="dispatch_confirmed",
            object_type="case",
            object_id=case.pk,
            after={"risk_level": case.risk_level, "confidence": case.location_confidence},
        )
        tasks = [
            do_alert_station(case.pk, actor=actor, at=at, mark=False),
            do_dispatch_vehicle(case.pk, actor=actor, at=at, mark=False),
        ]
        if case.state != CaseState.LOCATED:
            _apply(case, CaseCommand.LOCATE, actor, at, source="desk confirmation")
        _apply(case, CaseCommand.DISPATCH, actor, at, tasks=[t.pk for t in tasks])
        return tasks


def do_request_trace(
    case_id: int, phone: str, *, actor: str, at: datetime, agency: str = "stf"
) -> Task:
    """Ask STF / telecom to trace the person's phone; the fix comes back on the task."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        _require_confirmed(case)
        if case.state == CaseState.TRIAGED:
            _apply(case, CaseCommand.START_LOCATING, actor, at)
        return do_open_task(
            case.pk, TaskKind.TRACE, agency, actor=actor, at=at, detail={"phone": phone[:40]}
        )


def do_refer_counsellor(case_id: int, target: str, *, actor: str, at: datetime) -> Task:
    """Refer the person to counselling (e.g. Tele-MANAS 14416)."""
    return do_open_task(case_id, TaskKind.COUNSELLOR, target[:200], actor=actor, at=at)


def retarget(case: Case, *, actor: str, at: datetime) -> list[Task]:
    """After the jurisdiction changed: withdraw active station/vehicle tasks, open new ones."""
    active = list(
        case.tasks.filter(
            state__in=ACTIVE, kind__in=[TaskKind.POLICE_STATION, TaskKind.VEHICLE_112]
        )
    )
    if not active:
        return []
    reason = f"re-targeted: location now {case.police_station or '?'}, {case.district or '?'}"
    kinds = {t.kind for t in active}
    for task in active:
        do_cancel_task(task.pk, reason, actor=actor, at=at)
    opened = []
    if TaskKind.POLICE_STATION in kinds and case.police_station:
        opened.append(do_alert_station(case.pk, actor=actor, at=at))
    if TaskKind.VEHICLE_112 in kinds:
        opened.append(do_dispatch_vehicle(case.pk, actor=actor, at=at))
    case.refresh_from_db()
    if opened and case.state == CaseState.LOCATED:
        _apply(case, CaseCommand.DISPATCH, actor, at, retargeted=[t.pk for t in opened])
    audit.append(
        at=at,
        actor=actor,
        action="case_retargeted",
        object_type="case",
        object_id=case.pk,
        before={"tasks": [t.pk for t in active]},
        after={
            "tasks": [t.pk for t in opened],
            "district": case.district,
            "station": case.police_station,
        },
    )
    emit(
        "case_retargeted",
        {"case_id": case.pk, "tasks": [t.pk for t in opened]},
        at=at,
        key=str(case.pk),
    )
    return opened


def do_record_trace_fix(
    task_id: int,
    tower: dict[str, Any],
    *,
    res: Resolution,
    actor: str,
    at: datetime,
) -> Task:
    """A trace came back: close the trace task, locate the case, re-target if it moved.

    `res` is what the locate engine made of the fix (geo.fusion.resolve); the caller runs
    it outside the transaction, since it reads only the gazetteer.
    """
    with transaction.atomic(), audit.deferred():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.kind != TaskKind.TRACE:
            raise ValueError(f"task {task.pk} is not a trace")
        if task.state not in ACTIVE:
            raise TaskClosed(f"task {task.pk} is {task.state}")
        before = task.state
        task.state, task.closed_at, task.due_at = TaskState.DONE, at, None
        if task.acknowledged_at is None:
            task.acknowledged_at, task.acknowledged_by = at, actor
        task.result = f"fix {tower.get('lat')},{tower.get('lon')} ±{tower.get('radius_m')} m"
        task.detail = {**task.detail, "fix": tower, "resolved": res.as_dict()}
        task.save()
        audit.append(
            at=at,
            actor=actor,
            action="trace_fix_recorded",
            object_type="task",
            object_id=task.pk,
            before={"state": before},
            after={  # the fix's point is the person's location: on the task, not the audit
                "state": task.state,
                "radius_m": tower.get("radius_m"),
                "district": res.district,
                "station": res.station,
            },
        )
        emit(
            "trace_fix_recorded",
            {"task_id": task.pk, "case_id": task.case_id},
            at=at,
            key=str(task.case_id),
        )
        case, changed = do_locate_case(task.case_id, res, source="tower", actor=actor, at=at)
        if changed:
            retarget(case, actor=actor, at=at)
        return task


def home_state() -> str:
    return str(getattr(settings, "HOME_STATE", "Uttar Pradesh"))
