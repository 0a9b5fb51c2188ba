"""The nearest vehicle: quickest by travel estimate, tiers, and agreement with brute force."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from jeevanrekha.dispatch.nearest import (
    TravelModel,
    VehicleIndex,
    VehicleSnapshot,
    haversine_km,
    nearest_vehicle,
    tier_of,
)

NOW = datetime(2026, 6, 1, 3, 25, tzinfo=UTC)
FRESH = NOW - timedelta(seconds=30)
STALE_AFTER = timedelta(minutes=10)
TRAVEL = TravelModel()


def v(code: str, lat: float, lon: float, **kw: object) -> VehicleSnapshot:
    fields: dict[str, object] = {
        "kind": "four_wheeler",
        "area": "urban",
        "status": "available",
        "position_at": FRESH,
    }
    fields.update(kw)
    return VehicleSnapshot(code, lat=lat, lon=lon, **fields)  # type: ignore[arg-type]


def pick(vehicles: list[VehicleSnapshot], lat: float = 26.85, lon: float = 80.95) -> str | None:
    choice = nearest_vehicle(vehicles, lat, lon, travel=TRAVEL, now=NOW, stale_after=STALE_AFTER)
    return choice.code if choice else None


def test_haversine_lucknow_to_kanpur() -> None:
    assert haversine_km(26.8467, 80.9462, 26.4499, 80.3319) == pytest.approx(75.5, abs=1.0)


def test_quickest_not_nearest_rural_fast_beats_urban_slow() -> None:
    # 4 km in town at 25 km/h x 1.4 (13.4 min) loses to 6 km on a rural road at 45 km/h x 1.3.
    town = v("TOWN", 26.85 + 4 / 111.2, 80.95)
    rural = v("RURAL", 26.85 - 6 / 111.2, 80.95, area="rural")
    assert pick([town, rural]) == "RURAL"


def test_busy_stale_and_off_duty_only_when_none_else() -> None:
    near_busy = v("BUSY", 26.851, 80.95, status="busy")
    near_stale = v("STALE", 26.852, 80.95, position_at=NOW - timedelta(hours=1))
    far_fresh = v("FAR", 27.3, 80.95)
    off = v("OFF", 26.8501, 80.95, status="off_duty")
    assert pick([near_busy, near_stale, far_fresh, off]) == "FAR"
    assert pick([near_busy, near_stale, off]) == "STALE"
    assert pick([near_busy, off]) == "BUSY"
    assert pick([off]) is None
    assert (
        pick([VehicleSnapshot("NOPOS", "four_wheeler", "urban", "available", None, None, FRESH)])
        is None
    )


def test_tiers() -> None:
    assert tier_of(v("A", 1, 1), NOW, STALE_AFTER) == 0
    assert tier_of(v("A", 1, 1, position_at=None), NOW, STALE_AFTER) == 1
    assert tier_of(v("A", 1, 1, status="en_route"), NOW, STALE_AFTER) == 2
    assert tier_of(v("A", 1, 1, status="off_duty"), NOW, STALE_AFTER) is None


def test_configurable_travel_model() -> None:
    slow_town = TravelModel(road_factor={"urban": 2.0}, speed_kmh={"four_wheeler": {"urban": 10}})
    assert slow_town.minutes_per_km("four_wheeler", "urban") == pytest.approx(12.0)
    assert TRAVEL.minutes_per_km("unknown_kind", "unknown_area") == pytest.approx(60 * 1.35 / 30)
    with pytest.raises(ValueError):
        TravelModel(speed_kmh={"x": {"urban": 0}}).minutes_per_km("x", "urban")


def test_index_agrees_with_brute_force_over_a_fleet() -> None:
    rng = random.Random(7)
    fleet = [
        v(
            f"V{i}",
            rng.uniform(24.0, 30.3),
            rng.uniform(77.2, 84.5),
            kind=rng.choice(["four_wheeler", "two_wheeler"]),
            area=rng.choice(["urban", "rural"]),
            status=rng.choice(["available"] * 4 + ["busy", "off_duty"]),
            position_at=NOW - timedelta(seconds=rng.choice([10, 60, 7200])),
        )
        for i in range(2000)
    ]
    index = VehicleIndex(fleet, TRAVEL, NOW, STALE_AFTER)
    for _ in range(300):
        lat, lon = rng.uniform(24.0, 30.3), rng.uniform(77.2, 84.5)
        got = index.nearest(lat, lon, k=3)
        best = sorted(
            (haversine_km(lat, lon, x.lat, x.lon) * TRAVEL.minutes_per_km(x.kind, x.area), x.code)
            for x in fleet
            if tier_of(x, NOW, STALE_AFTER) == 0 and x.lat is not None and x.lon is not None
        )[:3]
        assert [c.code for c in got] == [code for _, code in best]
        assert got[0].minutes == pytest.approx(best[0][0])


def test_exclude_skips_a_vehicle() -> None:
    fleet = [v("A", 26.851, 80.95), v("B", 26.86, 80.95)]
    index = VehicleIndex(fleet, TRAVEL, NOW, STALE_AFTER)
    assert index.nearest(26.85, 80.95, exclude=frozenset({"A"}))[0].code == "B"
