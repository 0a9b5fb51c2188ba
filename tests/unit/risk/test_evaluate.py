"""The own test part: blind files are kept apart in the figures, and the figures count right."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jeevanrekha.risk.datasets import load_own
from jeevanrekha.risk.evaluate import _own_figures, blind_parts, table


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_blind_files_are_part_of_the_test_part_and_marked(tmp_path: Path) -> None:
    _write(tmp_path / "hi_train.tsv", ["2\tideation\tमैं अब जीना नहीं चाहता"])
    _write(tmp_path / "test_hi.tsv", ["0\tplain\tआज बारिश हुई"])
    _write(tmp_path / "test_hinglish_blind.tsv", ["4\timminent\taaj raat alvida", ""])
    test = load_own("test", tmp_path)
    assert [(r.source, r.lang, r.level, r.kind) for r in test] == [
        ("own_test", "hi", 0, "plain"),
        ("own_test_blind", "hinglish", 4, "imminent"),
    ]
    assert [r.source for r in load_own("train", tmp_path)] == ["own_train"]


def test_each_blind_part_keeps_its_own_name(tmp_path: Path) -> None:
    _write(tmp_path / "test_hi_blind.tsv", ["0\tplain\tआज बारिश हुई"])
    _write(tmp_path / "test_hi_blind2.tsv", ["2\tideation\tअब और नहीं"])
    _write(tmp_path / "test_hinglish_blind12.tsv", ["0\tplain\tchai pe chalo"])
    _write(tmp_path / "test_hinglish.tsv", ["0\tplain\tkal milte"])
    test = load_own("test", tmp_path)
    assert sorted((r.source, r.lang) for r in test) == [
        ("own_test", "hinglish"),
        ("own_test_blind", "hi"),
        ("own_test_blind12", "hinglish"),
        ("own_test_blind2", "hi"),
    ]
    assert blind_parts(test) == ["blind", "blind2", "blind12"]


def test_own_figures_count_per_language_and_hard_negatives(tmp_path: Path) -> None:
    _write(
        tmp_path / "test_hi_blind.tsv",
        ["4\timminent\tए", "2\tideation\tबी", "0\tnegation\tसी", "0\tplain\tडी"],
    )
    _write(tmp_path / "test_hinglish_blind.tsv", ["3\tplan\ta", "0\tthird\tb"])
    rows = load_own("test", tmp_path)
    review = np.array([1, 0, 1, 0, 1, 1])  # hi: one hit, one miss, one hard negative raised
    imminent = np.array([0, 0, 0, 0, 0, 0])
    figures = _own_figures("blind", rows, review, imminent)
    assert figures["blind_hi_review_f1"] == pytest.approx(0.5)
    assert figures["blind_hi_hard_negative_review_rate"] == 1.0
    assert figures["blind_hinglish_review_f1"] == pytest.approx(2 / 3)
    assert figures["blind_hinglish_hard_negative_review_rate"] == 1.0
    assert figures["blind_imminent_recall"] == 0.0
    assert (figures["blind_hi_n"], figures["blind_hinglish_n"]) == (4, 2)


def test_the_table_judges_blind_rows_by_the_own_targets() -> None:
    figures = {
        "blind_hi_review_f1": 0.80,
        "blind_hinglish_review_f1": 0.90,
        "blind2_hinglish_hard_negative_review_rate": 0.12,
        "blind2_imminent_recall": 0.95,
    }
    report = {"systems": {"jeevanrekha": {"figures": figures, "passed": {}}}}
    lines = {line.split()[0]: line for line in table(report).splitlines()}
    assert lines["blind_hi_review_f1"].endswith(">= 0.88 FAIL")
    assert lines["blind_hinglish_review_f1"].endswith(">= 0.88 PASS")
    assert lines["blind2_hinglish_hard_negative_review_rate"].endswith("<= 0.1 FAIL")
    assert lines["blind2_imminent_recall"].endswith(">= 0.9 PASS")
    assert lines["blind2_hi_review_f1"].split()[1] == "-"  # absent: no verdict
    assert list(lines).index("blind_imminent_recall") < list(lines).index("blind2_hi_review_f1")
