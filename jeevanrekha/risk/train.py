"""Training: fits `RiskModel` from labelled rows. Seeded and reproducible; uses scikit-learn.

Two binary heads (level >= 1, level >= 2) learn from every row whose answer is known: the
binary sets say only whether a post is level >= 2. A severity head (level 2 / 3 / 4 among
risky posts) learns from the rows with exact levels (cssrs7 and the project's own data).
Stage two is trained on out-of-fold stage-one margins, so that it learns how far stage one
can be trusted on posts it has not seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from jeevanrekha.risk import features
from jeevanrekha.risk.datasets import Row
from jeevanrekha.risk.model import F64, RiskModel, Thresholds, _sigmoid
from jeevanrekha.risk.text import clean

WEIGHTS = {"own": 3.0, "cssrs7": 2.0, "background": 0.5}
C_STAGE1 = 4.0
BALANCED: str | None = "balanced"


@dataclass(frozen=True)
class Labels:
    """Per output: which rows take part (mask) and their answer; one weight per row."""

    masks: list[npt.NDArray[np.bool_]]
    ys: list[npt.NDArray[np.int_]]
    weights: F64


def labels(rows: Sequence[Row]) -> Labels:
    """Labels of the >=1 and >=2 heads and of the severity head (2/3/4); unknowns masked."""
    n = len(rows)
    masks = [np.zeros(n, dtype=bool) for _ in range(3)]
    ys = [np.zeros(n, dtype=int) for _ in range(3)]
    weights = np.ones(n)
    for i, row in enumerate(rows):
        weights[i] = next((w for k, w in WEIGHTS.items() if row.source.startswith(k)), 1.0)
        if row.level is not None:
            masks[0][i], ys[0][i] = True, int(row.level >= 1)
            masks[1][i], ys[1][i] = True, int(row.level >= 2)
            if row.source == "cssrs7" and row.level == 0:
                masks[0][i] = False  # not suicide-related, yet often distress: unknown
            if row.level >= 2:
                masks[2][i], ys[2][i] = True, row.level
        elif row.risk is not None:
            masks[1][i], ys[1][i] = True, row.risk
            if row.risk == 1 or row.source.startswith("sdcnl"):  # r/depression is distress
                masks[0][i], ys[0][i] = True, 1
    return Labels(masks, ys, weights)


def _fit_heads(x: Any, lab: Labels, c: float, seed: int) -> tuple[F64, F64]:
    """Two binary heads and the severity head on `x`: weights (d, 5), biases (5,)."""
    w = np.zeros((x.shape[1], features.N_MARGINS))
    b = np.zeros(features.N_MARGINS)
    for k in range(2):
        m = lab.masks[k]
        clf = LogisticRegression(C=c, max_iter=1000, class_weight=BALANCED, random_state=seed)
        clf.fit(x[m], lab.ys[k][m], sample_weight=lab.weights[m])
        w[:, k], b[k] = clf.coef_[0], clf.intercept_[0]
    m = lab.masks[2]
    clf = LogisticRegression(C=c, max_iter=1000, class_weight="balanced", random_state=seed)
    clf.fit(x[m], lab.ys[2][m], sample_weight=lab.weights[m])
    w[:, 2:], b[2:] = clf.coef_.T, clf.intercept_
    return w, b


def _groups(rows: Sequence[Row], k: int) -> npt.NDArray[np.int_]:
    return np.array([int(hashlib.md5(r.text.encode()).hexdigest()[:8], 16) % k for r in rows])


def fit(
    rows: Sequence[Row], seed: int = 7, inner_folds: int = 3, version: str = "dev"
) -> RiskModel:
    """Train both stages on `rows`."""
    texts = [clean(r.text) for r in rows]
    lab = labels(rows)
    counts = features.hashed(features.normalise_all(texts))
    idf = features.fit_idf(counts)
    x = features.weigh(counts, idf)
    w1, b1 = _fit_heads(x, lab, c=C_STAGE1, seed=seed)
    oof = np.zeros((len(rows), features.N_MARGINS))
    groups = _groups(rows, inner_folds)
    for g in range(inner_folds):
        train = groups != g
        sub = Labels([m & train for m in lab.masks], lab.ys, lab.weights)
        wg, bg = _fit_heads(x, sub, c=C_STAGE1, seed=seed)
        oof[~train] = np.asarray(x[~train] @ wg) + bg
    platt = _platt(oof[:, 1], lab)
    dense = features.dense(texts, oof)
    mean2, scale2 = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    z = (dense - mean2) / scale2
    w2, b2 = _fit_heads(z, lab, c=1.0, seed=seed)
    out2 = np.zeros_like(oof)  # stage two out of fold too, for the thresholds
    for g in range(inner_folds):
        train = groups != g
        sub = Labels([m & train for m in lab.masks], lab.ys, lab.weights)
        wg, bg = _fit_heads(z, sub, c=1.0, seed=seed)
        out2[~train] = z[~train] @ wg + bg
    p2_stage1 = _sigmoid(platt[0] * oof[:, 1] + platt[1])
    model = RiskModel(
        idf=idf,
        w1=w1.astype(np.float32),
        b1=b1,
        platt=platt,
        clear=_clear_threshold(p2_stage1, lab),
        w2=w2,
        b2=b2,
        mean2=mean2,
        scale2=scale2,
        version=version,
        meta={"rows": len(rows), "seed": seed},
    )
    own = np.array([r.source.startswith("own") for r in rows])
    model.thresholds = _tune(model, out2, lab, own)
    return model


def _platt(margin: F64, lab: Labels) -> F64:
    m = lab.masks[1]
    clf = LogisticRegression(C=100.0, max_iter=1000)
    clf.fit(margin[m, None], lab.ys[1][m], sample_weight=lab.weights[m])
    return np.array([clf.coef_[0, 0], clf.intercept_[0]])


def _clear_threshold(p2: F64, lab: Labels, keep: float = 0.995) -> float:
    """The stage-one P(>=2) under which a post is cleared: 99.5% of positives stay above."""
    pos = lab.masks[1] & (lab.ys[1] == 1)
    return float(min(0.2, np.quantile(p2[pos], 1 - keep)))


def _tune(model: RiskModel, out2: F64, lab: Labels, own: npt.NDArray[np.bool_]) -> Thresholds:
    """Thresholds from out-of-fold stage-two outputs on the training rows.

    `review` maximises needs-review F1 on the project's own (Hindi/Hinglish) rows; the severity
    biases maximise macro-F1 over levels 2/3/4 on the rows with exact levels.
    """
    p2 = _sigmoid(out2[:, 1])
    m = lab.masks[1] & own
    review = max(
        np.arange(0.3, 0.71, 0.05),
        key=lambda t: float(f1_score(lab.ys[1][m], p2[m] >= t)) + 1e-3 * (t == 0.5),
    )
    m = lab.masks[2]
    logits = out2[m, 2:] - out2[m, 2:].max(axis=1, keepdims=True)
    truth = lab.ys[2][m]
    best = (-1.0, 0.0, 0.0)
    for b3 in np.arange(-1.0, 1.01, 0.25):
        for b4 in np.arange(-1.0, 1.01, 0.25):
            pred = 2 + np.argmax(logits + np.array([0.0, b3, b4]), axis=1)
            score = float(f1_score(truth, pred, average="macro"))
            if score > best[0]:
                best = (score, float(b3), float(b4))
    return Thresholds(review=round(float(review), 2), bias3=best[1], bias4=best[2])
