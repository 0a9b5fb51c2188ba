"""Case lifecycle: the transition table, its events and its invariants (pure, no database)."""

from __future__ import annotations

import pickle
from collections import deque
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jeevanrekha.core.lifecycle import (
    EVENT_NAMES,
    OPEN_STATES,
    TRANSITIONS,
    CaseCommand,
    CaseEvent,
    CaseState,
    IllegalTransition,
    allowed_commands,
    decide,
    is_terminal,
    open_case,
)

S = CaseState
C = CaseCommand
IST = timezone(timedelta(hours=5, minutes=30), "IST")
AT = datetime(2025, 3, 14, 2, 30, tzinfo=IST)

# Written out by hand, independently of the module, so that a change to the table fails here.
EXPECTED: dict[tuple[CaseState, CaseCommand], CaseState] = {
    (S.NEW, C.TRIAGE): S.TRIAGED,
    (S.TRIAGED, C.START_LOCATING): S.LOCATING,
    (S.NEW, C.LOCATE): S.LOCATED,
    (S.TRIAGED, C.LOCATE): S.LOCATED,
    (S.LOCATING, C.LOCATE): S.LOCATED,
    (S.LOCATED, C.LOCATE): S.LOCATED,
    (S.DISPATCHED, C.LOCATE): S.LOCATED,
    (S.ON_SCENE, C.LOCATE): S.LOCATED,
    (S.LOCATED, C.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, C.ARRIVE): S.ON_SCENE,
    (S.ON_SCENE, C.RESOLVE): S.RESOLVED,
    (S.DISPATCHED, C.RESOLVE): S.RESOLVED,
    (S.RESOLVED, C.START_FOLLOW_UP): S.FOLLOW_UP,
    (S.RESOLVED, C.CLOSE): S.CLOSED,
    (S.FOLLOW_UP, C.CLOSE): S.CLOSED,
    (S.NEW, C.FORWARD): S.FORWARDED,
    (S.TRIAGED, C.FORWARD): S.FORWARDED,
    (S.LOCATING, C.FORWARD): S.FORWARDED,
    (S.LOCATED, C.FORWARD): S.FORWARDED,
    (S.FORWARDED, C.CLOSE): S.CLOSED,
    (S.NEW, C.CANCEL): S.CANCELLED,
    (S.TRIAGED, C.CANCEL): S.CANCELLED,
    (S.LOCATING, C.CANCEL): S.CANCELLED,
    (S.LOCATED, C.CANCEL): S.CANCELLED,
    (S.DISPATCHED, C.CANCEL): S.CANCELLED,
    (S.FORWARDED, C.CANCEL): S.CANCELLED,
    (S.CANCELLED, C.REOPEN): S.NEW,
}

ILLEGAL = sorted(
    ((s, c) for s in CaseState for c in CaseCommand if (s, c) not in EXPECTED),
    key=lambda pair: (pair[0].value, pair[1].value),
)


def test_table_is_exactly_the_documented_one() -> None:
    assert dict(TRANSITIONS) == EXPECTED


def test_enum_values_are_the_stored_strings() -> None:
    assert [s.value for s in CaseState] == [
        "new", "triaged", "locating", "located", "dispatched", "on_scene",
        "resolved", "follow_up", "closed", "forwarded", "cancelled",
    ]  # fmt: skip
    assert C.START_LOCATING.value == "start_locating"
    assert C.START_FOLLOW_UP.value == "start_follow_up"
    assert len(CaseCommand) == 11


@pytest.mark.parametrize(("state", "command"), sorted(EXPECTED, key=str))
def test_every_legal_transition_emits_one_event(state: CaseState, command: CaseCommand) -> None:
    events = decide(state, command, AT)
    assert events == [
        CaseEvent(
            name=EVENT_NAMES[command],
            from_state=state,
            to_state=EXPECTED[(state, command)],
            at=AT,
            command=command,
        )
    ]


@pytest.mark.parametrize(("state", "command"), ILLEGAL)
def test_every_other_pair_is_illegal(state: CaseState, command: CaseCommand) -> None:
    with pytest.raises(IllegalTransition) as info:
        decide(state, command, AT)
    assert info.value.state is state
    assert info.value.command is command


@pytest.mark.parametrize(
    ("state", "command"),
    [
        (S.CLOSED, C.REOPEN),  # a closed case is a record; new trouble opens a linked case
        (S.ON_SCENE, C.CANCEL),  # officers met the person: must resolve with an outcome
        (S.RESOLVED, C.CANCEL),
        (S.FOLLOW_UP, C.CANCEL),
        (S.DISPATCHED, C.FORWARD),  # re-locate first, then forward
        (S.NEW, C.DISPATCH),  # nothing to dispatch to without a location
        (S.LOCATING, C.TRIAGE),
        (S.CANCELLED, C.CLOSE),
        (S.FORWARDED, C.REOPEN),
    ],
)
def test_sample_of_illegal_transitions_named_for_their_reason(
    state: CaseState, command: CaseCommand
) -> None:
    assert (state, command) in ILLEGAL
    with pytest.raises(IllegalTransition):
        decide(state, command, AT)


def test_illegal_transition_message_names_state_command_and_alternatives() -> None:
    err = IllegalTransition(S.ON_SCENE, C.CANCEL)
    assert str(err) == "cannot 'cancel' a case in state 'on_scene' (allowed: locate, resolve)"
    assert "allowed: none" in str(IllegalTransition(S.CLOSED, C.REOPEN))


def test_illegal_transition_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(IllegalTransition(S.NEW, C.ARRIVE)))
    assert (copy.state, copy.command) == (S.NEW, C.ARRIVE)


def test_event_names_are_past_tense_and_distinct() -> None:
    assert EVENT_NAMES[C.DISPATCH] == "case_dispatched"
    assert EVENT_NAMES[C.TRIAGE] == "case_triaged"
    assert set(EVENT_NAMES) == set(CaseCommand)
    assert len(set(EVENT_NAMES.values())) == len(CaseCommand)


def test_open_case() -> None:
    assert open_case(AT) == CaseEvent("case_opened", None, S.NEW, AT, None)


@pytest.mark.parametrize("naive", [datetime(2025, 3, 14, 2, 30)])
def test_naive_datetimes_are_refused(naive: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(S.NEW, C.TRIAGE, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        open_case(naive)


def test_allowed_commands() -> None:
    assert allowed_commands(S.NEW) == {C.TRIAGE, C.LOCATE, C.FORWARD, C.CANCEL}
    assert allowed_commands(S.ON_SCENE) == {C.LOCATE, C.RESOLVE}
    assert allowed_commands(S.CANCELLED) == {C.REOPEN}
    assert allowed_commands(S.CLOSED) == frozenset()


def test_terminal_and_open_states() -> None:
    assert [s for s in CaseState if is_terminal(s)] == [S.CLOSED]
    assert set(OPEN_STATES) == set(CaseState) - {S.CLOSED, S.CANCELLED}
    assert S.FORWARDED in OPEN_STATES


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[(S.CLOSED, C.REOPEN)] = S.NEW  # type: ignore[index]


def _reachable(start: CaseState) -> set[CaseState]:
    """Breadth-first search over the table."""
    seen, todo = {start}, deque([start])
    while todo:
        state = todo.popleft()
        for (src, _cmd), dst in TRANSITIONS.items():
            if src == state and dst not in seen:
                seen.add(dst)
                todo.append(dst)
    return seen


def test_every_state_is_reachable_from_new() -> None:
    assert _reachable(S.NEW) == set(CaseState)


def test_every_state_can_still_end_closed() -> None:
    # No trap: from anywhere (even cancelled, via reopen) the case can be brought to closed.
    assert all(S.CLOSED in _reachable(s) for s in CaseState)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_command_sequences_keep_the_invariants(data: st.DataObject) -> None:
    reachable = _reachable(S.NEW)
    state = open_case(AT).to_state
    at = AT
    for _ in range(data.draw(st.integers(0, 30), label="length")):
        # Mostly pick a legal command so that walks get deep (to closed, and reopened).
        legal = sorted(allowed_commands(state))
        pick_legal = bool(legal) and data.draw(st.integers(0, 3), label="legal only") > 0
        pool = legal if pick_legal else list(CaseCommand)
        command = data.draw(st.sampled_from(pool), label="command")
        at += timedelta(minutes=1)
        before = state
        try:
            (event,) = decide(state, command, at)
        except IllegalTransition as err:
            assert (before, command) not in TRANSITIONS
            assert (err.state, err.command) == (before, command)
            continue
        assert event.from_state == before and event.at == at and event.command == command
        assert isinstance(event.to_state, CaseState) and event.to_state in reachable
        assert not is_terminal(before)
        state = event.to_state
