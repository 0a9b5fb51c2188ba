"""Cues: spans point at the right words, in both scripts, with the right effect."""

from __future__ import annotations

import pytest

from jeevanrekha.risk.cues import find_cues
from jeevanrekha.risk.text import clean


def spans(text: str) -> dict[str, list[str]]:
    cleaned = clean(text)
    out: dict[str, list[str]] = {}
    for cue in find_cues(cleaned):
        out.setdefault(cue.kind, []).append(cleaned[cue.start : cue.end])
    return out


def test_method_time_goodbye_and_act_in_hinglish() -> None:
    found = spans("Neend ki goliyan kha li hain 💊 aaj raat, alvida sabko")
    assert found["method"][0] == "Neend ki goliyan"
    assert "kha li" in found["act"]
    assert "aaj raat" in found["time"]
    assert "alvida" in found["goodbye"]


def test_devanagari_spans() -> None:
    found = spans("आज मैं आत्महत्या कर रहा हूं. रस्सी तैयार है")
    assert found["suicide"] == ["आत्महत्या"]
    assert found["method"] == ["रस्सी"]
    assert "आज" in found["time"]


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    [
        ("ye exam meri jaan le lega 😂", "hyperbole", "jaan le lega"),
        ("main kabhi suicide nahi karunga", "negation", "nahi karunga"),
        ("मैं कभी आत्महत्या नहीं करूंगा", "negation", "नहीं करूंग"),
        ("jeena jeena kya hai jeena 🎶 gaana", "lyrics", "🎶"),
        ("Kota me ek aur student ne suicide kar liya, news dekhi?", "news", "news"),
        ("Tele-MANAS 14416 pe call karo", "awareness", "14416"),
        ("usne kal faansi laga li", "third_person", "usne"),
    ],
)
def test_lowering_cues(text: str, kind: str, phrase: str) -> None:
    cues = [c for c in find_cues(clean(text)) if c.kind == kind]
    assert cues and all(c.effect == "lowered" for c in cues)
    assert phrase in [clean(text)[c.start : c.end] for c in cues]


def test_spans_survive_uppercase_and_odd_characters() -> None:
    text = clean("İİİ I WANT TO DIE tonight")
    for cue in find_cues(text):
        assert text[cue.start : cue.end].lower() in {"want to die", "tonight"}


def test_cues_are_bounded() -> None:
    assert len(find_cues("suicide " * 10_000)) <= 64
