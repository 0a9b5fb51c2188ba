"""The JSON nesting-depth check of the intake parser, against a plain recursive count."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.intake.sources.api.parse import depth_of

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=40,
)


def reference_depth(value: Any) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return 1 + max((reference_depth(v) for v in value), default=0)
    return 1


@given(json_values)
def test_depth_is_the_nesting_depth(value: Any) -> None:
    assert depth_of(value, limit=1000) == reference_depth(value)


def test_counting_stops_past_the_limit() -> None:
    deep: Any = "leaf"
    for _ in range(10_000):
        deep = [deep]
    assert 5 < depth_of(deep, limit=5) <= 7
    assert depth_of("text", limit=5) == 1 and depth_of([], limit=5) == 1
