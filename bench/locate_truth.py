"""Ground truth for the locate evaluation, from ../shared/data/geo (never from the resolver).

A post office's district is where the HT/Srishti UP district polygons put its coordinates,
kept only when the India Post directory agrees (names compared through the project's alias
table, which only says that "Allahabad" and "Prayagraj" are one district). Other states:
the directory's state, checked against the HT state polygons; the district only when the
2011 district polygons confirm it.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from rapidfuzz import fuzz
from shapely import STRtree
from shapely.geometry import Point, shape

from jeevanrekha.geo.aliases import OTHER_DISTRICTS, UP_DISTRICTS
from jeevanrekha.geo.text import latin_key

ROOT = Path(__file__).resolve().parent.parent
HOME = "Uttar Pradesh"


def shared_dir() -> Path:
    """../shared/data/geo beside the repo, or $GEO_SHARED_DIR."""
    return Path(os.environ.get("GEO_SHARED_DIR", ROOT.parent / "shared" / "data" / "geo"))


def canon(name: str) -> str:
    """A district name's canonical key (spelling and old names folded by the alias table)."""
    key = latin_key(re.sub(r"\(.*?\)", "", name))
    return _CANON.get(key, key)


_CANON: dict[str, str] = {}
for _name, _others in UP_DISTRICTS.items():
    for _o in (_name, *_others):
        _CANON.setdefault(latin_key(_o), latin_key(_name))
_CANON["santravidasnagar"] = "bhadohi"
for (_state, _name), _others in OTHER_DISTRICTS.items():
    for _o in (_name, *_others):
        _CANON.setdefault(latin_key(_o), latin_key(_name))


@dataclass
class Office:
    name: str
    pin: str
    district: str
    state: str
    lat: float
    lon: float
    border_m: float


def _features(path: Path, name_key: str) -> list[tuple[str, Any]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [
        (f["properties"][name_key], shapely.make_valid(shape(f["geometry"])))
        for f in doc["features"]
        if f.get("geometry")
    ]


def _state_name(raw: str) -> str:
    fixes = {
        "NCT of Delhi": "Delhi",
        "Arunanchal Pradesh": "Arunachal Pradesh",
        "Jammu & Kashmir": "Jammu And Kashmir",
    }
    return fixes.get(raw, raw.title().replace(" And ", " And "))


def _clean(name: str) -> str:
    words = name.split()
    while words and words[-1].upper().rstrip(".") in ("BO", "SO", "HO", "B.O", "S.O", "H.O"):
        words.pop()
    return " ".join(words).split("(")[0].strip()


def load_offices(base: Path) -> tuple[list[Office], list[Office]]:
    """(UP offices, other-state offices) whose place the polygons and the directory agree on."""
    up_polys = _features(base / "ht-shapefiles" / "uttarpradesh_district.json", "district")
    all_polys = _features(base / "ht-shapefiles" / "india_district.json", "district")
    all_tree = STRtree([g for _, g in all_polys])
    state_polys = _features(base / "ht-shapefiles" / "india_state.json", "ST_NM")
    up_tree, st_tree = STRtree([g for _, g in up_polys]), STRtree([g for _, g in state_polys])
    up, other = [], []
    path = base / "india-post-pincodes" / "india_post_offices_geo_quality.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["geo_quality"] != "original" or not row["state"]:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            point = Point(lon, lat)
            states = st_tree.query(point, predicate="intersects")
            if len(states) != 1:
                continue
            state = _state_name(state_polys[int(states[0])][0])
            if latin_key(state) != latin_key(row["state"].title()):
                continue
            name = _clean(row["office_name"])
            if state != HOME:
                hits = all_tree.query(point, predicate="intersects")
                names = [all_polys[int(h)][0] for h in hits]
                district = row["district"].title()
                if state == "Delhi" or not any(_alike(n, district) for n in names):
                    district = ""  # the 2011 polygons do not confirm the directory's district
                other.append(Office(name, row["pincode"], district, state, lat, lon, 1e9))
                continue
            hits = up_tree.query(point, predicate="intersects")
            if len(hits) != 1 or canon(up_polys[int(hits[0])][0]) != canon(row["district"]):
                continue
            geom = up_polys[int(hits[0])][1]
            border = float(shapely.distance(geom.boundary, point)) * 111_320
            district = _display(up_polys[int(hits[0])][0])
            up.append(Office(name, row["pincode"], district, HOME, lat, lon, border))
    return up, other


def _alike(a: str, b: str) -> bool:
    ka, kb = canon(a), canon(b)
    return ka == kb or fuzz.ratio(ka, kb) >= 85


def _display(name: str) -> str:
    key = canon(name)
    for official in UP_DISTRICTS:
        if latin_key(official) == key:
            return official
    return name


def devanagari_names(base: Path) -> dict[str, str]:
    """latin key of a UP place -> its Devanagari name, from GeoNames alternates."""
    out: dict[str, str] = {}
    path = base / "geonames-cities-in" / "geonames_cities500_IN.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["admin1code"] == "36" and row["alternatenames_devanagari"]:
                out.setdefault(
                    latin_key(row["name"]), row["alternatenames_devanagari"].split("|")[0]
                )
    return out


def tehsils(base: Path) -> dict[str, str]:
    """PIN -> sub-district name (GeoNames postal, home state only)."""
    out: dict[str, str] = {}
    with open(base / "geonames-postal-in" / "IN.txt", encoding="utf-8") as handle:
        for line in handle:
            cols = line.split("\t")
            if len(cols) > 7 and cols[3] == HOME and cols[7] and "." not in cols[7]:
                out.setdefault(cols[1], cols[7])
    return out


def phone_series(base: Path) -> dict[str, list[str]]:
    """Circle code -> 4-digit mobile series allotted there."""
    out: dict[str, list[str]] = defaultdict(list)
    path = base / "telecom-circle-series" / "mobile_series_4digit.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["circle_code"] and row["series4"].isdigit():
                out[row["circle_code"]].append(row["series4"])
    return out


def ip_ranges(base: Path, wanted: set[str]) -> dict[str, list[tuple[str, str]]]:
    """State -> IPv4 ranges DB-IP puts there (first 200 per state)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    path = base / "dbip-city-lite-india" / "dbip_city_lite_IN.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["ip_version"] == "4" and row["state"] in wanted and len(out[row["state"]]) < 200:
                out[row["state"]].append((row["ip_start"], row["ip_end"]))
    return out
