"""How the desk shows numbers, durations and risk cues (issue #7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jeevanrekha.web import formatting


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (12345, "12,345"),
        (123456, "1,23,456"),
        (1234567, "12,34,567"),
        (123456789, "12,34,56,789"),
        (-1234567, "-12,34,567"),
        (1234.5, "1,234.5"),
        ("n/a", "n/a"),
    ],
)
def test_numbers_use_the_indian_system(value: object, shown: str) -> None:
    assert formatting.indian_number(value) == shown


def test_times_are_shown_in_ist() -> None:
    at = datetime(2022, 9, 6, 21, 55, tzinfo=UTC)
    assert formatting.in_ist(at).strftime("%Y-%m-%d %H:%M") == "2022-09-07 03:25"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (40, "40 s"),
        (12 * 60, "12 min"),
        (2 * 3600 + 5 * 60, "2 h 05 min"),
        (3 * 86400 + 4 * 3600, "3 d 4 h"),
    ],
)
def test_short_ages(seconds: int, shown: str) -> None:
    assert formatting.short_age(timedelta(seconds=seconds)) == shown


def test_countdown_says_overdue() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert formatting.countdown(now + timedelta(minutes=3), now) == ("in 3 min", False)
    assert formatting.countdown(now - timedelta(seconds=40), now) == ("overdue 40 s", True)


def test_cues_are_marked_and_the_post_is_escaped() -> None:
    text = "आज मैं <b>आत्महत्या</b> कर रहा हूं"
    cues = [
        {"start": 0, "end": 2, "kind": "time", "effect": "raised"},
        {"start": 10, "end": 19, "kind": "suicide", "effect": "raised"},
        {"start": 1, "end": 5, "kind": "negation", "effect": "lowered"},  # overlaps: dropped
        {"start": 50, "end": 60, "kind": "bad", "effect": "raised"},  # outside: dropped
    ]
    html = str(formatting.post_with_cues(text, {"cues": cues}))
    assert html.count("<mark") == 2
    assert 'data-cue="time">आज</mark>' in html and 'data-cue="suicide">आत्महत्या</mark>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_a_post_without_cues_is_plain_escaped_text() -> None:
    assert (
        str(formatting.post_with_cues("<script>x</script>", {})) == "&lt;script&gt;x&lt;/script&gt;"
    )
