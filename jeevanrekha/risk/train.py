"""Training: fits `RiskModel` from labelled rows. Seeded and reproducible; uses scikit-learn.

Two binary heads (level >= 1, level >= 2) learn from every row whose answer is known: the
binary sets say only whether a post is level >= 2. A severity head (level 2 / 3 / 4 among
risky posts) learns from the rows with exact levels (cssrs7 and the project's own data).
Stage two is trained on out-of-fold stage-one margins, so that it learns how far stage one
can be trusted on posts it has not seen. Any subset of the data can be trained on (one
benchmark alone, say): a head whose rows hold a single answer falls back (see `_fit_heads`).
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
from jeevanrekha.risk.text import clean, language

WEIGHTS = {"own": 3.0, "cssrs7": 2.0, "background": 0.5}
C_STAGE1 = 4.0
C_STAGE2 = 0.3
BALANCED: str | None = "balanced"
ABSENT = -12.0  # bias of a severity level that no training row has
REVIEW_GRID = np.round(np.arange(0.2, 0.801, 0.025), 3)
BIAS_GRID = np.arange(-1.5, 1.51, 0.25)
NEAR = 0.005  # scores this close to the best count as ties (see `_best_review`)
FPR_BUDGET = 0.01  # at most this share of background posts raised, out of fold (the limit)


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


def _logreg(c: float, seed: int, balanced: str | None) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=1000, class_weight=balanced, random_state=seed)


def _severity(x: Any, lab: Labels, c: float, seed: int) -> tuple[F64, F64]:
    """The severity head (levels 2 / 3 / 4): weights (d, 3), biases (3,).

    Levels no row has get a large negative bias; with one level only, that level always wins.
    """
    m = lab.masks[2]
    present = sorted(set(lab.ys[2][m].tolist()))
    w = np.zeros((x.shape[1], 3))
    b = np.array([0.0 if lvl in present else ABSENT for lvl in (2, 3, 4)])
    if len(present) < 2:
        return w, b
    clf = _logreg(c, seed, "balanced").fit(x[m], lab.ys[2][m], sample_weight=lab.weights[m])
    cols = [lvl - 2 for lvl in clf.classes_]
    if len(cols) == 2:  # a binary fit: one coefficient row, for the second class
        w[:, cols[1]], b[cols[1]], b[cols[0]] = clf.coef_[0], clf.intercept_[0], 0.0
    else:
        w[:, cols], b[cols] = clf.coef_.T, clf.intercept_
    return w, b


def _fit_heads(x: Any, lab: Labels, c: float, seed: int) -> tuple[F64, F64]:
    """Two binary heads and the severity head on `x`: weights (d, 5), biases (5,).

    The level >= 1 head copies the level >= 2 head when its rows hold one answer only (a
    binary benchmark on its own says nothing about distress without suicidal thoughts).
    """
    w = np.zeros((x.shape[1], features.N_MARGINS))
    b = np.zeros(features.N_MARGINS)
    for k in (1, 0):
        m = lab.masks[k]
        if len(np.unique(lab.ys[k][m])) < 2:
            w[:, k], b[k] = w[:, 1], b[1]
            continue
        clf = _logreg(c, seed, BALANCED).fit(x[m], lab.ys[k][m], sample_weight=lab.weights[m])
        w[:, k], b[k] = clf.coef_[0], clf.intercept_[0]
    w[:, 2:], b[2:] = _severity(x, lab, c, seed)
    return w, b


def _groups(rows: Sequence[Row], k: int) -> npt.NDArray[np.int_]:
    """Inner folds by text hash; a spelling copy goes with its original."""
    keys = [(r.origin or r.text).encode("utf-8", "replace") for r in rows]
    return np.array([int(hashlib.md5(key).hexdigest()[:8], 16) % k for key in keys])


def _out_of_fold(x: Any, lab: Labels, groups: npt.NDArray[np.int_], c: float, seed: int) -> F64:
    """Margins (n, 5) of heads trained without each row's inner fold."""
    out = np.zeros((x.shape[0], features.N_MARGINS))
    for g in np.unique(groups):
        train = groups != g
        sub = Labels([m & train for m in lab.masks], lab.ys, lab.weights)
        wg, bg = _fit_heads(x, sub, c=c, seed=seed)
        out[~train] = np.asarray(x[~train] @ wg) + bg
    return out


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
    groups = _groups(rows, inner_folds)
    oof = _out_of_fold(x, lab, groups, C_STAGE1, seed)
    platt = _platt(oof[:, 1], lab)
    dense = features.dense(texts, oof)
    mean2, scale2 = dense.mean(axis=0), dense.std(axis=0) + 1e-6
    z = (dense - mean2) / scale2
    w2, b2 = _fit_heads(z, lab, c=C_STAGE2, seed=seed)
    out2 = _out_of_fold(z, lab, groups, C_STAGE2, seed)  # for the thresholds
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
    english = np.array([language(t) == "en" for t in texts])
    model.thresholds = _tune(out2, lab, rows, english)
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


def _best_review(p2: F64, truth: npt.NDArray[np.int_], p2_background: F64) -> float:
    """The lowest grid threshold whose F1 is within `NEAR` of the best: among thresholds that
    do about equally well, the desk prefers the one that misses fewest risky posts. Only
    thresholds that raise at most `FPR_BUDGET` of the background posts (out of fold) count:
    a real stream is mostly harmless posts, far more than the labelled rows."""
    if len(np.unique(truth)) < 2:
        return 0.5
    grid = REVIEW_GRID
    if len(p2_background):
        fpr = np.array([float((p2_background >= t).mean()) for t in grid])
        grid = grid[fpr <= FPR_BUDGET] if (fpr <= FPR_BUDGET).any() else grid[-1:]
    scores = np.array([float(f1_score(truth, p2 >= t)) for t in grid])
    return float(grid[np.flatnonzero(scores >= scores.max() - NEAR)[0]])


def _best_biases(
    p2: F64, sev: F64, review: float, levels: npt.NDArray[np.int_]
) -> tuple[float, float]:
    """Biases of severity 3 and 4: among those whose 4-level (0 / 2 / 3 / 4) macro-F1 is
    within `NEAR` of the best, the one that finds most level-4 posts (then the smallest)."""
    truth = np.where(levels == 1, 0, levels)
    if len(set((truth[truth >= 2]).tolist())) < 2:
        return 0.0, 0.0
    logits = sev - sev.max(axis=1, keepdims=True)
    found: list[tuple[float, float, float, float]] = []
    for b3 in BIAS_GRID:
        for b4 in BIAS_GRID:
            sev_level = 2 + np.argmax(logits + np.array([0.0, b3, b4]), axis=1)
            pred = np.where(p2 >= review, sev_level, 0)
            macro = float(f1_score(truth, pred, average="macro"))
            top = float((pred[truth == 4] == 4).mean()) if (truth == 4).any() else 0.0
            found.append((macro, top, float(b3), float(b4)))
    best = max(f[0] for f in found)
    near = [f for f in found if f[0] >= best - NEAR]
    _macro, _top, b3, b4 = max(near, key=lambda f: (f[1], -abs(f[2]) - abs(f[3])))
    return b3, b4


def _tune(
    out2: F64, lab: Labels, rows: Sequence[Row], english: npt.NDArray[np.bool_]
) -> Thresholds:
    """Thresholds from out-of-fold stage-two outputs on the training rows, apart for English
    and for Hindi/Hinglish posts (spelling copies left out: they echo their originals).

    `review` maximises needs-review F1 over the labelled rows (the background tweets only
    bound it, see `_best_review`); the severity biases maximise the 4-level macro-F1 over the
    rows with exact levels.
    """
    p2 = _sigmoid(out2[:, 1])
    original = np.array([r.source != "own_aug" for r in rows])
    background = np.array([r.source.startswith("background") for r in rows])
    exact = np.array([r.level is not None for r in rows])
    levels = np.array([-1 if r.level is None else r.level for r in rows])
    found: dict[str, float] = {}
    for suffix, group in (("", ~english), ("_en", english)):
        m = lab.masks[1] & group & original & ~background
        review = _best_review(p2[m], lab.ys[1][m], p2[group & background])
        e = exact & group & original
        bias3, bias4 = _best_biases(p2[e], out2[e, 2:], review, levels[e])
        found |= {f"review{suffix}": review, f"bias3{suffix}": bias3, f"bias4{suffix}": bias4}
    return Thresholds(**found)
