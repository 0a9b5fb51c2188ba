"""Escalation ladders: current step, next deadline, default policies (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jeevanrekha.core.escalation import (
    DEFAULT_POLICIES,
    EscalationPolicy,
    EscalationStep,
    next_deadline,
    step_for,
)

FAST = settings(max_examples=200, deadline=None)
IST = timezone(timedelta(hours=5, minutes=30), "IST")
T0 = datetime(2025, 3, 14, 23, 50, tzinfo=IST)
STATION = DEFAULT_POLICIES["police_station"]
US = timedelta(microseconds=1)


def m(minutes: float) -> timedelta:
    """Minutes as a timedelta."""
    return timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("elapsed", "step"),
    [(-m(5), 0), (m(0), 0), (m(3) - US, 0), (m(3), 1), (m(8) - US, 1), (m(8), 2),
     (m(18) - US, 2), (m(18), 3), (timedelta(days=2), 3)],
)  # fmt: skip
def test_police_station_steps(elapsed: timedelta, step: int) -> None:
    assert step_for(STATION, elapsed) == step


def test_police_station_ladder_is_the_agreed_one() -> None:
    assert [(s.notify, s.ack_within) for s in STATION.steps] == [
        ("station_duty_officer", m(3)),
        ("station_house_officer", m(5)),
        ("circle_officer", m(10)),
        ("district_control_room", m(5)),
    ]
    assert STATION.steps[-1].renotify_every == m(5)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (m(0), m(3)),  # duty officer's deadline
        (m(-1), m(3)),  # clock skew: now before creation
        (m(3), m(8)),  # escalated to the SHO; due at the end of that step
        (m(8), m(13)),  # circle officer: re-notified 5 min into the step
        (m(13), m(18)),  # the next re-notify would be at the step end, which escalates
        (m(17), m(18)),
        (m(18), m(23)),  # district control room, every 5 min
        (m(60), m(63)),  # and for ever
        (m(63) - US, m(63)),
    ],
)
def test_police_station_deadlines(now: timedelta, due: timedelta) -> None:
    assert next_deadline(STATION, T0, T0 + now, None) == T0 + due


def test_reminders_after_acknowledgement() -> None:
    ack = T0 + m(4)
    assert next_deadline(STATION, T0, T0 + m(5), ack) == ack + m(15)
    assert next_deadline(STATION, T0, ack + m(15), ack) == ack + m(30)
    assert next_deadline(STATION, T0, ack - m(2), ack) == ack + m(15)


def test_acknowledged_without_reminder_has_no_deadline() -> None:
    policy = EscalationPolicy("x", (EscalationStep("a", m(1)),), remind_after_ack=None)
    assert next_deadline(policy, T0, T0 + m(9), T0 + m(1)) is None


def test_last_step_without_renotify_repeats_at_its_own_deadline() -> None:
    policy = EscalationPolicy("x", (EscalationStep("a", m(2)), EscalationStep("b", m(7))))
    assert [next_deadline(policy, T0, T0 + m(n), None) for n in (0, 2, 9, 16)] == [
        T0 + m(2), T0 + m(9), T0 + m(16), T0 + m(23)
    ]  # fmt: skip


def test_time_zones_do_not_shift_deadlines() -> None:
    utc_now = (T0 + m(1)).astimezone(UTC)
    assert next_deadline(STATION, T0, utc_now, None) == T0 + m(3)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2025, 3, 14, 23, 50)
    for args in [(naive, T0, None), (T0, naive, None), (T0, T0, naive)]:
        with pytest.raises(ValueError, match="timezone-aware"):
            next_deadline(STATION, *args)


@pytest.mark.parametrize(
    "build",
    [
        lambda: EscalationPolicy("x", ()),
        lambda: EscalationPolicy("", (EscalationStep("a", m(1)),)),
        lambda: EscalationPolicy("x", (EscalationStep("a", m(1)),), remind_after_ack=m(0)),
        lambda: EscalationStep("a", m(0)),
        lambda: EscalationStep("a", -m(1)),
        lambda: EscalationStep("a", m(1), renotify_every=m(0)),
        lambda: EscalationStep(" ", m(1)),
    ],
)
def test_invalid_policies_are_refused(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_policy_is_frozen_and_hashable_even_from_a_list() -> None:
    policy = EscalationPolicy("x", [EscalationStep("a", m(1))])  # type: ignore[arg-type]
    assert isinstance(policy.steps, tuple)
    assert hash(policy) == hash(EscalationPolicy("x", (EscalationStep("a", m(1)),)))


def test_default_policies() -> None:
    assert set(DEFAULT_POLICIES) == {
        "police_station", "vehicle_112", "trace", "other_state", "counsellor",
    }  # fmt: skip
    assert all(kind == policy.task_kind for kind, policy in DEFAULT_POLICIES.items())
    # Every default keeps chasing: the last rung always repeats.
    assert all(p.steps[-1].renotify_every for p in DEFAULT_POLICIES.values())
    with pytest.raises(TypeError):
        DEFAULT_POLICIES["x"] = STATION  # type: ignore[index]


# --- properties -------------------------------------------------------------------------------

minutes = st.integers(1, 60).map(m)
steps = st.builds(EscalationStep, st.just("who"), minutes, st.none() | minutes)
policies = st.builds(
    EscalationPolicy, st.just("kind"), st.lists(steps, min_size=1, max_size=4).map(tuple),
    st.none() | minutes,
) | st.sampled_from(list(DEFAULT_POLICIES.values()))  # fmt: skip
elapsed_times = st.timedeltas(min_value=-timedelta(hours=1), max_value=timedelta(days=2))


def ladder_length(policy: EscalationPolicy) -> timedelta:
    """Time until the last step starts."""
    return sum((s.ack_within for s in policy.steps[:-1]), timedelta(0))


@FAST
@given(policies, elapsed_times, elapsed_times)
def test_step_for_is_monotone(policy: EscalationPolicy, a: timedelta, b: timedelta) -> None:
    early, late = sorted((a, b))
    assert step_for(policy, early) <= step_for(policy, late)
    assert 0 <= step_for(policy, late) < len(policy.steps)


@FAST
@given(policies, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_last_step_stays_current_for_ever(policy: EscalationPolicy, extra: timedelta) -> None:
    assert step_for(policy, ladder_length(policy) + extra) == len(policy.steps) - 1


@FAST
@given(policies, elapsed_times)
def test_unacknowledged_deadline_is_in_the_future_and_not_far(
    policy: EscalationPolicy, elapsed: timedelta
) -> None:
    now = T0 + elapsed
    due = next_deadline(policy, T0, now, None)
    assert due is not None and due > now
    longest = max(max(s.ack_within, s.renotify_every or s.ack_within) for s in policy.steps)
    assert due - max(now, T0) <= longest


@FAST
@given(policies, elapsed_times, st.integers(0, 1000))
def test_deadline_is_stable_until_it_fires(
    policy: EscalationPolicy, elapsed: timedelta, permille: int
) -> None:
    # Asking again at any moment before the due time gives the same due time: none is skipped.
    now = T0 + elapsed
    due = next_deadline(policy, T0, now, None)
    assert due is not None
    later = now + (due - now) * permille // 1000
    if later < due:
        assert next_deadline(policy, T0, later, None) == due
    assert next_deadline(policy, T0, due - US, None) == due


@FAST
@given(policies)
def test_every_escalation_fires_at_its_step_start(policy: EscalationPolicy) -> None:
    start = timedelta(0)
    for step in policy.steps[:-1]:
        start += step.ack_within
        assert next_deadline(policy, T0, T0 + start - US, None) == T0 + start


@FAST
@given(policies, minutes, elapsed_times)
def test_acknowledged_deadline(policy: EscalationPolicy, ack: timedelta, after: timedelta) -> None:
    acked_at, now = T0 + ack, T0 + ack + after
    due = next_deadline(policy, T0, now, acked_at)
    if policy.remind_after_ack is None:
        assert due is None
    else:
        assert due is not None and due > now and due >= acked_at + policy.remind_after_ack
        assert (due - acked_at) % policy.remind_after_ack == timedelta(0)
