"""The life of a Case as a table: which command moves which state where.

This module decides; it stores nothing. An action (``cases/actions.py``) loads the case with a
lock, calls :func:`decide`, saves the new state and writes the returned events to the audit log
and the outbox.

The normal flow is ``new → triaged → locating → located → dispatched → on_scene → resolved →
follow_up → closed``. The desk does not always get to walk it in order, so the table also says:

* **A trace may arrive early.** ``locate`` is accepted from ``new``, ``triaged`` and
  ``locating``: a tower trace or a platform-supplied address can land before anyone has triaged.
* **A better fix re-targets.** ``locate`` on ``located`` stays ``located`` (newer evidence
  replaces the older). ``locate`` on ``dispatched`` or ``on_scene`` goes back to ``located``:
  the people already sent are looking in the wrong place (the field often reports "not found at
  the address"), so the case must show up again as "needs dispatch" until the desk sends them
  to the new place, rather than staying quietly "dispatched" to a stale location.
* **Reached without a visit.** ``resolve`` is accepted from ``dispatched`` as well as from
  ``on_scene``: the station may reach the person by phone, or the family may confirm they are safe.
* **Other state.** ``forward`` is accepted up to ``located`` (a case already dispatched is first
  re-located, which makes the new jurisdiction explicit). A forwarded case is closed once the
  other state acknowledges.
* **Cancel (duplicate, false alarm)** is accepted only while nobody from the field has met the
  person and no outcome is on record: ``new``, ``triaged``, ``locating``, ``located``,
  ``dispatched`` and ``forwarded``. From ``on_scene`` it is refused because officers with the
  person produce a field record, and even a false alarm must end as ``resolve`` with an outcome
  (``false_alarm``) instead of vanishing. ``resolved`` and ``follow_up`` carry an outcome, so
  they end with ``close`` for the same reason.
* **Reopen** is accepted only from ``cancelled`` and leads to ``new``: a cancellation is a desk
  judgement without field work (a wrong duplicate link, a "false alarm" that posts again), so
  undoing it is cheap and keeps the original alert, its age and its history together; the case
  is triaged afresh because the reason for cancelling proved wrong. A ``closed`` case is never
  reopened: its outcome and follow-up are a record; new trouble opens a new, linked case.

Terminal means "no command leads anywhere": only ``closed``. ``cancelled`` is not terminal
(it can be reopened) but needs no desk work, so it is not in :data:`OPEN_STATES`. ``forwarded``
is open: until the other state acknowledges, the desk still has to chase them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class CaseState(StrEnum):
    """Where a case stands. Values are stored in the database; never rename them."""

    NEW = "new"
    TRIAGED = "triaged"
    LOCATING = "locating"
    LOCATED = "located"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    FORWARDED = "forwarded"
    CANCELLED = "cancelled"


class CaseCommand(StrEnum):
    """What the desk (or a worker on its behalf) asks to happen to a case."""

    TRIAGE = "triage"
    START_LOCATING = "start_locating"
    LOCATE = "locate"
    DISPATCH = "dispatch"
    ARRIVE = "arrive"
    RESOLVE = "resolve"
    START_FOLLOW_UP = "start_follow_up"
    CLOSE = "close"
    FORWARD = "forward"
    CANCEL = "cancel"
    REOPEN = "reopen"


_S = CaseState
_C = CaseCommand


def _build_table() -> dict[tuple[CaseState, CaseCommand], CaseState]:
    """Assemble the transition table; see the module docstring for the reasons."""
    table: dict[tuple[CaseState, CaseCommand], CaseState] = {
        (_S.NEW, _C.TRIAGE): _S.TRIAGED,
        (_S.TRIAGED, _C.START_LOCATING): _S.LOCATING,
        (_S.LOCATED, _C.DISPATCH): _S.DISPATCHED,
        (_S.DISPATCHED, _C.ARRIVE): _S.ON_SCENE,
        (_S.ON_SCENE, _C.RESOLVE): _S.RESOLVED,
        (_S.DISPATCHED, _C.RESOLVE): _S.RESOLVED,
        (_S.RESOLVED, _C.START_FOLLOW_UP): _S.FOLLOW_UP,
        (_S.RESOLVED, _C.CLOSE): _S.CLOSED,
        (_S.FOLLOW_UP, _C.CLOSE): _S.CLOSED,
        (_S.FORWARDED, _C.CLOSE): _S.CLOSED,
        (_S.CANCELLED, _C.REOPEN): _S.NEW,
    }
    # Every stage from intake to "sent" (and back from the field) can receive a fix.
    for state in (_S.NEW, _S.TRIAGED, _S.LOCATING, _S.LOCATED, _S.DISPATCHED, _S.ON_SCENE):
        table[(state, _C.LOCATE)] = _S.LOCATED
    for state in (_S.NEW, _S.TRIAGED, _S.LOCATING, _S.LOCATED):
        table[(state, _C.FORWARD)] = _S.FORWARDED
    # Cancel only before field contact and before an outcome exists.
    for state in (_S.NEW, _S.TRIAGED, _S.LOCATING, _S.LOCATED, _S.DISPATCHED, _S.FORWARDED):
        table[(state, _C.CANCEL)] = _S.CANCELLED
    return table


TRANSITIONS: Mapping[tuple[CaseState, CaseCommand], CaseState] = MappingProxyType(_build_table())
"""(state, command) → next state. Read-only; a pair that is missing is an illegal transition."""

EVENT_NAMES: Mapping[CaseCommand, str] = MappingProxyType(
    {
        _C.TRIAGE: "case_triaged",
        _C.START_LOCATING: "case_locating_started",
        _C.LOCATE: "case_located",
        _C.DISPATCH: "case_dispatched",
        _C.ARRIVE: "case_arrived",
        _C.RESOLVE: "case_resolved",
        _C.START_FOLLOW_UP: "case_follow_up_started",
        _C.CLOSE: "case_closed",
        _C.FORWARD: "case_forwarded",
        _C.CANCEL: "case_cancelled",
        _C.REOPEN: "case_reopened",
    }
)
"""Past-tense event name for each command; these names go to the audit log and the outbox."""

CASE_OPENED = "case_opened"

OPEN_STATES: frozenset[CaseState] = frozenset(CaseState) - {_S.CLOSED, _S.CANCELLED}
"""States in which the case still needs desk work (``forwarded`` awaits acknowledgement)."""


class IllegalTransition(Exception):
    """A command that the table does not allow from the given state."""

    def __init__(self, state: CaseState, command: CaseCommand) -> None:
        # Pass the fields to Exception so that args (and therefore pickling) round-trip.
        super().__init__(state, command)
        self.state = state
        self.command = command

    def __str__(self) -> str:
        allowed = ", ".join(sorted(c.value for c in allowed_commands(self.state))) or "none"
        return (
            f"cannot {self.command.value!r} a case in state {self.state.value!r} "
            f"(allowed: {allowed})"
        )


@dataclass(frozen=True)
class CaseEvent:
    """Something that happened to a case; ``from_state`` is None only for the opening event."""

    name: str
    from_state: CaseState | None
    to_state: CaseState
    at: datetime
    command: CaseCommand | None


def _require_aware(at: datetime) -> None:
    """Refuse naive datetimes: the desk spans shifts and servers, local wall time is ambiguous."""
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"timezone-aware datetime required, got naive {at.isoformat()}")


def open_case(at: datetime) -> CaseEvent:
    """Return the event that brings a new case into the ``new`` state."""
    _require_aware(at)
    return CaseEvent(name=CASE_OPENED, from_state=None, to_state=_S.NEW, at=at, command=None)


def decide(state: CaseState, command: CaseCommand, at: datetime) -> list[CaseEvent]:
    """Return the events that ``command`` causes in ``state``, or raise IllegalTransition.

    A list, not a single event, so that a future command may record several facts at once
    without changing callers; today it always holds exactly one event.
    """
    _require_aware(at)
    target = TRANSITIONS.get((state, command))
    if target is None:
        raise IllegalTransition(state, command)
    event = CaseEvent(
        name=EVENT_NAMES[command], from_state=state, to_state=target, at=at, command=command
    )
    return [event]


def allowed_commands(state: CaseState) -> frozenset[CaseCommand]:
    """The commands that :func:`decide` accepts in ``state`` (for buttons and API checks)."""
    return frozenset(cmd for (src, cmd) in TRANSITIONS if src == state)


def is_terminal(state: CaseState) -> bool:
    """True when no command can move the case any more (only ``closed``)."""
    return not allowed_commands(state)
