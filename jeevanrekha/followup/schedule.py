"""The follow-up schedule and its adherence, as pure functions (no Django, the clock passed in).

A schedule is a list of offsets from the moment follow-up starts ("24h,72h,7d,30d"). Each
check has a window: it is *on time* when its result is recorded before ``scheduled + grace``,
*late* when recorded after, *missed* while it stays unrecorded past the window, and
*cancelled* when the follow-up ended early (a new risk opened a new case) within its window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_OFFSET = re.compile(r"^(\d{1,4})([mhdw])$")
MAX_CHECKS = 20


@dataclass(frozen=True)
class Offset:
    """One check of the schedule: its label as written ("72h") and its distance from start."""

    label: str
    delta: timedelta


def parse_duration(text: str) -> timedelta:
    """ "30m", "24h", "7d", "2w" → a positive timedelta; ValueError names the bad part."""
    found = _OFFSET.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration like 30m, 24h, 7d or 2w")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def parse_schedule(text: str) -> list[Offset]:
    """ "24h,72h,7d,30d" → the checks in time order. Refuses an empty list, repeats and more
    than MAX_CHECKS checks: a typo in the environment must stop the start, not lose checks."""
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("the follow-up schedule needs at least one check")
    if len(parts) > MAX_CHECKS:
        raise ValueError(f"at most {MAX_CHECKS} follow-up checks")
    offsets = sorted((Offset(p, parse_duration(p)) for p in parts), key=lambda o: o.delta)
    deltas = [o.delta for o in offsets]
    if len(set(deltas)) != len(deltas):
        raise ValueError(f"two checks at the same time in {text!r}")
    return offsets


def schedule_times(start: datetime, offsets: list[Offset]) -> list[datetime]:
    """When each check falls due, counted from the start of follow-up."""
    return [start + o.delta for o in offsets]


class Adherence(StrEnum):
    """How a check was kept. Values are shown and counted by reports; never rename them."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    PENDING = "pending"
    CANCELLED = "cancelled"


def adherence(
    scheduled_at: datetime,
    grace: timedelta,
    recorded_at: datetime | None,
    now: datetime,
    *,
    cancelled_at: datetime | None = None,
) -> Adherence:
    """How one check stands at ``now`` (see the module docstring). A check cancelled after
    its window had passed unrecorded stays *missed*: ending early does not excuse it."""
    deadline = scheduled_at + grace
    if recorded_at is not None:
        return Adherence.ON_TIME if recorded_at <= deadline else Adherence.LATE
    if cancelled_at is not None and cancelled_at <= deadline:
        return Adherence.CANCELLED
    return Adherence.MISSED if min(now, cancelled_at or now) > deadline else Adherence.PENDING
