"""Risk: how likely a post is to be about self-harm, how soon, and why (issue #3).

The public interface is `assess(text) -> Assessment` (and `assess_many`). The trained artefact
ships in this package and is loaded lazily, once per process. This package imports no Django
outside `apps.py` and `management/`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jeevanrekha.risk.model import Prediction, RiskModel

LEVELS = {0: "no risk", 1: "distress", 2: "ideation", 3: "plan or method", 4: "imminent"}
_lock = threading.Lock()
_model: RiskModel | None = None


@dataclass(frozen=True, slots=True)
class CueSpan:
    """`text[start:end]` moved the risk: `kind` (method, time, negation, ...), raised/lowered."""

    start: int
    end: int
    kind: str
    effect: str
    text: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """The model's reading of one post. A person on the desk always reviews it."""

    level: int  # 0 none, 1 distress, 2 ideation, 3 plan/method, 4 imminent
    score: float  # calibrated P(level >= 2)
    imminent: bool
    lang: str  # en, hi, hinglish, mixed
    cues: tuple[CueSpan, ...]
    model_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "score": round(self.score, 4),
            "imminent": self.imminent,
            "lang": self.lang,
            "cues": [
                {"start": c.start, "end": c.end, "kind": c.kind, "effect": c.effect, "text": c.text}
                for c in self.cues
            ],
            "model_version": self.model_version,
        }


def get_model(path: Path | None = None) -> RiskModel:
    """The shipped model, loaded once per process (or the artefact at `path`)."""
    global _model
    from jeevanrekha.risk.model import ARTEFACT, RiskModel

    if path is not None:
        return RiskModel.load(path)
    with _lock:
        if _model is None:
            _model = RiskModel.load(ARTEFACT)
        return _model


def _to_assessment(text: str, p: Prediction, version: str) -> Assessment:
    from jeevanrekha.risk.text import clean

    cleaned = clean(text)
    cues = tuple(
        CueSpan(c.start, c.end, c.kind, c.effect, cleaned[c.start : c.end]) for c in p.cues
    )
    return Assessment(p.level, p.score, p.imminent, p.lang, cues, version)


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text.encode("utf-8", "replace").decode("utf-8")
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("utf-8", "replace")
    return "" if text is None else str(text)


def assess_many(texts: Sequence[object]) -> list[Assessment]:
    """Assess a batch of posts (faster per post than one at a time). Never raises on input."""
    m = get_model()
    clean_texts = [_as_text(t) for t in texts]
    preds = m.predict(clean_texts)
    return [_to_assessment(t, p, m.version) for t, p in zip(clean_texts, preds, strict=True)]


def assess(text: object) -> Assessment:
    """Assess one post: level, calibrated score, imminence, language and the cues behind it.

    Any input is accepted: `str` (also empty, huge or with lone surrogates), `bytes` (decoded
    as UTF-8 with replacement) or anything else (its `str`). Only the first 5,000 characters
    are read; cue spans index the cleaned text (`jeevanrekha.risk.text.clean`).
    """
    return assess_many([text])[0]
