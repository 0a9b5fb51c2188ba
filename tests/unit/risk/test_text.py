"""Text handling: romanisation, Hinglish spelling folds, language id."""

from __future__ import annotations

import pytest

from jeevanrekha.risk.text import MAX_CHARS, clean, fold, language, normalise, skeleton, to_latin


@pytest.mark.parametrize(
    ("deva", "latin"),
    [
        ("आत्महत्या", "aatmahatyaa"),
        ("ज़िंदगी", "zindgee"),
        ("करने", "karne"),
        ("कमरे", "kamre"),
        ("समझ", "samajh"),
        ("फांसी", "phaansee"),
        ("अलविदा", "alvidaa"),
    ],
)
def test_devanagari_is_romanised_as_hindi_is_typed(deva: str, latin: str) -> None:
    assert to_latin(deva) == latin


@pytest.mark.parametrize(
    "variants",
    [
        ("khudkushi", "khudkhushi", "खुदकुशी"),
        ("zindagi", "jindagi"),
        ("phansi", "फांसी", "faansi"),
        ("jeena", "jina"),
    ],
)
def test_spelling_variants_fold_together(variants: tuple[str, ...]) -> None:
    assert len({normalise(v) for v in variants}) == 1


@pytest.mark.parametrize(
    "variants", [("nahi", "nhi", "nahin"), ("mai", "main"), ("hu", "hun", "hoon")]
)
def test_skeletons_join_the_short_forms(variants: tuple[str, ...]) -> None:
    assert len({skeleton(fold(v)) for v in variants}) == 1


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी", "hi"),
        ("ye exam meri jaan le lega 😂", "hinglish"),
        ("mujhe ab jeena nahi hai yaar", "hinglish"),
        ("I am going to end my life tonight", "en"),
        ("मैं suicide करने वाला हूं, I am done with life", "mixed"),
        ("i need someone to talk to, please message me", "en"),
        ("is there an easy way to the end, me and my thoughts", "en"),
        ("bihar me exam me fail hone par chhatra ne kuyen me chhalang lagayi", "hinglish"),
        ("mujhe kisi se baat karni hai to me", "hinglish"),
        ("😂😂🙏", "mixed"),
        ("", "mixed"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert language(text) == lang


def test_clean_drops_controls_and_caps_length() -> None:
    assert clean("a\x00b\u200bc") == "a b c"
    assert len(clean("x" * (MAX_CHARS * 3))) == MAX_CHARS
