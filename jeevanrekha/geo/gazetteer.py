"""The gazetteer at run time: districts with polygons, PIN codes, named places, stations.

Loaded once per process from the artefact that `build.py` writes; every lookup is in
memory. Pure: no Django (stations are handed in by the caller).
"""

from __future__ import annotations

import gc
import math
import pickle
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from rapidfuzz import fuzz, process
from shapely import STRtree
from shapely.geometry import Point

from jeevanrekha.geo import aliases
from jeevanrekha.geo.text import latin_key, skeleton

METRES_PER_DEGREE = 111_320.0
KIND_RANK = {"state": 5, "district": 4, "city": 3, "landmark": 3, "subdistrict": 2, "locality": 1}


@dataclass(frozen=True, slots=True)
class District:
    """One district: canonical name, state, LGD code, a representative point."""

    index: int
    state: str
    name: str
    lgd: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Place:
    """A named place: what it is, where (district index, or -1 for a whole state)."""

    name: str
    kind: str
    state: str
    district: int
    sub_district: str
    lat: float
    lon: float
    pin: int


@dataclass(frozen=True, slots=True)
class PinInfo:
    """What a PIN code says: its main district, how sure, and a point."""

    pin: int
    district: int
    share: float
    lat: float
    lon: float
    others: tuple[int, ...]
    sub_district: str


@dataclass(frozen=True, slots=True)
class StationPoint:
    """A police station known to the gazetteer (imported by the deployment)."""

    name: str
    state: str
    district: str
    lat: float
    lon: float
    polygon: Any = None


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """All lookups the resolver needs. Build with `load(path)`."""

    def __init__(self, artefact: dict[str, Any]) -> None:
        raw = artefact["districts"]
        self.geoms = list(shapely.from_wkb([d[3] for d in raw]))
        self.tree = STRtree(self.geoms)
        self.districts: list[District] = []
        for i, (state, name, code, _) in enumerate(raw):
            point = self.geoms[i].representative_point()
            self.districts.append(District(i, state, name, code, point.y, point.x))
        self.by_name: dict[tuple[str, str], int] = {
            (d.state, latin_key(d.name)): d.index for d in self.districts
        }
        self.states = sorted({d.state for d in self.districts})
        pin_sub: dict[int, str] = artefact.get("pin_sub", {})
        self.pins = {
            pin: PinInfo(pin, v[0], v[1], v[2], v[3], tuple(v[4]), pin_sub.get(pin, ""))
            for pin, v in artefact["pins"].items()
        }
        self.exact: dict[str, list[Place]] = defaultdict(list)
        self.skel: dict[str, list[Place]] = defaultdict(list)
        self._add_places(artefact["places"])
        self._add_curated()
        major = [
            k
            for k, v in self.exact.items()
            if len(k) >= 4 and _major(v, aliases.HOME_STATE_DEFAULT)
        ]
        self._major = sorted(major, key=len)  # sliced by length: see fuzzy()
        self._major_lengths = [len(k) for k in self._major]
        self._fuzzy_cache: dict[tuple[str, float], list[Place]] = {}
        self.stations: dict[int, list[StationPoint]] = defaultdict(list)
        self.sources: dict[str, str] = dict(artefact.get("sources", {}))

    # -- building the name index ------------------------------------------------------

    def _index(self, name: str, place: Place, *, loose: bool = True) -> None:
        key = latin_key(name)
        if not key or key.isdigit():
            return
        bucket = self.exact[key]
        if not any(p.kind == place.kind and p.district == place.district for p in bucket):
            bucket.append(place)
        skel = skeleton(name)
        if loose and len(skel) >= 3:
            sbucket = self.skel[skel]
            if not any(p.kind == place.kind and p.district == place.district for p in sbucket):
                sbucket.append(place)

    def _add_places(self, rows: list[tuple[str, str, int, str, float, float, int]]) -> None:
        home = aliases.HOME_STATE_DEFAULT
        for name, kind, district, sub, lat, lon, pin in rows:
            state = self.districts[district].state
            # Towns elsewhere are matched only as written: their names are too many and too
            # short to be guessed from a misspelling without producing false other-state hits.
            loose = state == home or kind == "district"
            self._index(name, Place(name, kind, state, district, sub, lat, lon, pin), loose=loose)

    def _add_curated(self) -> None:
        for d in self.districts:
            place = Place(d.name, "district", d.state, d.index, "", d.lat, d.lon, 0)
            self._index(d.name, place)
            if d.state == aliases.HOME_STATE_DEFAULT:
                for other in aliases.UP_DISTRICTS.get(d.name, ()):
                    self._index(other, place)
        for (state, district), others in aliases.OTHER_DISTRICTS.items():
            found = self.by_name.get((state, latin_key(district)))
            if found is not None:
                d = self.districts[found]
                for other in others:
                    self._index(other, Place(d.name, "district", state, found, "", d.lat, d.lon, 0))
        short = {s: tuple(k for k, v in aliases.STATE_SHORT.items() if v == s) for s in self.states}
        for state, others in aliases.STATES.items():
            if state in self.states:
                for name in (state, *others, *short.get(state, ())):
                    self._index(name, Place(state, "state", state, -1, "", math.nan, math.nan, 0))
        for city, (state, district, others) in aliases.CITIES.items():
            index = self.district_index(state, district)
            if index is not None:
                d = self.districts[index]
                for name in (city, *others):
                    self._index(name, Place(city, "city", state, index, "", d.lat, d.lon, 0))
        home = aliases.HOME_STATE_DEFAULT
        for landmark, (district, others) in aliases.LANDMARKS.items():
            index = self.district_index(home, district)
            if index is not None:
                lat, lon = self._point_of((landmark, *others), index)
                place = Place(landmark, "landmark", home, index, "", lat, lon, 0)
                for name in (landmark, *others):
                    self._index(name, place)

    def _point_of(self, names: tuple[str, ...], district: int) -> tuple[float, float]:
        """A landmark's point: a post office or place of one of its names in its district."""
        for name in names:
            for word in (name, name.split()[0]):
                for place in self.exact.get(latin_key(word), ()):
                    if place.district == district and not math.isnan(place.lat):
                        return place.lat, place.lon
        d = self.districts[district]
        return d.lat, d.lon

    # -- lookups ----------------------------------------------------------------------

    def district_index(self, state: str, name: str) -> int | None:
        """The index of a district by state and (any spelling of) its name."""
        found = self.by_name.get((state, latin_key(name)))
        if found is not None:
            return found
        for place in self.exact.get(latin_key(name), ()):
            if place.kind == "district" and place.state == state:
                return place.district
        return None

    def lookup(self, text: str) -> list[Place]:
        """Places whose name (or alias) is exactly this text, any script."""
        return self.exact.get(latin_key(text), [])

    def lookup_skeleton(self, text: str) -> list[Place]:
        """Places whose consonant skeleton equals this text's (spelling-tolerant)."""
        skel = skeleton(text)
        return self.skel.get(skel, []) if len(skel) >= 3 else []

    def fuzzy(self, text: str, cutoff: float = 88.0) -> list[Place]:
        """States, districts, cities and sub-districts within a typo or two of the text."""
        key = latin_key(text)
        if not 5 <= len(key) <= 28:
            return []
        cached = self._fuzzy_cache.get((key, cutoff))
        if cached is not None:
            return cached
        # ratio >= cutoff is impossible when the lengths differ by more than this:
        spread = int(len(key) * (100 - cutoff) / cutoff) + 1
        low = bisect_left(self._major_lengths, len(key) - spread)
        high = bisect_right(self._major_lengths, len(key) + spread)
        keys = self._major[low:high]
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3)
        found = [p for hit in hits for p in self.exact[hit[0]] if p.kind != "locality"]
        if len(self._fuzzy_cache) > 100_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[(key, cutoff)] = found
        return found

    def district_at(self, lat: float, lon: float) -> int | None:
        """The district containing the point, or None (outside India or at sea)."""
        found = self.tree.query(Point(lon, lat), predicate="intersects")
        return int(found[0]) if len(found) else None

    def districts_near(self, lat: float, lon: float, metres: float) -> list[tuple[int, float]]:
        """(district, distance in metres) for every district within `metres` of the point."""
        point = Point(lon, lat)
        degrees = metres / METRES_PER_DEGREE
        hits = self.tree.query(point, predicate="dwithin", distance=degrees)
        out = []
        for index in hits:
            dist = float(shapely.distance(self.geoms[int(index)], point)) * METRES_PER_DEGREE
            out.append((int(index), dist))
        return sorted(out, key=lambda pair: pair[1])

    def pin(self, code: int) -> PinInfo | None:
        """What the PIN directory says about a PIN code."""
        return self.pins.get(code)

    # -- police stations --------------------------------------------------------------

    def set_stations(self, stations: list[StationPoint]) -> None:
        """Replace the station list (the deployment's import)."""
        self.stations = defaultdict(list)
        for station in stations:
            index = self.district_index(station.state, station.district)
            if index is not None:
                self.stations[index].append(station)

    def station_named(self, district: int, names: list[str]) -> str | None:
        """The imported station of the district that one of these written names means."""
        wanted = {skeleton(n) for n in names if len(skeleton(n)) >= 3}
        wanted |= {latin_key(n) for n in names}
        for station in self.stations.get(district, []):
            bare = " ".join(w for w in station.name.split() if latin_key(w) not in _STATION_WORDS)
            if latin_key(bare) in wanted or skeleton(bare) in wanted:
                return station.name
        return None

    def station_for(self, district: int, lat: float, lon: float) -> tuple[str, bool] | None:
        """(station, approximate) for a point: its jurisdiction polygon, else the nearest."""
        candidates = self.stations.get(district, [])
        if not candidates:
            return None
        if not math.isnan(lat):
            point = Point(lon, lat)
            for station in candidates:
                if station.polygon is not None and station.polygon.intersects(point):
                    return station.name, False
            best = min(candidates, key=lambda s: metres_between(lat, lon, s.lat, s.lon))
            return best.name, True
        return (candidates[0].name, True) if len(candidates) == 1 else None


_STATION_WORDS = {"thana", "ps", "police", "station", "kotwali", "chowki", "thane"}


def _major(places: list[Place], home: str) -> bool:
    """Worth a typo search: a state, district, city or landmark, or a home sub-district."""
    return any(
        p.kind not in ("locality", "subdistrict") or (p.kind == "subdistrict" and p.state == home)
        for p in places
    )


def load(path: Path) -> Gazetteer:
    """Load the artefact written by `build.build`."""
    with open(path, "rb") as handle:
        artefact = pickle.load(handle)  # the project's own artefact, built on this machine
    gazetteer = Gazetteer(artefact)
    del artefact
    # Half a million long-lived objects: keep the cyclic GC from walking them again and
    # again (full collections would add tens of milliseconds to random resolutions).
    gc.collect()
    gc.freeze()
    return gazetteer
