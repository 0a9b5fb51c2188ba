"""The living demo's world: a seeded alert stream at demo pace, and the loop that lets the
pipeline, the timers and the simulated agencies act on the wall clock (compressed for the
agencies: see Agencies.speedup). Used by `jeevanrekha demo`."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from jeevanrekha.sim import feed
from jeevanrekha.sim.agencies import Agencies
from jeevanrekha.sim.scenario import Arrival, PlaceRow, ScenarioParams, generate

log = logging.getLogger(__name__)
DEMO_CHECKS = "1m,2m,5m,10m"  # the follow-up schedule, compressed (real: 24h,72h,7d,30d)
SHOWCASE = "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"  # the post of the 2022 Lucknow alert


BATCH = 300  # arrivals generated at a time (the demo runs for as long as it is left on)


def demo_arrivals(
    seed: int,
    every: float,
    places: list[PlaceRow],
    *,
    size: int = BATCH,
    first: int = 1,
    showcase: Callable[[Arrival], bool] | None = None,
) -> list[Arrival]:
    """`size` arrivals at one every `every` seconds on average (flat over the day), numbered
    from `first`. With `showcase`, a clear one that passes it goes first (e.g. the locate
    engine reads it right and a vehicle is near): a newcomer should see a whole rescue
    within a minute, not wait for luck."""
    params = ScenarioParams(alerts_per_day=86_400.0 / every, hour_profile=(1.0,) * 24)
    arrivals: list[Arrival] = []
    days = size * every / 86_400.0
    while len(arrivals) < size:
        arrivals = generate(seed, days, places, params)
        days *= 1.5
    ordered = arrivals[:size]
    clear = next((a for a in ordered if showcase and _clear(a) and showcase(a)), None)
    if clear is not None:
        rest = [a for a in ordered if a is not clear]
        ordered = [replace(clear, text=SHOWCASE, at_s=0.0), *rest]
    return [replace(a, number=n) for n, a in enumerate(ordered, start=first)]


def _clear(a: Arrival) -> bool:
    return (
        a.quality == "pin"
        and not a.other_state
        and not a.phone_off
        and not a.dense
        and a.place.pin > 0
        and not a.repeat
    )


def body_of(arrival: Arrival, rng: random.Random, source: str, now: datetime) -> bytes:
    """The bytes to post: usually the arrival's alert, sometimes broken in transit (as real
    feeds are), so that the demo shows the quarantine too."""
    doc = feed.alert_for(arrival, source, now)
    roll = rng.random()
    if arrival.number > 1 and roll < 0.03:
        return json.dumps(doc).encode()[:-7]
    if arrival.number > 1 and roll < 0.05:
        doc["post"] = "see attachment"
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def showcase_check(
    vehicles: list[tuple[float, float]], km: float = 3.0
) -> Callable[[Arrival], bool]:
    """The demo's first case: the locate engine puts it in its true district, confidently,
    and a demo vehicle (its planned start: sim/fleet.py) is within `km`."""
    from jeevanrekha.dispatch import conf as dispatch_conf
    from jeevanrekha.geo import conf as geo_conf
    from jeevanrekha.geo.fusion import resolve
    from jeevanrekha.geo.gazetteer import metres_between

    ctx, sure = geo_conf.context(), dispatch_conf.high_confidence()

    def check(a: Arrival) -> bool:
        lat, lon = a.place.lat, a.place.lon
        if not any(metres_between(lat, lon, *v) <= km * 1000 for v in vehicles):
            return False
        doc = feed.alert_for(a, "check", datetime.now().astimezone())
        res = resolve({**doc["evidence"], "post_text": doc["post"]["text"]}, ctx)
        return res.district == a.place.district and res.confidence >= sure

    return check


def warm_up() -> None:
    """Load the risk model and the gazetteer now, not when the first alert waits for them."""
    from jeevanrekha.geo import conf as geo_conf
    from jeevanrekha.risk import assess

    geo_conf.context()
    assess(SHOWCASE)


def run_world(
    agencies: Agencies,
    stop: threading.Event,
    interval: float = 0.5,
    prepare: Callable[[], object] | None = None,
) -> None:
    """`prepare()` (e.g. register the fleet), warm up, then turn the machine until `stop`
    is set: stages, agencies, timers (sim/driver.py)."""
    from django.db import connection
    from django.utils import timezone

    from jeevanrekha.sim.driver import turn

    try:
        if prepare is not None:
            prepare()
        warm_up()
        while not stop.is_set():
            started = time.monotonic()
            try:
                turn(agencies, timezone.now(), worker="demo")
            except Exception:  # keep the demo going; the log says what failed
                log.exception("demo: the simulated world failed a turn")
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
    finally:
        connection.close()
