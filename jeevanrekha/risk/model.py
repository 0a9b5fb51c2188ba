"""The two-stage risk model: arrays, prediction, and the artefact file. No training here.

Stage one scores every post from hashed n-grams with five linear outputs: P(level >= 1),
P(level >= 2), and a severity split of the risky posts into levels 2, 3 and 4. It clears the
posts whose calibrated P(level >= 2) is under `clear`. Stage two re-scores the rest from the
stage-one margins, the cue counts and the post's shape. A risky post with a time, goodbye or
act cue is raised to level 4 and flagged `imminent` when it is at least level 3 or its P(level 4)
is over `imminent_cue`. Level 4 is `imminent` (an act under way or done, a goodbye, a time).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jeevanrekha.risk import features
from jeevanrekha.risk.cues import IMMINENCE_KINDS, Cue, find_cues
from jeevanrekha.risk.text import clean, language

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
ARTEFACT = Path(__file__).resolve().parent / "artefact" / "risk-model.npz"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds (see docs/model-card.md), one set for Hindi/Hinglish posts and one
    (`*_en`) for English posts: the two are tuned apart because their base rates and the
    meaning of level 4 in their training data differ."""

    distress: float = 0.5  # P(>=1) for level 1
    review: float = 0.5  # P(>=2) for level >= 2, i.e. "needs review" (hi, hinglish, mixed)
    bias3: float = 0.0  # log-odds bias of severity 3 against 2
    bias4: float = 0.0  # log-odds bias of severity 4 against 2
    review_en: float = 0.5  # the same three for English posts
    bias3_en: float = 0.0
    bias4_en: float = 0.0
    imminent_cue: float = 0.3  # P(level 4) for `imminent` below level 4, with a cue

    def for_lang(self, lang: str) -> tuple[float, float, float]:
        """(review, bias3, bias4) for a post in `lang`."""
        if lang == "en":
            return self.review_en, self.bias3_en, self.bias4_en
        return self.review, self.bias3, self.bias4


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's view of one post (what `assess` turns into an `Assessment`)."""

    level: int
    score: float
    imminent: bool
    lang: str
    cues: tuple[Cue, ...]
    stage: int
    probs: tuple[float, float, float, float]  # P(>=1), P(>=2), P(>=3), P(4)


def _sigmoid(x: F64) -> F64:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -40, 40))), dtype=np.float64)


def _softmax(x: F64) -> F64:
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return np.asarray(z / z.sum(axis=1, keepdims=True), dtype=np.float64)


@dataclass
class RiskModel:
    """All the arrays of the model; `predict` runs both stages on a batch."""

    idf: F32
    w1: F32  # (N_FEATURES, 5)
    b1: F64  # (5,)
    platt: F64  # (2,): calibrated stage-one P(>=2) = sigmoid(a * margin + b)
    clear: float
    w2: F64  # (len(STAGE2_NAMES), 5)
    b2: F64
    mean2: F64
    scale2: F64
    thresholds: Thresholds = field(default_factory=Thresholds)
    version: str = "dev"
    meta: dict[str, Any] = field(default_factory=dict)

    def stage1(self, texts: Sequence[str]) -> F64:
        """Stage-one margins (n, 5) for cleaned texts."""
        counts = features.hashed(features.normalise_all(texts))
        x = features.weigh(counts, self.idf)
        return np.asarray(x @ self.w1, dtype=np.float64) + self.b1

    def p2_stage1(self, margins: F64) -> F64:
        """Calibrated stage-one P(level >= 2)."""
        return _sigmoid(self.platt[0] * margins[:, 1] + self.platt[1])

    def stage2(self, texts: Sequence[str], margins: F64) -> F64:
        """Stage-two outputs (n, 5): P(>=1), P(>=2), severity probabilities of 2 / 3 / 4."""
        rows = (features.dense(texts, margins) - self.mean2) / self.scale2
        out = rows @ self.w2 + self.b2
        return np.hstack([_sigmoid(out[:, :2]), _softmax(out[:, 2:])])

    def stage1_outputs(self, margins: F64) -> F64:
        return np.hstack(
            [_sigmoid(margins[:, :1]), self.p2_stage1(margins)[:, None], _softmax(margins[:, 2:])]
        )

    def predict(self, texts: Sequence[str], with_cues: bool = True) -> list[Prediction]:
        """Both stages on a batch; posts cleared by stage one skip stage two."""
        cleaned = [clean(t) for t in texts]
        if not cleaned:
            return []
        margins = self.stage1(cleaned)
        out = self.stage1_outputs(margins)
        hard = np.flatnonzero(out[:, 1] >= self.clear)
        if len(hard):
            out[hard] = self.stage2([cleaned[i] for i in hard], margins[hard])
        stage = np.ones(len(cleaned), dtype=int)
        stage[hard] = 2
        return [
            self._decide(text, out[i], int(stage[i]), with_cues) for i, text in enumerate(cleaned)
        ]

    def severity(self, sev: F64, lang: str = "hi") -> int:
        """Level 2, 3 or 4 from the severity probabilities and the tuned biases."""
        _review, bias3, bias4 = self.thresholds.for_lang(lang)
        logits = np.log(np.maximum(sev, 1e-9)) + np.array([0.0, bias3, bias4])
        return 2 + int(np.argmax(logits))

    def _decide(self, text: str, out: F64, stage: int, with_cues: bool) -> Prediction:
        t = self.thresholds
        lang = language(text)
        p1, p2 = float(out[0]), float(out[1])
        level = 1 if p1 >= t.distress else 0
        review = p2 >= t.for_lang(lang)[0]
        cues = tuple(find_cues(text)) if with_cues or review else ()
        if review:
            level = self.severity(out[2:], lang)
        p4 = p2 * float(out[4])
        soon = any(c.kind in IMMINENCE_KINDS for c in cues)
        if level >= 2 and soon and (level >= 3 or p4 >= t.imminent_cue):
            level = 4  # a plan with a time, a goodbye or an act under way: imminent
        imminent = level == 4
        return Prediction(
            level=level,
            score=p2,
            imminent=bool(imminent),
            lang=lang,
            cues=cues,
            stage=stage,
            probs=(max(p1, p2), p2, p2 * float(out[3] + out[4]), p4),
        )

    # -- the artefact ------------------------------------------------------------------

    def save(self, path: Path = ARTEFACT) -> None:
        """Write the artefact: arrays (float16 stage-one weights) and a JSON header."""
        nz = np.flatnonzero(np.any(self.w1 != 0, axis=1))
        header = {
            "version": self.version,
            "clear": self.clear,
            "thresholds": {k: getattr(self.thresholds, k) for k in Thresholds.__slots__},
            "meta": self.meta,
            "stage2_names": list(features.STAGE2_NAMES),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            header=np.array(json.dumps(header)),
            idf=self.idf.astype(np.float16),
            w1_rows=nz.astype(np.int32),
            w1=self.w1[nz].astype(np.float16),
            b1=self.b1,
            platt=self.platt,
            w2=self.w2,
            b2=self.b2,
            mean2=self.mean2,
            scale2=self.scale2,
        )
        path.write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: Path = ARTEFACT) -> RiskModel:
        """Read an artefact written by `save`."""
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            w1 = np.zeros((features.N_FEATURES, features.N_MARGINS), dtype=np.float32)
            w1[data["w1_rows"]] = data["w1"].astype(np.float32)
            return cls(
                idf=data["idf"].astype(np.float32),
                w1=w1,
                b1=data["b1"],
                platt=data["platt"],
                clear=float(header["clear"]),
                w2=data["w2"],
                b2=data["b2"],
                mean2=data["mean2"],
                scale2=data["scale2"],
                thresholds=Thresholds(**header["thresholds"]),  # a missing field: default
                version=str(header["version"]),
                meta=dict(header["meta"]),
            )
