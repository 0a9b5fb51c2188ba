"""Escalation ladders for tasks that someone outside the desk must acknowledge.

A Task (police station, 112 vehicle, trace, other state, counsellor) is created at
``created_at``. Until a person acknowledges it, its policy's steps are walked in order: step 0
starts at creation and lasts ``ack_within``; step 1 starts where step 0 ends; and so on. The
last step never ends: there is nobody further up, and escalation goes on until a person
acknowledges (DESIGN.md, rule 3).

The timer fires (a worker notifies ``step.notify``) at these offsets from ``created_at``:

* at the start of every step after the first (the escalation itself; the first notification is
  sent when the task is created, not by the timer);
* inside a step that is not the last, every ``renotify_every`` after the step started, as long
  as that is strictly before the step ends;
* inside the last step, every ``renotify_every`` after it started, for ever; if the last step
  has no ``renotify_every``, every ``ack_within`` instead (so the last rung is paged at its own
  deadline again and again rather than fall silent).

After acknowledgement the ladder stops. If the policy has ``remind_after_ack``, the desk is
reminded every ``remind_after_ack`` after the acknowledgement until the task gets a result
(the caller stops asking once it has one); otherwise there is no further deadline.

:func:`next_deadline` returns the first firing time *strictly after* ``now``: a worker that
fires at the due time and asks again at that same instant gets the following one, never the
same one twice, and a worker that was down for an hour gets a time in the future rather than
a backlog of missed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

_ZERO = timedelta(0)


@dataclass(frozen=True)
class EscalationStep:
    """One rung of a ladder: whom to notify, how long they have, and how often to nag them."""

    notify: str
    ack_within: timedelta
    renotify_every: timedelta | None = None

    def __post_init__(self) -> None:
        """Refuse empty recipients and non-positive durations (they would fire in a loop)."""
        if not self.notify.strip():
            raise ValueError("notify must name a role or recipient")
        if self.ack_within <= _ZERO:
            raise ValueError(f"ack_within must be positive, got {self.ack_within}")
        if self.renotify_every is not None and self.renotify_every <= _ZERO:
            raise ValueError(f"renotify_every must be positive, got {self.renotify_every}")


@dataclass(frozen=True)
class EscalationPolicy:
    """The ladder for one kind of task, plus the reminder interval once acknowledged."""

    task_kind: str
    steps: tuple[EscalationStep, ...]
    remind_after_ack: timedelta | None = None

    def __post_init__(self) -> None:
        """Require a kind, at least one step, and a positive reminder interval if any."""
        # A list would make the frozen policy unhashable and mutable from outside.
        object.__setattr__(self, "steps", tuple(self.steps))
        if not self.task_kind.strip():
            raise ValueError("task_kind must not be empty")
        if not self.steps:
            raise ValueError(f"policy {self.task_kind!r} needs at least one step")
        if self.remind_after_ack is not None and self.remind_after_ack <= _ZERO:
            raise ValueError(f"remind_after_ack must be positive, got {self.remind_after_ack}")


def _step_starts(policy: EscalationPolicy) -> list[timedelta]:
    """Offset from creation at which each step starts."""
    starts = [_ZERO]
    for step in policy.steps[:-1]:
        starts.append(starts[-1] + step.ack_within)
    return starts


def step_for(policy: EscalationPolicy, elapsed: timedelta) -> int:
    """Index of the current step after ``elapsed`` without acknowledgement.

    A step starts exactly at its offset (so at ``elapsed == 3 min`` with a 3-minute first step,
    step 1 is current). Negative elapsed time (clock skew) counts as zero.
    """
    current = 0
    for index, start in enumerate(_step_starts(policy)):
        if elapsed >= start:
            current = index
    return current


def _next_offset(policy: EscalationPolicy, elapsed: timedelta) -> timedelta:
    """First firing offset strictly after ``elapsed`` for an unacknowledged task."""
    elapsed = max(elapsed, _ZERO)
    starts = _step_starts(policy)
    index = step_for(policy, elapsed)
    step, start = policy.steps[index], starts[index]
    is_last = index == len(policy.steps) - 1
    period = step.renotify_every
    if period is None and is_last:
        period = step.ack_within
    if period is None:
        return starts[index + 1]
    # Smallest whole number of periods after the step start that lies beyond elapsed.
    candidate = start + ((elapsed - start) // period + 1) * period
    if not is_last and candidate >= starts[index + 1]:
        return starts[index + 1]
    return candidate


def _require_aware(name: str, value: datetime) -> None:
    """Refuse naive datetimes: mixing them with aware ones would shift deadlines by hours."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def next_deadline(
    policy: EscalationPolicy,
    created_at: datetime,
    now: datetime,
    acknowledged_at: datetime | None,
) -> datetime | None:
    """When the task's timer should next fire, strictly after ``now`` (see module docstring).

    Returns None only when the task is acknowledged and the policy has no reminder: there is
    nothing left to fire, and the caller should clear the task's ``due_at``.
    """
    _require_aware("created_at", created_at)
    _require_aware("now", now)
    if acknowledged_at is None:
        return created_at + _next_offset(policy, now - created_at)
    _require_aware("acknowledged_at", acknowledged_at)
    remind = policy.remind_after_ack
    if remind is None:
        return None
    # At least one full interval after the ack, then whole intervals until past now.
    periods = max((now - acknowledged_at) // remind + 1, 1)
    return acknowledged_at + periods * remind


def _m(minutes: int) -> timedelta:
    """Shorthand for the policy table below."""
    return timedelta(minutes=minutes)


def _policy(
    kind: str, remind: timedelta | None, *steps: tuple[str, int, int | None]
) -> EscalationPolicy:
    """Build a policy from (recipient, ack minutes, renotify minutes or None) triples."""
    ladder = tuple(
        EscalationStep(who, _m(ack), None if every is None else _m(every))
        for who, ack, every in steps
    )
    return EscalationPolicy(task_kind=kind, steps=ladder, remind_after_ack=remind)


DEFAULT_POLICIES: Mapping[str, EscalationPolicy] = MappingProxyType(
    {
        # Local station first; each rung up has more authority and a longer fuse.
        "police_station": _policy(
            "police_station",
            _m(15),
            ("station_duty_officer", 3, None),
            ("station_house_officer", 5, None),
            ("circle_officer", 10, 5),
            ("district_control_room", 5, 5),
        ),
        # 112 dispatch is minutes-critical: the dispatcher, then the shift supervisor, nagged.
        "vehicle_112": _policy(
            "vehicle_112",
            _m(10),
            ("erss_dispatcher", 2, None),
            ("erss_shift_supervisor", 3, 3),
        ),
        # Telecom/STF traces take operator time, so longer fuses; chase the result every 20 min.
        "trace": _policy(
            "trace",
            _m(20),
            ("stf_trace_cell", 10, 5),
            ("stf_inspector", 15, None),
            ("stf_superintendent", 20, 10),
        ),
        # Another state's desk: their cell, then their control room, then our supervisor calls.
        "other_state": _policy(
            "other_state",
            _m(30),
            ("other_state_sm_cell", 10, 5),
            ("other_state_control_room", 15, None),
            ("desk_supervisor", 30, 15),
        ),
        # Counselling is not a race against minutes, but a referral must not be forgotten.
        "counsellor": _policy(
            "counsellor",
            timedelta(hours=2),
            ("on_call_counsellor", 30, None),
            ("counselling_coordinator", 60, 30),
        ),
    }
)
"""Ladder per task kind; the key equals the policy's ``task_kind``."""
