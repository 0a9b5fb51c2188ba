"""The scenario generator (pure): seeded, Uttar Pradesh places that locate, the shares asked."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import fields

import pytest

from jeevanrekha.geo.fusion import Context, resolve
from jeevanrekha.geo.runtime import load_gazetteer
from jeevanrekha.sim import feed
from jeevanrekha.sim.scenario import (
    HOME_STATE,
    Arrival,
    PlaceRow,
    ScenarioParams,
    arrival_times,
    generate,
    places_from_gazetteer,
)
from tests.unit.geo.conftest import NOW, geo_paths


@pytest.fixture(scope="module")
def gazetteer():  # type: ignore[no-untyped-def]
    return load_gazetteer(geo_paths())[0]


@pytest.fixture(scope="module")
def places(gazetteer) -> list[PlaceRow]:  # type: ignore[no-untyped-def]
    return places_from_gazetteer(gazetteer)


@pytest.fixture(scope="module")
def year(places: list[PlaceRow]) -> list[Arrival]:
    return generate(11, 365, places)


def test_same_seed_same_stream_other_seed_other_stream(places: list[PlaceRow]) -> None:
    assert generate(3, 20, places) == generate(3, 20, places)
    assert generate(3, 20, places) != generate(4, 20, places)


def test_every_parameter_names_its_source() -> None:
    sources = ScenarioParams.sources()
    assert set(sources) == {f.name for f in fields(ScenarioParams)}
    assert all(len(s) > 8 for s in sources.values()), sources


def test_rate_follows_the_published_week_and_nights_are_busier(year: list[Arrival]) -> None:
    # 14 alerts a week (MISSION) → about 730 a year; Poisson noise is about ±27.
    assert 650 <= len(year) <= 810
    hours = Counter(int(a.at_s // 3600) % 24 for a in year)
    night = sum(hours[h] for h in (22, 23, 0, 1))
    morning = sum(hours[h] for h in (5, 6, 7, 8))
    assert night > 2.5 * morning


def test_thinning_reproduces_a_flat_profile_rate() -> None:
    params = ScenarioParams(alerts_per_day=50.0, hour_profile=(1.0,) * 24)
    n = sum(1 for _ in arrival_times(random.Random(1), params, 100))
    assert 4700 <= n <= 5300


def test_shares_of_languages_evidence_other_state_phone_off_and_repeats(
    year: list[Arrival],
) -> None:
    n = len(year)
    langs = Counter(a.language for a in year)
    assert abs(langs["hi"] / n - 0.45) < 0.06 and abs(langs["en"] / n - 0.20) < 0.05
    quality = Counter(a.quality for a in year)
    assert abs(quality["district"] / n - 0.45) < 0.06 and quality["none"] > 0
    assert 0.04 < sum(a.other_state for a in year) / n < 0.11
    assert 0.04 < sum(a.phone_off for a in year) / n < 0.11
    assert all(a.place.state != HOME_STATE for a in year if a.other_state)
    assert all(a.place.state == HOME_STATE for a in year if not a.other_state)
    repeats = [a for a in year if a.repeat]
    assert 0.02 < len(repeats) / n < 0.09
    first = {a.person: a for a in reversed(year)}
    for again in repeats:  # the same handle and phone as the person's first alert
        assert (again.handle, again.phone) == (
            first[again.person].handle,
            first[again.person].phone,
        )


def test_places_are_spread_over_many_real_districts(year: list[Arrival]) -> None:
    districts = {a.district for a in year if not a.other_state}
    assert len(districts) >= 50
    # Every place has a point: STF's simulated fix comes from it (NaN broke the JSON column).
    assert all(math.isfinite(a.place.lat) and math.isfinite(a.place.lon) for a in year)


@pytest.mark.parametrize("quality", ["pin", "landmark", "district"])
def test_the_locate_engine_finds_the_district_from_the_generated_evidence(
    gazetteer,
    year: list[Arrival],
    quality: str,  # type: ignore[no-untyped-def]
) -> None:
    ctx = Context(gazetteer, now=NOW)
    sample = [a for a in year if a.quality == quality and not a.other_state][:30]
    hits = 0
    for a in sample:
        doc = feed.alert_for(a, "sim", NOW)
        evidence = {k: v for k, v in doc["evidence"].items() if k != "phone"}
        if quality == "landmark":  # the sentence that names the place (see docs/simulation.md)
            evidence["post_text"] = feed.place_sentence(a)
        res = resolve(evidence, ctx)
        hits += res.district == a.district
    assert hits / len(sample) >= 0.8, (quality, hits, len(sample))


def test_no_post_names_a_place_by_itself(gazetteer) -> None:  # type: ignore[no-untyped-def]
    # The evidence quality of an arrival is what it claims: a post with no place in it must
    # not locate anyone (the locate engine once read "gaya" as Gaya, Bihar).
    ctx = Context(gazetteer, now=NOW)
    for texts in feed.BY_LANGUAGE.values():
        for text in texts:
            res = resolve({"post_text": text}, ctx)
            assert (res.state, res.district) == (None, None), text
