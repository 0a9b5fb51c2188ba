"""Validating a police-station file (CSV or GeoJSON) row by row. Pure: bytes in, rows out.

CSV columns (header row; UTF-8): `name, district, lat, lon` required; `state` (default: the
home state), `code`, `jurisdiction` (a GeoJSON Polygon/MultiPolygon geometry as JSON) and
`approximate` (true/false) optional. GeoJSON: a FeatureCollection of Point features (the
station) or Polygon features (the jurisdiction; the point is `lat`/`lon` in properties or
a point inside the polygon), with `name`, `district`, `state`, `code` properties.

Every bad row is reported with its line number (CSV) or feature number (GeoJSON): not
UTF-8 or double-encoded text, missing or unreadable coordinates, an unknown district, a
point outside its district, a name already used in that district, a bad polygon.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape

from jeevanrekha.geo.gazetteer import Gazetteer
from jeevanrekha.geo.text import latin_key

BORDER_SLACK_M = 1000.0  # district polygons are simplified; a station this close still counts
_MOJIBAKE = ("à¤", "Ã", "â€")
_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")


@dataclass(frozen=True)
class StationRow:
    """One valid station, with the canonical district name."""

    line: int
    name: str
    state: str
    district: str
    lat: float
    lon: float
    code: str
    jurisdiction: dict[str, Any] | None
    approximate: bool


@dataclass(frozen=True)
class RowError:
    """Why one row was refused."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _float(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _pick(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if record.get(name) not in (None, ""):
            return record[name]
    return None


def _geometry(raw: Any) -> tuple[Any, str]:
    if raw in (None, ""):
        return None, ""
    try:
        doc = json.loads(raw) if isinstance(raw, str) else raw
        geom = shape(doc)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        return None, f"jurisdiction is not a GeoJSON geometry ({exc})"
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        return None, "jurisdiction must be a Polygon or MultiPolygon"
    return shapely.make_valid(geom), ""


class Validator:
    """Checks rows against the gazetteer and against each other."""

    def __init__(self, gazetteer: Gazetteer, home_state: str) -> None:
        self.gaz = gazetteer
        self.home_state = home_state
        self.seen: dict[tuple[str, str, str], int] = {}

    def check(self, line: int, record: dict[str, Any]) -> StationRow | RowError:
        """A valid row or the first reason it is not."""
        name = str(record.get("name") or "").strip()
        district = str(record.get("district") or "").strip()
        state = str(record.get("state") or "").strip() or self.home_state
        text = " ".join(str(v) for v in record.values() if isinstance(v, str))
        if any(mark in text for mark in _MOJIBAKE):
            return RowError(line, "text looks double-encoded (saved in the wrong encoding?)")
        if not name or not district:
            return RowError(line, "name and district are required")
        index = self.gaz.district_index(state, district)
        if index is None:
            return RowError(line, f"unknown district '{district}' in {state}")
        polygon, problem = _geometry(record.get("jurisdiction"))
        if problem:
            return RowError(line, problem)
        lat, lon = _float(_pick(record, _LAT)), _float(_pick(record, _LON))
        if (lat is None or lon is None) and polygon is not None:
            inner = polygon.representative_point()
            lat, lon = inner.y, inner.x
        if lat is None or lon is None:
            return RowError(line, "missing or unreadable coordinates (lat, lon)")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return RowError(line, f"coordinates out of range ({lat}, {lon})")
        official = self.gaz.districts[index]
        metres = float(shapely.distance(self.gaz.geoms[index], Point(lon, lat))) * 111_320
        if metres > BORDER_SLACK_M:
            found = self.gaz.district_at(lat, lon)
            where = self.gaz.districts[found].name if found is not None else "outside India"
            return RowError(line, f"point ({lat}, {lon}) is outside {official.name} (in {where})")
        key = (official.state, official.name, latin_key(name))
        if key in self.seen:
            return RowError(
                line, f"duplicate name '{name}' in {official.name} (line {self.seen[key]})"
            )
        self.seen[key] = line
        approximate = str(record.get("approximate") or "").strip().lower() in ("1", "true", "yes")
        geo = shapely.geometry.mapping(polygon) if polygon is not None else None
        code = str(record.get("code") or "").strip()
        return StationRow(
            line,
            name,
            official.state,
            official.name,
            round(lat, 6),
            round(lon, 6),
            code,
            geo,
            approximate,
        )


def _decode_lines(data: bytes) -> tuple[list[str], list[RowError]]:
    """Lines of a UTF-8 file; a line that is not UTF-8 becomes an error and an empty line."""
    lines, errors = [], []
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            errors.append(RowError(number, "not UTF-8 (wrong encoding?): row skipped"))
            lines.append("")
    return lines, errors


def parse_csv(data: bytes, validator: Validator) -> tuple[list[StationRow], list[RowError]]:
    """Valid rows and errors of a CSV file; line numbers count the header as line 1."""
    lines, errors = _decode_lines(data)
    reader = csv.reader(lines)
    header = [h.strip().lower() for h in next(reader, [])]
    if "name" not in header or "district" not in header:
        return [], [RowError(1, "header must name at least: name, district, lat, lon")]
    rows: list[StationRow] = []
    bad_lines = {e.line for e in errors}
    for number, cells in enumerate(reader, start=2):
        if number in bad_lines or not any(c.strip() for c in cells):
            continue
        result = validator.check(number, dict(zip(header, cells, strict=False)))
        (rows if isinstance(result, StationRow) else errors).append(result)  # type: ignore[arg-type]
    return rows, sorted(errors, key=lambda e: e.line)


def parse_geojson(data: bytes, validator: Validator) -> tuple[list[StationRow], list[RowError]]:
    """Valid rows and errors of a GeoJSON FeatureCollection; 'line' is the feature number."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [RowError(1, "not UTF-8 (wrong encoding?)")]
    except json.JSONDecodeError as exc:
        return [], [RowError(exc.lineno, f"not valid JSON: {exc.msg}")]
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        return [], [RowError(1, "expected a GeoJSON FeatureCollection")]
    rows: list[StationRow] = []
    errors: list[RowError] = []
    for number, feature in enumerate(features, start=1):
        record = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coords = geometry.get("coordinates") or [None, None]
            record.setdefault("lon", coords[0] if len(coords) > 0 else None)
            record.setdefault("lat", coords[1] if len(coords) > 1 else None)
        elif geometry:
            record["jurisdiction"] = geometry
        result = validator.check(number, record)
        (rows if isinstance(result, StationRow) else errors).append(result)  # type: ignore[arg-type]
    return rows, errors


def parse_station_file(
    data: bytes, filename: str, gazetteer: Gazetteer, home_state: str
) -> tuple[list[StationRow], list[RowError]]:
    """Valid rows and errors of a station file, by its extension (.csv, .geojson, .json)."""
    validator = Validator(gazetteer, home_state)
    if filename.lower().endswith((".geojson", ".json")):
        return parse_geojson(data, validator)
    return parse_csv(data, validator)


def demo_rows(gazetteer: Gazetteer, state: str) -> list[dict[str, str]]:
    """One illustrative station per district of a state, at a point inside the district.

    Demo data only: the names are made up ("Demo thana <district>") and the points are
    not real stations.
    """
    rows = []
    for district in gazetteer.districts:
        if district.state == state:
            rows.append(
                {
                    "name": f"Demo thana {district.name}",
                    "district": district.name,
                    "state": state,
                    "lat": f"{district.lat:.6f}",
                    "lon": f"{district.lon:.6f}",
                    "approximate": "true",
                }
            )
    return rows
