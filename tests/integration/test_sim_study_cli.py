"""`jeevanrekha sim study`: both arms printed from one seeded run, figures and plots written."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command


def run(out: Path, seed: int) -> tuple[str, dict]:  # type: ignore[type-arg]
    stdout = io.StringIO()
    call_command(
        "sim", "study", "--days", "30", "--seed", str(seed), "--out-dir", str(out), stdout=stdout
    )
    return stdout.getvalue(), json.loads((out / "study.json").read_text())


def test_study_prints_both_arms_and_writes_figures_and_plots(tmp_path: Path) -> None:
    text, doc = run(tmp_path / "a", 4)
    assert "manual desk" in text and "automated" in text
    assert "alert → on scene, median (min)" in text and "lost: other_state" in text
    assert (doc["seed"], doc["days"]) == (4, 30.0)
    manual, auto = doc["arms"]["manual"], doc["arms"]["automated"]
    assert manual["alerts"] == auto["alerts"] > 20
    assert manual["saved"] + manual["lost"] + manual["forwarded"] == manual["alerts"]
    # Every parameter of both models travels with its source.
    assert all(doc["scenario_sources"].values()) and all(doc["desk_sources"].values())
    for name in ("study_on_scene.png", "study_outcomes.png"):
        png = (tmp_path / "a" / name).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    again_text, again = run(tmp_path / "b", 4)
    assert again["arms"] == doc["arms"]
    assert table(again_text) == table(text)


def table(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(("figures:", "plot:"))]
