"""One case per person: which case each new alert belongs to.

An alert about a subject (the person, known by handle, phone, email, post URL) joins that
subject's active case when the case had an alert within the join window; otherwise it opens
a new case, flagged as a repeat when the subject had cases before. Alerts of one subject in
the same batch share the case the first of them opens. A case that is resolved, in
follow-up, closed or cancelled is never joined: a new alert then is a new crisis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from jeevanrekha.core.lifecycle import CaseState

# States in which a rescue is still under way: a new alert about the person adds to it.
JOINABLE_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.NEW,
        CaseState.TRIAGED,
        CaseState.LOCATING,
        CaseState.LOCATED,
        CaseState.DISPATCHED,
        CaseState.ON_SCENE,
        CaseState.FORWARDED,
    }
)


@dataclass(frozen=True)
class KnownCase:
    """A case the subject already has."""

    case_id: int
    subject_id: int
    state: CaseState
    last_alert_at: datetime


@dataclass(frozen=True)
class Placement:
    """Where one alert goes: an existing case (`join`), or the `new`-th case opened now."""

    join: int | None = None
    new: int | None = None
    opens: bool = False  # the first alert of the new case: it opens it
    repeat: bool = False  # a new case for a subject who had cases before
    earlier: tuple[int, ...] = ()  # that subject's earlier cases, newest first


def place_alerts(
    subjects: Sequence[int | None],
    known: Sequence[KnownCase],
    *,
    window: timedelta,
    now: datetime,
) -> list[Placement]:
    """For each alert's subject (None: nothing to recognise it by), where the alert goes.

    Every alert gets exactly one case; `opens` is true for exactly one alert of each new
    case; alerts after the first of a new case have `new` set and `opens` false.
    """
    by_subject: dict[int, list[KnownCase]] = {}
    for case in sorted(known, key=lambda c: (c.last_alert_at, c.case_id), reverse=True):
        by_subject.setdefault(case.subject_id, []).append(case)
    opened_for: dict[int, int] = {}
    placements: list[Placement] = []
    opened = 0
    for subject in subjects:
        cases = by_subject.get(subject, []) if subject is not None else []
        active = next(
            (c for c in cases if c.state in JOINABLE_STATES and now - c.last_alert_at <= window),
            None,
        )
        if active is not None:
            placements.append(Placement(join=active.case_id))
        elif subject is not None and subject in opened_for:
            placements.append(Placement(new=opened_for[subject]))
        else:
            if subject is not None:
                opened_for[subject] = opened
            earlier = tuple(c.case_id for c in cases)
            placements.append(
                Placement(new=opened, opens=True, repeat=bool(earlier), earlier=earlier)
            )
            opened += 1
    return placements
