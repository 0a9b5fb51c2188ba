"""The follow-up schedule and adherence, pure (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.followup.schedule import (
    Adherence,
    adherence,
    parse_duration,
    parse_schedule,
    schedule_times,
)

T0 = datetime(2026, 11, 23, 3, 25, tzinfo=UTC)
H = timedelta(hours=1)
GRACE = timedelta(hours=12)


def test_the_default_schedule() -> None:
    offsets = parse_schedule("24h,72h,7d,30d")
    assert [o.label for o in offsets] == ["24h", "72h", "7d", "30d"]
    assert schedule_times(T0, offsets) == [T0 + 24 * H, T0 + 72 * H, T0 + 168 * H, T0 + 720 * H]


def test_a_schedule_is_put_in_time_order_and_accepts_minutes_and_weeks() -> None:
    offsets = parse_schedule(" 2w, 30m ,1D")
    assert [(o.label, o.delta) for o in offsets] == [
        ("30m", timedelta(minutes=30)),
        ("1d", timedelta(days=1)),
        ("2w", timedelta(weeks=2)),
    ]


@pytest.mark.parametrize("bad", ["", " , ", "24", "0h", "1y", "-1h", "24h,1d", "h", "1.5h"])
def test_bad_schedules_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(bad)


def test_too_many_checks_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        parse_schedule(",".join(f"{n}h" for n in range(1, 30)))


def test_parse_duration_names_the_bad_value() -> None:
    with pytest.raises(ValueError, match="'soon'"):
        parse_duration("soon")


@pytest.mark.parametrize(
    ("recorded", "now", "cancelled", "expected"),
    [
        (T0 - H, T0, None, Adherence.ON_TIME),  # early counts as on time
        (T0 + 12 * H, T0 + 20 * H, None, Adherence.ON_TIME),  # the last minute of the window
        (T0 + 12 * H + timedelta(seconds=1), T0 + 20 * H, None, Adherence.LATE),
        (None, T0 + 12 * H, None, Adherence.PENDING),
        (None, T0 + 13 * H, None, Adherence.MISSED),
        (None, T0 + 99 * H, T0 + 2 * H, Adherence.CANCELLED),  # ended within the window
        (None, T0 + 99 * H, T0 + 13 * H, Adherence.MISSED),  # ended after it had passed
        (None, T0 + H, T0 + H, Adherence.CANCELLED),
    ],
)
def test_adherence(
    recorded: datetime | None, now: datetime, cancelled: datetime | None, expected: Adherence
) -> None:
    assert adherence(T0, GRACE, recorded, now, cancelled_at=cancelled) == expected


@given(st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=20, unique=True))
def test_any_written_schedule_reads_back_in_order(hours: list[int]) -> None:
    offsets = parse_schedule(",".join(f"{h}h" for h in hours))
    assert [o.delta for o in offsets] == [timedelta(hours=h) for h in sorted(hours)]
