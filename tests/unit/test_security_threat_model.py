"""docs/threat-model.md: every control names a test, and every named test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "threat-model.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_named_test_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) > 60
    missing = []
    for path, name in references:
        source = ROOT / path
        if not source.exists() or not re.search(rf"^def {name}\(", source.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert not missing, "named in docs/threat-model.md but not found: " + ", ".join(missing)


def test_every_control_row_names_its_proof() -> None:
    section = DOC.read_text(encoding="utf-8").split("## Controls and their proofs")[1]
    section = section.split("## What is not covered")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    controls = [row for row in rows if not row.startswith("| control |")]
    assert len(controls) > 30
    bare = [row for row in controls if "tests/" not in row and "make setup" not in row]
    assert not bare, f"controls without a proof: {bare}"
