"""Queue priority: exact values, ordering guarantees and validation (pure, no database)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jeevanrekha.core.priority import PriorityInput, priority, priority_band

FAST = settings(max_examples=200, deadline=None)

levels = st.integers(0, 4)
maybe_levels = st.none() | levels
ages = st.timedeltas(min_value=timedelta(hours=-2), max_value=timedelta(days=3))
confidences = st.none() | st.floats(0.0, 1.0)


def score(
    level: int | None,
    imminent: bool = False,
    age: timedelta = timedelta(0),
    conf: float | None = None,
) -> int:
    """Shorthand for priority(PriorityInput(...))."""
    return priority(PriorityInput(level, imminent, age, conf))


@pytest.mark.parametrize(
    ("level", "imminent", "age", "conf", "expected"),
    [
        (0, False, timedelta(0), None, 0),
        (1, False, timedelta(0), None, 160),
        (3, False, timedelta(0), None, 480),
        (None, False, timedelta(0), None, 480),  # unassessed platform alert = level 3
        (2, True, timedelta(0), None, 560),
        (4, False, timedelta(hours=3), None, 670),  # half the age cap: 30 points
        (4, True, timedelta(hours=6), 1.0, 955),  # the maximum
        (4, True, timedelta(days=30), 1.0, 955),  # age saturates
        (2, False, timedelta(minutes=-5), 0.5, 327),  # negative age clamps to 0; 0.5 → 7
        (0, False, timedelta(minutes=6), 0.0, 1),  # 6 min of 6 h = 1 point
    ],
)
def test_known_scores(
    level: int | None, imminent: bool, age: timedelta, conf: float | None, expected: int
) -> None:
    assert score(level, imminent, age, conf) == expected


@FAST
@given(maybe_levels, st.booleans(), ages, confidences)
def test_bounded(level: int | None, imminent: bool, age: timedelta, conf: float | None) -> None:
    assert 0 <= score(level, imminent, age, conf) <= 1000


@FAST
@given(levels, levels, st.booleans(), ages, confidences)
def test_monotone_in_risk_level(
    a: int, b: int, imminent: bool, age: timedelta, conf: float | None
) -> None:
    low, high = sorted((a, b))
    assert score(low, imminent, age, conf) <= score(high, imminent, age, conf)


@FAST
@given(maybe_levels, st.booleans(), ages, ages, confidences)
def test_monotone_in_age(
    level: int | None, imminent: bool, a: timedelta, b: timedelta, conf: float | None
) -> None:
    young, old = sorted((a, b))
    assert score(level, imminent, young, conf) <= score(level, imminent, old, conf)


@FAST
@given(maybe_levels, st.booleans(), st.timedeltas(min_value=timedelta(hours=6)), confidences)
def test_age_saturates_at_six_hours(
    level: int | None, imminent: bool, age: timedelta, conf: float | None
) -> None:
    assert score(level, imminent, age, conf) == score(level, imminent, timedelta(hours=6), conf)


@FAST
@given(levels, st.booleans(), ages, ages, confidences, confidences)
def test_higher_level_always_wins_at_same_imminence(
    level: int,
    imminent: bool,
    age_low: timedelta,
    age_high: timedelta,
    conf_low: float | None,
    conf_high: float | None,
) -> None:
    # Neither a long wait nor a precise location lifts a case above one a level higher.
    if level == 4:
        return
    lower = score(level, imminent, age_low, conf_low)
    higher = score(level + 1, imminent, age_high, conf_high)
    assert lower < higher


@FAST
@given(ages, ages, confidences, confidences)
def test_imminent_level_2_outranks_plain_level_3_but_not_plain_level_4(
    a1: timedelta, a2: timedelta, c1: float | None, c2: float | None
) -> None:
    assert score(2, True, a1, c1) > score(3, False, a2, c2)
    assert score(2, True, a1, c1) < score(4, False, a2, c2)


@FAST
@given(maybe_levels, st.booleans(), ages, st.floats(0.0, 1.0))
def test_known_location_is_a_small_tie_breaker(
    level: int | None, imminent: bool, age: timedelta, conf: float
) -> None:
    gain = score(level, imminent, age, conf) - score(level, imminent, age, None)
    assert 0 <= gain <= 15


@pytest.mark.parametrize(
    ("level", "conf"),
    [(5, None), (-1, None), (True, None), (2, 1.01), (2, -0.01), (2, math.nan)],
)
def test_out_of_range_inputs_are_refused(level: int, conf: float | None) -> None:
    with pytest.raises(ValueError):
        PriorityInput(level, False, timedelta(0), conf)


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, "low"), (239, "low"), (240, "medium"), (399, "medium"), (400, "high"),
     (559, "high"), (560, "critical"), (1000, "critical")],
)  # fmt: skip
def test_band_thresholds(value: int, band: str) -> None:
    assert priority_band(value) == band


@pytest.mark.parametrize("value", [-1, 1001])
def test_band_refuses_out_of_range(value: int) -> None:
    with pytest.raises(ValueError):
        priority_band(value)


@FAST
@given(maybe_levels, st.booleans(), ages, ages, confidences, confidences)
def test_band_depends_only_on_level_and_imminence(
    level: int | None,
    imminent: bool,
    a1: timedelta,
    a2: timedelta,
    c1: float | None,
    c2: float | None,
) -> None:
    assert priority_band(score(level, imminent, a1, c1)) == priority_band(
        score(level, imminent, a2, c2)
    )


def test_bands_by_case_kind() -> None:
    assert priority_band(score(4)) == "critical"
    assert priority_band(score(2, imminent=True)) == "critical"
    assert priority_band(score(None)) == "high"
    assert priority_band(score(2)) == "medium"
    assert priority_band(score(1, age=timedelta(hours=9), conf=1.0)) == "low"
