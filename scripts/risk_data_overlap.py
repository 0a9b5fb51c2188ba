"""Training lines of the risk model's own data that are too close to a test line.

    .venv/bin/python scripts/risk_data_overlap.py [FILE.tsv ...] [--threshold 0.5] [--drop]

Compares each line of the named training files (default: every training file) with every
line of the test part (`test_*.tsv`), by the Jaccard similarity of their character 4-gram
sets after folding case, punctuation and spaces. Lines at or above the threshold are printed;
`--drop` deletes them from the training files. The test part is never changed. This is the
check the model card describes for every new training file.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "jeevanrekha" / "risk" / "data"
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def grams(text: str, n: int = 4) -> frozenset[str]:
    folded = _NOISE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return frozenset(folded[i : i + n] for i in range(max(1, len(folded) - n + 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def text_of(line: str) -> str:
    return line.split("\t", 2)[-1]


def close_lines(
    train: Path, tests: list[tuple[str, frozenset[str]]], threshold: float
) -> list[tuple[int, float, str, str]]:
    """(line number, similarity, line, nearest test line's place) of the lines of `train`
    too close to a test line; `tests` holds (place, 4-grams) per test line."""
    found = []
    for number, line in enumerate(train.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        mine = grams(text_of(line))
        best, place = max(((jaccard(mine, g), p) for p, g in tests), default=(0.0, ""))
        if best >= threshold:
            found.append((number, best, line, place))
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--drop", action="store_true", help="delete the close lines")
    args = parser.parse_args(argv)
    tests = [
        (f"{path.name}:{number}", grams(text_of(line)))
        for path in sorted(DATA.glob("test_*.tsv"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip()
    ]
    files = args.files or sorted(p for p in DATA.glob("*.tsv") if not p.name.startswith("test_"))
    total = 0
    for path in files:
        if path.name.startswith("test_"):
            print(f"{path.name}: a test file, skipped", file=sys.stderr)
            continue
        found = close_lines(path, tests, args.threshold)
        total += len(found)
        for number, score, line, place in found:
            print(f"{path.name}:{number}\t{score:.2f}\t{place}\t{text_of(line)}")
        if args.drop and found:
            drop = {number for number, *_ in found}
            kept = [
                line
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if number not in drop
            ]
            path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{total} line(s) at or above {args.threshold}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
