"""The n-gram + embedding peer: both feature sets side by side, trained and predicting."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from jeevanrekha.risk.datasets import Row
from jeevanrekha.risk.embed import DIM
from jeevanrekha.risk.peers import TfidfE5

RISKY = ["i want to end my life tonight", "i have the pills ready, goodbye", "i wish i was dead"]
SAFE = ["the match was great tonight", "pills for my fever, feeling better", "i wish it rained"]


def test_tfidf_e5_puts_embeddings_beside_ngrams_and_caches_no_text(tmp_path: Path) -> None:
    cache = tmp_path / "e5.npz"
    rows = [Row(t, "twitter", None, 1) for t in RISKY] + [Row(t, "twitter", None, 0) for t in SAFE]
    peer = TfidfE5(cache)
    peer.fit(rows * 2)
    x = peer._x(RISKY + SAFE)
    assert x.shape[1] == len(peer.tfidf.word.vocabulary_) + len(peer.tfidf.char.vocabulary_) + DIM
    dense = x[:, -DIM:].toarray()
    assert np.allclose(np.linalg.norm(dense, axis=1), TfidfE5.SCALE, atol=1e-3)
    levels, review = peer.predict(RISKY + SAFE)
    assert review.tolist() == [1, 1, 1, 0, 0, 0]
    assert levels.tolist() == [2, 2, 2, 0, 0, 0]  # a binary set alone: no level head
    assert cache.exists() and b"goodbye" not in cache.read_bytes()
