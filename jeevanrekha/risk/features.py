"""Features. Stage one: hashed word, skeleton and character n-grams of the normalised text.
Stage two: the stage-one margins, cue counts and a few shape features, as a small dense row.

Hashing keeps the shipped artefact free of any training text: a feature is a bucket number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from jeevanrekha.risk.cues import CUE_KINDS, cue_counts, lower
from jeevanrekha.risk.text import clean, language, normalise, skeleton

N_WORD = 2**18
N_CHAR = 2**18
N_FEATURES = N_WORD + N_CHAR
_TOKEN = re.compile(r"[^\s.,!?;:\"'()\[\]|/\\-]+")
LANG_CODES = ("en", "hi", "hinglish", "mixed")


@lru_cache(maxsize=65_536)
def _skeleton(token: str) -> str:
    return "~" + skeleton(token)


def _words(text: str) -> list[str]:
    """Word unigrams and bigrams, plus each token's consonant skeleton (prefixed `~`)."""
    tokens = _TOKEN.findall(text)
    grams = tokens + [f"{a} {b}" for a, b in pairwise(tokens)]
    grams += [_skeleton(t) for t in tokens if len(t) > 1]
    return grams


_WORD = HashingVectorizer(
    analyzer=_words, n_features=N_WORD, alternate_sign=False, norm=None, dtype=np.float32
)
_CHAR = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=N_CHAR,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    dtype=np.float32,
)


def hashed(normalised: Sequence[str]) -> sp.csr_matrix:
    """Raw n-gram counts of normalised texts: (n, N_FEATURES), sparse."""
    docs = list(normalised)
    return sp.hstack([_WORD.transform(docs), _CHAR.transform(docs)], format="csr")


def weigh(counts: sp.csr_matrix, idf: npt.NDArray[np.float32]) -> sp.csr_matrix:
    """Sublinear tf times idf, each row L2-normalised (TF-IDF on hashed buckets)."""
    x = counts.copy()
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


def fit_idf(counts: sp.csr_matrix) -> npt.NDArray[np.float32]:
    """Smoothed idf per bucket, from raw counts."""
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    n = counts.shape[0]
    idf: npt.NDArray[np.float32] = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    return idf


# Everyday contexts of words that are also method or act cues ("bukhar tha, dawai kha li",
# "train se ghar ja raha hu", "pool me kood gaye"): a stage-two feature, not a cue shown to the
# desk, so that an act or method word in a routine sentence weighs less.
_ROUTINE = re.compile(
    r"(?<![a-z])(?:bukhar|fever|sar\s?dard|headache|khansi|cough|zukaam|cold|bp|sugar|"
    r"vitamin\w*|antibiotic\w*|syrup|vaccine|checkup|doctor\sne|prescri\w*|ilaaj|"
    r"station|platform|ticket|flight|bus\sse|train\sse|safar|trip|ghar\s(?:ja|aa|pahunch)\w*|"
    r"pool|swimming|gym|workout|skipping|trek\w*|cricket|"
    r"sabzi|kitchen|recipe|chai|kapde|cylinder|booking|book\skar|fasal\sme|keede|"
    r"chuhe|daadhi|shaving|selfie|sunset|masti)(?![a-z])|"
    r"बुखार|सिरदर्द|खांसी|डॉक्टर\sने|विटामिन|स्टेशन|टिकट|स्विमिंग|पूल\sमें|कपड़े|सब्ज़ी|सिलेंडर|"
    r"फसल\sमें|कीड़े|मस्ती"
)
N_MARGINS = 5  # stage one: P(>=1), P(>=2), severity 2 / 3 / 4
_BASE_NAMES = (
    "m1", "m2", "s2", "s3", "s4",
    *(f"cue_{k}" for k in CUE_KINDS),
    "raise_x_lower", "suicide_x_negation", "imminence", "log_len", "n_sentences",
    "routine", "act_x_method", "routine_x_raised",
)  # fmt: skip
# The base features again for English posts only: stage two can weigh stage one and the cues
# differently for English (long Reddit-style posts, C-SSRS levels) and for Hindi/Hinglish.
STAGE2_NAMES = (
    *_BASE_NAMES,
    *(f"lang_{c}" for c in LANG_CODES),
    *(f"en_{name}" for name in _BASE_NAMES),
)


def dense(texts: Sequence[str], margins: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Stage-two rows: stage-one margins (n, 5), cue counts, interactions, shape, language,
    and for English posts the base features once more."""
    rows = np.zeros((len(texts), len(STAGE2_NAMES)), dtype=np.float64)
    k, nb = len(CUE_KINDS), len(_BASE_NAMES)
    idx = {name: i for i, name in enumerate(CUE_KINDS)}
    for r, raw in enumerate(texts):
        text = clean(raw)
        counts = [math.log1p(c) for c in cue_counts(text)]
        raised = sum(counts[idx[n]] for n in ("suicide", "wish_to_die", "method", "plan"))
        lowered = sum(counts[idx[n]] for n in ("hyperbole", "lyrics", "news", "third_person"))
        imminence = sum(counts[idx[n]] for n in ("time", "goodbye", "act"))
        lang = language(text)
        rows[r, :N_MARGINS] = margins[r]
        rows[r, N_MARGINS : N_MARGINS + k] = counts
        routine = math.log1p(len(_ROUTINE.findall(lower(text))))
        rows[r, N_MARGINS + k : nb] = [
            raised * lowered,
            counts[idx["suicide"]] * counts[idx["negation"]],
            imminence * (1.0 if raised > 0 else 0.0),
            math.log1p(len(text)) / 5.0,
            math.log1p(text.count(".") + text.count("।") + text.count("\n")),
            routine,
            counts[idx["act"]] * counts[idx["method"]],
            routine * raised,
        ]
        rows[r, nb : nb + len(LANG_CODES)] = [1.0 if lang == c else 0.0 for c in LANG_CODES]
        if lang == "en":
            rows[r, nb + len(LANG_CODES) :] = rows[r, :nb]
    return rows


def normalise_all(texts: Sequence[str]) -> list[str]:
    return [normalise(t) for t in texts]
