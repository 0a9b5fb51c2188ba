"""The 112 vehicle registry's actions: register a vehicle, report status and position.

Status changes and registrations are audited. Position pings are not: a fleet of thousands
reports every few seconds, which would bury the audit trail; the row keeps the last fix and
its time, and that is what the nearest-vehicle search needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.dispatch.models import Vehicle, VehicleStatus


@dataclass(frozen=True)
class VehicleReport:
    """A status and/or position update (any field may be None: unchanged)."""

    status: VehicleStatus | None = None
    lat: float | None = None
    lon: float | None = None
    position_at: datetime | None = None


def do_register_vehicle(
    code: str,
    *,
    kind: str,
    area: str,
    station: str,
    district: str,
    actor: str,
    at: datetime,
) -> Vehicle:
    """Add a vehicle to the registry, or change its kind, area or station."""
    with transaction.atomic(), audit.deferred():
        vehicle, created = Vehicle.objects.select_for_update().get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "area": area,
                "station": station,
                "district": district,
                "updated_at": at,
            },
        )
        before = (
            None
            if created
            else {"kind": vehicle.kind, "area": vehicle.area, "station": vehicle.station}
        )
        vehicle.kind, vehicle.area, vehicle.station, vehicle.district = (
            kind,
            area,
            station,
            district,
        )
        vehicle.updated_at = at
        vehicle.save()
        after = {"kind": kind, "area": area, "station": station, "district": district}
        audit.append(
            at=at,
            actor=actor,
            action="vehicle_registered" if created else "vehicle_updated",
            object_type="vehicle",
            object_id=code,
            before=before,
            after=after,
        )
        emit("vehicle_registered", {"code": code, **after}, at=at, key=code)
        return vehicle


def do_report_vehicle(code: str, report: VehicleReport, *, actor: str, at: datetime) -> Vehicle:
    """A vehicle's new status and/or position; Vehicle.DoesNotExist if not registered."""
    with transaction.atomic(), audit.deferred():
        vehicle = Vehicle.objects.select_for_update().get(code=code)
        before = vehicle.status
        if report.lat is not None and report.lon is not None:
            vehicle.lat, vehicle.lon = report.lat, report.lon
            vehicle.position_at = report.position_at or at
        if report.status is not None:
            vehicle.status = report.status
        vehicle.updated_at = at
        vehicle.save()
        if report.status is not None and report.status != before:
            audit.append(
                at=at,
                actor=actor,
                action="vehicle_status",
                object_type="vehicle",
                object_id=code,
                before={"status": before},
                after={"status": vehicle.status},
            )
            emit("vehicle_status", {"code": code, "status": vehicle.status}, at=at, key=code)
        return vehicle
