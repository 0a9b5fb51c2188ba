"""State and district outlines for the case map, served by the desk itself (no tile server).

Made from the gazetteer artefact (var/geo, built at set-up from registry packages): the
district polygons, simplified, and each state as the union of its districts. Building the
state outlines takes a couple of seconds, so every result is kept on disk beside the
artefact (named after the artefact's size and time, so a rebuilt gazetteer makes new ones)
and in memory; workers that race write the same bytes and replace the file atomically.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

from jeevanrekha.geo import conf

DISTRICT_TOLERANCE = 0.004  # degrees (~400 m): outlines to see, not to decide jurisdiction
STATE_TOLERANCE = 0.04
DISTRICT_GRID = 0.0001  # coordinates rounded to ~10 m
STATE_GRID = 0.001

_lock = threading.Lock()
_memory: dict[str, bytes] = {}
_points: dict[tuple[str, str], tuple[float, float]] = {}


@dataclass(frozen=True)
class _District:
    state: str
    name: str
    lgd: str
    geometry: Any


def _artefact() -> Path:
    return conf.paths().artefact


def _stamp() -> str:
    info = _artefact().stat()
    return f"{info.st_size}-{int(info.st_mtime)}"


def _districts() -> list[_District]:
    with open(_artefact(), "rb") as handle:
        artefact = pickle.load(handle)  # the project's own artefact, built on this machine
    rows = artefact["districts"]
    geoms = shapely.from_wkb([row[3] for row in rows])
    return [_District(r[0], r[1], r[2], g) for r, g in zip(rows, geoms, strict=True)]


def _feature(geometry: Any, grid: float, **properties: str) -> dict[str, Any]:
    fixed = shapely.set_precision(geometry, grid)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": json.loads(shapely.to_geojson(fixed)),
    }


def _collection(features: list[dict[str, Any]]) -> bytes:
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _without_holes(geometry: Any) -> Any:
    """Outer rings only: the seams between district polygons leave slivers inside a union."""
    polygons = shapely.get_parts(geometry)
    shells = [shapely.Polygon(shapely.get_exterior_ring(p)) for p in polygons if p.area > 1e-4]
    return shapely.MultiPolygon(shells) if len(shells) > 1 else shells[0]


def _build_states() -> bytes:
    by_state: dict[str, list[Any]] = defaultdict(list)
    for district in _districts():
        by_state[district.state].append(district.geometry)
    features = []
    for state, parts in sorted(by_state.items()):
        merged = shapely.union_all(parts, grid_size=STATE_GRID)
        outline = shapely.simplify(_without_holes(merged), STATE_TOLERANCE)
        features.append(_feature(outline, STATE_GRID, name=state))
    return _collection(features)


def _build_districts(state: str) -> bytes:
    features = [
        _feature(
            shapely.simplify(d.geometry, DISTRICT_TOLERANCE, preserve_topology=True),
            DISTRICT_GRID,
            name=d.name,
            state=d.state,
            lgd=d.lgd,
        )
        for d in _districts()
        if d.state.casefold() == state.casefold()
    ]
    return _collection(features)


def _cached(key: str, build: Any) -> bytes:
    """From memory, else from the disk cache, else built (and kept in both)."""
    name = f"{key}-{_stamp()}"
    with _lock:
        if name in _memory:
            return _memory[name]
    folder = _artefact().parent / "outlines"
    path = folder / f"{name}.geojson"
    if path.exists():
        data = path.read_bytes()
    else:
        data = build()
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, path)
    with _lock:
        _memory[name] = data
    return data


def states_geojson() -> bytes:
    """Every state's outline (simplified): a FeatureCollection with `name`."""
    return _cached("states", _build_states)


def known_states() -> set[str]:
    """State names as the gazetteer writes them."""
    document = json.loads(states_geojson())
    return {f["properties"]["name"] for f in document["features"]}


def districts_geojson(state: str) -> bytes:
    """The districts of one state (simplified): `name`, `state`, `lgd` on each feature."""
    slug = "".join(ch if ch.isalnum() else "_" for ch in state.casefold())
    return _cached(f"districts-{slug}", lambda: _build_districts(state))


def _build_points() -> bytes:
    points = {}
    for d in _districts():
        point = d.geometry.representative_point()
        points[f"{d.state.casefold()}|{d.name.casefold()}"] = [round(point.y, 5), round(point.x, 5)]
    return json.dumps(points, ensure_ascii=False).encode()


def district_point(state: str, district: str) -> tuple[float, float] | None:
    """(lat, lon) of a point inside the district, for a candidate without coordinates."""
    with _lock:
        loaded = bool(_points)
    if not loaded:
        table = json.loads(_cached("points", _build_points))
        with _lock:
            for key, (lat, lon) in table.items():
                state_key, _, district_key = key.partition("|")
                _points[(state_key, district_key)] = (lat, lon)
    return _points.get((state.casefold(), district.casefold()))


def _build_names() -> bytes:
    names: dict[str, list[str]] = defaultdict(list)
    for d in _districts():
        names[d.state].append(d.name)
    return json.dumps({s: sorted(v) for s, v in sorted(names.items())}, ensure_ascii=False).encode()


def districts_by_state() -> dict[str, list[str]]:
    """Every state's districts as the gazetteer names them (for the queue's filters)."""
    return dict(json.loads(_cached("names", _build_names)))
