"""Labelled examples for training and evaluation: the shared public sets and the project's own.

A `Row` carries what is known of a post: an exact level (own data, cssrs7), or only whether it
is level >= 2 (the binary sets), or that it is background (no risk). Shared data is read from
`RISK_DATA_DIR` (default `../shared/data/risk` beside the repository) and never copied.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

OWN_DIR = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]
LANGS = ("hi", "hinglish", "mixed")
HARD_KINDS = frozenset(
    {"hyperbole", "lyrics", "news", "awareness", "third", "negation", "recovery"}
)
CSSRS_TO_LEVEL = {0: 0, 1: 2, 2: 2, 3: 3, 4: 3, 5: 3, 6: 4}


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled post. `level` is exact (0-4) when known; `risk` is level >= 2 when known."""

    text: str
    source: str
    level: int | None
    risk: int | None
    fold: int = -1  # cross-validation fold for cssrs7 and twitter_intention, else -1
    lang: str = ""
    kind: str = ""
    origin: str = ""  # a copy's original text (spelling variants): kept in the same inner fold


def shared_dir(path: str | Path | None = None) -> Path:
    """The shared data folder: `path`, `$RISK_DATA_DIR`, or `../shared/data/risk`."""
    if path:
        return Path(path)
    if os.environ.get("RISK_DATA_DIR"):
        return Path(os.environ["RISK_DATA_DIR"])
    return REPO.parent / "shared" / "data" / "risk"


def _csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _folds(n: int, labels: list[int], seed: int, k: int = 5) -> list[int]:
    """Stratified fold numbers, reproducible."""
    rng = random.Random(seed)
    folds = [0] * n
    for label in sorted(set(labels)):
        members = [i for i in range(n) if labels[i] == label]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[i] = j % k
    return folds


def load_cssrs7(base: Path, seed: int = 7) -> list[Row]:
    rows = _csv(base / "cssrs7" / "train.csv")
    levels = [CSSRS_TO_LEVEL[int(r["severity"])] for r in rows]
    folds = _folds(len(rows), levels, seed)
    return [
        Row(r["content"], "cssrs7", lvl, int(lvl >= 2), f, "en")
        for r, lvl, f in zip(rows, levels, folds, strict=True)
    ]


def load_twitter(base: Path, seed: int = 7) -> list[Row]:
    rows = _csv(base / "twitter_intention" / "data.csv")
    labels = [int(r["intention"]) for r in rows]
    folds = _folds(len(rows), labels, seed)
    return [
        Row(r["tweet"], "twitter", None, y, f, "en")
        for r, y, f in zip(rows, labels, folds, strict=True)
    ]


def load_sdcnl(base: Path, part: str) -> list[Row]:
    name = "training-set.csv" if part == "train" else "testing-set.csv"
    return [
        Row(r["title"] + " " + r["selftext"], f"sdcnl_{part}", None, int(r["is_suicide"]), -1, "en")
        for r in _csv(base / "sdcnl" / name)
    ]


def load_background(base: Path, part: str) -> list[Row]:
    """Hinglish SentiMix tweets: `test` (3,000, the false-positive check) or `train` (the rest)."""
    rows = _csv(base / "hinglish_sentimix" / "data.csv")
    keep = [r for r in rows if (r["split"] == "test") == (part == "test")]
    return [Row(r["text"], f"background_{part}", 0, 0, -1, "hinglish") for r in keep]


_BLIND = re.compile(r"_(blind\d*)$")


def load_own(part: str, directory: Path = OWN_DIR) -> list[Row]:
    """The project's own examples: `train` (all files but `test_*`) or `test`."""
    out: list[Row] = []
    for path in sorted(directory.glob("*.tsv")):
        is_test = path.name.startswith("test_")
        if is_test != (part == "test"):
            continue
        stem = path.stem.removeprefix("test_")
        lang = stem.split("_")[0]
        blind = _BLIND.search(stem)  # `_blind`, `_blind2`, ...: a blind part of its own
        source = f"own_{part}_{blind.group(1)}" if blind else f"own_{part}"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            level, kind, text = line.split("\t", 2)
            lvl = int(level)
            out.append(Row(text, source, lvl, int(lvl >= 2), -1, lang, kind))
    return out


_SWAPS = (
    ("main ", "mai "), ("mai ", "main "), ("nahi", "nhi"), ("nhi", "nahi"), ("nahi", "nai"),
    ("zindagi", "jindagi"), ("jindagi", "zindgi"), ("khudkushi", "khudkhushi"),
    ("hu ", "hoon "), ("hun", "hu"), ("raha", "rha"), ("kar ", "kr "), ("suicide", "sucide"),
    ("hai", "h"), ("mujhe", "mje"), ("bahut", "bht"), ("yaar", "yr"), ("kya", "kia"),
    ("aaj", "aj"), ("jaan", "jan"), ("zeher", "zehar"), ("goliyan", "goliya"),
    ("khatam", "khtm"), ("marna", "mrna"), ("mujhe", "muje"), ("kuch", "kuchh"),
    ("accha", "acha"), ("pareshan", "preshan"), ("bhi", "b"), ("sab", "sb"), ("ab ", "abb "),
    ("hoon", "hun"), ("rahi", "rhi"), ("karna", "krna"), ("sochta", "sochti"),
    ("raat", "rat"), ("zindagi", "zindgi"), ("chahta", "chahti"),
)  # fmt: skip
_EMOJI = ("", "", " 😔", " 💔", " 😭", " 🙏", "!!", "...", " 🥀")


def augment(rows: list[Row], seed: int = 11, copies: int = 1) -> list[Row]:
    """Spelling-variant and emoji copies of Hinglish training rows (never of test rows)."""
    rng = random.Random(seed)
    out: list[Row] = []
    for row in rows:
        if row.lang != "hinglish":
            continue
        for _ in range(copies):
            text = row.text
            for old, new in rng.sample(_SWAPS, 6):
                if old in text:
                    text = text.replace(old, new)
            if rng.random() < 0.5:
                text = text.lower() if rng.random() < 0.7 else text.capitalize()
            text += rng.choice(_EMOJI)
            if text != row.text:
                out.append(replace(row, text=text, source="own_aug", origin=row.text))
    return out


def rows_digest(rows: list[Row]) -> str:
    """SHA-1 of the rows' sources, labels and texts, in order: names the training data in the
    artefact's version, so that two artefacts trained on different data never share one."""
    digest = hashlib.sha1()
    for r in rows:
        digest.update(f"{r.source}\t{r.level}\t{r.risk}\t{r.text}\n".encode("utf-8", "replace"))
    return digest.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()
