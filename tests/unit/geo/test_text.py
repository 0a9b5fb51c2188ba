"""Script and spelling normalisation: Devanagari and Latin forms meet on one key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.geo.text import latin_key, romanize, skeleton, words

SAME_PLACE = [
    ("लखनऊ", "Lucknow"),
    ("लखनउ", "Lakhnau"),
    ("इलाहाबाद", "Allahabad"),
    ("प्रयागराज", "Prayagraj"),
    ("गाज़ियाबाद", "Ghaziabad"),
    ("गाजियाबाद", "Ghaziabad"),
    ("वाराणसी", "Varanasi"),
    ("गोरखपुर", "Gorakhpur"),
    ("अलीगढ़", "Aligarh"),
    ("कानपुर देहात", "Kanpur Dehat"),
    ("मुज़फ़्फ़रनगर", "Muzaffarnagar"),
    ("चारबाग", "Charbagh"),
]


@pytest.mark.parametrize(("hindi", "latin"), SAME_PLACE)
def test_devanagari_and_latin_share_a_skeleton(hindi: str, latin: str) -> None:
    assert skeleton(hindi) == skeleton(latin)


def test_romanize_reads_like_hinglish() -> None:
    assert romanize("लखनऊ") == "lakhanaoo"
    assert romanize("थाना हज़रतगंज") == "thaanaa hazaratagan" + "j"
    assert words("मैं लखनऊ में हूँ, PIN २२६००१") == ["main", "lakhanaoo", "men", "hoon", "pin", "226001"]


@given(st.text())
def test_normalisers_never_raise_and_are_ascii(text: str) -> None:
    assert latin_key(text).isascii()
    assert skeleton(text).isascii()
    assert isinstance(romanize(text), str)


@given(st.text(alphabet=st.characters(min_codepoint=0x900, max_codepoint=0x97F)))
def test_any_devanagari_romanises_to_ascii_letters(text: str) -> None:
    assert all(ch.isascii() for ch in romanize(text))


@given(st.text())
def test_latin_key_is_idempotent(text: str) -> None:
    assert latin_key(latin_key(text)) == latin_key(text)
