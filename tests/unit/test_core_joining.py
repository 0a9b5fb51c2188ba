"""One case per person: the pure placement of new alerts into cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.core.joining import JOINABLE_STATES, KnownCase, place_alerts
from jeevanrekha.core.lifecycle import CaseState

NOW = datetime(2026, 11, 23, 3, 25, tzinfo=UTC)
WINDOW = timedelta(hours=72)


def case(case_id: int, subject: int, state: CaseState, hours_ago: float) -> KnownCase:
    return KnownCase(case_id, subject, state, NOW - timedelta(hours=hours_ago))


def test_three_alerts_of_one_new_subject_open_one_case() -> None:
    placements = place_alerts([7, 7, 7], [], window=WINDOW, now=NOW)
    assert [p.new for p in placements] == [0, 0, 0]
    assert [p.opens for p in placements] == [True, False, False]
    assert not any(p.repeat for p in placements)


def test_an_alert_joins_the_active_case_within_the_window() -> None:
    known = [case(11, 7, CaseState.DISPATCHED, hours_ago=5)]
    (placement,) = place_alerts([7], known, window=WINDOW, now=NOW)
    assert placement.join == 11 and placement.new is None and not placement.opens


def test_after_the_case_closes_a_new_case_is_a_repeat_linking_the_old_ones() -> None:
    known = [case(11, 7, CaseState.CLOSED, 1), case(9, 7, CaseState.CANCELLED, 100)]
    (placement,) = place_alerts([7], known, window=WINDOW, now=NOW)
    assert placement.opens and placement.repeat and placement.earlier == (11, 9)


def test_follow_up_is_not_joined_and_a_stale_active_case_is_not_either() -> None:
    known = [case(11, 7, CaseState.FOLLOW_UP, 1), case(12, 8, CaseState.NEW, hours_ago=73)]
    first, second = place_alerts([7, 8], known, window=WINDOW, now=NOW)
    assert first.opens and first.repeat and second.opens and second.repeat
    assert (first.new, second.new) == (0, 1)


def test_alerts_without_a_subject_each_open_their_own_case() -> None:
    placements = place_alerts([None, None], [], window=WINDOW, now=NOW)
    assert [(p.new, p.opens) for p in placements] == [(0, True), (1, True)]


@given(
    subjects=st.lists(st.none() | st.integers(1, 5), max_size=30),
    known=st.lists(
        st.builds(
            case,
            st.integers(100, 120),
            st.integers(1, 5),
            st.sampled_from(list(CaseState)),
            st.floats(0, 200),
        ),
        max_size=10,
        unique_by=lambda c: c.case_id,
    ),
)
def test_every_alert_gets_exactly_one_case(
    subjects: list[int | None], known: list[KnownCase]
) -> None:
    placements = place_alerts(subjects, known, window=WINDOW, now=NOW)
    assert len(placements) == len(subjects)
    opened = sorted(p.new for p in placements if p.opens)
    assert opened == list(range(len(opened)))  # each new case is opened exactly once
    joinable = {c.case_id for c in known if c.state in JOINABLE_STATES}
    for subject, p in zip(subjects, placements, strict=True):
        assert (p.join is None) != (p.new is None)
        if p.join is not None:
            assert p.join in joinable
            assert any(c.case_id == p.join and c.subject_id == subject for c in known)
        if p.new is not None and not p.opens:
            first = next(q for q in placements if q.opens and q.new == p.new)
            assert subjects[placements.index(first)] == subject is not None
