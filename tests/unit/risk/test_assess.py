"""The public interface on the shipped artefact: levels that make sense, and no input breaks it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeevanrekha.risk import Assessment, assess, assess_many, get_model
from jeevanrekha.risk.model import ARTEFACT

LANGS = {"en", "hi", "hinglish", "mixed"}


def check(result: Assessment, text_len: int | None = None) -> None:
    assert 0 <= result.level <= 4
    assert 0.0 <= result.score <= 1.0
    assert result.lang in LANGS
    assert isinstance(result.imminent, bool)
    assert not result.imminent or result.level == 4
    for cue in result.cues:
        assert 0 <= cue.start < cue.end
        assert cue.effect in {"raised", "lowered"}
        assert cue.text


def test_artefact_is_small_and_versioned() -> None:
    assert ARTEFACT.stat().st_size < 30_000_000
    assert get_model().version.startswith("risk-")


@pytest.mark.parametrize(
    "text",
    [
        "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
        "neend ki saari goliyan kha li hain, alvida sabko 💊",
        "I am going to kill myself tonight, goodbye everyone",
        "pul pe khada hu, bas ab kood raha hu",
    ],
)
def test_imminent_posts(text: str) -> None:
    result = assess(text)
    assert result.level == 4 and result.imminent and result.score > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "ye exam meri jaan le lega 😂",
        "aaj mausam bahut accha hai, chai pakode ka plan bana lo ☕",
        "Tele-MANAS 14416 pe call karein agar aap pareshan hain 🙏",
        "कल गणित का पेपर है, आज तो मैं मर गया 😂",
        "Happy birthday bhai 🎂🎉",
    ],
)
def test_harmless_posts_are_not_sent_to_review(text: str) -> None:
    assert assess(text).level < 2


def test_ideation_is_sent_to_review_but_not_imminent() -> None:
    result = assess("jeene ka mann nahi karta, kaash mai mar jaun")
    assert result.level >= 2 and not result.imminent


def test_assessment_is_frozen_and_serialisable() -> None:
    result = assess("mujhe ab jeena nahi hai")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = 0  # type: ignore[misc]
    doc = result.as_dict()
    assert set(doc) == {"level", "score", "imminent", "lang", "cues", "model_version"}


def test_batch_equals_single() -> None:
    texts = ["alvida sabko 👋", "aaj biryani khayi", ""]
    assert [a.level for a in assess_many(texts)] == [assess(t).level for t in texts]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "😂🙏💔🪢💊" * 50,
        "\x00\x01\x02",
        "\ud800 lone surrogate",
        "x" * 1_000_000,
        "आत्महत्या " * 100_000,
        "मैं suicide करने वाला हूं tonight 💊",
        "\u202e\u200f\ufeff",
    ],
)
def test_never_fails_on_odd_input(text: str) -> None:
    check(assess(text))


def test_bytes_and_other_objects() -> None:
    check(assess(b"\xff\xfe\x00 binary \x80 mar jaunga"))
    check(assess(None))
    check(assess(12345))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_any_text(text: str) -> None:
    check(assess(text))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_any_bytes(raw: bytes) -> None:
    check(assess(raw))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["aaj", "raat", "मैं", "alvida", "💊", "😂", "nahi", "suicide", "मर", "जाऊंगा", "🎶", " "]
        ),
        max_size=30,
    )
)
def test_fuzz_mixed_scripts(words: list[str]) -> None:
    check(assess(" ".join(words)))


def test_artefact_holds_arrays_and_no_text() -> None:
    import json

    import numpy as np

    with np.load(ARTEFACT, allow_pickle=False) as data:
        assert set(data.files) == {
            "header", "idf", "w1_rows", "w1", "b1", "platt", "w2", "b2", "mean2", "scale2"
        }  # fmt: skip
        header = json.loads(str(data["header"]))
    assert set(header) == {"version", "clear", "thresholds", "meta", "stage2_names"}
    assert all(isinstance(v, int | float) for v in header["thresholds"].values())
    assert {"review", "review_en", "bias3_en", "bias4_en"} <= set(header["thresholds"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=8))
def test_fuzz_model_predict_directly(texts: list[str]) -> None:
    preds = get_model().predict(texts)
    assert len(preds) == len(texts)
    assert get_model().predict(["\ud800 lone", "\udfff"])[0].level in range(5)
