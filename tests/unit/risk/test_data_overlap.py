"""No training line of the project's own data is close to a line of the test part."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from jeevanrekha.risk.datasets import OWN_DIR, REPO


def _overlap() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "risk_data_overlap", REPO / "scripts" / "risk_data_overlap.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_training_line_is_close_to_a_test_line() -> None:
    overlap = _overlap()
    tests = [
        (f"{path.name}:{n}", overlap.grams(overlap.text_of(line)))
        for path in sorted(OWN_DIR.glob("test_*.tsv"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip()
    ]
    assert len(tests) > 1000
    close = [
        (path.name, *found[:2], found[3])
        for path in sorted(OWN_DIR.glob("*.tsv"))
        if not path.name.startswith("test_")
        for found in overlap.close_lines(path, tests, 0.5)
    ]
    assert close == [], "run scripts/risk_data_overlap.py --drop"


def test_the_check_finds_a_near_copy_and_only_it(tmp_path: Path) -> None:
    overlap = _overlap()
    tests = [("t:1", overlap.grams("भगवान मुझे उठा ले, अब और नहीं सहा जाता 🙏"))]
    train = tmp_path / "hi_x.tsv"
    train.write_text(
        "2\tideation\tभगवान मुझे उठा ले अब और नहीं सहा जाता\n0\tplain\tआज बारिश हुई\n",
        encoding="utf-8",
    )
    found = overlap.close_lines(train, tests, 0.5)
    assert [(n, place) for n, _, _, place in found] == [(1, "t:1")]
    assert found[0][1] > 0.9
