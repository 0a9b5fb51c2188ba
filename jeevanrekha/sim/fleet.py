"""The demo's 112 fleet: vehicles registered near the police stations through the real
registry action, each with a first position report (actor `sim:fleet`)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from jeevanrekha.dispatch.models import Vehicle
from jeevanrekha.dispatch.vehicles import VehicleReport, do_register_vehicle, do_report_vehicle

KM_PER_DEG = 111.32


def _around(
    rng: random.Random, lat: float, lon: float, km_min: float, km_max: float
) -> tuple[float, float]:
    """A point at a random bearing, km_min..km_max from (lat, lon)."""
    km, bearing = rng.uniform(km_min, km_max), rng.uniform(0, 2 * math.pi)
    dlat = km * math.cos(bearing) / KM_PER_DEG
    dlon = km * math.sin(bearing) / (KM_PER_DEG * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


@dataclass(frozen=True)
class Planned:
    """A vehicle of the demo fleet before it is registered."""

    code: str
    area: str
    station: str
    district: str
    lat: float
    lon: float


def plan(
    stations: list[tuple[str, str, float, float]], per_station: int, seed: int
) -> list[Planned]:
    """Where the fleet starts, from (name, district, lat, lon) of each station: the first of
    each station urban (1-4 km out), the others rural (5-12 km); the travel model's two
    areas (dispatch/nearest.py). Pure and seeded: the demo picks its first case with it."""
    rng, out = random.Random(seed), []
    for name, district, lat, lon in sorted(stations, key=lambda s: (s[1], s[0])):
        for n in range(per_station):
            area = "urban" if n == 0 else "rural"
            plat, plon = _around(rng, lat, lon, *((1, 4) if n == 0 else (5, 12)))
            code = f"PRV-{_short(district)}-{n + 1:02d}"
            out.append(Planned(code, area, name, district, plat, plon))
    return out


def station_rows() -> list[tuple[str, str, float, float]]:
    """The imported stations as plan() wants them."""
    from jeevanrekha.geo.models import Station

    return list(Station.objects.values_list("name", "district", "lat", "lon"))


def ensure_fleet(*, per_station: int, seed: int, at: datetime) -> int:
    """Register the planned fleet through the registry's actions, once; how many added."""
    if Vehicle.objects.exists():
        return 0
    with transaction.atomic():  # one commit for the whole fleet (SQLite: one fsync, not 300)
        for v in plan(station_rows(), per_station, seed):
            do_register_vehicle(
                v.code,
                kind="four_wheeler",
                area=v.area,
                station=v.station,
                district=v.district,
                actor="sim:fleet",
                at=at,
            )
            report = VehicleReport(lat=v.lat, lon=v.lon, position_at=at)
            do_report_vehicle(v.code, report, actor="sim:fleet", at=at)
    return Vehicle.objects.count()


def _short(district: str) -> str:
    letters = "".join(c for c in district.upper() if c.isalpha())
    return (letters[:3] + letters[-2:]) if len(letters) > 5 else letters
