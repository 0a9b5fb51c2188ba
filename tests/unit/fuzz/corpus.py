"""The fuzzing corpus kept in the repo: tests/fuzz_corpus/<parser>/<name>.

Each file is one interesting input (a seed that once found, or is meant to find, an edge):
every fuzz test replays its parser's folder before generating new inputs. To keep a new
finding, drop the failing input in the folder (bytes as they came); `save()` does so.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2] / "fuzz_corpus"
# Generated inputs per fuzz test: deterministic (a fixed seed) so CI repeats itself;
# FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 for a longer, random local run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
)


def files(parser: str) -> list[Path]:
    """The corpus files of one parser, in name order (the folder must not be empty)."""
    found = sorted(p for p in (ROOT / parser).iterdir() if p.is_file())
    assert found, f"no corpus for {parser} in {ROOT / parser}"
    return found


def seeds(parser: str) -> list[bytes]:
    """The corpus inputs of one parser, as bytes."""
    return [p.read_bytes() for p in files(parser)]


def texts(parser: str) -> list[str]:
    """The corpus inputs of a text parser (UTF-8 files; undecodable bytes replaced)."""
    return [data.decode("utf-8", "replace") for data in seeds(parser)]


def save(parser: str, data: bytes) -> Path:
    """Keep an input in the corpus under its hash (for a finding worth replaying)."""
    path = ROOT / parser / f"found-{hashlib.sha256(data).hexdigest()[:16]}"
    path.write_bytes(data)
    return path
