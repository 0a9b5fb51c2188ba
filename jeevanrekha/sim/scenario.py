"""The Uttar Pradesh scenario: a seeded stream of alerts, with what really happened behind each.

Pure: no Django, no I/O; the random generator and the places are passed in. Every knob is a
field of :class:`ScenarioParams`, whose metadata names the source (docs/simulation.md quotes
it) or says "assumption". Each :class:`Arrival` also carries the latent facts the desk cannot
see (where the person is, whether the phone is on, how long help has), drawn once, so that the
study's two arms and the demo's agencies all meet the same people (common random numbers).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from jeevanrekha.sim import feed

HOME_STATE = "Uttar Pradesh"
QUALITIES = ("pin", "landmark", "district", "none")
LANGUAGES = ("hi", "hinglish", "en")


def _p(default: Any, source: str) -> Any:
    """A parameter with its source (read by docs and `sim params`)."""
    return field(default=default, metadata={"source": source})


# Relative alert intensity per hour of day (0-23, IST). People post at night: the example
# alert came at 03:25; the shape itself is an assumption (see docs/simulation.md).
NIGHT_HEAVY = (
    1.6, 1.5, 1.3, 1.2, 0.8, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8,
    0.8, 0.8, 0.8, 0.9, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8, 1.8,
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioParams:
    """Every parameter of the alert stream, each with its source."""

    alerts_per_day: float = _p(2.0, "MISSION: 14 alerts in one week (DGP, Sep 2024)")
    hour_profile: tuple[float, ...] = _p(NIGHT_HEAVY, "assumption; example alert at 03:25")
    languages: dict[str, float] = field(
        default_factory=lambda: {"hi": 0.45, "hinglish": 0.35, "en": 0.20},
        metadata={"source": "assumption (the posts quoted in the articles are Hindi)"},
    )
    evidence_quality: dict[str, float] = field(
        default_factory=lambda: {"pin": 0.15, "landmark": 0.15, "district": 0.45, "none": 0.25},
        metadata={"source": "assumption"},
    )
    other_state_share: float = _p(1 / 14, "MISSION: one of 4 failures in 14 was another state")
    phone_off_share: float = _p(1 / 14, "MISSION: one of 4 failures in 14 was phone off")
    dense_area_share: float = _p(1 / 14, "MISSION: one of 4 failures in 14 was a dense area")
    urban_share: float = _p(0.35, "assumption (UP is ~22% urban by census; alerts skew urban)")
    repeat_share: float = _p(0.05, "assumption (the issue asks for repeat persons)")
    repeat_within_days: float = _p(10.0, "assumption")
    window_median_min: float = _p(26.0, "fitted: manual arm reproduces 457 of 740 saved")
    window_sigma: float = _p(0.9, "assumption (log-normal spread of the time help has)")
    trace_median_min: float = _p(5.0, "issue #8: location traced in about 5 minutes")
    fleet_size: int = _p(6300, "assumption: MISSION: thousands of vehicles; bench fleet 6,300")
    up_area_km2: float = _p(240_928.0, "public fact: area of Uttar Pradesh")
    urban_density_factor: float = _p(4.0, "assumption: vehicles concentrate in towns")
    dense_search_median_min: float = _p(15.0, "assumption: finding a door in a dense area")
    ack_median_min: float = _p(1.0, "assumption: a duty officer answers a page")
    ack_missed_share: float = _p(0.10, "assumption: a page goes unanswered (night, busy)")

    @classmethod
    def sources(cls) -> dict[str, str]:
        """name → source, for the docs and the study's JSON."""
        return {f.name: str(f.metadata.get("source", "")) for f in fields(cls)}


@dataclass(frozen=True)
class PlaceRow:
    """A real place from the gazetteer: what a post may name, and where it is."""

    name: str
    kind: str
    state: str
    district: str
    lat: float
    lon: float
    pin: int


@dataclass(frozen=True)
class Arrival:
    """One alert and the hidden truth behind it (the desk sees only the alert)."""

    number: int
    at_s: float  # seconds since the start of the scenario
    person: int  # the same number again: a repeat person
    handle: str
    phone: str
    language: str
    text: str
    quality: str  # pin, landmark, district, none
    place: PlaceRow
    other_state: bool
    phone_off: bool
    dense: bool
    urban: bool
    repeat: bool
    window_min: float  # how long help has before it is too late (never seen by the desk)
    trace_min: float  # how long a phone trace takes (when the phone is on)
    travel_min: float  # the nearest vehicle's drive, by the dispatch travel model
    search_min: float  # time to find the door once there (dense areas)
    ack_min: float  # how long the first one paged takes to answer
    ack_missed: bool  # the first one paged never answers (a ladder climbs; a desk phones)
    u_locate: float  # uniform draw: does the locate engine need a trace for this evidence?

    @property
    def district(self) -> str:
        return self.place.district


def places_from_gazetteer(gaz: Any) -> list[PlaceRow]:
    """Localities with a PIN and landmarks of every state (for other-state alerts too),
    with a point (some gazetteer places have none: a trace could not come back from them)."""
    out: list[PlaceRow] = []
    seen: set[tuple[str, int]] = set()
    for bucket in gaz.exact.values():
        for p in bucket:
            if p.district < 0 or (p.name, p.district) in seen:
                continue
            if not (math.isfinite(p.lat) and math.isfinite(p.lon)):
                continue
            if p.kind == "landmark" or (p.kind == "locality" and p.pin):
                seen.add((p.name, p.district))
                d = gaz.districts[p.district]
                out.append(PlaceRow(p.name, p.kind, d.state, d.name, p.lat, p.lon, p.pin))
    out.sort(key=lambda r: (r.state, r.district, r.name, r.pin))
    return out


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def arrival_times(rng: random.Random, params: ScenarioParams, days: float) -> Iterator[float]:
    """A non-homogeneous Poisson process by hour of day (thinning, Lewis & Shedler)."""
    profile = params.hour_profile
    mean = sum(profile) / len(profile)
    peak = max(profile) / mean * params.alerts_per_day / 86_400.0
    t, end = 0.0, days * 86_400.0
    while True:
        t += rng.expovariate(peak)
        if t >= end:
            return
        rate = profile[int(t // 3600) % 24] / mean * params.alerts_per_day / 86_400.0
        if rng.random() * peak <= rate:
            yield t


def travel_minutes(rng: random.Random, params: ScenarioParams, urban: bool) -> float:
    """Drive of the nearest of a Poisson field of vehicles, by the dispatch travel model.

    Nearest-neighbour distance in a plane with density d is Rayleigh with
    sigma = 1 / sqrt(2 pi d); minutes per km follow dispatch/nearest.py's TravelModel
    defaults (road factor / speed by area).
    """
    density = params.fleet_size / params.up_area_km2
    density *= params.urban_density_factor if urban else 1.0 / params.urban_density_factor**0.5
    sigma = 1.0 / math.sqrt(2 * math.pi * density)
    km = sigma * math.sqrt(-2.0 * math.log(1.0 - rng.random()))
    per_km = 60.0 * 1.4 / 25.0 if urban else 60.0 * 1.3 / 45.0
    return max(1.0, km * per_km)


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


@dataclass
class _People:
    """Who has posted before (for repeats): person → (handle, phone, place, last seen)."""

    known: list[tuple[int, str, str, PlaceRow, float]] = field(default_factory=list)


def _person(
    rng: random.Random, params: ScenarioParams, t: float, people: _People, place: PlaceRow
) -> tuple[int, str, str, PlaceRow, bool]:
    recent = [p for p in people.known if t - p[4] <= params.repeat_within_days * 86_400]
    if recent and rng.random() < params.repeat_share:
        person, handle, phone, where, _ = rng.choice(recent)
        people.known.append((person, handle, phone, where, t))
        return person, handle, phone, where, True
    person = len(people.known) + 1
    handle = f"{rng.choice(feed.NAMES).lower()}_{rng.randrange(10_000, 99_999)}"
    phone = f"+91 9{rng.randrange(100_000_000, 999_999_999)}"
    people.known.append((person, handle, phone, place, t))
    return person, handle, phone, place, False


def generate(
    seed: int, days: float, places: Sequence[PlaceRow], params: ScenarioParams | None = None
) -> list[Arrival]:
    """The whole seeded stream: same seed, same places, same params → the same arrivals."""
    params = params or ScenarioParams()
    rng = random.Random(seed)
    home = [p for p in places if p.state == HOME_STATE]
    away = [p for p in places if p.state != HOME_STATE] or home
    if not home:
        raise ValueError("no places of Uttar Pradesh: is the gazetteer built?")
    people, out = _People(), []
    for number, t in enumerate(arrival_times(rng, params, days), start=1):
        other = rng.random() < params.other_state_share
        place = rng.choice(away if other else home)
        person, handle, phone, place, repeat = _person(rng, params, t, people, place)
        urban = rng.random() < params.urban_share
        dense = urban and rng.random() < params.dense_area_share / max(params.urban_share, 1e-9)
        language = _pick(rng, params.languages)
        out.append(
            Arrival(
                number=number,
                at_s=t,
                person=person,
                handle=handle,
                phone=phone,
                language=language,
                text=feed.post_text(rng, language),
                quality=_pick(rng, params.evidence_quality),
                place=place,
                other_state=place.state != HOME_STATE,
                phone_off=rng.random() < params.phone_off_share,
                dense=dense,
                urban=urban,
                repeat=repeat,
                window_min=_lognormal(rng, params.window_median_min, params.window_sigma),
                trace_min=_lognormal(rng, params.trace_median_min, 0.25),
                travel_min=travel_minutes(rng, params, urban),
                search_min=_lognormal(rng, params.dense_search_median_min, 0.5) if dense else 0,
                ack_min=rng.expovariate(math.log(2) / params.ack_median_min),
                ack_missed=rng.random() < params.ack_missed_share,
                u_locate=rng.random(),
            )
        )
    return out
