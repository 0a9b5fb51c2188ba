"""Training on small made-up sets: any subset of the data trains, thresholds are per language,
and the artefact round-trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from jeevanrekha.risk import train
from jeevanrekha.risk.datasets import Row, augment
from jeevanrekha.risk.model import RiskModel, Thresholds

RISKY_EN = [
    "i want to kill myself tonight",
    "i have the pills ready and i will end my life",
    "nobody would miss me if i died, i want to die",
    "i am going to jump off the bridge this weekend",
    "i wrote my suicide note and gave away my things",
    "i tried to overdose last year and i want to try again",
]
CALM_EN = [
    "great match yesterday, what a finish",
    "cooking pasta for dinner with friends",
    "the new phone camera is really good",
    "traffic was bad but i got to work on time",
    "watching a movie with my family tonight",
    "my dog learned a new trick today",
]
RISKY_HI = [
    "mujhe ab jeena nahi hai, sab khatam karna hai",
    "neend ki goliyan jama kar li hai, bas ab",
    "aaj raat pankhe se latak jaunga, alvida",
    "pul pe khada hu, ab kood raha hu",
]
CALM_HI = [
    "aaj mausam bahut accha hai, chai peete hai",
    "kal cricket match dekhne chalenge bhai",
    "ye exam meri jaan le lega 😂",
    "mummy ne aaj rajma chawal banaye",
]


def english_binary_rows() -> list[Row]:
    """A binary benchmark on its own: only whether each post is level >= 2."""
    rows = [Row(t, "twitter", None, 1, i % 5, "en") for i, t in enumerate(RISKY_EN * 3)]
    rows += [Row(t, "twitter", None, 0, i % 5, "en") for i, t in enumerate(CALM_EN * 3)]
    return rows


def mixed_rows() -> list[Row]:
    rows = english_binary_rows()
    levels = [2, 3, 4, 4]
    pairs = zip(RISKY_HI, levels, strict=True)
    rows += [Row(t, "own_train", lv, 1, -1, "hinglish") for t, lv in pairs] * 2
    rows += [Row(t, "own_train", 0, 0, -1, "hinglish") for t in CALM_HI] * 2
    rows += [Row(t, "own_train", 1, 0, -1, "hinglish") for t in ("bahut akela lagta hai",)] * 3
    return rows


def test_a_binary_benchmark_alone_trains() -> None:
    model = train.fit(english_binary_rows(), inner_folds=3)
    preds = model.predict(["i want to kill myself tonight", "cooking pasta for dinner"])
    assert preds[0].score > preds[1].score
    assert preds[1].level < 2
    # no exact levels: the severity head says level 2 unless a cue makes it imminent
    assert model.b1[3] < -5 and model.b1[4] < -5


def test_thresholds_are_tuned_apart_for_english_and_indic() -> None:
    model = train.fit(mixed_rows(), inner_folds=3)
    t = model.thresholds
    assert {t.review, t.review_en} <= set(train.REVIEW_GRID.tolist()) | {0.5}
    assert t.for_lang("en") == (t.review_en, t.bias3_en, t.bias4_en)
    assert t.for_lang("hinglish") == t.for_lang("hi") == (t.review, t.bias3, t.bias4)


def test_artefact_round_trip(tmp_path: Path) -> None:
    model = train.fit(mixed_rows(), inner_folds=3, version="risk-test")
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = RiskModel.load(path)
    assert loaded.thresholds == model.thresholds
    texts = ["aaj raat pankhe se latak jaunga", "great match yesterday"]
    assert [p.level for p in loaded.predict(texts)] == [p.level for p in model.predict(texts)]
    np.testing.assert_allclose(loaded.w2, model.w2)


def test_old_threshold_headers_still_load() -> None:
    assert Thresholds(review=0.55, bias3=0.25).review_en == 0.5


def test_spelling_copies_keep_their_origin_and_inner_fold() -> None:
    rows = [Row(t, "own_train", 2, 1, -1, "hinglish") for t in RISKY_HI]
    copies = augment(rows)
    assert copies and all(c.origin in RISKY_HI and c.source == "own_aug" for c in copies)
    groups = train._groups(rows + copies, 3)
    by_text = dict(zip(RISKY_HI, groups[: len(rows)], strict=True))
    assert all(g == by_text[c.origin] for c, g in zip(copies, groups[len(rows) :], strict=True))
