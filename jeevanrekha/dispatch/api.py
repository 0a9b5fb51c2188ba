"""The dispatch API (django-ninja) under /api/dispatch/v1/: vehicles and task reports.

Partners (UP-112's ERSS, STF, another state's desk) sign every request like intake sources
do (intake/signing.py): X-JR-Source names the partner (a dispatch Partner row), with
X-JR-Timestamp and X-JR-Signature over the raw body.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Schema
from ninja.responses import Status
from pydantic import field_validator

from jeevanrekha.cases.models import Task
from jeevanrekha.dispatch.actions import REPORTS, TaskClosed, do_report_task
from jeevanrekha.dispatch.models import Partner, Vehicle, VehicleStatus
from jeevanrekha.dispatch.vehicles import VehicleReport, do_register_vehicle, do_report_vehicle
from jeevanrekha.intake import signing


def partner_auth(request: HttpRequest) -> str | None:
    """The partner's name if the request is signed by an active partner, else None (401)."""
    name = request.headers.get(signing.SOURCE_HEADER, "")
    secret = (
        Partner.objects.filter(name=name, active=True).values_list("secret", flat=True).first()
        if name
        else None
    )
    try:
        signing.check(
            secret=secret,
            timestamp=request.headers.get(signing.TIMESTAMP_HEADER),
            sig=request.headers.get(signing.SIGNATURE_HEADER),
            body=request.body,
            now=time.time(),
            window_s=settings.DISPATCH_API_REPLAY_WINDOW_SECONDS,
        )
    except signing.AuthFailure:
        return None
    return name


api = NinjaAPI(
    title="Jeevan Rekha dispatch API",
    version="1",
    description="112 vehicle registry and status, and reports on tasks (acknowledge, trace "
    "fixes). Sign each request with HMAC-SHA256 as for the intake API.",
    urls_namespace="dispatch-v1",
    auth=partner_auth,
)

Area = Literal["urban", "rural"]
Report = Literal["acknowledge", "en_route", "on_scene", "person_safe", "not_found"]


class TextIn(Schema):
    """Input with text: NUL never belongs in it, and PostgreSQL cannot store it (found by
    schemathesis: a NUL in `station` was a 500 on PostgreSQL)."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL (\\u0000) characters")
        return value


# A vehicle's code in the path: printable, no NUL (it becomes a database value).
Code = Annotated[str, Path(pattern=r"^[^\x00-\x1f\x7f]{1,200}$")]


class VehicleIn(TextIn):
    kind: str = Field("four_wheeler", min_length=1, max_length=20)
    area: Area = "urban"
    station: str = Field("", max_length=120)
    district: str = Field("", max_length=80)


class VehicleReportIn(Schema):
    status: VehicleStatus | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    at: datetime | None = Field(None, description="time of the position fix (default: now)")


class VehicleOut(Schema):
    code: str
    kind: str
    area: str
    station: str
    district: str
    status: str
    lat: float | None
    lon: float | None
    position_at: datetime | None


class TaskReportIn(TextIn):
    report: Report
    by: str = Field(..., min_length=1, max_length=150, description="the person reporting")


class FixIn(Schema):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    radius_m: float = Field(..., gt=0, le=100_000)
    observed_at: datetime


class TaskOut(Schema):
    id: int
    kind: str
    target: str
    state: str
    progress: str
    result: str


class ErrorOut(Schema):
    error: str


class RefusedOut(Schema):
    """401 and 422: `error` (ours) or `detail` (django-ninja's own refusals: a failed
    signature, a body that does not validate). Documented so that clients, and
    schemathesis, know every answer an operation gives."""

    error: str | None = None
    detail: Any = None


REFUSED: dict[int, Any] = {401: RefusedOut, 422: RefusedOut}


def _who(request: HttpRequest) -> str:
    """The authenticated partner's name (set by partner_auth)."""
    return str(getattr(request, "auth", ""))


def _vehicle_out(v: Vehicle) -> dict[str, Any]:
    fields = ("code", "kind", "area", "station", "district", "status", "lat", "lon", "position_at")
    return {f: getattr(v, f) for f in fields}


@api.put(
    "/vehicles/{code}",
    response={200: VehicleOut, **REFUSED},
    summary="Register or update a vehicle",
)
def put_vehicle(request: HttpRequest, code: Code, body: VehicleIn) -> dict[str, Any]:
    vehicle = do_register_vehicle(
        code[:40], **body.dict(), actor=f"partner:{_who(request)}", at=timezone.now()
    )
    return _vehicle_out(vehicle)


@api.post(
    "/vehicles/{code}/report",
    response={200: VehicleOut, 404: ErrorOut, **REFUSED},
    summary="A vehicle's status and/or position",
)
def report_vehicle(request: HttpRequest, code: Code, body: VehicleReportIn) -> Any:
    if (body.lat is None) != (body.lon is None):
        return Status(422, {"error": "lat and lon go together"})
    report = VehicleReport(body.status, body.lat, body.lon, body.at)
    try:
        vehicle = do_report_vehicle(
            code, report, actor=f"partner:{_who(request)}", at=timezone.now()
        )
    except Vehicle.DoesNotExist:
        return Status(404, {"error": f"no vehicle {code!r}: register it first"})
    return Status(200, _vehicle_out(vehicle))


def _task_out(task: Task) -> dict[str, Any]:
    return {f: getattr(task, f) for f in ("id", "kind", "target", "state", "progress", "result")}


@api.post(
    "/tasks/{task_id}/report",
    response={200: TaskOut, 404: ErrorOut, 409: ErrorOut, **REFUSED},
    summary="Acknowledge a task or report progress (en route, on scene, safe, not found)",
)
def report_task(request: HttpRequest, task_id: int, body: TaskReportIn) -> Any:
    assert body.report in REPORTS
    try:
        task = do_report_task(
            task_id,
            body.report,
            by=body.by,
            actor=f"partner:{_who(request)}",
            at=timezone.now(),
            via=f"api:{_who(request)}",
        )
    except Task.DoesNotExist:
        return Status(404, {"error": "no such task"})
    except TaskClosed as exc:
        return Status(409, {"error": str(exc)})
    return Status(200, _task_out(task))


@api.post(
    "/tasks/{task_id}/fix",
    response={200: TaskOut, 404: ErrorOut, 409: ErrorOut, **REFUSED},
    summary="A trace task's result: the tower or handset fix",
)
def trace_fix(request: HttpRequest, task_id: int, body: FixIn) -> Any:
    from jeevanrekha.dispatch.tracing import record_fix

    try:
        task = record_fix(task_id, body.dict(), actor=f"partner:{_who(request)}", at=timezone.now())
    except Task.DoesNotExist:
        return Status(404, {"error": "no such task"})
    except (TaskClosed, ValueError) as exc:
        return Status(409, {"error": str(exc)})
    return Status(200, _task_out(task))
