"""The nearest 112 vehicle by travel estimate (pure: snapshots and the clock in, choices out).

Travel minutes = great-circle km * road factor (by area) / speed (by vehicle kind and area).
Vehicles fall in tiers, and a lower tier is used only when the one above has nobody:

0. available, with a fresh position;
1. available, with a stale position (older than ``stale_after``) or no fix time;
2. assigned, en route, on scene or busy (another call), with a position.

Off-duty vehicles and vehicles without a position are never chosen.

Each tier is a grid of cells (``cell_deg`` degrees). A query walks rings of cells outward
from its own and stops when no cell further out can beat the k-th best found, so a query
looks at a few dozen vehicles, not thousands. Inside the walk vehicles are ranked on a flat
(equirectangular) distance; the best few are then ranked again on the great-circle distance
the estimate is defined by.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

EARTH_KM = 6371.0088
KM_PER_DEG = EARTH_KM * math.pi / 180.0
AVAILABLE = "available"
OFF_DUTY = "off_duty"
TIER_NAMES = ("available", "available, position stale", "busy")


@dataclass(frozen=True)
class TravelModel:
    """Road factor by area and speed by vehicle kind and area (km/h); configurable."""

    road_factor: Mapping[str, float] = field(default_factory=lambda: {"urban": 1.4, "rural": 1.3})
    speed_kmh: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {
            "four_wheeler": {"urban": 25.0, "rural": 45.0},
            "two_wheeler": {"urban": 28.0, "rural": 40.0},
        }
    )
    default_speed_kmh: float = 30.0
    default_road_factor: float = 1.35

    def minutes_per_km(self, kind: str, area: str) -> float:
        """Minutes one great-circle km takes for this kind of vehicle in this area."""
        factor = self.road_factor.get(area, self.default_road_factor)
        speed = self.speed_kmh.get(kind, {}).get(area, self.default_speed_kmh)
        if speed <= 0 or factor <= 0:
            raise ValueError(f"speed and road factor must be positive ({kind}, {area})")
        return 60.0 * factor / speed


@dataclass(frozen=True)
class VehicleSnapshot:
    """What the index needs of one vehicle."""

    code: str
    kind: str
    area: str
    status: str
    lat: float | None
    lon: float | None
    position_at: datetime | None


@dataclass(frozen=True)
class Choice:
    """A vehicle proposed for a point: how far, how long, and from which tier."""

    code: str
    km: float
    minutes: float
    tier: int

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def tier_of(vehicle: VehicleSnapshot, now: datetime, stale_after: timedelta) -> int | None:
    """The vehicle's tier (see the module docstring), or None if it is never chosen."""
    if vehicle.lat is None or vehicle.lon is None or vehicle.status == OFF_DUTY:
        return None
    if vehicle.status != AVAILABLE:
        return 2
    fresh = vehicle.position_at is not None and now - vehicle.position_at <= stale_after
    return 0 if fresh else 1


# One vehicle in a cell: (lat, lon, minutes per km squared, minutes per km, code).
_Entry = tuple[float, float, float, float, str]
# A candidate: (flat travel key, code, lat, lon, minutes per km); sorts on the key first.
_Found = tuple[float, str, float, float, float]


_ROW = 1 << 22  # a cell's key is row * _ROW + column: one int, no tuple to build per lookup


def _ring_offsets(r: int) -> list[int]:
    """Key offsets of the cells at Chebyshev distance exactly r from the centre cell."""
    if r == 0:
        return [0]
    out = [i * _ROW + j for j in range(-r, r + 1) for i in (-r, r)]
    out += [i * _ROW + j for i in range(-r + 1, r) for j in (-r, r)]
    return out


class _Grid:
    """The vehicles of one tier in cells of cell_deg by cell_deg degrees."""

    def __init__(self, cell_deg: float) -> None:
        self.cell = cell_deg
        self.cells: dict[int, list[_Entry]] = {}
        self.fastest2 = math.inf  # smallest (minutes per km)^2 in the grid
        self.bounds = (0, 0, 0, 0)
        self.rings: list[list[int]] = []
        self._rows: list[int] = []
        self._cols: list[int] = []

    def add(self, lat: float, lon: float, mpk: float, code: str) -> None:
        row, col = math.floor(lat / self.cell), math.floor(lon / self.cell)
        self.cells.setdefault(row * _ROW + col, []).append((lat, lon, mpk * mpk, mpk, code))
        self._rows.append(row)
        self._cols.append(col)
        self.fastest2 = min(self.fastest2, mpk * mpk)

    def seal(self) -> None:
        rows, cols = self._rows or [0], self._cols or [0]
        self.bounds = (min(rows), max(rows), min(cols), max(cols))
        span = max(self.bounds[1] - self.bounds[0], self.bounds[3] - self.bounds[2])
        self.rings = [_ring_offsets(r) for r in range(min(span, 8) + 1)]

    def _offsets(self, r: int) -> list[int]:
        return self.rings[r] if r < len(self.rings) else _ring_offsets(r)

    def nearest(self, lat: float, lon: float, k: int) -> list[_Found]:
        """The k best by flat-distance travel key, best first (the hot loop: kept flat)."""
        if not self.cells:
            return []
        cells, cell, fastest2 = self.cells, self.cell, self.fastest2
        cos_q = math.cos(math.radians(lat))
        ci, cj = math.floor(lat / cell), math.floor(lon / cell)
        centre = ci * _ROW + cj
        r0, r1, c0, c1 = self.bounds
        last = max(ci - r0, r1 - ci, cj - c0, c1 - cj, 0)
        best: list[_Found] = []
        worst = math.inf
        for r in range(last + 1):
            if r >= 2 and len(best) >= k:
                bound = (r - 1) * cell * cos_q
                if bound * bound * fastest2 > worst * 1.02:
                    break
            for offset in self._offsets(r):
                entries = cells.get(centre + offset)
                if entries is None:
                    continue
                for vlat, vlon, mpk2, mpk, code in entries:
                    dy = vlat - lat
                    dx = (vlon - lon) * cos_q
                    key = (dx * dx + dy * dy) * mpk2
                    if key < worst or len(best) < k:
                        insort(best, (key, code, vlat, vlon, mpk))
                        if len(best) > k:
                            best.pop()
                        if len(best) == k:
                            worst = best[-1][0]
        return best


class VehicleIndex:
    """All vehicles as of ``now``, in tiers, for fast nearest-vehicle queries."""

    def __init__(
        self,
        vehicles: Iterable[VehicleSnapshot],
        travel: TravelModel,
        now: datetime,
        stale_after: timedelta,
        cell_deg: float = 0.1,
    ) -> None:
        self.grids = [_Grid(cell_deg) for _ in TIER_NAMES]
        self.size = 0
        for v in vehicles:
            tier = tier_of(v, now, stale_after)
            if tier is None or v.lat is None or v.lon is None:
                continue
            self.grids[tier].add(v.lat, v.lon, travel.minutes_per_km(v.kind, v.area), v.code)
            self.size += 1
        for grid in self.grids:
            grid.seal()

    def nearest(
        self, lat: float, lon: float, k: int = 1, exclude: frozenset[str] = frozenset()
    ) -> list[Choice]:
        """Up to k vehicles from the best tier that has any, quickest first."""
        for tier, grid in enumerate(self.grids):
            found = grid.nearest(lat, lon, k + len(exclude) + 1)
            choices = []
            for _, code, vlat, vlon, mpk in found:
                if code in exclude:
                    continue
                km = haversine_km(lat, lon, vlat, vlon)
                choices.append(Choice(code, km, km * mpk, tier))
            if choices:
                choices.sort(key=lambda c: (c.minutes, c.code))
                return choices[:k]
        return []


def nearest_vehicle(
    vehicles: Iterable[VehicleSnapshot],
    lat: float,
    lon: float,
    *,
    travel: TravelModel,
    now: datetime,
    stale_after: timedelta,
) -> Choice | None:
    """The one quickest vehicle to reach (lat, lon), or None (a one-off query)."""
    found = VehicleIndex(vehicles, travel, now, stale_after).nearest(lat, lon)
    return found[0] if found else None
