"""The study's discrete-event model (pure): the manual arm reproduces the published figures,
the same seed gives the same numbers, and the desk's operators are a shared resource."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jeevanrekha.geo.runtime import load_gazetteer
from jeevanrekha.sim import study
from jeevanrekha.sim.scenario import (
    Arrival,
    PlaceRow,
    ScenarioParams,
    generate,
    places_from_gazetteer,
)
from tests.unit.geo.conftest import geo_paths


@pytest.fixture(scope="module")
def places() -> list[PlaceRow]:
    return places_from_gazetteer(load_gazetteer(geo_paths())[0])


@pytest.fixture(scope="module")
def year(places: list[PlaceRow]) -> dict:  # type: ignore[type-arg]
    # About 740 alerts: the published total (740 alerts → 457 saved, 61.8 %).
    return study.study(generate(2026, 365, places))


def test_manual_arm_reproduces_the_published_figures(year: dict) -> None:  # type: ignore[type-arg]
    manual = year["arms"]["manual"]
    assert 680 <= manual["alerts"] <= 800
    assert 0.56 <= manual["saved_share"] <= 0.68, manual  # published: 457 / 740 = 0.618
    assert 13.0 <= manual["on_scene_median_min"] <= 16.0, manual  # published: 13-15 minutes
    # Every published failure reason occurs; none of the other-state alerts is saved.
    assert {"location_unclear", "other_state", "dense_area", "phone_off"} <= set(
        manual["lost_by_reason"]
    )


def test_112_response_in_the_manual_arm_averages_about_nine_minutes(
    places: list[PlaceRow],
) -> None:
    arrivals = generate(5, 365, places)
    params = study.DeskParams()
    response = [params.manual_112_handling_min + a.travel_min for a in arrivals]
    assert 8.0 <= sum(response) / len(response) <= 10.0  # published: about 9 minutes


def test_both_arms_from_one_run_and_the_same_seed_gives_the_same_numbers(
    places: list[PlaceRow],
) -> None:
    first = study.study(generate(9, 30, places))
    again = study.study(generate(9, 30, places))
    other = study.study(generate(10, 30, places))
    assert first["arms"] == again["arms"] and first["on_scene_min"] == again["on_scene_min"]
    assert first["arms"] != other["arms"]
    assert first["arms"]["manual"]["alerts"] == first["arms"]["automated"]["alerts"]
    text = study.table(first)
    assert "manual desk" in text and "automated" in text and "lost: other_state" in text


def test_automated_flow_is_faster_and_forwards_other_states(year: dict) -> None:  # type: ignore[type-arg]
    manual, auto = year["arms"]["manual"], year["arms"]["automated"]
    assert auto["on_scene_median_min"] < manual["on_scene_median_min"]
    assert auto["within_10_min"] > manual["within_10_min"]
    assert auto["lost_by_reason"].get("other_state", 0) == 0
    assert auto["forwarded"] == manual["lost_by_reason"]["other_state"]


def _arrival(places: list[PlaceRow], number: int, at_s: float) -> Arrival:
    base = generate(1, 30, places)[0]
    return replace(
        base,
        number=number,
        at_s=at_s,
        other_state=False,
        phone_off=False,
        dense=False,
        quality="district",
        trace_min=5.0,
        travel_min=6.0,
        window_min=1000.0,
        ack_missed=False,
    )


def test_alerts_wait_for_a_free_operator(places: list[PlaceRow]) -> None:
    burst = [_arrival(places, n, 0.0) for n in range(1, 4)]
    one = study.run_arm(burst, study.manual, study.DeskParams(operators=1))
    three = study.run_arm(burst, study.manual, study.DeskParams(operators=3))
    times_one = [r.on_scene_min for r in one]
    assert len({r.on_scene_min for r in three}) == 1  # nobody waits
    assert times_one[0] < times_one[1] < times_one[2]  # each waits for the one before
    busy = study.DeskParams().manual_read_min + 5.0 + study.DeskParams().manual_relay_min
    assert times_one[1] - times_one[0] == pytest.approx(busy)


def test_phone_off_without_a_named_place_is_lost_in_both_arms(places: list[PlaceRow]) -> None:
    a = replace(_arrival(places, 1, 0.0), phone_off=True, quality="none", u_locate=0.0)
    for arm in (study.manual, study.automated):
        _, result = arm(a, 0.0, study.DeskParams())
        assert (result.outcome, result.reason) == ("lost", "location_unclear")


def test_scenario_parameters_change_the_outcome(places: list[PlaceRow]) -> None:
    # No test that cannot fail: a person with less time is saved less often.
    short = study.study(generate(3, 120, places, ScenarioParams(window_median_min=8.0)))
    long = study.study(generate(3, 120, places, ScenarioParams(window_median_min=80.0)))
    assert short["arms"]["manual"]["saved"] < long["arms"]["manual"]["saved"]
